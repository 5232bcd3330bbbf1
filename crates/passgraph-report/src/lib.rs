//! Output formats: text, JSON, SARIF 2.1.0, Markdown and Graphviz DOT, one module each.
//!
//! This is the only crate that defines output schemas; model and graph types are not
//! `Serialize`. Every emitter writes the findings in the order the analysis sorted them, so
//! output is byte-identical from run to run whatever the thread count.

pub mod condensed;
pub mod dot;
pub mod explain;
pub mod json;
pub mod jsonl;
pub mod markdown;
pub mod sarif;
pub mod stacks;
pub mod text;

use std::io;
use std::ops::Range;
use std::sync::OnceLock;

use passgraph_graph::{Analysis, Finding, FindingKey, Hop, PrincipalFindings, Severity};
use passgraph_model::span::Location;
use passgraph_model::{Account, Diagnostic, Origin, SourceMap, Str, Tri};

/// The rule of a finding: the principal's own policies grant PassRole (`IAM101`), or a role it
/// can assume does (`IAM201`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rule {
    /// Stable id.
    pub id: &'static str,
    /// Kebab-case name.
    pub name: &'static str,
    /// One sentence.
    pub summary: &'static str,
    /// What to do about it.
    pub help: &'static str,
}

/// Every finding rule, sorted by id.
pub const RULES: &[Rule] = &[
    Rule {
        id: "IAM101",
        name: "pass-role-to-service",
        summary: "A principal can pass a role to an AWS service that will assume it.",
        help: "Scope iam:PassRole to the roles the principal must pass (Resource with exact role ARNs, including their path) and to the service that needs them (Condition iam:PassedToService).",
    },
    Rule {
        id: "IAM201",
        name: "pass-role-via-assumed-role",
        summary: "A principal can assume a role that can pass a role to an AWS service.",
        help: "Narrow the trust policy of the roles on the chain, or scope iam:PassRole in the policies of the role that holds it.",
    },
];

/// The rule a finding falls under.
#[must_use]
pub fn rule_of(f: &Finding) -> &'static Rule {
    if f.via.is_empty() {
        &RULES[0]
    } else {
        &RULES[1]
    }
}

/// Everything an emitter needs.
pub struct Report<'a> {
    /// The analysis.
    pub analysis: &'a Analysis,
    /// The account it ran on (role uses, for "in use by").
    pub account: &'a Account,
    /// The source files, to turn origins into file, line and column.
    pub sources: &'a SourceMap,
    /// Which findings to show.
    pub selection: Selection,
    /// Input and analysis diagnostics, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// Whether a finding is accepted, and why (the caller's configuration, inline
    /// suppressions, baseline); `None`: nothing is.
    pub suppress: Option<&'a Suppress<'a>>,
    /// Per pair id of the analysis: whether the selection's service filter keeps it.
    pair_mask: OnceLock<Vec<bool>>,
}

/// Decides whether a finding is accepted: `Some` with how and why.
pub type Suppress<'a> = dyn Fn(&Report<'_>, &Finding) -> Option<Suppression> + Sync + 'a;

/// Why a finding does not count for `--fail-on`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// `accepted`, `inline` or `baseline`.
    pub kind: &'static str,
    /// The reason written with it.
    pub reason: String,
}

/// Which findings a report shows: every finding of the analysis narrowed by filters, or an
/// explicit list (`diff`).
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// Only these services (`ec2`, `ec2.amazonaws.com`, or a service's last label); empty: all.
    pub services: Vec<String>,
    /// Only definite findings.
    pub definite_only: bool,
    /// Only these principals (sorted); `None`: all.
    pub principals: Option<Vec<usize>>,
    /// An explicit list, in order, instead of the analysis' findings (the filters still apply).
    pub list: Option<Vec<Finding>>,
    /// Text lists accepted findings too (`--show-suppressed`); they are always counted.
    pub show_suppressed: bool,
}

/// Whether a service matches `--service` filters: the service principal, or its name without
/// `.amazonaws.com` (`ec2`), or its last label before it (`rds` for
/// `monitoring.rds.amazonaws.com`). No filter matches every service.
#[must_use]
pub fn service_matches(filters: &[String], service: &str) -> bool {
    filters.is_empty()
        || filters
            .iter()
            .any(|f| passgraph_model::service::names_service(f, service))
}

/// Counts of the findings a report shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Findings.
    pub findings: usize,
    /// Definite ones.
    pub definite: usize,
    /// Principals with at least one.
    pub principals: usize,
}

/// The findings of one principal that a report shows: keys first (cheap), each finding with
/// its chain and proof built when asked for.
pub struct Group<'r> {
    /// The principal.
    pub principal: usize,
    /// (role, service, certainty, severity) of each finding, sorted by role and service.
    pub keys: Vec<(usize, &'r str, Tri, Severity)>,
    source: GroupSource<'r>,
}

enum GroupSource<'r> {
    Engine(PrincipalFindings<'r>, Vec<u32>),
    List(Vec<&'r Finding>),
}

impl Group<'_> {
    /// The `i`th finding of the group, with its proof.
    #[must_use]
    pub fn finding(&self, i: usize) -> Option<Finding> {
        match &self.source {
            GroupSource::Engine(pf, pairs) => pf.get(*pairs.get(i)?),
            GroupSource::List(l) => l.get(i).map(|f| (*f).clone()),
        }
    }

    /// Every finding of the group, in order.
    pub fn findings(&self) -> Box<dyn Iterator<Item = Finding> + '_> {
        self.findings_in(0..self.keys.len())
    }

    /// The findings at positions `range` (of [`Group::keys`]), in order; the ones before it
    /// are not built.
    pub fn findings_in(&self, range: Range<usize>) -> Box<dyn Iterator<Item = Finding> + '_> {
        match &self.source {
            GroupSource::Engine(pf, pairs) => {
                if pairs.len() == pf.len() {
                    Box::new(pf.iter_range(range))
                } else {
                    let end = range.end.min(pairs.len());
                    let start = range.start.min(end);
                    Box::new(pairs[start..end].iter().filter_map(|p| pf.get(*p)))
                }
            }
            GroupSource::List(l) => {
                let end = range.end.min(l.len());
                let start = range.start.min(end);
                Box::new(l[start..end].iter().map(|f| (*f).clone()))
            }
        }
    }
}

impl<'a> Report<'a> {
    /// A report of every finding of an analysis.
    #[must_use]
    pub fn new(
        analysis: &'a Analysis,
        account: &'a Account,
        sources: &'a SourceMap,
        mut diagnostics: Vec<Diagnostic>,
    ) -> Report<'a> {
        diagnostics.extend(analysis.diagnostics.iter().cloned());
        diagnostics.sort_by_cached_key(|d| {
            (
                d.origin.as_ref().map(|o| sources.locate(o)),
                d.code,
                d.message.clone(),
                d.level,
            )
        });
        diagnostics.dedup();
        Report {
            analysis,
            account,
            sources,
            selection: Selection::default(),
            diagnostics,
            suppress: None,
            pair_mask: OnceLock::new(),
        }
    }

    /// The same report with another selection.
    #[must_use]
    pub fn with_selection(&self, selection: Selection) -> Report<'a> {
        Report {
            analysis: self.analysis,
            account: self.account,
            sources: self.sources,
            selection,
            diagnostics: self.diagnostics.clone(),
            suppress: self.suppress,
            pair_mask: OnceLock::new(),
        }
    }

    fn keeps_principal(&self, p: usize) -> bool {
        self.selection
            .principals
            .as_ref()
            .is_none_or(|v| v.binary_search(&p).is_ok())
    }

    fn keeps_key(&self, k: &FindingKey<'_>) -> bool {
        let mask = self.pair_mask.get_or_init(|| {
            self.analysis
                .findings
                .pairs()
                .iter()
                .map(|(_, s)| service_matches(&self.selection.services, s))
                .collect()
        });
        mask.get(k.pair as usize).copied().unwrap_or(false)
            && (!self.selection.definite_only || k.certainty == Tri::Yes)
    }

    fn keeps_finding(&self, f: &Finding) -> bool {
        self.keeps_principal(f.principal)
            && service_matches(&self.selection.services, &f.service)
            && (!self.selection.definite_only || f.certainty == Tri::Yes)
    }

    /// The principals whose findings can be shown, in order.
    fn principals(&self) -> Vec<usize> {
        match &self.selection.principals {
            Some(v) => v.clone(),
            None => (0..self.analysis.findings.principal_count()).collect(),
        }
    }

    /// The findings shown, grouped per principal, in order; principals with none are left out.
    pub fn groups(&self) -> Box<dyn Iterator<Item = Group<'_>> + '_> {
        if let Some(list) = &self.selection.list {
            let kept: Vec<&Finding> = list.iter().filter(|f| self.keeps_finding(f)).collect();
            let mut out = Vec::new();
            let mut i = 0;
            while i < kept.len() {
                let p = kept[i].principal;
                let mut j = i;
                while j < kept.len() && kept[j].principal == p {
                    j += 1;
                }
                let fs: Vec<&Finding> = kept[i..j].to_vec();
                out.push(Group {
                    principal: p,
                    keys: fs
                        .iter()
                        .map(|f| (f.role, &*f.service, f.certainty, f.severity))
                        .collect(),
                    source: GroupSource::List(fs),
                });
                i = j;
            }
            return Box::new(out.into_iter());
        }
        Box::new(self.principals().into_iter().filter_map(move |p| {
            let pf = self.analysis.findings.principal(p);
            if pf.is_empty() {
                return None;
            }
            let mut keys = Vec::new();
            let mut pairs = Vec::new();
            for k in pf.keys().filter(|k| self.keeps_key(k)) {
                keys.push((k.role, &**k.service, k.certainty, k.severity));
                pairs.push(k.pair);
            }
            (!keys.is_empty()).then(|| Group {
                principal: p,
                keys,
                source: GroupSource::Engine(pf, pairs),
            })
        }))
    }

    /// Every finding shown, in order, built one principal at a time.
    pub fn findings(&self) -> impl Iterator<Item = Finding> + '_ {
        self.groups()
            .flat_map(|g| g.findings().collect::<Vec<_>>().into_iter())
    }

    /// How many findings are shown, without building them.
    #[must_use]
    pub fn counts(&self) -> Counts {
        fn add(c: &mut Counts, keys: &mut dyn Iterator<Item = Tri>) {
            let before = c.findings;
            for t in keys {
                c.findings += 1;
                c.definite += usize::from(t == Tri::Yes);
            }
            c.principals += usize::from(c.findings > before);
        }
        let mut c = Counts::default();
        if let Some(list) = &self.selection.list {
            let kept: Vec<&Finding> = list.iter().filter(|f| self.keeps_finding(f)).collect();
            let mut i = 0;
            while i < kept.len() {
                let p = kept[i].principal;
                let j = i + kept[i..].iter().take_while(|f| f.principal == p).count();
                add(&mut c, &mut kept[i..j].iter().map(|f| f.certainty));
                i = j;
            }
            return c;
        }
        for p in self.principals() {
            let pf = self.analysis.findings.principal(p);
            let unfiltered = self.selection.services.is_empty() && !self.selection.definite_only;
            if unfiltered {
                let (n, d) = (pf.len(), pf.definite());
                c.findings += n;
                c.definite += d;
                c.principals += usize::from(n > 0);
            } else {
                add(
                    &mut c,
                    &mut pf.keys().filter(|k| self.keeps_key(k)).map(|k| k.certainty),
                );
            }
        }
        c
    }

    /// The worst severity among the findings shown.
    #[must_use]
    pub fn max_severity(&self) -> Option<Severity> {
        self.max_severities().max()
    }

    /// The greatest severity shown of each principal's findings (of the whole list when the
    /// selection is a list), without building the findings.
    fn max_severities(&self) -> Box<dyn Iterator<Item = Severity> + '_> {
        if let Some(list) = &self.selection.list {
            let max = list
                .iter()
                .filter(|f| self.keeps_finding(f))
                .map(|f| f.severity)
                .max();
            return Box::new(max.into_iter());
        }
        Box::new(self.principals().into_iter().filter_map(|p| {
            let pf = self.analysis.findings.principal(p);
            pf.keys()
                .filter(|k| self.keeps_key(k))
                .map(|k| k.severity)
                .max()
        }))
    }

    /// Whether a finding is accepted, and why.
    #[must_use]
    pub fn suppression(&self, f: &Finding) -> Option<Suppression> {
        self.suppress.and_then(|s| s(self, f))
    }

    /// Whether a finding shown is at or above `threshold` and not accepted (the `--fail-on`
    /// rule). Without acceptances, from the keys alone.
    #[must_use]
    pub fn fails(&self, threshold: Severity) -> bool {
        if self.suppress.is_none() {
            // Stops at the first principal that fails.
            return self.max_severities().any(|s| s >= threshold);
        }
        self.findings()
            .any(|f| f.severity >= threshold && self.suppression(&f).is_none())
    }

    /// Resolves an origin.
    #[must_use]
    pub fn locate(&self, o: &Origin) -> Location {
        self.sources.locate(o)
    }

    /// `kind name` of a principal.
    #[must_use]
    pub fn principal_label(&self, p: usize) -> String {
        let x = &self.analysis.principals[p];
        format!("{} {}", x.kind.as_str(), x.name)
    }

    /// The hops of a finding's assume-role chain (`via`), in order: each role assumed and why
    /// (`None` only if the analysis lost the edge, which it does not).
    pub(crate) fn hops<'f>(
        &'f self,
        f: &'f Finding,
    ) -> impl Iterator<Item = (usize, Option<Hop<'a>>)> + 'f {
        let a: &'a Analysis = self.analysis;
        let froms = std::iter::once(f.principal).chain(f.via.iter().copied());
        froms
            .zip(f.via.iter().copied())
            .map(move |(from, to)| (to, a.hop(from, to)))
    }
}

/// One stack of a run that searched folders: its name (the root module's folder or the
/// template's path, relative to the folder searched) and its report.
pub struct Part<'a> {
    /// The stack's name; `None` for the one account of inputs named one by one.
    pub stack: Option<String>,
    /// Its report.
    pub report: Report<'a>,
}

/// What searching folders found, for the summary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Discovery {
    /// Files read as inputs.
    pub files_read: usize,
    /// Stacks analysed.
    pub stacks: usize,
    /// Files not read, by reason, sorted by reason.
    pub skipped: Vec<(String, usize)>,
}

/// `definite` or `possible`.
#[must_use]
pub fn certainty(t: Tri) -> &'static str {
    if t == Tri::Yes {
        "definite"
    } else {
        "possible"
    }
}

/// `yes`, `maybe` or `no`.
#[must_use]
pub fn tri(t: Tri) -> &'static str {
    match t {
        Tri::Yes => "yes",
        Tri::Maybe => "maybe",
        Tri::No => "no",
    }
}

/// The text of a value when wholly known.
#[must_use]
pub fn known(s: &Str) -> Option<String> {
    s.as_known().map(str::to_owned)
}

/// A name as printed: borrowed when it is known.
fn printed(s: &Str) -> std::borrow::Cow<'_, str> {
    s.as_known().map_or_else(
        || std::borrow::Cow::Owned(s.to_string()),
        std::borrow::Cow::Borrowed,
    )
}

/// Names as a user writes them on the command line (`--principal`, `--role`), compiled once:
/// each names an entity by its name or ARN, as known or as printed
/// (`admin-${aws_iam_role.admin.name}`); one with `*` or `?` is an IAM wildcard pattern over
/// those (`admin-*`, `arn:aws:iam::*:role/ci-*`).
pub struct Names {
    keys: Vec<(String, Option<passgraph_model::pattern::Glob>)>,
}

impl Names {
    /// Compiles `keys`.
    #[must_use]
    pub fn new(keys: &[String]) -> Names {
        Names {
            keys: keys
                .iter()
                .map(|k| {
                    let glob = k
                        .contains(['*', '?'])
                        .then(|| passgraph_model::pattern::Glob::new(&Str::lit(k.as_str()), false));
                    (k.clone(), glob)
                })
                .collect(),
        }
    }

    /// True without names.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Whether one of the names names the entity `name` / `arn`.
    #[must_use]
    pub fn matches(&self, name: &Str, arn: &Str) -> bool {
        let texts = [printed(name), printed(arn)];
        self.keys.iter().any(|(k, glob)| match glob {
            Some(g) => texts.iter().any(|t| g.matches_str(t) == Tri::Yes),
            None => texts.iter().any(|t| t == k),
        })
    }
}

/// A stable fingerprint of a finding: FNV-1a over rule, principal, role and service.
#[must_use]
pub fn fingerprint(r: &Report<'_>, f: &Finding) -> String {
    format!("{:016x}", fingerprint_hash(r, f))
}

/// The number behind [`fingerprint`]: FNV-1a over `rule|kind|principal ARN|role ARN|service`,
/// hashed as it is formatted (no text is built).
#[must_use]
pub fn fingerprint_hash(r: &Report<'_>, f: &Finding) -> u64 {
    fingerprint_finish(fingerprint_prefix(r, f), r, f)
}

/// FNV-1a (64 bits), fed as text is formatted.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fnv(u64);

impl std::fmt::Write for Fnv {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        for b in s.bytes() {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        Ok(())
    }
}

/// The fingerprint's state after `rule|kind|principal ARN|`: the same for every finding of one
/// principal and rule (a writer may keep it and finish each finding from it).
pub(crate) fn fingerprint_prefix(r: &Report<'_>, f: &Finding) -> Fnv {
    let p = &r.analysis.principals[f.principal];
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    let _ = std::fmt::Write::write_fmt(
        &mut h,
        format_args!("{}|{}|{}|", rule_of(f).id, p.kind.as_str(), p.arn),
    );
    h
}

/// [`fingerprint_hash`] from the state [`fingerprint_prefix`] gave for the same principal and
/// rule.
pub(crate) fn fingerprint_finish(mut prefix: Fnv, r: &Report<'_>, f: &Finding) -> u64 {
    let role = &r.analysis.principals[f.role];
    let _ = std::fmt::Write::write_fmt(&mut prefix, format_args!("{}|{}", role.arn, f.service));
    prefix.0
}

/// How many findings are built and rendered in parallel before they are written in order:
/// enough to keep every thread busy, few enough to keep memory flat.
const BATCH: usize = 4_096;

/// Renders the findings a report shows one principal ([`Group`]) at a time with `render`, a
/// batch of principals in parallel, and hands the results to `write` in order: the output is
/// the same whatever the number of threads.
///
/// The work is pipelined: while the pool renders one batch, this thread writes the batch before
/// it and gathers the next (writing and gathering are serial; on two cores they were half of a
/// JSON lines run with one core idle).
pub(crate) fn in_batches<T: Send>(
    r: &Report<'_>,
    render: impl Fn(&Group<'_>) -> T + Sync,
    mut write: impl FnMut(T) -> Result,
) -> Result {
    use rayon::prelude::*;
    let mut groups = r.groups();
    let mut next_batch = || {
        let mut batch = Vec::new();
        let mut size = 0;
        while size < BATCH
            && let Some(g) = groups.next()
        {
            size += g.keys.len();
            batch.push(g);
        }
        batch
    };
    let mut batch = next_batch();
    let mut pending: Vec<T> = Vec::new();
    while !batch.is_empty() || !pending.is_empty() {
        let mut rendered: Vec<T> = Vec::new();
        let mut written = Ok(());
        let mut next = Vec::new();
        rayon::in_place_scope(|s| {
            s.spawn(|_| rendered = batch.par_iter().map(&render).collect());
            written = pending.drain(..).try_for_each(&mut write);
            if written.is_ok() {
                next = next_batch();
            }
        });
        written?;
        pending = rendered;
        batch = next;
    }
    Ok(())
}

/// Writes with broken pipes treated as success by the caller.
pub type Result = io::Result<()>;
