//! The hand-written plans of testdata/tfplan, checked at the model level.

use passgraph_model::{
    Account, ActionSpec, AttachedPolicy, EntityKind, Origin, PrincipalTarget, Relation,
    RelationScope, ResourceSpec, RoleTarget, Str,
};
use passgraph_tfplan::Options;

use crate::{fixture, s};

/// Every origin of the account, with what it belongs to.
fn origins(a: &Account) -> Vec<(String, &Origin)> {
    let mut out: Vec<(String, &Origin)> = Vec::new();
    for u in &a.users {
        out.push((format!("user {}", u.name), &u.origin));
    }
    for g in &a.groups {
        out.push((format!("group {}", g.name), &g.origin));
    }
    for r in &a.roles {
        out.push((format!("role {}", r.name), &r.origin));
        out.push((format!("trust of {}", r.name), &r.trust.origin));
        out.extend(
            r.trust
                .statements
                .iter()
                .map(|st| (format!("trust statement of {}", r.name), &st.origin)),
        );
        for p in &r.inline {
            out.push((format!("inline {}", p.name), &p.origin));
            out.extend(
                p.document
                    .statements
                    .iter()
                    .map(|st| (format!("statement of {}", p.name), &st.origin)),
            );
        }
        out.extend(
            r.attached
                .iter()
                .map(|p| (format!("attached to {}", r.name), &p.origin)),
        );
    }
    for p in &a.policies {
        out.push((format!("policy {}", p.name), &p.origin));
        out.extend(
            p.document
                .statements
                .iter()
                .map(|st| (format!("statement of {}", p.name), &st.origin)),
        );
    }
    for p in &a.instance_profiles {
        out.push((format!("profile {}", p.name), &p.origin));
    }
    for m in &a.memberships {
        out.push((format!("membership {}", m.user), &m.origin));
    }
    for at in &a.attachments {
        out.push(("attachment".to_owned(), &at.origin));
        if let AttachedPolicy::Inline(p) = &at.policy {
            out.extend(
                p.document
                    .statements
                    .iter()
                    .map(|st| (format!("statement of {}", p.name), &st.origin)),
            );
        }
    }
    for u in &a.role_uses {
        out.push((format!("use {}", u.resource), &u.origin));
    }
    for r in &a.removals {
        out.push((format!("removal {}", r.name), &r.origin));
    }
    out
}

/// Every origin of every fixture carries a full resource address.
#[test]
fn every_origin_has_an_address() {
    for case in [
        "unknown-arns",
        "delete-role",
        "replace-role",
        "modules-for-each",
        "prior-state-docs",
        "overlay",
    ] {
        let l = fixture(case, &Options::default());
        for (what, o) in origins(l.account()) {
            let addr = o
                .address
                .as_deref()
                .unwrap_or_else(|| panic!("{case}: {what} has no address"));
            assert!(addr.contains("aws_"), "{case}: {what}: {addr}");
        }
        for d in &l.parsed.diagnostics {
            assert!(
                d.origin.as_ref().is_some_and(|o| o.address.is_some()),
                "{case}: {d:?}"
            );
        }
    }
}

#[test]
fn unknown_arns_resolve_through_configuration() {
    let l = fixture("unknown-arns", &Options::default());
    let a = l.account();
    // The account comes from data.aws_caller_identity in prior_state, the partition from the
    // provider's region.
    assert_eq!(a.account_id.as_deref(), Some("111122223333"));
    let users: Vec<String> = a
        .users
        .iter()
        .map(|u| format!("{} {}", u.name, u.arn))
        .collect();
    assert_eq!(users, ["ci arn:aws:iam::111122223333:user/ci"]);
    let policy = &a.policies[0];
    assert_eq!(s(&policy.arn), "arn:aws:iam::111122223333:policy/ci/deploy");
    assert_eq!(policy.document.statements.len(), 1);
    // Document nodes share the range of the JSON string in resource_changes, and its address.
    let st = &policy.document.statements[0];
    assert_eq!(
        (l.line(&st.origin), st.origin.address.as_deref()),
        (153, Some("aws_iam_policy.deploy"))
    );
    assert_eq!(l.line(&policy.origin), 141);

    // policy_arn = aws_iam_policy.deploy.arn, unknown until apply: synthesised.
    let managed: Vec<(String, String, u32)> = a
        .attachments
        .iter()
        .filter_map(|x| match (&x.target, &x.policy) {
            (PrincipalTarget::User(u), AttachedPolicy::Managed(p)) => {
                Some((s(u), s(&p.arn), l.line(&x.origin)))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        managed,
        [(
            "ci".to_owned(),
            "arn:aws:iam::111122223333:policy/ci/deploy".to_owned(),
            240
        )]
    );

    let roles: Vec<(String, String)> = a.roles.iter().map(|r| (s(&r.name), s(&r.arn))).collect();
    assert_eq!(
        roles,
        [
            (
                "app-web".to_owned(),
                "arn:aws:iam::111122223333:role/app-web".to_owned()
            ),
            (
                "app-worker-${aws_iam_role.worker.name_suffix}".to_owned(),
                "arn:aws:iam::111122223333:role/app-worker-${aws_iam_role.worker.name_suffix}"
                    .to_owned()
            ),
        ]
    );
    // The generated part is the provider's suffix: 26 characters of `[a-z0-9-]` at most, so
    // `app-worker-_*` (an underscore) cannot match it, and `app-worker-2*` may.
    let worker = &a.roles[1].name;
    assert_eq!(
        worker.holes_with_class().collect::<Vec<_>>(),
        [(
            "aws_iam_role.worker.name_suffix",
            passgraph_model::value::HoleClass::Name {
                charset: passgraph_model::value::Charset::LowerId,
                max_len: 26
            }
        )]
    );
    let glob = |p: &str| passgraph_model::Glob::new(&passgraph_model::Str::lit(p), false);
    assert_eq!(
        glob("app-worker-_*").matches(worker),
        passgraph_model::Tri::No
    );
    assert_eq!(
        glob("app-worker-2*").matches(worker),
        passgraph_model::Tri::Maybe
    );
    // The profile's role is `aws_iam_role.worker.name`, generated from name_prefix.
    assert_eq!(a.instance_profiles.len(), 1);
    assert_eq!(
        s(&a.instance_profiles[0].roles[0]),
        "app-worker-${aws_iam_role.worker.name_suffix}"
    );

    // Role uses: Lambda's role (unknown ARN, synthesised) and the instance's profile (known).
    let uses: Vec<String> = a
        .role_uses
        .iter()
        .map(|u| {
            let t = match &u.target {
                RoleTarget::Role(r) => format!("role {r}"),
                RoleTarget::InstanceProfile(p) => format!("profile {p}"),
            };
            format!("{} {} {} {t}", u.resource, u.attribute, u.service)
        })
        .collect();
    assert_eq!(
        uses,
        [
            "aws_instance.worker iam_instance_profile ec2.amazonaws.com profile worker",
            "aws_lambda_function.web role lambda.amazonaws.com role arn:aws:iam::111122223333:role/app-web",
        ]
    );

    // The worker's jsonencode policy references an unknown ARN: unknown, said so once.
    let inline = a
        .attachments
        .iter()
        .find_map(|x| match &x.policy {
            AttachedPolicy::Inline(p) => Some((x, p)),
            _ => None,
        })
        .unwrap();
    assert_eq!(
        inline.0.target,
        PrincipalTarget::Role(a.roles[1].name.clone())
    );
    assert_eq!(
        inline.1.document.unknown.as_deref(),
        Some("aws_iam_role_policy.worker.policy depends on values known only after apply")
    );
    assert_eq!(
        l.diags(),
        [
            "IAM004 aws_iam_role.worker: the name is generated at apply from name_prefix \"app-worker-\"",
            "IAM005 policy document is not known offline (aws_iam_role_policy.worker.policy depends on values known only after apply)",
        ]
    );
}

#[test]
fn account_id_option_wins() {
    let l = fixture(
        "unknown-arns",
        &Options {
            account_id: Some("999988887777".into()),
            partition: Some("aws-cn".into()),
        },
    );
    assert_eq!(l.account().account_id.as_deref(), Some("999988887777"));
    assert_eq!(
        s(&l.account().users[0].arn),
        "arn:aws-cn:iam::999988887777:user/ci"
    );
}

#[test]
fn deleted_role_is_a_removal() {
    let l = fixture("delete-role", &Options::default());
    let a = l.account();
    let roles: Vec<String> = a.roles.iter().map(|r| s(&r.name)).collect();
    assert_eq!(roles, ["app-kept"]);
    assert_eq!(a.removals.len(), 1);
    let r = &a.removals[0];
    assert_eq!(
        (r.kind, s(&r.name)),
        (EntityKind::Role, "legacy-admin".to_owned())
    );
    assert_eq!(
        (l.line(&r.origin), r.origin.address.as_deref()),
        (123, Some("aws_iam_role.legacy"))
    );
    // The deleted attachment is not an attachment any more: it is taken away from what the
    // plan is laid over.
    assert!(
        a.attachments
            .iter()
            .all(|x| !matches!(x.policy, AttachedPolicy::Managed(_)))
    );
    let taken: Vec<_> = a
        .relation_removals
        .iter()
        .map(|r| (r.scope.clone(), r.origin.address.as_deref()))
        .collect();
    assert_eq!(
        taken,
        [(
            RelationScope::One(Relation::Managed {
                target: PrincipalTarget::Role(Str::lit("legacy-admin")),
                arn: Str::lit("arn:aws:iam::aws:policy/AdministratorAccess"),
            }),
            Some("aws_iam_role_policy_attachment.legacy")
        )]
    );
    assert!(l.diags().is_empty(), "{:?}", l.diags());
}

#[test]
fn replaced_roles() {
    let l = fixture("replace-role", &Options::default());
    let a = l.account();
    let roles: Vec<(String, String)> = a.roles.iter().map(|r| (s(&r.name), s(&r.arn))).collect();
    assert_eq!(
        roles,
        [
            (
                "batch".to_owned(),
                "arn:aws:iam::210987654321:role/service/batch".to_owned()
            ),
            (
                "new-worker".to_owned(),
                "arn:aws:iam::210987654321:role/new-worker".to_owned()
            ),
        ]
    );
    // Renamed: the old name goes; replaced under the same name: nothing goes.
    let removals: Vec<(EntityKind, String)> =
        a.removals.iter().map(|r| (r.kind, s(&r.name))).collect();
    assert_eq!(removals, [(EntityKind::Role, "old-worker".to_owned())]);
    // The task definition hands over the new role, whose ARN is known only after apply.
    assert_eq!(a.role_uses.len(), 1);
    assert_eq!(
        a.role_uses[0].target,
        RoleTarget::Role("arn:aws:iam::210987654321:role/new-worker".into())
    );
    assert_eq!(a.role_uses[0].service, "ecs-tasks.amazonaws.com");
    assert!(l.codes().is_empty(), "{:?}", l.diags());
}

#[test]
fn modules_with_for_each() {
    let l = fixture("modules-for-each", &Options::default());
    let a = l.account();
    let roles: Vec<(String, String, String)> = a
        .roles
        .iter()
        .map(|r| {
            (
                s(&r.name),
                s(&r.arn),
                r.origin.address.as_deref().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        roles,
        [
            (
                "svc-x".to_owned(),
                "arn:aws:iam::${aws:account}:role/svc-x".to_owned(),
                "aws_iam_role.svc[\"x\"]".to_owned()
            ),
            (
                "svc-y".to_owned(),
                "arn:aws:iam::${aws:account}:role/svc-y".to_owned(),
                "aws_iam_role.svc[\"y\"]".to_owned()
            ),
            (
                "team-a".to_owned(),
                "arn:aws:iam::${aws:account}:role/teams/team-a".to_owned(),
                "module.team[\"a\"].aws_iam_role.this".to_owned()
            ),
            (
                "team-b".to_owned(),
                "arn:aws:iam::${aws:account}:role/teams/team-b".to_owned(),
                "module.team[\"b\"].aws_iam_role.this".to_owned()
            ),
        ]
    );
    assert_eq!(l.line(&a.roles[2].origin), 341);
    // policy_arn = var.policy_arn, given by the module call as aws_iam_policy.shared.arn.
    let att: Vec<(String, String, String)> = a
        .attachments
        .iter()
        .map(|x| match (&x.target, &x.policy) {
            (PrincipalTarget::Role(r), AttachedPolicy::Managed(p)) => (
                s(r),
                s(&p.arn),
                x.origin.address.as_deref().unwrap_or("").to_owned(),
            ),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        att,
        [
            (
                "team-a".to_owned(),
                "arn:aws:iam::${aws:account}:policy/shared".to_owned(),
                "module.team[\"a\"].aws_iam_role_policy_attachment.this".to_owned()
            ),
            (
                "team-b".to_owned(),
                "arn:aws:iam::${aws:account}:policy/shared".to_owned(),
                "module.team[\"b\"].aws_iam_role_policy_attachment.this".to_owned()
            ),
        ]
    );
    // role = aws_iam_role.svc[each.key].id: the instance with the same key.
    let profiles: Vec<(String, Vec<String>)> = a
        .instance_profiles
        .iter()
        .map(|p| (s(&p.name), p.roles.iter().map(s).collect()))
        .collect();
    assert_eq!(
        profiles,
        [
            ("svc-x".to_owned(), vec!["svc-x".to_owned()]),
            ("svc-y".to_owned(), vec!["svc-y".to_owned()])
        ]
    );
    assert!(l.codes().is_empty(), "{:?}", l.diags());
}

#[test]
fn data_sources_only_in_prior_state_and_deferred_reads() {
    let l = fixture("prior-state-docs", &Options::default());
    let a = l.account();
    assert_eq!(a.account_id.as_deref(), Some("444455556666"));
    // The policy's document is unknown in the plan, but references a document read at plan time.
    let p = &a.policies[0];
    assert_eq!(s(&p.arn), "arn:aws:iam::444455556666:policy/pass-batch");
    assert!(p.document.unknown.is_none());
    let st = &p.document.statements[0];
    assert_eq!(st.sid.as_deref(), Some("PassBatch"));
    assert_eq!(
        (l.line(&st.origin), st.origin.address.as_deref()),
        (345, Some("data.aws_iam_policy_document.pass"))
    );
    // The trust policy was known in the plan (the data source was read at plan time).
    let role = &a.roles[0];
    assert_eq!(s(&role.arn), "arn:aws:iam::444455556666:role/batch-runner");
    assert_eq!(role.trust.statements.len(), 1);
    // The deferred read is rendered from its statement blocks; its unknown resource is the
    // ARN of the role being created.
    let inline = a
        .attachments
        .iter()
        .find_map(|x| match &x.policy {
            AttachedPolicy::Inline(p) => Some(p),
            _ => None,
        })
        .unwrap();
    assert_eq!(s(&inline.name), "pass-runner");
    assert!(inline.document.unknown.is_none());
    assert_eq!(inline.document.version.as_deref(), Some("2012-10-17"));
    let st = &inline.document.statements[0];
    assert_eq!(st.sid.as_deref(), Some("PassRunner"));
    assert_eq!(st.actions, ActionSpec::Action(vec!["iam:PassRole".into()]));
    assert_eq!(
        st.resources,
        ResourceSpec::Resource(vec!["arn:aws:iam::444455556666:role/batch-runner".into()])
    );
    assert_eq!(st.conditions.len(), 1);
    assert_eq!(
        (
            st.conditions[0].operator.as_str(),
            st.conditions[0].key.as_str()
        ),
        ("StringEquals", "iam:passedtoservice")
    );
    assert_eq!(
        st.conditions[0].values,
        vec!["ecs-tasks.amazonaws.com".into()]
    );
    assert_eq!(
        st.origin.address.as_deref(),
        Some("data.aws_iam_policy_document.runner")
    );
    assert_eq!(l.line(&st.origin), 242);
    assert!(l.codes().is_empty(), "{:?}", l.diags());
}

#[test]
fn overlay_plan_yields_the_new_role() {
    let l = fixture(
        "overlay",
        &Options {
            account_id: Some("123456789012".into()),
            partition: None,
        },
    );
    let a = l.account();
    assert_eq!(a.roles.len(), 1);
    assert_eq!(
        s(&a.roles[0].arn),
        "arn:aws:iam::123456789012:role/app-admin"
    );
    assert_eq!(a.instance_profiles[0].roles, vec!["app-admin".into()]);
    // Without an account id the ARN keeps the canonical hole, to be bound by the overlay.
    let l = fixture("overlay", &Options::default());
    assert_eq!(
        s(&l.account().roles[0].arn),
        "arn:aws:iam::${aws:account}:role/app-admin"
    );
    assert_eq!(l.account().account_id, None);
    assert!(l.codes().is_empty(), "{:?}", l.diags());
}
