//! From resource instances to the account model: one function per IAM resource type, and one
//! table for the resources that hand a role to a service.

use std::collections::HashSet;

use passgraph_model::{
    Account, AttachedPolicy, Attachment, Code, Diagnostic, EntityKind, Group, InlinePolicy,
    InstanceProfile, ManagedPolicy, Membership, Node, NodeKind, PolicyDocument, PolicyRef,
    PrincipalTarget, Removal, Role, RoleTarget, RoleUse, Str, Tag, User,
};

use crate::json::Kind;
use crate::plan::{Action, Instance, Reader};
use crate::resolve::{Cursor, Field, Scope, State, Want};

/// How a role-taking resource names the role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// A role ARN (or name).
    Role,
    /// An instance profile name or ARN.
    InstanceProfile,
}

/// A resource attribute that hands a role to a service.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RoleUseSpec {
    /// The resource type.
    pub(crate) resource_type: &'static str,
    /// The attribute path; blocks on the way are lists, every element is visited.
    pub(crate) path: &'static [&'static str],
    /// The service principal that assumes the role.
    pub(crate) service: &'static str,
    /// What the attribute names.
    pub(crate) target: Target,
}

const fn use_of(
    resource_type: &'static str,
    path: &'static [&'static str],
    service: &'static str,
    target: Target,
) -> RoleUseSpec {
    RoleUseSpec {
        resource_type,
        path,
        service,
        target,
    }
}

/// Every role-taking resource attribute the reader knows (sources: semantics.md §3, §4.6).
pub(crate) const ROLE_USES: &[RoleUseSpec] = &[
    use_of(
        "aws_api_gateway_account",
        &["cloudwatch_role_arn"],
        "apigateway.amazonaws.com",
        Target::Role,
    ),
    use_of(
        "aws_cloudformation_stack",
        &["iam_role_arn"],
        "cloudformation.amazonaws.com",
        Target::Role,
    ),
    use_of(
        "aws_cloudwatch_event_target",
        &["role_arn"],
        "events.amazonaws.com",
        Target::Role,
    ),
    use_of(
        "aws_codebuild_project",
        &["service_role"],
        "codebuild.amazonaws.com",
        Target::Role,
    ),
    use_of(
        "aws_codepipeline",
        &["role_arn"],
        "codepipeline.amazonaws.com",
        Target::Role,
    ),
    use_of(
        "aws_config_configuration_recorder",
        &["role_arn"],
        "config.amazonaws.com",
        Target::Role,
    ),
    use_of(
        "aws_db_instance",
        &["monitoring_role_arn"],
        "monitoring.rds.amazonaws.com",
        Target::Role,
    ),
    use_of(
        "aws_ecs_task_definition",
        &["execution_role_arn"],
        "ecs-tasks.amazonaws.com",
        Target::Role,
    ),
    use_of(
        "aws_ecs_task_definition",
        &["task_role_arn"],
        "ecs-tasks.amazonaws.com",
        Target::Role,
    ),
    use_of(
        "aws_eks_cluster",
        &["role_arn"],
        "eks.amazonaws.com",
        Target::Role,
    ),
    use_of(
        "aws_eks_node_group",
        &["node_role_arn"],
        "ec2.amazonaws.com",
        Target::Role,
    ),
    use_of(
        "aws_glue_job",
        &["role_arn"],
        "glue.amazonaws.com",
        Target::Role,
    ),
    use_of(
        "aws_instance",
        &["iam_instance_profile"],
        "ec2.amazonaws.com",
        Target::InstanceProfile,
    ),
    use_of(
        "aws_lambda_function",
        &["role"],
        "lambda.amazonaws.com",
        Target::Role,
    ),
    use_of(
        "aws_launch_configuration",
        &["iam_instance_profile"],
        "ec2.amazonaws.com",
        Target::InstanceProfile,
    ),
    use_of(
        "aws_launch_template",
        &["iam_instance_profile", "arn"],
        "ec2.amazonaws.com",
        Target::InstanceProfile,
    ),
    use_of(
        "aws_launch_template",
        &["iam_instance_profile", "name"],
        "ec2.amazonaws.com",
        Target::InstanceProfile,
    ),
    use_of(
        "aws_pipes_pipe",
        &["role_arn"],
        "pipes.amazonaws.com",
        Target::Role,
    ),
    use_of(
        "aws_sagemaker_notebook_instance",
        &["role_arn"],
        "sagemaker.amazonaws.com",
        Target::Role,
    ),
    use_of(
        "aws_scheduler_schedule",
        &["target", "role_arn"],
        "scheduler.amazonaws.com",
        Target::Role,
    ),
    use_of(
        "aws_sfn_state_machine",
        &["role_arn"],
        "states.amazonaws.com",
        Target::Role,
    ),
];

/// The resource types whose deletion removes an entity, and the entity kind.
fn entity_kind(rtype: &str) -> Option<EntityKind> {
    Some(match rtype {
        "aws_iam_user" => EntityKind::User,
        "aws_iam_group" => EntityKind::Group,
        "aws_iam_role" => EntityKind::Role,
        "aws_iam_policy" => EntityKind::Policy,
        "aws_iam_instance_profile" => EntityKind::InstanceProfile,
        _ => return None,
    })
}

/// Relation resources (their deletion is not modelled).
fn is_relation(rtype: &str) -> bool {
    rtype.starts_with("aws_iam_")
        && (rtype.contains("policy_attachment")
            || rtype.contains("membership")
            || rtype.ends_with("_policy")
            || rtype.ends_with("_exclusive"))
        && rtype != "aws_iam_policy"
}

fn top<'a>(inst: &Instance<'a>, expressions: Option<crate::json::Val<'a>>) -> Field<'a> {
    Field {
        cur: Cursor::of(inst),
        expr: expressions,
        range: inst.addr_range,
    }
}

impl<'a> Reader<'a> {
    /// Builds the account from every instance.
    pub(crate) fn build(&mut self) -> Account {
        let mut account = Account::default();
        for i in 0..self.insts.len() {
            // Most of a large plan is neither IAM nor a role-taking resource: skip it before
            // cloning anything.
            if !self
                .insts
                .get(i)
                .is_some_and(|x| !x.data && mapped(&x.rtype))
            {
                continue;
            }
            let Some(inst) = self.insts.get(i).cloned() else {
                continue;
            };
            self.build_one(&inst, &mut account);
        }
        self.removals(&mut account);
        account
    }

    fn build_one(&mut self, inst: &Instance<'a>, account: &mut Account) {
        let expressions = self.config_of(inst).and_then(|c| c.get("expressions"));
        let f = top(inst, expressions);
        let scope = Scope::of(inst);
        let origin = self.origin(inst.addr_range, &inst.address);
        match inst.rtype.as_str() {
            "aws_iam_user" => {
                let user = User {
                    name: self.name_of(inst, 0),
                    path: self.path_of(inst, 0),
                    arn: self.arn_of(inst, 0),
                    inline: Vec::new(),
                    attached: Vec::new(),
                    groups: Vec::new(),
                    boundary: self.policy_ref(
                        &f.field("permissions_boundary"),
                        &scope,
                        "permissions_boundary",
                    ),
                    tags: self.tags(&f, &scope),
                    uncertain: false,
                    origin,
                };
                account.users.push(user);
            }
            "aws_iam_group" => {
                let group = Group {
                    name: self.name_of(inst, 0),
                    path: self.path_of(inst, 0),
                    arn: self.arn_of(inst, 0),
                    inline: Vec::new(),
                    attached: Vec::new(),
                    uncertain: false,
                    origin,
                };
                account.groups.push(group);
            }
            "aws_iam_role" => {
                let role = self.role(inst, &f, &scope, origin);
                account.roles.push(role);
            }
            "aws_iam_policy" => {
                let document = self.policy_document(&f.field("policy"), &scope, "policy");
                let policy = ManagedPolicy {
                    name: self.name_of(inst, 0),
                    path: self.path_of(inst, 0),
                    arn: self.arn_of(inst, 0),
                    document,
                    uncertain: false,
                    origin,
                };
                account.policies.push(policy);
            }
            "aws_iam_instance_profile" => {
                let roles = self
                    .principal_name(&f.field("role"), &scope, "role")
                    .into_iter()
                    .collect();
                let profile = InstanceProfile {
                    name: self.name_of(inst, 0),
                    path: self.path_of(inst, 0),
                    arn: self.arn_of(inst, 0),
                    roles,
                    uncertain: false,
                    origin,
                };
                account.instance_profiles.push(profile);
            }
            "aws_iam_role_policy" | "aws_iam_user_policy" | "aws_iam_group_policy" => {
                let attr = inst
                    .rtype
                    .trim_start_matches("aws_iam_")
                    .trim_end_matches("_policy");
                let Some(target) = self.principal_name(&f.field(attr), &scope, attr) else {
                    return;
                };
                let document = self.policy_document(&f.field("policy"), &scope, "policy");
                let name = self.name_of(inst, 0);
                let policy = AttachedPolicy::Inline(InlinePolicy {
                    name,
                    document,
                    origin: origin.clone(),
                });
                account.attachments.push(Attachment {
                    target: principal(attr, target),
                    policy,
                    uncertain: false,
                    origin,
                });
            }
            "aws_iam_role_policy_attachment"
            | "aws_iam_user_policy_attachment"
            | "aws_iam_group_policy_attachment" => {
                let attr = inst
                    .rtype
                    .trim_start_matches("aws_iam_")
                    .trim_end_matches("_policy_attachment");
                let Some(target) = self.principal_name(&f.field(attr), &scope, attr) else {
                    return;
                };
                let Some(policy) = self.policy_ref(&f.field("policy_arn"), &scope, "policy_arn")
                else {
                    return;
                };
                account.attachments.push(Attachment {
                    target: principal(attr, target),
                    policy: AttachedPolicy::Managed(policy),
                    uncertain: false,
                    origin,
                });
            }
            "aws_iam_role_policy_attachments_exclusive"
            | "aws_iam_user_policy_attachments_exclusive"
            | "aws_iam_group_policy_attachments_exclusive" => {
                let kind = inst
                    .rtype
                    .trim_start_matches("aws_iam_")
                    .trim_end_matches("_policy_attachments_exclusive");
                let attr = format!("{kind}_name");
                let Some(target) = self.principal_name(&f.field(&attr), &scope, &attr) else {
                    return;
                };
                let arns_field = f.field("policy_arns");
                for arn in self.strings(&arns_field, &scope, Want::Arn, "policy_arns") {
                    let policy = PolicyRef {
                        arn,
                        origin: self.origin(arns_field.range, &inst.address),
                    };
                    account.attachments.push(Attachment {
                        target: principal(kind, target.clone()),
                        policy: AttachedPolicy::Managed(policy),
                        uncertain: false,
                        origin: origin.clone(),
                    });
                }
            }
            "aws_iam_policy_attachment" => {
                let Some(policy) = self.policy_ref(&f.field("policy_arn"), &scope, "policy_arn")
                else {
                    return;
                };
                for (attr, kind) in [("users", "user"), ("groups", "group"), ("roles", "role")] {
                    for name in self.names(&f.field(attr), &scope, attr) {
                        account.attachments.push(Attachment {
                            target: principal(kind, name),
                            policy: AttachedPolicy::Managed(policy.clone()),
                            uncertain: false,
                            origin: origin.clone(),
                        });
                    }
                }
            }
            "aws_iam_group_membership" => {
                let Some(group) = self.principal_name(&f.field("group"), &scope, "group") else {
                    return;
                };
                for user in self.names(&f.field("users"), &scope, "users") {
                    account.memberships.push(Membership {
                        user,
                        group: group.clone(),
                        uncertain: false,
                        origin: origin.clone(),
                    });
                }
            }
            "aws_iam_user_group_membership" => {
                let Some(user) = self.principal_name(&f.field("user"), &scope, "user") else {
                    return;
                };
                for group in self.names(&f.field("groups"), &scope, "groups") {
                    account.memberships.push(Membership {
                        user: user.clone(),
                        group,
                        uncertain: false,
                        origin: origin.clone(),
                    });
                }
            }
            _ => {}
        }
        for spec in ROLE_USES.iter().filter(|s| s.resource_type == inst.rtype) {
            self.role_use(inst, spec, &f, &scope, account);
        }
    }

    fn role(
        &mut self,
        inst: &Instance<'a>,
        f: &Field<'a>,
        scope: &Scope,
        origin: passgraph_model::Origin,
    ) -> Role {
        let trust_field = f.field("assume_role_policy");
        let trust = match self.document(&trust_field, scope, "assume_role_policy") {
            Some(node) => self.read_doc(&node),
            None => {
                let o = self.origin(trust_field.range, &inst.address);
                let why = format!("{}: the plan has no assume_role_policy", inst.address);
                self.read_doc(&Node::new(NodeKind::Unknown(why.into()), o))
            }
        };
        // `inline_policy` and `managed_policy_arns` are computed: in a plan they may show what
        // AWS has even when the configuration does not set them, so they count only when the
        // configuration sets them (or when the plan has no configuration at all).
        let configured = |name: &str| f.expr.is_none_or(|e| e.get(name).is_some());
        let mut inline = Vec::new();
        if configured("inline_policy") {
            let field = f.field("inline_policy");
            if matches!(field.cur.state(), State::Unknown) {
                // Configured inline policies, all known only after apply: one unknown policy
                // stands for them.
                let o = self.origin(field.range, &inst.address);
                let why = format!("{}.inline_policy is known only after apply", inst.address);
                let document = self.read_doc(&Node::new(NodeKind::Unknown(why.into()), o.clone()));
                let name = Str::hole(format!("{}.inline_policy", inst.address));
                inline.push(passgraph_model::InlinePolicy {
                    name,
                    document,
                    origin: o,
                });
            }
            for block in field.items() {
                let Some(node) =
                    self.document(&block.field("policy"), scope, "inline_policy.policy")
                else {
                    continue;
                };
                let name = self
                    .string(&block.field("name"), scope, Want::Any, "inline_policy.name")
                    .unwrap_or_default();
                let document = self.read_doc(&node);
                inline.push(passgraph_model::InlinePolicy {
                    name,
                    document,
                    origin: self.origin(block.range, &inst.address),
                });
            }
        }
        let mut attached = Vec::new();
        if configured("managed_policy_arns") {
            let field = f.field("managed_policy_arns");
            for arn in self.strings(&field, scope, Want::Arn, "managed_policy_arns") {
                attached.push(PolicyRef {
                    arn,
                    origin: self.origin(field.range, &inst.address),
                });
            }
        }
        Role {
            name: self.name_of(inst, 0),
            path: self.path_of(inst, 0),
            arn: self.arn_of(inst, 0),
            trust,
            inline,
            attached,
            boundary: self.policy_ref(
                &f.field("permissions_boundary"),
                scope,
                "permissions_boundary",
            ),
            tags: self.tags(f, scope),
            uncertain: false,
            origin,
        }
    }

    fn read_doc(&mut self, node: &Node) -> PolicyDocument {
        let (doc, diags) = PolicyDocument::from_node(node);
        self.diags.extend(diags);
        doc
    }

    /// A policy document argument, or an empty document when the argument is null (the
    /// provider requires it, so this happens only in hand-written plans).
    fn policy_document(&mut self, f: &Field<'a>, scope: &Scope, what: &str) -> PolicyDocument {
        match self.document(f, scope, what) {
            Some(node) => self.read_doc(&node),
            None => {
                let o = self.origin(f.range, &scope.owner);
                let why = format!("{}: the plan has no {what}", scope.owner);
                self.read_doc(&Node::new(NodeKind::Unknown(why.into()), o))
            }
        }
    }

    fn policy_ref(&mut self, f: &Field<'a>, scope: &Scope, what: &str) -> Option<PolicyRef> {
        let arn = self
            .string(f, scope, Want::Arn, what)
            .filter(|s| !s.is_empty())?;
        Some(PolicyRef {
            arn,
            origin: self.origin(f.range, &scope.owner),
        })
    }

    /// A user, group or role named by an argument that AWS expects to be a name; an ARN given
    /// instead is reduced to its last path segment, with a diagnostic.
    fn principal_name(&mut self, f: &Field<'a>, scope: &Scope, what: &str) -> Option<Str> {
        let s = self
            .string(f, scope, Want::Name, what)
            .filter(|s| !s.is_empty())?;
        Some(self.arn_to_name(s, f, scope, what))
    }

    fn names(&mut self, f: &Field<'a>, scope: &Scope, what: &str) -> Vec<Str> {
        let list = self.strings(f, scope, Want::Name, what);
        list.into_iter()
            .filter(|s| !s.is_empty())
            .map(|s| self.arn_to_name(s, f, scope, what))
            .collect()
    }

    fn arn_to_name(&mut self, s: Str, f: &Field<'a>, scope: &Scope, what: &str) -> Str {
        if s.starts_with("arn:") && s.is_known() {
            self.diags.push(Diagnostic::warning(
                Code::Shape,
                format!(
                    "{}: {what} is an ARN where IAM expects a name; its last path segment is used",
                    scope.owner
                ),
                Some(self.origin(f.range, &scope.owner)),
            ));
            return s.last_segment("/");
        }
        s
    }

    fn tags(&mut self, f: &Field<'a>, scope: &Scope) -> Vec<Tag> {
        let all = f.field("tags_all");
        let field = if matches!(all.cur.state(), State::Known(v) if v.kind() == Kind::Object) {
            all
        } else {
            f.field("tags")
        };
        let State::Known(v) = field.cur.state() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, _) in v.entries() {
            let key = k.text().into_owned();
            let value = self
                .string(&field.field(&key), scope, Want::Any, &format!("tags.{key}"))
                .unwrap_or_default();
            out.push(Tag {
                key: Str::lit(key),
                value,
            });
        }
        out
    }

    fn role_use(
        &mut self,
        inst: &Instance<'a>,
        spec: &RoleUseSpec,
        f: &Field<'a>,
        scope: &Scope,
        account: &mut Account,
    ) {
        if inst.rtype == "aws_db_instance" {
            // The monitoring role is passed only when enhanced monitoring is on.
            if let State::Known(v) = f.field("monitoring_interval").cur.state()
                && v.as_number()
                    .is_some_and(|n| n.parse::<f64>().is_ok_and(|n| n == 0.0))
            {
                return;
            }
        }
        let mut fields = vec![*f];
        let (last, blocks) = match spec.path.split_last() {
            Some(x) => x,
            None => return,
        };
        for b in blocks {
            fields = fields.iter().flat_map(|x| x.field(b).items()).collect();
        }
        for field in fields {
            let leaf = field.field(last);
            // An optional and computed argument that the configuration does not set is what
            // AWS computes (an instance without a profile): not a role handed over.
            if blocks.is_empty()
                && f.expr.is_some()
                && leaf.expr.is_none()
                && matches!(leaf.cur.state(), State::Unknown)
            {
                continue;
            }
            let want = if last.ends_with("arn") || spec.target == Target::Role {
                Want::Arn
            } else {
                Want::Name
            };
            let Some(value) = self
                .string(&leaf, scope, want, &spec.path.join("."))
                .filter(|s| !s.is_empty())
            else {
                continue;
            };
            let target = match spec.target {
                Target::Role => RoleTarget::Role(value),
                Target::InstanceProfile => RoleTarget::InstanceProfile(value),
            };
            account.role_uses.push(RoleUse {
                resource: inst.address.to_string(),
                resource_type: inst.rtype.clone(),
                attribute: spec.path.join("."),
                service: spec.service.to_owned(),
                target,
                uncertain: false,
                origin: self.origin(leaf.range, &inst.address),
            });
        }
    }

    /// Removals: entities the plan deletes (or replaces under another name) that no live
    /// instance of the plan still defines.
    fn removals(&mut self, account: &mut Account) {
        self.relation_removals(account);
        let mut live: HashSet<(EntityKind, Str)> = HashSet::new();
        for u in &account.users {
            live.insert((EntityKind::User, u.name.clone()));
        }
        for g in &account.groups {
            live.insert((EntityKind::Group, g.name.clone()));
        }
        for r in &account.roles {
            live.insert((EntityKind::Role, r.name.clone()));
        }
        for p in &account.policies {
            live.insert((EntityKind::Policy, p.arn.clone()));
        }
        for p in &account.instance_profiles {
            live.insert((EntityKind::InstanceProfile, p.name.clone()));
        }
        let mut gone: Vec<(Instance<'a>, bool)> =
            self.deleted.iter().cloned().map(|d| (d, true)).collect();
        gone.extend(
            self.insts
                .iter()
                .filter(|i| i.action == Action::Replace && !i.data && i.before.is_some())
                .cloned()
                .map(|i| (i, false)),
        );
        let mut seen: HashSet<(EntityKind, Str)> = HashSet::new();
        for (mut inst, deleted) in gone {
            if !deleted {
                // A replaced instance: its old identity, from `before`.
                inst.values = inst.before;
                inst.unknown = None;
                inst.sensitive = None;
            }
            // Relations are taken away by `relation_removals` (the `delta` module).
            let Some(kind) = entity_kind(&inst.rtype) else {
                continue;
            };
            let name = if kind == EntityKind::Policy {
                self.arn_of(&inst, 0)
            } else {
                self.name_of(&inst, 0)
            };
            if live.contains(&(kind, name.clone())) || !seen.insert((kind, name.clone())) {
                continue;
            }
            account.removals.push(Removal {
                kind,
                name,
                origin: self.origin(inst.addr_range, &inst.address),
            });
        }
    }
}

/// True for the resource types this module maps.
fn mapped(rtype: &str) -> bool {
    entity_kind(rtype).is_some()
        || is_relation(rtype)
        || ROLE_USES.iter().any(|s| s.resource_type == rtype)
}

fn principal(kind: &str, name: Str) -> PrincipalTarget {
    match kind {
        "user" => PrincipalTarget::User(name),
        "group" => PrincipalTarget::Group(name),
        _ => PrincipalTarget::Role(name),
    }
}
