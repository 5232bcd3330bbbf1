//! passgraph-cli
