//! Times reading and analysing one snapshot file, next to serde_json parsing the same text:
//! `cargo run --release -p passgraph-graph --example analyze-snapshot -- FILE`.
//! Run it under `/usr/bin/time -v` for the peak memory.

use std::time::Instant;

use passgraph_model::SourceMap;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: analyze-snapshot FILE");
        std::process::exit(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let t = Instant::now();
    let ok = serde_json::from_str::<serde_json::Value>(&text).is_ok();
    let serde = t.elapsed();
    let t = Instant::now();
    let mut sm = SourceMap::default();
    let f = sm.add(path.clone(), text.as_str());
    let mut account = passgraph_snapshot::parse(f, &text).account;
    passgraph_eval::managed::add_builtins(&mut account, &mut |p, t| sm.add(p, t));
    let read = t.elapsed();
    let t = Instant::now();
    let a = passgraph_graph::analyze(&account, &passgraph_graph::Options::default());
    let analyze = t.elapsed();
    let chained = a.findings.iter().filter(|f| !f.via.is_empty()).count();
    let definite = a
        .findings
        .iter()
        .filter(|f| f.certainty == passgraph_model::Tri::Yes)
        .count();
    println!(
        "bytes={} serde_json_parse={serde:?} (ok={ok}) read_snapshot={read:?} analyze={analyze:?} principals={} findings={} definite={definite} chained={chained} assume_edges={}",
        text.len(),
        a.principals.len(),
        a.findings.len(),
        a.assume_edges.len()
    );
}
