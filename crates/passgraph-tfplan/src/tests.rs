use super::*;

fn user_arn(provider: &str, variables: &str) -> String {
    let text = format!(
        r#"{{"format_version": "1.2", "variables": {{{variables}}},
            "resource_changes": [{{"address": "aws_iam_user.u", "type": "aws_iam_user",
              "change": {{"actions": ["create"], "after": {{"name": "u", "path": "/"}}, "after_unknown": {{"arn": true}}}}}}],
            "configuration": {{"provider_config": {{{provider}}}, "root_module": {{}}}}}}"#
    );
    let parsed = parse(FileId(0), &text, &Options::default());
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    parsed
        .account
        .users
        .first()
        .map(|u| u.arn.to_string())
        .unwrap_or_default()
}

#[test]
fn partition_from_the_provider_region() {
    let aws = r#""aws": {"name": "aws", "expressions": {"region": {"constant_value": "cn-northwest-1"}}}"#;
    assert_eq!(user_arn(aws, ""), "arn:aws-cn:iam::${aws:account}:user/u");
    // A root variable.
    let var =
        r#""aws": {"name": "aws", "expressions": {"region": {"references": ["var.region"]}}}"#;
    assert_eq!(
        user_arn(var, r#""region": {"value": "us-gov-east-1"}"#),
        "arn:aws-us-gov:iam::${aws:account}:user/u"
    );
    // Two providers in different partitions, or a region not known: the partition stays a hole.
    let two = r#""aws": {"name": "aws", "expressions": {"region": {"constant_value": "eu-west-1"}}},
                 "aws.cn": {"name": "aws", "alias": "cn", "expressions": {"region": {"constant_value": "cn-north-1"}}}"#;
    assert_eq!(
        user_arn(two, ""),
        "arn:${aws:partition}:iam::${aws:account}:user/u"
    );
    let unknown =
        r#""aws": {"name": "aws", "expressions": {"region": {"references": ["data.x.y"]}}}"#;
    assert_eq!(
        user_arn(unknown, ""),
        "arn:${aws:partition}:iam::${aws:account}:user/u"
    );
}
