//! passgraph-graph
