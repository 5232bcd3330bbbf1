//! When an entity exists: a boolean formula over the conditions that cannot be decided offline,
//! and the merge of entities of one kind and one name whose formulas together always hold.
//!
//! A template may define one IAM name in several resources under conditions that cover every
//! case (`Condition: IsUsEast1` and `Condition: NotUsEast1`, or `RoleName: !If [C, app, ...]`
//! in one resource and `!If [C, ..., app]` in another). Each definition alone exists only
//! possibly, but the name always exists: the definitions become one certain entity. What the
//! definitions share stays certain; what only some carry holds only possibly (uncertain
//! statements, attachments or memberships), so that no finding becomes definite unless it holds
//! in every case.

use passgraph_model::hash::HashMap;

use passgraph_model::{
    Account, AttachedPolicy, Attachment, InlinePolicy, Membership, Origin, PolicyDocument,
    PolicyRef, PrincipalTarget, Str, TextRange,
};

/// Most atoms a tautology check enumerates (2^12 assignments).
const MAX_ATOMS: usize = 12;

/// Most definitions merged into one entity.
const MAX_GROUP: usize = 16;

/// Most policies (or groups) of merged definitions compared pairwise; past it each holds only
/// possibly.
const MAX_ITEMS: usize = 256;

/// Formula nodes evaluated per template by tautology checks; past it nothing more is merged.
const BUDGET: usize = 20_000_000;

/// A condition: constants, atoms (an undecidable comparison or an opaque unknown, identified by
/// number), and their combinations. Distinct atoms are taken as independent, which can only
/// hide a tautology, never invent one.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Formula {
    Const(bool),
    Atom(u32),
    Not(Box<Formula>),
    And(Vec<Formula>),
    Or(Vec<Formula>),
}

impl Formula {
    pub(crate) const TRUE: Formula = Formula::Const(true);

    pub(crate) fn negate(self) -> Formula {
        match self {
            Formula::Const(b) => Formula::Const(!b),
            Formula::Not(f) => *f,
            f => Formula::Not(Box::new(f)),
        }
    }

    pub(crate) fn and(self, other: Formula) -> Formula {
        match (self, other) {
            (Formula::Const(false), _) | (_, Formula::Const(false)) => Formula::Const(false),
            (Formula::Const(true), f) | (f, Formula::Const(true)) => f,
            (a, b) => Formula::And(vec![a, b]),
        }
    }

    pub(crate) fn or(self, other: Formula) -> Formula {
        match (self, other) {
            (Formula::Const(true), _) | (_, Formula::Const(true)) => Formula::Const(true),
            (Formula::Const(false), f) | (f, Formula::Const(false)) => f,
            (a, b) => Formula::Or(vec![a, b]),
        }
    }

    /// Number of nodes.
    pub(crate) fn size(&self) -> usize {
        match self {
            Formula::Const(_) | Formula::Atom(_) => 1,
            Formula::Not(f) => 1 + f.size(),
            Formula::And(v) | Formula::Or(v) => 1 + v.iter().map(Formula::size).sum::<usize>(),
        }
    }

    fn atoms(&self, out: &mut Vec<u32>) {
        match self {
            Formula::Const(_) => {}
            Formula::Atom(a) => {
                if !out.contains(a) {
                    out.push(*a);
                }
            }
            Formula::Not(f) => f.atoms(out),
            Formula::And(v) | Formula::Or(v) => v.iter().for_each(|f| f.atoms(out)),
        }
    }

    /// The value when atom `atoms[i]` is bit `i` of `bits`.
    fn eval(&self, atoms: &[u32], bits: u32) -> bool {
        match self {
            Formula::Const(b) => *b,
            Formula::Atom(a) => atoms
                .iter()
                .position(|x| x == a)
                .is_some_and(|i| bits >> i & 1 == 1),
            Formula::Not(f) => !f.eval(atoms, bits),
            Formula::And(v) => v.iter().all(|f| f.eval(atoms, bits)),
            Formula::Or(v) => v.iter().any(|f| f.eval(atoms, bits)),
        }
    }
}

/// True when at least one of `fs` holds in every case. False when that cannot be shown: too
/// many atoms, or the budget is spent.
fn covers(fs: &[&Formula], budget: &mut usize) -> bool {
    if fs.iter().any(|f| **f == Formula::TRUE) {
        return true;
    }
    let mut atoms = Vec::new();
    fs.iter().for_each(|f| f.atoms(&mut atoms));
    if atoms.len() > MAX_ATOMS {
        return false;
    }
    let cost = fs.iter().map(|f| f.size()).sum::<usize>() << atoms.len();
    if cost > *budget {
        return false;
    }
    *budget -= cost;
    (0..1u32 << atoms.len()).all(|bits| fs.iter().any(|f| f.eval(&atoms, bits)))
}

/// The condition under which each entity of the account exists, by kind, in the order of the
/// account's lists.
#[derive(Debug, Default)]
pub(crate) struct Conditions {
    pub(crate) users: Vec<Formula>,
    pub(crate) groups: Vec<Formula>,
    pub(crate) roles: Vec<Formula>,
    pub(crate) policies: Vec<Formula>,
    pub(crate) instance_profiles: Vec<Formula>,
}

/// `doc` with every origin blanked, to compare documents by content.
fn blank(doc: &PolicyDocument) -> PolicyDocument {
    let none = Origin::new(doc.origin.file, TextRange::new(0, 0));
    let mut d = doc.clone();
    d.origin = none.clone();
    for s in &mut d.statements {
        s.origin = none.clone();
        for c in &mut s.conditions {
            c.origin = none.clone();
        }
    }
    d
}

fn same_doc(a: &PolicyDocument, b: &PolicyDocument) -> bool {
    blank(a) == blank(b)
}

fn same_ref(a: Option<&PolicyRef>, b: Option<&PolicyRef>) -> bool {
    a.map(|r| &r.arn) == b.map(|r| &r.arn)
}

/// The items of the merged definitions (`(definition, item)`), split by `same` into the ones
/// that hold in every case and the ones that hold only possibly.
fn split<T: Clone>(
    items: Vec<(usize, T)>,
    conds: &[&Formula],
    same: impl Fn(&T, &T) -> bool,
    budget: &mut usize,
) -> (Vec<T>, Vec<T>) {
    if items.len() > MAX_ITEMS {
        return (Vec::new(), items.into_iter().map(|(_, x)| x).collect());
    }
    let (mut sure, mut maybe) = (Vec::new(), Vec::new());
    let mut done = vec![false; items.len()];
    for i in 0..items.len() {
        if done[i] {
            continue;
        }
        let class: Vec<usize> = (i..items.len())
            .filter(|&j| !done[j] && same(&items[i].1, &items[j].1))
            .collect();
        let fs: Vec<&Formula> = class
            .iter()
            .filter_map(|&j| items.get(j).and_then(|(d, _)| conds.get(*d).copied()))
            .collect();
        let always = fs.len() == class.len() && covers(&fs, budget);
        for j in class {
            done[j] = true;
            let item = items[j].1.clone();
            if always {
                sure.push(item)
            } else {
                maybe.push(item)
            }
        }
    }
    (sure, maybe)
}

/// Merges, in `list`, each group of entities with the same name and ARN (`key`: name, ARN,
/// uncertain) that has an uncertain member, at most [`MAX_GROUP`] members, and members that
/// together exist in every case, into `merged(members, their conditions)` when it gives one,
/// at the first member's place.
fn merge_kind<T>(
    list: &mut Vec<T>,
    conds: &[Formula],
    budget: &mut usize,
    key: impl Fn(&T) -> (&Str, &Str, bool),
    mut merged: impl FnMut(&[&T], &[&Formula], &mut usize) -> Option<T>,
) {
    if conds.len() != list.len() {
        return;
    }
    let mut by_key: HashMap<(&Str, &Str), Vec<usize>> = HashMap::default();
    let mut order = Vec::new();
    for (i, x) in list.iter().enumerate() {
        let (name, arn, _) = key(x);
        let slot = by_key.entry((name, arn)).or_default();
        if slot.is_empty() {
            order.push((name, arn));
        }
        slot.push(i);
    }
    let mut replace: Vec<(usize, T)> = Vec::new();
    let mut drop = vec![false; list.len()];
    for k in order {
        let Some(g) = by_key.remove(&k) else { continue };
        let members: Vec<&T> = g.iter().filter_map(|&i| list.get(i)).collect();
        let fs: Vec<&Formula> = g.iter().filter_map(|&i| conds.get(i)).collect();
        if g.len() < 2 || g.len() > MAX_GROUP || !members.iter().any(|x| key(x).2) {
            continue;
        }
        if !covers(&fs, budget) {
            continue;
        }
        if let (Some(m), Some(&first)) = (merged(&members, &fs, budget), g.first()) {
            replace.push((first, m));
            g.iter().skip(1).for_each(|&i| drop[i] = true);
        }
    }
    if replace.is_empty() {
        return;
    }
    let mut out: Vec<Option<T>> = std::mem::take(list).into_iter().map(Some).collect();
    for (i, m) in replace {
        if let Some(slot) = out.get_mut(i) {
            *slot = Some(m);
        }
    }
    *list = out
        .into_iter()
        .zip(drop)
        .filter_map(|(x, d)| if d { None } else { x })
        .collect();
}

/// The items of each definition, with the definition's number.
fn enumerated<T, I: Clone>(m: &[&T], f: impl Fn(&T) -> &[I]) -> Vec<(usize, I)> {
    m.iter()
        .enumerate()
        .flat_map(|(i, x)| f(x).iter().map(move |y| (i, y.clone())))
        .collect()
}

/// Inline policies of merged definitions: the ones in every case, then the others with their
/// statements uncertain.
fn inline_union<T>(
    m: &[&T],
    fs: &[&Formula],
    budget: &mut usize,
    f: impl Fn(&T) -> &[InlinePolicy],
) -> Vec<InlinePolicy> {
    let (mut sure, maybe) = split(
        enumerated(m, f),
        fs,
        |a, b| a.name == b.name && same_doc(&a.document, &b.document),
        budget,
    );
    sure.extend(maybe.into_iter().map(|mut p| {
        p.document
            .statements
            .iter_mut()
            .for_each(|s| s.uncertain = true);
        p
    }));
    sure
}

/// Attached managed policies of merged definitions: the ones in every case; the others become
/// uncertain attachments of `target`.
fn attached_union<T>(
    m: &[&T],
    fs: &[&Formula],
    budget: &mut usize,
    f: impl Fn(&T) -> &[PolicyRef],
    target: &PrincipalTarget,
    out: &mut Vec<Attachment>,
) -> Vec<PolicyRef> {
    let (sure, maybe) = split(enumerated(m, f), fs, |a, b| a.arn == b.arn, budget);
    out.extend(maybe.into_iter().map(|r| Attachment {
        target: target.clone(),
        origin: r.origin.clone(),
        policy: AttachedPolicy::Managed(r),
        uncertain: true,
    }));
    sure
}

/// Merges the definitions of one name that together exist in every case (see the module doc).
/// Definitions that differ in what cannot be split into "in every case" and "possibly" (trust
/// policy, boundary, tags, document, roles of an instance profile) are left apart.
pub(crate) fn merge(acc: &mut Account, conds: &Conditions) {
    let mut budget = BUDGET;
    let mut attachments = Vec::new();
    let mut memberships = Vec::new();
    merge_kind(
        &mut acc.roles,
        &conds.roles,
        &mut budget,
        |x| (&x.name, &x.arn, x.uncertain),
        |m, fs, budget| {
            let first = *m.first()?;
            let alike = m.iter().all(|x| {
                same_doc(&x.trust, &first.trust)
                    && x.tags == first.tags
                    && same_ref(x.boundary.as_ref(), first.boundary.as_ref())
            });
            if !alike {
                return None;
            }
            let target = PrincipalTarget::Role(first.name.clone());
            let mut role = first.clone();
            role.inline = inline_union(m, fs, budget, |x| &x.inline);
            role.attached =
                attached_union(m, fs, budget, |x| &x.attached, &target, &mut attachments);
            role.uncertain = false;
            Some(role)
        },
    );
    merge_kind(
        &mut acc.users,
        &conds.users,
        &mut budget,
        |x| (&x.name, &x.arn, x.uncertain),
        |m, fs, budget| {
            let first = *m.first()?;
            let alike = m.iter().all(|x| {
                x.tags == first.tags && same_ref(x.boundary.as_ref(), first.boundary.as_ref())
            });
            if !alike {
                return None;
            }
            let target = PrincipalTarget::User(first.name.clone());
            let mut user = first.clone();
            user.inline = inline_union(m, fs, budget, |x| &x.inline);
            user.attached =
                attached_union(m, fs, budget, |x| &x.attached, &target, &mut attachments);
            let (groups, maybe) = split(enumerated(m, |x| &x.groups), fs, Str::eq, budget);
            user.groups = groups;
            memberships.extend(maybe.into_iter().map(|group| Membership {
                user: first.name.clone(),
                group,
                uncertain: true,
                origin: first.origin.clone(),
            }));
            user.uncertain = false;
            Some(user)
        },
    );
    merge_kind(
        &mut acc.groups,
        &conds.groups,
        &mut budget,
        |x| (&x.name, &x.arn, x.uncertain),
        |m, fs, budget| {
            let first = *m.first()?;
            let target = PrincipalTarget::Group(first.name.clone());
            let mut group = first.clone();
            group.inline = inline_union(m, fs, budget, |x| &x.inline);
            group.attached =
                attached_union(m, fs, budget, |x| &x.attached, &target, &mut attachments);
            group.uncertain = false;
            Some(group)
        },
    );
    merge_kind(
        &mut acc.policies,
        &conds.policies,
        &mut budget,
        |x| (&x.name, &x.arn, x.uncertain),
        |m, _, _| {
            let first = *m.first()?;
            let alike = m.iter().all(|x| same_doc(&x.document, &first.document));
            alike.then(|| {
                let mut p = first.clone();
                p.uncertain = false;
                p
            })
        },
    );
    merge_kind(
        &mut acc.instance_profiles,
        &conds.instance_profiles,
        &mut budget,
        |x| (&x.name, &x.arn, x.uncertain),
        |m, _, _| {
            let first = *m.first()?;
            let alike = m.iter().all(|x| x.roles == first.roles);
            alike.then(|| {
                let mut p = first.clone();
                p.uncertain = false;
                p
            })
        },
    );
    acc.attachments.extend(attachments);
    acc.memberships.extend(memberships);
}

#[cfg(test)]
mod tests;
