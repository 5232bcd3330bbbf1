//! Relation identities: which relation an input replaces or takes away when it is laid over
//! another (a plan over a snapshot).
//!
//! A relation is identified by whose it is and what it names: a user's membership in a group
//! (user, group), a managed policy attached to a principal (principal, policy ARN), an inline
//! policy (principal, policy name). In AWS two relations with the same identity are one: a
//! principal holds one inline policy of a name and a policy at most once, a user is in a group
//! at most once. The identity is the same whether the relation is stored inside its entity (a
//! snapshot user's `groups`, `inline`, `attached`) or declared apart ([`crate::Attachment`],
//! [`crate::Membership`]).
//!
//! A [`RelationRemoval`] says what an input takes away from the inputs below it: one relation,
//! or every relation in a scope that the input manages exclusively (every member of a group,
//! every holder of a policy, every inline or managed policy of a principal but the listed ones).
//! Matching is three-valued: what may or may not be the same relation (a name known only after
//! apply) is kept, and the overlay says so.

use crate::account::PrincipalTarget;
use crate::pattern::Glob;
use crate::span::Origin;
use crate::tri::Tri;
use crate::value::{ACCOUNT_HOLE, Part, Str};

/// The identity of one relation.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Relation {
    /// A user's membership in a group (each by name or ARN).
    Membership {
        /// The user.
        user: Str,
        /// The group.
        group: Str,
    },
    /// A managed policy attached to a principal.
    Managed {
        /// The principal.
        target: PrincipalTarget,
        /// The policy ARN.
        arn: Str,
    },
    /// An inline policy of a principal.
    Inline {
        /// The principal.
        target: PrincipalTarget,
        /// The policy name.
        name: Str,
    },
}

/// What a relation removal takes away.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RelationScope {
    /// One relation.
    One(Relation),
    /// Every membership in a group, whoever the user (`aws_iam_group_membership` manages a
    /// group's members exclusively).
    GroupMembers {
        /// The group, by name or ARN.
        group: Str,
    },
    /// Every attachment of a managed policy, to any user, group or role
    /// (`aws_iam_policy_attachment` is exclusive for its policy).
    PolicyHolders {
        /// The policy ARN.
        arn: Str,
    },
    /// Every inline policy of a principal except those named in `keep` (`aws_iam_role`
    /// `inline_policy`, `aws_iam_role_policies_exclusive`).
    InlinePolicies {
        /// The principal.
        target: PrincipalTarget,
        /// The names that stay.
        keep: Vec<Str>,
    },
    /// Every managed policy attached to a principal except those in `keep` (`aws_iam_role`
    /// `managed_policy_arns`, `aws_iam_role_policy_attachments_exclusive`).
    ManagedPolicies {
        /// The principal.
        target: PrincipalTarget,
        /// The ARNs that stay.
        keep: Vec<Str>,
    },
}

/// Relations that an input takes away from the inputs below it.
#[derive(Clone, Debug, PartialEq)]
pub struct RelationRemoval {
    /// What is taken away.
    pub scope: RelationScope,
    /// Why: the resource that takes it away (a plan's deleted attachment, an exclusive
    /// membership).
    pub origin: Origin,
}

impl RelationRemoval {
    /// A removal of `scope`, said at `origin`.
    #[must_use]
    pub fn new(scope: RelationScope, origin: Origin) -> RelationRemoval {
        RelationRemoval { scope, origin }
    }
}

/// The name or ARN a target holds.
pub(crate) fn target_key(t: &PrincipalTarget) -> &Str {
    match t {
        PrincipalTarget::User(s) | PrincipalTarget::Group(s) | PrincipalTarget::Role(s) => s,
    }
}

/// How values are compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fold {
    /// IAM entity names and ARNs: unique regardless of case, so a difference of case alone is
    /// the same entity (as the graph's resolver reads references).
    Case,
    /// Inline policy names: a difference of case alone may or may not be the same policy.
    Exact,
}

/// Whether two values are the same, three-valued. `account` is the account id of the inputs
/// below, which the account hole of an input laid over them stands for.
pub(crate) fn same(a: &Str, b: &Str, fold: Fold, account: Option<&str>) -> Tri {
    if a == b {
        return Tri::Yes;
    }
    let bind = |s: &Str| match account {
        Some(id) if s.holes().any(|h| h == ACCOUNT_HOLE) => {
            s.substitute(ACCOUNT_HOLE, &Str::lit(id))
        }
        _ => s.clone(),
    };
    let (a, b) = (bind(a), bind(b));
    if let (Some(x), Some(y)) = (a.as_known(), b.as_known()) {
        return if x == y {
            Tri::Yes
        } else if x.to_lowercase() == y.to_lowercase() {
            match fold {
                Fold::Case => Tri::Yes,
                Fold::Exact => Tri::Maybe,
            }
        } else {
            Tri::No
        };
    }
    let ci = fold == Fold::Case;
    let t = Glob::exact(&a, ci)
        .matches(&b)
        .or(Glob::exact(&b, ci).matches(&a));
    match (t, fold) {
        // A match only when case is ignored, for inline names: not sure.
        (Tri::No, Fold::Exact) if Glob::exact(&a, true).matches(&b).possible() => Tri::Maybe,
        _ => t,
    }
}

/// The kind of a principal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    User,
    Group,
    Role,
}

impl Kind {
    pub(crate) fn of(t: &PrincipalTarget) -> Kind {
        match t {
            PrincipalTarget::User(_) => Kind::User,
            PrincipalTarget::Group(_) => Kind::Group,
            PrincipalTarget::Role(_) => Kind::Role,
        }
    }

    pub(crate) fn word(self) -> &'static str {
        match self {
            Kind::User => "user",
            Kind::Group => "group",
            Kind::Role => "role",
        }
    }
}

/// Whose a relation is: the entity that stores it, or the name or ARN a relation declared
/// apart gives.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Who<'a> {
    /// An entity's name and ARN.
    Entity(&'a Str, &'a Str),
    /// A name or ARN.
    Key(&'a Str),
}

impl Who<'_> {
    fn keys(&self) -> impl Iterator<Item = &Str> {
        let (a, b) = match *self {
            Who::Entity(n, a) => (n, Some(a)),
            Who::Key(k) => (k, None),
        };
        std::iter::once(a).chain(b)
    }
}

/// A relation found below, to be checked against the removals.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Candidate<'a> {
    Inline {
        kind: Kind,
        who: Who<'a>,
        name: &'a Str,
    },
    Managed {
        kind: Kind,
        who: Who<'a>,
        arn: &'a Str,
    },
    Member {
        user: Who<'a>,
        group: &'a Str,
    },
}

impl Candidate<'_> {
    /// How the relation reads in a diagnostic.
    pub(crate) fn describe(&self) -> String {
        let whose = |k: Kind, w: &Who<'_>| match w {
            Who::Entity(n, _) | Who::Key(n) => format!("{} {n}", k.word()),
        };
        match self {
            Candidate::Inline { kind, who, name } => {
                format!("inline policy {name} of {}", whose(*kind, who))
            }
            Candidate::Managed { kind, who, arn } => {
                format!("policy {arn} attached to {}", whose(*kind, who))
            }
            Candidate::Member { user, group } => {
                format!("membership of {} in group {group}", whose(Kind::User, user))
            }
        }
    }
}

/// The name a name or ARN stands for, lower-cased (the last segment of an ARN); `None` when
/// holes make it unknown (an ARN whose holes all lie before its last `/` still names it).
pub(crate) fn norm(s: &Str) -> Option<String> {
    if let Some(k) = s.as_known() {
        let last = if k.starts_with("arn:") {
            k.rsplit('/').next().unwrap_or(k)
        } else {
            k
        };
        return Some(last.to_lowercase());
    }
    match s.parts().last() {
        Some(Part::Lit(t)) if s.starts_with("arn:") && t.contains('/') => {
            t.rsplit('/').next().map(str::to_lowercase)
        }
        _ => None,
    }
}

/// Where a removal is filed, so that a relation is checked only against the removals that
/// can concern it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Anchor {
    /// The principal whose inline or managed policies it concerns.
    Principal(Kind),
    /// The user whose memberships it concerns.
    Member,
    /// The group whose members it concerns.
    Group,
    /// The managed policy whose holders it concerns.
    Policy,
}

/// The names and ARNs of the entities below, to tell when a name and an ARN are one entity.
pub(crate) struct Entities {
    by_norm: crate::hash::HashMap<(Kind, String), Vec<(Str, Str)>>,
}

impl Entities {
    pub(crate) fn new<'a>(items: impl Iterator<Item = (Kind, &'a Str, &'a Str)>) -> Entities {
        let mut by_norm: crate::hash::HashMap<(Kind, String), Vec<(Str, Str)>> =
            crate::hash::HashMap::default();
        for (k, n, a) in items {
            if let Some(key) = norm(n).or_else(|| norm(a)) {
                by_norm
                    .entry((k, key))
                    .or_default()
                    .push((n.clone(), a.clone()));
            }
        }
        Entities { by_norm }
    }

    /// Whether `key` names the principal `who` of kind `kind`.
    fn is(&self, kind: Kind, key: &Str, who: Who<'_>, account: Option<&str>) -> Tri {
        match who {
            Who::Entity(n, a) => {
                same(key, n, Fold::Case, account).or(same(key, a, Fold::Case, account))
            }
            Who::Key(k) => {
                let t = same(key, k, Fold::Case, account);
                if t == Tri::Yes {
                    return t;
                }
                // A name and an ARN of one entity below.
                let one = norm(key)
                    .and_then(|n| self.by_norm.get(&(kind, n)))
                    .is_some_and(|es| {
                        es.iter().any(|(n, a)| {
                            let is = |x: &Str| {
                                same(x, n, Fold::Case, account).or(same(x, a, Fold::Case, account))
                                    == Tri::Yes
                            };
                            is(key) && is(k)
                        })
                    });
                if one {
                    return Tri::Yes;
                }
                // A name and an ARN with the same last segment, no entity to tell.
                match (norm(key), norm(k)) {
                    (Some(x), Some(y)) if x == y => Tri::Maybe,
                    _ => t,
                }
            }
        }
    }
}

/// A batch of removals, filed by what they concern.
pub(crate) struct Removals<'s> {
    scopes: Vec<&'s RelationScope>,
    filed: crate::hash::HashMap<(Anchor, String), Vec<usize>>,
    symbolic: crate::hash::HashMap<Anchor, Vec<usize>>,
    account: Option<String>,
}

impl<'s> Removals<'s> {
    pub(crate) fn new(
        scopes: impl Iterator<Item = &'s RelationScope>,
        account: Option<String>,
    ) -> Removals<'s> {
        let mut r = Removals {
            scopes: Vec::new(),
            filed: crate::hash::HashMap::default(),
            symbolic: crate::hash::HashMap::default(),
            account,
        };
        for (i, s) in scopes.enumerate() {
            r.scopes.push(s);
            let (anchor, key) = match s {
                RelationScope::One(
                    Relation::Inline { target, .. } | Relation::Managed { target, .. },
                )
                | RelationScope::InlinePolicies { target, .. }
                | RelationScope::ManagedPolicies { target, .. } => {
                    (Anchor::Principal(Kind::of(target)), target_key(target))
                }
                RelationScope::One(Relation::Membership { user, .. }) => (Anchor::Member, user),
                RelationScope::GroupMembers { group } => (Anchor::Group, group),
                RelationScope::PolicyHolders { arn } => (Anchor::Policy, arn),
            };
            match norm(key) {
                Some(n) => r.filed.entry((anchor, n)).or_default().push(i),
                None => r.symbolic.entry(anchor).or_default().push(i),
            }
        }
        r
    }

    /// True when there is nothing to take away.
    pub(crate) fn is_empty(&self) -> bool {
        self.scopes.is_empty()
    }

    /// The removals that may concern a relation, by index.
    fn relevant(&self, c: &Candidate<'_>) -> Vec<usize> {
        let mut out = Vec::new();
        let mut add = |anchor: Anchor, keys: &mut dyn Iterator<Item = &Str>| {
            let mut all = false;
            for k in keys {
                match norm(k) {
                    Some(n) => {
                        out.extend(self.filed.get(&(anchor.clone(), n)).into_iter().flatten())
                    }
                    None => all = true,
                }
            }
            if all {
                // A relation whose own key has holes: any removal of its anchor may concern it.
                out.extend(
                    self.filed
                        .iter()
                        .filter(|((a, _), _)| *a == anchor)
                        .flat_map(|(_, v)| v),
                );
            }
            out.extend(self.symbolic.get(&anchor).into_iter().flatten());
        };
        match c {
            Candidate::Inline { kind, who, .. } => add(Anchor::Principal(*kind), &mut who.keys()),
            Candidate::Managed { kind, who, arn } => {
                add(Anchor::Principal(*kind), &mut who.keys());
                add(Anchor::Policy, &mut std::iter::once(*arn));
            }
            Candidate::Member { user, group } => {
                add(Anchor::Member, &mut user.keys());
                add(Anchor::Group, &mut std::iter::once(*group));
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Whether the removals take a relation away: `Yes` when one surely does, else `Maybe`
    /// with the removals that may.
    pub(crate) fn check(&self, c: &Candidate<'_>, ents: &Entities) -> (Tri, Vec<usize>) {
        let acct = self.account.as_deref();
        let mut maybe = Vec::new();
        for i in self.relevant(c) {
            let Some(scope) = self.scopes.get(i) else {
                continue;
            };
            let t = covers(scope, c, ents, acct);
            match t {
                Tri::Yes => return (Tri::Yes, Vec::new()),
                Tri::Maybe => maybe.push(i),
                Tri::No => {}
            }
        }
        if maybe.is_empty() {
            (Tri::No, maybe)
        } else {
            (Tri::Maybe, maybe)
        }
    }
}

/// Whether a scope covers a relation, three-valued.
fn covers(scope: &RelationScope, c: &Candidate<'_>, ents: &Entities, acct: Option<&str>) -> Tri {
    let any = |keep: &[Str], v: &Str, fold: Fold| {
        keep.iter()
            .fold(Tri::No, |t, k| t.or(same(k, v, fold, acct)))
    };
    match (scope, *c) {
        (
            RelationScope::One(Relation::Inline { target, name }),
            Candidate::Inline { kind, who, name: n },
        ) if Kind::of(target) == kind => {
            ents.is(kind, target_key(target), who, acct)
                .and(same(name, n, Fold::Exact, acct))
        }
        (
            RelationScope::One(Relation::Managed { target, arn }),
            Candidate::Managed { kind, who, arn: a },
        ) if Kind::of(target) == kind => {
            ents.is(kind, target_key(target), who, acct)
                .and(same(arn, a, Fold::Case, acct))
        }
        (
            RelationScope::One(Relation::Membership { user, group }),
            Candidate::Member { user: u, group: g },
        ) => ents
            .is(Kind::User, user, u, acct)
            .and(ents.is(Kind::Group, group, Who::Key(g), acct)),
        (RelationScope::GroupMembers { group }, Candidate::Member { group: g, .. }) => {
            ents.is(Kind::Group, group, Who::Key(g), acct)
        }
        (RelationScope::PolicyHolders { arn }, Candidate::Managed { arn: a, .. }) => {
            same(arn, a, Fold::Case, acct)
        }
        (RelationScope::InlinePolicies { target, keep }, Candidate::Inline { kind, who, name })
            if Kind::of(target) == kind =>
        {
            ents.is(kind, target_key(target), who, acct)
                .and(!any(keep, name, Fold::Exact))
        }
        (
            RelationScope::ManagedPolicies { target, keep },
            Candidate::Managed { kind, who, arn },
        ) if Kind::of(target) == kind => {
            ents.is(kind, target_key(target), who, acct)
                .and(!any(keep, arn, Fold::Case))
        }
        _ => Tri::No,
    }
}

#[cfg(test)]
mod tests;
