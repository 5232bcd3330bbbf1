//! The IAM policy language: documents, statements and conditions, read from a [`Node`] tree.
//!
//! Reading accepts every form AWS accepts: `Statement` as one object or a list, a string or a list
//! wherever a list is allowed, numbers and booleans as condition values, `Version` `2008-10-17`
//! or `2012-10-17`. Reading never fails: what breaks the grammar becomes a diagnostic, and what
//! is unknown stays unknown.

use std::sync::Arc;

use crate::diag::{Code, Diagnostic};
use crate::span::Origin;
use crate::tree::{Node, NodeKind};
use crate::value::Str;

/// `Allow` or `Deny`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Effect {
    /// Grants.
    Allow,
    /// Denies, and wins over every allow.
    Deny,
    /// Not known offline: counts as a possible allow and a possible deny.
    Unknown,
}

/// The action part of a statement.
#[derive(Clone, Debug, PartialEq)]
pub enum ActionSpec {
    /// `Action`: the listed patterns.
    Action(Vec<Str>),
    /// `NotAction`: every action except the listed patterns.
    NotAction(Vec<Str>),
}

/// The resource part of a statement.
#[derive(Clone, Debug, PartialEq)]
pub enum ResourceSpec {
    /// `Resource`: the listed patterns.
    Resource(Vec<Str>),
    /// `NotResource`: every resource except the listed patterns.
    NotResource(Vec<Str>),
    /// No resource element (trust policies): the statement is about the policy's own resource.
    Absent,
}

/// The kind of a principal identifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PrincipalKind {
    /// `AWS`: accounts, users, roles, sessions.
    Aws,
    /// `Service`: service principals such as `ec2.amazonaws.com`.
    Service,
    /// `Federated`: identity providers.
    Federated,
    /// `CanonicalUser`.
    CanonicalUser,
    /// A key the grammar does not know, kept so nothing is dropped silently.
    Other,
}

/// The principal part of a statement (resource-based and trust policies).
#[derive(Clone, Debug, PartialEq)]
pub struct PrincipalSpec {
    /// `NotPrincipal` instead of `Principal`.
    pub not: bool,
    /// `Principal: "*"`: everyone, services included.
    pub everyone: bool,
    /// Identifiers by kind.
    pub entries: Vec<(PrincipalKind, Str)>,
}

/// One condition: operator, key and values (OR-ed; AND-ed for negated operators).
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    /// The operator as written (`StringLike`, `ForAnyValue:StringEquals`, `ArnLikeIfExists`).
    pub operator: String,
    /// The key, lower-cased (condition key names are case-insensitive).
    pub key: String,
    /// The values, as strings.
    pub values: Vec<Str>,
    /// Where the operator block is.
    pub origin: Origin,
}

/// One statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    /// `Sid`, when given.
    pub sid: Option<String>,
    /// `Effect`.
    pub effect: Effect,
    /// `Action` / `NotAction`.
    pub actions: ActionSpec,
    /// `Resource` / `NotResource` / absent.
    pub resources: ResourceSpec,
    /// `Principal` / `NotPrincipal`, when given.
    pub principals: Option<PrincipalSpec>,
    /// `Condition`, flattened: all must hold.
    pub conditions: Vec<Condition>,
    /// The statement exists only under a condition not known offline (a CloudFormation
    /// condition, a conditional expression): whatever it grants or denies is only possible.
    pub uncertain: bool,
    /// Position in the document's statement list.
    pub index: usize,
    /// Where the statement is.
    pub origin: Origin,
}

/// A policy document.
///
/// Built only through its constructors (the type is `non_exhaustive`): [`PolicyDocument::from_node`]
/// for what a reader found, [`PolicyDocument::unknown`] or [`PolicyDocument::missing`] for what it
/// could not read or did not find, [`PolicyDocument::with_statements`] for a document made of
/// statements the caller built. No constructor turns "could not read" into "allows nothing".
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct PolicyDocument {
    /// `Version`, when given and known.
    pub version: Option<String>,
    /// The statements, in order.
    pub statements: Vec<Statement>,
    /// Set when the whole document is unknown offline; the text says why. An unknown document
    /// may allow and may deny anything.
    pub unknown: Option<Arc<str>>,
    /// Where the document is.
    pub origin: Origin,
}

impl PolicyDocument {
    /// A document that is not known offline.
    #[must_use]
    pub fn unknown(reason: impl Into<Arc<str>>, origin: Origin) -> PolicyDocument {
        PolicyDocument {
            version: None,
            statements: Vec::new(),
            unknown: Some(reason.into()),
            origin,
        }
    }

    /// A document the input should have and does not (a required property left out): unknown,
    /// with `what` (`the PolicyDocument of policy P`) as the reason. The service would refuse
    /// such an input; what it grants once fixed is not known.
    #[must_use]
    pub fn missing(what: &str, origin: Origin) -> PolicyDocument {
        PolicyDocument::unknown(format!("{what} is missing"), origin)
    }

    /// A known document made of `statements` (built by the caller, not read from an input).
    #[must_use]
    pub fn with_statements(
        version: Option<String>,
        statements: Vec<Statement>,
        origin: Origin,
    ) -> PolicyDocument {
        PolicyDocument {
            version,
            statements,
            unknown: None,
            origin,
        }
    }

    /// True when policy variables are substituted (`Version: 2012-10-17`).
    #[must_use]
    pub fn substitutes_variables(&self) -> bool {
        self.version.as_deref() == Some("2012-10-17")
    }

    /// Reads a document from a tree; never fails.
    #[must_use]
    pub fn from_node(node: &Node) -> (PolicyDocument, Vec<Diagnostic>) {
        let mut r = Reader { diags: Vec::new() };
        let doc = r.document(node);
        (doc, r.diags)
    }
}

struct Reader {
    diags: Vec<Diagnostic>,
}

impl Reader {
    fn grammar(&mut self, message: String, origin: &Origin) {
        self.diags.push(Diagnostic::warning(
            Code::PolicyGrammar,
            message,
            Some(origin.clone()),
        ));
    }

    fn document(&mut self, node: &Node) -> PolicyDocument {
        let origin = node.origin.clone();
        match &node.kind {
            NodeKind::Unknown(reason) => {
                self.diags.push(Diagnostic::warning(
                    Code::UnknownPolicy,
                    format!("policy document is not known offline ({reason})"),
                    Some(origin.clone()),
                ));
                return PolicyDocument::unknown(reason.clone(), origin);
            }
            NodeKind::Choice(alts) => {
                // A document chosen by an undecidable condition: keep every alternative's
                // statements, each only possible.
                let mut doc = PolicyDocument {
                    version: None,
                    statements: Vec::new(),
                    unknown: None,
                    origin,
                };
                for alt in alts {
                    let d = self.document(alt);
                    if d.unknown.is_some() {
                        return d;
                    }
                    doc.version = doc.version.or(d.version);
                    for mut s in d.statements {
                        s.uncertain = true;
                        s.index = doc.statements.len();
                        doc.statements.push(s);
                    }
                }
                return doc;
            }
            NodeKind::Object(_) => {}
            _ => {
                // Not a document at all (null, a list, a string nobody parsed): unknown, so
                // that it may allow and deny anything, never a silent "allows nothing".
                self.diags.push(Diagnostic::warning(
                    Code::UnknownPolicy,
                    format!(
                        "a policy document must be an object, found {}; it is treated as unknown",
                        node.kind_name()
                    ),
                    Some(origin.clone()),
                ));
                return PolicyDocument::unknown(
                    format!("policy document that is {}", node.kind_name()),
                    origin,
                );
            }
        }
        let version = match node.get("Version") {
            None => None,
            Some(v) => match v.as_known_str() {
                Some(s @ ("2012-10-17" | "2008-10-17")) => Some(s.to_owned()),
                Some(other) => {
                    self.grammar(format!("unknown policy version {other:?}"), &v.origin);
                    Some(other.to_owned())
                }
                None => None,
            },
        };
        for (k, korigin, _) in node.entries() {
            match k.as_known() {
                Some("Version" | "Statement" | "Id") => {}
                Some(other) => self.grammar(format!("unknown policy element {other:?}"), korigin),
                None => {}
            }
        }
        let mut statements = Vec::new();
        match node.get("Statement") {
            None => {
                self.diags.push(Diagnostic::warning(
                    Code::UnknownPolicy,
                    "policy document has no Statement; it is treated as unknown".to_owned(),
                    Some(origin.clone()),
                ));
                return PolicyDocument::unknown("policy document without Statement", origin);
            }
            Some(st) => self.statements(st, false, &mut statements),
        }
        // Most documents hold one or two statements; pushing leaves room for four, and a large
        // account's documents are held until the end.
        statements.shrink_to_fit();
        PolicyDocument {
            version,
            statements,
            unknown: None,
            origin,
        }
    }

    fn statements(&mut self, node: &Node, uncertain: bool, out: &mut Vec<Statement>) {
        match &node.kind {
            NodeKind::Array(items) => {
                for item in items {
                    self.statements(item, uncertain, out);
                }
            }
            NodeKind::Object(_) => {
                if let Some(mut s) = self.statement(node) {
                    s.uncertain |= uncertain;
                    s.index = out.len();
                    out.push(s);
                }
            }
            NodeKind::Choice(alts) => {
                for alt in alts {
                    self.statements(alt, true, out);
                }
            }
            NodeKind::Unknown(reason) => {
                // A statement (or list of them) known only after apply: it may grant or deny
                // anything. Model it as an uncertain statement of unknown effect on everything.
                let hole = Str::hole(reason.clone());
                out.push(Statement {
                    sid: None,
                    effect: Effect::Unknown,
                    actions: ActionSpec::Action(vec![hole.clone()]),
                    resources: ResourceSpec::Resource(vec![hole]),
                    principals: None,
                    conditions: Vec::new(),
                    uncertain: true,
                    index: out.len(),
                    origin: node.origin.clone(),
                });
                self.diags.push(Diagnostic::warning(
                    Code::UnknownValue,
                    format!("policy statement is not known offline ({reason})"),
                    Some(node.origin.clone()),
                ));
            }
            NodeKind::Null => {}
            _ => self.grammar(
                format!("a statement must be an object, found {}", node.kind_name()),
                &node.origin,
            ),
        }
    }

    fn statement(&mut self, node: &Node) -> Option<Statement> {
        let origin = node.origin.clone();
        let mut uncertain = false;
        let mut sid = None;
        let mut effect = None;
        let mut actions = None;
        let mut resources = None;
        let mut principals = None;
        let mut conditions = Vec::new();
        for (k, korigin, v) in node.entries() {
            let Some(key) = k.as_known() else {
                self.grammar("statement element with an unknown name".to_owned(), korigin);
                continue;
            };
            match key {
                "Sid" => sid = v.scalar_text().map(|s| s.to_string()),
                "Effect" => {
                    effect = Some(match &v.kind {
                        NodeKind::String(s) => match s.as_known() {
                            Some("Allow") => Effect::Allow,
                            Some("Deny") => Effect::Deny,
                            Some(other) => {
                                self.grammar(
                                    format!("Effect must be Allow or Deny, found {other:?}"),
                                    &v.origin,
                                );
                                return None;
                            }
                            None => Effect::Unknown,
                        },
                        NodeKind::Unknown(_) => Effect::Unknown,
                        NodeKind::Choice(_) => {
                            uncertain = true;
                            Effect::Unknown
                        }
                        _ => {
                            self.grammar(
                                format!("Effect must be a string, found {}", v.kind_name()),
                                &v.origin,
                            );
                            return None;
                        }
                    });
                }
                "Action" | "NotAction" => {
                    if actions.is_some() {
                        self.grammar("a statement has both Action and NotAction; AWS rejects it, the last one is used".to_owned(), korigin);
                    }
                    let v = self.strings(v, &mut uncertain);
                    actions = Some(if key == "Action" {
                        ActionSpec::Action(v)
                    } else {
                        ActionSpec::NotAction(v)
                    });
                }
                "Resource" | "NotResource" => {
                    if resources.is_some() {
                        self.grammar("a statement has both Resource and NotResource; AWS rejects it, the last one is used".to_owned(), korigin);
                    }
                    let v = self.strings(v, &mut uncertain);
                    resources = Some(if key == "Resource" {
                        ResourceSpec::Resource(v)
                    } else {
                        ResourceSpec::NotResource(v)
                    });
                }
                "Principal" | "NotPrincipal" => {
                    principals = Some(self.principal(v, key == "NotPrincipal", &mut uncertain));
                }
                "Condition" => self.conditions(v, &mut conditions, &mut uncertain),
                other => self.grammar(format!("unknown statement element {other:?}"), korigin),
            }
        }
        let Some(effect) = effect else {
            self.grammar(
                "statement has no Effect; it is ignored as AWS would reject it".to_owned(),
                &origin,
            );
            return None;
        };
        let Some(actions) = actions else {
            self.grammar(
                "statement has neither Action nor NotAction; it is ignored as AWS would reject it"
                    .to_owned(),
                &origin,
            );
            return None;
        };
        Some(Statement {
            sid,
            effect,
            actions,
            resources: resources.unwrap_or(ResourceSpec::Absent),
            principals,
            conditions,
            uncertain,
            index: 0,
            origin,
        })
    }

    /// A string or a list of strings; unknown values stay as holes.
    fn strings(&mut self, node: &Node, uncertain: &mut bool) -> Vec<Str> {
        let mut out = Vec::new();
        self.collect_strings(node, uncertain, &mut out);
        out
    }

    fn collect_strings(&mut self, node: &Node, uncertain: &mut bool, out: &mut Vec<Str>) {
        match &node.kind {
            NodeKind::Array(items) => {
                for i in items {
                    self.collect_strings(i, uncertain, out);
                }
            }
            NodeKind::Unknown(reason) => out.push(Str::hole(reason.clone())),
            NodeKind::Choice(alts) => {
                *uncertain = true;
                for a in alts {
                    self.collect_strings(a, uncertain, out);
                }
            }
            NodeKind::Null => {}
            _ => match node.scalar_text() {
                Some(s) => out.push(s),
                None => self.grammar(
                    format!(
                        "expected a string or a list of strings, found {}",
                        node.kind_name()
                    ),
                    &node.origin,
                ),
            },
        }
    }

    fn principal(&mut self, node: &Node, not: bool, uncertain: &mut bool) -> PrincipalSpec {
        let mut spec = PrincipalSpec {
            not,
            everyone: false,
            entries: Vec::new(),
        };
        match &node.kind {
            NodeKind::String(s) if s.as_known() == Some("*") => spec.everyone = true,
            // A principal built from values known only after apply: kept as an unknown entry.
            NodeKind::String(s) if !s.is_known() => {
                spec.entries.push((PrincipalKind::Other, s.clone()))
            }
            NodeKind::Object(entries) => {
                for (k, korigin, v) in entries {
                    let kind = match k.as_known() {
                        Some("AWS") => PrincipalKind::Aws,
                        Some("Service") => PrincipalKind::Service,
                        Some("Federated") => PrincipalKind::Federated,
                        Some("CanonicalUser") => PrincipalKind::CanonicalUser,
                        _ => {
                            self.grammar(format!("unknown principal type {k}"), korigin);
                            PrincipalKind::Other
                        }
                    };
                    for s in self.strings(v, uncertain) {
                        if kind == PrincipalKind::Aws && s.as_known() == Some("*") {
                            spec.everyone = true;
                        }
                        spec.entries.push((kind, s));
                    }
                }
            }
            NodeKind::Unknown(reason) => spec
                .entries
                .push((PrincipalKind::Other, Str::hole(reason.clone()))),
            NodeKind::Choice(alts) => {
                *uncertain = true;
                for a in alts {
                    let sub = self.principal(a, not, uncertain);
                    spec.everyone |= sub.everyone;
                    spec.entries.extend(sub.entries);
                }
            }
            _ => self.grammar(
                format!(
                    "Principal must be \"*\" or an object, found {}",
                    node.kind_name()
                ),
                &node.origin,
            ),
        }
        spec
    }

    fn conditions(&mut self, node: &Node, out: &mut Vec<Condition>, uncertain: &mut bool) {
        match &node.kind {
            NodeKind::Object(ops) => {
                for (op, op_origin, body) in ops {
                    let Some(operator) = op.as_known() else {
                        out.push(Condition {
                            operator: String::new(),
                            key: String::new(),
                            values: Vec::new(),
                            origin: op_origin.clone(),
                        });
                        continue;
                    };
                    match &body.kind {
                        NodeKind::Object(keys) => {
                            for (key, _, values) in keys {
                                let key = key
                                    .as_known()
                                    .map(str::to_ascii_lowercase)
                                    .unwrap_or_default();
                                let values = self.strings(values, uncertain);
                                out.push(Condition {
                                    operator: operator.to_owned(),
                                    key,
                                    values,
                                    origin: op_origin.clone(),
                                });
                            }
                        }
                        _ => {
                            // An unknown condition body: keep it as a condition that is never decided.
                            out.push(Condition {
                                operator: operator.to_owned(),
                                key: String::new(),
                                values: Vec::new(),
                                origin: op_origin.clone(),
                            });
                        }
                    }
                }
            }
            NodeKind::Null => {}
            _ => {
                // An unknown or malformed Condition block: the statement applies only possibly.
                out.push(Condition {
                    operator: String::new(),
                    key: String::new(),
                    values: Vec::new(),
                    origin: node.origin.clone(),
                });
                if !matches!(node.kind, NodeKind::Unknown(_) | NodeKind::Choice(_)) {
                    self.grammar(
                        format!("Condition must be an object, found {}", node.kind_name()),
                        &node.origin,
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
