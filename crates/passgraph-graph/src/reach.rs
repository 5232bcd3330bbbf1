//! Transitive findings: a principal that can assume a role gets the role's findings.
//!
//! Breadth-first search from every principal over the assume-role edges, iterative with a
//! visited set, so role-chaining cycles terminate. Two searches: over definite edges only
//! (definite reach, shortest definite chain) and over all edges (possible reach).

use std::collections::{BTreeMap, VecDeque};

use rayon::prelude::*;

use passgraph_model::{Effect, Tri};

use crate::index::Index;
use crate::pass::{self, Direct};
use crate::{AssumeEdge, Finding, PrincipalKind, Severity};

fn bfs(start: usize, adj: &[Vec<(usize, Tri)>], definite_only: bool) -> Vec<Option<usize>> {
    // parent[v] = Some(u) for reached v (start's parent is itself).
    let mut parent: Vec<Option<usize>> = vec![None; adj.len()];
    parent[start] = Some(start);
    let mut queue = VecDeque::from([start]);
    while let Some(u) = queue.pop_front() {
        for &(v, t) in &adj[u] {
            if parent[v].is_none() && (!definite_only || t == Tri::Yes) {
                parent[v] = Some(u);
                queue.push_back(v);
            }
        }
    }
    parent
}

fn path(parent: &[Option<usize>], start: usize, end: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut cur = end;
    while cur != start {
        out.push(cur);
        match parent[cur] {
            Some(p) => cur = p,
            None => break,
        }
    }
    out.reverse();
    out
}

/// Severity of passing a role, from its own permissions.
fn severities(idx: &Index<'_>, direct: &[Vec<Direct>], edges: &[AssumeEdge]) -> (Vec<Tri>, Vec<Severity>) {
    let admin = pass::role_admin(idx);
    let mut assumes = vec![false; idx.principals.len()];
    for e in edges {
        assumes[e.from] = true;
    }
    let sev = (0..idx.principals.len())
        .map(|r| {
            if idx.principals[r].kind != PrincipalKind::Role {
                return Severity::Low;
            }
            match admin[r] {
                Tri::Yes => Severity::Critical,
                Tri::Maybe => Severity::High,
                Tri::No if !direct[r].is_empty() || assumes[r] => Severity::High,
                Tri::No => {
                    let set = idx.policy_set(idx.key_of[r]);
                    let broad = set.identity.iter().any(|m| {
                        m.policy.unknown.is_some()
                            || m.policy.statements.iter().any(|s| s.effect == Effect::Allow && s.fixed_resource_globs().is_none_or(|g| g.iter().any(passgraph_model::Glob::is_match_all)))
                    });
                    if broad { Severity::Medium } else { Severity::Low }
                }
            }
        })
        .collect();
    (admin, sev)
}

pub(crate) fn close(idx: &Index<'_>, direct: &[Vec<Direct>], edges: &[AssumeEdge]) -> Vec<Finding> {
    let n = idx.principals.len();
    let mut adj: Vec<Vec<(usize, Tri)>> = vec![Vec::new(); n];
    for e in edges {
        adj[e.from].push((e.to, e.certainty));
    }
    for a in &mut adj {
        a.sort_unstable();
    }
    let (admin, severity) = severities(idx, direct, edges);
    let has_out: Vec<bool> = adj.iter().map(|a| !a.is_empty()).collect();
    let per_principal: Vec<Vec<Finding>> = (0..n)
        .into_par_iter()
        .map(|p| {
            // (role, service) -> best candidate
            let mut best: BTreeMap<(usize, &str), (Tri, Vec<usize>, &Direct)> = BTreeMap::new();
            let mut consider = |holder: usize, via: Vec<usize>, reach: Tri| {
                for d in &direct[holder] {
                    if d.role == p {
                        continue;
                    }
                    let c = reach.and(d.proof.certainty);
                    let key = (d.role, d.service.as_str());
                    let better = match best.get(&key) {
                        None => true,
                        Some((bc, bv, _)) => (c, std::cmp::Reverse(via.len()), std::cmp::Reverse(&via)) > (*bc, std::cmp::Reverse(bv.len()), std::cmp::Reverse(bv)),
                    };
                    if better {
                        best.insert(key, (c, via.clone(), d));
                    }
                }
            };
            consider(p, Vec::new(), Tri::Yes);
            if has_out[p] {
                let sure = bfs(p, &adj, true);
                let maybe = bfs(p, &adj, false);
                for r in 0..n {
                    if r == p || maybe[r].is_none() || direct[r].is_empty() {
                        continue;
                    }
                    if sure[r].is_some() {
                        consider(r, path(&sure, p, r), Tri::Yes);
                    } else {
                        consider(r, path(&maybe, p, r), Tri::Maybe);
                    }
                }
            }
            best.into_iter()
                .map(|((role, service), (certainty, via, d))| Finding {
                    principal: p,
                    role,
                    service: service.to_owned(),
                    certainty,
                    holder: via.last().copied().unwrap_or(p),
                    via,
                    proof: d.proof.clone(),
                    exploitable: d.exploitable,
                    launch_actions: d.launch_actions.clone(),
                    role_admin: admin[role],
                    severity: severity[role],
                    in_use_by: idx.uses[role].iter().filter(|(_, s)| s == service).map(|(u, _)| *u).collect(),
                })
                .collect()
        })
        .collect();
    per_principal.into_iter().flatten().collect()
}
