//! Resource adapters: what each `aws_*` resource adds to the account, written once against
//! [`ResourceView`], which both front ends implement.

use std::sync::Arc;

use passgraph_model::{
    Account, AttachedPolicy, Attachment, Code, Diagnostic, Group, InlinePolicy, InstanceProfile,
    ManagedPolicy, Membership, Origin, PolicyDocument, PolicyRef, PrincipalTarget, Role,
    RoleTargetKind, RoleUse, RoleUseSpec, Str, Tag, User,
};

use crate::roleuse::role_uses_of;

/// One string read from a resource.
#[derive(Clone, Debug)]
pub struct Item {
    /// The value (with holes for what is known only after apply).
    pub value: Str,
    /// It exists only possibly (one alternative of a conditional, a `dynamic` block whose
    /// `for_each` is unknown).
    pub uncertain: bool,
    /// Where it is written.
    pub origin: Origin,
}

/// What a value is expected to be, so that a front end can rebuild an unknown one (a plan
/// resolves a reference to a name or to an ARN differently).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Want {
    /// Any string.
    Any,
    /// The name of an IAM entity.
    Name,
    /// An ARN.
    Arn,
}

/// How many strings an argument holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arity {
    /// One string (`policy_arn`, `role`).
    One,
    /// A list or set of strings (`users`, `policy_arns`).
    Many,
}

/// One resource instance as a front end reads it. Attributes are Terraform argument names;
/// `path` arguments go through nested blocks, separated by dots (`target.role_arn`).
pub trait ResourceView {
    /// The resource type (`aws_iam_role`).
    fn resource_type(&self) -> &str;
    /// The resource address (`module.x.aws_iam_role.r["a"]`).
    fn address(&self) -> Arc<str>;
    /// Where the resource is declared.
    fn origin(&self) -> Origin;
    /// The resource exists only possibly (a `count` or `for_each` not known offline).
    fn uncertain(&self) -> bool;
    /// The name of the IAM entity: known, generated from `name_prefix`, or a hole.
    fn name(&mut self) -> Str;
    /// The path of the IAM entity (`/` by default).
    fn path(&mut self) -> Str;
    /// The ARN of the IAM entity: known or synthesised.
    fn arn(&mut self) -> Str;
    /// The strings of a string or list-of-strings argument; none when it is not set or null.
    /// A string may stand for several when it depends on something not known offline (each
    /// alternative is then uncertain).
    fn strings(&mut self, attr: &str, want: Want, arity: Arity) -> Vec<Item>;
    /// The strings at a path through nested blocks, each with the position of the argument.
    /// An optional argument that AWS computes and the configuration does not set gives none.
    fn at_path(&mut self, path: &str, want: Want) -> Vec<Item>;
    /// Where an argument is written (the resource when it is not).
    fn attr_origin(&self, attr: &str) -> Origin;
    /// The configuration sets the argument (always true when the input has no configuration
    /// to tell).
    fn is_set(&self, attr: &str) -> bool;
    /// A known number argument.
    fn number(&mut self, attr: &str) -> Option<f64>;
    /// The policy document held by a JSON-string argument: parsed, rebuilt from a policy
    /// document data source, or unknown (with a diagnostic) when it cannot be read. `None`
    /// only when the argument is not set or null.
    fn document(&mut self, attr: &str) -> Option<PolicyDocument>;
    /// The role's `inline_policy` blocks.
    fn inline_policies(&mut self) -> Vec<InlinePolicy>;
    /// The resource's tags.
    fn tags(&mut self) -> Vec<Tag>;
    /// Reports a diagnostic.
    fn diag(&mut self, d: Diagnostic);
}

/// True for the resource types [`adapt`] reads.
#[must_use]
pub fn is_mapped(resource_type: &str) -> bool {
    crate::names::arn_kind(resource_type).is_some()
        || matches!(
            resource_type,
            "aws_iam_role_policy"
                | "aws_iam_user_policy"
                | "aws_iam_group_policy"
                | "aws_iam_role_policy_attachment"
                | "aws_iam_user_policy_attachment"
                | "aws_iam_group_policy_attachment"
                | "aws_iam_role_policy_attachments_exclusive"
                | "aws_iam_user_policy_attachments_exclusive"
                | "aws_iam_group_policy_attachments_exclusive"
                | "aws_iam_policy_attachment"
                | "aws_iam_group_membership"
                | "aws_iam_user_group_membership"
        )
        || role_uses_of(resource_type).next().is_some()
}

/// Adds what one resource instance means to the account.
pub fn adapt(r: &mut dyn ResourceView, acc: &mut Account) {
    let rtype = r.resource_type().to_owned();
    match rtype.as_str() {
        "aws_iam_user" => {
            let user = User {
                name: r.name(),
                path: r.path(),
                arn: r.arn(),
                inline: Vec::new(),
                attached: Vec::new(),
                groups: Vec::new(),
                boundary: boundary(r),
                tags: r.tags(),
                uncertain: r.uncertain(),
                origin: r.origin(),
            };
            acc.users.push(user);
        }
        "aws_iam_group" => {
            let group = Group {
                name: r.name(),
                path: r.path(),
                arn: r.arn(),
                inline: Vec::new(),
                attached: Vec::new(),
                uncertain: r.uncertain(),
                origin: r.origin(),
            };
            acc.groups.push(group);
        }
        "aws_iam_role" => role(r, acc),
        "aws_iam_policy" => {
            let document = document(r, "policy");
            let policy = ManagedPolicy {
                name: r.name(),
                path: r.path(),
                arn: r.arn(),
                document,
                uncertain: r.uncertain(),
                origin: r.origin(),
            };
            acc.policies.push(policy);
        }
        "aws_iam_instance_profile" => {
            let roles = names(r, "role", "role", Arity::One)
                .into_iter()
                .map(|i| i.value)
                .collect();
            let profile = InstanceProfile {
                name: r.name(),
                path: r.path(),
                arn: r.arn(),
                roles,
                uncertain: r.uncertain(),
                origin: r.origin(),
            };
            acc.instance_profiles.push(profile);
        }
        "aws_iam_role_policy" | "aws_iam_user_policy" | "aws_iam_group_policy" => {
            let owner = rtype
                .trim_start_matches("aws_iam_")
                .trim_end_matches("_policy");
            let owners = names(r, owner, owner, Arity::One);
            if owners.is_empty() {
                return;
            }
            let name = r.name();
            let document = document(r, "policy");
            for o in owners {
                acc.attachments.push(Attachment {
                    target: principal(owner, o.value),
                    policy: AttachedPolicy::Inline(InlinePolicy {
                        name: name.clone(),
                        document: document.clone(),
                        origin: r.origin(),
                    }),
                    uncertain: r.uncertain() || o.uncertain,
                    origin: r.origin(),
                });
            }
        }
        "aws_iam_role_policy_attachment"
        | "aws_iam_user_policy_attachment"
        | "aws_iam_group_policy_attachment" => {
            let owner = rtype
                .trim_start_matches("aws_iam_")
                .trim_end_matches("_policy_attachment");
            attach(r, acc, owner, owner, "policy_arn");
        }
        "aws_iam_role_policy_attachments_exclusive"
        | "aws_iam_user_policy_attachments_exclusive"
        | "aws_iam_group_policy_attachments_exclusive" => {
            let owner = rtype
                .trim_start_matches("aws_iam_")
                .trim_end_matches("_policy_attachments_exclusive");
            attach(r, acc, owner, &format!("{owner}_name"), "policy_arns");
        }
        "aws_iam_policy_attachment" => {
            for (owner, attr) in [("user", "users"), ("role", "roles"), ("group", "groups")] {
                attach(r, acc, owner, attr, "policy_arn");
            }
        }
        "aws_iam_group_membership" => {
            let groups = names(r, "group", "group", Arity::One);
            let users = names(r, "users", "user", Arity::Many);
            membership(r, acc, &users, &groups);
        }
        "aws_iam_user_group_membership" => {
            let users = names(r, "user", "user", Arity::One);
            let groups = names(r, "groups", "group", Arity::Many);
            membership(r, acc, &users, &groups);
        }
        _ => {}
    }
    for spec in role_uses_of(&rtype) {
        role_use(r, spec, acc);
    }
}

fn role(r: &mut dyn ResourceView, acc: &mut Account) {
    let trust = document(r, "assume_role_policy");
    // `inline_policy` and `managed_policy_arns` are computed: a plan may show what AWS has even
    // when the configuration does not set them, so they count only when it does.
    let inline = if r.is_set("inline_policy") {
        r.inline_policies()
    } else {
        Vec::new()
    };
    let attached = if r.is_set("managed_policy_arns") {
        r.strings("managed_policy_arns", Want::Arn, Arity::Many)
            .into_iter()
            .filter(|i| !i.value.is_empty())
            .map(|i| PolicyRef {
                arn: i.value,
                origin: i.origin,
            })
            .collect()
    } else {
        Vec::new()
    };
    let role = Role {
        name: r.name(),
        path: r.path(),
        arn: r.arn(),
        trust,
        inline,
        attached,
        boundary: boundary(r),
        tags: r.tags(),
        uncertain: r.uncertain(),
        origin: r.origin(),
    };
    acc.roles.push(role);
}

/// The policy document of an argument the provider requires; an unknown one (with a
/// diagnostic) when it is missing.
fn document(r: &mut dyn ResourceView, attr: &str) -> PolicyDocument {
    if let Some(d) = r.document(attr) {
        return d;
    }
    let why = format!("{} has no {attr}", r.address());
    r.diag(Diagnostic::warning(
        Code::Shape,
        why.clone(),
        Some(r.origin()),
    ));
    PolicyDocument::unknown(why, r.attr_origin(attr))
}

/// `permissions_boundary`: an ARN, or no boundary when it is not set, null or `""` (the
/// provider's `Optional` string; an empty string means none). When it is one of several values
/// not known offline (a conditional that may give `""`), the boundary is unknown: a hole, so
/// that findings it may block are possible, never definite.
fn boundary(r: &mut dyn ResourceView) -> Option<PolicyRef> {
    let items = r.strings("permissions_boundary", Want::Arn, Arity::One);
    let mut arns: Vec<Str> = items
        .iter()
        .filter(|i| !i.value.is_empty())
        .map(|i| i.value.clone())
        .collect();
    arns.dedup();
    let arn = match arns.as_slice() {
        [] => return None,
        [one] if items.iter().all(|i| !i.value.is_empty()) => one.clone(),
        _ => Str::hole(format!("{}.permissions_boundary", r.address())),
    };
    Some(PolicyRef {
        arn,
        origin: r.attr_origin("permissions_boundary"),
    })
}

/// Users, groups or roles named by an argument where AWS expects names; an ARN given instead is
/// reduced to its last path segment, with a diagnostic. Empty strings name nobody.
fn names(r: &mut dyn ResourceView, attr: &str, kind: &str, arity: Arity) -> Vec<Item> {
    let items = r.strings(attr, Want::Name, arity);
    let mut out = Vec::with_capacity(items.len());
    for mut i in items {
        if i.value.is_empty() {
            continue;
        }
        if i.value.starts_with("arn:") && i.value.known_prefix().contains(&format!(":{kind}/")) {
            r.diag(Diagnostic::warning(
                Code::Shape,
                format!(
                    "{}: {attr} is an ARN where IAM expects a name; its last path segment is used",
                    r.address()
                ),
                Some(i.origin.clone()),
            ));
            i.value = i.value.last_segment("/");
        }
        out.push(i);
    }
    out
}

/// The list-valued arguments among those [`attach`] reads.
fn arity_of(attr: &str) -> Arity {
    match attr {
        "users" | "roles" | "groups" | "policy_arns" => Arity::Many,
        _ => Arity::One,
    }
}

fn principal(kind: &str, name: Str) -> PrincipalTarget {
    match kind {
        "user" => PrincipalTarget::User(name),
        "group" => PrincipalTarget::Group(name),
        _ => PrincipalTarget::Role(name),
    }
}

fn attach(
    r: &mut dyn ResourceView,
    acc: &mut Account,
    owner: &str,
    owner_attr: &str,
    policy_attr: &str,
) {
    let owners = names(r, owner_attr, owner, arity_of(owner_attr));
    if owners.is_empty() {
        return;
    }
    let arns: Vec<Item> = r
        .strings(policy_attr, Want::Arn, arity_of(policy_attr))
        .into_iter()
        .filter(|i| !i.value.is_empty())
        .collect();
    let po = r.attr_origin(policy_attr);
    for o in &owners {
        for a in &arns {
            acc.attachments.push(Attachment {
                target: principal(owner, o.value.clone()),
                policy: AttachedPolicy::Managed(PolicyRef {
                    arn: a.value.clone(),
                    origin: po.clone(),
                }),
                uncertain: r.uncertain() || o.uncertain || a.uncertain,
                origin: r.origin(),
            });
        }
    }
}

fn membership(r: &mut dyn ResourceView, acc: &mut Account, users: &[Item], groups: &[Item]) {
    for g in groups {
        for u in users {
            acc.memberships.push(Membership {
                user: u.value.clone(),
                group: g.value.clone(),
                uncertain: r.uncertain() || g.uncertain || u.uncertain,
                origin: r.origin(),
            });
        }
    }
}

/// One role-taking attribute.
fn role_use(r: &mut dyn ResourceView, spec: &RoleUseSpec, acc: &mut Account) {
    if matches!(
        spec.resource_type,
        "aws_db_instance" | "aws_rds_cluster_instance"
    ) && spec.attribute == "monitoring_role_arn"
        && r.number("monitoring_interval") == Some(0.0)
    {
        // The monitoring role is handed to RDS only when enhanced monitoring is on.
        return;
    }
    let want = if spec.attribute.ends_with("arn") || spec.target == RoleTargetKind::Role {
        Want::Arn
    } else {
        Want::Name
    };
    for i in r.at_path(spec.attribute, want) {
        if i.value.is_empty() {
            continue;
        }
        acc.role_uses.push(RoleUse {
            resource: r.address().to_string(),
            resource_type: spec.resource_type.to_owned(),
            attribute: spec.attribute.to_owned(),
            service: spec.service.to_owned(),
            target: spec.target_of(i.value),
            uncertain: r.uncertain() || i.uncertain,
            origin: i.origin,
        });
    }
}

#[cfg(test)]
mod tests;
