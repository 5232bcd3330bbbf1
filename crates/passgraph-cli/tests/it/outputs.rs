//! Outputs that stay proportional: JSON lines, grouped SARIF, bounded Markdown, condensed graphs.

use std::collections::HashMap;

use crate::{run, shared, stderr};

const CHAINS: &str =
    "corpora/cloudmapper/account-data/demo/us-east-1/iam-get-account-authorization-details.json";

fn lines(args: &[&str]) -> Vec<serde_json::Value> {
    let o = run(args, None);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    o.stdout
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).expect("one JSON object per line"))
        .collect()
}

/// The JSON lines resolve to the same findings as `-f json`: statements are written before
/// the findings that name them, and the summary, last, counts the finding lines.
#[test]
fn jsonl_has_every_json_finding_with_statements_by_id() {
    let path = shared().join(CHAINS);
    let path = path.to_string_lossy();
    let json = crate::json(&["audit", &path]);
    let ls = lines(&["audit", "-f", "jsonl", &path]);
    let mut statements: HashMap<u64, serde_json::Value> = HashMap::new();
    let mut found = Vec::new();
    let mut diagnostics = 0;
    for (i, l) in ls.iter().enumerate() {
        match l["type"].as_str() {
            Some("statement") => {
                let id = l["id"].as_u64().expect("id");
                assert!(statements.insert(id, l.clone()).is_none(), "id {id} twice");
            }
            Some("finding") => {
                let resolve = |k: &str| -> Vec<serde_json::Value> {
                    l[k].as_array()
                        .expect("ids")
                        .iter()
                        .map(|id| {
                            let s = &statements[&id.as_u64().expect("id")];
                            serde_json::json!({
                                "policy": s["policy"], "statement": s["statement"],
                                "certainty": s["certainty"], "location": s["location"]})
                        })
                        .collect()
                };
                found.push(serde_json::json!({
                    "principal": l["principal"], "role": l["role"], "service": l["service"],
                    "certainty": l["certainty"], "via": l["via"], "grants": resolve("grants"),
                    "trust": resolve("trust"), "fingerprint": l["fingerprint"]}));
            }
            Some("diagnostic") => diagnostics += 1,
            Some("summary") => {
                assert_eq!(i, ls.len() - 1, "the summary is the last line");
                assert_eq!(l["findings"].as_u64(), Some(found.len() as u64));
                assert_eq!(l["diagnostics"].as_u64(), Some(diagnostics));
            }
            other => panic!("line of type {other:?}"),
        }
    }
    let want: Vec<serde_json::Value> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            serde_json::json!({
                "principal": f["principal"], "role": f["role"], "service": f["service"],
                "certainty": f["certainty"], "via": f["via"], "grants": f["grants"],
                "trust": f["trust"], "fingerprint": f["fingerprint"]})
        })
        .collect();
    assert!(
        want.iter()
            .any(|f| f["via"].as_array().is_some_and(|v| !v.is_empty()))
    );
    assert_eq!(found, want);
    // Statements are shared: fewer statement lines than grants named.
    let named: usize = ls
        .iter()
        .filter(|l| l["type"] == "finding")
        .map(|l| l["grants"].as_array().map_or(0, Vec::len))
        .sum();
    assert!(statements.len() < named, "{} {named}", statements.len());
}

#[test]
fn jsonl_names_the_stack_when_folders_are_searched() {
    let ls = lines(&["audit", "-f", "jsonl", "testdata/discover"]);
    let findings: Vec<&serde_json::Value> = ls.iter().filter(|l| l["type"] == "finding").collect();
    assert!(!findings.is_empty());
    assert!(
        findings.iter().all(|f| f["stack"].is_string()),
        "{findings:?}"
    );
    let last = ls.last().expect("summary");
    assert_eq!(last["type"], "summary");
    assert!(last["stacks"].as_u64().is_some_and(|n| n > 1), "{last}");
}
