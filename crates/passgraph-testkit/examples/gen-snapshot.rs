//! Writes a synthetic snapshot to standard output:
//! `cargo run --release -p passgraph-testkit --example gen-snapshot -- USERS ROLES POLICIES [GROUPS [TEAMS [SEED]]] > big.json`.
//!
//! Defaults are `Size::large()` and seed 42. Fewer teams means larger teams, so each team-prefix
//! grant covers more roles (more findings per grant).

use std::io::Write;

use passgraph_testkit::synth::{Size, snapshot};

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let mut size = Size::large();
    let mut seed = 42;
    if let [u, r, p, rest @ ..] = args.as_slice() {
        size.users = *u;
        size.roles = *r;
        size.policies = *p;
        if let Some(g) = rest.first() {
            size.groups = *g;
        }
        if let Some(t) = rest.get(1) {
            size.teams = *t;
        }
        if let Some(s) = rest.get(2) {
            seed = *s as u64;
        }
    }
    let text = snapshot(size, seed);
    let _ = std::io::stdout().write_all(text.as_bytes());
}
