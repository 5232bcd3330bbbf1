//! Integration tests of passgraph-hcl.
#![allow(clippy::unwrap_used, unreachable_pub, dead_code)]

mod confine;
mod corpora;
mod graph;
mod holes;
mod iam_vulnerable;
mod modules;
mod policydoc;
mod resources;
mod slices;
mod support;
