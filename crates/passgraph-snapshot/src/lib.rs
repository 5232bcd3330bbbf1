//! passgraph-snapshot
