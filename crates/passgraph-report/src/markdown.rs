//! `--format markdown`: for pull-request comments and audit reports, at most
//! [`MAX_CHARS`] characters whatever the input (a pull-request comment holds 65,536).
//!
//! A count line; a summary table, one row per principal and service (findings, definite, worst
//! severity), worst first; the top findings with their proofs (the statements that grant, with
//! file and line), worst first; the diagnostics; and a line saying what was left out. Only the
//! findings shown are built: the rest is read from the findings' keys.

use std::collections::{BTreeMap, BinaryHeap};
use std::fmt::Write as _;
use std::io::Write;

use passgraph_graph::{Finding, Severity};
use passgraph_model::Tri;

use crate::{Report, certainty, tri};

/// The most characters a Markdown report holds.
pub const MAX_CHARS: usize = 60_000;
/// The most findings shown with their proofs.
const TOP: usize = 200;
/// Room kept for the closing line.
const TRAILER: usize = 600;

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// One row of the findings table.
pub(crate) fn finding_row(r: &Report<'_>, f: &Finding) -> String {
    let via: Vec<String> = f
        .via
        .iter()
        .map(|v| r.analysis.principals[*v].name.to_string())
        .collect();
    let grants: Vec<String> = f
        .proof
        .grants
        .iter()
        .map(|g| {
            let l = r.locate(&g.origin);
            format!("`{}` {} ({}:{})", g.policy, g.statement, l.file, l.line)
        })
        .collect();
    // An accepted finding says so where a reviewer reads its certainty.
    let accepted = r.suppression(f).map_or_else(String::new, |a| {
        format!(" (accepted, {}: {})", a.kind, a.reason)
    });
    format!(
        "| {} | {} | `{}` | {}{} | {} | {} | {} | {} |\n",
        cell(&r.principal_label(f.principal)),
        cell(&r.analysis.principals[f.role].name.to_string()),
        f.service,
        certainty(f.certainty),
        cell(&accepted),
        f.severity.as_str(),
        tri(f.exploitable),
        cell(&via.join(" → ")),
        cell(&grants.join("<br>")),
    )
}

pub(crate) const FINDINGS_HEAD: &str = "| Principal | Role | Service | Certainty | Severity | Exploitable | Via | Granted by |\n|---|---|---|---|---|---|---|---|\n";

/// How important a finding is: worse severity, then definite, then earlier.
type Rank = (std::cmp::Reverse<Severity>, std::cmp::Reverse<Tri>, usize);

/// Writes the report as Markdown, at most [`MAX_CHARS`] characters.
///
/// # Errors
/// When writing fails.
pub fn emit(w: &mut dyn Write, r: &Report<'_>) -> crate::Result {
    emit_within(w, r, MAX_CHARS)
}

/// Writes the report as Markdown in at most `budget` bytes (so at most as many characters).
///
/// # Errors
/// When writing fails.
pub fn emit_within(w: &mut dyn Write, r: &Report<'_>, budget: usize) -> crate::Result {
    let text = render(r, budget);
    w.write_all(text.as_bytes())
}

fn render(r: &Report<'_>, budget: usize) -> String {
    let counts = r.counts();
    let definite = counts.definite;
    let mut out = String::new();
    out.push_str("## passgraph: who can pass which role to which service\n\n");
    let _ = writeln!(
        out,
        "{} findings: {definite} definite, {} possible.",
        counts.findings,
        counts.findings - definite
    );
    let mut left_out: Vec<String> = Vec::new();
    if counts.findings > 0 {
        // Per principal and service, from the keys; and the most important findings.
        let mut rows: Vec<(Severity, usize, usize, usize, String)> = Vec::new();
        let mut heap: BinaryHeap<(Rank, usize, usize)> = BinaryHeap::new();
        let mut seq = 0usize;
        for g in r.groups() {
            let mut per: BTreeMap<&str, (usize, usize, Severity)> = BTreeMap::new();
            for (i, (_, service, t, sev)) in g.keys.iter().enumerate() {
                let e = per.entry(service).or_insert((0, 0, Severity::Low));
                e.0 += 1;
                e.1 += usize::from(*t == Tri::Yes);
                e.2 = e.2.max(*sev);
                let rank = (std::cmp::Reverse(*sev), std::cmp::Reverse(*t), seq);
                seq += 1;
                heap.push((rank, g.principal, i));
                if heap.len() > TOP {
                    heap.pop();
                }
            }
            for (s, (n, d, sev)) in per {
                rows.push((sev, n, d, g.principal, s.to_owned()));
            }
        }
        rows.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
        // The summary takes at most 40% of the budget.
        let summary_budget = budget * 2 / 5;
        out.push_str("\n### Summary: principal × service\n\n");
        out.push_str("| Principal | Service | Findings | Definite | Worst severity |\n|---|---|---|---|---|\n");
        let mut shown_rows = 0;
        for (sev, n, d, p, s) in &rows {
            let row = format!(
                "| {} | `{}` | {n} | {d} | {} |\n",
                cell(&r.principal_label(*p)),
                s,
                sev.as_str()
            );
            if out.len() + row.len() > summary_budget {
                break;
            }
            out.push_str(&row);
            shown_rows += 1;
        }
        if shown_rows < rows.len() {
            left_out.push(format!(
                "{} of {} summary rows",
                rows.len() - shown_rows,
                rows.len()
            ));
        }
        // The top findings, built now.
        let mut top: Vec<(Rank, usize, usize)> = heap.into_vec();
        top.sort();
        let mut wanted: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (_, p, i) in &top {
            wanted.entry(*p).or_default().push(*i);
        }
        let mut built: BTreeMap<(usize, usize), Finding> = BTreeMap::new();
        for g in r.groups() {
            if let Some(is) = wanted.get(&g.principal) {
                for i in is {
                    if let Some(f) = g.finding(*i) {
                        built.insert((g.principal, *i), f);
                    }
                }
            }
        }
        let diag_room = if r.diagnostics.is_empty() {
            0
        } else {
            budget / 10
        };
        let _ = writeln!(
            out,
            "\n### Top findings, worst first ({} of {})\n",
            top.len().min(counts.findings),
            counts.findings
        );
        out.push_str(FINDINGS_HEAD);
        let mut shown = 0;
        for (_, p, i) in &top {
            let Some(f) = built.get(&(*p, *i)) else {
                continue;
            };
            let row = finding_row(r, f);
            if out.len() + row.len() + diag_room + TRAILER > budget {
                break;
            }
            out.push_str(&row);
            shown += 1;
        }
        if shown < counts.findings {
            left_out.push(format!(
                "{} of {} findings",
                counts.findings - shown,
                counts.findings
            ));
        }
    }
    if !r.diagnostics.is_empty() {
        let _ = writeln!(
            out,
            "\n<details><summary>{} diagnostic{}</summary>\n",
            r.diagnostics.len(),
            if r.diagnostics.len() == 1 { "" } else { "s" }
        );
        let mut shown = 0;
        for d in &r.diagnostics {
            let at = d
                .origin
                .as_ref()
                .map(|o| r.locate(o))
                .map(|l| format!(" ({}:{}:{})", l.file, l.line, l.column))
                .unwrap_or_default();
            let line = format!(
                "- {} `{}`: {}{at}\n",
                d.level,
                d.code.id(),
                cell(&d.message)
            );
            if out.len() + line.len() + TRAILER > budget {
                break;
            }
            out.push_str(&line);
            shown += 1;
        }
        out.push_str("\n</details>\n");
        if shown < r.diagnostics.len() {
            left_out.push(format!(
                "{} of {} diagnostics",
                r.diagnostics.len() - shown,
                r.diagnostics.len()
            ));
        }
    }
    if !left_out.is_empty() {
        let _ = writeln!(
            out,
            "\nNot shown: {} (Markdown stays under {MAX_CHARS} characters; `-f jsonl` lists every finding).",
            left_out.join(", ")
        );
    }
    out
}

/// One side of a diff: each stack's report and its findings.
pub type DiffSide<'a, 'r> = [(&'r crate::Part<'a>, Vec<&'r Finding>)];

/// Writes a `diff` as a pull-request comment, at most [`MAX_CHARS`] characters: a summary line,
/// a table of the added and removed exposures (principal, role, service, severity, exploitable),
/// then each added one's proof with file:line, and a line saying what was left out.
///
/// # Errors
/// When writing fails.
pub fn emit_diff(
    w: &mut dyn Write,
    added: &DiffSide<'_, '_>,
    removed: &DiffSide<'_, '_>,
) -> crate::Result {
    let n_added: usize = added.iter().map(|(_, f)| f.len()).sum();
    let n_removed: usize = removed.iter().map(|(_, f)| f.len()).sum();
    let exploitable = added
        .iter()
        .flat_map(|(_, fs)| fs.iter())
        .filter(|f| f.exploitable == Tri::Yes)
        .count();
    let worst = added
        .iter()
        .flat_map(|(_, fs)| fs.iter())
        .map(|f| f.severity)
        .max();
    let stacks = added
        .iter()
        .chain(removed)
        .any(|(p, fs)| p.stack.is_some() && !fs.is_empty());
    let mut out = String::new();
    out.push_str("## passgraph: what this change does to who can pass which role\n\n");
    let _ = writeln!(
        out,
        "**{n_added} exposure{} added, {n_removed} removed**{}.",
        if n_added == 1 { "" } else { "s" },
        match worst {
            Some(s) => format!(" (worst added: {}; {exploitable} exploitable)", s.as_str()),
            None => String::new(),
        }
    );
    let mut left_out: Vec<String> = Vec::new();
    if n_added + n_removed > 0 {
        out.push('\n');
        out.push_str(if stacks {
            "| | Stack | Principal | Role | Service | Severity | Exploitable |\n|---|---|---|---|---|---|---|\n"
        } else {
            "| | Principal | Role | Service | Severity | Exploitable |\n|---|---|---|---|---|---|\n"
        });
        let table_budget = MAX_CHARS / 2;
        let mut shown = 0;
        'rows: for (sign, side) in [("➕ added", added), ("➖ removed", removed)] {
            for (p, fs) in side {
                for f in fs {
                    let r = &p.report;
                    let stack = if stacks {
                        format!(" {} |", cell(p.stack.as_deref().unwrap_or("")))
                    } else {
                        String::new()
                    };
                    let sign = match r.suppression(f) {
                        Some(a) if sign.starts_with('➕') => {
                            format!("{sign} ({}: {})", a.kind, cell(&a.reason))
                        }
                        _ => sign.to_owned(),
                    };
                    let row = format!(
                        "| {sign} |{stack} {} | {} | `{}` | {} | {} |\n",
                        cell(&r.principal_label(f.principal)),
                        cell(&r.analysis.principals[f.role].name.to_string()),
                        f.service,
                        f.severity.as_str(),
                        tri(f.exploitable)
                    );
                    if out.len() + row.len() > table_budget {
                        break 'rows;
                    }
                    out.push_str(&row);
                    shown += 1;
                }
            }
        }
        if shown < n_added + n_removed {
            left_out.push(format!(
                "{} of {} table rows",
                n_added + n_removed - shown,
                n_added + n_removed
            ));
        }
    }
    if n_added > 0 {
        out.push_str("\n### Why each added exposure holds\n\n");
        let mut shown = 0;
        'proofs: for (p, fs) in added {
            let r = &p.report;
            for f in fs {
                let mut item = format!(
                    "- **{} → {} → `{}`** ({}, {}, exploitable: {}){}\n",
                    cell(&r.principal_label(f.principal)),
                    cell(&r.analysis.principals[f.role].name.to_string()),
                    f.service,
                    certainty(f.certainty),
                    f.severity.as_str(),
                    tri(f.exploitable),
                    if f.via.is_empty() {
                        String::new()
                    } else {
                        let via: Vec<String> = f
                            .via
                            .iter()
                            .map(|v| r.analysis.principals[*v].name.to_string())
                            .collect();
                        format!(", after assuming {}", cell(&via.join(" → ")))
                    }
                );
                // Each hop of the chain: the trust statement that lets it in and the grant
                // it needs.
                for (to, hop) in r.hops(f) {
                    let Some(h) = hop else { continue };
                    for g in h.trust.iter().take(1).chain(h.grants.iter().take(1)) {
                        let l = r.locate(&g.origin);
                        let _ = writeln!(
                            item,
                            "  - assumes {} (`{}` {} at `{}:{}`)",
                            cell(&r.analysis.principals[to].name.to_string()),
                            g.policy,
                            g.statement,
                            l.file,
                            l.line
                        );
                    }
                }
                for (what, list) in [
                    ("granted by", &f.proof.grants),
                    ("trusted by", &f.proof.trust),
                ] {
                    for g in list.iter() {
                        let l = r.locate(&g.origin);
                        let _ = writeln!(
                            item,
                            "  - {what} `{}` {} at `{}:{}`",
                            g.policy, g.statement, l.file, l.line
                        );
                    }
                }
                if out.len() + item.len() + TRAILER > MAX_CHARS {
                    break 'proofs;
                }
                out.push_str(&item);
                shown += 1;
            }
        }
        if shown < n_added {
            left_out.push(format!("{} of {n_added} proofs", n_added - shown));
        }
    }
    if !left_out.is_empty() {
        let _ = writeln!(
            out,
            "\nNot shown: {} (the comment stays under {MAX_CHARS} characters; `passgraph diff -f json` has everything).",
            left_out.join(", ")
        );
    }
    w.write_all(out.as_bytes())
}
