use passgraph_model::{FileId, Str, Tri};

use super::*;

fn doc(json: &str) -> CompiledPolicy {
    let node = passgraph_json::parse(FileId(0), json).expect("test JSON");
    let (d, diags) = PolicyDocument::from_node(&node);
    assert!(diags.is_empty(), "{diags:?}");
    let (c, diags) = CompiledPolicy::compile(
        &d,
        PolicyLabel {
            kind: PolicyKind::Inline,
            name: "test".into(),
        },
    );
    assert!(diags.is_empty(), "{diags:?}");
    c
}

fn pass_ctx(service: &str) -> Context {
    let mut c = Context::new();
    c.set_str("iam:PassedToService", service);
    c.set_str("aws:username", "alice");
    c
}

/// Decides `iam:PassRole` on `role` for `service` under the given identity documents.
fn check(identity: &[&str], role: &str, service: &str) -> Tri {
    let pols: Vec<CompiledPolicy> = identity.iter().map(|j| doc(j)).collect();
    let set = PolicySet {
        identity: pols.iter().map(Member::from).collect(),
        ..PolicySet::default()
    };
    evaluate(&set, "iam:PassRole", &Str::lit(role), &pass_ctx(service)).allowed
}

const ROLE: &str = "arn:aws:iam::123456789012:role/EC2-roles-for-XYZ-web";

#[test]
fn aws_doc_example_1_ec2_roles_for_xyz() {
    // "Granting a user permissions to pass a role to an AWS service", example 1.
    let p = r#"{"Version":"2012-10-17","Statement":[{"Sid":"PolicyStatementToAllowUserToPassOneSpecificRole","Effect":"Allow","Action":["iam:GetRole","iam:PassRole"],"Resource":"arn:aws:iam::123456789012:role/EC2-roles-for-XYZ-*"}]}"#;
    assert_eq!(check(&[p], ROLE, "ec2.amazonaws.com"), Tri::Yes);
    assert_eq!(
        check(
            &[p],
            "arn:aws:iam::123456789012:role/other",
            "ec2.amazonaws.com"
        ),
        Tri::No
    );
    assert_eq!(
        check(
            &[p],
            "arn:aws:iam::123456789012:role/service-role/EC2-roles-for-XYZ-web",
            "ec2.amazonaws.com"
        ),
        Tri::No
    );
}

#[test]
fn passed_to_service_condition() {
    let p = r#"{"Statement":{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}}}"#;
    assert_eq!(check(&[p], ROLE, "lambda.amazonaws.com"), Tri::Yes);
    assert_eq!(check(&[p], ROLE, "ec2.amazonaws.com"), Tri::No);
    let like = r#"{"Statement":{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringLike":{"iam:PassedToService":"ec2.amazonaws.com*"}}}}"#;
    assert_eq!(check(&[like], ROLE, "ec2.amazonaws.com.cn"), Tri::Yes);
}

#[test]
fn unknown_keys_make_it_possible() {
    let p = r#"{"Statement":{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}}"#;
    assert_eq!(check(&[p], ROLE, "ec2.amazonaws.com"), Tri::Maybe);
    let assoc = r#"{"Statement":{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"ArnLike":{"iam:AssociatedResourceARN":"arn:aws:ec2:us-east-1:111122223333:instance/*"}}}}"#;
    assert_eq!(check(&[assoc], ROLE, "ec2.amazonaws.com"), Tri::Maybe);
}

#[test]
fn explicit_deny_wins_and_maybe_deny_weakens() {
    let allow = r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#;
    let deny = r#"{"Statement":{"Effect":"Deny","Action":"iam:PassRole","Resource":"arn:aws:iam::*:role/EC2-*"}}"#;
    assert_eq!(check(&[allow, deny], ROLE, "ec2.amazonaws.com"), Tri::No);
    let maybe_deny = r#"{"Statement":{"Effect":"Deny","Action":"iam:PassRole","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}}"#;
    assert_eq!(
        check(&[allow, maybe_deny], ROLE, "ec2.amazonaws.com"),
        Tri::Maybe
    );
    let deny_other_service = r#"{"Statement":{"Effect":"Deny","Action":"iam:PassRole","Resource":"*","Condition":{"StringNotEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}}}"#;
    assert_eq!(
        check(&[allow, deny_other_service], ROLE, "ec2.amazonaws.com"),
        Tri::Yes
    );
    assert_eq!(
        check(&[allow, deny_other_service], ROLE, "lambda.amazonaws.com"),
        Tri::No
    );
}

#[test]
fn not_action_and_not_resource() {
    let power = r#"{"Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"}]}"#;
    assert_eq!(check(&[power], ROLE, "ec2.amazonaws.com"), Tri::No);
    let not_res = r#"{"Statement":[{"Effect":"Allow","Action":"iam:PassRole","NotResource":"arn:aws:iam::123456789012:role/admin"}]}"#;
    assert_eq!(check(&[not_res], ROLE, "ec2.amazonaws.com"), Tri::Yes);
    assert_eq!(
        check(
            &[not_res],
            "arn:aws:iam::123456789012:role/admin",
            "ec2.amazonaws.com"
        ),
        Tri::No
    );
}

#[test]
fn policy_variables_need_version_2012() {
    let v2012 = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::123456789012:role/${aws:username}-*"}}"#;
    let v2008 = r#"{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::123456789012:role/${aws:username}-*"}}"#;
    assert_eq!(
        check(
            &[v2012],
            "arn:aws:iam::123456789012:role/alice-x",
            "ec2.amazonaws.com"
        ),
        Tri::Yes
    );
    assert_eq!(
        check(
            &[v2008],
            "arn:aws:iam::123456789012:role/alice-x",
            "ec2.amazonaws.com"
        ),
        Tri::No
    );
}

#[test]
fn boundary_and_scp_intersect() {
    let allow = doc(r#"{"Statement":{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}}"#);
    let boundary = doc(r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#);
    let scp = doc(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#);
    let ctx = pass_ctx("ec2.amazonaws.com");
    let role = Str::lit(ROLE);
    let with_boundary = PolicySet {
        identity: vec![(&allow).into()],
        boundary: Some(Some((&boundary).into())),
        scps: vec![],
    };
    assert_eq!(
        evaluate(&with_boundary, "iam:PassRole", &role, &ctx).allowed,
        Tri::No
    );
    let missing_boundary = PolicySet {
        identity: vec![(&allow).into()],
        boundary: Some(None),
        scps: vec![],
    };
    assert_eq!(
        evaluate(&missing_boundary, "iam:PassRole", &role, &ctx).allowed,
        Tri::Maybe
    );
    let with_scp = PolicySet {
        identity: vec![(&allow).into()],
        boundary: None,
        scps: vec![&scp],
    };
    assert_eq!(
        evaluate(&with_scp, "iam:PassRole", &role, &ctx).allowed,
        Tri::Yes
    );
    let deny_scp = doc(r#"{"Statement":{"Effect":"Deny","Action":"iam:*","Resource":"*"}}"#);
    let denied = PolicySet {
        identity: vec![(&allow).into()],
        boundary: None,
        scps: vec![&scp, &deny_scp],
    };
    assert_eq!(
        evaluate(&denied, "iam:PassRole", &role, &ctx).allowed,
        Tri::No
    );
}

#[test]
fn unknown_document_is_possible() {
    let unknown = CompiledPolicy::compile(
        &PolicyDocument::unknown(
            "aws_iam_policy.x.policy",
            passgraph_model::Origin::new(FileId(0), passgraph_model::TextRange::default()),
        ),
        PolicyLabel {
            kind: PolicyKind::Managed,
            name: "x".into(),
        },
    )
    .0;
    let set = PolicySet {
        identity: vec![(&unknown).into()],
        ..PolicySet::default()
    };
    assert_eq!(
        evaluate(
            &set,
            "iam:PassRole",
            &Str::lit(ROLE),
            &pass_ctx("ec2.amazonaws.com")
        )
        .allowed,
        Tri::Maybe
    );
}

#[test]
fn condition_operators() {
    let mut ctx = Context::new();
    ctx.set_str("k:s", "Hello")
        .set_str("k:n", "5")
        .set_str("k:ip", "10.1.2.3")
        .set("k:absent", CtxValue::Absent);
    ctx.set("k:multi", CtxValue::Known(vec!["a".into(), "b".into()]));
    ctx.set("aws:nothing", CtxValue::Absent);
    let c = |op: &str, key: &str, vals: &[&str]| {
        let cond = passgraph_model::Condition {
            operator: op.into(),
            key: key.into(),
            values: vals.iter().map(|v| Str::lit(*v)).collect(),
            origin: passgraph_model::Origin::new(FileId(0), passgraph_model::TextRange::default()),
        };
        CompiledCondition::compile(&cond, true, &mut Vec::new()).eval(&ctx)
    };
    assert_eq!(c("StringEquals", "k:s", &["Hello"]), Tri::Yes);
    assert_eq!(c("StringEquals", "k:s", &["hello"]), Tri::No);
    assert_eq!(c("StringEqualsIgnoreCase", "k:s", &["hello"]), Tri::Yes);
    assert_eq!(c("StringNotEquals", "k:s", &["x", "y"]), Tri::Yes);
    assert_eq!(c("StringNotEquals", "k:s", &["x", "Hello"]), Tri::No);
    assert_eq!(c("StringLike", "k:s", &["H*o"]), Tri::Yes);
    assert_eq!(c("StringEquals", "k:s", &["H*o"]), Tri::No);
    assert_eq!(c("NumericLessThan", "k:n", &["6"]), Tri::Yes);
    assert_eq!(c("NumericGreaterThanEquals", "k:n", &["6"]), Tri::No);
    assert_eq!(c("IpAddress", "k:ip", &["10.0.0.0/8"]), Tri::Yes);
    assert_eq!(c("NotIpAddress", "k:ip", &["10.0.0.0/8"]), Tri::No);
    assert_eq!(c("StringEquals", "k:absent", &["x"]), Tri::No);
    assert_eq!(c("StringNotEquals", "k:absent", &["x"]), Tri::Yes);
    assert_eq!(c("StringEqualsIfExists", "k:absent", &["x"]), Tri::Yes);
    assert_eq!(c("Null", "k:absent", &["true"]), Tri::Yes);
    assert_eq!(c("Null", "k:s", &["true"]), Tri::No);
    assert_eq!(c("Null", "k:unknown", &["true"]), Tri::Maybe);
    assert_eq!(
        c("ForAllValues:StringEquals", "k:multi", &["a", "b", "c"]),
        Tri::Yes
    );
    assert_eq!(c("ForAllValues:StringEquals", "k:multi", &["a"]), Tri::No);
    assert_eq!(c("ForAnyValue:StringEquals", "k:multi", &["b"]), Tri::Yes);
    assert_eq!(c("ForAllValues:StringEquals", "k:absent", &["a"]), Tri::Yes);
    assert_eq!(c("ForAnyValue:StringEquals", "k:absent", &["a"]), Tri::No);
    assert_eq!(c("StringEquals", "k:unknown", &["a"]), Tri::Maybe);
    assert_eq!(c("Bool", "k:s", &["true"]), Tri::No);
    assert_eq!(c("StringEquals", "k:s", &["${aws:nothing}"]), Tri::No);
    assert_eq!(c("StringEquals", "k:s", &["${aws:unset}"]), Tri::Maybe);
    // With a variable, `*` in an equality is still an ordinary character.
    assert_eq!(c("StringEquals", "k:s", &["${aws:nothing, 'H'}*"]), Tri::No);
    assert_eq!(c("StringLike", "k:s", &["${aws:nothing, 'H'}*"]), Tri::Yes);
    assert_eq!(c("Frobnicate", "k:s", &["x"]), Tri::Maybe);
}

/// A statement of a built-in document that can grant `iam:PassRole`, normalised for comparison.
type Norm = (Vec<String>, Vec<(String, String, Vec<String>)>);

fn norm_ours(s: &CompiledStatement) -> Norm {
    let st = &s.source;
    let mut res: Vec<String> = match &st.resources {
        passgraph_model::ResourceSpec::Resource(v)
        | passgraph_model::ResourceSpec::NotResource(v) => {
            v.iter().map(ToString::to_string).collect()
        }
        passgraph_model::ResourceSpec::Absent => vec![],
    };
    res.sort();
    let mut conds: Vec<(String, String, Vec<String>)> = st
        .conditions
        .iter()
        .map(|c| {
            let mut v: Vec<String> = c.values.iter().map(ToString::to_string).collect();
            v.sort();
            (c.operator.clone(), c.key.clone(), v)
        })
        .collect();
    conds.sort();
    (res, conds)
}

fn norm_data(s: &serde_json::Value) -> Norm {
    let list = |v: &serde_json::Value| -> Vec<String> {
        let mut out: Vec<String> = match v {
            serde_json::Value::String(s) => vec![s.clone()],
            serde_json::Value::Array(a) => a
                .iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect(),
            _ => vec![],
        };
        out.sort();
        out
    };
    let res = list(&s["Resource"]);
    let mut conds = Vec::new();
    if let Some(ops) = s["Condition"].as_object() {
        for (op, keys) in ops {
            for (k, v) in keys.as_object().into_iter().flatten() {
                conds.push((op.clone(), k.to_ascii_lowercase(), list(v)));
            }
        }
    }
    conds.sort();
    (res, conds)
}

#[test]
fn builtin_managed_policies_match_the_published_passrole_statements() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/aws-managed-policies-passrole.json"
    );
    let text = std::fs::read_to_string(path).expect("shared/data is beside the repository");
    let data: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let published = data["policies"].as_array().expect("policies");
    let required = [
        "AdministratorAccess",
        "PowerUserAccess",
        "IAMFullAccess",
        "ReadOnlyAccess",
        "SecurityAudit",
        "AWSLambda_FullAccess",
        "AmazonECS_FullAccess",
        "AmazonSageMakerFullAccess",
        "AWSGlueConsoleFullAccess",
        "AmazonRDSEnhancedMonitoringRole",
    ];
    for r in required {
        assert!(managed::lookup(r).is_some(), "{r} is built in");
    }
    let mut checked = 0;
    for b in managed::builtin() {
        let c = doc(&managed::document_text(b));
        let mut ours: Vec<Norm> = c
            .statements
            .iter()
            .filter(|s| {
                s.effect == passgraph_model::Effect::Allow
                    && s.action_match("iam:PassRole") != Tri::No
            })
            .map(norm_ours)
            .collect();
        ours.sort();
        let entry = published.iter().find(|p| {
            p["Arn"].as_str() == Some(b.arn().as_str()) || p["PolicyName"].as_str() == Some(b.name)
        });
        let mut theirs: Vec<Norm> = entry
            .map(|e| {
                e["PassRoleStatements"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(norm_data)
                    .collect()
            })
            .unwrap_or_default();
        theirs.sort();
        assert_eq!(ours, theirs, "PassRole statements of {}", b.name);
        checked += 1;
    }
    assert_eq!(checked, managed::builtin().len());
    assert_eq!(checked, 1523);
    // The table is sorted by name, and every name is unique.
    let names: Vec<&str> = managed::builtin().iter().map(|b| b.name).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(names, sorted);
}

#[test]
fn lookup_by_arn_or_name() {
    assert_eq!(
        managed::lookup("arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole")
            .map(|p| p.name),
        Some("AmazonRDSEnhancedMonitoringRole")
    );
    assert_eq!(
        managed::lookup("arn:aws-cn:iam::aws:policy/AdministratorAccess").map(|p| p.name),
        Some("AdministratorAccess")
    );
    assert!(managed::lookup("arn:aws:iam::aws:policy/AmazonRDSEnhancedMonitoringRole").is_none());
    assert_eq!(
        managed::lookup("PowerUserAccess").map(|p| p.path),
        Some("/")
    );
}

fn shared_managed_policies() -> serde_json::Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/aws-managed-policies.json"
    );
    let text = std::fs::read_to_string(path).expect("shared/data is beside the repository");
    serde_json::from_str(&text).expect("valid JSON")
}

#[test]
fn the_table_is_what_the_generator_makes_of_shared_data() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/aws-managed-policies.json"
    );
    let text = std::fs::read_to_string(path).expect("shared/data is beside the repository");
    let table = crate::gen_managed::generate(&text, &managed::asked_actions()).expect("generates");
    // Compared as text so that a difference shows as one; regenerate with
    // `cargo run -p passgraph-eval --example gen-managed-policies -- ../shared/data/aws-managed-policies.json`.
    assert!(
        table == managed::TABLE,
        "the built-in table is stale: regenerate it (see crates/passgraph-eval/examples/gen-managed-policies.rs)"
    );
    assert_eq!(managed::builtin().len(), 1523);
    assert_eq!(managed::data_date(), "2026-03-07");
    assert!(managed::data_source().contains("MAMIP"));
}

/// Per asked action, the statements that may concern it: effect, Sid (or `#<index>` in AWS's
/// document), how surely the action matches, resources and conditions.
fn concerning(c: &CompiledPolicy, action: &str) -> Vec<(String, String, Tri, Norm)> {
    let mut v: Vec<(String, String, Tri, Norm)> = c
        .statements
        .iter()
        .filter_map(|s| {
            let t = s.action_match(action);
            (t != Tri::No).then(|| {
                (
                    format!("{:?}", s.effect),
                    s.sid.to_string(),
                    t,
                    norm_ours(s),
                )
            })
        })
        .collect();
    v.sort();
    v
}

/// What the severity rule sees of a policy: whether it allows anything on every resource.
fn allows_broadly(c: &CompiledPolicy) -> bool {
    c.statements.iter().any(|s| {
        s.effect == passgraph_model::Effect::Allow
            && s.fixed_resource_globs()
                .is_none_or(|g| g.iter().any(passgraph_model::Glob::is_match_all))
    })
}

#[test]
fn the_reduced_documents_answer_every_asked_action_as_the_full_ones() {
    let data = shared_managed_policies();
    let asked = managed::asked_actions();
    assert!(asked.len() > 40, "launch actions are asked too");
    let mut compared = 0;
    for p in data["Policies"].as_array().expect("Policies") {
        let name = p["PolicyName"].as_str().expect("name");
        let full_text = serde_json::to_string(&p["Document"]).expect("serialises");
        let full = doc(&full_text);
        let b = managed::lookup(name).expect("every policy is built in");
        assert_eq!(Some(b.arn().as_str()), p["Arn"].as_str(), "{name}");
        let reduced = doc_of(b);
        for a in &asked {
            assert_eq!(
                concerning(&full, a),
                concerning(&reduced, a),
                "{name} on {a}"
            );
        }
        assert_eq!(allows_broadly(&full), allows_broadly(&reduced), "{name}");
        // Every Deny is kept, whatever it denies.
        let denies = |c: &CompiledPolicy| {
            c.statements
                .iter()
                .filter(|s| s.effect != passgraph_model::Effect::Allow)
                .count()
        };
        assert_eq!(denies(&full), denies(&reduced), "{name}");
        compared += 1;
    }
    assert_eq!(compared, 1523);
}

fn decide_managed(names: &[&str], action: &str, role: &str, service: Option<&str>) -> Tri {
    let pols: Vec<CompiledPolicy> = names
        .iter()
        .map(|n| doc_of(managed::lookup(n).expect("built in")))
        .collect();
    let set = PolicySet {
        identity: pols.iter().map(Member::from).collect(),
        ..PolicySet::default()
    };
    let mut ctx = Context::new();
    if let Some(s) = service {
        ctx.set_str("iam:PassedToService", s);
    }
    evaluate(&set, action, &Str::lit(role), &ctx).allowed
}

#[test]
fn administrator_access_grants_everything() {
    for (action, service) in [
        ("iam:PassRole", Some("ec2.amazonaws.com")),
        ("iam:PassRole", Some("lambda.amazonaws.com")),
        ("sts:AssumeRole", None),
        ("ec2:RunInstances", None),
        ("iam:AttachRolePolicy", None),
    ] {
        assert_eq!(
            decide_managed(&["AdministratorAccess"], action, ROLE, service),
            Tri::Yes,
            "{action}"
        );
    }
}

#[test]
fn power_user_access_not_action_excludes_iam_only() {
    let p = |a: &str, s: Option<&str>| decide_managed(&["PowerUserAccess"], a, ROLE, s);
    // NotAction ["iam:*", "organizations:*", "account:*"]: no PassRole, no IAM writes ...
    assert_eq!(p("iam:PassRole", Some("ec2.amazonaws.com")), Tri::No);
    assert_eq!(p("iam:AttachRolePolicy", None), Tri::No);
    assert_eq!(p("iam:CreateInstanceProfile", None), Tri::No);
    // ... and every other service's actions.
    assert_eq!(p("ec2:RunInstances", None), Tri::Yes);
    assert_eq!(p("lambda:CreateFunction", None), Tri::Yes);
    assert_eq!(p("sts:AssumeRole", None), Tri::Yes);
}

#[test]
fn lambda_full_access_passes_only_to_lambda() {
    let p = |s: &str| decide_managed(&["AWSLambda_FullAccess"], "iam:PassRole", ROLE, Some(s));
    assert_eq!(p("lambda.amazonaws.com"), Tri::Yes);
    assert_eq!(p("ec2.amazonaws.com"), Tri::No);
    assert_eq!(p("states.amazonaws.com"), Tri::No);
    // Without a value for iam:PassedToService the condition cannot be decided.
    assert_eq!(
        decide_managed(&["AWSLambda_FullAccess"], "iam:PassRole", ROLE, None),
        Tri::Maybe
    );
    assert_eq!(
        decide_managed(
            &["AWSLambda_FullAccess"],
            "lambda:CreateFunction",
            ROLE,
            None
        ),
        Tri::Yes
    );
}

#[test]
fn cloudwatch_full_access_grants_no_passrole() {
    for s in [
        "ec2.amazonaws.com",
        "lambda.amazonaws.com",
        "events.amazonaws.com",
    ] {
        assert_eq!(
            decide_managed(&["CloudWatchFullAccess"], "iam:PassRole", ROLE, Some(s)),
            Tri::No
        );
    }
    assert_eq!(
        decide_managed(&["CloudWatchFullAccess"], "sts:AssumeRole", ROLE, None),
        Tri::No
    );
    // Its `cloudwatch:*` on `*` still counts as a broad allow for the severity rule.
    assert!(allows_broadly(&doc_of(
        managed::lookup("CloudWatchFullAccess").expect("built in")
    )));
}

#[test]
fn deny_all_overrides_administrator_access() {
    for (action, service) in [
        ("iam:PassRole", Some("ec2.amazonaws.com")),
        ("sts:AssumeRole", None),
        ("ec2:RunInstances", None),
    ] {
        assert_eq!(
            decide_managed(
                &["AWSDenyAll", "AdministratorAccess"],
                action,
                ROLE,
                service
            ),
            Tri::No,
            "{action}"
        );
    }
}

#[test]
fn an_aws_managed_policy_outside_the_table_is_unknown() {
    let o = passgraph_model::Origin::new(FileId(0), passgraph_model::TextRange::default());
    // AWSCodePipelineFullAccess was empty in the mirror: not in the table, so unknown.
    assert!(managed::lookup("AWSCodePipelineFullAccess").is_none());
    let (d, kind) = managed::approximate("arn:aws:iam::aws:policy/AWSCodePipelineFullAccess", &o)
        .expect("AWS managed");
    assert_eq!(kind, managed::Approximation::Unknown);
    let reason = d.unknown.expect("unknown document");
    assert!(reason.contains("AWSCodePipelineFullAccess"), "{reason}");
    assert!(reason.contains("2026-03-07"), "{reason}");
    assert!(managed::approximate("arn:aws:iam::123456789012:policy/mine", &o).is_none());
}

#[test]
fn asked_actions_are_answered() {
    assert!(managed::answers_for("iam:PassRole"));
    assert!(managed::answers_for("IAM:passrole"));
    assert!(managed::answers_for("ec2:RunInstances"));
    assert!(!managed::answers_for("s3:GetObject"));
}

fn doc_of(b: &managed::BuiltinPolicy) -> CompiledPolicy {
    doc(&managed::document_text(b))
}
