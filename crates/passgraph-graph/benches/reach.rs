//! Benchmarks of the whole pass on synthetic accounts (passgraph-testkit), next to the time
//! serde_json takes only to parse the same text. Run: `cargo bench -p passgraph-graph`.
//! `analyze` counts the findings (sets, nothing per triple); `analyze_and_list_every_finding`
//! also builds each one with its chain and proof.

use divan::Bencher;

use passgraph_model::SourceMap;
use passgraph_testkit::synth::{Size, snapshot};

fn main() {
    divan::main();
}

fn size(n: usize) -> Size {
    Size {
        users: n,
        roles: n,
        policies: n * 3 / 10,
        groups: (n / 50).max(4),
        teams: (n / 100).max(2),
    }
}

const SIZES: &[usize] = &[1_000, 10_000];

#[divan::bench(args = SIZES, sample_count = 3)]
fn serde_json_parse_only(b: Bencher, n: usize) {
    let text = snapshot(size(n), 42);
    b.bench(|| serde_json::from_str::<serde_json::Value>(&text).map(|v| v.is_object()));
}

#[divan::bench(args = SIZES, sample_count = 3)]
fn read_snapshot(b: Bencher, n: usize) {
    let text = snapshot(size(n), 42);
    b.bench(|| {
        let mut sm = SourceMap::default();
        let f = sm.add("bench.json", text.as_str());
        passgraph_snapshot::parse(f, &text).account.users.len()
    });
}

#[divan::bench(args = SIZES, sample_count = 3)]
fn analyze(b: Bencher, n: usize) {
    let text = snapshot(size(n), 42);
    let mut sm = SourceMap::default();
    let f = sm.add("bench.json", text.as_str());
    let account = passgraph_snapshot::parse(f, &text).account;
    b.bench(|| {
        passgraph_graph::analyze(&account, &passgraph_graph::Options::default())
            .findings
            .len()
    });
}

/// The analysis and every finding built (chain and proof), as `-f json` lists them.
#[divan::bench(args = SIZES, sample_count = 3)]
fn analyze_and_list_every_finding(b: Bencher, n: usize) {
    let text = snapshot(size(n), 42);
    let mut sm = SourceMap::default();
    let f = sm.add("bench.json", text.as_str());
    let account = passgraph_snapshot::parse(f, &text).account;
    b.bench(|| {
        passgraph_graph::analyze(&account, &passgraph_graph::Options::default())
            .findings
            .stream()
            .count()
    });
}
