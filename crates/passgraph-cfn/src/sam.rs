//! SAM (`Transform: AWS::Serverless-2016-10-31`): the execution role that SAM generates for a
//! serverless function or state machine without `Role`.
//!
//! SAM's translator is not run; its output for roles is modelled instead, as
//! `samtranslator` writes it: a role with logical id `<Id>Role` and a generated name, trusting
//! `lambda.amazonaws.com` (or `states.amazonaws.com`), with `AWSLambdaBasicExecutionRole`
//! attached to functions (plus the X-Ray and VPC policies when `Tracing: Active` / `VpcConfig`
//! are set), and the function's `Policies`: AWS managed policy names or ARNs, inline documents,
//! and SAM policy templates ([`POLICY_TEMPLATES`]). The function hands the role to its service.

use passgraph_model::{
    Account, AttachedPolicy, Attachment, Code, InlinePolicy, Level, Node, NodeKind, Origin,
    PolicyRef, PrincipalTarget, Role, RoleTarget, RoleUse, Str,
};

use crate::doc::policy_document;
use crate::iam::{items, unknown_document};
use crate::resolve::Ctx;
use crate::template::Resource;

mod data;

use data::{MANAGED_PATHS, POLICY_TEMPLATES, TemplateStatement};

/// The ARN of an AWS managed policy named as SAM allows: a bare name or an ARN.
fn managed_arn(ctx: &Ctx<'_>, s: Str) -> Str {
    let Some(name) = s.as_known() else { return s };
    if name.starts_with("arn:") {
        return s;
    }
    let path = MANAGED_PATHS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, p)| *p);
    ctx.aws_managed_arn(&format!("{path}{name}"))
}

fn string(s: &str, o: &Origin) -> Node {
    Node::new(NodeKind::String(Str::lit(s)), o.clone())
}

fn object(entries: Vec<(&str, Node)>, o: &Origin) -> Node {
    Node::new(
        NodeKind::Object(
            entries
                .into_iter()
                .map(|(k, v)| (Str::lit(k), o.clone(), v))
                .collect(),
        ),
        o.clone(),
    )
}

/// The document of a SAM policy template, before resolution: `Fn::Sub` over its parameters.
fn template_document(statements: &[TemplateStatement], params: &Node, o: &Origin) -> Node {
    let params = match params.kind {
        NodeKind::Object(_) => params.clone(),
        _ => Node::new(NodeKind::Object(Vec::new()), o.clone()),
    };
    let statements = statements
        .iter()
        .map(|(actions, resources)| {
            let actions = Node::new(
                NodeKind::Array(actions.iter().map(|a| string(a, o)).collect()),
                o.clone(),
            );
            let resources = resources
                .iter()
                .map(|r| {
                    let sub = Node::new(
                        NodeKind::Array(vec![string(r, o), params.clone()]),
                        o.clone(),
                    );
                    object(vec![("Fn::Sub", sub)], o)
                })
                .collect();
            object(
                vec![
                    ("Effect", string("Allow", o)),
                    ("Action", actions),
                    ("Resource", Node::new(NodeKind::Array(resources), o.clone())),
                ],
                o,
            )
        })
        .collect();
    object(
        vec![
            ("Version", string("2012-10-17", o)),
            (
                "Statement",
                Node::new(NodeKind::Array(statements), o.clone()),
            ),
        ],
        o,
    )
}

fn trust_document(service: &str, o: &Origin) -> Node {
    let principal = object(
        vec![(
            "Service",
            Node::new(NodeKind::Array(vec![string(service, o)]), o.clone()),
        )],
        o,
    );
    let statement = object(
        vec![
            ("Effect", string("Allow", o)),
            ("Principal", principal),
            (
                "Action",
                Node::new(
                    NodeKind::Array(vec![string("sts:AssumeRole", o)]),
                    o.clone(),
                ),
            ),
        ],
        o,
    );
    object(
        vec![
            ("Version", string("2012-10-17", o)),
            (
                "Statement",
                Node::new(NodeKind::Array(vec![statement]), o.clone()),
            ),
        ],
        o,
    )
}

/// A resolved property of the serverless resource a role is generated for.
fn fprop(ctx: &mut Ctx<'_>, f: &Resource, name: &str) -> Option<Node> {
    let node = f.props.as_ref()?.get(name)?.clone();
    ctx.resolve(&node)
}

/// The role SAM generates for a function or state machine, and its use.
pub(crate) fn generated_role(
    ctx: &mut Ctx<'_>,
    acc: &mut Account,
    i: usize,
    r: &Resource,
    uncertain: bool,
) {
    let Some(f) = r
        .generated_for
        .and_then(|fi| ctx.tpl.resources.get(fi))
        .cloned()
    else {
        return;
    };
    let function = f.ty == "AWS::Serverless::Function";
    let service = if function {
        "lambda.amazonaws.com"
    } else {
        "states.amazonaws.com"
    };
    let o = f.origin.clone();
    // SAM generates the name: it has exactly one (a hole).
    let Some(ident) = ctx.idents(i).into_iter().next() else {
        return;
    };
    let arn = ctx.arn("role", &ident);
    let trust_node =
        fprop(ctx, &f, "AssumeRolePolicyDocument").unwrap_or_else(|| trust_document(service, &o));
    let trust = policy_document(ctx, &trust_node);
    let target = PrincipalTarget::Role(ident.name.clone());
    let mut attached = Vec::new();
    if function {
        attached.push(PolicyRef {
            arn: ctx.aws_managed_arn("service-role/AWSLambdaBasicExecutionRole"),
            origin: o.clone(),
        });
        if let Some(t) = fprop(ctx, &f, "Tracing")
            && ctx.alts(&t).iter().any(|s| s.as_known() == Some("Active"))
        {
            attached.push(PolicyRef {
                arn: ctx.aws_managed_arn("AWSXrayWriteOnlyAccess"),
                origin: t.origin.clone(),
            });
        }
        if let Some(v) = fprop(ctx, &f, "VpcConfig") {
            attached.push(PolicyRef {
                arn: ctx.aws_managed_arn("service-role/AWSLambdaVPCAccessExecutionRole"),
                origin: v.origin.clone(),
            });
        }
    }
    let mut inline = Vec::new();
    if let Some(policies) = fprop(ctx, &f, "Policies") {
        let mut list = Vec::new();
        items(&policies, false, &mut list);
        for (n, (item, conditional)) in list.into_iter().enumerate() {
            let policy_name = format!("{}RolePolicy{n}", f.id);
            match sam_policy(ctx, &item, &policy_name) {
                Some(SamPolicy::Managed(pref)) if conditional => acc.attachments.push(Attachment {
                    target: target.clone(),
                    origin: pref.origin.clone(),
                    policy: AttachedPolicy::Managed(pref),
                    uncertain: true,
                }),
                Some(SamPolicy::Managed(pref)) => attached.push(pref),
                Some(SamPolicy::Inline(p)) if conditional => acc.attachments.push(Attachment {
                    target: target.clone(),
                    origin: p.origin.clone(),
                    policy: AttachedPolicy::Inline(p),
                    uncertain: true,
                }),
                Some(SamPolicy::Inline(p)) => inline.push(p),
                None => {}
            }
        }
    }
    let boundary = fprop(ctx, &f, "PermissionsBoundary").and_then(|b| {
        ctx.single_str(&b).map(|arn| PolicyRef {
            arn,
            origin: b.origin.clone(),
        })
    });
    acc.roles.push(Role {
        name: ident.name,
        path: ident.path,
        arn: arn.clone(),
        trust,
        inline,
        attached,
        boundary,
        tags: Vec::new(),
        uncertain,
        origin: o.clone(),
    });
    acc.role_uses.push(RoleUse {
        resource: f.id.clone(),
        resource_type: f.ty.clone(),
        attribute: "Role".to_owned(),
        service: service.to_owned(),
        target: RoleTarget::Role(arn),
        uncertain,
        origin: o,
    });
}

enum SamPolicy {
    Managed(PolicyRef),
    Inline(InlinePolicy),
}

/// One item of SAM `Policies`.
fn sam_policy(ctx: &mut Ctx<'_>, item: &Node, name: &str) -> Option<SamPolicy> {
    let o = item.origin.clone();
    match &item.kind {
        NodeKind::String(s) => Some(SamPolicy::Managed(PolicyRef {
            arn: managed_arn(ctx, s.clone()),
            origin: o,
        })),
        NodeKind::Unknown(reason) => Some(SamPolicy::Managed(PolicyRef {
            arn: Str::hole(reason.clone()),
            origin: o,
        })),
        NodeKind::Object(_) if item.get("Statement").is_some() => {
            Some(SamPolicy::Inline(InlinePolicy {
                name: Str::lit(name),
                document: policy_document(ctx, item),
                origin: o,
            }))
        }
        NodeKind::Object(entries) => {
            let [(template, ko, params)] = entries.as_slice() else {
                ctx.warn(Code::Shape, "an item of Policies must be a policy name, a document or one SAM policy template".to_owned(), &o);
                return None;
            };
            let template_name = template.to_string();
            let document = match POLICY_TEMPLATES.iter().find(|(n, _)| *n == template_name) {
                Some((_, statements)) => {
                    let raw = template_document(statements, params, ko);
                    let resolved = ctx.resolve(&raw).unwrap_or(raw);
                    policy_document(ctx, &resolved)
                }
                None => {
                    ctx.once(
                        &format!("sam-template:{template_name}"),
                        Level::Warning,
                        Code::UnknownPolicy,
                        format!("SAM policy template {template_name} is not modelled; its document is unknown"),
                        ko,
                    );
                    unknown_document(ctx, &format!("sam:{template_name}"), ko)
                }
            };
            Some(SamPolicy::Inline(InlinePolicy {
                name: Str::lit(name),
                document,
                origin: o,
            }))
        }
        _ => {
            ctx.warn(Code::Shape, format!("an item of Policies must be a policy name, a document or a SAM policy template, found {}", item.kind_name()), &o);
            None
        }
    }
}

/// A function with `Role` ignores `Policies`: say so, as SAM does not.
pub(crate) fn ignored_policies(ctx: &mut Ctx<'_>, r: &Resource) {
    if !matches!(
        r.ty.as_str(),
        "AWS::Serverless::Function" | "AWS::Serverless::StateMachine"
    ) {
        return;
    }
    let Some(props) = &r.props else { return };
    if let (Some(_), Some(p)) = (props.get("Role"), props.get("Policies")) {
        let origin = p.origin.clone();
        ctx.diags.push(passgraph_model::Diagnostic::note(
            Code::Shape,
            format!("{} sets Role, so SAM ignores its Policies", r.id),
            Some(origin),
        ));
    }
}
