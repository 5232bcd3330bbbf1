//! Times reading and analysing one snapshot file, next to serde_json parsing the same text:
//! `cargo run --release -p passgraph-graph --example analyze-snapshot -- FILE`.
//! Run it under `/usr/bin/time -v` for the peak memory. With `--reference` as second argument it
//! times the reference algorithm (every triple materialised) instead.

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
    let options = passgraph_graph::Options::default();
    if std::env::args().nth(2).as_deref() == Some("--reference") {
        let t = Instant::now();
        let all = passgraph_graph::reference_findings(&account, &options);
        let reference = t.elapsed();
        let chained = all.iter().filter(|f| !f.via.is_empty()).count();
        println!(
            "bytes={} serde_json_parse={serde:?} (ok={ok}) read_snapshot={read:?} reference={reference:?} findings={} chained={chained}",
            text.len(),
            all.len()
        );
        return;
    }
    let t = Instant::now();
    let a = passgraph_graph::analyze(&account, &options);
    let analyze = t.elapsed();
    let (n, definite) = (a.findings.len(), a.findings.definite());
    let counted = t.elapsed();
    let chained = a.findings.stream().filter(|f| !f.via.is_empty()).count();
    let listed = t.elapsed();
    println!(
        "bytes={} serde_json_parse={serde:?} (ok={ok}) read_snapshot={read:?} analyze={analyze:?} counted={counted:?} listed_every_finding={listed:?} principals={} findings={n} definite={definite} chained={chained} assume_edges={}",
        text.len(),
        a.principals.len(),
        a.assume_edges.len()
    );
}
