//! Plans laid over a snapshot take away what they delete, change or manage exclusively
//! (issue 8, section 2): for every relation resource type, a plan that creates, updates,
//! replaces (both orders), deletes and leaves it unchanged, and the findings after.
//!
//! The plans are built here in the shape `terraform show -json <planfile>` writes (format 1.2:
//! `planned_values`, `resource_changes` with `actions`/`before`/`after`/`after_unknown`/
//! `*_sensitive`, `prior_state`, `configuration`; semantics.md §4.1–4.4); the attribute names and
//! scopes are the AWS provider's (semantics.md §4.6). The snapshot is
//! `aws iam get-account-authorization-details` output for account 123456789012 with users alice,
//! bob, carol, groups ops and dev, roles app-ec2 (trusts EC2), app-fn (trusts Lambda) and worker
//! (trusts EC2), and policies PassEc2 / PassFn (each allows `iam:PassRole` on one role).

use passgraph_graph::{Options as GraphOptions, analyze};
use passgraph_model::value::ACCOUNT_HOLE;
use passgraph_model::{Diagnostic, SourceMap, Tri};
use passgraph_tfplan::Options;
use serde_json::{Value, json};

const ACCOUNT: &str = "123456789012";

fn arn(kind: &str, name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:{kind}/{name}")
}

/// A policy document that allows passing one role.
fn pass(role: &str) -> Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": arn("role", role)}]})
}

/// The same document as a JSON string, as the provider stores it.
fn pass_text(role: &str) -> String {
    pass(role).to_string()
}

fn trust(service: &str) -> Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})
}

/// A relation the snapshot holds.
#[derive(Clone, Copy)]
enum Rel {
    /// user, group
    Member(&'static str, &'static str),
    /// kind, owner, policy name, the role the policy may pass
    Inline(&'static str, &'static str, &'static str, &'static str),
    /// kind, owner, managed policy name
    Attached(&'static str, &'static str, &'static str),
}

/// The snapshot: the fixed entities and `rels`.
fn snapshot(rels: &[Rel]) -> String {
    let inline = |kind: &str, owner: &str| -> Vec<Value> {
        rels.iter()
            .filter_map(|r| match *r {
                Rel::Inline(k, o, name, role) if k == kind && o == owner => {
                    Some(json!({"PolicyName": name, "PolicyDocument": pass(role)}))
                }
                _ => None,
            })
            .collect()
    };
    let attached = |kind: &str, owner: &str| -> Vec<Value> {
        rels.iter()
            .filter_map(|r| match *r {
                Rel::Attached(k, o, p) if k == kind && o == owner => {
                    Some(json!({"PolicyName": p, "PolicyArn": arn("policy", p)}))
                }
                _ => None,
            })
            .collect()
    };
    let users: Vec<Value> = ["alice", "bob", "carol"]
        .iter()
        .map(|u| {
            let groups: Vec<&str> = rels
                .iter()
                .filter_map(|r| match *r {
                    Rel::Member(x, g) if x == *u => Some(g),
                    _ => None,
                })
                .collect();
            json!({"Path": "/", "UserName": u, "Arn": arn("user", u), "GroupList": groups,
                   "UserPolicyList": inline("user", u), "AttachedManagedPolicies": attached("user", u)})
        })
        .collect();
    let groups: Vec<Value> = ["ops", "dev"]
        .iter()
        .map(|g| {
            json!({"Path": "/", "GroupName": g, "Arn": arn("group", g),
                   "GroupPolicyList": inline("group", g), "AttachedManagedPolicies": attached("group", g)})
        })
        .collect();
    let roles: Vec<Value> = [
        ("app-ec2", "ec2.amazonaws.com"),
        ("app-fn", "lambda.amazonaws.com"),
        ("worker", "ec2.amazonaws.com"),
    ]
    .iter()
    .map(|(r, svc)| {
        json!({"Path": "/", "RoleName": r, "Arn": arn("role", r), "AssumeRolePolicyDocument": trust(svc),
               "InstanceProfileList": [], "RolePolicyList": inline("role", r),
               "AttachedManagedPolicies": attached("role", r)})
    })
    .collect();
    let policies: Vec<Value> = [("PassEc2", "app-ec2"), ("PassFn", "app-fn")]
        .iter()
        .map(|(p, role)| {
            json!({"PolicyName": p, "Arn": arn("policy", p), "Path": "/", "DefaultVersionId": "v1",
                   "PolicyVersionList": [{"Document": pass(role), "VersionId": "v1", "IsDefaultVersion": true}]})
        })
        .collect();
    json!({"UserDetailList": users, "GroupDetailList": groups, "RoleDetailList": roles, "Policies": policies})
        .to_string()
}

/// One resource change of a plan.
struct Change {
    rtype: &'static str,
    name: &'static str,
    actions: &'static [&'static str],
    before: Option<Value>,
    after: Option<Value>,
    /// `after` attributes unknown until apply.
    unknown: &'static [&'static str],
    /// The configuration's `expressions`; by default every known `after` attribute but `id` as
    /// a constant.
    expressions: Option<Value>,
}

/// A plan as `terraform show -json` writes it.
fn plan(changes: &[Change]) -> String {
    let provider = "registry.terraform.io/hashicorp/aws";
    let mut planned = Vec::new();
    let mut rc = Vec::new();
    let mut prior = Vec::new();
    let mut config = Vec::new();
    for c in changes {
        let address = format!("{}.{}", c.rtype, c.name);
        let head = json!({"address": address, "mode": "managed", "type": c.rtype, "name": c.name,
                          "provider_name": provider, "schema_version": 0});
        let with = |extra: Value| {
            let mut v = head.clone();
            for (k, x) in extra.as_object().unwrap() {
                v[k] = x.clone();
            }
            v
        };
        let deleting = c.actions == ["delete"];
        if let Some(after) = c.after.as_ref().filter(|_| !deleting) {
            planned.push(with(json!({"values": after, "sensitive_values": {}})));
            let expressions = c.expressions.clone().unwrap_or_else(|| {
                let mut e = serde_json::Map::new();
                for (k, v) in after.as_object().unwrap() {
                    if k != "id" {
                        e.insert(k.clone(), json!({"constant_value": v}));
                    }
                }
                Value::Object(e)
            });
            config.push(json!({"address": address, "mode": "managed", "type": c.rtype, "name": c.name,
                               "provider_config_key": "aws", "expressions": expressions, "schema_version": 0}));
        }
        if let Some(before) = &c.before {
            prior.push(with(json!({"values": before, "sensitive_values": {}})));
        }
        let after_unknown: serde_json::Map<String, Value> = c
            .unknown
            .iter()
            .map(|k| ((*k).to_owned(), json!(true)))
            .collect();
        let mut rc_head = head.clone();
        rc_head.as_object_mut().unwrap().remove("schema_version");
        let mut entry = rc_head;
        entry["change"] = json!({
            "actions": c.actions,
            "before": c.before,
            "after": if deleting { Value::Null } else { c.after.clone().unwrap_or(Value::Null) },
            "after_unknown": after_unknown,
            "before_sensitive": if c.before.is_some() { json!({}) } else { json!(false) },
            "after_sensitive": if deleting { json!(false) } else { json!({}) },
        });
        rc.push(entry);
    }
    json!({
        "format_version": "1.2",
        "terraform_version": "1.9.5",
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": rc,
        "prior_state": {"format_version": "1.0", "terraform_version": "1.9.5",
                        "values": {"root_module": {"resources": prior}}},
        "configuration": {"provider_config": {"aws": {"name": "aws", "full_name": provider}},
                          "root_module": {"resources": config}},
        "timestamp": "2026-12-07T02:00:00Z",
        "applyable": true,
        "complete": true,
        "errored": false
    })
    .to_string()
}

/// The plan laid over the snapshot, as the CLI does: the findings (one line each, sorted) and
/// every diagnostic.
fn audit(snap: &str, plan_text: &str) -> (Vec<String>, Vec<Diagnostic>) {
    let mut sm = SourceMap::default();
    let sfile = sm.add("snapshot.json", snap);
    let parsed = passgraph_snapshot::parse(sfile, snap);
    let mut diags = parsed.diagnostics;
    let mut account = parsed.account;
    let pfile = sm.add("plan.json", plan_text);
    let top = passgraph_tfplan::parse(pfile, plan_text, &Options::default());
    diags.extend(top.diagnostics);
    diags.extend(account.overlay(top.account));
    account.bind(ACCOUNT_HOLE, ACCOUNT);
    passgraph_eval::managed::add_builtins(&mut account, &mut |p, t| sm.add(p, t));
    let a = analyze(&account, &GraphOptions::default());
    let mut out: Vec<String> = a
        .findings
        .iter()
        .map(|f| {
            let p = &a.principals[f.principal];
            format!(
                "{}/{} -> {} {}",
                p.kind.as_str(),
                p.name,
                a.principals[f.role].name,
                if f.certainty == Tri::Yes {
                    "definite"
                } else {
                    "possible"
                },
            )
        })
        .collect();
    out.sort();
    diags.extend(a.diagnostics);
    (out, diags)
}

/// One relation resource type: its values before and after, the snapshot before the plan, and
/// the findings expected after each action.
struct Case {
    rtype: &'static str,
    /// The snapshot when the resource exists (as `before` says, plus what else the account has).
    snap: &'static [Rel],
    /// The snapshot before the resource is created.
    snap_create: &'static [Rel],
    before: Value,
    /// After an in-place update.
    after_update: Value,
    /// After a replacement (and for a create).
    after_replace: Value,
    no_op: &'static [&'static str],
    create: &'static [&'static str],
    /// After update and after replacement.
    change: &'static [&'static str],
    delete: &'static [&'static str],
}

fn cases() -> Vec<Case> {
    let pe = arn("policy", "PassEc2");
    let pf = arn("policy", "PassFn");
    vec![
        // An inline policy: updating it replaces the document, renaming it (a replacement)
        // drops the old name, deleting it drops it.
        Case {
            rtype: "aws_iam_user_policy",
            snap: &[Rel::Inline("user", "alice", "pass", "app-ec2")],
            snap_create: &[],
            before: json!({"id": "alice:pass", "name": "pass", "name_prefix": "", "user": "alice", "policy": pass_text("app-ec2")}),
            after_update: json!({"id": "alice:pass", "name": "pass", "name_prefix": "", "user": "alice", "policy": pass_text("app-fn")}),
            after_replace: json!({"id": "alice:pass-fn", "name": "pass-fn", "name_prefix": "", "user": "alice", "policy": pass_text("app-fn")}),
            no_op: &["user/alice -> app-ec2 definite"],
            create: &["user/alice -> app-fn definite"],
            change: &["user/alice -> app-fn definite"],
            delete: &[],
        },
        Case {
            rtype: "aws_iam_role_policy",
            snap: &[Rel::Inline("role", "worker", "pass", "app-ec2")],
            snap_create: &[],
            before: json!({"id": "worker:pass", "name": "pass", "name_prefix": "", "role": "worker", "policy": pass_text("app-ec2")}),
            after_update: json!({"id": "worker:pass", "name": "pass", "name_prefix": "", "role": "worker", "policy": pass_text("app-fn")}),
            after_replace: json!({"id": "worker:pass-fn", "name": "pass-fn", "name_prefix": "", "role": "worker", "policy": pass_text("app-fn")}),
            no_op: &["role/worker -> app-ec2 definite"],
            create: &["role/worker -> app-fn definite"],
            change: &["role/worker -> app-fn definite"],
            delete: &[],
        },
        Case {
            rtype: "aws_iam_group_policy",
            snap: &[
                Rel::Member("alice", "ops"),
                Rel::Inline("group", "ops", "pass", "app-ec2"),
            ],
            snap_create: &[Rel::Member("alice", "ops")],
            before: json!({"id": "ops:pass", "name": "pass", "name_prefix": "", "group": "ops", "policy": pass_text("app-ec2")}),
            after_update: json!({"id": "ops:pass", "name": "pass", "name_prefix": "", "group": "ops", "policy": pass_text("app-fn")}),
            after_replace: json!({"id": "ops:pass-fn", "name": "pass-fn", "name_prefix": "", "group": "ops", "policy": pass_text("app-fn")}),
            no_op: &["user/alice -> app-ec2 definite"],
            create: &["user/alice -> app-fn definite"],
            change: &["user/alice -> app-fn definite"],
            delete: &[],
        },
        // An attachment: a new policy_arn replaces the old one (the provider replaces; an
        // update is read the same way).
        Case {
            rtype: "aws_iam_user_policy_attachment",
            snap: &[Rel::Attached("user", "alice", "PassEc2")],
            snap_create: &[],
            before: json!({"id": "alice-20261207000000000000000001", "user": "alice", "policy_arn": pe}),
            after_update: json!({"id": "alice-20261207000000000000000001", "user": "alice", "policy_arn": pf}),
            after_replace: json!({"id": "alice-20261207000000000000000002", "user": "alice", "policy_arn": pf}),
            no_op: &["user/alice -> app-ec2 definite"],
            create: &["user/alice -> app-fn definite"],
            change: &["user/alice -> app-fn definite"],
            delete: &[],
        },
        Case {
            rtype: "aws_iam_role_policy_attachment",
            snap: &[Rel::Attached("role", "worker", "PassEc2")],
            snap_create: &[],
            before: json!({"id": "worker-20261207000000000000000001", "role": "worker", "policy_arn": pe}),
            after_update: json!({"id": "worker-20261207000000000000000001", "role": "worker", "policy_arn": pf}),
            after_replace: json!({"id": "worker-20261207000000000000000002", "role": "worker", "policy_arn": pf}),
            no_op: &["role/worker -> app-ec2 definite"],
            create: &["role/worker -> app-fn definite"],
            change: &["role/worker -> app-fn definite"],
            delete: &[],
        },
        Case {
            rtype: "aws_iam_group_policy_attachment",
            snap: &[
                Rel::Member("alice", "ops"),
                Rel::Attached("group", "ops", "PassEc2"),
            ],
            snap_create: &[Rel::Member("alice", "ops")],
            before: json!({"id": "ops-20261207000000000000000001", "group": "ops", "policy_arn": pe}),
            after_update: json!({"id": "ops-20261207000000000000000001", "group": "ops", "policy_arn": pf}),
            after_replace: json!({"id": "ops-20261207000000000000000002", "group": "ops", "policy_arn": pf}),
            no_op: &["user/alice -> app-ec2 definite"],
            create: &["user/alice -> app-fn definite"],
            change: &["user/alice -> app-fn definite"],
            delete: &[],
        },
        // Exclusive for its policy: whoever holds PassEc2 and is not listed loses it (carol
        // holds it out of band); deleting detaches only the principals `before` lists.
        Case {
            rtype: "aws_iam_policy_attachment",
            snap: &[
                Rel::Attached("user", "alice", "PassEc2"),
                Rel::Attached("user", "bob", "PassEc2"),
                Rel::Attached("user", "carol", "PassEc2"),
            ],
            snap_create: &[
                Rel::Attached("user", "alice", "PassEc2"),
                Rel::Attached("user", "carol", "PassEc2"),
            ],
            before: json!({"id": "pass-ec2", "name": "pass-ec2", "policy_arn": pe, "users": ["alice", "bob"], "roles": [], "groups": []}),
            after_update: json!({"id": "pass-ec2", "name": "pass-ec2", "policy_arn": pe, "users": ["bob"], "roles": ["worker"], "groups": []}),
            after_replace: json!({"id": "pass-ec2-v2", "name": "pass-ec2-v2", "policy_arn": pe, "users": ["bob"], "roles": ["worker"], "groups": []}),
            // A no-op writes nothing: carol, attached after the plan's refresh, keeps it.
            no_op: &[
                "user/alice -> app-ec2 definite",
                "user/bob -> app-ec2 definite",
                "user/carol -> app-ec2 definite",
            ],
            // Created, it only attaches what it lists.
            create: &[
                "role/worker -> app-ec2 definite",
                "user/alice -> app-ec2 definite",
                "user/bob -> app-ec2 definite",
                "user/carol -> app-ec2 definite",
            ],
            change: &[
                "role/worker -> app-ec2 definite",
                "user/bob -> app-ec2 definite",
            ],
            delete: &["user/carol -> app-ec2 definite"],
        },
        // Exclusive for its group: members not listed leave it (carol joined out of band).
        Case {
            rtype: "aws_iam_group_membership",
            snap: &[
                Rel::Inline("group", "ops", "pass", "app-ec2"),
                Rel::Member("alice", "ops"),
                Rel::Member("bob", "ops"),
                Rel::Member("carol", "ops"),
            ],
            snap_create: &[
                Rel::Inline("group", "ops", "pass", "app-ec2"),
                Rel::Member("alice", "ops"),
                Rel::Member("carol", "ops"),
            ],
            before: json!({"id": "ops-members", "name": "ops-members", "group": "ops", "users": ["alice", "bob"]}),
            after_update: json!({"id": "ops-members", "name": "ops-members", "group": "ops", "users": ["bob"]}),
            after_replace: json!({"id": "ops-members-v2", "name": "ops-members-v2", "group": "ops", "users": ["bob"]}),
            no_op: &[
                "user/alice -> app-ec2 definite",
                "user/bob -> app-ec2 definite",
                "user/carol -> app-ec2 definite",
            ],
            create: &[
                "user/alice -> app-ec2 definite",
                "user/bob -> app-ec2 definite",
                "user/carol -> app-ec2 definite",
            ],
            change: &["user/bob -> app-ec2 definite"],
            delete: &["user/carol -> app-ec2 definite"],
        },
        // Manages only the groups it lists: a group it never listed stays (alice is in ops out
        // of band when the membership is created); a group it leaves is left.
        Case {
            rtype: "aws_iam_user_group_membership",
            snap: &[
                Rel::Inline("group", "ops", "pass", "app-ec2"),
                Rel::Inline("group", "dev", "pass", "app-fn"),
                Rel::Member("alice", "ops"),
            ],
            snap_create: &[
                Rel::Inline("group", "ops", "pass", "app-ec2"),
                Rel::Inline("group", "dev", "pass", "app-fn"),
                Rel::Member("alice", "ops"),
            ],
            before: json!({"id": "terraform-20261207000000000000000001", "user": "alice", "groups": ["ops"]}),
            after_update: json!({"id": "terraform-20261207000000000000000001", "user": "alice", "groups": ["dev"]}),
            after_replace: json!({"id": "terraform-20261207000000000000000002", "user": "alice", "groups": ["dev"]}),
            no_op: &["user/alice -> app-ec2 definite"],
            create: &[
                "user/alice -> app-ec2 definite",
                "user/alice -> app-fn definite",
            ],
            change: &["user/alice -> app-fn definite"],
            delete: &[],
        },
        // Exclusive inline policies of a principal: the ones not listed go; destroying the
        // resource removes nothing.
        Case {
            rtype: "aws_iam_role_policies_exclusive",
            snap: &[
                Rel::Inline("role", "worker", "a", "app-ec2"),
                Rel::Inline("role", "worker", "b", "app-fn"),
            ],
            snap_create: &[
                Rel::Inline("role", "worker", "a", "app-ec2"),
                Rel::Inline("role", "worker", "b", "app-fn"),
            ],
            before: json!({"role_name": "worker", "policy_names": ["a", "b"]}),
            after_update: json!({"role_name": "worker", "policy_names": ["b"]}),
            after_replace: json!({"role_name": "worker", "policy_names": ["b"]}),
            no_op: &[
                "role/worker -> app-ec2 definite",
                "role/worker -> app-fn definite",
            ],
            create: &["role/worker -> app-fn definite"],
            change: &["role/worker -> app-fn definite"],
            delete: &[
                "role/worker -> app-ec2 definite",
                "role/worker -> app-fn definite",
            ],
        },
        Case {
            rtype: "aws_iam_user_policies_exclusive",
            snap: &[
                Rel::Inline("user", "alice", "a", "app-ec2"),
                Rel::Inline("user", "alice", "b", "app-fn"),
            ],
            snap_create: &[
                Rel::Inline("user", "alice", "a", "app-ec2"),
                Rel::Inline("user", "alice", "b", "app-fn"),
            ],
            before: json!({"user_name": "alice", "policy_names": ["a", "b"]}),
            after_update: json!({"user_name": "alice", "policy_names": ["b"]}),
            after_replace: json!({"user_name": "alice", "policy_names": ["b"]}),
            no_op: &[
                "user/alice -> app-ec2 definite",
                "user/alice -> app-fn definite",
            ],
            create: &["user/alice -> app-fn definite"],
            change: &["user/alice -> app-fn definite"],
            delete: &[
                "user/alice -> app-ec2 definite",
                "user/alice -> app-fn definite",
            ],
        },
        // Exclusive managed policies of a principal.
        Case {
            rtype: "aws_iam_role_policy_attachments_exclusive",
            snap: &[
                Rel::Attached("role", "worker", "PassEc2"),
                Rel::Attached("role", "worker", "PassFn"),
            ],
            snap_create: &[
                Rel::Attached("role", "worker", "PassEc2"),
                Rel::Attached("role", "worker", "PassFn"),
            ],
            before: json!({"role_name": "worker", "policy_arns": [pe, pf]}),
            after_update: json!({"role_name": "worker", "policy_arns": [pf]}),
            after_replace: json!({"role_name": "worker", "policy_arns": [pf]}),
            no_op: &[
                "role/worker -> app-ec2 definite",
                "role/worker -> app-fn definite",
            ],
            create: &["role/worker -> app-fn definite"],
            change: &["role/worker -> app-fn definite"],
            delete: &[
                "role/worker -> app-ec2 definite",
                "role/worker -> app-fn definite",
            ],
        },
        Case {
            rtype: "aws_iam_group_policy_attachments_exclusive",
            snap: &[
                Rel::Member("alice", "ops"),
                Rel::Attached("group", "ops", "PassEc2"),
                Rel::Attached("group", "ops", "PassFn"),
            ],
            snap_create: &[
                Rel::Member("alice", "ops"),
                Rel::Attached("group", "ops", "PassEc2"),
                Rel::Attached("group", "ops", "PassFn"),
            ],
            before: json!({"group_name": "ops", "policy_arns": [pe, pf]}),
            after_update: json!({"group_name": "ops", "policy_arns": [pf]}),
            after_replace: json!({"group_name": "ops", "policy_arns": [pf]}),
            no_op: &[
                "user/alice -> app-ec2 definite",
                "user/alice -> app-fn definite",
            ],
            create: &["user/alice -> app-fn definite"],
            change: &["user/alice -> app-fn definite"],
            delete: &[
                "user/alice -> app-ec2 definite",
                "user/alice -> app-fn definite",
            ],
        },
    ]
}

fn change(
    rtype: &'static str,
    actions: &'static [&'static str],
    before: Option<Value>,
    after: Option<Value>,
    unknown: &'static [&'static str],
) -> Change {
    Change {
        rtype,
        name: "this",
        actions,
        before,
        after,
        unknown,
        expressions: None,
    }
}

/// No relation removal may be undecided in these plans: every value is known.
fn assert_decided(label: &str, diags: &[Diagnostic]) {
    let undecided: Vec<&str> = diags
        .iter()
        .filter(|d| d.message.contains("take away") || d.message.contains("before the change"))
        .map(|d| d.message.as_str())
        .collect();
    assert!(undecided.is_empty(), "{label}: {undecided:?}");
}

#[test]
fn every_relation_type_under_every_action() {
    for c in cases() {
        let snap = snapshot(c.snap);
        let runs: [(&str, &[&str], String, &[&str]); 5] = [
            (
                "no-op",
                &["no-op"],
                plan(&[change(
                    c.rtype,
                    &["no-op"],
                    Some(c.before.clone()),
                    Some(c.before.clone()),
                    &[],
                )]),
                c.no_op,
            ),
            (
                "update",
                &["update"],
                plan(&[change(
                    c.rtype,
                    &["update"],
                    Some(c.before.clone()),
                    Some(c.after_update.clone()),
                    &[],
                )]),
                c.change,
            ),
            (
                "delete,create",
                &["delete", "create"],
                plan(&[change(
                    c.rtype,
                    &["delete", "create"],
                    Some(c.before.clone()),
                    Some(c.after_replace.clone()),
                    &[],
                )]),
                c.change,
            ),
            (
                "create,delete",
                &["create", "delete"],
                plan(&[change(
                    c.rtype,
                    &["create", "delete"],
                    Some(c.before.clone()),
                    Some(c.after_replace.clone()),
                    &[],
                )]),
                c.change,
            ),
            (
                "delete",
                &["delete"],
                plan(&[change(
                    c.rtype,
                    &["delete"],
                    Some(c.before.clone()),
                    None,
                    &[],
                )]),
                c.delete,
            ),
        ];
        for (label, _, p, want) in runs {
            let (got, diags) = audit(&snap, &p);
            assert_eq!(got, want, "{} {label}", c.rtype);
            assert_decided(&format!("{} {label}", c.rtype), &diags);
        }
        // A create: the id is known only after apply.
        let mut after = c.after_replace.clone();
        if let Some(o) = after.as_object_mut() {
            o.remove("id");
        }
        let unknown: &'static [&'static str] = if c.after_replace.get("id").is_some() {
            &["id"]
        } else {
            &[]
        };
        let p = plan(&[change(c.rtype, &["create"], None, Some(after), unknown)]);
        let (got, diags) = audit(&snapshot(c.snap_create), &p);
        assert_eq!(got, c.create, "{} create", c.rtype);
        assert_decided(&format!("{} create", c.rtype), &diags);
    }
}

/// The values of role worker in the provider's state.
fn worker(inline: &[(&str, &str)], managed: &[&str]) -> Value {
    let inline: Vec<Value> = inline
        .iter()
        .map(|(n, role)| json!({"name": n, "policy": pass_text(role)}))
        .collect();
    json!({
        "arn": arn("role", "worker"), "assume_role_policy": trust("ec2.amazonaws.com").to_string(),
        "description": "", "force_detach_policies": false, "id": "worker", "inline_policy": inline,
        "managed_policy_arns": managed, "max_session_duration": 3600, "name": "worker", "name_prefix": "",
        "path": "/", "permissions_boundary": null, "tags": {}, "tags_all": {}, "unique_id": "AROAEXAMPLEWORKER01"
    })
}

/// `aws_iam_role` with `inline_policy` and `managed_policy_arns` in its configuration manages
/// the role's inline and managed policies exclusively; without them it leaves them alone.
#[test]
fn role_inline_policy_and_managed_policy_arns_are_exclusive_when_configured() {
    let pf = arn("policy", "PassFn");
    let snap = snapshot(&[
        Rel::Inline("role", "worker", "old", "app-fn"),
        Rel::Attached("role", "worker", "PassFn"),
    ]);
    let before = worker(&[("old", "app-fn")], &[&pf]);
    let after = worker(&[("new", "app-ec2")], &[]);
    let configured = json!({
        "name": {"constant_value": "worker"},
        "assume_role_policy": {"constant_value": trust("ec2.amazonaws.com").to_string()},
        "inline_policy": [{"name": {"constant_value": "new"}, "policy": {"constant_value": pass_text("app-ec2")}}],
        "managed_policy_arns": {"constant_value": []}
    });
    for actions in [
        &["update"][..],
        &["delete", "create"][..],
        &["create", "delete"][..],
    ] {
        let mut c = change(
            "aws_iam_role",
            actions,
            Some(before.clone()),
            Some(after.clone()),
            &[],
        );
        c.name = "worker";
        c.expressions = Some(configured.clone());
        let (got, diags) = audit(&snap, &plan(&[c]));
        assert_eq!(got, ["role/worker -> app-ec2 definite"], "{actions:?}");
        assert_decided(&format!("{actions:?}"), &diags);
    }
    // Unchanged (no-op) but configured: the role holds exactly what the configuration says.
    let mut c = change(
        "aws_iam_role",
        &["no-op"],
        Some(before.clone()),
        Some(before.clone()),
        &[],
    );
    c.name = "worker";
    c.expressions = Some(json!({
        "name": {"constant_value": "worker"},
        "inline_policy": [{"name": {"constant_value": "old"}, "policy": {"constant_value": pass_text("app-fn")}}],
        "managed_policy_arns": {"constant_value": [pf]}
    }));
    assert_eq!(
        audit(&snap, &plan(&[c])).0,
        ["role/worker -> app-fn definite"]
    );
    // Not configured: the computed values do not make the role's policies exclusive, so an
    // inline policy the snapshot has and the plan does not show stays.
    let snap2 = snapshot(&[Rel::Inline("role", "worker", "extra", "app-ec2")]);
    let mut c = change(
        "aws_iam_role",
        &["update"],
        Some(worker(&[], &[])),
        Some(worker(&[], &[])),
        &[],
    );
    c.name = "worker";
    c.expressions = Some(json!({"name": {"constant_value": "worker"}}));
    assert_eq!(
        audit(&snap2, &plan(&[c])).0,
        ["role/worker -> app-ec2 definite"]
    );
    // Deleted: the role and everything it held are gone.
    let mut c = change("aws_iam_role", &["delete"], Some(before), None, &[]);
    c.name = "worker";
    assert_eq!(audit(&snap, &plan(&[c])).0, Vec::<String>::new());
}

/// A value the plan does not show cannot say what is taken away: the snapshot's relation stays
/// (more findings, never fewer), and a diagnostic says why.
#[test]
fn undecidable_removals_keep_the_relation_and_say_so() {
    let snap = snapshot(&[Rel::Inline("user", "alice", "pass", "app-ec2")]);
    // A deleted inline policy whose `user` before the change is hidden (sensitive, null).
    let mut p: Value = serde_json::from_str(&plan(&[change(
        "aws_iam_user_policy",
        &["delete"],
        Some(json!({"id": "alice:pass", "name": "pass", "name_prefix": "", "user": null, "policy": pass_text("app-ec2")})),
        None,
        &[],
    )]))
    .unwrap();
    p["resource_changes"][0]["change"]["before_sensitive"] = json!({"user": true});
    let (got, diags) = audit(&snap, &p.to_string());
    assert_eq!(got, ["user/alice -> app-ec2 definite"]);
    let said: Vec<&str> = diags
        .iter()
        .filter(|d| d.code == passgraph_model::Code::UnknownValue)
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        said,
        [
            "aws_iam_user_policy.this: the plan changes or deletes this aws_iam_user_policy, but its user before the change is not in the plan; what it held in another input (a snapshot) is kept"
        ]
    );

    // An exclusive group membership whose group is known only after apply: it may or may not
    // be ops, so ops keeps its members.
    let snap = snapshot(&[
        Rel::Inline("group", "ops", "pass", "app-ec2"),
        Rel::Member("alice", "ops"),
    ]);
    let p = plan(&[change(
        "aws_iam_group_membership",
        &["update"],
        Some(json!({"id": "team", "name": "team", "group": "team", "users": []})),
        Some(json!({"id": "team", "name": "team", "users": ["bob"]})),
        &["group"],
    )]);
    let (got, diags) = audit(&snap, &p);
    // Bob joins the group, which may be ops.
    assert_eq!(
        got,
        [
            "user/alice -> app-ec2 definite",
            "user/bob -> app-ec2 possible"
        ]
    );
    let said: Vec<&str> = diags
        .iter()
        .filter(|d| d.message.contains("take away"))
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        said,
        [
            "aws_iam_group_membership.this may or may not take away 1 relation(s) of the inputs below it (membership of user alice in group ops): this cannot be decided offline, so they are kept"
        ]
    );
}

/// AWS deletes a group only when it has no members and a managed policy only when nothing holds
/// it: deleting either takes its relations with it, instead of leaving memberships in a group
/// nobody defines (whose unknown policies would make findings possible).
#[test]
fn a_deleted_group_or_policy_takes_its_relations_with_it() {
    let snap = snapshot(&[
        Rel::Inline("group", "ops", "pass", "app-ec2"),
        Rel::Member("alice", "ops"),
        Rel::Attached("user", "bob", "PassFn"),
    ]);
    let (before, _) = audit(&snap, &plan(&[]));
    assert_eq!(
        before,
        [
            "user/alice -> app-ec2 definite",
            "user/bob -> app-fn definite"
        ]
    );
    let mut group = change(
        "aws_iam_group",
        &["delete"],
        Some(
            json!({"arn": arn("group", "ops"), "id": "ops", "name": "ops", "path": "/", "unique_id": "AGPAEXAMPLEOPS00001"}),
        ),
        None,
        &[],
    );
    group.name = "ops";
    let mut policy = change(
        "aws_iam_policy",
        &["delete"],
        Some(
            json!({"arn": arn("policy", "PassFn"), "id": arn("policy", "PassFn"), "name": "PassFn", "name_prefix": "",
                    "path": "/", "description": "", "policy": pass_text("app-fn"), "policy_id": "ANPAEXAMPLEPASSFN01",
                    "tags": {}, "tags_all": {}, "attachment_count": 1}),
        ),
        None,
        &[],
    );
    policy.name = "pass_fn";
    let (got, diags) = audit(&snap, &plan(&[group, policy]));
    assert_eq!(got, Vec::<String>::new());
    let unresolved: Vec<&str> = diags
        .iter()
        .filter(|d| {
            matches!(
                d.code,
                passgraph_model::Code::UnresolvedReference | passgraph_model::Code::UnknownPolicy
            )
        })
        .map(|d| d.message.as_str())
        .collect();
    assert!(unresolved.is_empty(), "{unresolved:?}");
}
