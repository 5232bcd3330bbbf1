//! Policy documents: JSON strings in the plan, and `aws_iam_policy_document` data sources whose
//! `json` is known only after apply (rendered from their `statement` blocks).
//!
//! Every node of a document carries the address of the resource it belongs to; its range is
//! the attribute value in the plan file (embedded JSON strings are escaped, so offsets inside
//! them do not line up with the file).

use std::sync::Arc;

use passgraph_model::{Code, Diagnostic, Node, NodeKind, Origin, Str, TextRange};

use crate::address::parse_address;
use crate::json::{Kind, Val};
use crate::plan::Reader;
use crate::resolve::{Cursor, Field, Resolved, Scope, State, Want};

/// An object entry of a node tree.
type Entry = (Str, Origin, Node);

/// Deepest chain of documents built from documents (`source_policy_documents`).
const MAX_DOC_DEPTH: usize = 8;

fn obj(entries: Vec<(&str, Node)>, origin: &Origin) -> Node {
    Node::new(
        NodeKind::Object(
            entries
                .into_iter()
                .map(|(k, v)| (Str::lit(k), origin.clone(), v))
                .collect(),
        ),
        origin.clone(),
    )
}

fn strs(items: Vec<Str>, origin: &Origin) -> Node {
    Node::new(
        NodeKind::Array(
            items
                .into_iter()
                .map(|s| Node::new(NodeKind::String(s), origin.clone()))
                .collect(),
        ),
        origin.clone(),
    )
}

fn sid_of(statement: &Node) -> Option<String> {
    statement
        .get("Sid")
        .and_then(Node::as_known_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Adds statements with the provider's merge rule: a statement with a non-empty `Sid` replaces
/// an earlier one with the same `Sid`; others are appended.
fn merge(into: &mut Vec<Node>, statements: Vec<Node>) {
    for s in statements {
        let sid = sid_of(&s);
        match sid.and_then(|sid| {
            into.iter()
                .position(|o| sid_of(o).as_deref() == Some(sid.as_str()))
        }) {
            Some(i) => {
                if let Some(slot) = into.get_mut(i) {
                    *slot = s;
                }
            }
            None => into.push(s),
        }
    }
}

/// The statements of a parsed document (`Statement` may be one object or a list).
fn statements_of(doc: &Node) -> Vec<Node> {
    match doc.get("Statement") {
        Some(Node {
            kind: NodeKind::Array(items),
            ..
        }) => items.clone(),
        Some(n) => vec![n.clone()],
        None => Vec::new(),
    }
}

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
    /// from its `statement` blocks (provider rules: source documents, then the statements,
    /// then override documents, a later statement replacing an earlier one with its `Sid`).
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

        let mut statements: Vec<Node> = Vec::new();
        for name in ["source_policy_documents", "source_json"] {
            let docs = self.doc_list(&root.field(name), &scope, name, depth);
            for d in docs {
                match &d.kind {
                    NodeKind::Unknown(_) => statements.push(d),
                    _ => merge(&mut statements, statements_of(&d)),
                }
            }
        }
        let own: Vec<Node> = root
            .field("statement")
            .items()
            .iter()
            .map(|s| self.render_statement(s, &scope))
            .collect();
        merge(&mut statements, own);
        for name in ["override_policy_documents", "override_json"] {
            let docs = self.doc_list(&root.field(name), &scope, name, depth);
            for d in docs {
                match &d.kind {
                    NodeKind::Unknown(_) => statements.push(d),
                    _ => merge(&mut statements, statements_of(&d)),
                }
            }
        }
        let version = self
            .string(&root.field("version"), &scope, Want::Any, "version")
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| Str::lit("2012-10-17"));
        let mut entries = vec![(
            "Version",
            Node::new(NodeKind::String(version), origin.clone()),
        )];
        if let Some(id) = self
            .string(&root.field("policy_id"), &scope, Want::Any, "policy_id")
            .filter(|s| !s.is_empty())
        {
            entries.push(("Id", Node::new(NodeKind::String(id), origin.clone())));
        }
        entries.push((
            "Statement",
            Node::new(NodeKind::Array(statements), origin.clone()),
        ));
        Some(obj(entries, &origin))
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

    /// One `statement` block as a policy statement node.
    fn render_statement(&mut self, s: &Field<'a>, scope: &Scope) -> Node {
        let origin = self.origin(s.range, &scope.owner);
        let node = |v: Str, r: TextRange, me: &Self| {
            Node::new(NodeKind::String(v), me.origin(r, &scope.owner))
        };
        let mut entries: Vec<(&str, Node)> = Vec::new();
        let sid = s.field("sid");
        if let Some(v) = self
            .string(&sid, scope, Want::Any, "statement.sid")
            .filter(|v| !v.is_empty())
        {
            entries.push(("Sid", node(v, sid.range, self)));
        }
        let effect = s.field("effect");
        let e = self
            .string(&effect, scope, Want::Any, "statement.effect")
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| Str::lit("Allow"));
        entries.push(("Effect", node(e, effect.range, self)));
        for (attr, key, want) in [
            ("actions", "Action", Want::Any),
            ("not_actions", "NotAction", Want::Any),
            ("resources", "Resource", Want::Arn),
            ("not_resources", "NotResource", Want::Arn),
        ] {
            let f = s.field(attr);
            if matches!(f.cur.state(), State::Null) {
                continue;
            }
            let values = self.strings(&f, scope, want, &format!("statement.{attr}"));
            if !values.is_empty() {
                let o = self.origin(f.range, &scope.owner);
                entries.push((key, strs(values, &o)));
            }
        }
        for (attr, key) in [
            ("principals", "Principal"),
            ("not_principals", "NotPrincipal"),
        ] {
            let f = s.field(attr);
            let blocks = f.items();
            if blocks.is_empty() {
                continue;
            }
            let o = self.origin(f.range, &scope.owner);
            let mut everyone = false;
            let mut by_type: Vec<(String, Vec<Str>)> = Vec::new();
            for b in &blocks {
                let ty = self.string(
                    &b.field("type"),
                    scope,
                    Want::Any,
                    &format!("statement.{attr}.type"),
                );
                let ids = self.strings(
                    &b.field("identifiers"),
                    scope,
                    Want::Arn,
                    &format!("statement.{attr}.identifiers"),
                );
                let ty = ty.map(|t| t.to_string()).unwrap_or_default();
                if ty == "*" {
                    everyone = true;
                    continue;
                }
                match by_type.iter_mut().find(|(t, _)| *t == ty) {
                    Some((_, v)) => v.extend(ids),
                    None => by_type.push((ty, ids)),
                }
            }
            let value = if everyone && by_type.is_empty() {
                Node::new(NodeKind::String(Str::lit("*")), o.clone())
            } else {
                let mut es: Vec<(Str, Origin, Node)> = by_type
                    .into_iter()
                    .map(|(t, ids)| (Str::lit(t), o.clone(), strs(ids, &o)))
                    .collect();
                if everyone {
                    es.push((Str::lit("AWS"), o.clone(), strs(vec![Str::lit("*")], &o)));
                }
                Node::new(NodeKind::Object(es), o.clone())
            };
            entries.push((key, value));
        }
        let cond = s.field("condition");
        let blocks = cond.items();
        if !blocks.is_empty() {
            let o = self.origin(cond.range, &scope.owner);
            let mut tests: Vec<(Str, Vec<Entry>)> = Vec::new();
            for b in &blocks {
                let test = self
                    .string(
                        &b.field("test"),
                        scope,
                        Want::Any,
                        "statement.condition.test",
                    )
                    .unwrap_or_default();
                let var = self
                    .string(
                        &b.field("variable"),
                        scope,
                        Want::Any,
                        "statement.condition.variable",
                    )
                    .unwrap_or_default();
                let values = self.strings(
                    &b.field("values"),
                    scope,
                    Want::Any,
                    "statement.condition.values",
                );
                let bo = self.origin(b.range, &scope.owner);
                let entry = (var, bo.clone(), strs(values, &bo));
                match tests.iter_mut().find(|(t, _)| *t == test) {
                    Some((_, v)) => v.push(entry),
                    None => tests.push((test, vec![entry])),
                }
            }
            let es = tests
                .into_iter()
                .map(|(t, vars)| (t, o.clone(), Node::new(NodeKind::Object(vars), o.clone())))
                .collect();
            entries.push(("Condition", Node::new(NodeKind::Object(es), o)));
        }
        obj(entries, &origin)
    }
}
