//! `--format sarif`: SARIF 2.1.0 for code-scanning dashboards.
//!
//! One result per statement that grants `iam:PassRole` and rule (and stack): its location is
//! the statement, its message summarises the exposures the statement opens (how many, to how
//! many principals, roles and services, the worst severity, a few examples), and each exposure
//! is a related location at the role (at most [`MAX_RELATED`] per result; a result with one
//! exposure also points at the trust statement and the resources that hand the role over).
//! Results are sorted by severity, worst first; a run keeps at most [`MAX_RESULTS`] and its
//! properties say what was left out (`-f jsonl` lists every finding). `partialFingerprints`
//! hash the rule, stack, policy and statement names, not positions, so they stay stable when
//! unrelated lines move. Plan inputs add logical locations (the resource address). Diagnostics
//! become tool execution notifications.

use passgraph_model::hash::HashMap;
use std::collections::BTreeSet;
use std::io::Write;
use std::sync::Arc;

use serde::Serialize;

use passgraph_graph::{Finding, Severity};
use passgraph_model::{Level, Origin, Tri};

use crate::{RULES, Report, certainty, rule_of, tri};

/// Results per run: GitHub code scanning shows 5,000 and rejects runs above 25,000.
pub const MAX_RESULTS: usize = 5_000;
/// Related locations per result (GitHub keeps 1,000).
pub const MAX_RELATED: usize = 1_000;
/// Example exposures named in a result's message.
const EXAMPLES: usize = 3;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    column_kind: &'static str,
    results: Vec<ResultOut>,
    invocations: Vec<Invocation>,
    properties: RunProps,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct RunProps {
    /// Findings (exposures) in the run, over every result.
    exposures: usize,
    /// Results left out beyond [`MAX_RESULTS`] (the least severe).
    results_omitted: usize,
    /// Exposures of the results left out.
    exposures_omitted: usize,
    /// Exposures summarised but not listed as related locations (beyond [`MAX_RELATED`]).
    related_locations_omitted: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    information_uri: &'static str,
    rules: Vec<RuleOut>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleOut {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    help: Text,
    default_configuration: Config,
}

#[derive(Serialize)]
struct Config {
    level: &'static str,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultOut {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<LocationOut>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<LocationOut>,
    partial_fingerprints: std::collections::BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<SuppressionOut>,
    properties: Props,
}

/// SARIF's `suppression`: `external` for the configuration's acceptances and the baseline,
/// `inSource` for a suppression written where the principal or role is defined.
#[derive(Serialize)]
struct SuppressionOut {
    kind: &'static str,
    justification: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Props {
    /// The granting policy and statement.
    policy: String,
    statement: String,
    /// Exposures (findings) the statement opens, and how many are definite.
    exposures: usize,
    definite: usize,
    principals: usize,
    roles: usize,
    services: Vec<String>,
    /// The worst severity and the surest certainty and exploitability among them.
    severity: &'static str,
    certainty: &'static str,
    exploitable: &'static str,
    /// Exposures accepted (configuration, inline, baseline).
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<usize>,
    /// With one exposure: its principal, role (ARNs) and chain.
    #[serde(skip_serializing_if = "Option::is_none")]
    principal: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    via: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stack: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LocationOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
    physical_location: Physical,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<Logical>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Physical {
    artifact_location: Artifact,
    region: Region,
}

#[derive(Serialize)]
struct Artifact {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Logical {
    fully_qualified_name: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Notification {
    level: &'static str,
    message: Text,
    descriptor: Descriptor,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<LocationOut>,
}

#[derive(Serialize)]
struct Descriptor {
    id: &'static str,
}

/// A SARIF `uri`: a relative path stays relative (to the folder passgraph ran in, as code
/// scanning expects); an absolute one becomes a `file://` URI (SARIF §3.10.2), so that viewers
/// do not read it as relative to the repository.
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let bytes = path.as_bytes();
    let drive =
        bytes.len() > 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    let mut out = String::new();
    if path.starts_with('/') {
        out.push_str("file://");
    } else if drive {
        out.push_str("file:///");
    }
    for c in path.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '<' | '>' | '"' | '#' | '%' | '{' | '}' | '|' | '^' | '`' => {
                out.push_str(&format!("%{:02X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

fn location(r: &Report<'_>, o: &Origin, id: Option<usize>, message: Option<String>) -> LocationOut {
    let l = r.locate(o);
    LocationOut {
        id,
        message: message.map(|text| Text { text }),
        physical_location: Physical {
            artifact_location: Artifact { uri: uri(&l.file) },
            region: Region {
                start_line: l.line,
                start_column: l.column,
            },
        },
        logical_locations: l
            .address
            .filter(|a| !a.starts_with('/'))
            .map(|a| {
                vec![Logical {
                    fully_qualified_name: a,
                }]
            })
            .unwrap_or_default(),
    }
}

fn level_of(severity: Severity, t: Tri) -> usize {
    let base = match severity {
        Severity::Critical | Severity::High => 2usize,
        Severity::Medium => 1,
        Severity::Low => 0,
    };
    if t == Tri::Yes {
        base
    } else {
        base.saturating_sub(1)
    }
}

const LEVELS: [&str; 3] = ["note", "warning", "error"];

/// FNV-1a of `text`, as 16 hex digits.
fn fnv(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// One exposure in words: `user alice can pass role web to ec2.amazonaws.com after assuming
/// ops (definite, critical severity, exploitable: yes)`.
fn exposure_text(r: &Report<'_>, f: &Finding) -> String {
    let p = &r.analysis.principals[f.principal];
    let role = &r.analysis.principals[f.role];
    let via: Vec<String> = f
        .via
        .iter()
        .map(|v| r.analysis.principals[*v].name.to_string())
        .collect();
    let how = if via.is_empty() {
        String::new()
    } else {
        format!(" after assuming {}", via.join(" → "))
    };
    format!(
        "{} {} can pass role {} to {}{how} ({}, {} severity, exploitable: {})",
        p.kind.as_str(),
        p.name,
        role.name,
        f.service,
        certainty(f.certainty),
        f.severity.as_str(),
        tri(f.exploitable)
    )
}

/// The exposures one granting statement opens under one rule, in one stack.
struct Group {
    part: usize,
    rule: &'static crate::Rule,
    policy: Arc<str>,
    statement: Arc<str>,
    primary: Origin,
    exposures: usize,
    definite: usize,
    principals: usize,
    last_principal: Option<usize>,
    roles: BTreeSet<usize>,
    services: BTreeSet<Arc<str>>,
    severity: Severity,
    certainty: Tri,
    exploitable: Tri,
    level: usize,
    /// The first exposures: (related location, message).
    listed: Vec<(Origin, String)>,
    /// The first finding, kept whole while it is the only one.
    first: Option<Finding>,
    /// Exposures accepted, and the first acceptance.
    suppressed: usize,
    suppression: Option<crate::Suppression>,
}

/// Collects findings into groups, in the order they first appear.
#[derive(Default)]
struct Grouper {
    index: HashMap<(usize, &'static str, Arc<str>, Arc<str>, Origin), usize>,
    groups: Vec<Group>,
}

impl Grouper {
    fn add(&mut self, part: usize, r: &Report<'_>, f: Finding) {
        let rule = rule_of(&f);
        let (policy, statement, primary) = match f.proof.grants.first() {
            Some(g) => (g.policy.clone(), g.statement.clone(), g.origin.clone()),
            None => (
                Arc::from(""),
                Arc::from(""),
                r.analysis.principals[f.role].origin.clone(),
            ),
        };
        let key = (
            part,
            rule.id,
            policy.clone(),
            statement.clone(),
            primary.clone(),
        );
        let gi = *self.index.entry(key).or_insert_with(|| {
            self.groups.push(Group {
                part,
                rule,
                policy,
                statement,
                primary,
                exposures: 0,
                definite: 0,
                principals: 0,
                last_principal: None,
                roles: BTreeSet::new(),
                services: BTreeSet::new(),
                severity: Severity::Low,
                certainty: Tri::No,
                exploitable: Tri::No,
                level: 0,
                listed: Vec::new(),
                first: None,
                suppressed: 0,
                suppression: None,
            });
            self.groups.len() - 1
        });
        let sup = r.suppression(&f);
        let g = &mut self.groups[gi];
        g.exposures += 1;
        if let Some(s) = sup {
            g.suppressed += 1;
            g.suppression.get_or_insert(s);
        }
        g.definite += usize::from(f.certainty == Tri::Yes);
        // Findings come sorted by principal: a new principal starts a new run.
        if g.last_principal != Some(f.principal) {
            g.principals += 1;
            g.last_principal = Some(f.principal);
        }
        g.roles.insert(f.role);
        if !g.services.contains(&f.service) {
            g.services.insert(f.service.clone());
        }
        g.severity = g.severity.max(f.severity);
        g.certainty = g.certainty.or(f.certainty);
        g.exploitable = g.exploitable.or(f.exploitable);
        g.level = g.level.max(level_of(f.severity, f.certainty));
        if g.listed.len() < MAX_RELATED {
            let role = &r.analysis.principals[f.role];
            g.listed.push((role.origin.clone(), exposure_text(r, &f)));
        }
        if g.exposures == 1 {
            g.first = Some(f);
        } else {
            g.first = None;
        }
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn result(r: &Report<'_>, stack: Option<&String>, g: &Group) -> ResultOut {
    let mut related = Vec::new();
    let text;
    let (mut principal, mut role, mut via) = (None, None, None);
    if let Some(f) = &g.first {
        text = format!("{}.", exposure_text(r, f));
        principal = Some(r.analysis.principals[f.principal].arn.to_string());
        role = Some(r.analysis.principals[f.role].arn.to_string());
        via = Some(
            f.via
                .iter()
                .map(|v| r.analysis.principals[*v].name.to_string())
                .collect(),
        );
        for gr in f.proof.grants.iter().skip(1) {
            related.push(location(
                r,
                &gr.origin,
                Some(related.len()),
                Some(format!("also granted by {} {}", gr.policy, gr.statement)),
            ));
        }
        for t in f.proof.trust.iter() {
            related.push(location(
                r,
                &t.origin,
                Some(related.len()),
                Some(format!(
                    "trust statement letting {} assume the role",
                    f.service
                )),
            ));
        }
        for u in f
            .in_use_by
            .iter()
            .filter_map(|u| r.account.role_uses.get(*u))
        {
            related.push(location(
                r,
                &u.origin,
                Some(related.len()),
                Some(format!(
                    "{} {} hands the role to {}",
                    u.resource_type, u.resource, u.service
                )),
            ));
        }
    } else {
        let services: Vec<&str> = g.services.iter().map(|s| &**s).collect();
        let examples: Vec<&str> = g
            .listed
            .iter()
            .take(EXAMPLES)
            .map(|(_, t)| t.as_str())
            .collect();
        text = format!(
            "{} {} lets {} pass {} to {}: {} ({} definite), worst severity {}, exploitable: {}. For example: {}{}.",
            g.policy,
            g.statement,
            plural(g.principals, "principal", "principals"),
            plural(g.roles.len(), "role", "roles"),
            services.join(", "),
            plural(g.exposures, "exposure", "exposures"),
            g.definite,
            g.severity.as_str(),
            tri(g.exploitable),
            examples.join("; "),
            if g.exposures > examples.len() {
                format!(
                    "; and {} more (related locations list {}; -f jsonl lists every one)",
                    g.exposures - examples.len(),
                    g.listed.len()
                )
            } else {
                String::new()
            }
        );
        for (o, m) in &g.listed {
            related.push(location(r, o, Some(related.len()), Some(m.clone())));
        }
    }
    let fp = fnv(&format!(
        "{}|{}|{}|{}",
        g.rule.id,
        stack.map_or("", String::as_str),
        g.policy,
        g.statement
    ));
    ResultOut {
        rule_id: g.rule.id,
        rule_index: RULES.iter().position(|x| x.id == g.rule.id).unwrap_or(0),
        level: LEVELS[g.level],
        message: Text { text },
        locations: vec![location(r, &g.primary, None, None)],
        related_locations: related,
        partial_fingerprints: [("passgraph/v2", fp)].into_iter().collect(),
        // A result is suppressed when every exposure it summarises is.
        suppressions: match &g.suppression {
            Some(s) if g.suppressed == g.exposures => vec![SuppressionOut {
                kind: if s.kind == "inline" {
                    "inSource"
                } else {
                    "external"
                },
                justification: format!("{}: {}", s.kind, s.reason),
            }],
            _ => Vec::new(),
        },
        properties: Props {
            policy: g.policy.to_string(),
            statement: g.statement.to_string(),
            exposures: g.exposures,
            definite: g.definite,
            principals: g.principals,
            roles: g.roles.len(),
            services: g.services.iter().map(ToString::to_string).collect(),
            severity: g.severity.as_str(),
            certainty: certainty(g.certainty),
            exploitable: tri(g.exploitable),
            suppressed: r.suppress.is_some().then_some(g.suppressed),
            principal,
            role,
            via,
            stack: stack.cloned(),
        },
    }
}

fn notification(r: &Report<'_>, d: &passgraph_model::Diagnostic) -> Notification {
    Notification {
        level: match d.level {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "note",
        },
        message: Text {
            text: d.message.clone(),
        },
        descriptor: Descriptor { id: d.code.id() },
        locations: d
            .origin
            .iter()
            .map(|o| location(r, o, None, None))
            .collect(),
    }
}

fn log(results: Vec<ResultOut>, notifications: Vec<Notification>, properties: RunProps) -> Log {
    Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "passgraph",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: "https://github.com/passgraph/passgraph",
                    rules: RULES
                        .iter()
                        .map(|x| RuleOut {
                            id: x.id,
                            name: x.name,
                            short_description: Text {
                                text: x.summary.to_owned(),
                            },
                            help: Text {
                                text: x.help.to_owned(),
                            },
                            default_configuration: Config { level: "error" },
                        })
                        .collect(),
                },
            },
            column_kind: "unicodeCodePoints",
            results,
            invocations: vec![Invocation {
                execution_successful: true,
                tool_execution_notifications: notifications,
            }],
            properties,
        }],
    }
}

/// Writes the report as a SARIF 2.1.0 log.
///
/// # Errors
/// When writing fails.
pub fn emit(w: &mut dyn Write, r: &Report<'_>) -> crate::Result {
    let part = crate::Part {
        stack: None,
        report: r.with_selection(r.selection.clone()),
    };
    emit_stacks(w, std::slice::from_ref(&part), &[])
}

/// Writes the reports of several stacks as one SARIF run; each result names its stack in
/// `properties.stack`. `extra` are diagnostics of no stack.
///
/// # Errors
/// When writing fails.
pub fn emit_stacks(
    w: &mut dyn Write,
    parts: &[crate::Part<'_>],
    extra: &[passgraph_model::Diagnostic],
) -> crate::Result {
    let mut notes = Vec::new();
    if let Some(first) = parts.first() {
        notes.extend(extra.iter().map(|d| notification(&first.report, d)));
    }
    let mut grouper = Grouper::default();
    for (i, p) in parts.iter().enumerate() {
        for f in p.report.findings() {
            grouper.add(i, &p.report, f);
        }
        notes.extend(
            p.report
                .diagnostics
                .iter()
                .map(|d| notification(&p.report, d)),
        );
    }
    let mut groups = grouper.groups;
    let mut props = RunProps {
        exposures: groups.iter().map(|g| g.exposures).sum(),
        ..RunProps::default()
    };
    // Worst first; then the most exposures; then the order of the findings (stable sort).
    groups.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(b.level.cmp(&a.level))
            .then(b.exposures.cmp(&a.exposures))
    });
    if groups.len() > MAX_RESULTS {
        let cut = groups.split_off(MAX_RESULTS);
        props.results_omitted = cut.len();
        props.exposures_omitted = cut.iter().map(|g| g.exposures).sum();
    }
    props.related_locations_omitted = groups
        .iter()
        .filter(|g| g.first.is_none())
        .map(|g| g.exposures - g.listed.len())
        .sum();
    if props.results_omitted > 0 || props.related_locations_omitted > 0 {
        props.note = Some(format!(
            "SARIF keeps at most {MAX_RESULTS} results per run and {MAX_RELATED} related locations per result: {} left out ({} exposures), {} exposures not listed as related locations; -f jsonl lists every finding",
            plural(props.results_omitted, "result", "results"),
            props.exposures_omitted,
            props.related_locations_omitted
        ));
    }
    let results = groups
        .iter()
        .map(|g| {
            let p = &parts[g.part];
            result(&p.report, p.stack.as_ref(), g)
        })
        .collect();
    serde_json::to_writer_pretty(&mut *w, &log(results, notes, props))
        .map_err(std::io::Error::other)?;
    writeln!(w)
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn uris_of_relative_and_absolute_paths() {
        assert_eq!(uri("modules/iam/main.tf"), "modules/iam/main.tf");
        assert_eq!(
            uri("dir with space/a#b.json"),
            "dir%20with%20space/a%23b.json"
        );
        assert_eq!(uri("/home/ci/repo/main.tf"), "file:///home/ci/repo/main.tf");
        assert_eq!(
            uri("C:\\work\\repo\\main.tf"),
            "file:///C:/work/repo/main.tf"
        );
        assert_eq!(uri("<stdin>"), "%3Cstdin%3E");
    }
}
