//! Integration tests of passgraph-hcl.
#![allow(clippy::unwrap_used, unreachable_pub, dead_code)]

mod support;
mod scratch;
