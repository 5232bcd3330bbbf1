//! Disagreements the differential oracle found, each pinned on its smallest account.

use passgraph_graph::{Options, analyze};
use passgraph_model::{FileId, Tri};

fn findings(snapshot: &str) -> Vec<(String, String, String, Tri)> {
    let parsed = passgraph_snapshot::parse(FileId(0), snapshot);
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let a = analyze(&parsed.account, &Options::default());
    a.findings
        .iter()
        .map(|f| {
            (
                a.principals[f.principal].name.to_string(),
                a.principals[f.role].name.to_string(),
                f.service.to_string(),
                f.certainty,
            )
        })
        .collect()
}

/// `iam:PassedToService` "applies to only the PassRole action" (IAM-UG
/// reference_policies_iam-condition-keys): an `sts:AssumeRole` request lacks it, so a Deny
/// conditioned on it with `StringEquals` does not apply, and the trust grant is definite.
/// The engine used to take the key as unknown there and call the chain only possible.
#[test]
fn passed_to_service_is_absent_from_assume_role_requests() {
    let snapshot = r#"{
      "UserDetailList": [{"UserName": "u0", "Arn": "arn:aws:iam::123456789012:user/u0",
        "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17",
          "Statement": {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*",
            "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}}}}]}],
      "RoleDetailList": [{"RoleName": "r0", "Arn": "arn:aws:iam::123456789012:role/r0",
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
          {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/u0"}, "Action": "sts:AssumeRole"},
          {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
        "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17",
          "Statement": {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}}}]}],
      "GroupDetailList": [], "Policies": []
    }"#;
    let got = findings(snapshot);
    let u0 = got
        .iter()
        .find(|f| f.0 == "u0")
        .expect("u0 reaches r0 through the trust grant");
    assert_eq!(
        (u0.1.as_str(), u0.2.as_str(), u0.3),
        ("r0", "ec2.amazonaws.com", Tri::Yes)
    );
}

/// A role that trusts everyone but denies one user by ARN in the same trust policy: the deny
/// concerns that user only. Principals that hold the same policies used to share one decision
/// for roles trusting everyone, so the deny reached all of them or none.
#[test]
fn a_trust_deny_naming_one_principal_spares_the_others() {
    let snapshot = r#"{
      "UserDetailList": [
        {"UserName": "u0", "Arn": "arn:aws:iam::123456789012:user/u0"},
        {"UserName": "u1", "Arn": "arn:aws:iam::123456789012:user/u1"}],
      "RoleDetailList": [{"RoleName": "open", "Arn": "arn:aws:iam::123456789012:role/open",
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
          {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"},
          {"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::123456789012:user/u0"}, "Action": "sts:AssumeRole"}]},
        "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17",
          "Statement": {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}}}]}],
      "GroupDetailList": [], "Policies": []
    }"#;
    let users: Vec<(String, Tri)> = findings(snapshot)
        .into_iter()
        .filter(|f| f.0.starts_with('u'))
        .map(|f| (f.0, f.3))
        .collect();
    assert_eq!(users, vec![("u1".to_owned(), Tri::Yes)]);
}
