//! `explain`: every step for one principal, and why not when there is no finding.

use std::io::Write;

use passgraph_graph::Edge;
use passgraph_model::{Effect, Tri};

use crate::Report;
use crate::text::{TextOptions, emit_findings};

/// Why a principal cannot pass a role directly: one sentence per reason
/// (`passgraph_graph::why_not` over the account the report shows).
pub type WhyNot<'w> = &'w dyn Fn(usize, usize) -> Vec<String>;

/// Writes the explanation for the principals `who` (and the roles `roles`, when given, with
/// `why_not` naming what stops each principal that cannot pass one).
///
/// # Errors
/// When writing fails.
pub fn emit(
    w: &mut dyn Write,
    r: &Report<'_>,
    who: &[usize],
    roles: Option<&[usize]>,
    why_not: WhyNot<'_>,
    color: bool,
) -> crate::Result {
    let a = r.analysis;
    for &p in who {
        let x = &a.principals[p];
        let l = r.locate(&x.origin);
        writeln!(w, "{} {}", x.kind.as_str(), x.name)?;
        writeln!(w, "  arn      {}", x.arn)?;
        writeln!(w, "  defined  {}:{}:{}", l.file, l.line, l.column)?;
        if a.held.get(p).is_some_and(Vec::is_empty) {
            writeln!(w, "  policies none")?;
        }
        for h in a.held.get(p).into_iter().flatten() {
            writeln!(w, "  policy   {h}")?;
        }
        for (effect, s) in a.passrole_statements.get(p).into_iter().flatten() {
            let l = r.locate(&s.origin);
            let e = match effect {
                Effect::Allow => "allows",
                Effect::Deny => "denies",
                Effect::Unknown => "may allow or deny",
            };
            let maybe = if s.applies == Tri::Maybe {
                " (possibly)"
            } else {
                ""
            };
            writeln!(
                w,
                "  passrole {} {} {e} iam:PassRole{maybe}  {}:{}:{}",
                s.policy, s.statement, l.file, l.line, l.column
            )?;
        }
        // The roles it may assume: named in their trust policies (or its account is), or
        // trusting everyone.
        let mut assumed: Vec<usize> = a
            .assume_edges
            .iter()
            .filter(|e| e.from == p)
            .map(|e| e.to)
            .chain(a.open_hops(p).map(|(to, _)| to))
            .collect();
        assumed.sort_unstable();
        assumed.dedup();
        for to in assumed {
            let Some(h) = a.hop(p, to) else { continue };
            // What the proof below shows (a trust naming the principal, its account, or
            // everyone under a condition on who it is, all read "lets it in").
            let trust = if h.everyone {
                "the trust policy names everyone (\"*\")"
            } else {
                "the trust policy lets it in"
            };
            let how = if h.grants.is_empty() {
                trust.to_owned()
            } else {
                format!("{trust} and an identity policy allows sts:AssumeRole")
            };
            writeln!(
                w,
                "  assumes  role {} ({}; {how})",
                a.principals[to].name,
                crate::certainty(h.certainty)
            )?;
            // Where: the trust statements that let it in, then the identity grants.
            for (what, proof) in h
                .trust
                .iter()
                .map(|t| ("trust", t))
                .chain(h.grants.iter().map(|g| ("grant", g)))
            {
                let l = r.locate(&proof.origin);
                writeln!(
                    w,
                    "           {what} {} {}  {}:{}:{}",
                    proof.policy, proof.statement, l.file, l.line, l.column
                )?;
            }
        }
        for e in a.assume_edges.iter().filter(|e| e.to == p) {
            writeln!(
                w,
                "  assumed  by {} {} ({})",
                a.principals[e.from].kind.as_str(),
                a.principals[e.from].name,
                crate::certainty(e.certainty)
            )?;
        }
        // Trusting everyone, it is assumed by (nearly) every principal: counted, not listed.
        let (mut by, mut definitely) = (0, 0);
        for q in 0..a.principals.len() {
            // The surest of the role's statements that name everyone.
            let surest = a
                .open_hops(q)
                .filter(|(to, _)| *to == p)
                .map(|(_, h)| h.certainty)
                .max();
            if let Some(c) = surest {
                by += 1;
                definitely += usize::from(c == Tri::Yes);
            }
        }
        if by > 0 {
            writeln!(
                w,
                "  assumed  by {by} principal{} of the inputs ({definitely} definitely): its trust policy names everyone (\"*\")",
                if by == 1 { "" } else { "s" }
            )?;
        }
        writeln!(w)?;
    }
    let mut selection = r.selection.clone();
    let mut only: Vec<usize> = match &selection.principals {
        Some(v) => v.iter().copied().filter(|p| who.contains(p)).collect(),
        None => who.to_vec(),
    };
    only.sort_unstable();
    only.dedup();
    selection.principals = Some(only);
    let mut sub = r.with_selection(selection);
    sub.diagnostics = Vec::new();
    emit_findings(w, &sub, TextOptions { color }, false)?;
    if let Some(roles) = roles {
        for &role in roles {
            if sub.groups().any(|g| g.keys.iter().any(|k| k.0 == role)) {
                continue;
            }
            writeln!(w)?;
            writeln!(w, "why not role {}:", a.principals[role].name)?;
            let services = a.trusted_services.get(role).cloned().unwrap_or_default();
            if services.is_empty() {
                writeln!(
                    w,
                    "  its trust policy lets no AWS service assume it, so passing it gives no service its permissions"
                )?;
            } else {
                let names: Vec<String> = services
                    .iter()
                    .map(|(s, t)| format!("{s} ({})", crate::certainty(*t)))
                    .collect();
                writeln!(w, "  its trust policy lets in {}", names.join(", "))?;
            }
            for &p in who {
                for line in why_not(p, role) {
                    writeln!(
                        w,
                        "  {} {}: {line}",
                        a.principals[p].kind.as_str(),
                        a.principals[p].name
                    )?;
                }
            }
            let reached = who.iter().any(|p| {
                r.analysis
                    .graph
                    .edges()
                    .any(|(_, _, e)| matches!(e, Edge::CanAssume { .. }))
                    && (a.assume_edges.iter().any(|e| e.from == *p)
                        || a.open_hops(*p).next().is_some())
            });
            if reached {
                writeln!(w, "  no role the principal can assume can pass it either")?;
            }
        }
    }
    Ok(())
}
