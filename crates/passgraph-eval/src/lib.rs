//! passgraph-eval
