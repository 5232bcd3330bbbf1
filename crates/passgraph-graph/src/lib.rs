//! The PassRole graph: who can pass which role to which service, and why.
//!
//! [`analyze`] takes an [`Account`] (from any input format; this crate never knows which) and
//! returns every reachable (principal, role, service) triple with its proof:
//!
//! 1. **Index** ([`index`]): resolve group memberships, attachments, managed policies and
//!    instance profiles by name or ARN; compile every policy once; group principals that hold
//!    the same policies under one *key*, so that thousands of users are evaluated a few dozen times.
//! 2. **Pass** ([`pass`]): per key, keep only the statements that can concern `iam:PassRole`,
//!    find candidate roles by the literal prefix of each resource pattern in the sorted role
//!    ARNs, and evaluate each candidate once per service its trust policy lets in, with
//!    `iam:PassedToService` set to that service's value(s). The same machinery finds the roles a
//!    key may assume (`sts:AssumeRole`), honouring the same-account trust rule.
//! 3. **Reach** ([`sets`]): findings as sets of (role, service) pair ids. The assume-role graph
//!    is condensed into strongly connected components; each component's reachable pairs are
//!    computed once in topological order and shared. A principal inherits the findings of every
//!    role it reaches; the chain shown (`via`, the shortest) and the proof are found only for
//!    the findings that are asked for ([`Findings::principal`], [`Findings::stream`]), so memory
//!    does not grow with the number of triples.
//!
//! Work is spread over rayon's pool; results are sorted, so output does not depend on the
//! thread count or the input order. The petgraph view of the result is [`IamGraph`].

mod covers;
mod graph;
mod index;
mod origins;
mod parts;
mod pass;
mod reach;
mod sets;
mod unknown_account;
mod whynot;

use std::borrow::Cow;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

use passgraph_model::{Account, Diagnostic, Origin, PolicyDocument, Str, Tri};

pub use graph::{Edge, IamGraph, Node, NodeId};
pub use sets::{FindingKey, PrincipalFindings};
pub use unknown_account::{UnknownAccount, unknown_account};
pub use whynot::{WhyNot, why_not};

/// Analysis options.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Service control policies of the account's organization, as one level: a request needs
    /// an Allow from one of them, and any of their Denies applies. Service-linked roles are exempt.
    pub scps: Vec<PolicyDocument>,
    /// Only the findings will be read: leave [`Analysis::graph`] (one edge per direct finding of
    /// every principal; read by `graph --full`, `graph -f json` and `explain`),
    /// [`Analysis::held`] and [`Analysis::passrole_statements`] (a list per principal; read by
    /// `explain` only) empty.
    pub findings_only: bool,
}

/// A user or a role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PrincipalKind {
    /// An IAM user.
    User,
    /// An IAM role.
    Role,
}

impl PrincipalKind {
    /// `user` or `role`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::User => "user",
            PrincipalKind::Role => "role",
        }
    }
}

/// A principal of the account (users, then roles, each sorted by ARN).
#[derive(Clone, Debug)]
pub struct Principal {
    /// User or role.
    pub kind: PrincipalKind,
    /// Name (without path), maybe symbolic.
    pub name: Str,
    /// ARN, maybe symbolic.
    pub arn: Str,
    /// Where it is defined.
    pub origin: Origin,
    /// Exists only possibly.
    pub uncertain: bool,
}

/// One step of a proof: a statement (or a whole unknown policy) and how surely it applies.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Proof {
    /// The policy: a managed policy ARN, or `user/alice/inline/deploy`.
    pub policy: Arc<str>,
    /// The statement: its `Sid`, or `#<index>`; empty for an unknown document.
    pub statement: Arc<str>,
    /// How surely it applies.
    pub applies: Tri,
    /// Where it is.
    pub origin: Origin,
}

/// Why a PassRole grant holds, shared by every finding that rests on it. The lists are shared
/// too (`Arc`): a finding's proof is its grant's with its role's trust statements, and building
/// one per finding written copies no list.
#[derive(Clone, Debug)]
pub struct PassProof {
    /// How surely the holder may pass the role to the service.
    pub certainty: Tri,
    /// The identity statements that allow `iam:PassRole`.
    pub grants: Arc<[Proof]>,
    /// Statements that deny it under a condition not known offline ("allowed unless ...").
    pub denies: Arc<[Proof]>,
    /// The trust statements that let the service assume the role.
    pub trust: Arc<[Proof]>,
    /// The `iam:PassedToService` value(s) that were allowed.
    pub passed_to_service: Arc<[String]>,
    /// What the permissions boundary says, when there is one.
    pub boundary: Option<Tri>,
    /// Why the finding is only possible (empty when definite).
    pub reasons: Vec<String>,
}

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The role's own permissions are narrow.
    Low,
    /// The role has write permissions beyond its own service.
    Medium,
    /// The role can pass or assume roles, or may be admin-equivalent.
    High,
    /// The role is admin-equivalent: passing it is a full privilege escalation.
    Critical,
}

impl Severity {
    /// `low`, `medium`, `high` or `critical`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// One (principal, role, service) triple.
#[derive(Clone, Debug)]
pub struct Finding {
    /// Index into [`Analysis::principals`].
    pub principal: usize,
    /// Index into [`Analysis::principals`] (a role).
    pub role: usize,
    /// The service principal that will assume the role.
    pub service: Arc<str>,
    /// `Yes` (definite) or `Maybe` (possible).
    pub certainty: Tri,
    /// The roles assumed on the way, in order (indices into principals); empty when direct.
    /// The shortest way is shown, the principal's own policies first.
    pub via: Arc<[usize]>,
    /// A longer chain that makes the finding surer than `via` does (`certainty` is the best
    /// over all ways), when there is one.
    pub also_via: Option<Arc<[usize]>>,
    /// The principal whose policies grant the PassRole (the last of `via`, or `principal`).
    pub holder: usize,
    /// The proof of the grant.
    pub proof: Arc<PassProof>,
    /// Whether the holder can also call an action that hands the role to the service.
    pub exploitable: Tri,
    /// The launch actions the holder may call.
    pub launch_actions: Arc<[String]>,
    /// Whether the role is admin-equivalent.
    pub role_admin: Tri,
    /// Severity.
    pub severity: Severity,
    /// Indices into `Account::role_uses` of resources that hand this role to this service.
    pub in_use_by: Arc<[usize]>,
}

/// An assume-role edge.
#[derive(Clone, Debug)]
pub struct AssumeEdge {
    /// The principal that assumes.
    pub from: usize,
    /// The role assumed.
    pub to: usize,
    /// How surely.
    pub certainty: Tri,
    /// The trust statements that allow it (sorted, distinct; shared by the edges with the same
    /// statements).
    pub trust: Arc<[Proof]>,
    /// The identity statements that allow `sts:AssumeRole` (empty when the trust names the
    /// principal itself and no identity grant is needed; sorted, distinct, shared).
    pub grants: Arc<[Proof]>,
}

/// The roles whose trust policy lets everyone in (`"*"`): decided once per policy-set key (the
/// principals that hold the same policies), not kept as an edge per principal and role, which
/// would be quadratic. Read with [`Analysis::hop`] and [`Analysis::open_hops`].
#[derive(Clone, Debug, Default)]
pub struct OpenTrust {
    /// Per principal: its key.
    key_of: Vec<usize>,
    /// Per key, sorted by role.
    by_key: Vec<Vec<pass::OpenEdge>>,
    /// Per principal, when some edge needs the caller's own grant (a role of another account):
    /// the built-in policies attached to it and where, so that a grant from one points at the
    /// attachment as everywhere else (the grants are shared per key; attachments differ).
    attached: Vec<Vec<(Arc<str>, Origin)>>,
}

/// One hop of an assume-role chain and why it holds.
#[derive(Clone, Debug)]
pub struct Hop<'a> {
    /// How surely the principal may assume the role.
    pub certainty: Tri,
    /// The trust statements that let the principal in.
    pub trust: &'a [Proof],
    /// The identity statements that allow `sts:AssumeRole`: needed when the trust names the
    /// account, or the role is of another account; empty otherwise.
    pub grants: Cow<'a, [Proof]>,
    /// The trust policy names everyone (`"*"`, with no condition on who the principal is).
    pub everyone: bool,
}

/// The result of an analysis.
#[derive(Clone, Debug)]
pub struct Analysis {
    /// Users, then roles, each sorted by ARN.
    pub principals: Vec<Principal>,
    /// Findings, sorted by principal, role, service: counted and listed without materialising
    /// them ([`Findings::stream`], [`Findings::principal`]).
    pub findings: Findings,
    /// Assume-role edges, sorted; those to roles that trust everyone are in `open_trust`.
    pub assume_edges: Vec<AssumeEdge>,
    /// Assume-role edges to the roles that trust everyone.
    pub open_trust: OpenTrust,
    /// Diagnostics raised while resolving the account (unknown policies, unresolved references).
    pub diagnostics: Vec<Diagnostic>,
    /// The graph view.
    pub graph: IamGraph,
    /// Per principal: the policies it holds (labels), for `explain`; empty with
    /// [`Options::findings_only`].
    pub held: Vec<Vec<String>>,
    /// Per principal: the statements of its policies that mention `iam:PassRole`, each with
    /// how surely its action part covers it, for `explain`; empty with [`Options::findings_only`].
    pub passrole_statements: Vec<Vec<(passgraph_model::Effect, Proof)>>,
    /// Per principal (roles): the services its trust policy lets in.
    pub trusted_services: Vec<Vec<(String, Tri)>>,
}

impl Analysis {
    /// How principal `from` may assume role `to`, with the proof: the surer of the edge found
    /// from the trust policy naming it or its account, and the trust policy naming everyone.
    #[must_use]
    pub fn hop(&self, from: usize, to: usize) -> Option<Hop<'_>> {
        let named = self
            .assume_edges
            .binary_search_by(|e| (e.from, e.to).cmp(&(from, to)))
            .ok()
            .map(|i| {
                let e = &self.assume_edges[i];
                Hop {
                    certainty: e.certainty,
                    trust: &e.trust,
                    grants: Cow::Borrowed(&e.grants),
                    everyone: false,
                }
            });
        if named.as_ref().is_some_and(|n| n.certainty == Tri::Yes) {
            return named;
        }
        // The open list of a key is sorted by role: the role's statements are together.
        let t = &self.open_trust;
        let list = t
            .key_of
            .get(from)
            .and_then(|k| t.by_key.get(*k))
            .map_or(&[][..], Vec::as_slice);
        let first = list.partition_point(|e| e.role < to);
        let open = list[first..]
            .iter()
            .take_while(|e| e.role == to)
            .filter(|_| from != to)
            .max_by_key(|e| e.certainty)
            .map(|e| self.open_hop(from, e));
        match (named, open) {
            (Some(n), Some(o)) if o.certainty > n.certainty => Some(o),
            (Some(n), _) => Some(n),
            (None, o) => o,
        }
    }

    fn open_hop<'a>(&self, from: usize, e: &'a pass::OpenEdge) -> Hop<'a> {
        // As the search weakens them: a principal that exists only possibly assumes possibly.
        let uncertain = self.principals.get(from).is_some_and(|p| p.uncertain);
        let attached = self
            .open_trust
            .attached
            .get(from)
            .map_or(&[][..], Vec::as_slice);
        let grants = if e.grants.is_empty() || attached.is_empty() {
            None
        } else {
            origins::repointed(attached, &e.grants)
        };
        Hop {
            certainty: if uncertain {
                e.certainty.weaken()
            } else {
                e.certainty
            },
            trust: std::slice::from_ref(&e.trust),
            grants: grants.map_or(Cow::Borrowed(&e.grants[..]), Cow::Owned),
            everyone: true,
        }
    }

    /// The roles principal `from` may assume because their trust policy names everyone.
    pub fn open_hops(&self, from: usize) -> impl Iterator<Item = (usize, Hop<'_>)> {
        let t = &self.open_trust;
        t.key_of
            .get(from)
            .and_then(|k| t.by_key.get(*k))
            .into_iter()
            .flatten()
            .filter(move |e| e.role != from)
            .map(move |e| (e.role, self.open_hop(from, e)))
    }
}

/// Runs the whole analysis.
#[must_use]
pub fn analyze(account: &Account, options: &Options) -> Analysis {
    let idx = index::Index::build(account, options);
    let covers = covers::Covers::build(&idx);
    let mut direct = pass::run(&idx, Some(&covers));
    origins::directs(&idx, &mut direct);
    let (mut assume_edges, open) = pass::assume_edges(&idx);
    origins::assume_edges(&idx, &mut assume_edges);
    let engine = sets::Engine::build(reach::inputs(&idx, direct, &assume_edges, &open));
    let graph = if options.findings_only {
        IamGraph::default()
    } else {
        graph::build(&idx, &engine, &assume_edges, &open)
    };
    let findings = Findings {
        engine: Arc::new(engine),
        all: OnceLock::new(),
    };
    let mut diagnostics = idx.diagnostics.clone();
    diagnostics.sort();
    diagnostics.dedup();
    let (held, passrole_statements) = if options.findings_only {
        (Vec::new(), Vec::new())
    } else {
        let (held, mut statements) = idx.explain_tables();
        origins::statements(&idx, &mut statements);
        (held, statements)
    };
    let trusted_services = idx
        .trusted_services
        .iter()
        .map(|v| v.iter().map(|t| (t.service.clone(), t.certainty)).collect())
        .collect();
    Analysis {
        principals: idx.principals.clone(),
        findings,
        assume_edges,
        open_trust: {
            // `Analysis::hop` searches each list by role.
            debug_assert!(open.by_key.iter().all(|l| l.is_sorted_by_key(|e| e.role)));
            let grants = open.by_key.iter().flatten().any(|e| !e.grants.is_empty());
            OpenTrust {
                key_of: idx.key_of.clone(),
                attached: if grants {
                    origins::attachments(&idx)
                } else {
                    Vec::new()
                },
                by_key: open.by_key,
            }
        },
        diagnostics,
        graph,
        held,
        passrole_statements,
        trusted_services,
    }
}

/// The findings of an analysis, kept as sets: per principal, the (role, service) pairs it can
/// pass. Counting costs no allocation per finding; [`Findings::stream`] and
/// [`Findings::principal`] build each finding (chain and proof) when it is reached.
///
/// For callers that want a slice, `Findings` dereferences to `[Finding]`, materialising every
/// finding once on first use (memory proportional to the number of triples).
#[derive(Clone, Debug)]
pub struct Findings {
    engine: Arc<sets::Engine>,
    all: OnceLock<Vec<Finding>>,
}

impl Findings {
    /// How many findings, without building them.
    #[must_use]
    pub fn len(&self) -> usize {
        (0..self.engine.class_of.len())
            .map(|p| self.engine.sets(p).1.len())
            .sum()
    }

    /// Whether there is none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many are definite.
    #[must_use]
    pub fn definite(&self) -> usize {
        (0..self.engine.class_of.len())
            .map(|p| self.engine.sets(p).0.len())
            .sum()
    }

    /// The findings of one principal (an index into [`Analysis::principals`]).
    #[must_use]
    pub fn principal(&self, p: usize) -> PrincipalFindings<'_> {
        PrincipalFindings::new(&self.engine, p)
    }

    /// Number of principals (the valid arguments of [`Findings::principal`]).
    #[must_use]
    pub fn principal_count(&self) -> usize {
        self.engine.class_of.len()
    }

    /// The (role, service) of each pair id, sorted: [`FindingKey::pair`] indexes it.
    #[must_use]
    pub fn pairs(&self) -> &[(usize, Arc<str>)] {
        &self.engine.pairs
    }

    /// Every finding in order (principal, role, service), built one principal at a time.
    pub fn stream(&self) -> impl Iterator<Item = Finding> + '_ {
        (0..self.engine.class_of.len()).flat_map(move |p| {
            let pf = PrincipalFindings::new(&self.engine, p);
            pf.iter().collect::<Vec<_>>()
        })
    }

    /// Every finding, materialised once (what the `Deref` to a slice gives).
    #[must_use]
    pub fn as_slice(&self) -> &[Finding] {
        self.all.get_or_init(|| self.stream().collect())
    }
}

impl Deref for Findings {
    type Target = [Finding];
    fn deref(&self) -> &[Finding] {
        self.as_slice()
    }
}

impl<'a> IntoIterator for &'a Findings {
    type Item = &'a Finding;
    type IntoIter = std::slice::Iter<'a, Finding>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

/// The findings as the reference algorithm computes them (candidate roles by the literal
/// prefix of whole ARNs, one breadth-first search per principal, every triple materialised), for comparisons with [`Analysis::findings`]; slow
/// on large accounts.
#[doc(hidden)]
#[must_use]
pub fn reference_findings(account: &Account, options: &Options) -> Vec<Finding> {
    let mut idx = index::Index::build(account, options);
    idx.role_parts = None;
    let direct = pass::run(&idx, None);
    let (assume_edges, open) = pass::assume_edges(&idx);
    let mut findings = reach::close(&idx, &direct, &assume_edges, &open);
    origins::findings(&idx, &mut findings);
    findings
}

/// Compares the findings of `analysis` (made from `account` and `options`) with
/// [`reference_findings`], field by field and proof by proof; the first difference, when there
/// is one. The comparison harness of the set engine (`PASSGRAPH_REFERENCE_CHECK` in the CLI).
#[doc(hidden)]
#[must_use]
pub fn reference_difference(
    account: &Account,
    options: &Options,
    analysis: &Analysis,
) -> Option<String> {
    let old: Vec<String> = reference_findings(account, options)
        .iter()
        .map(|f| format!("{f:?}"))
        .collect();
    let new: Vec<String> = analysis
        .findings
        .stream()
        .map(|f| format!("{f:?}"))
        .collect();
    if old.len() != new.len() {
        return Some(format!(
            "{} findings, the reference has {}",
            new.len(),
            old.len()
        ));
    }
    if analysis.findings.len() != new.len() {
        return Some(format!(
            "counted {} findings, listed {}",
            analysis.findings.len(),
            new.len()
        ));
    }
    old.iter()
        .zip(&new)
        .find(|(a, b)| a != b)
        .map(|(a, b)| format!("reference:\n{a}\nsets:\n{b}"))
}

#[cfg(test)]
mod tests;
