//! Output formats: text, JSON, SARIF 2.1.0, Markdown and Graphviz DOT, one module each.
//!
//! This is the only crate that defines output schemas; model and graph types are not
//! `Serialize`. Every emitter writes the findings in the order the analysis sorted them, so
//! output is byte-identical from run to run whatever the thread count.

pub mod dot;
pub mod explain;
pub mod json;
pub mod markdown;
pub mod sarif;
pub mod stacks;
pub mod text;

use std::io;

use passgraph_graph::{Analysis, Finding};
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
    /// The findings to show, in order.
    pub findings: Vec<&'a Finding>,
    /// Input and analysis diagnostics, sorted.
    pub diagnostics: Vec<Diagnostic>,
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
            findings: analysis.findings.iter().collect(),
            diagnostics,
        }
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

/// A stable fingerprint of a finding: FNV-1a over rule, principal, role and service.
#[must_use]
pub fn fingerprint(r: &Report<'_>, f: &Finding) -> String {
    let p = &r.analysis.principals[f.principal];
    let role = &r.analysis.principals[f.role];
    let text = format!(
        "{}|{}|{}|{}|{}",
        rule_of(f).id,
        p.kind.as_str(),
        p.arn,
        role.arn,
        f.service
    );
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Writes with broken pipes treated as success by the caller.
pub type Result = io::Result<()>;
