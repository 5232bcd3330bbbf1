//! Policy documents: JSON strings in the plan, and `aws_iam_policy_document` data sources whose
//! `json` is known only after apply (their arguments read here, rendered by
//! `passgraph_terraform::policydoc::render`, the renderer the `.tf` reader uses too).
//!
//! Every node of a document carries the address of the resource it belongs to; its range is
//! the attribute value in the plan file (embedded JSON strings are escaped, so offsets inside
//! them do not line up with the file).

use std::sync::Arc;

use passgraph_model::{Code, Diagnostic, Node, NodeKind, Origin};
use passgraph_terraform::policydoc::{
    ConditionInput, DocumentInput, PrincipalInput, SetArg, StatementInput, render,
};

use crate::address::parse_address;
use crate::json::{Kind, Val};
use crate::plan::Reader;
use crate::resolve::{Cursor, Field, Resolved, Scope, State, Want};

/// Deepest chain of documents built from documents (`source_policy_documents`).
const MAX_DOC_DEPTH: usize = 8;

impl<'a> Reader<'a> {
    /// Parses a JSON string value of the plan as a policy document. A value that is not a
    /// JSON document gives a diagnostic and an unknown document (AWS would refuse it).
    pub(crate) fn parse_doc(&mut self, v: Val<'a>, owner: &Arc<str>, what: &str) -> Option<Node> {
        let origin = self.origin(v.range(), owner);
        let unknown =
            |why: String, origin: Origin| Some(Node::new(NodeKind::Unknown(why.into()), origin));
        let Some(text) = v.as_str() else {
            self.shape(
                format!(
                    "{owner}: {what} must be a JSON string, found {}",
                    v.kind_name()
                ),
                v.range(),
            );
            return unknown(format!("{owner}.{what} is not a JSON string"), origin);
        };
        if text.trim().is_empty() {
            return unknown(format!("{owner}.{what} is an empty string"), origin);
        }
        match passgraph_json::parse_embedded(&origin, &text, false) {
            Ok(node) => Some(node),
            Err(e) => {
                self.diags.push(Diagnostic::warning(
                    Code::Syntax,
                    format!(
                        "{owner}: {what} is not valid JSON ({}, at byte {} of the document)",
                        e.message, e.offset
                    ),
                    Some(origin.clone()),
                ));
                unknown(format!("{owner}.{what} is not valid JSON"), origin)
            }
        }
    }

    /// The policy document of an argument: parsed when known, rebuilt from a policy document
    /// data source when that is what it references, else an unknown node.
    pub(crate) fn document(&mut self, f: &Field<'a>, scope: &Scope, what: &str) -> Option<Node> {
        self.document_at(f, scope, what, 0)
    }

    fn document_at(
        &mut self,
        f: &Field<'a>,
        scope: &Scope,
        what: &str,
        depth: usize,
    ) -> Option<Node> {
        match f.cur.state() {
            State::Known(v) => self.parse_doc(v, &scope.owner, what),
            State::Null => None,
            State::Unknown => {
                let origin = self.origin(f.range, &scope.owner);
                let Some(expr) = f.expr else {
                    let reason = format!(
                        "{}.{what} is known only after apply and the plan has no configuration for it",
                        scope.owner
                    );
                    return Some(Node::new(NodeKind::Unknown(reason.into()), origin));
                };
                let got = self.resolve_expr(scope, expr, Want::Doc, 0);
                if let [one] = got.as_slice()
                    && let Some(node) = self.resolved_doc(one, what, depth)
                {
                    return Some(node);
                }
                let reason = if expr.get("references").is_none()
                    && expr.get("constant_value").is_none()
                {
                    format!(
                        "{}.{what} is built by a function call (such as jsonencode) that plan json does not record",
                        scope.owner
                    )
                } else {
                    format!(
                        "{}.{what} depends on values known only after apply",
                        scope.owner
                    )
                };
                Some(Node::new(NodeKind::Unknown(reason.into()), origin))
            }
        }
    }

    /// A document from a resolved reference: a data source rendered, or a data source's known
    /// `json` (from `prior_state`).
    fn resolved_doc(&mut self, r: &Resolved<'a>, what: &str, depth: usize) -> Option<Node> {
        match r {
            Resolved::DataDoc(i) => self.render_data_doc(*i, depth + 1),
            Resolved::Known(v, addr) if v.kind() == Kind::String => {
                let from_doc = parse_address(addr)
                    .is_some_and(|a| a.resource.starts_with("data.aws_iam_policy_document."));
                if from_doc {
                    self.parse_doc(*v, addr, what)
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    /// Renders the document of an `aws_iam_policy_document` data source read during apply,
    /// from its arguments (`passgraph_terraform::policydoc::render`, the provider's rules).
    pub(crate) fn render_data_doc(&mut self, idx: usize, depth: usize) -> Option<Node> {
        let inst = self.insts.get(idx)?.clone();
        let origin = self.origin(inst.addr_range, &inst.address);
        if depth > MAX_DOC_DEPTH {
            let reason = format!(
                "{}.json is built from documents nested too deeply",
                inst.address
            );
            return Some(Node::new(NodeKind::Unknown(reason.into()), origin));
        }
        // A json known after all (e.g. the data source was read at plan time): use it.
        if let State::Known(v) = Cursor::of(&inst).field("json").state() {
            return self.parse_doc(v, &inst.address, "json");
        }
        let scope = Scope::of(&inst);
        let expressions = self.config_of(&inst).and_then(|c| c.get("expressions"));
        let root = Field {
            cur: Cursor::of(&inst),
            expr: expressions,
            range: inst.addr_range,
        };
        let mut sources = Vec::new();
        for name in ["source_policy_documents", "source_json"] {
            sources.extend(self.doc_list(&root.field(name), &scope, name, depth));
        }
        let statements = root
            .field("statement")
            .items()
            .iter()
            .map(|s| self.statement_input(s, &scope))
            .collect();
        let mut overrides = Vec::new();
        for name in ["override_policy_documents", "override_json"] {
            overrides.extend(self.doc_list(&root.field(name), &scope, name, depth));
        }
        let version = self
            .string(&root.field("version"), &scope, Want::Any, "version")
            .filter(|v| v.is_known());
        let policy_id = self
            .string(&root.field("policy_id"), &scope, Want::Any, "policy_id")
            .filter(|s| !s.is_empty())
            .map(|id| {
                (
                    origin.clone(),
                    Node::new(NodeKind::String(id), origin.clone()),
                )
            });
        Some(render(DocumentInput {
            origin,
            version,
            policy_id,
            sources,
            statements,
            overrides,
        }))
    }

    /// Documents given as a list of JSON strings (or one string), each parsed or rebuilt.
    fn doc_list(&mut self, f: &Field<'a>, scope: &Scope, what: &str, depth: usize) -> Vec<Node> {
        let origin = self.origin(f.range, &scope.owner);
        let unknown = |why: String| Node::new(NodeKind::Unknown(why.into()), origin.clone());
        match f.cur.state() {
            State::Null => Vec::new(),
            State::Known(v) if v.kind() == Kind::String => {
                self.parse_doc(v, &scope.owner, what).into_iter().collect()
            }
            State::Known(_) => {
                let items = f.cur.items();
                let n_unknown = items
                    .iter()
                    .filter(|c| matches!(c.state(), State::Unknown))
                    .count();
                let mut later: Vec<Resolved<'a>> = Vec::new();
                if n_unknown > 0 {
                    if let Some(e) = f.expr {
                        later = self
                            .resolve_expr(scope, e, Want::Doc, 0)
                            .into_iter()
                            .filter(Resolved::is_later)
                            .collect();
                    }
                    if later.len() != n_unknown {
                        later.clear();
                    }
                }
                let mut later = later.into_iter();
                let mut out = Vec::new();
                for c in items {
                    match c.state() {
                        State::Known(v) => out.extend(self.parse_doc(v, &scope.owner, what)),
                        State::Null => {}
                        State::Unknown => {
                            let node = later
                                .next()
                                .and_then(|r| self.resolved_doc(&r, what, depth));
                            out.push(node.unwrap_or_else(|| {
                                unknown(format!(
                                    "an element of {}.{what} is known only after apply",
                                    scope.owner
                                ))
                            }));
                        }
                    }
                }
                out
            }
            State::Unknown => {
                let got = match f.expr {
                    Some(e) => self.resolve_expr(scope, e, Want::Doc, 0),
                    None => Vec::new(),
                };
                let docs: Vec<Option<Node>> = got
                    .iter()
                    .map(|r| self.resolved_doc(r, what, depth))
                    .collect();
                if !docs.is_empty() && docs.iter().all(Option::is_some) {
                    return docs.into_iter().flatten().collect();
                }
                vec![unknown(format!(
                    "{}.{what} is known only after apply",
                    scope.owner
                ))]
            }
        }
    }

    /// The values of a list argument of a statement as nodes.
    fn nodes(&mut self, f: &Field<'a>, scope: &Scope, want: Want, what: &str) -> Vec<Node> {
        let o = self.origin(f.range, &scope.owner);
        self.strings(f, scope, want, what)
            .into_iter()
            .map(|s| Node::new(NodeKind::String(s), o.clone()))
            .collect()
    }

    /// One `statement` block, read for the renderer.
    fn statement_input(&mut self, s: &Field<'a>, scope: &Scope) -> StatementInput {
        let origin = self.origin(s.range, &scope.owner);
        let mut st = StatementInput::new(origin);
        for (attr, slot) in [("sid", 0), ("effect", 1)] {
            let f = s.field(attr);
            if let Some(v) = self
                .string(&f, scope, Want::Any, &format!("statement.{attr}"))
                .filter(|v| !v.is_empty())
            {
                let o = self.origin(f.range, &scope.owner);
                let n = Some((o.clone(), Node::new(NodeKind::String(v), o)));
                if slot == 0 {
                    st.sid = n;
                } else {
                    st.effect = n;
                }
            }
        }
        for (arg, attr) in SetArg::ALL {
            let f = s.field(attr);
            if matches!(f.cur.state(), State::Null) {
                continue;
            }
            let want = match arg {
                SetArg::Resources | SetArg::NotResources => Want::Arn,
                _ => Want::Any,
            };
            let items = self.nodes(&f, scope, want, &format!("statement.{attr}"));
            let o = self.origin(f.range, &scope.owner);
            st.sets.push((arg, o, items));
        }
        for (attr, not) in [("principals", false), ("not_principals", true)] {
            for b in s.field(attr).items() {
                let kind = self
                    .string(
                        &b.field("type"),
                        scope,
                        Want::Any,
                        &format!("statement.{attr}.type"),
                    )
                    .unwrap_or_default();
                let identifiers = self.nodes(
                    &b.field("identifiers"),
                    scope,
                    Want::Arn,
                    &format!("statement.{attr}.identifiers"),
                );
                let p = PrincipalInput {
                    origin: self.origin(b.range, &scope.owner),
                    kind,
                    identifiers,
                };
                if not {
                    st.not_principals.push(p);
                } else {
                    st.principals.push(p);
                }
            }
        }
        for b in s.field("condition").items() {
            let test = self
                .string(
                    &b.field("test"),
                    scope,
                    Want::Any,
                    "statement.condition.test",
                )
                .unwrap_or_default();
            let variable = self
                .string(
                    &b.field("variable"),
                    scope,
                    Want::Any,
                    "statement.condition.variable",
                )
                .unwrap_or_default();
            let values = self.nodes(
                &b.field("values"),
                scope,
                Want::Any,
                "statement.condition.values",
            );
            st.conditions.push(ConditionInput {
                origin: self.origin(b.range, &scope.owner),
                test,
                variable,
                values,
            });
        }
        st
    }
}
