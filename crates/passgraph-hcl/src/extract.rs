//! Evaluated resources → the account model: IAM users, groups, roles, policies, instance
//! profiles, memberships and attachments, and the resources that hand a role to a service.

use std::collections::BTreeMap;
use std::sync::Arc;

use passgraph_model::{
    Account, AttachedPolicy, Attachment, Code, Diagnostic, Group, InlinePolicy, InstanceProfile,
    ManagedPolicy, Membership, Origin, PolicyDocument, PolicyRef, PrincipalTarget, Role, Str, Tag,
    User,
};

use crate::Stats;
use crate::config::{BodyRef, Mode};
use crate::eval::{Evaluator, Scope};
use crate::jsontext::policy_node;
use crate::roleuse::{ROLE_USES, RoleUseSpec, role_use};
use crate::value::{ResKey, V, Value, set_address};

/// One resource instance being read.
pub(crate) struct Ctx<'a> {
    pub(crate) sc: Scope,
    pub(crate) body: BodyRef<'a>,
    pub(crate) key: ResKey,
    pub(crate) rtype: &'a str,
    pub(crate) addr: Arc<str>,
    pub(crate) origin: Origin,
    pub(crate) uncertain: bool,
}

/// Reads every managed resource of every module instance into `acc`.
pub(crate) fn extract(ev: &mut Evaluator<'_>, acc: &mut Account) -> Stats {
    let mut stats = Stats {
        files: ev.files_read,
        ..Stats::default()
    };
    let mut by_type: BTreeMap<String, usize> = BTreeMap::new();
    let mut i = 0;
    while i < ev.insts.len() {
        let prefix = ev.insts[i].prefix.trim_end_matches('.').to_owned();
        stats.modules.push(prefix);
        let def = ev.insts[i].def.clone();
        let inst_uncertain = ev.insts[i].uncertain;
        for (r, d) in def.resources.iter().enumerate() {
            if d.mode != Mode::Managed {
                continue;
            }
            let Some(exp) = ev.res_expansion(i, r) else {
                continue;
            };
            for (key, _) in &exp.keys {
                *by_type.entry(d.rtype.clone()).or_default() += 1;
                let rk = ResKey {
                    inst: i,
                    res: r,
                    key: key.clone(),
                };
                let Some(sc) = ev.res_scope(&rk) else {
                    continue;
                };
                let addr: Arc<str> = Arc::from(ev.res_address(&rk));
                let origin = Origin::new(d.file, d.range).with_address(addr.clone());
                let ctx = Ctx {
                    sc,
                    body: d.body.view(),
                    key: rk,
                    rtype: &d.rtype,
                    addr,
                    origin,
                    uncertain: exp.uncertain || inst_uncertain,
                };
                resource(ev, &ctx, acc);
            }
        }
        i += 1;
    }
    stats.files = ev.files_read;
    stats.resources = by_type.into_iter().collect();
    stats
}

fn resource(ev: &mut Evaluator<'_>, c: &Ctx<'_>, acc: &mut Account) {
    match c.rtype {
        "aws_iam_user" => {
            let (name, path, arn) = identity(ev, c);
            acc.users.push(User {
                name,
                path,
                arn,
                inline: Vec::new(),
                attached: Vec::new(),
                groups: Vec::new(),
                boundary: policy_ref(ev, c, "permissions_boundary"),
                tags: tags(ev, c),
                uncertain: c.uncertain,
                origin: c.origin.clone(),
            });
        }
        "aws_iam_group" => {
            let (name, path, arn) = identity(ev, c);
            acc.groups.push(Group {
                name,
                path,
                arn,
                inline: Vec::new(),
                attached: Vec::new(),
                uncertain: c.uncertain,
                origin: c.origin.clone(),
            });
        }
        "aws_iam_role" => role(ev, c, acc),
        "aws_iam_policy" => {
            let (name, path, arn) = identity(ev, c);
            let document = document(ev, c, "policy");
            acc.policies.push(ManagedPolicy {
                name,
                path,
                arn,
                document,
                uncertain: c.uncertain,
                origin: c.origin.clone(),
            });
        }
        "aws_iam_instance_profile" => {
            let (name, path, arn) = identity(ev, c);
            let roles = strings(ev, c, "role")
                .into_iter()
                .map(|(s, _)| principal_name(ev, c, s, "role"))
                .collect();
            acc.instance_profiles.push(InstanceProfile {
                name,
                path,
                arn,
                roles,
                uncertain: c.uncertain,
                origin: c.origin.clone(),
            });
        }
        "aws_iam_role_policy" | "aws_iam_user_policy" | "aws_iam_group_policy" => {
            let owner = match c.rtype {
                "aws_iam_role_policy" => "role",
                "aws_iam_user_policy" => "user",
                _ => "group",
            };
            let name = res_str(ev, c, "name");
            let document = document(ev, c, "policy");
            for (p, unc) in strings(ev, c, owner) {
                let p = principal_name(ev, c, p, owner);
                acc.attachments.push(Attachment {
                    target: target(owner, p),
                    policy: AttachedPolicy::Inline(InlinePolicy {
                        name: name.clone(),
                        document: document.clone(),
                        origin: c.origin.clone(),
                    }),
                    uncertain: c.uncertain || unc,
                    origin: c.origin.clone(),
                });
            }
        }
        "aws_iam_role_policy_attachment"
        | "aws_iam_user_policy_attachment"
        | "aws_iam_group_policy_attachment" => {
            let owner = c
                .rtype
                .trim_start_matches("aws_iam_")
                .trim_end_matches("_policy_attachment");
            attach(ev, c, acc, owner, owner, "policy_arn");
        }
        "aws_iam_role_policy_attachments_exclusive"
        | "aws_iam_user_policy_attachments_exclusive"
        | "aws_iam_group_policy_attachments_exclusive" => {
            let owner = c
                .rtype
                .trim_start_matches("aws_iam_")
                .trim_end_matches("_policy_attachments_exclusive");
            attach(ev, c, acc, owner, &format!("{owner}_name"), "policy_arns");
        }
        "aws_iam_policy_attachment" => {
            for (owner, attr) in [("user", "users"), ("role", "roles"), ("group", "groups")] {
                attach(ev, c, acc, owner, attr, "policy_arn");
            }
        }
        "aws_iam_group_membership" => {
            let groups = strings(ev, c, "group");
            let users = strings(ev, c, "users");
            membership(ev, c, acc, &users, &groups);
        }
        "aws_iam_user_group_membership" => {
            let users = strings(ev, c, "user");
            let groups = strings(ev, c, "groups");
            membership(ev, c, acc, &users, &groups);
        }
        _ => {}
    }
    let specs: Vec<&RoleUseSpec> = ROLE_USES
        .iter()
        .filter(|s| s.resource_type == c.rtype)
        .collect();
    for spec in specs {
        role_use(ev, c, acc, spec);
    }
}

fn target(owner: &str, name: Str) -> PrincipalTarget {
    match owner {
        "user" => PrincipalTarget::User(name),
        "group" => PrincipalTarget::Group(name),
        _ => PrincipalTarget::Role(name),
    }
}

fn membership(
    ev: &mut Evaluator<'_>,
    c: &Ctx<'_>,
    acc: &mut Account,
    users: &[(Str, bool)],
    groups: &[(Str, bool)],
) {
    for (g, gu) in groups {
        let g = principal_name(ev, c, g.clone(), "group");
        for (u, uu) in users {
            let u = principal_name(ev, c, u.clone(), "user");
            acc.memberships.push(Membership {
                user: u,
                group: g.clone(),
                uncertain: c.uncertain || *gu || *uu,
                origin: c.origin.clone(),
            });
        }
    }
}

fn attach(
    ev: &mut Evaluator<'_>,
    c: &Ctx<'_>,
    acc: &mut Account,
    owner: &str,
    owner_attr: &str,
    policy_attr: &str,
) {
    let Some((_, _)) = c.body.attr(owner_attr) else {
        return;
    };
    let owners = strings(ev, c, owner_attr);
    let arns = strings(ev, c, policy_attr);
    let po = attr_origin(c, policy_attr);
    for (p, pu) in &owners {
        let p = principal_name(ev, c, p.clone(), owner);
        for (a, au) in &arns {
            acc.attachments.push(Attachment {
                target: target(owner, p.clone()),
                policy: AttachedPolicy::Managed(PolicyRef {
                    arn: a.clone(),
                    origin: po.clone(),
                }),
                uncertain: c.uncertain || *pu || *au,
                origin: c.origin.clone(),
            });
        }
    }
}

fn role(ev: &mut Evaluator<'_>, c: &Ctx<'_>, acc: &mut Account) {
    let (name, path, arn) = identity(ev, c);
    let trust = if c.body.attr("assume_role_policy").is_some() {
        document(ev, c, "assume_role_policy")
    } else {
        ev.diag(Diagnostic::warning(
            Code::Shape,
            format!("{} has no assume_role_policy", c.addr),
            Some(c.origin.clone()),
        ));
        PolicyDocument::unknown("no assume_role_policy", c.origin.clone())
    };
    let mut inline = Vec::new();
    for b in ev.block_insts(&c.sc, c.body, "inline_policy") {
        let Some((pe, _)) = b.body.attr("policy") else {
            continue;
        };
        let bo = Origin::new(b.sc.file, b.range).with_address(c.addr.clone());
        let pname = match b.body.attr("name") {
            Some((e, _)) => {
                let v = ev.eval_or_unknown(&b.sc, e, &format!("{}.inline_policy.name", c.addr));
                value_str(ev, &b.sc, &v).unwrap_or_default()
            }
            None => Str::default(),
        };
        let v = ev.eval_or_unknown(&b.sc, pe, &format!("{}.inline_policy.policy", c.addr));
        if v.is_null() {
            continue;
        }
        let document = doc_from_value(ev, c, &v, &bo);
        inline.push(InlinePolicy {
            name: pname,
            document,
            origin: bo,
        });
    }
    let attached = strings_at(ev, c, "managed_policy_arns")
        .into_iter()
        .map(|(arn, _, origin)| PolicyRef { arn, origin })
        .collect();
    acc.roles.push(Role {
        name,
        path,
        arn,
        trust,
        inline,
        attached,
        boundary: policy_ref(ev, c, "permissions_boundary"),
        tags: tags(ev, c),
        uncertain: c.uncertain,
        origin: c.origin.clone(),
    });
}

/// Name, path and ARN of an IAM entity as Terraform computes them.
fn identity(ev: &mut Evaluator<'_>, c: &Ctx<'_>) -> (Str, Str, Str) {
    (
        res_str(ev, c, "name"),
        res_str(ev, c, "path"),
        res_str(ev, c, "arn"),
    )
}

/// A computed or configured attribute of the resource as a string.
fn res_str(ev: &mut Evaluator<'_>, c: &Ctx<'_>, attr: &str) -> Str {
    match ev.res_attr(&c.key, attr, &c.origin) {
        Ok(v) => {
            value_str(ev, &c.sc, &v).unwrap_or_else(|| Str::hole(format!("{}.{attr}", c.addr)))
        }
        Err(f) => {
            ev.fail_diag(&f);
            Str::hole(format!("{}.{attr}", c.addr))
        }
    }
}

/// A value as a string: holes for what is unknown; `None` for null or a collection.
fn value_str(ev: &mut Evaluator<'_>, sc: &Scope, v: &Value) -> Option<Str> {
    match &v.v {
        V::Null | V::List(_) | V::Map(_) => None,
        _ => ev.string_of(sc, v).ok(),
    }
}

fn attr_origin(c: &Ctx<'_>, attr: &str) -> Origin {
    match c.body.attr(attr) {
        Some((e, r)) => Origin::new(c.sc.file, e.range().unwrap_or(r)).with_address(c.addr.clone()),
        None => c.origin.clone(),
    }
}

fn attr_value(ev: &mut Evaluator<'_>, c: &Ctx<'_>, attr: &str) -> Option<Value> {
    let (e, _) = c.body.attr(attr)?;
    let v = ev.eval_or_unknown(&c.sc, e, &format!("{}.{attr}", c.addr));
    let v = ev.force_deep(v, 0);
    (!v.is_null()).then_some(v)
}

/// The strings of a string or list attribute, each marked when it exists only possibly.
fn strings(ev: &mut Evaluator<'_>, c: &Ctx<'_>, attr: &str) -> Vec<(Str, bool)> {
    strings_at(ev, c, attr)
        .into_iter()
        .map(|(s, u, _)| (s, u))
        .collect()
}

/// Like [`strings`], with where each string is written (for policy references).
fn strings_at(ev: &mut Evaluator<'_>, c: &Ctx<'_>, attr: &str) -> Vec<(Str, bool, Origin)> {
    let Some(v) = attr_value(ev, c, attr) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    collect_strings(ev, c, &v, false, &mut out, 0);
    out
}

pub(crate) fn collect_strings(
    ev: &mut Evaluator<'_>,
    c: &Ctx<'_>,
    v: &Value,
    uncertain: bool,
    out: &mut Vec<(Str, bool, Origin)>,
    depth: usize,
) {
    if depth > 8 {
        return;
    }
    match &v.v {
        V::Null => {}
        V::List(items) => {
            for i in items.iter() {
                collect_strings(ev, c, i, uncertain, out, depth + 1);
            }
        }
        V::Choice(alts) => {
            for a in alts.iter() {
                collect_strings(ev, c, a, true, out, depth + 1);
            }
        }
        V::Map(_) => {
            ev.diag(Diagnostic::warning(
                Code::Shape,
                "expected a string or a list of strings, found an object",
                Some(v.origin.clone()),
            ));
        }
        _ => {
            if let Some(s) = value_str(ev, &c.sc, v) {
                out.push((s, uncertain, v.origin.clone().with_address(c.addr.clone())));
            }
        }
    }
}

/// A principal named by ARN where a name is expected: the name is the last path segment.
fn principal_name(ev: &mut Evaluator<'_>, c: &Ctx<'_>, s: Str, kind: &str) -> Str {
    if s.starts_with("arn:") && s.known_prefix().contains(&format!(":{kind}/")) {
        ev.diag(Diagnostic::note(
            Code::Shape,
            format!(
                "{} names a {kind} by ARN where AWS expects a name; the last path segment is used",
                c.addr
            ),
            Some(c.origin.clone()),
        ));
        return s.last_segment("/");
    }
    s
}

fn policy_ref(ev: &mut Evaluator<'_>, c: &Ctx<'_>, attr: &str) -> Option<PolicyRef> {
    let (arn, _) = strings(ev, c, attr).into_iter().next()?;
    Some(PolicyRef {
        arn,
        origin: attr_origin(c, attr),
    })
}

fn tags(ev: &mut Evaluator<'_>, c: &Ctx<'_>) -> Vec<Tag> {
    let Some(v) = attr_value(ev, c, "tags") else {
        return Vec::new();
    };
    let Some(entries) = v.entries() else {
        return Vec::new();
    };
    let entries = entries.to_vec();
    entries
        .into_iter()
        .filter_map(|(k, _, val)| {
            value_str(ev, &c.sc, &val).map(|value| Tag {
                key: Str::lit(k),
                value,
            })
        })
        .collect()
}

/// The policy document held by an attribute.
fn document(ev: &mut Evaluator<'_>, c: &Ctx<'_>, attr: &str) -> PolicyDocument {
    let o = attr_origin(c, attr);
    match c.body.attr(attr) {
        Some((e, _)) => {
            let v = ev.eval_or_unknown(&c.sc, e, &format!("{}.{attr}", c.addr));
            let v = ev.force_deep(v, 0);
            doc_from_value(ev, c, &v, &o)
        }
        None => {
            ev.diag(Diagnostic::warning(
                Code::Shape,
                format!("{} has no {attr}", c.addr),
                Some(c.origin.clone()),
            ));
            PolicyDocument::unknown(format!("{} has no {attr}", c.addr), o)
        }
    }
}

fn doc_from_value(ev: &mut Evaluator<'_>, c: &Ctx<'_>, v: &Value, o: &Origin) -> PolicyDocument {
    match policy_node(v, 0) {
        Ok(mut node) => {
            set_address(&mut node, &c.addr);
            let (doc, diags) = PolicyDocument::from_node(&node);
            for d in diags {
                ev.diag(d);
            }
            doc
        }
        Err(msg) => {
            if v.is_unknownish() {
                ev.diag(Diagnostic::warning(
                    Code::UnknownPolicy,
                    format!(
                        "the policy of {} has unknown parts and cannot be read as JSON ({msg})",
                        c.addr
                    ),
                    Some(o.clone()),
                ));
                return PolicyDocument::unknown(
                    format!("{}: policy text with unknown parts", c.addr),
                    o.clone(),
                );
            }
            ev.diag(Diagnostic::warning(
                Code::PolicyGrammar,
                format!("the policy of {} is not JSON: {msg}", c.addr),
                Some(o.clone()),
            ));
            PolicyDocument::unknown(
                format!("{}: policy text that is not JSON", c.addr),
                o.clone(),
            )
        }
    }
}
