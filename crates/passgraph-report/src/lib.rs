//! passgraph-report
