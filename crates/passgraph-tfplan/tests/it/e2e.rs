//! Findings through `passgraph_graph::analyze`.

use passgraph_graph::{Analysis, Options as GraphOptions, analyze};
use passgraph_model::{Account, SourceMap, Tri};
use passgraph_tfplan::Options;

use crate::{Loaded, fixture};

fn run(account: &Account, sm: &mut SourceMap) -> Analysis {
    let mut account = account.clone();
    passgraph_eval::managed::add_builtins(&mut account, &mut |p, t| sm.add(p, t));
    analyze(&account, &GraphOptions::default())
}

/// One line per finding: `kind/name -> role -> service certainty [via]`.
fn summary(a: &Analysis) -> Vec<String> {
    a.findings
        .iter()
        .map(|f| {
            let p = &a.principals[f.principal];
            let via: Vec<String> = f.via.iter().map(|v| a.principals[*v].name.to_string()).collect();
            format!(
                "{}/{} -> {} -> {} {}{}",
                p.kind.as_str(),
                p.name,
                a.principals[f.role].name,
                f.service,
                if f.certainty == Tri::Yes { "definite" } else { "possible" },
                if via.is_empty() { String::new() } else { format!(" via {}", via.join(">")) },
            )
        })
        .collect()
}

fn findings(mut l: Loaded) -> (Vec<String>, Analysis, Loaded) {
    let a = run(&l.parsed.account.clone(), &mut l.sm);
    (summary(&a), a, l)
}

#[test]
fn dump_all() {
    for case in ["unknown-arns", "delete-role", "replace-role", "modules-for-each", "prior-state-docs", "overlay"] {
        let (s, _, _) = findings(fixture(case, &Options::default()));
        eprintln!("{case}: {s:#?}");
    }
}

#[test]
fn corpus_findings_dump() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpora/");
    let list = std::fs::read_to_string("/tmp/plans.txt").unwrap();
    for rel in list.lines() {
        let bytes = std::fs::read(format!("{root}{rel}")).unwrap();
        let Some(text) = passgraph_json::decode(&bytes) else { continue };
        if !passgraph_tfplan::looks_like_plan(&text) {
            continue;
        }
        let l = crate::load_text(rel, &text, &Options::default());
        let (s, _, _) = findings(l);
        if !s.is_empty() {
            eprintln!("{rel}: {s:#?}");
            let (_, a, _) = findings(crate::load_text(rel, &text, &Options::default()));
            for f in &a.findings {
                eprintln!("  reasons {:?} grants {:?}", f.proof.reasons, f.proof.grants.iter().map(|g| (g.policy.clone(), g.statement.clone(), g.applies)).collect::<Vec<_>>());
            }
        }
    }
}
