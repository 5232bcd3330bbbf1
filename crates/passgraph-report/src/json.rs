//! `--format json`: the contract of shared/spec/cli-contract.md, plus proof details.
//!
//! Contract fields: `version`, `findings[].{principal{kind,name,arn}, role{name,arn}, service,
//! certainty, via[], grants[]}`, `diagnostics[]`. Additions: `rule`, `severity`, `exploitable`,
//! `launch_actions`, `role_admin`, `assumes` (the proof of each `via` hop), `trust`, `denies`,
//! `passed_to_service`, `reasons`,
//! `in_use_by`, `fingerprint`, `arn_pattern` (an ARN with parts unknown until apply), `summary`.

use std::io::Write;

use serde::Serialize;

use passgraph_graph::{Finding, Proof};
use passgraph_model::span::Location;

use crate::{Report, certainty, fingerprint, known, rule_of, tri};

#[derive(Serialize)]
struct Summary<'a> {
    /// Findings accepted (configuration, inline, baseline): they do not count for --fail-on.
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<usize>,
    findings: usize,
    definite: usize,
    possible: usize,
    principals: usize,
    roles: usize,
    tool: &'a str,
}

#[derive(Serialize)]
pub(crate) struct LocationOut {
    file: String,
    line: u32,
    column: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    address: Option<String>,
}

impl From<Location> for LocationOut {
    fn from(l: Location) -> LocationOut {
        LocationOut {
            file: l.file,
            line: l.line,
            column: l.column,
            address: l.address,
        }
    }
}

#[derive(Serialize)]
pub(crate) struct Entity {
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    arn_pattern: Option<String>,
}

#[derive(Serialize)]
struct ProofOut {
    policy: String,
    statement: String,
    certainty: &'static str,
    location: LocationOut,
}

/// One hop of the assume-role chain: the role assumed, how surely, the trust statements that
/// let the previous principal in and the identity statements that allow it `sts:AssumeRole`
/// (needed when the trust names the account, or the role is of another account).
#[derive(Serialize)]
struct HopOut {
    role: String,
    certainty: &'static str,
    trust: Vec<ProofOut>,
    grants: Vec<ProofOut>,
}

#[derive(Serialize)]
pub(crate) struct UseOut {
    resource: String,
    r#type: String,
    attribute: String,
    location: LocationOut,
}

#[derive(Serialize)]
pub(crate) struct FindingOut {
    rule: &'static str,
    /// The stack the finding belongs to, when folders were searched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) stack: Option<String>,
    principal: Entity,
    role: Entity,
    service: String,
    certainty: &'static str,
    severity: &'static str,
    via: Vec<Entity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    also_via: Option<Vec<Entity>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    assumes: Vec<HopOut>,
    grants: Vec<ProofOut>,
    trust: Vec<ProofOut>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    denies: Vec<ProofOut>,
    passed_to_service: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    reasons: Vec<String>,
    exploitable: &'static str,
    launch_actions: Vec<String>,
    role_admin: &'static str,
    in_use_by: Vec<UseOut>,
    fingerprint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<SuppressedOut>,
}

/// `"suppressed": {"kind": "accepted|inline|baseline", "reason": ...}`.
#[derive(Serialize)]
pub(crate) struct SuppressedOut {
    kind: &'static str,
    reason: String,
}

pub(crate) fn suppressed(r: &Report<'_>, f: &Finding) -> Option<SuppressedOut> {
    r.suppression(f).map(|s| SuppressedOut {
        kind: s.kind,
        reason: s.reason,
    })
}

#[derive(Serialize)]
pub(crate) struct DiagOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    stack: Option<String>,
    level: String,
    code: &'static str,
    name: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<LocationOut>,
}

pub(crate) fn entity(r: &Report<'_>, p: usize, with_kind: bool) -> Entity {
    let x = &r.analysis.principals[p];
    let arn = known(&x.arn);
    Entity {
        kind: with_kind.then(|| x.kind.as_str()),
        name: x.name.to_string(),
        arn_pattern: arn.is_none().then(|| x.arn.to_string()),
        arn,
    }
}

fn proofs(r: &Report<'_>, v: &[Proof]) -> Vec<ProofOut> {
    v.iter()
        .map(|p| ProofOut {
            policy: p.policy.to_string(),
            statement: p.statement.to_string(),
            certainty: certainty(p.applies),
            location: r.locate(&p.origin).into(),
        })
        .collect()
}

pub(crate) fn finding(r: &Report<'_>, f: &Finding) -> FindingOut {
    FindingOut {
        rule: rule_of(f).id,
        stack: None,
        principal: entity(r, f.principal, true),
        role: entity(r, f.role, false),
        service: f.service.to_string(),
        certainty: certainty(f.certainty),
        severity: f.severity.as_str(),
        via: f.via.iter().map(|v| entity(r, *v, true)).collect(),
        also_via: f
            .also_via
            .as_ref()
            .map(|a| a.iter().map(|v| entity(r, *v, true)).collect()),
        assumes: r
            .hops(f)
            .map(|(to, edge)| HopOut {
                role: r.analysis.principals[to].name.to_string(),
                certainty: certainty(
                    edge.as_ref()
                        .map_or(passgraph_model::Tri::Maybe, |e| e.certainty),
                ),
                trust: edge.as_ref().map_or_else(Vec::new, |e| proofs(r, e.trust)),
                grants: edge
                    .as_ref()
                    .map_or_else(Vec::new, |e| proofs(r, &e.grants)),
            })
            .collect(),
        grants: proofs(r, &f.proof.grants),
        trust: proofs(r, &f.proof.trust),
        denies: proofs(r, &f.proof.denies),
        passed_to_service: f.proof.passed_to_service.to_vec(),
        reasons: reasons(f),
        exploitable: tri(f.exploitable),
        launch_actions: f.launch_actions.to_vec(),
        role_admin: tri(f.role_admin),
        in_use_by: uses(r, f),
        fingerprint: fingerprint(r, f),
        suppressed: suppressed(r, f),
    }
}

/// The resources that hand the role to the service.
pub(crate) fn uses(r: &Report<'_>, f: &Finding) -> Vec<UseOut> {
    f.in_use_by
        .iter()
        .filter_map(|u| r.account.role_uses.get(*u))
        .map(|u| UseOut {
            resource: u.resource.clone(),
            r#type: u.resource_type.clone(),
            attribute: u.attribute.clone(),
            location: r.locate(&u.origin).into(),
        })
        .collect()
}

/// Why a finding is only possible (empty when definite).
pub(crate) fn reasons(f: &Finding) -> Vec<String> {
    if f.certainty == passgraph_model::Tri::Yes {
        return Vec::new();
    }
    let mut v = f.proof.reasons.clone();
    if f.proof.certainty == passgraph_model::Tri::Yes {
        v.push("a role on the assume-role chain can be assumed only possibly".to_owned());
    }
    v
}

/// A diagnostic as JSON, naming its stack when there is one.
pub(crate) fn diagnostic(
    r: &Report<'_>,
    stack: Option<&String>,
    d: &passgraph_model::Diagnostic,
) -> DiagOut {
    DiagOut {
        stack: stack.cloned(),
        level: d.level.to_string(),
        code: d.code.id(),
        name: d.code.slug(),
        message: d.message.clone(),
        location: d.origin.as_ref().map(|o| r.locate(o).into()),
    }
}

pub(crate) fn findings(r: &Report<'_>) -> Vec<FindingOut> {
    r.findings().map(|f| finding(r, &f)).collect()
}

/// Writes the report as one JSON object.
///
/// # Errors
/// When writing fails.
pub fn emit(w: &mut dyn Write, r: &Report<'_>) -> crate::Result {
    let counts = r.counts();
    let definite = counts.definite;
    let diagnostics: Vec<DiagOut> = r
        .diagnostics
        .iter()
        .map(|d| DiagOut {
            stack: None,
            level: d.level.to_string(),
            code: d.code.id(),
            name: d.code.slug(),
            message: d.message.clone(),
            location: d.origin.as_ref().map(|o| r.locate(o).into()),
        })
        .collect();
    let mut summary = Summary {
        suppressed: None,
        findings: counts.findings,
        definite,
        possible: counts.findings - definite,
        principals: r.analysis.principals.len(),
        roles: r
            .analysis
            .principals
            .iter()
            .filter(|p| p.kind == passgraph_graph::PrincipalKind::Role)
            .count(),
        tool: concat!("passgraph ", env!("CARGO_PKG_VERSION")),
    };
    // Findings are written one at a time: a large account has millions of them, and none
    // needs to be held as output text at once.
    writeln!(w, "{{")?;
    writeln!(w, "  \"version\": 1,")?;
    write!(w, "  \"findings\": [")?;
    let mut n_suppressed = 0;
    let mut first = true;
    write_findings(w, r, None, &mut first, &mut n_suppressed)?;
    if r.suppress.is_some() {
        summary.suppressed = Some(n_suppressed);
    }
    if counts.findings == 0 {
        writeln!(w, "],")?;
    } else {
        writeln!(w, "\n  ],")?;
    }
    write!(w, "  \"diagnostics\": ")?;
    write_indented_inline(w, &diagnostics, 2)?;
    writeln!(w, ",")?;
    write!(w, "  \"summary\": ")?;
    write_indented_inline(w, &summary, 2)?;
    writeln!(w)?;
    writeln!(w, "}}")
}

/// Writes the reports of several stacks as one JSON object: the contract's `findings` and
/// `diagnostics`, each naming its `stack`, and a summary with totals, the search's figures and
/// the counts per stack. `extra` are diagnostics of no stack.
///
/// # Errors
/// When writing fails.
pub fn emit_stacks(
    w: &mut dyn Write,
    parts: &[crate::Part<'_>],
    extra: &[passgraph_model::Diagnostic],
    discovery: Option<&crate::Discovery>,
) -> crate::Result {
    #[derive(Serialize)]
    struct StackCount {
        stack: String,
        findings: usize,
        definite: usize,
        possible: usize,
    }
    #[derive(Serialize)]
    struct StacksSummary<'a> {
        #[serde(skip_serializing_if = "Option::is_none")]
        suppressed: Option<usize>,
        findings: usize,
        definite: usize,
        possible: usize,
        principals: usize,
        roles: usize,
        tool: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        files_read: Option<usize>,
        #[serde(skip_serializing_if = "Option::is_none")]
        stacks: Option<usize>,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<std::collections::BTreeMap<String, usize>>,
        by_stack: Vec<StackCount>,
    }
    let diag = |r: &Report<'_>, stack: Option<&String>, d: &passgraph_model::Diagnostic| DiagOut {
        stack: stack.cloned(),
        level: d.level.to_string(),
        code: d.code.id(),
        name: d.code.slug(),
        message: d.message.clone(),
        location: d.origin.as_ref().map(|o| r.locate(o).into()),
    };
    let mut diagnostics: Vec<DiagOut> = Vec::new();
    if let Some(first) = parts.first() {
        diagnostics.extend(extra.iter().map(|d| diag(&first.report, None, d)));
    }
    for p in parts {
        diagnostics.extend(
            p.report
                .diagnostics
                .iter()
                .map(|d| diag(&p.report, p.stack.as_ref(), d)),
        );
    }
    let mut by_stack = Vec::new();
    let (mut n, mut definite, mut principals, mut roles) = (0, 0, 0, 0);
    for p in parts {
        let r = &p.report;
        let c = r.counts();
        let d = c.definite;
        n += c.findings;
        definite += d;
        principals += r.analysis.principals.len();
        roles += r
            .analysis
            .principals
            .iter()
            .filter(|p| p.kind == passgraph_graph::PrincipalKind::Role)
            .count();
        by_stack.push(StackCount {
            stack: p.stack.clone().unwrap_or_default(),
            findings: c.findings,
            definite: d,
            possible: c.findings - d,
        });
    }
    let mut summary = StacksSummary {
        suppressed: None,
        findings: n,
        definite,
        possible: n - definite,
        principals,
        roles,
        tool: concat!("passgraph ", env!("CARGO_PKG_VERSION")),
        files_read: discovery.map(|d| d.files_read),
        stacks: discovery.map(|d| d.stacks),
        skipped: discovery.map(|d| d.skipped.iter().cloned().collect()),
        by_stack,
    };
    writeln!(w, "{{")?;
    writeln!(w, "  \"version\": 1,")?;
    write!(w, "  \"findings\": [")?;
    let mut first = true;
    let mut n_suppressed = 0;
    for p in parts {
        write_findings(
            w,
            &p.report,
            p.stack.as_ref(),
            &mut first,
            &mut n_suppressed,
        )?;
    }
    if first {
        writeln!(w, "],")?;
    } else {
        writeln!(w, "\n  ],")?;
    }
    if parts.iter().any(|p| p.report.suppress.is_some()) {
        summary.suppressed = Some(n_suppressed);
    }
    write!(w, "  \"diagnostics\": ")?;
    write_indented_inline(w, &diagnostics, 2)?;
    writeln!(w, ",")?;
    write!(w, "  \"summary\": ")?;
    write_indented_inline(w, &summary, 2)?;
    writeln!(w)?;
    writeln!(w, "}}")
}

/// Writes the findings of `r` as elements of the `findings` array (built and rendered in
/// parallel batches, written in order), counting the suppressed ones.
fn write_findings(
    w: &mut dyn Write,
    r: &Report<'_>,
    stack: Option<&String>,
    first: &mut bool,
    n_suppressed: &mut usize,
) -> crate::Result {
    crate::in_batches(
        r,
        |g| {
            g.findings()
                .map(|f| {
                    let mut out = finding(r, &f);
                    out.stack = stack.cloned();
                    let mut text = Vec::new();
                    let _ = write_indented(&mut text, &out, 4);
                    (text, out.suppressed.is_some())
                })
                .collect::<Vec<_>>()
        },
        |rendered| {
            for (text, suppressed) in rendered {
                w.write_all(if *first { b"\n" } else { b",\n" })?;
                *first = false;
                *n_suppressed += usize::from(suppressed);
                w.write_all(&text)?;
            }
            Ok(())
        },
    )
}

/// Pretty JSON of `v`, every line indented by `indent` spaces.
fn write_indented(w: &mut dyn Write, v: &impl Serialize, indent: usize) -> crate::Result {
    let pad = " ".repeat(indent);
    write!(w, "{pad}")?;
    write_indented_inline(w, v, indent)
}

/// Pretty JSON of `v` starting at the current position, continuation lines indented.
fn write_indented_inline(w: &mut dyn Write, v: &impl Serialize, indent: usize) -> crate::Result {
    let mut out = Vec::with_capacity(2048);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Pretty::new(indent));
    v.serialize(&mut ser).map_err(std::io::Error::other)?;
    w.write_all(&out)
}

/// serde_json's `PrettyFormatter` (two spaces a level) with every line after the first moved
/// right by `base` spaces: the findings are written inside the document's `findings` array
/// without a second pass to indent them.
struct Pretty {
    base: usize,
    level: usize,
    has_value: bool,
}

impl Pretty {
    fn new(base: usize) -> Pretty {
        Pretty {
            base,
            level: 0,
            has_value: false,
        }
    }

    /// A newline (after `,` when not `first`) and the indentation of the current level.
    fn newline<W: ?Sized + Write>(&self, w: &mut W, comma: bool) -> std::io::Result<()> {
        const SPACES: &[u8; 64] = &[b' '; 64];
        w.write_all(if comma { b",\n" } else { b"\n" })?;
        let mut n = self.base + 2 * self.level;
        while n > 0 {
            let k = n.min(SPACES.len());
            w.write_all(&SPACES[..k])?;
            n -= k;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.newline(w, false)?;
        }
        w.write_all(b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.newline(w, !first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.newline(w, false)?;
        }
        w.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.newline(w, !first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Writes a `diff` result: `{ "version": 1, "added": [...], "removed": [...] }`.
///
/// # Errors
/// When writing fails.
pub fn emit_diff(
    w: &mut dyn Write,
    head: &Report<'_>,
    added: &[&Finding],
    base: &Report<'_>,
    removed: &[&Finding],
) -> crate::Result {
    #[derive(Serialize)]
    struct Diff {
        version: u32,
        added: Vec<FindingOut>,
        removed: Vec<FindingOut>,
    }
    let out = Diff {
        version: 1,
        added: added.iter().map(|f| finding(head, f)).collect(),
        removed: removed.iter().map(|f| finding(base, f)).collect(),
    };
    serde_json::to_writer_pretty(&mut *w, &out).map_err(std::io::Error::other)?;
    writeln!(w)
}

/// Writes a `diff` over stacks: `{ "version": 1, "added": [...], "removed": [...] }`, each
/// finding naming its stack. `added` holds, per head stack, its report and the findings it adds;
/// `removed` the same for base stacks.
///
/// # Errors
/// When writing fails.
pub fn emit_diff_stacks(
    w: &mut dyn Write,
    added: &[(&crate::Part<'_>, Vec<&Finding>)],
    removed: &[(&crate::Part<'_>, Vec<&Finding>)],
) -> crate::Result {
    #[derive(Serialize)]
    struct Diff {
        version: u32,
        added: Vec<FindingOut>,
        removed: Vec<FindingOut>,
    }
    let list = |v: &[(&crate::Part<'_>, Vec<&Finding>)]| -> Vec<FindingOut> {
        v.iter()
            .flat_map(|(p, fs)| {
                fs.iter().map(|f| {
                    let mut out = finding(&p.report, f);
                    out.stack.clone_from(&p.stack);
                    out
                })
            })
            .collect()
    };
    let out = Diff {
        version: 1,
        added: list(added),
        removed: list(removed),
    };
    serde_json::to_writer_pretty(&mut *w, &out).map_err(std::io::Error::other)?;
    writeln!(w)
}

/// Writes the graph of the analysis as JSON: `{ "version": 1, "nodes": [...], "edges": [...] }`.
///
/// # Errors
/// When writing fails.
pub fn emit_graph(w: &mut dyn Write, r: &Report<'_>) -> crate::Result {
    use passgraph_graph::{Edge, Node};
    #[derive(Serialize)]
    struct NodeOut {
        id: u32,
        kind: &'static str,
        name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        arn: Option<String>,
    }
    #[derive(Serialize)]
    struct EdgeOut {
        from: u32,
        to: u32,
        kind: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        service: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        certainty: Option<&'static str>,
    }
    #[derive(Serialize)]
    struct GraphOut {
        version: u32,
        nodes: Vec<NodeOut>,
        edges: Vec<EdgeOut>,
        findings: Vec<FindingOut>,
    }
    let g = &r.analysis.graph;
    let nodes = g
        .nodes()
        .map(|(id, n)| {
            let (kind, name, arn) = match n {
                Node::User(p) | Node::Role(p) => {
                    let x = &r.analysis.principals[*p];
                    (x.kind.as_str(), x.name.to_string(), Some(x.arn.to_string()))
                }
                Node::Group(g) => ("group", g.clone(), None),
                Node::Policy(p) => (
                    "policy",
                    p.rsplit('/').next().unwrap_or(p).to_owned(),
                    Some(p.clone()),
                ),
                Node::Service(s) => ("service", s.clone(), None),
                Node::Anyone => ("anyone", "*".to_owned(), None),
                Node::Resource(u) => (
                    "resource",
                    r.account
                        .role_uses
                        .get(*u)
                        .map(|x| x.resource.clone())
                        .unwrap_or_default(),
                    None,
                ),
            };
            NodeOut {
                id: id.0,
                kind,
                name,
                arn,
            }
        })
        .collect();
    let edges = g
        .edges()
        .map(|(a, b, e)| {
            let (kind, service, c) = match e {
                Edge::MemberOf => ("member_of", None, None),
                Edge::Attached => ("attached", None, None),
                Edge::Trusts => ("trusts", None, None),
                Edge::UsedBy => ("used_by", None, None),
                Edge::CanAssume { definite } => (
                    "can_assume",
                    None,
                    Some(if *definite { "definite" } else { "possible" }),
                ),
                Edge::CanPass { service, definite } => (
                    "can_pass",
                    Some(service.clone()),
                    Some(if *definite { "definite" } else { "possible" }),
                ),
            };
            EdgeOut {
                from: a.0,
                to: b.0,
                kind,
                service,
                certainty: c,
            }
        })
        .collect();
    let out = GraphOut {
        version: 1,
        nodes,
        edges,
        findings: findings(r),
    };
    serde_json::to_writer_pretty(&mut *w, &out).map_err(std::io::Error::other)?;
    writeln!(w)
}
