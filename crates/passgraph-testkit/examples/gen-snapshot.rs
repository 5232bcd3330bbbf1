//! Writes a synthetic snapshot to standard output:
//! `cargo run --release -p passgraph-testkit --example gen-snapshot -- USERS ROLES POLICIES > big.json`.

use std::io::Write;

use passgraph_testkit::synth::{Size, snapshot};

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let mut size = Size::large();
    if let [u, r, p, ..] = args.as_slice() {
        size.users = *u;
        size.roles = *r;
        size.policies = *p;
    }
    let text = snapshot(size, 42);
    let _ = std::io::stdout().write_all(text.as_bytes());
}
