//! Proofs that rest on a built-in AWS managed policy point at where the inputs attach it.
//!
//! A built-in document is no file of the user's: its statements' positions are in the
//! built-in table. The statement is still named (policy ARN and `Sid`), but its origin becomes
//! the attachment of the policy to the principal whose policies grant (the holder), which is
//! where the user can act.

use passgraph_model::hash::HashMap;
use std::sync::Arc;

use passgraph_model::Origin;

use crate::index::Index;
use crate::pass::{Detail, Directs};
use crate::{AssumeEdge, Finding, PassProof, Proof};

/// The attachment origin of `proof`'s policy for `holder`, when the policy is a built-in one.
fn attached<'i>(idx: &'i Index<'_>, holder: usize, proof: &Proof) -> Option<&'i Origin> {
    idx.attached_at
        .get(holder)?
        .iter()
        .find(|(p, _)| idx.policies[*p].label.name == proof.policy)
        .map(|(_, o)| o)
}

/// Per principal: the built-in policies attached to it (by name) and where, for proofs put
/// together after the index is gone ([`repointed`]).
pub(crate) fn attachments(idx: &Index<'_>) -> Vec<Vec<(Arc<str>, Origin)>> {
    idx.attached_at
        .iter()
        .map(|list| {
            list.iter()
                .map(|(p, o)| (idx.policies[*p].label.name.clone(), o.clone()))
                .collect()
        })
        .collect()
}

/// [`repoint`] with a principal's [`attachments`]: the rewritten list, or `None` when nothing
/// rests on a built-in policy attached to it.
pub(crate) fn repointed(attached: &[(Arc<str>, Origin)], proofs: &[Proof]) -> Option<Vec<Proof>> {
    let mut v = proofs.to_vec();
    let changed = repoint_with(&mut v, |g| {
        attached
            .iter()
            .find(|(name, _)| *name == g.policy)
            .map(|(_, o)| o)
    });
    changed.then_some(v)
}

/// [`repoint`] on a shared list: a new list only when something changes.
fn repoint_shared(idx: &Index<'_>, holder: usize, proofs: &mut Arc<[Proof]>) -> bool {
    let mut v = proofs.to_vec();
    let changed = repoint(idx, holder, &mut v);
    if changed {
        *proofs = v.into();
    }
    changed
}

fn repoint(idx: &Index<'_>, holder: usize, proofs: &mut [Proof]) -> bool {
    repoint_with(proofs, |g| attached(idx, holder, g))
}

/// Gives each proof the origin `at` says its policy is attached at (sorted again when one
/// changed); whether one did.
fn repoint_with<'o>(proofs: &mut [Proof], at: impl Fn(&Proof) -> Option<&'o Origin>) -> bool {
    let mut changed = false;
    for g in proofs.iter_mut() {
        if let Some(o) = at(g) {
            g.origin = o.clone();
            changed = true;
        }
    }
    if changed {
        proofs.sort();
    }
    changed
}

/// Rewrites the origins of grants (and conditional denies) in built-in AWS managed policies.
pub(crate) fn findings(idx: &Index<'_>, findings: &mut [Finding]) {
    if idx.attached_at.iter().all(Vec::is_empty) {
        return;
    }
    // Findings of one holder share their proofs; so do the rewritten ones.
    let mut done: HashMap<(usize, *const PassProof), Arc<PassProof>> = HashMap::default();
    for f in findings {
        if idx.attached_at[f.holder].is_empty() {
            continue;
        }
        let key = (f.holder, Arc::as_ptr(&f.proof));
        if let Some(p) = done.get(&key) {
            f.proof = p.clone();
            continue;
        }
        let mut p = (*f.proof).clone();
        let a = repoint_shared(idx, f.holder, &mut p.grants);
        let b = repoint_shared(idx, f.holder, &mut p.denies);
        let new = if a || b { Arc::new(p) } else { f.proof.clone() };
        done.insert(key, new.clone());
        f.proof = new;
    }
}

/// The same for the direct findings of each principal (the holder of its own grants), before
/// the set engine shares them: a principal whose proofs change gets its own list, principals
/// with the same list and the same attachments share the rewritten one.
pub(crate) fn directs(idx: &Index<'_>, direct: &mut [Arc<Directs>]) {
    if idx.attached_at.iter().all(Vec::is_empty) {
        return;
    }
    type Shared = HashMap<(*const Directs, Vec<(usize, Origin)>), Arc<Directs>>;
    let mut done: Shared = HashMap::default();
    for (p, list) in direct.iter_mut().enumerate() {
        let Some(at) = idx.attached_at.get(p).filter(|a| !a.is_empty()) else {
            continue;
        };
        let key = (Arc::as_ptr(list), at.clone());
        if let Some(l) = done.get(&key) {
            *list = l.clone();
            continue;
        }
        let changed = std::cell::Cell::new(false);
        let new = list.map_details(|d| {
            let mut proof = (*d.proof).clone();
            let a = repoint_shared(idx, p, &mut proof.grants);
            let b = repoint_shared(idx, p, &mut proof.denies);
            if a || b {
                changed.set(true);
                Detail {
                    proof: Arc::new(proof),
                    ..d.clone()
                }
            } else {
                d.clone()
            }
        });
        if changed.get() {
            *list = Arc::new(new);
        }
        done.insert(key, list.clone());
    }
}

/// The same for identity grants of `sts:AssumeRole`.
pub(crate) fn assume_edges(idx: &Index<'_>, edges: &mut [AssumeEdge]) {
    for e in edges {
        if idx.attached_at.get(e.from).is_none_or(Vec::is_empty) {
            continue;
        }
        repoint_shared(idx, e.from, &mut e.grants);
    }
}

/// The same for the PassRole statements `explain` lists per principal.
pub(crate) fn statements(
    idx: &Index<'_>,
    per_principal: &mut [Vec<(passgraph_model::Effect, Proof)>],
) {
    for (p, list) in per_principal.iter_mut().enumerate() {
        for (_, proof) in list {
            if let Some(o) = attached(idx, p, proof) {
                proof.origin = o.clone();
            }
        }
    }
}
