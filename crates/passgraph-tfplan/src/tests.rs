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

/// A root module may call any number of modules: the configuration of the 300th call is read
/// like the first's. (Sibling calls once counted against the nesting limit: past 256 calls, a
/// role whose `managed_policy_arns` is computed but not configured held an unknown policy.)
#[test]
fn many_module_calls_keep_their_configuration() {
    let n = 300;
    let changes: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"address": "module.m{i}.aws_iam_role.this", "module_address": "module.m{i}",
                "mode": "managed", "type": "aws_iam_role", "name": "this",
                "change": {{"actions": ["create"], "before": null,
                  "after": {{"name": "r{i}", "path": "/", "assume_role_policy": "{{\"Version\":\"2012-10-17\",\"Statement\":[]}}"}},
                  "after_unknown": {{"arn": true, "id": true, "managed_policy_arns": true, "inline_policy": true}}}}}}"#
            )
        })
        .collect();
    let calls: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#""m{i}": {{"source": "./m", "expressions": {{"name": {{"constant_value": "r{i}"}}}},
                "module": {{"resources": [{{"address": "aws_iam_role.this", "mode": "managed",
                  "type": "aws_iam_role", "name": "this", "provider_config_key": "aws",
                  "expressions": {{"name": {{"references": ["var.name"]}}, "assume_role_policy": {{}}}}}}],
                  "variables": {{"name": {{}}}}}}}}"#
            )
        })
        .collect();
    let text = format!(
        r#"{{"format_version": "1.2", "resource_changes": [{}],
            "configuration": {{"root_module": {{"module_calls": {{{}}}}}}}}}"#,
        changes.join(","),
        calls.join(",")
    );
    let parsed = parse(FileId(0), &text, &Options::default());
    assert_eq!(parsed.account.roles.len(), n);
    let holding: Vec<String> = parsed
        .account
        .roles
        .iter()
        .filter(|r| !r.attached.is_empty() || !r.inline.is_empty())
        .map(|r| r.name.to_string())
        .collect();
    assert!(holding.is_empty(), "{holding:?}");
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
}
