//! The PassRole pass and the assume-role pass, per key of principals that share policies.

use passgraph_model::hash::HashMap;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, LazyLock};

use rayon::prelude::*;

use passgraph_eval::{
    Applied, CompiledPolicy, CompiledStatement, Context, Decision, Member, PolicyKind, PolicyLabel,
    PolicySet, Prepared, evaluate,
};
use passgraph_model::policy::PrincipalKind as PKind;
use passgraph_model::service::Service;
use passgraph_model::{Effect, FileId, Origin, PolicyDocument, Str, TextRange, Tri};

use crate::covers::{Cover, Covers};
use crate::index::{Index, TrustTarget};
use crate::{AssumeEdge, PassProof, PrincipalKind, Proof};

/// What a principal's own policies say of passing one role to one service: the grant proof
/// (shared by every role and service of a key with the same grant) and whether a launch action
/// is allowed.
#[derive(Clone, Debug)]
pub(crate) struct Detail {
    pub(crate) proof: Arc<PassProof>,
    pub(crate) exploitable: Tri,
    pub(crate) launch_actions: Arc<[String]>,
}

/// The direct findings of one key (no assume-role chain), compact: the pairs (role, service),
/// by id in [`Index::pairs`], sorted, each with the index of its [`Detail`]. A key that can pass
/// every role of a large account holds a few details and five bytes per pair (the pair id and,
/// while it has at most 256 details, a one-byte detail index), not a proof per triple.
#[derive(Clone, Debug, Default)]
pub(crate) struct Directs {
    pairs: Vec<u32>,
    detail: DetailIndex,
    details: Vec<Detail>,
}

/// Each pair's index into [`Directs::details`], as narrow as the number of details allows.
#[derive(Clone, Debug)]
enum DetailIndex {
    U8(Vec<u8>),
    U16(Vec<u16>),
    U32(Vec<u32>),
}

impl Default for DetailIndex {
    fn default() -> DetailIndex {
        DetailIndex::U8(Vec::new())
    }
}

impl DetailIndex {
    /// Indices below `count`, stored in the narrowest width that holds them all.
    fn new(indices: &[u32], count: usize) -> DetailIndex {
        if count <= 1 << 8 {
            DetailIndex::U8(indices.iter().map(|&i| i as u8).collect())
        } else if count <= 1 << 16 {
            DetailIndex::U16(indices.iter().map(|&i| i as u16).collect())
        } else {
            DetailIndex::U32(indices.to_vec())
        }
    }

    fn get(&self, i: usize) -> usize {
        match self {
            DetailIndex::U8(v) => usize::from(v[i]),
            DetailIndex::U16(v) => usize::from(v[i]),
            DetailIndex::U32(v) => v[i] as usize,
        }
    }
}

/// The details of one key, each stored once (same proof, launch actions and answer), by number.
#[derive(Default)]
struct DetailTable {
    details: Vec<Detail>,
    seen: HashMap<(usize, Tri, usize), u32>,
}

impl DetailTable {
    /// The number of `d`, adding it when it is new.
    fn intern(&mut self, d: Detail) -> u32 {
        let key = (
            Arc::as_ptr(&d.proof) as usize,
            d.exploitable,
            Arc::as_ptr(&d.launch_actions).cast::<String>() as usize,
        );
        let next = u32::try_from(self.details.len()).unwrap_or(u32::MAX);
        *self.seen.entry(key).or_insert_with(|| {
            self.details.push(d);
            next
        })
    }
}

impl Directs {
    /// From (pair, detail number) in any order. A pair given twice keeps its first detail (the
    /// pass gives each pair once: its roles and each role's services are distinct); the other's
    /// detail stays in the table, unreferenced.
    fn new(mut v: Vec<(u32, u32)>, table: DetailTable) -> Directs {
        v.sort_by_key(|(p, _)| *p);
        v.dedup_by_key(|(p, _)| *p);
        let mut details = table.details;
        details.shrink_to_fit();
        // Built fresh, not collected in place: `v`'s buffer is twice the size of the pairs.
        let mut pairs = Vec::with_capacity(v.len());
        let mut indices = Vec::with_capacity(v.len());
        for (p, d) in v {
            pairs.push(p);
            indices.push(d);
        }
        Directs {
            pairs,
            detail: DetailIndex::new(&indices, details.len()),
            details,
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The detail of a pair, when the key passes it.
    pub(crate) fn get(&self, pair: u32) -> Option<&Detail> {
        let i = self.pairs.binary_search(&pair).ok()?;
        self.details.get(self.detail.get(i))
    }

    /// (pair, detail), by pair.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u32, &Detail)> + '_ {
        self.pairs
            .iter()
            .enumerate()
            .map(|(i, p)| (*p, &self.details[self.detail.get(i)]))
    }

    /// The same pairs with every detail rewritten by `f`.
    pub(crate) fn map_details(&self, f: impl Fn(&Detail) -> Detail) -> Directs {
        Directs {
            pairs: self.pairs.clone(),
            detail: self.detail.clone(),
            details: self.details.iter().map(f).collect(),
        }
    }
}

pub(crate) const PASS: &str = "iam:PassRole";
pub(crate) const ASSUME: &str = "sts:AssumeRole";

/// Actions that let a role rewrite its own or others' permissions: holding any of them on every
/// resource is admin-equivalent.
pub(crate) const ADMIN_ACTIONS: &[&str] = &[
    "iam:AttachRolePolicy",
    "iam:PutRolePolicy",
    "iam:AttachUserPolicy",
    "iam:PutUserPolicy",
    "iam:AttachGroupPolicy",
    "iam:PutGroupPolicy",
    "iam:CreatePolicyVersion",
    "iam:UpdateAssumeRolePolicy",
    "iam:CreateAccessKey",
];

fn any_resource() -> Str {
    Str::hole("any resource")
}

/// An identity policy that allows everything: used to ask "would the boundary, the SCPs and
/// the denies let this through?" when a trust policy grants on its own.
static ALLOW_ALL: LazyLock<CompiledPolicy> = LazyLock::new(|| {
    let origin = Origin::new(FileId(u32::MAX), TextRange::default());
    let stmt = passgraph_model::Statement {
        sid: None,
        effect: Effect::Allow,
        actions: passgraph_model::ActionSpec::Action(vec![Str::lit("*")]),
        resources: passgraph_model::ResourceSpec::Resource(vec![Str::lit("*")]),
        principals: None,
        conditions: Vec::new(),
        uncertain: false,
        index: 0,
        origin: origin.clone(),
    };
    let doc = PolicyDocument::with_statements(Some("2012-10-17".into()), vec![stmt], origin);
    CompiledPolicy::compile(
        &doc,
        PolicyLabel {
            kind: PolicyKind::Trust,
            name: "trust grants directly".into(),
        },
    )
    .0
});

fn proof_of(a: &Applied<'_>) -> Proof {
    Proof {
        policy: a.policy.label.name.clone(),
        statement: a.statement.map(|s| s.sid.clone()).unwrap_or_default(),
        applies: a.applies,
        origin: a
            .statement
            .map_or_else(|| a.policy.origin.clone(), |s| s.origin.clone()),
    }
}

/// Roles (principal indices) that some statement allowing `action` may cover, found by the
/// literal prefix of each resource pattern ([`crate::covers::roles_for_globs`]). `mask`, when
/// given, keeps only those roles.
fn candidates(idx: &Index<'_>, set: &Prepared<'_>, mask: Option<&[bool]>) -> Vec<usize> {
    let every_role = || (idx.n_users..idx.principals.len()).collect::<Vec<_>>();
    let mut out: Vec<usize> = Vec::new();
    if set.has_unknown_identity() {
        out = every_role();
    } else {
        for s in set.allow_statements() {
            match s
                .fixed_resource_globs()
                .and_then(|g| crate::covers::roles_for_globs(idx, g))
            {
                Some(v) => out.extend(v),
                None => {
                    out = every_role();
                    break;
                }
            }
        }
        out.sort_unstable();
        out.dedup();
    }
    match mask {
        Some(m) => out.into_iter().filter(|r| m[*r]).collect(),
        None => out,
    }
}

fn reasons(d: &Decision<'_>, role: &Str, ctx: &Context, out: &mut Vec<String>) {
    for a in &d.allows {
        if a.applies != Tri::Maybe {
            continue;
        }
        let name = &a.policy.label.name;
        let before = out.len();
        match a.statement {
            None => out.push(format!("the document of {name} is not known")),
            Some(s) => {
                if s.resource_match(role, ctx) == Tri::Maybe {
                    out.push(format!("the resource of {name} {} matches {role} only for some values not known offline", s.sid));
                }
                for c in s.conditions() {
                    if c.eval(ctx) == Tri::Maybe {
                        out.push(format!(
                            "condition {} {} of {name} {} is not known offline",
                            c.operator, c.key, s.sid
                        ));
                    }
                }
                if s.source.uncertain {
                    out.push(format!(
                        "statement {} of {name} exists only under a condition not known offline",
                        s.sid
                    ));
                }
                if s.effect == Effect::Unknown {
                    out.push(format!("the effect of {name} {} is not known", s.sid));
                }
                if s.action_match(PASS) == Tri::Maybe {
                    out.push(format!(
                        "the actions of {name} {} are not known offline",
                        s.sid
                    ));
                }
                if out.len() == before {
                    // Nothing in the statement is uncertain: the policy itself is held only
                    // possibly (a conditional attachment, membership or policy).
                    out.push(format!(
                        "{name} is held only under a condition not known offline"
                    ));
                }
            }
        }
    }
    for a in &d.denies {
        if a.applies == Tri::Maybe {
            let name = &a.policy.label.name;
            out.push(match a.statement {
                // The same cause as an unknown document that may allow: one reason.
                None => format!("the document of {name} is not known"),
                Some(s) => format!(
                    "{name} {} denies it under a condition or value not known offline",
                    s.sid
                ),
            });
        }
    }
    if d.boundary == Some(Tri::Maybe) {
        out.push("the permissions boundary allows it only possibly".to_owned());
    }
    if d.scp == Some(Tri::Maybe) {
        out.push("the service control policies allow it only possibly".to_owned());
    }
}

/// Direct findings per principal. Principals of one key share one list; a principal that exists
/// only possibly gets its own, weakened copy.
///
/// With `covers`, resource elements are looked up per statement ([`Covers`]) instead of
/// matched per key and role; the findings are the same.
pub(crate) fn run(idx: &Index<'_>, covers: Option<&Covers>) -> Vec<Arc<Directs>> {
    let per_key: Vec<Arc<Directs>> = (0..idx.keys.len())
        .into_par_iter()
        .map(|k| Arc::new(run_key(idx, covers, k)))
        .collect();
    // Every principal belongs to a key, so each entry is replaced below.
    let empty = Arc::new(Directs::default());
    let mut out = vec![empty; idx.principals.len()];
    for (k, found) in per_key.into_iter().enumerate() {
        for &m in &idx.keys[k].members {
            if !idx.principals[m].uncertain {
                out[m] = Arc::clone(&found);
                continue;
            }
            let weakened = found.map_details(|d| {
                if d.proof.certainty != Tri::Yes {
                    return d.clone();
                }
                let mut p = (*d.proof).clone();
                p.certainty = Tri::Maybe;
                p.reasons.push(
                    "the principal exists only under a condition not known offline".to_owned(),
                );
                Detail {
                    proof: Arc::new(p),
                    ..d.clone()
                }
            });
            out[m] = Arc::new(weakened);
        }
    }
    out
}

fn run_key(idx: &Index<'_>, covers: Option<&Covers>, k: usize) -> Directs {
    let set = idx.policy_set(k);
    let prep = set.prepare(PASS);
    if prep.allows_nothing() {
        return Directs::default();
    }
    // The covers of this key's statements, by statement address (a handful: a linear search).
    let local: Vec<(*const CompiledStatement, &Cover)> = covers
        .map(|c| {
            prep.statements()
                .filter_map(|s| Some((std::ptr::from_ref(s), c.get(s)?)))
                .collect()
        })
        .unwrap_or_default();
    let roles = match covers {
        Some(c) => c
            .candidates(&prep)
            .unwrap_or_else(|| (idx.n_users..idx.principals.len()).collect()),
        None => candidates(idx, &prep, None),
    };
    // When every statement of the key has a cover, a decision depends on the role only through
    // the covers' answers (its signature, two bits a statement): roles with the same signature
    // and the same trusted service get the same detail, computed once.
    let memo_ok = local.len() <= MAX_SIGNED && local.len() == prep.statements().count();
    let mut memo: HashMap<(u64, usize, Tri, Tri), Option<u32>> = HashMap::default();
    let mut table = DetailTable::default();
    let rep = idx.keys[k].members[0];
    let base = idx.principal_context(rep);
    // Per key, a few services and `iam:PassedToService` values: small lists searched linearly.
    // Per key, caches by the index's service and value numbers.
    let mut ctx_cache: Vec<Option<Context>> = vec![None; idx.value_ids];
    let mut launch_cache: Vec<Option<(Tri, Arc<[String]>)>> = vec![None; idx.service_ids];
    let mut profile_create: Option<Tri> = None;
    let mut proofs: HashMap<ProofKey<'_>, Arc<PassProof>> = HashMap::default();
    let mut out = Vec::new();
    let own_account = account_of(&idx.principals[rep].arn);
    for r in roles {
        let role = &idx.principals[r];
        let known = |s: &CompiledStatement| {
            let p = std::ptr::from_ref(s);
            local.iter().find(|(q, _)| *q == p).map(|(_, c)| c.get(r))
        };
        // PassRole passes only roles of the caller's own account.
        if let Some(a) = own_account
            && let Some(b) = idx.role_account(r)
            && a != b
        {
            continue;
        }
        // A role that exists only possibly is named in its reasons: never shared.
        let signature = (memo_ok && !role.uncertain).then(|| {
            local.iter().enumerate().fold(0u64, |acc, (i, (_, c))| {
                acc | (tri_bits(c.get(r)) << (2 * i))
            })
        });
        for (ti, ts) in idx.trusted_services[r].iter().enumerate() {
            let memo_key = signature.map(|sig| {
                let profile = if ts.lookup.info.is_some_and(|i| i.via_instance_profile()) {
                    idx.in_profile[r]
                } else {
                    Tri::No
                };
                (sig, ts.service_id, ts.certainty, profile)
            });
            if let Some(key) = &memo_key
                && let Some(found) = memo.get(key)
            {
                if let Some(detail) = found {
                    out.push((idx.pair_of[r][ti], *detail));
                }
                continue;
            }
            let svc = &ts.lookup;
            let (values, all_required) = (&ts.passed_to_service.0, ts.passed_to_service.1);
            let mut results = Vec::new();
            for (v, &at) in values.iter().zip(&ts.value_ids) {
                if ctx_cache[at].is_none() {
                    let mut c = base.clone();
                    if v == crate::index::ANY_SERVICE || !ts.name_known {
                        // Any service: the value is whichever service the caller picks; a
                        // service named by a value not known offline: not known either.
                        c.set("iam:PassedToService", passgraph_eval::CtxValue::Unknown);
                    } else {
                        c.set_str("iam:PassedToService", v);
                    }
                    ctx_cache[at] = Some(c);
                }
                let Some(ctx) = &ctx_cache[at] else { continue };
                let d = prep.evaluate_with(&role.arn, ctx, &known);
                results.push((at, v, d));
            }
            let combined = if all_required {
                if results.iter().all(|(_, _, d)| d.allowed == Tri::Yes) {
                    Tri::Yes
                } else if results.iter().any(|(_, _, d)| d.allowed.possible()) {
                    Tri::Maybe
                } else {
                    Tri::No
                }
            } else {
                results.iter().fold(Tri::No, |a, (_, _, d)| a.or(d.allowed))
            };
            // Reasons of a possible grant may name the role: such details are not shared.
            let shareable = results.iter().all(|(_, _, d)| d.allowed != Tri::Maybe);
            if combined == Tri::No {
                if let Some(key) = memo_key
                    && shareable
                {
                    memo.insert(key, None);
                }
                continue;
            }
            let mut certainty = combined.and(ts.certainty);
            // Grants and denies by identity (policy, statement, how surely): the proof, built
            // from them only the first time, is the same for the same identities.
            let mut grants: Vec<Applied<'_>> = Vec::new();
            let mut denies: Vec<Applied<'_>> = Vec::new();
            let mut why = Vec::new();
            let mut allowed_values: Vec<&str> = Vec::new();
            let mut boundary = None;
            for (at, v, d) in &results {
                if !d.allowed.possible() {
                    continue;
                }
                allowed_values.push(v.as_str());
                grants.extend(d.allows.iter().cloned());
                denies.extend(d.denies.iter().filter(|a| a.applies == Tri::Maybe).cloned());
                boundary = boundary.or(d.boundary);
                if d.allowed == Tri::Maybe
                    && let Some(ctx) = &ctx_cache[*at]
                {
                    reasons(d, &role.arn, ctx, &mut why);
                }
            }
            if all_required
                && combined == Tri::Maybe
                && results.iter().any(|(_, _, d)| d.allowed == Tri::Yes)
            {
                why.push(format!(
                    "AWS does not document which iam:PassedToService value {} uses; the grant allows only {}",
                    ts.service,
                    allowed_values.join(", ")
                ));
            }
            if ts.certainty == Tri::Maybe {
                why.push(format!("the trust policy lets {} assume the role only under a condition or value not known offline", ts.service));
            }
            if role.uncertain {
                certainty = certainty.weaken();
                why.push(format!(
                    "role {} exists only under a condition not known offline",
                    role.name
                ));
            }
            why.sort();
            why.dedup();
            let launched = launch_cache[ts.service_id]
                .get_or_insert_with(|| launch(&set, &base, svc))
                .clone();
            let (exploitable, launch_actions) = {
                let (t, acts) = launched;
                if svc.info.is_some_and(|i| i.via_instance_profile()) {
                    let create = *profile_create.get_or_insert_with(|| {
                        let a = evaluate(&set, "iam:CreateInstanceProfile", &any_resource(), &base)
                            .allowed;
                        let b =
                            evaluate(&set, "iam:AddRoleToInstanceProfile", &any_resource(), &base)
                                .allowed;
                        a.and(b)
                    });
                    (t.and(idx.in_profile[r].or(create)), acts)
                } else {
                    (t, acts)
                }
            };
            // Shared by every role and service of the key with the same grant; the trust
            // statements are the role's and are added when a finding is built (`crate::sets`),
            // so they do not make each proof distinct.
            let key: ProofKey<'_> = (
                certainty,
                identities(&grants),
                identities(&denies),
                allowed_values,
                boundary,
                if certainty == Tri::Yes {
                    Vec::new()
                } else {
                    why
                },
            );
            let proof = match proofs.get(&key) {
                Some(p) => p.clone(),
                None => {
                    let sorted = |v: &[Applied<'_>]| {
                        v.iter()
                            .map(proof_of)
                            .collect::<BTreeSet<Proof>>()
                            .into_iter()
                            .collect::<Vec<_>>()
                    };
                    let p = Arc::new(PassProof {
                        certainty: key.0,
                        grants: sorted(&grants).into(),
                        denies: sorted(&denies).into(),
                        trust: Arc::from(Vec::new()),
                        passed_to_service: key.3.iter().map(|v| (*v).to_owned()).collect(),
                        boundary: key.4,
                        reasons: key.5.clone(),
                    });
                    proofs.insert(key, p.clone());
                    p
                }
            };
            let detail = table.intern(Detail {
                proof,
                exploitable,
                launch_actions,
            });
            if let Some(key) = memo_key
                && shareable
            {
                memo.insert(key, Some(detail));
            }
            out.push((idx.pair_of[r][ti], detail));
        }
    }
    Directs::new(out, table)
}

/// Statements a key may have for its roles' signatures to fit in 64 bits.
const MAX_SIGNED: usize = 32;

/// Two bits for a cover's answer.
fn tri_bits(t: Tri) -> u64 {
    match t {
        Tri::No => 0,
        Tri::Maybe => 1,
        Tri::Yes => 2,
    }
}

/// A statement's identity in a decision: policy and statement addresses and how surely it
/// applied (which is all [`proof_of`] reads), sorted and distinct.
fn identities(v: &[Applied<'_>]) -> Vec<(usize, usize, Tri)> {
    let mut out: Vec<(usize, usize, Tri)> = v
        .iter()
        .map(|a| {
            (
                std::ptr::from_ref(a.policy) as usize,
                a.statement.map_or(0, |s| std::ptr::from_ref(s) as usize),
                a.applies,
            )
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// What makes two grant proofs of one key the same: certainty, grants and denies (by
/// [`identities`]), the `iam:PassedToService` values, the boundary's answer and the reasons.
type ProofKey<'a> = (
    Tri,
    Vec<(usize, usize, Tri)>,
    Vec<(usize, usize, Tri)>,
    Vec<&'a str>,
    Option<Tri>,
    Vec<String>,
);

/// The proof of a direct finding with the trust statements of its role and service.
pub(crate) fn with_trust(proof: &Arc<PassProof>, trust: &Arc<[Proof]>) -> Arc<PassProof> {
    if trust.is_empty() {
        return proof.clone();
    }
    let mut p = (**proof).clone();
    p.trust = trust.clone();
    Arc::new(p)
}

/// The account id of an ARN, when it is known. A segment that is no account id (12 digits),
/// such as the `aws` of anonymised sample data, is not known: like an unknown account it is
/// taken to be the input's one account, so that it can neither hide a pass nor stop a chain.
pub(crate) fn account_of(arn: &Str) -> Option<&str> {
    let text = arn.known_prefix();
    let mut it = text.splitn(6, ':');
    let account = it.nth(4)?;
    // The segment is known only when the literal prefix reaches past it.
    it.next()?;
    is_account_id(account).then_some(account)
}

/// Whether `s` is an account id: 12 digits.
pub(crate) fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|c| c.is_ascii_digit())
}

fn launch(set: &PolicySet<'_>, base: &Context, svc: &Service) -> (Tri, Arc<[String]>) {
    let mut t = Tri::No;
    let mut acts = Vec::new();
    for a in svc.launch_actions() {
        let d = evaluate(set, a, &any_resource(), base).allowed;
        if d.possible() {
            acts.push((*a).to_owned());
        }
        t = t.or(d);
    }
    (t, acts.into())
}

/// Whether each role (principal index) is admin-equivalent by its own policies.
pub(crate) fn role_admin(idx: &Index<'_>) -> Vec<Tri> {
    let per_key: Vec<Tri> = (0..idx.keys.len())
        .into_par_iter()
        .map(|k| {
            let rep = idx.keys[k].members[0];
            if idx.principals[rep].kind != PrincipalKind::Role {
                return Tri::No;
            }
            let set = idx.policy_set(k);
            let ctx = idx.principal_context(rep);
            ADMIN_ACTIONS.iter().fold(Tri::No, |a, act| {
                a.or(evaluate(&set, act, &any_resource(), &ctx).allowed)
            })
        })
        .collect();
    (0..idx.principals.len())
        .map(|p| per_key[idx.key_of[p]])
        .collect()
}

/// Edges from every principal of a key to the roles that trust every principal (`"*"`), kept
/// per key instead of per principal pair (which would be quadratic).
#[derive(Clone, Debug, Default)]
pub(crate) struct OpenEdges {
    /// Per key, sorted by role.
    pub(crate) by_key: Vec<Vec<OpenEdge>>,
}

/// The edge from the principals of a key to a role that trusts everyone.
#[derive(Clone, Debug)]
pub(crate) struct OpenEdge {
    pub(crate) role: usize,
    /// How surely.
    pub(crate) certainty: Tri,
    /// The trust statement.
    pub(crate) trust: Proof,
    /// The identity statements that allow `sts:AssumeRole`: needed only when the role is of
    /// another account (empty otherwise).
    pub(crate) grants: Arc<[Proof]>,
}

/// Assume-role edges: the trust policy names the principal (then only denies, the boundary and
/// the SCPs can stop it), or names the account (then an identity grant is needed too), or names
/// everyone (kept per key in [`OpenEdges`]). A role of another account needs the identity grant
/// whatever its trust names.
pub(crate) fn assume_edges(idx: &Index<'_>) -> (Vec<AssumeEdge>, OpenEdges) {
    let n = idx.principals.len();
    let mut account_trusting = vec![false; n];
    let mut direct: Vec<(usize, usize, Tri, usize, Proof)> = Vec::new();
    let mut open: Vec<(usize, usize, Proof)> = Vec::new();
    for r in idx.n_users..n {
        let Some(tp) = idx.trust[r] else { continue };
        let trust = &idx.policies[tp];
        for g in &idx.trust_grants[r] {
            let Some(si) = g.statement else {
                // An unknown trust policy: as if it named the account.
                account_trusting[r] = true;
                continue;
            };
            let s = &trust.statements[si];
            let proof = Proof {
                policy: trust.label.name.clone(),
                statement: s.sid.clone(),
                applies: Tri::Yes,
                origin: s.origin.clone(),
            };
            // A Deny of the trust policy that names principals decides per principal too.
            let sensitive = s
                .conditions()
                .iter()
                .any(passgraph_eval::CompiledCondition::principal_sensitive)
                || trust
                    .statements
                    .iter()
                    .any(|d| d.effect != Effect::Allow && d.source.principals.is_some());
            for t in &g.targets {
                match t {
                    TrustTarget::Account(_) => account_trusting[r] = true,
                    TrustTarget::Principal(p, t) => direct.push((*p, r, *t, si, proof.clone())),
                    // Conditions on who the principal is must be decided per principal.
                    TrustTarget::Everyone if sensitive => {
                        for p in 0..n {
                            direct.push((p, r, Tri::Yes, si, proof.clone()));
                        }
                    }
                    TrustTarget::Everyone => open.push((r, si, proof.clone())),
                }
            }
        }
    }
    // Every way an edge was found: how surely, and the (sorted) trust and grant lists, shared
    // with the other members of the key. Most edges are found once; they are grouped by sorting.
    let mut found: Vec<(usize, usize, Tri, Arc<[Proof]>, Arc<[Proof]>)> = Vec::new();
    let mut add = |from: usize, to: usize, t: Tri, trust: Arc<[Proof]>, grants: Arc<[Proof]>| {
        if t == Tri::No || from == to {
            return;
        }
        found.push((from, to, t, trust, grants));
    };

    // The trust policy grants on its own: only denies, the boundary and the SCPs can stop it.
    // Across accounts the caller's own policies must allow `sts:AssumeRole` as well (semantics
    // §1.7), and the statements that do are part of the proof.
    let no_grants: Arc<[Proof]> = Arc::from(Vec::new());
    let by_trust = |p: usize, r: usize, ctx: &Context| -> (Tri, Arc<[Proof]>) {
        let deny = trust_deny(idx, r, p, ctx);
        let set = idx.policy_set(idx.key_of[p]);
        if idx.other_accounts(p, r) {
            let d = evaluate(&set, ASSUME, &idx.principals[r].arn, ctx);
            let mut grants: Vec<Proof> = d.allows.iter().map(proof_of).collect();
            grants.sort();
            grants.dedup();
            return (d.allowed.and(!deny), grants.into());
        }
        let mut identity = vec![Member::from(&*ALLOW_ALL)];
        identity.extend(set.identity.iter().copied());
        let set2 = PolicySet { identity, ..set };
        let allowed = evaluate(&set2, ASSUME, &idx.principals[r].arn, ctx).allowed;
        (allowed.and(!deny), no_grants.clone())
    };
    type Direct = (usize, usize, Tri, usize, Proof, Arc<[Proof]>);
    let direct_results: Vec<Direct> = direct
        .par_iter()
        .filter(|(p, r, _, _, _)| p != r)
        .filter_map(|(p, r, t, si, proof)| {
            let ctx = idx.principal_context(*p);
            let stmt_t = trust_statement(idx, *r, *si, &ctx)?.and(*t);
            let (alone, grants) = by_trust(*p, *r, &ctx);
            let mut tri = stmt_t.and(alone);
            if idx.principals[*p].uncertain || idx.principals[*r].uncertain {
                tri = tri.weaken();
            }
            (tri != Tri::No).then(|| {
                (
                    *p,
                    *r,
                    tri,
                    *si,
                    Proof {
                        applies: stmt_t,
                        ..proof.clone()
                    },
                    grants,
                )
            })
        })
        .collect();
    // One trust list per (role, statement, how surely), shared by every principal it lets in.
    let mut trust_lists: HashMap<(usize, Option<usize>, Tri), Arc<[Proof]>> = HashMap::default();
    for (p, r, t, si, proof, grants) in direct_results {
        let list = trust_lists
            .entry((r, Some(si), proof.applies))
            .or_insert_with(|| Arc::from(vec![proof]))
            .clone();
        add(p, r, t, list, grants);
    }

    // Trust names everyone: decided once per key, with its representative.
    let by_key: Vec<Vec<OpenEdge>> = if open.is_empty() {
        vec![Vec::new(); idx.keys.len()]
    } else {
        (0..idx.keys.len())
            .into_par_iter()
            .map(|k| {
                let rep = idx.keys[k].members[0];
                let ctx = idx.principal_context(rep);
                open.iter()
                    .filter_map(|(r, si, proof)| {
                        let stmt_t = trust_statement(idx, *r, *si, &ctx)?;
                        // A key's members are of one account: its representative decides.
                        let (alone, grants) = by_trust(rep, *r, &ctx);
                        let mut tri = stmt_t.and(alone);
                        if idx.principals[*r].uncertain {
                            tri = tri.weaken();
                        }
                        (tri != Tri::No).then(|| OpenEdge {
                            role: *r,
                            certainty: tri,
                            trust: Proof {
                                applies: stmt_t,
                                ..proof.clone()
                            },
                            grants,
                        })
                    })
                    .collect()
            })
            .collect()
    };

    // Trust names the account: an identity Allow for sts:AssumeRole is needed.
    if account_trusting.iter().any(|x| *x) {
        // (principal, role, how surely, the trust statement (index, how surely), grants)
        type Found = (usize, usize, Tri, (Option<usize>, Tri), Arc<[Proof]>);
        let per_key: Vec<Vec<Found>> = (0..idx.keys.len())
            .into_par_iter()
            .map(|k| {
                let set = idx.policy_set(k);
                let prep = set.prepare(ASSUME);
                let mut out = Vec::new();
                if prep.allows_nothing() {
                    return out;
                }
                let rep = idx.keys[k].members[0];
                let rep_ctx = idx.principal_context(rep);
                // The roles a key may assume are mostly granted by the same statements: one
                // list for a run of roles with the same grants.
                let mut last: Option<Arc<[Proof]>> = None;
                for r in candidates(idx, &prep, Some(&account_trusting)) {
                    let d = prep.evaluate(&idx.principals[r].arn, &rep_ctx);
                    if d.allowed == Tri::No {
                        continue;
                    }
                    let mut grants: Vec<Proof> = d.allows.iter().map(proof_of).collect();
                    grants.sort();
                    grants.dedup();
                    let grants: Arc<[Proof]> = match last.take() {
                        Some(l) if *l == *grants => l,
                        _ => grants.into(),
                    };
                    last = Some(grants.clone());
                    let Some(tp) = idx.trust[r] else { continue };
                    let trust = &idx.policies[tp];
                    for &p in &idx.keys[k].members {
                        if p == r {
                            continue;
                        }
                        let ctx = idx.principal_context(p);
                        let deny = trust_deny(idx, r, p, &ctx);
                        for g in &idx.trust_grants[r] {
                            for t in &g.targets {
                                let TrustTarget::Account(acct) = t else {
                                    continue;
                                };
                                let same = idx.same_account(acct, p);
                                if same == Tri::No {
                                    continue;
                                }
                                let statement =
                                    g.statement.filter(|si| *si < trust.statements.len());
                                let (mut st, applies) = match statement
                                    .map(|si| &trust.statements[si])
                                {
                                    Some(s) => {
                                        let st = s
                                            .action_match(ASSUME)
                                            .and(s.conditions_hold(&ctx))
                                            .and(same);
                                        let st = if s.source.uncertain { st.weaken() } else { st };
                                        (st, st)
                                    }
                                    None => (Tri::Maybe, Tri::Maybe),
                                };
                                st = st.and(same);
                                let mut tri = st.and(d.allowed).and(!deny);
                                if idx.principals[p].uncertain || idx.principals[r].uncertain {
                                    tri = tri.weaken();
                                }
                                if tri != Tri::No {
                                    out.push((p, r, tri, (statement, applies), grants.clone()));
                                }
                            }
                        }
                    }
                }
                out
            })
            .collect();
        for (p, r, t, (statement, applies), grants) in per_key.into_iter().flatten() {
            let list = trust_lists
                .entry((r, statement, applies))
                .or_insert_with(|| {
                    let Some(trust) = idx.trust[r].map(|tp| &idx.policies[tp]) else {
                        return Arc::from(Vec::new());
                    };
                    let proof = match statement.map(|si| &trust.statements[si]) {
                        Some(s) => Proof {
                            policy: trust.label.name.clone(),
                            statement: s.sid.clone(),
                            applies,
                            origin: s.origin.clone(),
                        },
                        None => Proof {
                            policy: trust.label.name.clone(),
                            statement: Arc::from(""),
                            applies,
                            origin: trust.origin.clone(),
                        },
                    };
                    Arc::from(vec![proof])
                })
                .clone();
            add(p, r, t, list, grants);
        }
    }
    // One list for the edges with the same statements (sorted, distinct).
    let mut shared: BTreeMap<Vec<Proof>, Arc<[Proof]>> = BTreeMap::new();
    let mut merge = |lists: Vec<Arc<[Proof]>>| -> Arc<[Proof]> {
        let mut v: Vec<Proof> = lists.iter().flat_map(|l| l.iter().cloned()).collect();
        v.sort();
        v.dedup();
        if let [one] = lists.as_slice()
            && one.len() == v.len()
        {
            return one.clone();
        }
        shared
            .entry(v)
            .or_insert_with_key(|v| v.clone().into())
            .clone()
    };
    found.sort_unstable_by_key(|(from, to, ..)| (*from, *to));
    let groups = found.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)).count();
    let mut edges: Vec<AssumeEdge> = Vec::with_capacity(groups);
    for group in found.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
        let (from, to) = (group[0].0, group[0].1);
        edges.push(AssumeEdge {
            from,
            to,
            certainty: group.iter().fold(Tri::No, |c, f| c.or(f.2)),
            trust: merge(group.iter().map(|f| f.3.clone()).collect()),
            grants: merge(group.iter().map(|f| f.4.clone()).collect()),
        });
    }
    (edges, OpenEdges { by_key })
}

/// How surely trust statement `si` lets the principal (context `ctx`) assume.
fn trust_statement(idx: &Index<'_>, role: usize, si: usize, ctx: &Context) -> Option<Tri> {
    let trust = &idx.policies[idx.trust[role]?];
    let s = trust.statements.get(si)?;
    let t = s.action_match(ASSUME).and(s.conditions_hold(ctx));
    Some(if s.source.uncertain { t.weaken() } else { t })
}

/// Whether a Deny of the role's trust policy stops the principal.
fn trust_deny(idx: &Index<'_>, role: usize, principal: usize, ctx: &Context) -> Tri {
    let Some(tp) = idx.trust[role] else {
        return Tri::No;
    };
    let trust = &idx.policies[tp];
    let arn = &idx.principals[principal].arn;
    let mut deny = Tri::No;
    for s in &trust.statements {
        if s.effect == Effect::Allow {
            continue;
        }
        let Some(p) = &s.source.principals else {
            continue;
        };
        let mut names = if p.everyone { Tri::Yes } else { Tri::No };
        for (kind, v) in &p.entries {
            if *kind == PKind::Aws {
                names = names.or(passgraph_model::Glob::exact(v, false).matches(arn));
                if v.to_string().ends_with(":root")
                    || v.as_known()
                        .is_some_and(|x| x.len() == 12 && x.bytes().all(|b| b.is_ascii_digit()))
                {
                    names = names.or(Tri::Maybe);
                }
            }
        }
        if p.not {
            names = !names;
        }
        let t = names
            .and(s.action_match(ASSUME))
            .and(s.conditions_hold(ctx));
        let t = if s.effect == Effect::Unknown || s.source.uncertain {
            t.weaken()
        } else {
            t
        };
        deny = deny.or(t);
    }
    deny
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use passgraph_model::Tri;

    use super::{Detail, DetailIndex, DetailTable, Directs};
    use crate::PassProof;

    fn detail(reason: &str) -> Detail {
        Detail {
            proof: Arc::new(PassProof {
                certainty: Tri::Yes,
                grants: Arc::from(Vec::new()),
                denies: Arc::from(Vec::new()),
                trust: Arc::from(Vec::new()),
                passed_to_service: Arc::from(Vec::new()),
                boundary: None,
                reasons: vec![reason.to_owned()],
            }),
            exploitable: Tri::No,
            launch_actions: Arc::from(Vec::new()),
        }
    }

    #[test]
    fn directs_are_sorted_by_pair_and_a_repeated_pair_keeps_its_first_detail() {
        let mut table = DetailTable::default();
        let a = table.intern(detail("a"));
        let b = table.intern(detail("b"));
        let same_as_a = table.intern(table.details[a as usize].clone());
        assert_eq!(same_as_a, a, "the same detail is stored once");
        let d = Directs::new(vec![(7, b), (3, a), (7, a), (5, b)], table);
        let got: Vec<(u32, String)> = d
            .iter()
            .map(|(p, x)| (p, x.proof.reasons[0].clone()))
            .collect();
        assert_eq!(
            got,
            [
                (3, "a".to_owned()),
                (5, "b".to_owned()),
                (7, "b".to_owned())
            ]
        );
        assert_eq!(d.get(7).map(|x| x.proof.reasons[0].as_str()), Some("b"));
        assert!(d.get(4).is_none());
    }

    #[test]
    fn detail_indices_are_as_narrow_as_the_number_of_details_allows() {
        for (count, width) in [(1, 1), (256, 1), (257, 2), (65_536, 2), (65_537, 4)] {
            let indices: Vec<u32> = (0..2_000u32)
                .map(|i| (i * 7919) % u32::try_from(count).unwrap())
                .chain([u32::try_from(count - 1).unwrap()])
                .collect();
            let ix = DetailIndex::new(&indices, count);
            let got = match &ix {
                DetailIndex::U8(_) => 1,
                DetailIndex::U16(_) => 2,
                DetailIndex::U32(_) => 4,
            };
            assert_eq!(got, width, "{count} details");
            for (i, want) in indices.iter().enumerate() {
                assert_eq!(ix.get(i), *want as usize, "{count} details, index {i}");
            }
        }
    }
}
