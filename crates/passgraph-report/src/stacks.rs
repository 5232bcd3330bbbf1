//! Output for runs that searched folders: several stacks, each its own account. Findings and
//! diagnostics are grouped per stack; the summary adds what the search read and skipped. JSON
//! and SARIF have their own `emit_stacks` (`json`, `sarif`).

use std::io::Write;

use passgraph_model::Diagnostic;

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
    let counts: Vec<crate::Counts> = parts.iter().map(|p| p.report.counts()).collect();
    let n: usize = counts.iter().map(|c| c.findings).sum();
    let definite: usize = counts.iter().map(|c| c.definite).sum();
    let with = counts.iter().filter(|c| c.findings > 0).count();
    let bold = |s: &str| {
        if opts.color {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    };
    let accepted: Option<usize> = parts
        .iter()
        .filter_map(|p| crate::text::accepted(&p.report))
        .reduce(|a, b| a + b);
    writeln!(
        w,
        "{}",
        bold(&format!(
            "passgraph: {} ({definite} definite, {} possible) in {} of {}{}",
            plural(n, "finding", "findings"),
            n - definite,
            with,
            plural(parts.len(), "stack", "stacks"),
            accepted.map_or_else(String::new, |a| format!("; {a} accepted"))
        ))
    )?;
    if let Some(d) = discovery {
        writeln!(w, "searched: {}", discovery_line(d))?;
    }
    let mut quiet = Vec::new();
    for (p, c) in parts.iter().zip(&counts) {
        let name = p.stack.as_deref().unwrap_or("(inputs)");
        if c.findings == 0 && p.report.diagnostics.is_empty() {
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

/// The least room a stack's section gets; a stack that cannot have it is named as not shown.
const MIN_SECTION: usize = 1_500;

/// The worst severity of a report's findings; `None` without findings.
fn worst(r: &crate::Report<'_>) -> Option<passgraph_graph::Severity> {
    r.groups()
        .flat_map(|g| g.keys.into_iter().map(|k| k.3))
        .max()
}

/// Writes several stacks as Markdown: a table of the stacks with findings (most severe
/// first), then a section per stack, stacks with findings first in the same order, then those
/// with notes only, within [`crate::markdown::MAX_CHARS`]. What does not fit is named.
///
/// # Errors
/// When writing fails.
pub fn emit_markdown(
    w: &mut dyn Write,
    parts: &[Part<'_>],
    discovery: Option<&Discovery>,
) -> crate::Result {
    use std::fmt::Write as _;
    let counts: Vec<crate::Counts> = parts.iter().map(|p| p.report.counts()).collect();
    let n: usize = counts.iter().map(|c| c.findings).sum();
    let mut out = String::new();
    out.push_str("## passgraph: who can pass which role to which service\n\n");
    let _ = writeln!(
        out,
        "{} in {} of {}.",
        plural(n, "finding", "findings"),
        counts.iter().filter(|c| c.findings > 0).count(),
        plural(parts.len(), "stack", "stacks")
    );
    if let Some(d) = discovery {
        let _ = writeln!(out, "\nSearched: {}.", discovery_line(d));
    }
    let name = |p: &Part<'_>| p.stack.clone().unwrap_or_else(|| "(inputs)".to_owned());
    // Stacks with findings, most severe first, then by number of findings; then the stacks
    // that have only notes, in the order found.
    let mut with: Vec<(passgraph_graph::Severity, usize)> = parts
        .iter()
        .enumerate()
        .filter(|(i, _)| counts[*i].findings > 0)
        .map(|(i, p)| {
            (
                worst(&p.report).unwrap_or(passgraph_graph::Severity::Low),
                i,
            )
        })
        .collect();
    with.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(counts[b.1].findings.cmp(&counts[a.1].findings))
            .then(a.1.cmp(&b.1))
    });
    let notes_only: Vec<usize> = (0..parts.len())
        .filter(|&i| counts[i].findings == 0 && !parts[i].report.diagnostics.is_empty())
        .collect();
    let reserve = 1_000;
    let budget = crate::markdown::MAX_CHARS.saturating_sub(reserve + 400);
    let mut rows_left_out = 0;
    if with.len() > 1 {
        // The table takes at most a fifth of the budget.
        out.push_str("\n### Stacks with findings\n\n| Stack | Findings | Definite | Worst severity |\n|---|---|---|---|\n");
        for (k, (sev, i)) in with.iter().enumerate() {
            let c = &counts[*i];
            let row = format!(
                "| `{}` | {} | {} | {} |\n",
                name(&parts[*i]).replace('|', "\\|"),
                c.findings,
                c.definite,
                sev.as_str()
            );
            if out.len() + row.len() > budget / 5 {
                rows_left_out = with.len() - k;
                break;
            }
            out.push_str(&row);
        }
    }
    w.write_all(out.as_bytes())?;
    let mut used = out.len();
    let mut skipped_with = Vec::new();
    let mut skipped_notes = 0usize;
    let order: Vec<(usize, bool)> = with
        .iter()
        .map(|(_, i)| (*i, true))
        .chain(notes_only.iter().map(|i| (*i, false)))
        .collect();
    for (k, &(i, has_findings)) in order.iter().enumerate() {
        let left = budget.saturating_sub(used);
        // The stacks with findings share the budget (each at least the least section while
        // there is room for it); the stacks with notes only share what they leave.
        let mut share = if has_findings {
            left / (with.len() - k)
        } else {
            left / (order.len() - k)
        };
        if has_findings && share < MIN_SECTION && left >= MIN_SECTION {
            share = MIN_SECTION;
        }
        if share < MIN_SECTION {
            if has_findings {
                skipped_with.push(name(&parts[i]));
            } else {
                skipped_notes += 1;
            }
            continue;
        }
        let mut buf = Vec::new();
        crate::markdown::emit_within(&mut buf, &parts[i].report, share)?;
        // The per-stack body without its own level-2 title, its headings one level down.
        let text = String::from_utf8_lossy(&buf);
        let body = text
            .strip_prefix("## passgraph: who can pass which role to which service\n\n")
            .unwrap_or(&text)
            .replace("\n### ", "\n#### ");
        let head = format!("\n### Stack `{}`\n\n", name(&parts[i]));
        used += head.len() + body.len();
        w.write_all(head.as_bytes())?;
        w.write_all(body.as_bytes())?;
    }
    let mut missing = Vec::new();
    if !skipped_with.is_empty() {
        let list: Vec<&str> = skipped_with
            .iter()
            .take(QUIET_NAMES)
            .map(String::as_str)
            .collect();
        missing.push(format!(
            "{} with findings ({}{})",
            plural(skipped_with.len(), "stack", "stacks"),
            list.join(", "),
            if skipped_with.len() > QUIET_NAMES {
                ", ..."
            } else {
                ""
            }
        ));
    }
    if skipped_notes > 0 {
        missing.push(format!(
            "{} with notes only",
            plural(skipped_notes, "stack", "stacks")
        ));
    }
    if rows_left_out > 0 {
        missing.push(format!(
            "{} of the table",
            plural(rows_left_out, "row", "rows")
        ));
    }
    if !missing.is_empty() {
        writeln!(
            w,
            "\nNot shown, to stay under {} characters: {}; `-f jsonl` lists every finding.",
            crate::markdown::MAX_CHARS,
            missing.join("; ")
        )?;
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
        writeln!(w, "// stack {}", p.stack.as_deref().unwrap_or("(inputs)"))?;
        crate::dot::emit(w, &p.report, findings_only)?;
    }
    Ok(())
}

/// Writes several stacks as condensed pictures ([`crate::condensed`]): one `digraph` per
/// stack, each preceded by a comment with its name.
///
/// # Errors
/// When writing fails.
pub fn emit_condensed(
    w: &mut dyn Write,
    parts: &[Part<'_>],
    focus: &crate::condensed::Focus,
) -> crate::Result {
    // A picture per stack with findings; the others are named in a comment (a repository of
    // 177 templates drew 169 empty pictures, each with its legend). Without any finding, one
    // picture says so.
    let (drawn, empty): (Vec<&Part<'_>>, Vec<&Part<'_>>) =
        parts.iter().partition(|p| p.report.counts().findings > 0);
    let drawn = if drawn.is_empty() {
        parts.iter().take(1).collect()
    } else {
        drawn
    };
    for p in &drawn {
        let name = p.stack.as_deref().unwrap_or("(inputs)");
        writeln!(w, "// stack {name}")?;
        crate::condensed::emit_titled(w, &p.report, focus, Some(&format!("stack {name}")))?;
    }
    let undrawn: Vec<&str> = empty
        .iter()
        .filter(|p| !drawn.iter().any(|d| std::ptr::eq(*d, **p)))
        .map(|p| p.stack.as_deref().unwrap_or("(inputs)"))
        .collect();
    if !undrawn.is_empty() {
        writeln!(
            w,
            "// no finding to draw in {}: {}",
            plural(undrawn.len(), "stack", "stacks"),
            undrawn.join(", ")
        )?;
    }
    Ok(())
}

/// A diagnostic's cause: its message with Terraform instance addresses (`module.a.module.b`,
/// `aws_iam_role.x["k"]`) reduced to `…`, so that one module called twice says one thing.
#[must_use]
pub fn cause(message: &str) -> String {
    message
        .split(' ')
        .map(|w| {
            let bare = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '_' && c != '.');
            if bare.starts_with("module.") || (w.contains('[') && w.contains('.')) {
                "…"
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The key under which diagnostics are the same: code, position without the resource address,
/// cause. `None` without a position.
#[must_use]
pub fn place_key(
    d: &Diagnostic,
) -> Option<(passgraph_model::Code, passgraph_model::Origin, String)> {
    let o = d.origin.as_ref()?;
    Some((
        d.code,
        passgraph_model::Origin::new(o.file, o.range),
        cause(&d.message),
    ))
}

/// One diagnostic per cause and place: of the diagnostics with the same code and [`cause`] at
/// the same position (a module called twice says the same thing once per instance, with the
/// instance's address in the message), the first in `list`'s order is kept, at the highest level
/// among them, and says how many it stands for. Diagnostics without a position are kept as they
/// are. The order of what is kept does not change.
pub fn dedup_by_place(list: &mut Vec<Diagnostic>) {
    use passgraph_model::hash::HashMap;
    let mut first: HashMap<(passgraph_model::Code, passgraph_model::Origin, String), usize> =
        HashMap::default();
    let mut merged: Vec<usize> = vec![0; list.len()];
    let mut keep = vec![true; list.len()];
    for i in 0..list.len() {
        let Some(key) = place_key(&list[i]) else {
            continue;
        };
        match first.get(&key) {
            Some(&j) => {
                keep[i] = false;
                merged[j] += 1;
                if list[i].level > list[j].level {
                    list[j].level = list[i].level;
                }
            }
            None => {
                first.insert(key, i);
            }
        }
    }
    for (i, d) in list.iter_mut().enumerate() {
        if merged[i] > 0 {
            d.message
                .push_str(&format!(" (and {} more like it here)", merged[i]));
        }
    }
    let mut i = 0;
    list.retain(|_| {
        i += 1;
        keep[i - 1]
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use passgraph_model::{Code, FileId, Level, Origin, TextRange};

    #[test]
    fn causes_leave_out_instance_addresses() {
        assert_eq!(
            cause(
                "module module.eks.module.kms has remote source \"x/kms/aws\"; it is not fetched"
            ),
            "module … has remote source \"x/kms/aws\"; it is not fetched"
        );
        assert_eq!(cause("role web has no name"), "role web has no name");
    }

    #[test]
    fn one_diagnostic_per_cause_and_place() {
        let at = |s: usize| Some(Origin::new(FileId(0), TextRange::new(s, s + 1)));
        let mut v = vec![
            Diagnostic::note(
                Code::UnknownValue,
                "count of module.a.x is not known",
                at(5),
            ),
            Diagnostic::warning(
                Code::UnknownValue,
                "count of module.b.x is not known",
                at(5),
            ),
            Diagnostic::note(
                Code::UnknownValue,
                "count of aws_iam_role.y[\"k\"] is not known",
                at(5),
            ),
            Diagnostic::note(
                Code::UnknownValue,
                "policy arn:aws:iam::aws:policy/B is not built in",
                at(7),
            ),
            Diagnostic::note(
                Code::UnknownValue,
                "policy arn:aws:iam::aws:policy/C is not built in",
                at(7),
            ),
            Diagnostic::note(Code::UnresolvedReference, "other cause, same place", at(5)),
            Diagnostic::note(Code::UnknownValue, "same cause, other place", at(9)),
            Diagnostic::note(Code::UnknownValue, "no place", None),
            Diagnostic::note(Code::UnknownValue, "no place", None),
        ];
        dedup_by_place(&mut v);
        let got: Vec<(Level, &str)> = v.iter().map(|d| (d.level, d.message.as_str())).collect();
        assert_eq!(
            got,
            [
                (
                    Level::Warning,
                    "count of module.a.x is not known (and 2 more like it here)"
                ),
                (
                    Level::Note,
                    "policy arn:aws:iam::aws:policy/B is not built in"
                ),
                (
                    Level::Note,
                    "policy arn:aws:iam::aws:policy/C is not built in"
                ),
                (Level::Note, "other cause, same place"),
                (Level::Note, "same cause, other place"),
                (Level::Note, "no place"),
                (Level::Note, "no place"),
            ]
        );
    }
}
