//! `--format jsonl`: one JSON object per line, written as findings are built (the contract's
//! `audit --format jsonl`).
//!
//! Lines, in order: `diagnostic` lines, then each `finding` line preceded by the `statement`
//! lines it refers to that were not written yet (a statement is written once, with an id, and
//! findings name their grants, trust statements and denies by id), then one `summary` line.
//! Nothing is held per finding: the statement table grows with the distinct statements only.
//! To stay near 400 bytes a finding, lines leave out what `-f json` adds per finding and is
//! the same for every role a holder passes to one service (`launch_actions`,
//! `passed_to_service`); `exploitable` says whether a launch action is allowed.

use passgraph_model::hash::{FixedState, HashMap};
use std::io::Write;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use passgraph_graph::{Finding, Proof};
use passgraph_model::{Origin, Tri};

use crate::json::{DiagOut, LocationOut, diagnostic, entity, reasons, suppressed, uses};
use crate::{Fnv, Part, Report, certainty, fingerprint_finish, fingerprint_prefix, rule_of, tri};

#[derive(Serialize)]
struct StatementLine<'a> {
    r#type: &'static str,
    id: usize,
    policy: &'a str,
    statement: &'a str,
    certainty: &'static str,
    location: LocationOut,
}

/// Every principal as a JSON entity, with its kind (principals, `via`) and without (roles),
/// serialized once per report: a finding line copies them.
struct Entities {
    with_kind: Vec<Vec<u8>>,
    without_kind: Vec<Vec<u8>>,
}

impl Entities {
    fn new(r: &Report<'_>) -> Entities {
        let json = |p: usize, with_kind: bool| {
            serde_json::to_vec(&entity(r, p, with_kind)).unwrap_or_default()
        };
        let n = r.analysis.principals.len();
        Entities {
            with_kind: (0..n).into_par_iter().map(|p| json(p, true)).collect(),
            without_kind: (0..n).into_par_iter().map(|p| json(p, false)).collect(),
        }
    }
}

/// A finding with its line rendered but for the statement ids. `holes` has, for each list of
/// ids in order (the hops' trust statements and grants, then its grants, trust statements and
/// denies), the place in `line` where it goes (right after a `[`), its length, and its ids as
/// indices into its group's statements: one allocation per finding, however many lists.
struct Rendered {
    line: Vec<u8>,
    holes: Vec<u32>,
    suppressed: bool,
    definite: bool,
}

impl Rendered {
    /// Maps each statement index `i` of its lists to `to[i]`.
    fn renumber(&mut self, to: &[u32]) {
        let mut i = 0;
        while let Some(&len) = self.holes.get(i + 1) {
            let ids = i + 2..(i + 2 + len as usize).min(self.holes.len());
            for x in &mut self.holes[ids] {
                *x = to[*x as usize];
            }
            i += 2 + len as usize;
        }
    }
}

/// The findings of one principal, rendered, and the distinct statements they refer to (with
/// their hashes): the writer looks each statement up once per group, not once per finding.
struct RenderedGroup {
    statements: Vec<(u64, StatementKey)>,
    findings: Vec<Rendered>,
}

/// A principal with more findings than this has them rendered in slices of this size, in
/// parallel (an administrator can pass every role: one principal can be most of a batch).
const SLICE: usize = 1_024;

fn render_group(
    r: &Report<'_>,
    ents: &Entities,
    stack: Option<&str>,
    g: &crate::Group<'_>,
) -> RenderedGroup {
    let n = g.keys.len();
    if n <= SLICE {
        return render_slice(r, ents, stack, g, 0..n);
    }
    let starts: Vec<usize> = (0..n).step_by(SLICE).collect();
    let slices: Vec<RenderedGroup> = starts
        .into_par_iter()
        .map(|s| render_slice(r, ents, stack, g, s..(s + SLICE).min(n)))
        .collect();
    // One statement table in order of first reference, as one pass over the findings makes.
    let mut statements: Vec<(u64, StatementKey)> = Vec::new();
    let mut at: HashMap<StatementKey, u32> = HashMap::default();
    let mut findings = Vec::with_capacity(n);
    for slice in slices {
        let renumber: Vec<u32> = slice
            .statements
            .into_iter()
            .map(|(hash, key)| {
                let next = u32::try_from(statements.len()).unwrap_or(u32::MAX);
                *at.entry(key).or_insert_with_key(|key| {
                    statements.push((hash, key.clone()));
                    next
                })
            })
            .collect();
        for mut f in slice.findings {
            f.renumber(&renumber);
            findings.push(f);
        }
    }
    RenderedGroup {
        statements,
        findings,
    }
}

/// The findings at positions `range` of a group, with the statements they refer to.
fn render_slice(
    r: &Report<'_>,
    ents: &Entities,
    stack: Option<&str>,
    g: &crate::Group<'_>,
    range: std::ops::Range<usize>,
) -> RenderedGroup {
    use std::hash::BuildHasher;
    let state = FixedState::default();
    let mut statements: Vec<(u64, StatementKey)> = Vec::new();
    let mut local: HashMap<StatementKey, u32> = HashMap::default();
    // The principal's fingerprint prefixes, by rule (direct, through roles).
    let mut prefixes: [Option<Fnv>; 2] = [None; 2];
    let findings = g
        .findings_in(range)
        .map(|f| {
            let mut intern = |p: &Proof| {
                let key = (
                    p.policy.clone(),
                    p.statement.clone(),
                    p.applies,
                    p.origin.clone(),
                );
                let n = u32::try_from(statements.len()).unwrap_or(u32::MAX);
                *local.entry(key).or_insert_with_key(|key| {
                    statements.push((state.hash_one(key), key.clone()));
                    n
                })
            };
            render(r, ents, stack, &f, &mut prefixes, &mut intern)
        })
        .collect();
    RenderedGroup {
        statements,
        findings,
    }
}

fn json_str(b: &mut Vec<u8>, s: &str) {
    let _ = serde_json::to_writer(&mut *b, s);
}

fn json_value(b: &mut Vec<u8>, v: &impl Serialize) {
    let _ = serde_json::to_writer(&mut *b, v);
}

/// The finding's line, field for field as `serde_json` writes the contract's finding object
/// (the order of `FindingLine` before the writer was parallel; the tests pin it).
fn render(
    r: &Report<'_>,
    ents: &Entities,
    stack: Option<&str>,
    f: &Finding,
    prefixes: &mut [Option<Fnv>; 2],
    intern: &mut dyn FnMut(&Proof) -> u32,
) -> Rendered {
    let list = |b: &mut Vec<u8>, v: &[usize]| {
        b.push(b'[');
        for (i, p) in v.iter().enumerate() {
            if i > 0 {
                b.push(b',');
            }
            b.extend_from_slice(&ents.with_kind[*p]);
        }
        b.push(b']');
    };
    let mut b = Vec::with_capacity(512);
    b.extend_from_slice(br#"{"type":"finding","#);
    if let Some(s) = stack {
        b.extend_from_slice(br#""stack":"#);
        json_str(&mut b, s);
        b.push(b',');
    }
    b.extend_from_slice(br#""rule":""#);
    b.extend_from_slice(rule_of(f).id.as_bytes());
    b.extend_from_slice(br#"","principal":"#);
    b.extend_from_slice(&ents.with_kind[f.principal]);
    b.extend_from_slice(br#","role":"#);
    b.extend_from_slice(&ents.without_kind[f.role]);
    b.extend_from_slice(br#","service":"#);
    json_str(&mut b, &f.service);
    b.extend_from_slice(br#","certainty":""#);
    b.extend_from_slice(certainty(f.certainty).as_bytes());
    b.extend_from_slice(br#"","severity":""#);
    b.extend_from_slice(f.severity.as_str().as_bytes());
    b.extend_from_slice(br#"","via":"#);
    list(&mut b, &f.via);
    if let Some(a) = &f.also_via {
        b.extend_from_slice(br#","also_via":"#);
        list(&mut b, a);
    }
    // Statement ids: a hole in the line for each list, filled in as the line is written.
    let mut holes = Vec::new();
    let mut ids = |b: &mut Vec<u8>, name: &[u8], proofs: &[Proof]| {
        b.extend_from_slice(b",\"");
        b.extend_from_slice(name);
        b.extend_from_slice(b"\":[");
        let n = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
        holes.extend([n(b.len()), n(proofs.len())]);
        holes.extend(proofs.iter().map(&mut *intern));
        b.push(b']');
    };
    if !f.via.is_empty() {
        b.extend_from_slice(br#","assumes":["#);
        for (i, (to, hop)) in r.hops(f).enumerate() {
            if i > 0 {
                b.push(b',');
            }
            b.extend_from_slice(br#"{"role":"#);
            json_str(&mut b, &r.analysis.principals[to].name.to_string());
            b.extend_from_slice(br#","certainty":""#);
            b.extend_from_slice(
                certainty(hop.as_ref().map_or(Tri::Maybe, |h| h.certainty)).as_bytes(),
            );
            b.push(b'"');
            ids(&mut b, b"trust", hop.as_ref().map_or(&[], |h| h.trust));
            ids(&mut b, b"grants", hop.as_ref().map_or(&[], |h| &h.grants));
            b.push(b'}');
        }
        b.push(b']');
    }
    ids(&mut b, b"grants", &f.proof.grants);
    ids(&mut b, b"trust", &f.proof.trust);
    if !f.proof.denies.is_empty() {
        ids(&mut b, b"denies", &f.proof.denies);
    }
    let why = reasons(f);
    if !why.is_empty() {
        b.extend_from_slice(br#","reasons":"#);
        json_value(&mut b, &why);
    }
    b.extend_from_slice(br#","exploitable":""#);
    b.extend_from_slice(tri(f.exploitable).as_bytes());
    b.extend_from_slice(br#"","role_admin":""#);
    b.extend_from_slice(tri(f.role_admin).as_bytes());
    b.push(b'"');
    let used = uses(r, f);
    if !used.is_empty() {
        b.extend_from_slice(br#","in_use_by":"#);
        json_value(&mut b, &used);
    }
    let prefix =
        *prefixes[usize::from(!f.via.is_empty())].get_or_insert_with(|| fingerprint_prefix(r, f));
    let _ = write!(
        b,
        r#","fingerprint":"{:016x}""#,
        fingerprint_finish(prefix, r, f)
    );
    let sup = suppressed(r, f);
    let is_suppressed = sup.is_some();
    if let Some(s) = sup {
        b.extend_from_slice(br#","suppressed":"#);
        json_value(&mut b, &s);
    }
    b.extend_from_slice(b"}\n");
    Rendered {
        line: b,
        holes,
        suppressed: is_suppressed,
        definite: f.certainty == Tri::Yes,
    }
}

#[derive(Serialize)]
struct DiagnosticLine {
    r#type: &'static str,
    #[serde(flatten)]
    d: DiagOut,
}

#[derive(Serialize)]
struct StackCount<'a> {
    stack: &'a str,
    findings: usize,
    definite: usize,
    possible: usize,
}

#[derive(Serialize)]
struct SummaryLine<'a> {
    r#type: &'static str,
    /// Findings accepted (configuration, inline, baseline): they do not count for --fail-on.
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<usize>,
    findings: usize,
    definite: usize,
    possible: usize,
    statements: usize,
    diagnostics: usize,
    principals: usize,
    roles: usize,
    tool: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    files_read: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stacks: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped: Option<std::collections::BTreeMap<String, usize>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    by_stack: Vec<StackCount<'a>>,
}

type StatementKey = (Arc<str>, Arc<str>, Tri, Origin);

/// Equal statement keys; the strings are usually the same allocation (shared proofs).
fn same_statement(a: &StatementKey, b: &StatementKey) -> bool {
    let text = |x: &Arc<str>, y: &Arc<str>| Arc::ptr_eq(x, y) || x == y;
    a.2 == b.2 && a.3 == b.3 && text(&a.0, &b.0) && text(&a.1, &b.1)
}

/// Appends `n` in decimal.
fn decimal(out: &mut Vec<u8>, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        // `n % 10` is below 10.
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// A hasher for keys that are hashes already.
#[derive(Default)]
struct Prehashed(u64);

impl std::hash::Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// The writer's state: statement ids given so far (per source map: stacks share one).
#[derive(Default)]
struct Lines {
    /// By the statement key's hash: the keys with that hash and their ids.
    ids: std::collections::HashMap<
        u64,
        Vec<(StatementKey, usize)>,
        std::hash::BuildHasherDefault<Prehashed>,
    >,
    statements: usize,
    diagnostics: usize,
    suppressed: usize,
}

impl Lines {
    fn line(w: &mut dyn Write, v: &impl Serialize) -> crate::Result {
        serde_json::to_writer(&mut *w, v).map_err(std::io::Error::other)?;
        w.write_all(b"\n")
    }

    /// The id of a statement, when it was written already; `None` otherwise.
    fn id_of(&self, hash: u64, key: &StatementKey) -> Option<usize> {
        self.ids
            .get(&hash)?
            .iter()
            .find(|(k, _)| same_statement(k, key))
            .map(|(_, id)| *id)
    }

    /// Writes a group's findings in order. Each statement is looked up once; one not written
    /// yet gets the next id, and its line, right before the first finding that names it.
    fn group(&mut self, w: &mut dyn Write, r: &Report<'_>, g: &RenderedGroup) -> crate::Result {
        let mut ids: Vec<Option<usize>> = g
            .statements
            .iter()
            .map(|(h, k)| self.id_of(*h, k))
            .collect();
        let mut out = Vec::new();
        for x in &g.findings {
            self.suppressed += usize::from(x.suppressed);
            out.clear();
            let mut from = 0;
            let mut holes = x.holes.iter().map(|&n| n as usize);
            while let (Some(hole), Some(len)) = (holes.next(), holes.next()) {
                out.extend_from_slice(&x.line[from..hole]);
                for (i, at) in holes.by_ref().take(len).enumerate() {
                    // A statement not written yet goes first, in order of reference.
                    let id = match ids[at] {
                        Some(id) => id,
                        None => {
                            let (hash, key) = &g.statements[at];
                            let id = self.write_statement(w, r, *hash, key)?;
                            ids[at] = Some(id);
                            id
                        }
                    };
                    if i > 0 {
                        out.push(b',');
                    }
                    decimal(&mut out, id);
                }
                from = hole;
            }
            out.extend_from_slice(&x.line[from..]);
            w.write_all(&out)?;
        }
        Ok(())
    }

    /// Gives a statement the next id and writes its line.
    fn write_statement(
        &mut self,
        w: &mut dyn Write,
        r: &Report<'_>,
        hash: u64,
        key: &StatementKey,
    ) -> std::io::Result<usize> {
        let id = self.statements;
        self.statements += 1;
        let (policy, statement, applies, origin) = key;
        Lines::line(
            w,
            &StatementLine {
                r#type: "statement",
                id,
                policy,
                statement,
                certainty: certainty(*applies),
                location: r.locate(origin).into(),
            },
        )?;
        self.ids.entry(hash).or_default().push((key.clone(), id));
        Ok(id)
    }

    fn diagnostic(
        &mut self,
        w: &mut dyn Write,
        r: &Report<'_>,
        stack: Option<&String>,
        d: &passgraph_model::Diagnostic,
    ) -> crate::Result {
        self.diagnostics += 1;
        Lines::line(
            w,
            &DiagnosticLine {
                r#type: "diagnostic",
                d: diagnostic(r, stack, d),
            },
        )
    }
}

fn roles(r: &Report<'_>) -> usize {
    r.analysis
        .principals
        .iter()
        .filter(|p| p.kind == passgraph_graph::PrincipalKind::Role)
        .count()
}

/// Writes the report as JSON lines.
///
/// # Errors
/// When writing fails.
pub fn emit(w: &mut dyn Write, r: &Report<'_>) -> crate::Result {
    let part = Part {
        stack: None,
        report: r.with_selection(r.selection.clone()),
    };
    emit_stacks(w, std::slice::from_ref(&part), &[], None)
}

/// Writes several stacks as JSON lines: each finding and diagnostic names its `stack`, the
/// summary adds the search's figures and the counts per stack. `extra` are diagnostics of no
/// stack.
///
/// # Errors
/// When writing fails.
pub fn emit_stacks(
    w: &mut dyn Write,
    parts: &[Part<'_>],
    extra: &[passgraph_model::Diagnostic],
    discovery: Option<&crate::Discovery>,
) -> crate::Result {
    let mut lines = Lines::default();
    if let Some(first) = parts.first() {
        for d in extra {
            lines.diagnostic(w, &first.report, None, d)?;
        }
    }
    for p in parts {
        for d in &p.report.diagnostics {
            lines.diagnostic(w, &p.report, p.stack.as_ref(), d)?;
        }
    }
    let mut by_stack = Vec::new();
    let (mut n, mut definite, mut principals, mut nroles) = (0, 0, 0, 0);
    for p in parts {
        let (mut pn, mut pd) = (0, 0);
        // Lines are rendered in parallel a batch of principals at a time and written in order;
        // statement ids are given as they are written, so the output does not depend on the
        // number of threads.
        let stack = p.stack.as_deref();
        let ents = Entities::new(&p.report);
        // Statement ids are given as lines are written, in order, so the output does not
        // depend on the number of threads.
        crate::in_batches(
            &p.report,
            |g| render_group(&p.report, &ents, stack, g),
            |g| {
                lines.group(w, &p.report, &g)?;
                pn += g.findings.len();
                pd += g.findings.iter().filter(|x| x.definite).count();
                Ok(())
            },
        )?;
        n += pn;
        definite += pd;
        principals += p.report.analysis.principals.len();
        nroles += roles(&p.report);
        if let Some(s) = &p.stack {
            by_stack.push(StackCount {
                stack: s,
                findings: pn,
                definite: pd,
                possible: pn - pd,
            });
        }
    }
    Lines::line(
        w,
        &SummaryLine {
            r#type: "summary",
            suppressed: parts
                .iter()
                .any(|p| p.report.suppress.is_some())
                .then_some(lines.suppressed),
            findings: n,
            definite,
            possible: n - definite,
            statements: lines.statements,
            diagnostics: lines.diagnostics,
            principals,
            roles: nroles,
            tool: concat!("passgraph ", env!("CARGO_PKG_VERSION")),
            files_read: discovery.map(|d| d.files_read),
            stacks: discovery.map(|d| d.stacks),
            skipped: discovery.map(|d| d.skipped.iter().cloned().collect()),
            by_stack,
        },
    )?;
    w.flush()
}
