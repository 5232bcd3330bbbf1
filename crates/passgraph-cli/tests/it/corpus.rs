//! Every authorization-details snapshot in shared/corpora loads; its findings are pinned.
//! Each pinned set was checked by hand against the file (see the comments).

use crate::{json, shared, triples};

fn corpus(path: &str) -> serde_json::Value {
    let p = shared().join("corpora").join(path);
    json(&["audit", &p.to_string_lossy()])
}

fn codes(v: &serde_json::Value) -> Vec<String> {
    v["diagnostics"].as_array().expect("diagnostics").iter().map(|d| d["code"].as_str().unwrap_or("?").to_owned()).collect()
}

#[test]
fn cloudmapper_demo() {
    // bad_role trusts {"AWS": "*"} and holds an inline `*` on `*`: every principal can assume it
    // and, through it, pass the three service roles (ec2, ecs-tasks, lambda). bad_role passes
    // them directly. Nothing else grants iam:PassRole (AmazonEC2RoleforSSM, BAD_MFA_POLICY,
    // s3-only inline policies).
    let v = corpus("cloudmapper/account-data/demo/us-east-1/iam-get-account-authorization-details.json");
    assert_eq!(
        triples(&v),
        [
            "user/USER -> exfiller -> ec2.amazonaws.com definite via bad_role",
            "user/USER -> level3 -> ecs-tasks.amazonaws.com definite via bad_role",
            "user/USER -> level1 -> lambda.amazonaws.com definite via bad_role",
            "user/USER_WITH_BAD_INLINE_POLICY -> exfiller -> ec2.amazonaws.com definite via bad_role",
            "user/USER_WITH_BAD_INLINE_POLICY -> level3 -> ecs-tasks.amazonaws.com definite via bad_role",
            "user/USER_WITH_BAD_INLINE_POLICY -> level1 -> lambda.amazonaws.com definite via bad_role",
            "role/bad_role -> exfiller -> ec2.amazonaws.com definite",
            "role/bad_role -> level3 -> ecs-tasks.amazonaws.com definite",
            "role/bad_role -> level1 -> lambda.amazonaws.com definite",
            "role/exfiller -> level3 -> ecs-tasks.amazonaws.com definite via bad_role",
            "role/exfiller -> level1 -> lambda.amazonaws.com definite via bad_role",
            "role/level3 -> exfiller -> ec2.amazonaws.com definite via bad_role",
            "role/level3 -> level1 -> lambda.amazonaws.com definite via bad_role",
            "role/level1 -> exfiller -> ec2.amazonaws.com definite via bad_role",
            "role/level1 -> level3 -> ecs-tasks.amazonaws.com definite via bad_role",
        ]
    );
    assert_eq!(codes(&v), ["IAM016"]);
}
