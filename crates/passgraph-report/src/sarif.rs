//! `--format sarif`: SARIF 2.1.0 for code-scanning dashboards. One result per finding; the
//! primary location is the statement that grants `iam:PassRole`, related locations are the
//! trust statement and the resources that hand the role over; plan inputs add logical
//! locations (the resource address). Diagnostics become tool execution notifications.

use std::io::Write;

use serde::Serialize;

use passgraph_graph::{Finding, Severity};
use passgraph_model::{Level, Origin, Tri};

use crate::{RULES, Report, certainty, fingerprint, rule_of, tri};

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
    properties: Props,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Props {
    principal: String,
    role: String,
    service: String,
    certainty: &'static str,
    severity: &'static str,
    exploitable: &'static str,
    via: Vec<String>,
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

fn uri(path: &str) -> String {
    let mut out = String::new();
    for c in path.chars() {
        match c {
            '\\' => out.push('/'),
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

fn level(f: &Finding) -> &'static str {
    let base = match f.severity {
        Severity::Critical | Severity::High => 2usize,
        Severity::Medium => 1,
        Severity::Low => 0,
    };
    let lvl = if f.certainty == Tri::Yes {
        base
    } else {
        base.saturating_sub(1)
    };
    ["note", "warning", "error"][lvl]
}

fn result(r: &Report<'_>, f: &Finding) -> ResultOut {
    let rule = rule_of(f);
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
    let text = format!(
        "{} {} can pass role {} to {}{how} ({}, {} severity, exploitable: {}).",
        p.kind.as_str(),
        p.name,
        role.name,
        f.service,
        certainty(f.certainty),
        f.severity.as_str(),
        tri(f.exploitable)
    );
    let primary = f.proof.grants.first().map_or(&role.origin, |g| &g.origin);
    let mut related = Vec::new();
    for g in f.proof.grants.iter().skip(1) {
        related.push(location(
            r,
            &g.origin,
            Some(related.len()),
            Some(format!("also granted by {} {}", g.policy, g.statement)),
        ));
    }
    for t in &f.proof.trust {
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
    ResultOut {
        rule_id: rule.id,
        rule_index: RULES.iter().position(|x| x.id == rule.id).unwrap_or(0),
        level: level(f),
        message: Text { text },
        locations: vec![location(r, primary, None, None)],
        related_locations: related,
        partial_fingerprints: [("passgraph/v1", fingerprint(r, f))].into_iter().collect(),
        properties: Props {
            principal: p.arn.to_string(),
            role: role.arn.to_string(),
            service: f.service.to_string(),
            certainty: certainty(f.certainty),
            severity: f.severity.as_str(),
            exploitable: tri(f.exploitable),
            via,
            stack: None,
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

fn log(results: Vec<ResultOut>, notifications: Vec<Notification>) -> Log {
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
        }],
    }
}

/// Writes the report as a SARIF 2.1.0 log.
///
/// # Errors
/// When writing fails.
pub fn emit(w: &mut dyn Write, r: &Report<'_>) -> crate::Result {
    let log = log(
        r.findings().map(|f| result(r, &f)).collect(),
        r.diagnostics.iter().map(|d| notification(r, d)).collect(),
    );
    serde_json::to_writer_pretty(&mut *w, &log).map_err(std::io::Error::other)?;
    writeln!(w)
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
    let mut results = Vec::new();
    let mut notes = Vec::new();
    if let Some(first) = parts.first() {
        notes.extend(extra.iter().map(|d| notification(&first.report, d)));
    }
    for p in parts {
        for f in p.report.findings() {
            let mut out = result(&p.report, &f);
            out.properties.stack.clone_from(&p.stack);
            results.push(out);
        }
        notes.extend(
            p.report
                .diagnostics
                .iter()
                .map(|d| notification(&p.report, d)),
        );
    }
    serde_json::to_writer_pretty(&mut *w, &log(results, notes)).map_err(std::io::Error::other)?;
    writeln!(w)
}
