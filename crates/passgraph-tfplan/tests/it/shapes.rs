//! Documents of other shapes and hostile inputs: refused or flagged, never a panic.

use passgraph_model::{Code, Level, PrincipalTarget, TextRange};
use passgraph_tfplan::{Options, looks_like_plan};

use crate::{load_text, s};

fn load(text: &str) -> crate::Loaded {
    load_text("plan.json", text, &Options::default())
}

/// A plan with the given resource_changes entries (and configuration resources).
fn plan(changes: &str, config: &str) -> String {
    format!(
        r#"{{"format_version": "1.2", "terraform_version": "1.9.0", "resource_changes": [{changes}],
            "configuration": {{"root_module": {{"resources": [{config}]}}}}}}"#
    )
}

fn role_change(
    addr: &str,
    name: &str,
    extra_after: &str,
    unknown: &str,
    sensitive: &str,
) -> String {
    let (ty, n) = addr.split_once('.').unwrap();
    format!(
        r#"{{"address": "{addr}", "mode": "managed", "type": "{ty}", "name": "{n}",
            "change": {{"actions": ["create"], "before": null,
              "after": {{"name": "{name}", "path": "/"{extra_after}}},
              "after_unknown": {{"arn": true{unknown}}}, "after_sensitive": {{{sensitive}}}}}}}"#
    )
}

#[test]
fn malformed_json_gives_a_syntax_error_at_the_offset() {
    let l = load("{\"format_version\": \"1.0\", \"planned_values\": {]}");
    assert_eq!(l.codes(), [Code::Syntax]);
    let d = &l.parsed.diagnostics[0];
    assert_eq!(d.level, Level::Error);
    assert_eq!(
        d.origin.as_ref().map(|o| o.range),
        Some(TextRange { start: 45, end: 45 })
    );
    assert_eq!(
        d.message,
        "plan is not valid JSON: expected a string key in object"
    );
    // Deep nesting is refused, not a stack overflow.
    let deep = format!(
        "{{\"format_version\": \"1.0\", \"x\": {}}}",
        "[".repeat(50_000)
    );
    assert_eq!(load(&deep).codes(), [Code::Syntax]);
    assert_eq!(load("").codes(), [Code::Syntax]);
}

#[test]
fn other_schemas_are_refused() {
    let cases = [
        (
            "[1, 2]",
            Code::Shape,
            "a terraform plan must be a JSON object, found a list",
        ),
        (
            "{}",
            Code::NotAnInput,
            "an empty JSON object is not a terraform plan",
        ),
        (
            r#"{"plan_format_version": "1.1", "resource_changes": []}"#,
            Code::NotAnInput,
            "this is a Terraform Cloud redacted plan (plan_format_version), which is not supported; use the output of `terraform show -json <planfile>`",
        ),
        (
            r#"{"format_version": "2.0", "planned_values": {}}"#,
            Code::NotAnInput,
            "unsupported plan format_version \"2.0\"; versions 0.x and 1.x are read",
        ),
        (
            r#"{"format_version": 1, "planned_values": {}}"#,
            Code::Shape,
            "format_version must be a string, found a number",
        ),
        (
            r#"{"Resources": {}}"#,
            Code::NotAnInput,
            "not a terraform plan: no format_version, planned_values or resource_changes",
        ),
    ];
    for (text, code, message) in cases {
        let l = load(text);
        assert_eq!(l.codes(), [code], "{text}");
        assert_eq!(l.parsed.diagnostics[0].message, message, "{text}");
        assert_eq!(l.parsed.diagnostics[0].level, Level::Error, "{text}");
    }
    // An empty state is an input without resources.
    let l = load(r#"{"format_version": "1.0"}"#);
    assert_eq!(l.diags(), ["IAM012 the state holds no resources"]);
    assert_eq!(l.parsed.diagnostics[0].level, Level::Note);
}

#[test]
fn state_form_resources_exist() {
    let text = r#"{"format_version": "1.0", "terraform_version": "1.5.0", "values": {"root_module": {
        "resources": [{"address": "aws_iam_user.u", "mode": "managed", "type": "aws_iam_user", "name": "u",
          "values": {"arn": "arn:aws:iam::123456789012:user/ops/u", "name": "u", "path": "/ops/"}}],
        "child_modules": [{"address": "module.m", "resources": [
          {"address": "module.m.aws_iam_role.r", "mode": "managed", "type": "aws_iam_role", "name": "r",
           "values": {"arn": "arn:aws:iam::123456789012:role/r", "name": "r", "path": "/",
             "assume_role_policy": "{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": {\"Service\": \"ec2.amazonaws.com\"}, \"Action\": \"sts:AssumeRole\"}}"}}]}]}}}"#;
    let l = load(text);
    assert!(l.codes().is_empty(), "{:?}", l.diags());
    let a = l.account();
    assert_eq!(a.account_id.as_deref(), Some("123456789012"));
    assert_eq!(s(&a.users[0].arn), "arn:aws:iam::123456789012:user/ops/u");
    assert_eq!(
        a.roles[0].origin.address.as_deref(),
        Some("module.m.aws_iam_role.r")
    );
    assert_eq!(a.roles[0].trust.statements.len(), 1);
}

#[test]
fn terraform_012_state_addresses_are_module_relative() {
    // Terraform 0.12 wrote child-module resources in prior_state with relative addresses and
    // without instance keys (the key is in `index`).
    let text = r#"{"format_version": "0.1", "terraform_version": "0.12.24", "planned_values": {},
      "prior_state": {"format_version": "0.1", "values": {"root_module": {"child_modules": [{"address": "module.m",
        "resources": [
          {"address": "aws_iam_role.r", "mode": "managed", "type": "aws_iam_role", "name": "r", "index": 0,
           "values": {"arn": "arn:aws:iam::123456789012:role/r0", "name": "r0", "path": "/", "assume_role_policy": "{}"}},
          {"address": "aws_iam_role.r", "mode": "managed", "type": "aws_iam_role", "name": "r", "index": 1,
           "values": {"arn": "arn:aws:iam::123456789012:role/r1", "name": "r1", "path": "/", "assume_role_policy": "{}"}}]}]}}}}"#;
    let l = load(text);
    let roles: Vec<(String, Option<&str>)> = l
        .account()
        .roles
        .iter()
        .map(|r| (s(&r.name), r.origin.address.as_deref()))
        .collect();
    assert_eq!(
        roles,
        [
            ("r0".to_owned(), Some("module.m.aws_iam_role.r[0]")),
            ("r1".to_owned(), Some("module.m.aws_iam_role.r[1]"))
        ]
    );
}

#[test]
fn sensitive_values_hidden_are_unknown_and_present_ones_are_used() {
    // Terraform writes sensitive values in `after` and only marks them; a plan whose values
    // were blanked by another tool has the mark and no value: that value is unknown.
    let hidden = role_change(
        "aws_iam_role.h",
        "hidden",
        "",
        "",
        r#""assume_role_policy": true"#,
    );
    let shown = role_change(
        "aws_iam_role.s",
        "shown",
        r#", "assume_role_policy": "{\"Statement\": []}""#,
        "",
        r#""assume_role_policy": true"#,
    );
    let l = load(&plan(&format!("{hidden}, {shown}"), ""));
    let a = l.account();
    assert_eq!(
        a.roles[0].trust.unknown.as_deref(),
        Some(
            "aws_iam_role.h.assume_role_policy is known only after apply and the plan has no configuration for it"
        )
    );
    assert!(a.roles[1].trust.unknown.is_none());
    assert_eq!(l.codes(), [Code::UnknownPolicy]);
}

#[test]
fn utf16_and_bom_inputs() {
    let text = plan(
        &role_change(
            "aws_iam_role.r",
            "r",
            r#", "assume_role_policy": "{\"Statement\": []}""#,
            "",
            "",
        ),
        "",
    );
    // UTF-16LE with a byte-order mark, as PowerShell writes it: the CLI decodes.
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let decoded = passgraph_json::decode(&bytes).unwrap();
    assert!(looks_like_plan(&decoded));
    assert_eq!(load(&decoded).account().roles.len(), 1);
    // UTF-8 with a byte-order mark.
    let bom = format!("\u{feff}{text}");
    assert!(looks_like_plan(&bom));
    let l = load(&bom);
    assert_eq!(l.account().roles.len(), 1);
    assert!(l.codes().is_empty());
}

#[test]
fn detection_by_content() {
    let yes = [
        r#"{"format_version": "1.2", "terraform_version": "1.9.0", "planned_values": {}}"#,
        r#"{"format_version": "0.1", "resource_changes": []}"#,
        r#"{"format_version": "1.0", "values": {}}"#,
        r#"{"format_version": "1.0"}"#,
        r#"{"planned_values": {}, "configuration": {}}"#,
        r#"{"plan_format_version": "1.1"}"#,
        // A prefix cut inside a large `variables` value.
        r#"{"format_version": "1.2", "terraform_version": "1.9.0", "variables": {"x": {"value": "aaaa"#,
        "\u{feff} {\"format_version\" : \"1.2\", \"planned_values\"",
    ];
    for t in yes {
        assert!(looks_like_plan(t), "{t}");
    }
    let no = [
        "{}",
        "[]",
        "",
        "not json",
        r#"{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}"#,
        r#"{"UserDetailList": [], "RoleDetailList": []}"#,
        r#"{"format_version": "1.0", "provider_schemas": {}}"#,
        r#"{"format_version": "1.0", "valid": true, "error_count": 0}"#,
        r#"{"Version": "2012-10-17", "Statement": []}"#,
    ];
    for t in no {
        assert!(!looks_like_plan(t), "{t}");
    }
}

#[test]
fn wrong_shapes_are_flagged_and_the_rest_is_read() {
    let good = role_change(
        "aws_iam_role.ok",
        "ok",
        r#", "assume_role_policy": "{\"Statement\": []}""#,
        "",
        "",
    );
    let text = plan(
        &format!(
            r#"{good}, {{"mode": "managed"}}, {{"address": "not an address!", "type": "x", "change": {{}}}},
               {{"address": "aws_iam_role.nochange", "type": "aws_iam_role"}},
               {{"address": "aws_iam_role.bad", "type": "aws_iam_role", "change": {{"actions": ["frobnicate"], "after": {{"name": "bad", "assume_role_policy": "not json"}}}}}},
               {{"address": "aws_iam_role.notstr", "type": "aws_iam_role", "change": {{"actions": ["create"], "after": {{"name": "x", "assume_role_policy": {{"Statement": []}}}}}}}}"#
        ),
        "",
    );
    let l = load(&text);
    assert_eq!(
        l.diags(),
        [
            "IAM002 resource entry has no address",
            "IAM002 resource address \"not an address!\" is not a terraform address",
            "IAM002 resource change aws_iam_role.nochange has no change object",
            "IAM002 aws_iam_role.bad: unknown change actions [frobnicate]; the resource is read as existing",
            "IAM001 aws_iam_role.bad: assume_role_policy is not valid JSON (invalid literal, expected null, at byte 0 of the document)",
            "IAM005 policy document is not known offline (aws_iam_role.bad.assume_role_policy is not valid JSON)",
            "IAM002 aws_iam_role.notstr: assume_role_policy must be a JSON string, found an object",
            "IAM005 policy document is not known offline (aws_iam_role.notstr.assume_role_policy is not a JSON string)",
        ]
    );
    let names: Vec<String> = l.account().roles.iter().map(|r| s(&r.name)).collect();
    assert_eq!(names, ["ok", "bad", "x"]);
    let l = load(r#"{"format_version": "1.0", "resource_changes": {}, "planned_values": []}"#);
    assert_eq!(
        l.diags(),
        [
            "IAM002 planned_values must be an object, found a list",
            "IAM002 resource_changes must be a list, found an object"
        ]
    );
}

#[test]
fn deferred_instances_and_deposed_objects() {
    let deferred = r#"{"address": "aws_iam_role.d", "type": "aws_iam_role", "index_unknown": true,
        "change": {"actions": ["create"], "after": {"name": "d"}}}"#;
    // A deposed copy of a role that keeps its name: the role stays.
    let live = role_change(
        "aws_iam_role.k",
        "keep",
        r#", "assume_role_policy": "{\"Statement\": []}""#,
        "",
        "",
    );
    let deposed = r#"{"address": "aws_iam_role.k", "type": "aws_iam_role", "deposed": "00000001",
        "change": {"actions": ["delete"], "before": {"name": "keep", "arn": "arn:aws:iam::123456789012:role/keep"}, "after": null}}"#;
    let text = plan(&format!("{deferred}, {live}, {deposed}"), "").replacen(
        "{",
        r#"{"deferred_changes": [{"reason": "instance_count_unknown", "resource_change": {}}], "#,
        1,
    );
    let l = load(&text);
    assert_eq!(
        l.diags(),
        [
            "IAM004 aws_iam_role.d: the instances of this resource are not known until apply (deferred); it is not analysed",
            "IAM004 the plan defers 1 resource change(s) to a later plan; they are not analysed",
        ]
    );
    assert_eq!(l.account().roles.len(), 1);
    assert!(l.account().removals.is_empty());
}

#[test]
fn references_across_instances_and_unresolved_ones() {
    // A membership whose users are unknown: the references name a resource with count, so
    // every instance's name is taken; an ARN given as a name is reduced to the name.
    let users = r#"{"address": "aws_iam_user.u[0]", "type": "aws_iam_user", "index": 0, "change": {"actions": ["create"], "after": {"name": "u0"}, "after_unknown": {"id": true}}},
                   {"address": "aws_iam_user.u[1]", "type": "aws_iam_user", "index": 1, "change": {"actions": ["create"], "after": {"name": "u1"}, "after_unknown": {"id": true}}}"#;
    let membership = r#"{"address": "aws_iam_group_membership.m", "type": "aws_iam_group_membership",
        "change": {"actions": ["create"], "after": {"group": "arn:aws:iam::123456789012:group/devs", "name": "m"}, "after_unknown": {"users": true}}}"#;
    let attach = r#"{"address": "aws_iam_role_policy_attachment.a", "type": "aws_iam_role_policy_attachment",
        "change": {"actions": ["create"], "after": {"role": "r"}, "after_unknown": {"policy_arn": true}}}"#;
    let config = r#"{"address": "aws_iam_user.u", "mode": "managed", "type": "aws_iam_user", "name": "u", "expressions": {}},
        {"address": "aws_iam_group_membership.m", "mode": "managed", "type": "aws_iam_group_membership", "name": "m",
         "expressions": {"users": {"references": ["aws_iam_user.u"]}}},
        {"address": "aws_iam_role_policy_attachment.a", "mode": "managed", "type": "aws_iam_role_policy_attachment", "name": "a",
         "expressions": {"policy_arn": {"references": ["aws_iam_policy.missing.arn", "aws_iam_policy.missing"]}}}"#;
    let l = load(&plan(&format!("{users}, {membership}, {attach}"), config));
    let members: Vec<(String, String)> = l
        .account()
        .memberships
        .iter()
        .map(|m| (s(&m.user), s(&m.group)))
        .collect();
    assert_eq!(
        members,
        [
            ("u0".to_owned(), "devs".to_owned()),
            ("u1".to_owned(), "devs".to_owned())
        ]
    );
    let target = &l.account().attachments[0];
    assert_eq!(target.target, PrincipalTarget::Role("r".into()));
    assert_eq!(
        l.diags(),
        [
            "IAM002 aws_iam_group_membership.m: group is an ARN where IAM expects a name; its last path segment is used",
            "IAM004 aws_iam_group_membership.m.users is not known until apply; its elements are taken from the references of its expression (literal elements, if any, are missed)",
            "IAM006 aws_iam_role_policy_attachment.a: reference to aws_iam_policy.missing, which the plan does not define",
        ]
    );
    // The missing policy's ARN stays a hole named after the reference.
    match &target.policy {
        passgraph_model::AttachedPolicy::Managed(p) => {
            assert_eq!(s(&p.arn), "${aws_iam_policy.missing.arn}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn role_with_inline_policies_known_only_after_apply() {
    let role = r#"{"address": "aws_iam_role.r", "mode": "managed", "type": "aws_iam_role", "name": "r",
        "change": {"actions": ["create"], "before": null,
          "after": {"name": "r", "path": "/", "assume_role_policy": "{\"Statement\": []}"},
          "after_unknown": {"arn": true, "inline_policy": true, "managed_policy_arns": true}}}"#;
    // Configured: the unknown inline policies count (one unknown policy); the managed policy
    // ARNs are not configured, so what the provider computes does not count.
    let config = r#"{"address": "aws_iam_role.r", "mode": "managed", "type": "aws_iam_role", "name": "r",
        "expressions": {"name": {"constant_value": "r"}, "inline_policy": [{"name": {"constant_value": "p"}, "policy": {"references": ["aws_s3_bucket.b.arn", "aws_s3_bucket.b"]}}]}}"#;
    let l = load(&plan(role, config));
    let r = &l.account().roles[0];
    assert_eq!(r.inline.len(), 1);
    assert_eq!(
        r.inline[0].document.unknown.as_deref(),
        Some("aws_iam_role.r.inline_policy is known only after apply")
    );
    assert!(r.attached.is_empty());
    assert_eq!(
        l.diags(),
        [
            "IAM005 policy document is not known offline (aws_iam_role.r.inline_policy is known only after apply)"
        ]
    );
}

/// Module outputs that reference each other through two branches per level: the work stays
/// bounded (depth and budget), and the result is a hole.
#[test]
fn branching_reference_cycles_are_bounded() {
    let role = r#"{"address": "aws_iam_role_policy_attachment.a", "type": "aws_iam_role_policy_attachment",
        "change": {"actions": ["create"], "after": {"role": "r"}, "after_unknown": {"policy_arn": true}}}"#;
    let config = r#"{"format_version": "1.2", "resource_changes": [ROLE],
      "configuration": {"root_module": {
        "resources": [{"address": "aws_iam_role_policy_attachment.a", "mode": "managed", "type": "aws_iam_role_policy_attachment", "name": "a",
          "expressions": {"policy_arn": {"references": ["module.m.x"]}}}],
        "module_calls": {"m": {"source": "./m", "expressions": {"v": {"references": ["module.m.x", "module.m.y"]}},
          "module": {"outputs": {"x": {"expression": {"references": ["var.v", "var.w"]}},
                                 "y": {"expression": {"references": ["var.v", "var.w"]}}},
                     "variables": {"v": {}, "w": {}}}}}}}}"#
        .replace("ROLE", role);
    // The walk is bounded by its budget (a stopwatch would make the test flaky): it ends.
    let l = load(&config);
    let a = &l.account().attachments[0];
    match &a.policy {
        passgraph_model::AttachedPolicy::Managed(p) => assert!(!p.arn.is_known()),
        other => panic!("{other:?}"),
    }
}

/// Truncated and corrupted copies of every fixture: never a panic, every origin inside the text.
#[test]
fn mangled_fixtures_do_not_panic() {
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for case in [
        "unknown-arns",
        "delete-role",
        "replace-role",
        "modules-for-each",
        "prior-state-docs",
        "overlay",
    ] {
        let text =
            std::fs::read_to_string(format!("{}/{case}/plan.json", crate::FIXTURES)).unwrap();
        let bytes = text.as_bytes();
        for _ in 0..60 {
            let cut = usize::try_from(next()).unwrap() % bytes.len();
            let mut t = bytes[..cut].to_vec();
            // Replace one byte by a JSON-significant one, then close nothing: mostly invalid,
            // sometimes valid with a different shape.
            if !t.is_empty() && next() % 2 == 0 {
                let i = usize::try_from(next()).unwrap() % t.len();
                t[i] = b"{}[]\",:0n \\"[usize::try_from(next() % 11).unwrap()];
            }
            let Ok(s) = String::from_utf8(t) else {
                continue;
            };
            let _ = load(&s);
        }
        // Valid JSON with one value replaced: shapes change, parsing goes on.
        for _ in 0..60 {
            let i = usize::try_from(next()).unwrap() % bytes.len();
            if bytes[i] != b'"' {
                continue;
            }
            let mut t = bytes.to_vec();
            t[i] = b'"';
            let s =
                String::from_utf8_lossy(&t).replacen("\"name\": \"", "\"name\": 7, \"x\": \"", 1);
            let _ = load(&s);
        }
    }
}
