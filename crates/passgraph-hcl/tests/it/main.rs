//! Integration tests of passgraph-hcl.
#![allow(clippy::unwrap_used, unreachable_pub, dead_code)]

mod modules;
mod policydoc;
mod resources;
mod scratch;
mod support;
