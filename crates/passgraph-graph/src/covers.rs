//! What each statement's resource element says of every role, computed once per statement.
//!
//! A managed policy is held by many keys (principals with the same policies), and the PassRole
//! pass asks, for every key and every candidate role, whether each of the key's statements
//! covers the role's ARN. The answer of a resource element without policy variables depends on
//! the role alone, so it is computed here once per statement, over the roles the parts index
//! ([`crate::parts`]) or the literal ARN prefix leave as candidates, and shared: the pass looks it
//! up ([`passgraph_eval::Prepared::evaluate_with`]) instead of matching patterns again, and a
//! key's candidate roles are the union of its allow statements' covers.

use passgraph_model::hash::HashMap;

use rayon::prelude::*;

use passgraph_eval::{CompiledStatement, Prepared};
use passgraph_model::Tri;
use passgraph_model::pattern::Glob;

use crate::index::Index;
use crate::pass::PASS;

/// The roles one statement's resource element covers.
#[derive(Debug)]
pub(crate) enum Cover {
    /// Every role, this surely.
    All(Tri),
    /// These roles (principal indices, sorted), each this surely; every other role: `No`.
    Some(Vec<(u32, Tri)>),
}

impl Cover {
    pub(crate) fn get(&self, role: usize) -> Tri {
        match self {
            Cover::All(t) => *t,
            Cover::Some(v) => {
                let Ok(role) = u32::try_from(role) else {
                    return Tri::No;
                };
                match v.binary_search_by_key(&role, |(r, _)| *r) {
                    Ok(i) => v[i].1,
                    Err(_) => Tri::No,
                }
            }
        }
    }
}

/// The covers of every statement that may concern `iam:PassRole` and whose resource element
/// has no policy variables, by statement address (statements live in [`Index::policies`] as
/// long as the index).
pub(crate) struct Covers {
    by_statement: HashMap<usize, Cover>,
}

fn address(s: &CompiledStatement) -> usize {
    std::ptr::from_ref(s) as usize
}

impl Covers {
    pub(crate) fn build(idx: &Index<'_>) -> Covers {
        let statements: Vec<&CompiledStatement> = idx
            .policies
            .iter()
            .filter(|p| p.unknown.is_none())
            .flat_map(|p| &p.statements)
            .filter(|s| s.resource_is_fixed() && s.action_match(PASS) != Tri::No)
            .collect();
        let all_roles: Vec<usize> = (idx.n_users..idx.principals.len()).collect();
        let by_statement = statements
            .par_iter()
            .map(|s| (address(s), cover(idx, s, &all_roles)))
            .collect();
        Covers { by_statement }
    }

    pub(crate) fn get(&self, s: &CompiledStatement) -> Option<&Cover> {
        self.by_statement.get(&address(s))
    }

    /// The roles some allow statement of `prep` may cover, sorted; `None` when a statement
    /// has no cover (policy variables, an unknown document): every role is a candidate then.
    pub(crate) fn candidates(&self, prep: &Prepared<'_>) -> Option<Vec<usize>> {
        if prep.has_unknown_identity() {
            return None;
        }
        // The union of the statements' sorted lists: a key's covers are short next to the
        // account (a flag per principal, per key, was a tenth of a large account's run).
        let mut roles: Vec<usize> = Vec::new();
        for s in prep.allow_statements() {
            match self.get(s)? {
                Cover::All(_) => return None,
                Cover::Some(v) => roles.extend(v.iter().map(|(r, _)| *r as usize)),
            }
        }
        roles.sort_unstable();
        roles.dedup();
        Some(roles)
    }
}

fn cover(idx: &Index<'_>, s: &CompiledStatement, all_roles: &[usize]) -> Cover {
    let scanned = s
        .fixed_resource_globs()
        .and_then(|globs| roles_for_globs(idx, globs));
    let roles = scanned.as_deref().unwrap_or(all_roles);
    let ctx = passgraph_eval::Context::default();
    let v: Vec<(u32, Tri)> = roles
        .iter()
        .filter_map(|&r| {
            let t = s.resource_match(&idx.principals[r].arn, &ctx);
            let r = u32::try_from(r).ok()?;
            (t != Tri::No).then_some((r, t))
        })
        .collect();
    if v.len() == all_roles.len()
        && let Some((_, first)) = v.first()
        && v.iter().all(|(_, t)| t == first)
    {
        return Cover::All(*first);
    }
    Cover::Some(v)
}

/// The roles (principal indices, sorted, distinct) that one of `globs` may match, by the parts
/// index or the literal prefix of the whole ARN; `None` when a pattern narrows nothing.
pub(crate) fn roles_for_globs(idx: &Index<'_>, globs: &[Glob]) -> Option<Vec<usize>> {
    let mut out = Vec::new();
    let (mut by_arn, mut by_parts) = (false, false);
    for g in globs {
        if let Some(parts) = &idx.role_parts
            && let Some(rp) = g.literal_after(':', 5).filter(|r| !r.is_empty())
        {
            by_parts = true;
            out.extend(parts.with_prefix(&rp));
            continue;
        }
        let prefix = g.literal_prefix();
        if prefix.len() <= "arn:".len() {
            return None;
        }
        by_arn = true;
        let start = idx
            .roles_known
            .partition_point(|(a, _)| a.as_str() < prefix.as_str());
        out.extend(
            idx.roles_known[start..]
                .iter()
                .take_while(|(a, _)| a.starts_with(&prefix))
                .map(|(_, r)| *r),
        );
    }
    if by_arn || idx.role_parts.is_none() {
        out.extend(idx.roles_symbolic.iter().copied());
    }
    if by_parts && let Some(parts) = &idx.role_parts {
        out.extend(parts.unsplit.iter().copied());
    }
    out.sort_unstable();
    out.dedup();
    Some(out)
}
