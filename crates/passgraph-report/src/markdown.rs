//! `--format markdown`: a table for pull-request comments and audit reports.

use std::io::Write;

use crate::{Report, certainty, tri};

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Writes the report as Markdown.
///
/// # Errors
/// When writing fails.
pub fn emit(w: &mut dyn Write, r: &Report<'_>) -> crate::Result {
    let counts = r.counts();
    let definite = counts.definite;
    writeln!(w, "## passgraph: who can pass which role to which service")?;
    writeln!(w)?;
    writeln!(
        w,
        "{} findings: {definite} definite, {} possible.",
        counts.findings,
        counts.findings - definite
    )?;
    if counts.findings > 0 {
        writeln!(w)?;
        writeln!(
            w,
            "| Principal | Role | Service | Certainty | Severity | Exploitable | Via | Granted by |"
        )?;
        writeln!(w, "|---|---|---|---|---|---|---|---|")?;
        for f in r.findings() {
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
            writeln!(
                w,
                "| {} | {} | `{}` | {} | {} | {} | {} | {} |",
                cell(&r.principal_label(f.principal)),
                cell(&r.analysis.principals[f.role].name.to_string()),
                f.service,
                certainty(f.certainty),
                f.severity.as_str(),
                tri(f.exploitable),
                cell(&via.join(" → ")),
                cell(&grants.join("<br>")),
            )?;
        }
    }
    if !r.diagnostics.is_empty() {
        writeln!(w)?;
        writeln!(
            w,
            "<details><summary>{} diagnostics</summary>",
            r.diagnostics.len()
        )?;
        writeln!(w)?;
        for d in &r.diagnostics {
            let at = d
                .origin
                .as_ref()
                .map(|o| r.locate(o))
                .map(|l| format!(" ({}:{}:{})", l.file, l.line, l.column))
                .unwrap_or_default();
            writeln!(
                w,
                "- {} `{}`: {}{at}",
                d.level,
                d.code.id(),
                cell(&d.message)
            )?;
        }
        writeln!(w)?;
        writeln!(w, "</details>")?;
    }
    Ok(())
}
