//! Output for runs that searched folders: several stacks, each its own account. Findings and
//! diagnostics are grouped per stack; the summary adds what the search read and skipped. JSON
//! and SARIF have their own `emit_stacks` (`json`, `sarif`).

use std::io::Write;

use passgraph_model::{Diagnostic, Tri};

use crate::text::TextOptions;
use crate::{Discovery, Part};

/// How many stack names the text lists for "no finding in ...".
const QUIET_NAMES: usize = 8;

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `12 files read, 3 stacks, 40 files skipped (38 not a template, plan or snapshot; 2 excluded)`.
#[must_use]
pub fn discovery_line(d: &Discovery) -> String {
    let skipped: usize = d.skipped.iter().map(|(_, n)| n).sum();
    let mut line = format!(
        "{} read, {}",
        plural(d.files_read, "file", "files"),
        plural(d.stacks, "stack", "stacks")
    );
    if skipped > 0 {
        let why: Vec<String> = d.skipped.iter().map(|(r, n)| format!("{n} {r}")).collect();
        line.push_str(&format!(
            ", {} skipped ({})",
            plural(skipped, "file", "files"),
            why.join("; ")
        ));
    }
    line
}

/// Writes several stacks as text: a total, what the search read, then each stack with
/// findings or diagnostics under its name, then the diagnostics of no stack.
///
/// # Errors
/// When writing fails.
pub fn emit_text(
    w: &mut dyn Write,
    parts: &[Part<'_>],
    extra: &[Diagnostic],
    discovery: Option<&Discovery>,
    opts: TextOptions,
) -> crate::Result {
    let n: usize = parts.iter().map(|p| p.report.findings.len()).sum();
    let definite: usize = parts
        .iter()
        .map(|p| {
            p.report
                .findings
                .iter()
                .filter(|f| f.certainty == Tri::Yes)
                .count()
        })
        .sum();
    let with = parts
        .iter()
        .filter(|p| !p.report.findings.is_empty())
        .count();
    let bold = |s: &str| {
        if opts.color {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    };
    writeln!(
        w,
        "{}",
        bold(&format!(
            "passgraph: {} ({definite} definite, {} possible) in {} of {}",
            plural(n, "finding", "findings"),
            n - definite,
            with,
            plural(parts.len(), "stack", "stacks")
        ))
    )?;
    if let Some(d) = discovery {
        writeln!(w, "searched: {}", discovery_line(d))?;
    }
    let mut quiet = Vec::new();
    for p in parts {
        let name = p.stack.as_deref().unwrap_or("(inputs)");
        if p.report.findings.is_empty() && p.report.diagnostics.is_empty() {
            quiet.push(name);
            continue;
        }
        writeln!(w)?;
        crate::text::emit_titled(w, &p.report, opts, true, &format!("stack {name}"))?;
    }
    if !quiet.is_empty() {
        writeln!(w)?;
        let shown: Vec<&str> = quiet.iter().take(QUIET_NAMES).copied().collect();
        let more = quiet.len().saturating_sub(QUIET_NAMES);
        writeln!(
            w,
            "no finding and nothing to say in {}: {}{}",
            plural(quiet.len(), "stack", "stacks"),
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        )?;
    }
    if let (false, Some(first)) = (extra.is_empty(), parts.first()) {
        writeln!(w)?;
        crate::text::emit_diagnostics(w, &first.report, opts, extra)?;
    }
    Ok(())
}

/// Writes several stacks as Markdown: one table per stack with findings.
///
/// # Errors
/// When writing fails.
pub fn emit_markdown(
    w: &mut dyn Write,
    parts: &[Part<'_>],
    discovery: Option<&Discovery>,
) -> crate::Result {
    let n: usize = parts.iter().map(|p| p.report.findings.len()).sum();
    writeln!(w, "## passgraph: who can pass which role to which service")?;
    writeln!(w)?;
    writeln!(
        w,
        "{} in {} of {}.",
        plural(n, "finding", "findings"),
        parts
            .iter()
            .filter(|p| !p.report.findings.is_empty())
            .count(),
        plural(parts.len(), "stack", "stacks")
    )?;
    if let Some(d) = discovery {
        writeln!(w)?;
        writeln!(w, "Searched: {}.", discovery_line(d))?;
    }
    for p in parts {
        if p.report.findings.is_empty() && p.report.diagnostics.is_empty() {
            continue;
        }
        writeln!(w)?;
        writeln!(
            w,
            "### Stack `{}`",
            p.stack.as_deref().unwrap_or("(inputs)")
        )?;
        writeln!(w)?;
        let mut buf = Vec::new();
        crate::markdown::emit(&mut buf, &p.report)?;
        // The per-stack body without its own level-2 title.
        let text = String::from_utf8_lossy(&buf);
        let body = text
            .strip_prefix("## passgraph: who can pass which role to which service\n\n")
            .unwrap_or(&text);
        w.write_all(body.as_bytes())?;
    }
    Ok(())
}

/// Writes several stacks as Graphviz: one `digraph` per stack, each preceded by a comment with
/// its name (`dot` renders every graph of a file).
///
/// # Errors
/// When writing fails.
pub fn emit_dot(w: &mut dyn Write, parts: &[Part<'_>], findings_only: bool) -> crate::Result {
    for p in parts {
        writeln!(
            w,
            "// stack {}",
            p.stack.as_deref().unwrap_or("(inputs)")
        )?;
        crate::dot::emit(w, &p.report, findings_only)?;
    }
    Ok(())
}
