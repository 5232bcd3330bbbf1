//! AWS managed policies through the CLI: the built-in table's date, proofs at the attachment,
//! names outside the table.

use crate::{json, run, stderr, stdout, triples};

const TEMPLATE: &str = "testdata/cfn/aws-managed/template.yaml";

#[test]
fn version_names_the_date_of_the_aws_managed_policies() {
    let o = run(&["--version"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o).trim(),
        format!(
            "passgraph {} (AWS managed policies of 2026-03-07)",
            env!("CARGO_PKG_VERSION")
        )
    );
}

#[test]
fn built_in_aws_managed_policies_are_exact_and_named_at_the_attachment() {
    let v = json(&["audit", TEMPLATE]);
    // dev: AWSLambda_FullAccess passes any role to Lambda (iam:PassedToService condition).
    // watcher: CloudWatchFullAccess grants no iam:PassRole. newcomer: a name AWS does not have
    // (in the table's data), so its document is unknown and the finding only possible.
    assert_eq!(
        triples(&v),
        [
            "user/dev -> fn -> lambda.amazonaws.com definite",
            "user/newcomer -> fn -> lambda.amazonaws.com possible",
        ]
    );
    let diags: Vec<(String, String, u64)> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("?").to_owned(),
                d["message"].as_str().unwrap_or("?").to_owned(),
                d["location"]["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].0, "IAM005");
    assert!(
        diags[0]
            .1
            .contains("arn:aws:iam::aws:policy/NoSuchPolicyYet")
            && diags[0].1.contains("not in the built-in table"),
        "{diags:?}"
    );
    assert_eq!(diags[0].2, 30);

    // SARIF: the primary location is the line of the template that attaches the policy, not
    // the built-in table.
    let o = run(
        &["audit", "-f", "sarif", "--fail-on", "none", TEMPLATE],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let s: serde_json::Value = serde_json::from_slice(&o.stdout).expect("SARIF");
    let results = s["runs"][0]["results"].as_array().expect("results");
    let dev = results
        .iter()
        .find(|r| {
            r["properties"]["principal"]
                .as_str()
                .is_some_and(|p| p.ends_with(":user/dev"))
        })
        .expect("dev's finding");
    let loc = &dev["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], TEMPLATE);
    assert_eq!(loc["region"]["startLine"], 18);
    for r in results {
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap_or("");
        assert!(!uri.starts_with("builtin:"), "{r}");
    }
}
