//! IAM resources → account model: users, groups, roles, managed and inline policies,
//! attachments, memberships and instance profiles.
//!
//! Relations name their ends as CloudFormation does: by name (`Roles: [!Ref MyRole]`) or by ARN
//! (`ManagedPolicyArns`); the graph resolves them. A part of a resource that exists only under an
//! undecidable condition is declared apart from its principal, as an uncertain relation.

use passgraph_model::{
    Account, AttachedPolicy, Attachment, Code, Group, InlinePolicy, InstanceProfile, ManagedPolicy,
    Membership, Node, NodeKind, Origin, PolicyDocument, PolicyRef, PrincipalTarget, Role, Str, Tag,
    User,
};

use crate::doc::policy_document;
use crate::resolve::Ctx;
use crate::template::Resource;

/// A resolved property of a resource (`None` when absent or `AWS::NoValue`).
pub(crate) fn prop(ctx: &mut Ctx<'_>, r: &Resource, name: &str) -> Option<Node> {
    let node = r.props.as_ref()?.get(name)?.clone();
    ctx.resolve(&node)
}

/// The items of a list value, with whether each depends on a condition. A single value where a
/// list is expected counts as a list of one.
pub(crate) fn items(node: &Node, uncertain: bool, out: &mut Vec<(Node, bool)>) {
    match &node.kind {
        NodeKind::Array(list) => {
            for i in list {
                match &i.kind {
                    NodeKind::Choice(alts) => {
                        for a in alts {
                            out.push((a.clone(), true));
                        }
                    }
                    _ => out.push((i.clone(), uncertain)),
                }
            }
        }
        NodeKind::Choice(alts) => {
            for a in alts {
                items(a, true, out);
            }
        }
        _ => out.push((node.clone(), uncertain)),
    }
}

/// The strings of a list value: (value, origin, depends on a condition).
pub(crate) fn strings(ctx: &mut Ctx<'_>, node: &Node) -> Vec<(Str, Origin, bool)> {
    let mut list = Vec::new();
    items(node, false, &mut list);
    let mut out = Vec::new();
    for (item, uncertain) in list {
        let alts = ctx.alts(&item);
        let several = alts.len() > 1;
        for s in alts {
            out.push((s, item.origin.clone(), uncertain || several));
        }
    }
    out
}

/// Builds the account entity of one IAM resource.
pub(crate) fn resource(
    ctx: &mut Ctx<'_>,
    acc: &mut Account,
    i: usize,
    r: &Resource,
    uncertain: bool,
) {
    match r.ty.as_str() {
        "AWS::IAM::Role" if r.generated_for.is_some() => {
            crate::sam::generated_role(ctx, acc, i, r, uncertain)
        }
        "AWS::IAM::Role" => role(ctx, acc, i, r, uncertain),
        "AWS::IAM::User" => user(ctx, acc, i, r, uncertain),
        "AWS::IAM::Group" => group(ctx, acc, i, r, uncertain),
        "AWS::IAM::ManagedPolicy" => managed_policy(ctx, acc, i, r, uncertain),
        "AWS::IAM::Policy" => policy(ctx, acc, r, uncertain),
        "AWS::IAM::RolePolicy" => {
            single_inline(ctx, acc, r, uncertain, "RoleName", PrincipalTarget::Role)
        }
        "AWS::IAM::UserPolicy" => {
            single_inline(ctx, acc, r, uncertain, "UserName", PrincipalTarget::User)
        }
        "AWS::IAM::GroupPolicy" => {
            single_inline(ctx, acc, r, uncertain, "GroupName", PrincipalTarget::Group)
        }
        "AWS::IAM::UserToGroupAddition" => user_to_group(ctx, acc, r, uncertain),
        "AWS::IAM::InstanceProfile" => instance_profile(ctx, acc, i, r, uncertain),
        _ => {}
    }
}

/// What principals have in common: inline policies, managed policies, a boundary. Parts that
/// depend on a condition become uncertain attachments of each of `targets` (the names the
/// principal may have).
pub(crate) struct Parts {
    pub(crate) inline: Vec<InlinePolicy>,
    pub(crate) attached: Vec<PolicyRef>,
    pub(crate) boundary: Option<PolicyRef>,
}

pub(crate) fn parts(
    ctx: &mut Ctx<'_>,
    acc: &mut Account,
    r: &Resource,
    targets: &[PrincipalTarget],
) -> Parts {
    let mut p = Parts {
        inline: Vec::new(),
        attached: Vec::new(),
        boundary: None,
    };
    if let Some(policies) = prop(ctx, r, "Policies") {
        let mut list = Vec::new();
        items(&policies, false, &mut list);
        for (item, conditional) in list {
            let Some(inline) = inline_policy(ctx, &item, &r.id) else {
                continue;
            };
            if conditional {
                let origin = inline.origin.clone();
                attach_possibly(acc, targets, &origin, &AttachedPolicy::Inline(inline));
            } else {
                p.inline.push(inline);
            }
        }
    }
    if let Some(arns) = prop(ctx, r, "ManagedPolicyArns") {
        for (arn, origin, conditional) in strings(ctx, &arns) {
            let pref = PolicyRef { arn, origin };
            if conditional {
                let origin = pref.origin.clone();
                attach_possibly(acc, targets, &origin, &AttachedPolicy::Managed(pref));
            } else {
                p.attached.push(pref);
            }
        }
    }
    if let Some(b) = prop(ctx, r, "PermissionsBoundary") {
        let mut found = strings(ctx, &b);
        if let [(arn, origin, false)] = found.as_slice() {
            p.boundary = Some(PolicyRef {
                arn: arn.clone(),
                origin: origin.clone(),
            });
        } else {
            for (arn, origin, _) in found.drain(..) {
                let policy = AttachedPolicy::Boundary(PolicyRef {
                    arn,
                    origin: origin.clone(),
                });
                attach_possibly(acc, targets, &origin, &policy);
            }
        }
    }
    p
}

/// A policy held only under a condition not known offline: an uncertain attachment to each
/// target.
fn attach_possibly(
    acc: &mut Account,
    targets: &[PrincipalTarget],
    origin: &Origin,
    policy: &AttachedPolicy,
) {
    for target in targets {
        acc.attachments.push(Attachment {
            target: target.clone(),
            origin: origin.clone(),
            policy: policy.clone(),
            uncertain: true,
        });
    }
}

/// One item of a `Policies` list: `{PolicyName, PolicyDocument}`.
fn inline_policy(ctx: &mut Ctx<'_>, item: &Node, owner: &str) -> Option<InlinePolicy> {
    match &item.kind {
        NodeKind::Object(_) => {}
        NodeKind::Unknown(reason) => {
            return Some(InlinePolicy {
                name: Str::hole(reason.clone()),
                document: unknown_document(ctx, reason, &item.origin),
                origin: item.origin.clone(),
            });
        }
        _ => {
            ctx.warn(
                Code::Shape,
                format!(
                    "an item of Policies of {owner} must be a mapping, found {}",
                    item.kind_name()
                ),
                &item.origin,
            );
            return None;
        }
    }
    let name = item
        .get("PolicyName")
        .and_then(|n| ctx.single_str(n))
        .unwrap_or_else(|| {
            ctx.warn(
                Code::Shape,
                format!("a policy of {owner} has no PolicyName"),
                &item.origin,
            );
            Str::hole(ctx.key_at(&format!("{owner}.PolicyName"), item.origin.range.start))
        });
    let document = match item.get("PolicyDocument") {
        Some(d) => policy_document(ctx, d),
        None => {
            ctx.warn(
                Code::Shape,
                format!("policy {name} of {owner} has no PolicyDocument (CloudFormation requires one); what it grants is not known"),
                &item.origin,
            );
            PolicyDocument::missing(
                &format!("the PolicyDocument of policy {name} of {owner}"),
                item.origin.clone(),
            )
        }
    };
    Some(InlinePolicy {
        name,
        document,
        origin: item.origin.clone(),
    })
}

pub(crate) fn unknown_document(ctx: &mut Ctx<'_>, reason: &str, origin: &Origin) -> PolicyDocument {
    let node = Node::new(NodeKind::Unknown(reason.into()), origin.clone());
    policy_document(ctx, &node)
}

fn tags(ctx: &mut Ctx<'_>, r: &Resource) -> Vec<Tag> {
    let Some(t) = prop(ctx, r, "Tags") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in t.items() {
        let (Some(k), Some(v)) = (item.get("Key"), item.get("Value")) else {
            continue;
        };
        if let (Some(key), Some(value)) = (ctx.single_str(k), ctx.single_str(v)) {
            out.push(Tag { key, value });
        }
    }
    out
}

fn role(ctx: &mut Ctx<'_>, acc: &mut Account, i: usize, r: &Resource, uncertain: bool) {
    let idents = ctx.idents(i);
    let trust = match prop(ctx, r, "AssumeRolePolicyDocument") {
        Some(d) => policy_document(ctx, &d),
        None => {
            ctx.warn(
                Code::Shape,
                format!(
                    "role {} has no AssumeRolePolicyDocument (CloudFormation requires one); whom it trusts is not known",
                    r.id
                ),
                &r.origin,
            );
            PolicyDocument::missing(
                &format!("the AssumeRolePolicyDocument of role {}", r.id),
                r.origin.clone(),
            )
        }
    };
    let targets: Vec<PrincipalTarget> = idents
        .iter()
        .map(|id| PrincipalTarget::Role(id.name.clone()))
        .collect();
    let p = parts(ctx, acc, r, &targets);
    let tags = tags(ctx, r);
    // One role per name it may have, each existing only possibly when there are several.
    let uncertain = uncertain || idents.len() > 1;
    for ident in idents {
        let arn = ctx.arn("role", &ident);
        acc.roles.push(Role {
            name: ident.name,
            path: ident.path,
            arn,
            trust: trust.clone(),
            inline: p.inline.clone(),
            attached: p.attached.clone(),
            boundary: p.boundary.clone(),
            tags: tags.clone(),
            uncertain,
            origin: r.origin.clone(),
        });
    }
}

fn user(ctx: &mut Ctx<'_>, acc: &mut Account, i: usize, r: &Resource, uncertain: bool) {
    let idents = ctx.idents(i);
    let targets: Vec<PrincipalTarget> = idents
        .iter()
        .map(|id| PrincipalTarget::User(id.name.clone()))
        .collect();
    let p = parts(ctx, acc, r, &targets);
    let mut groups = Vec::new();
    if let Some(g) = prop(ctx, r, "Groups") {
        for (group, origin, conditional) in strings(ctx, &g) {
            if conditional {
                for ident in &idents {
                    acc.memberships.push(Membership {
                        user: ident.name.clone(),
                        group: group.clone(),
                        uncertain: true,
                        origin: origin.clone(),
                    });
                }
            } else {
                groups.push(group);
            }
        }
    }
    let tags = tags(ctx, r);
    let uncertain = uncertain || idents.len() > 1;
    for ident in idents {
        let arn = ctx.arn("user", &ident);
        acc.users.push(User {
            name: ident.name,
            path: ident.path,
            arn,
            inline: p.inline.clone(),
            attached: p.attached.clone(),
            groups: groups.clone(),
            boundary: p.boundary.clone(),
            tags: tags.clone(),
            uncertain,
            origin: r.origin.clone(),
        });
    }
}

fn group(ctx: &mut Ctx<'_>, acc: &mut Account, i: usize, r: &Resource, uncertain: bool) {
    let idents = ctx.idents(i);
    let targets: Vec<PrincipalTarget> = idents
        .iter()
        .map(|id| PrincipalTarget::Group(id.name.clone()))
        .collect();
    let p = parts(ctx, acc, r, &targets);
    let uncertain = uncertain || idents.len() > 1;
    for ident in idents {
        let arn = ctx.arn("group", &ident);
        acc.groups.push(Group {
            name: ident.name,
            path: ident.path,
            arn,
            inline: p.inline.clone(),
            attached: p.attached.clone(),
            uncertain,
            origin: r.origin.clone(),
        });
    }
}

/// `Roles`, `Users` and `Groups` of a policy resource: the principals it is attached to.
fn targets(ctx: &mut Ctx<'_>, r: &Resource) -> Vec<(PrincipalTarget, Origin, bool)> {
    let mut out = Vec::new();
    for (prop_name, make) in [
        ("Roles", PrincipalTarget::Role as fn(Str) -> PrincipalTarget),
        ("Users", PrincipalTarget::User),
        ("Groups", PrincipalTarget::Group),
    ] {
        if let Some(list) = prop(ctx, r, prop_name) {
            for (name, origin, conditional) in strings(ctx, &list) {
                out.push((make(name), origin, conditional));
            }
        }
    }
    out
}

fn managed_policy(ctx: &mut Ctx<'_>, acc: &mut Account, i: usize, r: &Resource, uncertain: bool) {
    let idents = ctx.idents(i);
    let document = match prop(ctx, r, "PolicyDocument") {
        Some(d) => policy_document(ctx, &d),
        None => {
            ctx.warn(
                Code::Shape,
                format!("managed policy {} has no PolicyDocument (CloudFormation requires one); what it grants is not known", r.id),
                &r.origin,
            );
            PolicyDocument::missing(
                &format!("the PolicyDocument of managed policy {}", r.id),
                r.origin.clone(),
            )
        }
    };
    let targets = targets(ctx, r);
    let several = idents.len() > 1;
    for ident in idents {
        let arn = ctx.arn("policy", &ident);
        for (target, origin, conditional) in &targets {
            acc.attachments.push(Attachment {
                target: target.clone(),
                policy: AttachedPolicy::Managed(PolicyRef {
                    arn: arn.clone(),
                    origin: origin.clone(),
                }),
                uncertain: uncertain || several || *conditional,
                origin: origin.clone(),
            });
        }
        acc.policies.push(ManagedPolicy {
            name: ident.name,
            path: ident.path,
            arn,
            document: document.clone(),
            uncertain: uncertain || several,
            origin: r.origin.clone(),
        });
    }
}

fn named_document(ctx: &mut Ctx<'_>, r: &Resource) -> InlinePolicy {
    let name = prop(ctx, r, "PolicyName")
        .and_then(|n| ctx.single_str(&n))
        .unwrap_or_else(|| {
            ctx.warn(
                Code::Shape,
                format!("policy {} has no PolicyName", r.id),
                &r.origin,
            );
            Str::hole(ctx.key(&format!("{}.PolicyName", r.id)))
        });
    let document = match prop(ctx, r, "PolicyDocument") {
        Some(d) => policy_document(ctx, &d),
        None => {
            ctx.warn(
                Code::Shape,
                format!("policy {} has no PolicyDocument (CloudFormation requires one); what it grants is not known", r.id),
                &r.origin,
            );
            PolicyDocument::missing(
                &format!("the PolicyDocument of policy {}", r.id),
                r.origin.clone(),
            )
        }
    };
    InlinePolicy {
        name,
        document,
        origin: r.origin.clone(),
    }
}

fn policy(ctx: &mut Ctx<'_>, acc: &mut Account, r: &Resource, uncertain: bool) {
    let inline = named_document(ctx, r);
    let targets = targets(ctx, r);
    if targets.is_empty() {
        ctx.warn(
            Code::Shape,
            format!("policy {} is attached to no role, user or group", r.id),
            &r.origin,
        );
    }
    for (target, origin, conditional) in targets {
        acc.attachments.push(Attachment {
            target,
            policy: AttachedPolicy::Inline(inline.clone()),
            uncertain: uncertain || conditional,
            origin,
        });
    }
}

fn single_inline(
    ctx: &mut Ctx<'_>,
    acc: &mut Account,
    r: &Resource,
    uncertain: bool,
    owner_prop: &str,
    make: fn(Str) -> PrincipalTarget,
) {
    let inline = named_document(ctx, r);
    let Some(owner) = prop(ctx, r, owner_prop) else {
        ctx.warn(
            Code::Shape,
            format!("policy {} has no {owner_prop}", r.id),
            &r.origin,
        );
        return;
    };
    for (name, origin, conditional) in strings(ctx, &owner) {
        acc.attachments.push(Attachment {
            target: make(name),
            policy: AttachedPolicy::Inline(inline.clone()),
            uncertain: uncertain || conditional,
            origin,
        });
    }
}

fn user_to_group(ctx: &mut Ctx<'_>, acc: &mut Account, r: &Resource, uncertain: bool) {
    let groups = prop(ctx, r, "GroupName")
        .map(|g| strings(ctx, &g))
        .unwrap_or_default();
    let users = prop(ctx, r, "Users")
        .map(|u| strings(ctx, &u))
        .unwrap_or_default();
    if groups.is_empty() || users.is_empty() {
        ctx.warn(
            Code::Shape,
            format!("{} needs GroupName and Users", r.id),
            &r.origin,
        );
    }
    for (group, _, g_conditional) in &groups {
        for (user, origin, u_conditional) in &users {
            acc.memberships.push(Membership {
                user: user.clone(),
                group: group.clone(),
                uncertain: uncertain || *g_conditional || *u_conditional,
                origin: origin.clone(),
            });
        }
    }
}

fn instance_profile(ctx: &mut Ctx<'_>, acc: &mut Account, i: usize, r: &Resource, uncertain: bool) {
    let idents = ctx.idents(i);
    let roles = prop(ctx, r, "Roles")
        .map(|l| strings(ctx, &l))
        .unwrap_or_default();
    if roles.is_empty() {
        ctx.warn(
            Code::Shape,
            format!("instance profile {} holds no role", r.id),
            &r.origin,
        );
    }
    let roles: Vec<Str> = roles.into_iter().map(|(s, _, _)| s).collect();
    let uncertain = uncertain || idents.len() > 1;
    for ident in idents {
        let arn = ctx.arn("instance-profile", &ident);
        acc.instance_profiles.push(InstanceProfile {
            name: ident.name,
            path: ident.path,
            arn,
            roles: roles.clone(),
            uncertain,
            origin: r.origin.clone(),
        });
    }
}
