//! Transitive findings as sets: the engine behind [`crate::Findings`].
//!
//! Every (role, service) pair that some principal's own policies can pass gets a *pair id*, in
//! (role, service) order, so a set of pair ids iterates in the order findings are written.
//! Principals with the same direct findings share one *class* (its direct list and the sets of
//! its definite and possible pairs). The assume-role graph is condensed into strongly connected
//! components (petgraph's `tarjan_scc`) twice, over definite edges (definite reach) and over all
//! edges (possible reach); each component's reachable pairs are computed once, in topological
//! order, and shared by every principal of the component. Roles that trust every principal are
//! reached through one virtual node per key (and uncertainty), so they cost one edge per
//! principal, not one per (principal, role).
//!
//! Nothing is stored per (principal, role, service) triple: a principal's findings are its
//! pairs, and the chain shown for one (`via`: the shortest, direct first, then the surest, then
//! the first in principal order) is found when the finding is asked for, by a breadth-first
//! search from that principal.

use passgraph_model::hash::{HashMap, HashSet};
use std::collections::VecDeque;
use std::sync::{Arc, OnceLock};

use petgraph::graph::{DiGraph, NodeIndex};

use passgraph_model::Tri;

use crate::pass::{Detail, Directs};
use crate::{Finding, Severity};

/// A dense set of pair ids.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Bits(Vec<u64>);

impl Bits {
    fn new(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)])
    }
    fn insert(&mut self, i: u32) {
        let i = i as usize;
        if let Some(w) = self.0.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }
    fn contains(&self, i: u32) -> bool {
        let i = i as usize;
        self.0.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
    fn len(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }
    fn union(&mut self, other: &PairSet) {
        match other {
            PairSet::Sparse(v) => {
                for &i in v {
                    self.insert(i);
                }
            }
            PairSet::Dense(b) => {
                for (a, b) in self.0.iter_mut().zip(&b.0) {
                    *a |= b;
                }
            }
        }
    }
    fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.0.iter().enumerate().flat_map(|(wi, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let b = w.trailing_zeros();
                w &= w - 1;
                u32::try_from(wi * 64).ok().map(|base| base + b)
            })
        })
    }
}

/// A set of pair ids: a sorted list when small, a bitset when that is smaller.
#[derive(Clone, Debug)]
pub(crate) enum PairSet {
    Sparse(Vec<u32>),
    Dense(Bits),
}

impl PairSet {
    fn from_sorted(v: Vec<u32>, n: usize) -> PairSet {
        if v.len() * 32 > n {
            let mut b = Bits::new(n);
            for &i in &v {
                b.insert(i);
            }
            PairSet::Dense(b)
        } else {
            PairSet::Sparse(v)
        }
    }
    fn from_bits(b: Bits, n: usize) -> PairSet {
        let len = b.len();
        if len * 32 > n {
            PairSet::Dense(b)
        } else {
            PairSet::Sparse(b.iter().collect())
        }
    }
    pub(crate) fn contains(&self, i: u32) -> bool {
        match self {
            PairSet::Sparse(v) => v.binary_search(&i).is_ok(),
            PairSet::Dense(b) => b.contains(i),
        }
    }
    pub(crate) fn len(&self) -> usize {
        match self {
            PairSet::Sparse(v) => v.len(),
            PairSet::Dense(b) => b.len(),
        }
    }
    pub(crate) fn iter(&self) -> Box<dyn Iterator<Item = u32> + '_> {
        match self {
            PairSet::Sparse(v) => Box::new(v.iter().copied()),
            PairSet::Dense(b) => Box::new(b.iter()),
        }
    }
}

/// Principals with the same direct findings.
#[derive(Debug)]
pub(crate) struct Class {
    /// The direct findings, by pair id.
    pub(crate) directs: Directs,
    /// Pairs passed definitely.
    pub(crate) def: PairSet,
    /// Pairs passed at all.
    pub(crate) pos: PairSet,
}

impl Class {
    fn direct(&self, pair: u32) -> Option<&Detail> {
        self.directs.get(pair)
    }
}

/// Everything needed to list findings after the index is gone.
#[derive(Debug)]
pub(crate) struct Engine {
    /// (role, service) of each pair id, sorted.
    pub(crate) pairs: Vec<(usize, Arc<str>)>,
    pub(crate) classes: Vec<Class>,
    pub(crate) class_of: Vec<usize>,
    /// Explicit assume-role edges per principal, sorted.
    adj: Vec<Vec<(usize, Tri)>>,
    /// Roles trusting everyone, per key: (role, how surely).
    open: Vec<Vec<(usize, Tri)>>,
    key_of: Vec<usize>,
    uncertain: Vec<bool>,
    /// Whether the principal can assume some role (then its findings come from `reach`).
    pub(crate) has_out: Vec<bool>,
    /// Per principal with `has_out`: (definite, possible) reachable pairs, shared per component.
    reach: Vec<Option<(Arc<PairSet>, Arc<PairSet>)>>,
    pub(crate) admin: Vec<Tri>,
    pub(crate) severity: Vec<Severity>,
    /// Per pair: the resources that hand the role to the service.
    uses: Vec<Arc<[usize]>>,
    /// Per pair: the trust statements that let the service assume the role.
    trust: Vec<Arc<[crate::Proof]>>,
}

/// What [`crate::pass`] and the index hand over.
pub(crate) struct Inputs {
    /// Every (role, service) pair, sorted ([`crate::index::Index::pairs`]).
    pub(crate) pairs: Vec<(usize, Arc<str>)>,
    pub(crate) direct: Vec<Arc<Directs>>,
    pub(crate) adj: Vec<Vec<(usize, Tri)>>,
    pub(crate) open: Vec<Vec<(usize, Tri)>>,
    pub(crate) key_of: Vec<usize>,
    pub(crate) uncertain: Vec<bool>,
    pub(crate) has_out: Vec<bool>,
    pub(crate) admin: Vec<Tri>,
    pub(crate) severity: Vec<Severity>,
    /// Per role: (use index, service).
    pub(crate) uses: Vec<Vec<(usize, String)>>,
    /// Per role: (service, the trust statements that let it in).
    pub(crate) trust: Vec<Vec<(String, Vec<crate::Proof>)>>,
}

impl Engine {
    pub(crate) fn build(mut inp: Inputs) -> Engine {
        let n = inp.direct.len();
        // Pair ids in (role, service) order, as the pass gave them.
        let pairs = std::mem::take(&mut inp.pairs);
        let np = pairs.len();
        // Classes: one per distinct direct list (shared lists are the same allocation). Each
        // list is moved into its class once no principal holds it any more, so the direct
        // findings are never held twice.
        let mut class_by_ptr: HashMap<*const Directs, usize> = HashMap::default();
        let mut class_of = vec![0; n];
        for (p, list) in inp.direct.iter().enumerate() {
            let next = class_by_ptr.len();
            class_of[p] = *class_by_ptr.entry(Arc::as_ptr(list)).or_insert(next);
        }
        let mut lists: Vec<Option<Arc<Directs>>> = vec![None; class_by_ptr.len()];
        for (p, list) in std::mem::take(&mut inp.direct).into_iter().enumerate() {
            lists[class_of[p]].get_or_insert(list);
        }
        let classes: Vec<Class> = lists
            .into_iter()
            .flatten()
            .map(|list| {
                let directs = Arc::try_unwrap(list).unwrap_or_else(|shared| (*shared).clone());
                let def = directs
                    .iter()
                    .filter(|(_, d)| d.proof.certainty == Tri::Yes)
                    .map(|(i, _)| i)
                    .collect();
                let pos = directs.iter().map(|(i, _)| i).collect();
                Class {
                    def: PairSet::from_sorted(def, np),
                    pos: PairSet::from_sorted(pos, np),
                    directs,
                }
            })
            .collect();
        let mut uses_of: HashMap<u32, Vec<usize>> = HashMap::default();
        for (role, list) in inp.uses.iter().enumerate() {
            for (u, s) in list {
                if let Ok(i) = pairs.binary_search_by(|(r, x)| (*r, &**x).cmp(&(role, s.as_str())))
                {
                    uses_of
                        .entry(u32::try_from(i).unwrap_or(u32::MAX))
                        .or_default()
                        .push(*u);
                }
            }
        }
        let no_uses: Arc<[usize]> = Arc::from(Vec::new());
        let uses = (0..np)
            .map(|i| {
                u32::try_from(i)
                    .ok()
                    .and_then(|i| uses_of.remove(&i))
                    .map_or_else(|| no_uses.clone(), Arc::from)
            })
            .collect();
        let trust = pairs
            .iter()
            .map(|(role, service)| {
                inp.trust
                    .get(*role)
                    .and_then(|l| l.iter().find(|(s, _)| s.as_str() == &**service))
                    .map_or_else(|| Arc::from(Vec::new()), |(_, p)| Arc::from(p.as_slice()))
            })
            .collect();
        let mut e = Engine {
            trust,
            pairs,
            classes,
            class_of,
            adj: inp.adj,
            open: inp.open,
            key_of: inp.key_of,
            uncertain: inp.uncertain,
            has_out: inp.has_out,
            reach: vec![None; n],
            admin: inp.admin,
            severity: inp.severity,
            uses,
        };
        if e.has_out.iter().any(|x| *x) {
            let def = e.condensed_reach(true);
            let pos = e.condensed_reach(false);
            for p in 0..n {
                if e.has_out[p] {
                    e.reach[p] = Some((def[p].clone(), pos[p].clone()));
                }
            }
        }
        e
    }

    /// Per principal, the pairs it reaches over definite edges (`definite`, counting only
    /// definite pairs) or over all edges (all pairs): condensation, then one union per
    /// component in topological order.
    fn condensed_reach(&self, definite: bool) -> Vec<Arc<PairSet>> {
        let n = self.class_of.len();
        let np = self.pairs.len();
        // Nodes: principals, then one virtual node per (key, uncertain) with open roles.
        let mut g: DiGraph<(), ()> = DiGraph::with_capacity(n, 0);
        for _ in 0..n {
            g.add_node(());
        }
        let mut virt: HashMap<(usize, bool), NodeIndex> = HashMap::default();
        let keep = |t: Tri| {
            if definite {
                t == Tri::Yes
            } else {
                t != Tri::No
            }
        };
        for u in 0..n {
            for &(v, t) in &self.adj[u] {
                if keep(t) {
                    g.add_edge(NodeIndex::new(u), NodeIndex::new(v), ());
                }
            }
            let key = self.key_of[u];
            let unc = self.uncertain[u];
            let open = &self.open[key];
            if open.is_empty() {
                continue;
            }
            let vn = match virt.get(&(key, unc)) {
                Some(v) => *v,
                None => {
                    let vn = g.add_node(());
                    virt.insert((key, unc), vn);
                    for &(r, t) in open {
                        let t = if unc { t.weaken() } else { t };
                        if keep(t) {
                            g.add_edge(vn, NodeIndex::new(r), ());
                        }
                    }
                    vn
                }
            };
            g.add_edge(NodeIndex::new(u), vn, ());
        }
        let own = |u: usize| -> Option<&PairSet> {
            let c = &self.classes[*self.class_of.get(u)?];
            Some(if definite { &c.def } else { &c.pos })
        };
        // tarjan_scc lists components in reverse topological order: successors first.
        let sccs = petgraph::algo::tarjan_scc(&g);
        let mut comp = vec![usize::MAX; g.node_count()];
        for (ci, members) in sccs.iter().enumerate() {
            for m in members {
                comp[m.index()] = ci;
            }
        }
        let empty = Arc::new(PairSet::Sparse(Vec::new()));
        let mut sets: Vec<Arc<PairSet>> = Vec::with_capacity(sccs.len());
        for (ci, members) in sccs.iter().enumerate() {
            let mut succ: Vec<usize> = members
                .iter()
                .flat_map(|m| g.neighbors(*m))
                .map(|v| comp[v.index()])
                .filter(|c| *c != ci)
                .collect();
            succ.sort_unstable();
            succ.dedup();
            let owns: Vec<&PairSet> = members
                .iter()
                .filter_map(|m| own(m.index()))
                .filter(|s| s.len() > 0)
                .collect();
            let set = match (owns.as_slice(), succ.as_slice()) {
                ([], []) => empty.clone(),
                ([], [one]) => sets[*one].clone(),
                ([one], []) => Arc::new((*one).clone()),
                _ => {
                    let mut b = Bits::new(np);
                    for s in owns {
                        b.union(s);
                    }
                    for c in succ {
                        b.union(&sets[c]);
                    }
                    Arc::new(PairSet::from_bits(b, np))
                }
            };
            sets.push(set);
        }
        (0..n).map(|p| sets[comp[p]].clone()).collect()
    }

    /// (definite, possible) pairs of a principal.
    pub(crate) fn sets(&self, p: usize) -> (&PairSet, &PairSet) {
        static EMPTY: PairSet = PairSet::Sparse(Vec::new());
        match self.reach.get(p) {
            Some(Some((d, a))) => (d, a),
            _ => match self.class_of.get(p).and_then(|c| self.classes.get(*c)) {
                Some(c) => (&c.def, &c.pos),
                None => (&EMPTY, &EMPTY),
            },
        }
    }

    /// Breadth-first search from `start`: the parent of each reached node, and the order.
    fn bfs(&self, start: usize, definite_only: bool) -> (HashMap<usize, usize>, Vec<usize>) {
        let mut parent: HashMap<usize, usize> = std::iter::once((start, start)).collect();
        let mut expanded: HashSet<(usize, bool)> = HashSet::default();
        let mut order = Vec::new();
        let mut queue = VecDeque::from([start]);
        while let Some(u) = queue.pop_front() {
            let key = self.key_of[u];
            let unc = self.uncertain[u];
            let open: &[(usize, Tri)] = if expanded.insert((key, unc)) {
                &self.open[key]
            } else {
                &[]
            };
            let implicit = open
                .iter()
                .map(|(v, t)| (*v, if unc { t.weaken() } else { *t }));
            for (v, t) in self.adj[u].iter().copied().chain(implicit) {
                if v != u && (!definite_only || t == Tri::Yes) && !parent.contains_key(&v) {
                    parent.insert(v, u);
                    order.push(v);
                    queue.push_back(v);
                }
            }
        }
        (parent, order)
    }

    /// The ways a principal reaches holders of direct findings, in the order that decides which
    /// chain a finding shows: shortest first, surer first, then by the chain.
    fn ways(&self, p: usize) -> Vec<Way> {
        if p >= self.class_of.len() {
            return Vec::new();
        }
        let mut ways = vec![Way {
            via: Arc::from(Vec::new()),
            certainty: Tri::Yes,
            holder: p,
        }];
        if self.has_out[p] {
            let (sure, _) = self.bfs(p, true);
            let (maybe, order) = self.bfs(p, false);
            for r in order {
                if r == p || self.classes[self.class_of[r]].directs.is_empty() {
                    continue;
                }
                let (via, certainty) = if sure.contains_key(&r) {
                    (path(&sure, p, r), Tri::Yes)
                } else {
                    (path(&maybe, p, r), Tri::Maybe)
                };
                ways.push(Way {
                    via: via.into(),
                    certainty,
                    holder: r,
                });
            }
        }
        // A definite way also offers its possible pairs: as a second entry, after the definite
        // ones of the same length.
        let mut out: Vec<Way> = Vec::with_capacity(ways.len() * 2);
        for w in ways {
            if w.certainty == Tri::Yes {
                out.push(Way {
                    certainty: Tri::Maybe,
                    ..w.clone()
                });
            }
            out.push(w);
        }
        out.sort_by(|a, b| {
            (a.via.len(), std::cmp::Reverse(a.certainty), &a.via[..]).cmp(&(
                b.via.len(),
                std::cmp::Reverse(b.certainty),
                &b.via[..],
            ))
        });
        out
    }

    /// The pairs a way covers at its certainty.
    fn way_set(&self, w: &Way) -> &PairSet {
        let c = &self.classes[self.class_of[w.holder]];
        if w.certainty == Tri::Yes {
            &c.def
        } else {
            &c.pos
        }
    }

    /// The finding of `pair` for `p`, shown with way `shown`; `sure` is the first definite way
    /// when the finding is definite.
    fn finding(
        &self,
        p: usize,
        pair: u32,
        best: Tri,
        shown: &Way,
        sure: Option<&Way>,
    ) -> Option<Finding> {
        let (role, service) = self.pairs.get(pair as usize)?;
        let d = self.classes[self.class_of[shown.holder]].direct(pair)?;
        Some(Finding {
            principal: p,
            role: *role,
            service: service.clone(),
            certainty: best,
            holder: shown.holder,
            via: shown.via.clone(),
            // The shown way gives the pair at its own certainty; a surer way is named.
            also_via: if best > shown.certainty {
                sure.map(|w| w.via.clone())
            } else {
                None
            },
            proof: crate::pass::with_trust(&d.proof, &self.trust[pair as usize]),
            exploitable: d.exploitable,
            launch_actions: d.launch_actions.clone(),
            role_admin: self.admin[*role],
            severity: self.severity[*role],
            in_use_by: self.uses[pair as usize].clone(),
        })
    }
}

#[derive(Clone, Debug)]
struct Way {
    via: Arc<[usize]>,
    certainty: Tri,
    holder: usize,
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

/// The findings of one principal, built when asked for.
pub struct PrincipalFindings<'a> {
    engine: &'a Engine,
    principal: usize,
    def: &'a PairSet,
    pos: &'a PairSet,
    ways: OnceLock<Vec<Way>>,
}

/// A finding without its proof: enough to count, filter and sort.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FindingKey<'a> {
    /// The pair id (position in [`crate::Findings::pairs`]).
    pub pair: u32,
    /// The principal.
    pub principal: usize,
    /// The role passed.
    pub role: usize,
    /// The service.
    pub service: &'a Arc<str>,
    /// Definite (`Yes`) or possible (`Maybe`).
    pub certainty: Tri,
    /// Severity (from the role).
    pub severity: Severity,
}

impl<'a> PrincipalFindings<'a> {
    pub(crate) fn new(engine: &'a Engine, principal: usize) -> PrincipalFindings<'a> {
        let (def, pos) = engine.sets(principal);
        PrincipalFindings {
            engine,
            principal,
            def,
            pos,
            ways: OnceLock::new(),
        }
    }

    /// The principal.
    #[must_use]
    pub fn principal(&self) -> usize {
        self.principal
    }

    /// How many findings.
    #[must_use]
    pub fn len(&self) -> usize {
        self.pos.len()
    }

    /// Whether there is none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.pos.len() == 0
    }

    /// How many are definite.
    #[must_use]
    pub fn definite(&self) -> usize {
        self.def.len()
    }

    /// The findings without proofs, sorted by role and service.
    pub fn keys(&self) -> impl Iterator<Item = FindingKey<'a>> + '_ {
        let e = self.engine;
        self.pos.iter().map(move |pair| {
            let (role, service) = &e.pairs[pair as usize];
            FindingKey {
                pair,
                principal: self.principal,
                role: *role,
                service,
                certainty: if self.def.contains(pair) {
                    Tri::Yes
                } else {
                    Tri::Maybe
                },
                severity: e.severity[*role],
            }
        })
    }

    fn ways(&self) -> &[Way] {
        self.ways.get_or_init(|| self.engine.ways(self.principal))
    }

    /// The finding of one pair, with its chain and proof; `None` when the principal does not
    /// pass that pair.
    #[must_use]
    pub fn get(&self, pair: u32) -> Option<Finding> {
        if !self.pos.contains(pair) {
            return None;
        }
        let best = if self.def.contains(pair) {
            Tri::Yes
        } else {
            Tri::Maybe
        };
        let ways = self.ways();
        let e = self.engine;
        let shown = ways.iter().find(|w| e.way_set(w).contains(pair))?;
        let sure = if best == Tri::Yes && shown.certainty != Tri::Yes {
            ways.iter()
                .find(|w| w.certainty == Tri::Yes && e.way_set(w).contains(pair))
        } else {
            None
        };
        e.finding(self.principal, pair, best, shown, sure)
    }

    /// Every finding, with proofs, sorted by role and service. The chain of each pair is
    /// decided in one pass over the ways, not one search per finding.
    pub fn iter(&self) -> impl Iterator<Item = Finding> + '_ {
        self.iter_range(0..self.len())
    }

    /// The findings at positions `range` of [`PrincipalFindings::iter`] (a slice of a large
    /// principal's findings, for writers that build them in parallel): the findings before it
    /// are skipped by key, not built.
    pub fn iter_range(&self, range: std::ops::Range<usize>) -> impl Iterator<Item = Finding> + '_ {
        let e = self.engine;
        let ways = self.ways();
        const NONE: u32 = u32::MAX;
        // The first way (in order) covering each pair, and the first definite one; with only
        // the principal's own policies, that is the direct way for every pair.
        let (mut shown, mut sure) = (Vec::new(), Vec::new());
        if ways.len() > 2 {
            let np = e.pairs.len();
            shown = vec![NONE; np];
            sure = vec![NONE; np];
            for (wi, w) in ways.iter().enumerate() {
                let wi = u32::try_from(wi).unwrap_or(NONE);
                for pair in e.way_set(w).iter() {
                    let i = pair as usize;
                    if shown[i] == NONE {
                        shown[i] = wi;
                    }
                    if w.certainty == Tri::Yes && sure[i] == NONE {
                        sure[i] = wi;
                    }
                }
            }
        }
        let take = range.end.saturating_sub(range.start);
        self.keys()
            .skip(range.start)
            .take(take)
            .filter_map(move |k| {
                let pick = |v: &Vec<u32>| -> Option<&Way> {
                    if ways.len() > 2 {
                        ways.get(*v.get(k.pair as usize)? as usize)
                    } else {
                        None
                    }
                };
                let w = if ways.len() > 2 {
                    pick(&shown)?
                } else {
                    ways.iter().find(|w| e.way_set(w).contains(k.pair))?
                };
                let s = if ways.len() > 2 {
                    pick(&sure)
                } else {
                    ways.iter().find(|w| w.certainty == Tri::Yes)
                };
                e.finding(self.principal, k.pair, k.certainty, w, s)
            })
    }
}
