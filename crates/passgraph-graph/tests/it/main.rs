//! Integration tests of the graph crate, through its public API only.

mod oracle;
mod regressions;
