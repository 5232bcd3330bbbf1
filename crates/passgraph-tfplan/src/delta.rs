//! What a plan takes away from the account it is laid over: relation removals.
//!
//! Two sources, following the AWS provider's documentation (semantics.md §4.6):
//!
//! - **`before` values.** An attachment, inline policy or membership that the plan deletes,
//!   updates or replaces held, before the change, the relations its `before` values name: those
//!   are taken away (what the instance holds after the change is added back by the builder).
//!   A renamed inline policy loses its old name, a membership whose `groups` change loses the
//!   groups it left, a replaced attachment its old `policy_arn`.
//! - **Exclusive resources.** A live `aws_iam_policy_attachment` manages every attachment of its
//!   policy, `aws_iam_group_membership` every member of its group, the `*_policies_exclusive`
//!   and `*_policy_attachments_exclusive` resources every inline or managed policy of their
//!   principal but the listed ones, and `aws_iam_role` every inline (managed) policy of the role
//!   when the configuration sets `inline_policy` (`managed_policy_arns`). Only what the apply
//!   writes reconciles: an update or a replacement, and the creation of an `_exclusive`
//!   resource (a classic one only adds its own relations when created); a no-op writes nothing.
//!   Destroying an `_exclusive` resource detaches nothing.
//!
//! A `before` value that is not there (null, or hidden as sensitive) cannot say what is taken
//! away: nothing is, and a diagnostic says so (more findings, never fewer).

use passgraph_model::{
    Account, Code, Diagnostic, PrincipalTarget, Relation, RelationRemoval, RelationScope, Str,
};

use crate::json::Kind;
use crate::plan::{Action, Instance, Reader};
use crate::resolve::{Cursor, Field, Scope, State, Want};

/// The principal kind of `aws_iam_<kind>_...` relation resources.
fn principal(kind: &str, name: Str) -> PrincipalTarget {
    match kind {
        "user" => PrincipalTarget::User(name),
        "group" => PrincipalTarget::Group(name),
        _ => PrincipalTarget::Role(name),
    }
}

/// A name given where IAM expects one; an ARN stands for its last path segment (the builder
/// says so where it reads the same value).
fn as_name(s: Str) -> Str {
    if s.starts_with("arn:") && s.is_known() {
        s.last_segment("/")
    } else {
        s
    }
}

/// A value before the change: `None` when it is not there to read.
fn text(c: &Cursor<'_>) -> Option<Str> {
    match c.state() {
        State::Known(v) => v.scalar_text().map(|s| Str::lit(s.into_owned())),
        State::Null | State::Unknown => None,
    }
}

/// A list of strings before the change: null is an empty set (the optional `users`, `roles`,
/// `groups`); `None` when an element or the list is not there to read.
fn texts(c: &Cursor<'_>) -> Option<Vec<Str>> {
    match c.state() {
        State::Null => Some(Vec::new()),
        State::Unknown => None,
        State::Known(v) if v.kind() != Kind::Array => None,
        State::Known(_) => c.items().iter().map(text).collect(),
    }
}

/// The relations an instance of a relation resource holds, read from `before` values; `Err`
/// with the attribute that could not be read.
fn held(rtype: &str, before: &Cursor<'_>) -> Result<Vec<Relation>, &'static str> {
    let t = |attr: &'static str| {
        text(&before.field(attr))
            .filter(|s| !s.is_empty())
            .ok_or(attr)
    };
    let list = |attr: &'static str| texts(&before.field(attr)).ok_or(attr);
    Ok(match rtype {
        "aws_iam_user_policy" | "aws_iam_role_policy" | "aws_iam_group_policy" => {
            let kind = rtype
                .trim_start_matches("aws_iam_")
                .trim_end_matches("_policy");
            let attr = match kind {
                "user" => "user",
                "group" => "group",
                _ => "role",
            };
            vec![Relation::Inline {
                target: principal(kind, as_name(t(attr)?)),
                name: t("name")?,
            }]
        }
        "aws_iam_user_policy_attachment"
        | "aws_iam_role_policy_attachment"
        | "aws_iam_group_policy_attachment" => {
            let kind = rtype
                .trim_start_matches("aws_iam_")
                .trim_end_matches("_policy_attachment");
            let attr = match kind {
                "user" => "user",
                "group" => "group",
                _ => "role",
            };
            vec![Relation::Managed {
                target: principal(kind, as_name(t(attr)?)),
                arn: t("policy_arn")?,
            }]
        }
        "aws_iam_policy_attachment" => {
            let arn = t("policy_arn")?;
            let mut out = Vec::new();
            for (attr, kind) in [("users", "user"), ("groups", "group"), ("roles", "role")] {
                for name in list(attr)? {
                    out.push(Relation::Managed {
                        target: principal(kind, as_name(name)),
                        arn: arn.clone(),
                    });
                }
            }
            out
        }
        "aws_iam_group_membership" => {
            let group = as_name(t("group")?);
            list("users")?
                .into_iter()
                .map(|user| Relation::Membership {
                    user: as_name(user),
                    group: group.clone(),
                })
                .collect()
        }
        "aws_iam_user_group_membership" => {
            let user = as_name(t("user")?);
            list("groups")?
                .into_iter()
                .map(|group| Relation::Membership {
                    user: user.clone(),
                    group: as_name(group),
                })
                .collect()
        }
        // Destroying or changing an `_exclusive` resource detaches nothing by itself; a live one
        // manages its scope (below). Other types hold no relation.
        _ => Vec::new(),
    })
}

impl<'a> Reader<'a> {
    /// Adds to `account` the relations the plan takes away from the account below it.
    pub(crate) fn relation_removals(&mut self, account: &mut Account) {
        // What deleted (also deposed), updated and replaced instances held before the change.
        let before = |mut i: Instance<'a>| {
            if i.action != Action::Delete {
                i.values = i.before;
                i.unknown = None;
                i.sensitive = None;
            }
            i
        };
        let mut changed: Vec<Instance<'a>> = self.deleted.iter().cloned().map(before).collect();
        changed.extend(
            self.insts
                .iter()
                .filter(|i| {
                    !i.data
                        && matches!(i.action, Action::Update | Action::Replace)
                        && i.before.is_some()
                })
                .cloned()
                .map(before),
        );
        for inst in changed.iter().filter(|i| !i.data) {
            let before = Cursor::of(inst);
            let origin = self.origin(inst.addr_range, &inst.address);
            match held(&inst.rtype, &before) {
                Ok(relations) => account.relation_removals.extend(
                    relations
                        .into_iter()
                        .map(|r| RelationRemoval::new(RelationScope::One(r), origin.clone())),
                ),
                Err(attr) => self.diags.push(Diagnostic::warning(
                    Code::UnknownValue,
                    format!(
                        "{}: the plan changes or deletes this {}, but its {attr} before the change is not in the plan; what it held in another input (a snapshot) is kept",
                        inst.address, inst.rtype
                    ),
                    Some(origin),
                )),
            }
        }
        // What the instances this apply writes manage exclusively. An update or a replacement
        // reconciles the scope; a creation does only for the `_exclusive` resources (the
        // classic ones only add their own relations when created); a no-op writes nothing, so
        // relations that another input (a snapshot newer than the plan) shows survive it.
        for i in 0..self.insts.len() {
            let Some(inst) = self.insts.get(i).filter(|x| {
                !x.data
                    && exclusive(&x.rtype)
                    && (matches!(x.action, Action::Update | Action::Replace)
                        || (x.action == Action::Create && x.rtype.ends_with("_exclusive")))
            }) else {
                continue;
            };
            let inst = inst.clone();
            let scopes = self.exclusive_scopes(&inst);
            let origin = self.origin(inst.addr_range, &inst.address);
            account.relation_removals.extend(
                scopes
                    .into_iter()
                    .map(|s| RelationRemoval::new(s, origin.clone())),
            );
        }
    }

    fn exclusive_scopes(&mut self, inst: &Instance<'a>) -> Vec<RelationScope> {
        let config = self.config_of(inst);
        let f = Field {
            cur: Cursor::of(inst),
            expr: config.and_then(|c| c.get("expressions")),
            range: inst.addr_range,
        };
        let scope = Scope::of(inst);
        let one = |this: &mut Self, attr: &str, want: Want| {
            this.string(&f.field(attr), &scope, want, attr)
                .filter(|s| !s.is_empty())
        };
        match inst.rtype.as_str() {
            "aws_iam_policy_attachment" => one(self, "policy_arn", Want::Arn)
                .map(|arn| RelationScope::PolicyHolders { arn })
                .into_iter()
                .collect(),
            "aws_iam_group_membership" => one(self, "group", Want::Name)
                .map(|g| RelationScope::GroupMembers { group: as_name(g) })
                .into_iter()
                .collect(),
            "aws_iam_role" => {
                // A role being created has nothing below to take away, and its name may be
                // generated: no scope.
                if inst.action == Action::Create {
                    return Vec::new();
                }
                // Exclusive only where the configuration sets the argument (the values of
                // these computed arguments may be what AWS has).
                let set = |name: &str| f.expr.is_some_and(|e| e.get(name).is_some());
                let (inline, managed) = (set("inline_policy"), set("managed_policy_arns"));
                if !inline && !managed {
                    return Vec::new();
                }
                let target = PrincipalTarget::Role(self.name_of(inst, 0));
                let mut out = Vec::new();
                if inline {
                    out.push(RelationScope::InlinePolicies {
                        target: target.clone(),
                        keep: Vec::new(),
                    });
                }
                if managed {
                    out.push(RelationScope::ManagedPolicies {
                        target,
                        keep: Vec::new(),
                    });
                }
                out
            }
            t => {
                let Some((kind, what)) = t
                    .strip_prefix("aws_iam_")
                    .and_then(|r| r.split_once('_'))
                    .filter(|(k, _)| matches!(*k, "user" | "group" | "role"))
                else {
                    return Vec::new();
                };
                let attr = format!("{kind}_name");
                let Some(name) = one(self, &attr, Want::Name) else {
                    return Vec::new();
                };
                let target = principal(kind, as_name(name));
                match what {
                    "policies_exclusive" => {
                        let keep = self.strings(
                            &f.field("policy_names"),
                            &scope,
                            Want::Any,
                            "policy_names",
                        );
                        vec![RelationScope::InlinePolicies { target, keep }]
                    }
                    "policy_attachments_exclusive" => {
                        let keep =
                            self.strings(&f.field("policy_arns"), &scope, Want::Arn, "policy_arns");
                        vec![RelationScope::ManagedPolicies { target, keep }]
                    }
                    _ => Vec::new(),
                }
            }
        }
    }
}

/// Resource types that manage a scope of relations exclusively.
fn exclusive(rtype: &str) -> bool {
    matches!(
        rtype,
        "aws_iam_policy_attachment" | "aws_iam_group_membership" | "aws_iam_role"
    ) || (rtype.starts_with("aws_iam_")
        && (rtype.ends_with("_policies_exclusive")
            || rtype.ends_with("_policy_attachments_exclusive")))
}
