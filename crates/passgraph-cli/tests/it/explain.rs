//! `explain --role`: the real reason a principal cannot pass a role, layer by layer.

use crate::{run, stdout};

fn why_not(user: &str, extra: &[&str]) -> Vec<String> {
    let mut args = vec![
        "explain",
        "testdata/snapshot/why-not.json",
        "--principal",
        user,
        "--role",
        "web",
    ];
    args.extend(extra);
    let o = run(&args, None);
    assert_eq!(o.status.code(), Some(0), "no finding, so nothing fails");
    let text = stdout(&o);
    let at = text.find("why not role web:").expect("a why-not section");
    text[at..]
        .lines()
        .skip(1)
        .map(|l| l.trim().to_owned())
        .collect()
}

#[test]
fn each_layer_that_says_no_is_named() {
    let trust = "its trust policy lets in ec2.amazonaws.com (definite)";
    assert_eq!(
        why_not("lambda-only", &[]),
        [
            trust,
            "user lambda-only: to ec2.amazonaws.com: statement PassToLambdaOnly allows iam:PassRole on the role only when StringEquals iam:passedtoservice lambda.amazonaws.com"
        ]
    );
    assert_eq!(
        why_not("denied", &[]),
        [
            trust,
            "user denied: to ec2.amazonaws.com: statement NotTheWebRole of user/denied/inline/pass-all-but-web denies it explicitly"
        ]
    );
    assert_eq!(
        why_not("bounded", &[]),
        [
            trust,
            "user bounded: to ec2.amazonaws.com: an identity policy allows it, but the permissions boundary does not"
        ]
    );
    assert_eq!(
        why_not("reader", &[]),
        [
            trust,
            "user reader: no policy of user reader allows iam:PassRole at all"
        ]
    );
    assert_eq!(
        why_not("denied", &["--service", "lambda"]),
        [
            trust,
            "user denied: role web does not trust lambda: its trust policy lets in ec2.amazonaws.com"
        ]
    );
}

#[test]
fn a_resource_pattern_that_misses_names_what_it_covers() {
    let o = run(
        &[
            "explain",
            "testdata/snapshot/aws-doc-passrole-examples.json",
            "--principal",
            "db-admin",
            "--role",
            "EC2-roles-for-XYZ-web",
        ],
        None,
    );
    let text = stdout(&o);
    assert!(
        text.contains("user db-admin: to ec2.amazonaws.com: statement PolicyStatementToAllowUserToPassOneSpecificRole allows iam:PassRole only on arn:aws:iam::123456789012:role/RDS-Monitoring-Role, not on arn:aws:iam::123456789012:role/EC2-roles-for-XYZ-web"),
        "{text}"
    );
}
