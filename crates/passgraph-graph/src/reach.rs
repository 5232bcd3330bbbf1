//! Transitive findings: a principal that can assume a role gets the role's findings.
//!
//! [`inputs`] prepares what the set engine ([`crate::sets`]) needs. [`close`] is the reference
//! the engine is compared with (every triple materialised, one search per principal):
//! breadth-first search from every principal over the assume-role edges, iterative with a
//! visited set, so role-chaining cycles terminate. Two searches: over definite edges only
//! (definite reach, shortest definite chain) and over all edges (possible reach).

use passgraph_model::hash::{HashMap, HashSet};
use std::collections::VecDeque;
use std::sync::Arc;

use rayon::prelude::*;

use passgraph_model::{Effect, Tri};

use crate::index::Index;
use crate::pass::{self, Detail, Directs, OpenEdges};
use crate::{AssumeEdge, Finding, PrincipalKind, Severity};

/// The graph the search walks: explicit assume-role edges, and the edges of every principal of
/// a key to the roles that trust everyone (expanded once per key and uncertainty per search).
struct Walk<'a> {
    adj: &'a [Vec<(usize, Tri)>],
    open: &'a OpenEdges,
    key_of: &'a [usize],
    uncertain: &'a [bool],
}

/// Breadth-first search: the parent of each reached node (`start` is its own parent), in a map
/// so that the cost is the size of what is reached, and the nodes in the order reached.
fn bfs(start: usize, w: &Walk<'_>, definite_only: bool) -> (HashMap<usize, usize>, Vec<usize>) {
    let mut parent: HashMap<usize, usize> = std::iter::once((start, start)).collect();
    let mut expanded: HashSet<(usize, bool)> = HashSet::default();
    let mut order = Vec::new();
    let mut queue = VecDeque::from([start]);
    while let Some(u) = queue.pop_front() {
        let key = w.key_of[u];
        let open: &[pass::OpenEdge] = if expanded.insert((key, w.uncertain[u])) {
            &w.open.by_key[key]
        } else {
            &[]
        };
        let implicit = open.iter().map(|e| {
            let t = e.certainty;
            (e.role, if w.uncertain[u] { t.weaken() } else { t })
        });
        for (v, t) in w.adj[u].iter().copied().chain(implicit) {
            if v != u && (!definite_only || t == Tri::Yes) && !parent.contains_key(&v) {
                parent.insert(v, u);
                order.push(v);
                queue.push_back(v);
            }
        }
    }
    (parent, order)
}

fn path(parent: &HashMap<usize, usize>, start: usize, end: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut cur = end;
    while cur != start {
        out.push(cur);
        match parent.get(&cur) {
            Some(p) => cur = *p,
            None => break,
        }
    }
    out.reverse();
    out
}

/// Severity of passing a role, from its own permissions.
fn severities(
    idx: &Index<'_>,
    direct: &[Arc<Directs>],
    assumes: &[bool],
) -> (Vec<Tri>, Vec<Severity>) {
    let admin = pass::role_admin(idx);
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
                            || m.policy.statements.iter().any(|s| {
                                s.effect == Effect::Allow
                                    && s.fixed_resource_globs().is_none_or(|g| {
                                        g.iter().any(passgraph_model::Glob::is_match_all)
                                    })
                            })
                    });
                    if broad {
                        Severity::Medium
                    } else {
                        Severity::Low
                    }
                }
            }
        })
        .collect();
    (admin, sev)
}

/// The adjacency, open edges, severities and uses the set engine needs.
pub(crate) fn inputs(
    idx: &Index<'_>,
    direct: Vec<Arc<Directs>>,
    edges: &[AssumeEdge],
    open: &OpenEdges,
) -> crate::sets::Inputs {
    let n = idx.principals.len();
    let mut adj: Vec<Vec<(usize, Tri)>> = vec![Vec::new(); n];
    for e in edges {
        adj[e.from].push((e.to, e.certainty));
    }
    for a in &mut adj {
        a.sort_unstable();
    }
    let opens = |p: usize| open.by_key[idx.key_of[p]].iter().any(|e| e.role != p);
    let has_out: Vec<bool> = (0..n).map(|p| !adj[p].is_empty() || opens(p)).collect();
    let (admin, severity) = severities(idx, &direct, &has_out);
    crate::sets::Inputs {
        pairs: idx.pairs.clone(),
        direct,
        adj,
        open: open
            .by_key
            .iter()
            .map(|l| l.iter().map(|e| (e.role, e.certainty)).collect())
            .collect(),
        key_of: idx.key_of.clone(),
        uncertain: idx.principals.iter().map(|p| p.uncertain).collect(),
        has_out,
        admin,
        severity,
        uses: idx.uses.clone(),
        trust: (0..n)
            .map(|r| {
                idx.trusted_services[r]
                    .iter()
                    .map(|t| (t.service.clone(), t.proofs.clone()))
                    .collect()
            })
            .collect(),
    }
}

pub(crate) fn close(
    idx: &Index<'_>,
    direct: &[Arc<Directs>],
    edges: &[AssumeEdge],
    open: &OpenEdges,
) -> Vec<Finding> {
    let n = idx.principals.len();
    let mut adj: Vec<Vec<(usize, Tri)>> = vec![Vec::new(); n];
    for e in edges {
        adj[e.from].push((e.to, e.certainty));
    }
    for a in &mut adj {
        a.sort_unstable();
    }
    let opens = |p: usize| open.by_key[idx.key_of[p]].iter().any(|e| e.role != p);
    let has_out: Vec<bool> = (0..n).map(|p| !adj[p].is_empty() || opens(p)).collect();
    let (admin, severity) = severities(idx, direct, &has_out);
    let uncertain: Vec<bool> = idx.principals.iter().map(|p| p.uncertain).collect();
    let walk = Walk {
        adj: &adj,
        open,
        key_of: &idx.key_of,
        uncertain: &uncertain,
    };
    // Resources that hand each role to each service, shared by every finding about them.
    let mut uses: HashMap<(usize, &str), Arc<[usize]>> = HashMap::default();
    for (role, list) in idx.uses.iter().enumerate() {
        for (u, s) in list {
            let e = uses
                .entry((role, s.as_str()))
                .or_insert_with(|| Arc::from(Vec::new()));
            let mut v = e.to_vec();
            v.push(*u);
            *e = v.into();
        }
    }
    let no_uses: Arc<[usize]> = Arc::from(Vec::new());
    let direct_via: Arc<[usize]> = Arc::from(Vec::new());
    let trust_of = |role: usize, service: &str| -> &[crate::Proof] {
        idx.trusted_services[role]
            .iter()
            .find(|t| t.service == service)
            .map_or(&[], |t| t.proofs.as_slice())
    };
    let pair = |i: u32| -> (usize, &Arc<str>) {
        let (r, s) = &idx.pairs[i as usize];
        (*r, s)
    };
    let finding = |p: usize, pair_id: u32, certainty: Tri, via: Arc<[usize]>, d: &Detail| {
        let (role, service) = pair(pair_id);
        Finding {
            principal: p,
            role,
            service: service.clone(),
            certainty,
            holder: via.last().copied().unwrap_or(p),
            via,
            proof: pass::with_trust(&d.proof, &Arc::from(trust_of(role, service))),
            exploitable: d.exploitable,
            launch_actions: d.launch_actions.clone(),
            role_admin: admin[role],
            severity: severity[role],
            also_via: None,
            in_use_by: uses
                .get(&(role, &**service))
                .cloned()
                .unwrap_or_else(|| no_uses.clone()),
        }
    };
    (0..n)
        .into_par_iter()
        .flat_map_iter(|p| {
            if !has_out[p] {
                // No assume-role edge: the principal's own findings, already one per
                // (role, service).
                let mut own: Vec<Finding> = direct[p]
                    .iter()
                    .map(|(i, d)| finding(p, i, d.proof.certainty, direct_via.clone(), d))
                    .collect();
                own.sort_by(|a, b| (a.role, &*a.service).cmp(&(b.role, &*b.service)));
                return own;
            }
            // Every way to each (role, service); the best one wins: definite first, then the
            // shortest chain, then the first chain in principal order.
            let mut all: Vec<(usize, &str, Tri, Arc<[usize]>, &Detail, u32)> = Vec::new();
            let mut consider = |holder: usize, via: Arc<[usize]>, reach: Tri| {
                for (i, d) in direct[holder].iter() {
                    let (role, service) = pair(i);
                    all.push((
                        role,
                        &**service,
                        reach.and(d.proof.certainty),
                        via.clone(),
                        d,
                        i,
                    ));
                }
            };
            consider(p, direct_via.clone(), Tri::Yes);
            let (sure, _) = bfs(p, &walk, true);
            let (maybe, order) = bfs(p, &walk, false);
            for r in order {
                if r == p || direct[r].is_empty() {
                    continue;
                }
                if sure.contains_key(&r) {
                    consider(r, path(&sure, p, r).into(), Tri::Yes);
                } else {
                    consider(r, path(&maybe, p, r).into(), Tri::Maybe);
                }
            }
            // The shortest chain is shown (direct first); the certainty is the best over all
            // chains, and a longer chain that is surer is named in `also_via`.
            all.sort_by(|a, b| {
                (a.0, a.1, a.3.len(), std::cmp::Reverse(a.2), &a.3[..]).cmp(&(
                    b.0,
                    b.1,
                    b.3.len(),
                    std::cmp::Reverse(b.2),
                    &b.3[..],
                ))
            });
            let mut out = Vec::new();
            let mut i = 0;
            while i < all.len() {
                let mut j = i + 1;
                while j < all.len() && all[j].0 == all[i].0 && all[j].1 == all[i].1 {
                    j += 1;
                }
                let group = &all[i..j];
                let (_, _, certainty, via, d, pair_id) = &group[0];
                let best = group.iter().map(|c| c.2).max().unwrap_or(*certainty);
                let mut f = finding(p, *pair_id, best, via.clone(), d);
                if best > *certainty {
                    f.also_via = group.iter().find(|c| c.2 == best).map(|c| c.3.clone());
                }
                out.push(f);
                i = j;
            }
            out
        })
        .collect()
}
