//! passgraph-hcl
