//! passgraph-tfplan
