//! The account model: what an AWS account contains, as far as PassRole is concerned.
//!
//! Parsers fill an [`Account`] with entities and relations. Relations (memberships, attachments,
//! role uses) name their ends by IAM name or ARN, possibly symbolic; the graph resolves them.
//! Memberships, attachments and inline policies have an identity ([`crate::relation`]) by which
//! an input laid over another ([`Account::overlay`]) replaces and removes them.
//! Entities that exist only under a condition not known offline have `uncertain` set.

use crate::diag::{Code, Diagnostic};
use crate::policy::{ActionSpec, PolicyDocument, ResourceSpec};
use crate::relation::{
    Candidate, Entities, Kind, Relation, RelationRemoval, RelationScope, Removals, Who, norm,
    target_key,
};
use crate::span::Origin;
use crate::tri::Tri;
use crate::value::Str;

/// A tag on a user or role.
#[derive(Clone, Debug, PartialEq)]
pub struct Tag {
    /// Key.
    pub key: Str,
    /// Value.
    pub value: Str,
}

/// A reference to a managed policy by ARN.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyRef {
    /// The policy ARN, possibly symbolic (`arn:aws:iam::${aws:account}:policy/deploy`).
    pub arn: Str,
    /// Where the reference is written.
    pub origin: Origin,
}

/// An inline policy.
#[derive(Clone, Debug, PartialEq)]
pub struct InlinePolicy {
    /// Name.
    pub name: Str,
    /// Document.
    pub document: PolicyDocument,
    /// Where the policy is defined.
    pub origin: Origin,
}

/// An IAM user.
#[derive(Clone, Debug, PartialEq)]
pub struct User {
    /// Name (without path).
    pub name: Str,
    /// Path, `/` by default.
    pub path: Str,
    /// ARN.
    pub arn: Str,
    /// Inline policies.
    pub inline: Vec<InlinePolicy>,
    /// Attached managed policies.
    pub attached: Vec<PolicyRef>,
    /// Names of the groups the user is in.
    pub groups: Vec<Str>,
    /// Permissions boundary.
    pub boundary: Option<PolicyRef>,
    /// Tags.
    pub tags: Vec<Tag>,
    /// Exists only possibly.
    pub uncertain: bool,
    /// Where it is defined.
    pub origin: Origin,
}

/// An IAM group.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// Name.
    pub name: Str,
    /// Path.
    pub path: Str,
    /// ARN.
    pub arn: Str,
    /// Inline policies.
    pub inline: Vec<InlinePolicy>,
    /// Attached managed policies.
    pub attached: Vec<PolicyRef>,
    /// Exists only possibly.
    pub uncertain: bool,
    /// Where it is defined.
    pub origin: Origin,
}

/// An IAM role.
#[derive(Clone, Debug, PartialEq)]
pub struct Role {
    /// Name (without path); a hole when the name is generated at apply.
    pub name: Str,
    /// Path.
    pub path: Str,
    /// ARN.
    pub arn: Str,
    /// The trust policy (`AssumeRolePolicyDocument`).
    pub trust: PolicyDocument,
    /// Inline policies.
    pub inline: Vec<InlinePolicy>,
    /// Attached managed policies.
    pub attached: Vec<PolicyRef>,
    /// Permissions boundary.
    pub boundary: Option<PolicyRef>,
    /// Tags.
    pub tags: Vec<Tag>,
    /// Exists only possibly.
    pub uncertain: bool,
    /// Where it is defined.
    pub origin: Origin,
}

/// A managed policy (customer managed, or AWS managed from a snapshot or the built-in table).
#[derive(Clone, Debug, PartialEq)]
pub struct ManagedPolicy {
    /// Name.
    pub name: Str,
    /// Path.
    pub path: Str,
    /// ARN.
    pub arn: Str,
    /// The default version's document.
    pub document: PolicyDocument,
    /// Exists only possibly.
    pub uncertain: bool,
    /// Where it is defined.
    pub origin: Origin,
}

/// An instance profile: how EC2 receives a role.
#[derive(Clone, Debug, PartialEq)]
pub struct InstanceProfile {
    /// Name.
    pub name: Str,
    /// Path.
    pub path: Str,
    /// ARN.
    pub arn: Str,
    /// The role in it, by name or ARN (at most one in AWS; several when conditional).
    pub roles: Vec<Str>,
    /// Exists only possibly.
    pub uncertain: bool,
    /// Where it is defined.
    pub origin: Origin,
}

/// A principal that a relation names.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PrincipalTarget {
    /// A user, by name or ARN.
    User(Str),
    /// A group, by name or ARN.
    Group(Str),
    /// A role, by name or ARN.
    Role(Str),
}

/// A user's membership in a group, declared apart from the user.
#[derive(Clone, Debug, PartialEq)]
pub struct Membership {
    /// The user, by name or ARN.
    pub user: Str,
    /// The group, by name or ARN.
    pub group: Str,
    /// Exists only possibly.
    pub uncertain: bool,
    /// Where it is declared.
    pub origin: Origin,
}

/// What an attachment attaches.
#[derive(Clone, Debug, PartialEq)]
pub enum AttachedPolicy {
    /// A managed policy, by ARN.
    Managed(PolicyRef),
    /// An inline policy declared apart from its principal.
    Inline(InlinePolicy),
    /// A permissions boundary, by ARN.
    Boundary(PolicyRef),
}

/// A policy attached to a principal, declared apart from the principal.
#[derive(Clone, Debug, PartialEq)]
pub struct Attachment {
    /// The principal.
    pub target: PrincipalTarget,
    /// The policy.
    pub policy: AttachedPolicy,
    /// Exists only possibly.
    pub uncertain: bool,
    /// Where it is declared.
    pub origin: Origin,
}

/// How a resource names the role it hands to a service.
#[derive(Clone, Debug, PartialEq)]
pub enum RoleTarget {
    /// A role name or ARN.
    Role(Str),
    /// An instance profile name or ARN (EC2).
    InstanceProfile(Str),
}

/// A resource that hands a role to a service: an EC2 instance, a Lambda function, an RDS
/// instance's monitoring role. Shown as "in use by" on the role's findings.
#[derive(Clone, Debug, PartialEq)]
pub struct RoleUse {
    /// The resource, as the input names it (`aws_lambda_function.api`, `MyFunction`).
    pub resource: String,
    /// The resource type (`aws_lambda_function`, `AWS::Lambda::Function`).
    pub resource_type: String,
    /// The attribute that carries the role (`role`, `MonitoringRoleArn`).
    pub attribute: String,
    /// The service principal that will assume the role.
    pub service: String,
    /// The role handed over.
    pub target: RoleTarget,
    /// Exists only possibly.
    pub uncertain: bool,
    /// Where the attribute is.
    pub origin: Origin,
}

/// An exposure accepted where a principal or role is defined: CloudFormation
/// `Metadata: {passgraph: {ignore: [...]}}`, a Terraform `# passgraph:ignore ...` comment.
/// Written on a principal it names roles (`role`); written on a role, the principals that may
/// pass it (`principal`). One without a reason suppresses nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ignore {
    /// The entity it is written on.
    pub on: PrincipalTarget,
    /// Which principals (on a role): a name, `kind/name` or ARN, `*` and `?` allowed.
    pub principal: Option<String>,
    /// Which roles (on a principal): a name or ARN, `*` and `?` allowed.
    pub role: Option<String>,
    /// Which service: the principal, with or without `.amazonaws.com`, or its last label.
    pub service: Option<String>,
    /// Why the exposure is accepted.
    pub reason: Option<String>,
    /// Where it is written.
    pub origin: Origin,
}

/// The kind of an entity, for overlays and removals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntityKind {
    /// A user.
    User,
    /// A group.
    Group,
    /// A role.
    Role,
    /// A managed policy.
    Policy,
    /// An instance profile.
    InstanceProfile,
}

/// An entity that a later input deletes (a plan's `delete` action).
#[derive(Clone, Debug, PartialEq)]
pub struct Removal {
    /// Kind.
    pub kind: EntityKind,
    /// Name or ARN.
    pub name: Str,
    /// Where the deletion is.
    pub origin: Origin,
}

/// One account, or the part of it that one input describes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Account {
    /// The account id, when an input fixes it.
    pub account_id: Option<String>,
    /// Users.
    pub users: Vec<User>,
    /// Groups.
    pub groups: Vec<Group>,
    /// Roles.
    pub roles: Vec<Role>,
    /// Managed policies with their documents.
    pub policies: Vec<ManagedPolicy>,
    /// Instance profiles.
    pub instance_profiles: Vec<InstanceProfile>,
    /// Group memberships declared apart from users.
    pub memberships: Vec<Membership>,
    /// Policies attached apart from principals.
    pub attachments: Vec<Attachment>,
    /// Resources that hand roles to services.
    pub role_uses: Vec<RoleUse>,
    /// Entities that this input deletes from what came before.
    pub removals: Vec<Removal>,
    /// Relations that this input takes away from what came before (a plan's deleted or
    /// changed attachments, inline policies and memberships; what it manages exclusively).
    pub relation_removals: Vec<RelationRemoval>,
    /// Exposures accepted where a principal or role is defined.
    pub ignores: Vec<Ignore>,
}

fn same(a: &Str, b: &Str) -> bool {
    a == b
}

/// Lays `top` over `base`, entity by entity in order: an entity of `top` takes the place of what
/// shares one of its `keys` (ARN or name). With `first_only`, only the first such entity of
/// `base` (in order) is replaced and its lists merged into the new one by `merge`; otherwise every
/// such entity is dropped. The replacing entity goes to the end, as a `Vec::remove` and `push`
/// would put it, and later entities of `top` see it. A multi-map from key to slots keeps this
/// linear (the plain scan was quadratic: 5,000 users are 12.5 million comparisons).
fn merge_by_identity<T>(
    base: &mut Vec<T>,
    top: Vec<T>,
    keys: impl Fn(&T) -> [&Str; 2],
    first_only: bool,
    merge: impl Fn(&mut T, T),
) {
    if top.is_empty() {
        return;
    }
    let mut slots: Vec<Option<T>> = std::mem::take(base).into_iter().map(Some).collect();
    // Key → slots holding an entity with that key (possibly emptied since).
    let mut by_key: crate::hash::HashMap<Str, Vec<usize>> = crate::hash::HashMap::default();
    for (i, e) in slots.iter().enumerate() {
        if let Some(e) = e {
            for k in dedup_keys(keys(e)) {
                by_key.entry(k.clone()).or_default().push(i);
            }
        }
    }
    for mut e in top {
        let mut hits: Vec<usize> = dedup_keys(keys(&e))
            .into_iter()
            .filter_map(|k| by_key.get(k))
            .flatten()
            .copied()
            .filter(|&i| slots[i].is_some())
            .collect();
        hits.sort_unstable();
        hits.dedup();
        if first_only {
            hits.truncate(1);
        }
        for i in hits {
            if let Some(old) = slots[i].take() {
                merge(&mut e, old);
            }
        }
        let at = slots.len();
        for k in dedup_keys(keys(&e)) {
            by_key.entry(k.clone()).or_default().push(at);
        }
        slots.push(Some(e));
    }
    *base = slots.into_iter().flatten().collect();
}

fn dedup_keys(k: [&Str; 2]) -> Vec<&Str> {
    if k[0] == k[1] {
        vec![k[0]]
    } else {
        vec![k[0], k[1]]
    }
}

fn matches_name_or_arn(name: &Str, arn: &Str, key: &Str) -> bool {
    same(name, key) || same(arn, key)
}

/// The visitors over every string of an account, written once for `&` and `&mut`.
macro_rules! str_visitor {
    ($(#[$doc:meta])* $name:ident, $($m:tt)?) => {
        $(#[$doc])*
        pub fn $name(&$($m)? self, f: &mut dyn FnMut(&$($m)? Str)) {
            fn doc(d: &$($m)? PolicyDocument, f: &mut dyn FnMut(&$($m)? Str)) {
                for st in &$($m)? d.statements {
                    match &$($m)? st.actions {
                        ActionSpec::Action(v) | ActionSpec::NotAction(v) => {
                            v.into_iter().for_each(&mut *f)
                        }
                    }
                    match &$($m)? st.resources {
                        ResourceSpec::Resource(v) | ResourceSpec::NotResource(v) => {
                            v.into_iter().for_each(&mut *f)
                        }
                        ResourceSpec::Absent => {}
                    }
                    if let Some(p) = &$($m)? st.principals {
                        (&$($m)? p.entries).into_iter().for_each(|(_, s)| f(s));
                    }
                    for c in &$($m)? st.conditions {
                        (&$($m)? c.values).into_iter().for_each(&mut *f);
                    }
                }
            }
            fn inline(p: &$($m)? InlinePolicy, f: &mut dyn FnMut(&$($m)? Str)) {
                f(&$($m)? p.name);
                doc(&$($m)? p.document, f);
            }
            fn pref(p: &$($m)? PolicyRef, f: &mut dyn FnMut(&$($m)? Str)) {
                f(&$($m)? p.arn);
            }
            for u in &$($m)? self.users {
                f(&$($m)? u.name);
                f(&$($m)? u.path);
                f(&$($m)? u.arn);
                (&$($m)? u.inline).into_iter().for_each(|p| inline(p, f));
                (&$($m)? u.attached).into_iter().for_each(|p| pref(p, f));
                (&$($m)? u.groups).into_iter().for_each(&mut *f);
                if let Some(b) = &$($m)? u.boundary {
                    pref(b, f);
                }
            }
            for g in &$($m)? self.groups {
                f(&$($m)? g.name);
                f(&$($m)? g.path);
                f(&$($m)? g.arn);
                (&$($m)? g.inline).into_iter().for_each(|p| inline(p, f));
                (&$($m)? g.attached).into_iter().for_each(|p| pref(p, f));
            }
            for r in &$($m)? self.roles {
                f(&$($m)? r.name);
                f(&$($m)? r.path);
                f(&$($m)? r.arn);
                doc(&$($m)? r.trust, f);
                (&$($m)? r.inline).into_iter().for_each(|p| inline(p, f));
                (&$($m)? r.attached).into_iter().for_each(|p| pref(p, f));
                if let Some(b) = &$($m)? r.boundary {
                    pref(b, f);
                }
            }
            for p in &$($m)? self.policies {
                f(&$($m)? p.name);
                f(&$($m)? p.path);
                f(&$($m)? p.arn);
                doc(&$($m)? p.document, f);
            }
            for p in &$($m)? self.instance_profiles {
                f(&$($m)? p.name);
                f(&$($m)? p.path);
                f(&$($m)? p.arn);
                (&$($m)? p.roles).into_iter().for_each(&mut *f);
            }
            for m in &$($m)? self.memberships {
                f(&$($m)? m.user);
                f(&$($m)? m.group);
            }
            for a in &$($m)? self.attachments {
                match &$($m)? a.target {
                    PrincipalTarget::User(s) | PrincipalTarget::Group(s) | PrincipalTarget::Role(s) => {
                        f(s)
                    }
                }
                match &$($m)? a.policy {
                    AttachedPolicy::Managed(p) | AttachedPolicy::Boundary(p) => pref(p, f),
                    AttachedPolicy::Inline(p) => inline(p, f),
                }
            }
            for u in &$($m)? self.role_uses {
                match &$($m)? u.target {
                    RoleTarget::Role(s) | RoleTarget::InstanceProfile(s) => f(s),
                }
            }
        }
    };
}

impl Account {
    /// Appends every list of `part` to the same list of `self`, as if what made `part` had gone
    /// on adding to `self` (the readers only add); the account id is `self`'s, else `part`'s.
    pub fn append(&mut self, part: Account) {
        let Account {
            account_id,
            users,
            groups,
            roles,
            policies,
            instance_profiles,
            memberships,
            attachments,
            role_uses,
            removals,
            relation_removals,
            ignores,
        } = part;
        if self.account_id.is_none() {
            self.account_id = account_id;
        }
        self.users.extend(users);
        self.groups.extend(groups);
        self.roles.extend(roles);
        self.policies.extend(policies);
        self.instance_profiles.extend(instance_profiles);
        self.memberships.extend(memberships);
        self.attachments.extend(attachments);
        self.role_uses.extend(role_uses);
        self.removals.extend(removals);
        self.relation_removals.extend(relation_removals);
        self.ignores.extend(ignores);
    }

    /// Lays `top` over `self`: what `top` defines replaces the entity of the same kind with the
    /// same ARN or name (the lists of policies, groups and tags of both are kept: the union can
    /// only add permissions, never hide one), except that an inline policy `top` defines
    /// replaces the one of the same name on the same principal (AWS keeps one per name) and
    /// the permissions boundary is `top`'s; what `top` removes is removed, entities
    /// ([`Removal`]) and relations ([`RelationRemoval`], matched by [`Relation`] identity, also
    /// inside the entities below: a user's `groups`, `inline`, `attached`); relations merge.
    ///
    /// Returns what could not be decided: a relation that `top` may or may not take away (a
    /// name known only after apply) is kept, and a diagnostic says so.
    pub fn overlay(&mut self, top: Account) -> Vec<Diagnostic> {
        let Account {
            account_id,
            users,
            groups,
            roles,
            policies,
            instance_profiles,
            memberships,
            attachments,
            role_uses,
            removals,
            relation_removals,
            ignores,
        } = top;
        if self.account_id.is_none() {
            self.account_id = account_id;
        }
        let mut diagnostics = Vec::new();
        for r in &removals {
            self.remove(r);
        }
        // Replacement by identity: an inline policy that `top` surely defines replaces the one of
        // the same name on the same principal below. One that only may be the same is kept
        // beside it (both apply: more findings, never fewer); the hole that makes the name
        // unknown is explained where it was made.
        let mut replaced: Vec<Relation> = Vec::new();
        for a in attachments.iter().filter(|a| !a.uncertain) {
            if let AttachedPolicy::Inline(p) = &a.policy {
                replaced.push(Relation::Inline {
                    target: a.target.clone(),
                    name: p.name.clone(),
                });
            }
        }
        let inline_of = |target: PrincipalTarget, list: &[InlinePolicy]| {
            list.iter()
                .map(|p| Relation::Inline {
                    target: target.clone(),
                    name: p.name.clone(),
                })
                .collect::<Vec<_>>()
        };
        for u in users.iter().filter(|u| !u.uncertain) {
            replaced.extend(inline_of(PrincipalTarget::User(u.name.clone()), &u.inline));
        }
        for g in groups.iter().filter(|g| !g.uncertain) {
            replaced.extend(inline_of(PrincipalTarget::Group(g.name.clone()), &g.inline));
        }
        for r in roles.iter().filter(|r| !r.uncertain) {
            replaced.extend(inline_of(PrincipalTarget::Role(r.name.clone()), &r.inline));
        }
        // A principal whose name is not known (generated at apply) can be the same as one below
        // only possibly: what it defines never replaces anything.
        let replaced: Vec<RelationScope> = replaced
            .into_iter()
            .filter(|r| match r {
                Relation::Inline { target, .. } => norm(target_key(target)).is_some(),
                _ => true,
            })
            .map(RelationScope::One)
            .collect();
        // AWS deletes a group only without members, a managed policy only when nothing holds
        // it: a removed group or policy takes its relations with it.
        let emptied: Vec<(RelationScope, &Origin)> = removals
            .iter()
            .filter_map(|r| match r.kind {
                EntityKind::Group => Some((
                    RelationScope::GroupMembers {
                        group: r.name.clone(),
                    },
                    &r.origin,
                )),
                EntityKind::Policy => Some((
                    RelationScope::PolicyHolders {
                        arn: r.name.clone(),
                    },
                    &r.origin,
                )),
                _ => None,
            })
            .collect();
        let scopes: Vec<(&RelationScope, Option<&Origin>)> = relation_removals
            .iter()
            .map(|r| (&r.scope, Some(&r.origin)))
            .chain(emptied.iter().map(|(s, o)| (s, Some(*o))))
            .chain(replaced.iter().map(|s| (s, None)))
            .collect();
        self.take_away(&scopes, &mut diagnostics);
        merge_by_identity(
            &mut self.users,
            users,
            |u| [&u.arn, &u.name],
            true,
            |u, old| {
                u.inline.extend(old.inline);
                u.attached.extend(old.attached);
                u.groups.extend(old.groups);
                if u.uncertain {
                    u.boundary = u.boundary.take().or(old.boundary);
                }
            },
        );
        merge_by_identity(
            &mut self.groups,
            groups,
            |g| [&g.arn, &g.name],
            true,
            |g, old| {
                g.inline.extend(old.inline);
                g.attached.extend(old.attached);
            },
        );
        merge_by_identity(
            &mut self.roles,
            roles,
            |r| [&r.arn, &r.name],
            true,
            |r, old| {
                r.inline.extend(old.inline);
                r.attached.extend(old.attached);
                if r.uncertain {
                    r.boundary = r.boundary.take().or(old.boundary);
                }
            },
        );
        merge_by_identity(
            &mut self.policies,
            policies,
            |p| [&p.arn, &p.arn],
            false,
            |_, _| {},
        );
        merge_by_identity(
            &mut self.instance_profiles,
            instance_profiles,
            |ip| [&ip.arn, &ip.name],
            false,
            |_, _| {},
        );
        self.memberships.extend(memberships);
        self.attachments.extend(attachments);
        self.role_uses.extend(role_uses);
        self.removals.extend(removals);
        self.relation_removals.extend(relation_removals);
        self.ignores.extend(ignores);
        diagnostics
    }

    /// Takes away every relation of `self` that one of `scopes` surely covers, wherever it is
    /// stored. A relation that an explicit removal (one with an origin) only may cover is kept
    /// and named in one diagnostic per removal.
    fn take_away(
        &mut self,
        scopes: &[(&RelationScope, Option<&Origin>)],
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let removals = Removals::new(scopes.iter().map(|(s, _)| *s), self.account_id.clone());
        if removals.is_empty() {
            return;
        }
        let ents = Entities::new(
            self.users
                .iter()
                .map(|u| (Kind::User, &u.name, &u.arn))
                .chain(self.groups.iter().map(|g| (Kind::Group, &g.name, &g.arn)))
                .chain(self.roles.iter().map(|r| (Kind::Role, &r.name, &r.arn))),
        );
        let mut undecided: Vec<(usize, String)> = Vec::new();
        let mut keep = |c: Candidate<'_>| match removals.check(&c, &ents) {
            (Tri::Yes, _) => false,
            (Tri::Maybe, by) => {
                undecided.extend(by.into_iter().map(|i| (i, c.describe())));
                true
            }
            (Tri::No, _) => true,
        };
        for u in &mut self.users {
            let who = Who::Entity(&u.name, &u.arn);
            u.inline.retain(|p| {
                keep(Candidate::Inline {
                    kind: Kind::User,
                    who,
                    name: &p.name,
                })
            });
            u.attached.retain(|p| {
                keep(Candidate::Managed {
                    kind: Kind::User,
                    who,
                    arn: &p.arn,
                })
            });
            u.groups.retain(|g| {
                keep(Candidate::Member {
                    user: who,
                    group: g,
                })
            });
        }
        for g in &mut self.groups {
            let who = Who::Entity(&g.name, &g.arn);
            g.inline.retain(|p| {
                keep(Candidate::Inline {
                    kind: Kind::Group,
                    who,
                    name: &p.name,
                })
            });
            g.attached.retain(|p| {
                keep(Candidate::Managed {
                    kind: Kind::Group,
                    who,
                    arn: &p.arn,
                })
            });
        }
        for r in &mut self.roles {
            let who = Who::Entity(&r.name, &r.arn);
            r.inline.retain(|p| {
                keep(Candidate::Inline {
                    kind: Kind::Role,
                    who,
                    name: &p.name,
                })
            });
            r.attached.retain(|p| {
                keep(Candidate::Managed {
                    kind: Kind::Role,
                    who,
                    arn: &p.arn,
                })
            });
        }
        self.memberships.retain(|m| {
            keep(Candidate::Member {
                user: Who::Key(&m.user),
                group: &m.group,
            })
        });
        self.attachments.retain(|a| {
            let kind = Kind::of(&a.target);
            let who = Who::Key(target_key(&a.target));
            match &a.policy {
                AttachedPolicy::Inline(p) => keep(Candidate::Inline {
                    kind,
                    who,
                    name: &p.name,
                }),
                AttachedPolicy::Managed(p) => keep(Candidate::Managed {
                    kind,
                    who,
                    arn: &p.arn,
                }),
                AttachedPolicy::Boundary(_) => true,
            }
        });
        undecided.sort();
        undecided.dedup();
        for (i, group) in undecided.chunk_by(|a, b| a.0 == b.0).map(|g| (g[0].0, g)) {
            let Some((_, Some(origin))) = scopes.get(i) else {
                continue;
            };
            let n = group.len();
            let shown: Vec<&str> = group.iter().take(3).map(|(_, d)| d.as_str()).collect();
            let more = if n > 3 {
                format!(" and {} more", n - 3)
            } else {
                String::new()
            };
            let who = origin.address.as_deref().unwrap_or("this input");
            diagnostics.push(Diagnostic::warning(
                Code::UnknownValue,
                format!(
                    "{who} may or may not take away {n} relation(s) of the inputs below it ({}{more}): this cannot be decided offline, so they are kept",
                    shown.join(", ")
                ),
                Some((*origin).clone()),
            ));
        }
    }

    fn remove(&mut self, r: &Removal) {
        let key = &r.name;
        match r.kind {
            EntityKind::User => {
                self.users
                    .retain(|u| !matches_name_or_arn(&u.name, &u.arn, key));
                self.memberships.retain(|m| !same(&m.user, key));
                self.attachments
                    .retain(|a| a.target != PrincipalTarget::User(key.clone()));
            }
            EntityKind::Group => {
                self.groups
                    .retain(|g| !matches_name_or_arn(&g.name, &g.arn, key));
                self.memberships.retain(|m| !same(&m.group, key));
                self.attachments
                    .retain(|a| a.target != PrincipalTarget::Group(key.clone()));
            }
            EntityKind::Role => {
                self.roles
                    .retain(|x| !matches_name_or_arn(&x.name, &x.arn, key));
                self.attachments
                    .retain(|a| a.target != PrincipalTarget::Role(key.clone()));
            }
            EntityKind::Policy => self
                .policies
                .retain(|p| !matches_name_or_arn(&p.name, &p.arn, key)),
            EntityKind::InstanceProfile => {
                self.instance_profiles
                    .retain(|p| !matches_name_or_arn(&p.name, &p.arn, key));
            }
        }
    }

    /// Fixes the partition, in one pass over the account: the partition hole, and the DNS
    /// suffix hole for a partition AWS documents ([`crate::partition::dns_suffix`]; for another
    /// it stays unknown).
    pub fn bind_partition(&mut self, partition: &str) {
        let p = Str::lit(partition);
        let d = crate::partition::dns_suffix(partition).map(Str::lit);
        self.for_each_str(&mut |s| {
            s.substitute_in_place(crate::value::PARTITION_HOLE, &p);
            if let Some(d) = &d {
                s.substitute_in_place(crate::value::DNS_SUFFIX_HOLE, d);
            }
        });
    }

    /// Replaces every hole named `key` by `value`, everywhere: entity names and ARNs, relations,
    /// and the strings inside policy documents. Used to fix the account id (`--account-id`, a
    /// snapshot).
    pub fn bind(&mut self, key: &str, value: &str) {
        let v = Str::lit(value);
        self.for_each_str(&mut |s| s.substitute_in_place(key, &v));
        if key == crate::value::ACCOUNT_HOLE && self.account_id.is_none() {
            self.account_id = Some(value.to_owned());
        }
    }

    str_visitor!(
        /// Visits every string value of the account mutably.
        for_each_str, mut
    );
    str_visitor!(
        /// Visits every string value of the account.
        each_str,
    );
}
