//! SARIF (validated against the 2.1.0 schema), Markdown and DOT.

use crate::{run, shared, stderr, stdout};

const DEMO: &str = "testdata/snapshot/aws-doc-passrole-examples.json";

#[test]
fn sarif_is_valid_and_points_at_the_grant() {
    let o = run(&["audit", "-f", "sarif", DEMO], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let log: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let schema_text = std::fs::read_to_string(shared().join("data/sarif-schema-2.1.0.json"))
        .expect("schema beside the repository");
    let schema: serde_json::Value = serde_json::from_str(&schema_text).expect("schema json");
    let validator = jsonschema::draft4::new(&schema).expect("valid schema");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let run0 = &log["runs"][0];
    assert_eq!(run0["columnKind"], "unicodeCodePoints");
    let ids: Vec<&str> = run0["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(ids, ["IAM101", "IAM201"]);
    // One result per granting statement; the group statement at line 68 grants one exposure.
    let results = run0["results"].as_array().expect("results");
    let r = results
        .iter()
        .find(|r| r["locations"][0]["physicalLocation"]["region"]["startLine"] == 68)
        .expect("a result at the group's statement");
    assert_eq!(r["ruleId"], "IAM101");
    assert_eq!(r["level"], "error");
    assert_eq!(
        r["locations"][0]["physicalLocation"]["region"],
        serde_json::json!({"startLine": 68, "startColumn": 15})
    );
    assert!(
        r["partialFingerprints"]["passgraph/v2"]
            .as_str()
            .is_some_and(|f| f.len() == 16)
    );
    // Fingerprints are stable across runs.
    let again: serde_json::Value =
        serde_json::from_slice(&run(&["audit", "-f", "sarif", DEMO], None).stdout).expect("json");
    assert_eq!(again, log);
}

#[test]
fn sarif_of_a_corpus_account_with_chains_is_valid() {
    let path = shared().join("corpora/cloudmapper/account-data/demo/us-east-1/iam-get-account-authorization-details.json");
    let o = run(&["audit", "-f", "sarif", &path.to_string_lossy()], None);
    let log: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(shared().join("data/sarif-schema-2.1.0.json")).expect("schema"),
    )
    .expect("json");
    let validator = jsonschema::draft4::new(&schema).expect("valid schema");
    assert!(validator.is_valid(&log));
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert!(results.iter().any(|r| r["ruleId"] == "IAM201"));
    let notes: Vec<&str> = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("notifications")
        .iter()
        .filter_map(|n| n["descriptor"]["id"].as_str())
        .collect();
    assert_eq!(notes, ["IAM016"]);
}

#[test]
fn markdown_table() {
    let o = run(&["audit", "-f", "markdown", DEMO], None);
    let t = stdout(&o);
    assert!(t.starts_with("## passgraph: who can pass which role to which service"));
    assert!(t.contains("| user xyz-admin | EC2-roles-for-XYZ-web | `ec2.amazonaws.com` | definite | critical | yes |  | `group/xyz-operators/inline/PassEc2RolesForXyz` PolicyStatementToAllowUserToPassOneSpecificRole (testdata/snapshot/aws-doc-passrole-examples.json:68) |"), "{t}");
}

#[test]
fn dot_graph() {
    let o = run(&["graph", "--full", "--fail-on", "none", DEMO], None);
    assert_eq!(o.status.code(), Some(0));
    let t = stdout(&o);
    assert!(t.starts_with("digraph passgraph {"));
    for cluster in ["users", "groups", "roles", "policies", "services"] {
        assert!(
            t.contains(&format!("subgraph cluster_{cluster} {{")),
            "{cluster}: {t}"
        );
    }
    assert!(
        t.contains("[label=\"can pass to ec2.amazonaws.com\", color=red, penwidth=2];"),
        "{t}"
    );
    assert!(t.trim_end().ends_with('}'));
    // audit --format dot shows only what takes part in a finding.
    let a = stdout(&run(&["audit", "-f", "dot", DEMO], None));
    assert!(!a.contains("user\\nauditor"), "{a}");
    assert!(t.contains("user\\nauditor"));
    let j = run(&["graph", "-f", "json", DEMO], None);
    let v: serde_json::Value = serde_json::from_slice(&j.stdout).expect("json");
    assert!(v["edges"].as_array().is_some_and(|e| {
        e.iter()
            .any(|e| e["kind"] == "can_pass" && e["service"] == "ec2.amazonaws.com")
    }));
}

#[test]
fn roles_trusting_everyone_hang_off_anyone_in_the_graph() {
    let path = shared().join("corpora/cloudmapper/account-data/demo/us-east-1/iam-get-account-authorization-details.json");
    let t = stdout(&run(&["graph", "--full", &path.to_string_lossy()], None));
    let anyone = t
        .lines()
        .find(|l| l.contains("[label=\"anyone (\\\"*\\\")\"]"))
        .expect("an anyone node");
    let id = anyone.trim().split(' ').next().expect("node id");
    assert!(
        t.lines()
            .any(|l| l.trim().starts_with(&format!("{id} -> ")) && l.contains("can assume")),
        "{t}"
    );
}
