//! passgraph-cfn
