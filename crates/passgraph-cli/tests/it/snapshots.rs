//! Output snapshots (insta): the pull-request fixture's `diff` in every format it writes, so a
//! change in what users read is reviewed, not missed. `cargo insta review` (or
//! `INSTA_UPDATE=always cargo test`) accepts a deliberate change.

use crate::{run, stderr, stdout};

fn diff(format: &str) -> String {
    let o = run(
        &[
            "diff",
            "--base",
            "testdata/pr/base/stack.yaml",
            "--head",
            "testdata/pr/head/stack.yaml",
            "--account-id",
            "111122223333",
            "-f",
            format,
        ],
        None,
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "added exposures fail: {}",
        stderr(&o)
    );
    stdout(&o)
}

#[test]
fn diff_of_a_widened_grant_in_text() {
    insta::assert_snapshot!(diff("text"));
}

#[test]
fn diff_of_a_widened_grant_in_json() {
    insta::assert_snapshot!(diff("json"));
}

#[test]
fn diff_of_a_widened_grant_in_markdown() {
    insta::assert_snapshot!(diff("markdown"));
}

#[test]
fn diff_of_a_widened_grant_in_sarif() {
    let text = diff("sarif");
    let v: serde_json::Value = serde_json::from_str(&text).expect("SARIF is JSON");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(crate::shared().join("data/sarif-schema-2.1.0.json"))
            .expect("the SARIF schema in ../shared/data"),
    )
    .expect("schema JSON");
    let validator = jsonschema::draft4::new(&schema).expect("schema compiles");
    assert!(validator.is_valid(&v), "SARIF validates against 2.1.0");
    insta::assert_snapshot!(text);
}
