//! `--format text`: what a person reads. Findings grouped by principal, one proof line per step;
//! a principal that can pass many roles to one service gets one summary line with examples.

use std::io::Write;

use passgraph_graph::{Finding, Proof, Severity};
use passgraph_model::Tri;

use crate::{Report, certainty, tri};

/// Text options.
#[derive(Clone, Copy, Debug, Default)]
pub struct TextOptions {
    /// ANSI colours.
    pub color: bool,
}

/// Above this many roles passed to one service, a principal's findings are summarised.
pub const SUMMARY_THRESHOLD: usize = 8;

struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }
    fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
    fn sev(&self, f: &Finding) -> String {
        let code = match (f.certainty, f.severity) {
            (Tri::Yes, Severity::Critical | Severity::High) => "1;31",
            (Tri::Yes, _) => "31",
            _ => "33",
        };
        self.paint(
            code,
            &format!("{} · {}", certainty(f.certainty), f.severity.as_str()),
        )
    }
}

fn loc(r: &Report<'_>, p: &Proof) -> String {
    let l = r.locate(&p.origin);
    match l.address {
        Some(a) if !a.starts_with('/') && !a.starts_with("aws-managed:") => {
            format!("{}:{}:{} ({a})", l.file, l.line, l.column)
        }
        _ => format!("{}:{}:{}", l.file, l.line, l.column),
    }
}

fn proof_lines(w: &mut dyn Write, r: &Report<'_>, s: &Style, f: &Finding) -> crate::Result {
    if !f.via.is_empty() {
        let chain: Vec<String> = f
            .via
            .iter()
            .map(|v| format!("role {}", r.analysis.principals[*v].name))
            .collect();
        writeln!(w, "      {}  {}", s.dim("via   "), chain.join(" → "))?;
        // Each hop: the trust statement that lets it in (and the identity grant it needs).
        for e in r.hops(f).filter_map(|(_, edge)| edge) {
            for p in e.trust.iter().take(1).chain(e.grants.iter().take(1)) {
                writeln!(
                    w,
                    "      {}  {} {}  {}",
                    s.dim("assume"),
                    p.policy,
                    p.statement,
                    s.dim(&loc(r, p))
                )?;
            }
        }
    }
    if let Some(also) = &f.also_via {
        let chain: Vec<String> = also
            .iter()
            .map(|v| format!("role {}", r.analysis.principals[*v].name))
            .collect();
        let chain = if chain.is_empty() {
            "its own policies".to_owned()
        } else {
            chain.join(" → ")
        };
        writeln!(
            w,
            "      {}  {chain} ({})",
            s.dim("surer "),
            certainty(f.certainty)
        )?;
    }
    for g in f.proof.grants.iter() {
        let maybe = if g.applies == Tri::Maybe {
            " (possibly)"
        } else {
            ""
        };
        writeln!(
            w,
            "      {}  {} {}{maybe}  {}",
            s.dim("grant "),
            g.policy,
            g.statement,
            s.dim(&loc(r, g))
        )?;
    }
    for d in f.proof.denies.iter() {
        writeln!(
            w,
            "      {}  {} {} may deny it  {}",
            s.dim("unless"),
            d.policy,
            d.statement,
            s.dim(&loc(r, d))
        )?;
    }
    for t in f.proof.trust.iter() {
        writeln!(
            w,
            "      {}  {} {}  {}",
            s.dim("trust "),
            t.policy,
            t.statement,
            s.dim(&loc(r, t))
        )?;
    }
    if f.certainty != Tri::Yes {
        let mut reasons = f.proof.reasons.clone();
        if f.proof.certainty == Tri::Yes {
            reasons.push("a role on the assume-role chain can be assumed only possibly".to_owned());
        }
        for why in reasons {
            writeln!(w, "      {}  {why}", s.dim("maybe "))?;
        }
    }
    if f.launch_actions.is_empty() {
        writeln!(
            w,
            "      {}  no action that hands the role to the service (exploitable: {})",
            s.dim("launch"),
            tri(f.exploitable)
        )?;
    } else {
        writeln!(
            w,
            "      {}  {} (exploitable: {})",
            s.dim("launch"),
            f.launch_actions.join(", "),
            tri(f.exploitable)
        )?;
    }
    for u in f
        .in_use_by
        .iter()
        .filter_map(|u| r.account.role_uses.get(*u))
    {
        let l = r.locate(&u.origin);
        writeln!(
            w,
            "      {}  {} {} ({})  {}",
            s.dim("in use"),
            u.resource_type,
            u.resource,
            u.attribute,
            s.dim(&format!("{}:{}:{}", l.file, l.line, l.column))
        )?;
    }
    Ok(())
}

/// Writes the report as text.
///
/// # Errors
/// When writing fails.
pub fn emit(w: &mut dyn Write, r: &Report<'_>, opts: TextOptions) -> crate::Result {
    emit_findings(w, r, opts, true)
}

/// Writes the findings (summarised per service when `summarise` and there are many) and the
/// diagnostics.
///
/// # Errors
/// When writing fails.
pub fn emit_findings(
    w: &mut dyn Write,
    r: &Report<'_>,
    opts: TextOptions,
    summarise: bool,
) -> crate::Result {
    emit_titled(w, r, opts, summarise, "passgraph")
}

/// How many of the report's findings are accepted (configuration, inline or baseline); `None`
/// when nothing is set up to accept any.
pub(crate) fn accepted(r: &Report<'_>) -> Option<usize> {
    r.suppress
        .is_some()
        .then(|| r.findings().filter(|f| r.suppression(f).is_some()).count())
}

/// [`emit_findings`] with the first line starting with `title` instead of `passgraph` (a
/// stack's name).
///
/// # Errors
/// When writing fails.
pub fn emit_titled(
    w: &mut dyn Write,
    r: &Report<'_>,
    opts: TextOptions,
    summarise: bool,
    title: &str,
) -> crate::Result {
    let s = Style { on: opts.color };
    let counts = r.counts();
    let (n, definite, principals) = (counts.findings, counts.definite, counts.principals);
    writeln!(
        w,
        "{}",
        s.bold(&format!(
            "{title}: {n} finding{} ({definite} definite, {} possible) for {} principal{}",
            if n == 1 { "" } else { "s" },
            n - definite,
            principals,
            if principals == 1 { "" } else { "s" }
        ))
    )?;
    if let Some(accepted) = accepted(r) {
        writeln!(
            w,
            "{accepted} of them accepted (configuration, inline or baseline): they do not count for --fail-on{}",
            if r.selection.show_suppressed || accepted == 0 {
                ""
            } else {
                "; --show-suppressed lists them"
            }
        )?;
    }
    for group in r.groups() {
        let p = group.principal;
        let x = &r.analysis.principals[p];
        // A principal all of whose findings are accepted is listed only with --show-suppressed.
        if r.suppress.is_some()
            && !r.selection.show_suppressed
            && group.findings().all(|f| r.suppression(&f).is_some())
        {
            continue;
        }
        writeln!(w)?;
        writeln!(
            w,
            "{}  {}",
            s.bold(&r.principal_label(p)),
            s.dim(&x.arn.to_string())
        )?;
        for (svc, fs) in by_service(&group.keys) {
            if summarise && fs.len() > SUMMARY_THRESHOLD {
                let d = fs.iter().filter(|i| group.keys[**i].2 == Tri::Yes).count();
                let examples: Vec<String> = fs
                    .iter()
                    .take(3)
                    .map(|i| r.analysis.principals[group.keys[*i].0].name.to_string())
                    .collect();
                writeln!(
                    w,
                    "  ● can pass {} roles to {svc} ({d} definite), e.g. {}; first:",
                    fs.len(),
                    examples.join(", ")
                )?;
                let Some(f) = group.finding(fs[0]) else {
                    continue;
                };
                writeln!(
                    w,
                    "    role {}  {}",
                    r.analysis.principals[f.role].name,
                    s.sev(&f)
                )?;
                proof_lines(w, r, &s, &f)?;
                writeln!(w, "    {}", s.dim("(--format json lists every role)"))?;
                continue;
            }
            for i in fs {
                let Some(f) = group.finding(i) else {
                    continue;
                };
                let accepted = r.suppression(&f);
                if accepted.is_some() && !r.selection.show_suppressed {
                    continue;
                }
                writeln!(
                    w,
                    "  ● can pass role {} to {svc}  {}{}",
                    s.bold(&r.analysis.principals[f.role].name.to_string()),
                    s.sev(&f),
                    accepted.map_or_else(String::new, |a| format!("  [{}: {}]", a.kind, a.reason))
                )?;
                proof_lines(w, r, &s, &f)?;
            }
        }
    }
    if !r.diagnostics.is_empty() {
        writeln!(w)?;
        diagnostics(w, r, &s, &r.diagnostics)?;
    }
    Ok(())
}

/// The findings of a group by service (indices in role order), services sorted. A principal's
/// findings name a few services: one pass with a short list, not a sort of every finding.
fn by_service<'k>(keys: &[(usize, &'k str, Tri, Severity)]) -> Vec<(&'k str, Vec<usize>)> {
    let mut out: Vec<(&str, Vec<usize>)> = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        match out.iter_mut().find(|(s, _)| *s == k.1) {
            Some((_, v)) => v.push(i),
            None => out.push((k.1, vec![i])),
        }
    }
    out.sort_unstable_by(|a, b| a.0.cmp(b.0));
    out
}

/// Writes diagnostics, one with its position per line pair.
///
/// # Errors
/// When writing fails.
pub fn emit_diagnostics(
    w: &mut dyn Write,
    r: &Report<'_>,
    opts: TextOptions,
    list: &[passgraph_model::Diagnostic],
) -> crate::Result {
    diagnostics(w, r, &Style { on: opts.color }, list)
}

fn diagnostics(
    w: &mut dyn Write,
    r: &Report<'_>,
    s: &Style,
    list: &[passgraph_model::Diagnostic],
) -> crate::Result {
    {
        for d in list {
            let head = format!("{}[{}]", d.level, d.code.id());
            let head = match d.level {
                passgraph_model::Level::Error => s.paint("1;31", &head),
                passgraph_model::Level::Warning => s.paint("33", &head),
                passgraph_model::Level::Note => s.paint("36", &head),
            };
            writeln!(w, "{head}: {}", d.message)?;
            if let Some(o) = &d.origin {
                let l = r.locate(o);
                writeln!(
                    w,
                    "  --> {}:{}:{}{}",
                    l.file,
                    l.line,
                    l.column,
                    l.address.map(|a| format!(" ({a})")).unwrap_or_default()
                )?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use passgraph_graph::Severity;
    use passgraph_model::Tri;

    #[test]
    fn findings_are_grouped_by_service_in_name_order_keeping_role_order() {
        let ec2 = String::from("ec2.amazonaws.com");
        let keys = [
            (1, "lambda.amazonaws.com", Tri::Yes, Severity::High),
            (1, ec2.as_str(), Tri::Maybe, Severity::High),
            (2, "lambda.amazonaws.com", Tri::Yes, Severity::Low),
            (3, "ec2.amazonaws.com", Tri::Yes, Severity::Low),
            (4, "glue.amazonaws.com", Tri::Yes, Severity::Low),
        ];
        assert_eq!(
            super::by_service(&keys),
            vec![
                ("ec2.amazonaws.com", vec![1, 3]),
                ("glue.amazonaws.com", vec![4]),
                ("lambda.amazonaws.com", vec![0, 2]),
            ]
        );
        assert!(super::by_service(&[]).is_empty());
    }
}
