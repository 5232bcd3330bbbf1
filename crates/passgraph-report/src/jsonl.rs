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

use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use passgraph_graph::{Finding, Proof};
use passgraph_model::{Origin, Tri};

use crate::json::{
    DiagOut, Entity, LocationOut, SuppressedOut, UseOut, diagnostic, entity, reasons, suppressed,
    uses,
};
use crate::{Part, Report, certainty, fingerprint, rule_of, tri};

#[derive(Serialize)]
struct StatementLine<'a> {
    r#type: &'static str,
    id: usize,
    policy: &'a str,
    statement: &'a str,
    certainty: &'static str,
    location: LocationOut,
}

/// A finding line up to its statement ids (which are given in order, by the writer).
#[derive(Serialize)]
struct FindingHead<'a> {
    r#type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    stack: Option<&'a str>,
    rule: &'static str,
    principal: &'a Entity,
    role: Entity,
    service: &'a str,
    certainty: &'static str,
    severity: &'static str,
    via: Vec<Entity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    also_via: Option<Vec<Entity>>,
}

/// A finding line after its statement ids.
#[derive(Serialize)]
struct FindingTail {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    reasons: Vec<String>,
    exploitable: &'static str,
    role_admin: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    in_use_by: Vec<UseOut>,
    fingerprint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<SuppressedOut>,
}

/// A finding with its line rendered but for the statement ids: `head` is a JSON object
/// without its closing brace, `tail` one without its opening brace.
struct Rendered {
    finding: Finding,
    head: Vec<u8>,
    tail: Vec<u8>,
    suppressed: bool,
}

/// How many findings are rendered in parallel before they are written in order: enough to keep
/// every thread busy, few enough to keep memory flat.
const BATCH: usize = 4_096;

fn render(r: &Report<'_>, stack: Option<&str>, principal: &Entity, f: Finding) -> Rendered {
    let sup = suppressed(r, &f);
    let suppressed = sup.is_some();
    let mut head = serde_json::to_vec(&FindingHead {
        r#type: "finding",
        stack,
        rule: rule_of(&f).id,
        principal,
        role: entity(r, f.role, false),
        service: &f.service,
        certainty: certainty(f.certainty),
        severity: f.severity.as_str(),
        via: f.via.iter().map(|v| entity(r, *v, true)).collect(),
        also_via: f
            .also_via
            .as_ref()
            .map(|a| a.iter().map(|v| entity(r, *v, true)).collect()),
    })
    .unwrap_or_default();
    head.pop();
    let mut tail = serde_json::to_vec(&FindingTail {
        reasons: reasons(&f),
        exploitable: tri(f.exploitable),
        role_admin: tri(f.role_admin),
        in_use_by: uses(r, &f),
        fingerprint: fingerprint(r, &f),
        suppressed: sup,
    })
    .unwrap_or_default();
    tail.remove(0);
    Rendered {
        finding: f,
        head,
        tail,
        suppressed,
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

/// The writer's state: statement ids given so far (per source map: stacks share one).
#[derive(Default)]
struct Lines {
    ids: HashMap<StatementKey, usize>,
    diagnostics: usize,
    suppressed: usize,
}

impl Lines {
    fn line(w: &mut dyn Write, v: &impl Serialize) -> crate::Result {
        serde_json::to_writer(&mut *w, v).map_err(std::io::Error::other)?;
        w.write_all(b"\n")
    }

    /// The ids of `proofs`, writing the statement lines not yet written.
    fn ids(
        &mut self,
        w: &mut dyn Write,
        r: &Report<'_>,
        proofs: &[Proof],
    ) -> std::io::Result<Vec<usize>> {
        let mut out = Vec::with_capacity(proofs.len());
        for p in proofs {
            let key = (
                p.policy.clone(),
                p.statement.clone(),
                p.applies,
                p.origin.clone(),
            );
            if let Some(id) = self.ids.get(&key) {
                out.push(*id);
                continue;
            }
            let id = self.ids.len();
            Lines::line(
                w,
                &StatementLine {
                    r#type: "statement",
                    id,
                    policy: &p.policy,
                    statement: &p.statement,
                    certainty: certainty(p.applies),
                    location: r.locate(&p.origin).into(),
                },
            )?;
            self.ids.insert(key, id);
            out.push(id);
        }
        Ok(out)
    }

    fn finding(&mut self, w: &mut dyn Write, r: &Report<'_>, x: &Rendered) -> crate::Result {
        self.suppressed += usize::from(x.suppressed);
        let grants = self.ids(w, r, &x.finding.proof.grants)?;
        let trust = self.ids(w, r, &x.finding.proof.trust)?;
        let denies = self.ids(w, r, &x.finding.proof.denies)?;
        let list = |name: &str, ids: &[usize]| {
            let ids: Vec<String> = ids.iter().map(usize::to_string).collect();
            format!(",\"{name}\":[{}]", ids.join(","))
        };
        w.write_all(&x.head)?;
        w.write_all(list("grants", &grants).as_bytes())?;
        w.write_all(list("trust", &trust).as_bytes())?;
        if !denies.is_empty() {
            w.write_all(list("denies", &denies).as_bytes())?;
        }
        w.write_all(b",")?;
        w.write_all(&x.tail)?;
        w.write_all(b"\n")
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
        let mut groups = p.report.groups().peekable();
        while groups.peek().is_some() {
            let mut batch = Vec::new();
            let mut size = 0;
            while size < BATCH
                && let Some(g) = groups.next()
            {
                size += g.keys.len();
                batch.push(g);
            }
            let rendered: Vec<Vec<Rendered>> = batch
                .par_iter()
                .map(|g| {
                    let principal = entity(&p.report, g.principal, true);
                    g.findings()
                        .map(|f| render(&p.report, stack, &principal, f))
                        .collect()
                })
                .collect();
            for x in rendered.iter().flatten() {
                lines.finding(w, &p.report, x)?;
                pn += 1;
                pd += usize::from(x.finding.certainty == Tri::Yes);
            }
        }
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
            statements: lines.ids.len(),
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
