//! `data "aws_iam_policy_document"` rendered as the AWS provider renders it, straight into a
//! [`Node`] tree whose statements point at their `statement` blocks.
//!
//! Rules (provider `policy_document_data_source.go`, `policy_model.go`): `source_policy_documents`
//! first, then this document's statements (a statement whose `sid` is already there replaces it),
//! then `override_policy_documents` with the same rule; `effect` defaults to `Allow`; sets are
//! de-duplicated, a single element is written bare and several are sorted in reverse; principals
//! group by type, `{type = "*", identifiers = ["*"]}` is `"*"`; conditions group by test and
//! variable; `&{...}` becomes `${...}` in resources, principals and condition values.

use std::rc::Rc;
use std::sync::Arc;

use passgraph_model::{Code, Diagnostic, Node, NodeKind, Origin, Part, Str, TextRange};

use crate::config::BodyRef;
use crate::eval::{Evaluator, Fail, R, Scope};
use crate::jsontext::{policy_node, to_json_node};
use crate::value::{ResKey, V, Value};

/// A group keyed by a string, with the position of its first member.
type Grouped<T> = (Str, Origin, T);

impl Evaluator<'_> {
    pub(crate) fn policy_document_value(
        &mut self,
        key: &ResKey,
        sc: &Scope,
        body: BodyRef<'_>,
        _o: &Origin,
    ) -> R {
        let def = self.insts[key.inst].def.clone();
        let range = def
            .resources
            .get(key.res)
            .map_or_else(TextRange::default, |d| d.range);
        let doc_origin = Origin::new(sc.file, range);
        let version = match body.attr("version") {
            Some((e, _)) => {
                let v = self.eval(sc, e)?;
                self.known_text(&v)
                    .unwrap_or_else(|| "2012-10-17".to_owned())
            }
            None => "2012-10-17".to_owned(),
        };
        let substitute = version != "2008-10-17";
        let mut statements: Vec<Node> = Vec::new();
        let mut id: Option<Node> = None;
        for attr in ["source_policy_documents", "source_json"] {
            self.merge_documents(sc, body, attr, &mut statements, &mut id)?;
        }
        for b in self.block_insts(sc, body, "statement") {
            let mut st =
                self.statement_node(&b.sc, b.body, Origin::new(b.sc.file, b.range), substitute)?;
            if b.uncertain {
                st = Node::new(NodeKind::Choice(vec![st]), Origin::new(b.sc.file, b.range));
            }
            merge_statement(&mut statements, st);
        }
        for attr in ["override_policy_documents", "override_json"] {
            self.merge_documents(sc, body, attr, &mut statements, &mut id)?;
        }
        let mut entries = vec![(
            Str::lit("Version"),
            doc_origin.clone(),
            Node::new(NodeKind::String(Str::lit(version)), doc_origin.clone()),
        )];
        if let Some((e, r)) = body.attr("policy_id") {
            let v = self.eval(sc, e)?;
            if !v.is_null() {
                id = Some(to_json_node(&v, 0));
            }
            if let Some(n) = id.take() {
                entries.push((Str::lit("Id"), Origin::new(sc.file, r), n));
            }
        } else if let Some(n) = id {
            entries.push((Str::lit("Id"), doc_origin.clone(), n));
        }
        entries.push((
            Str::lit("Statement"),
            doc_origin.clone(),
            Node::new(NodeKind::Array(statements), doc_origin.clone()),
        ));
        Ok(Value::new(
            V::Doc(Rc::new(Node::new(
                NodeKind::Object(entries),
                doc_origin.clone(),
            ))),
            doc_origin,
        ))
    }

    /// Reads `source_policy_documents` / `override_policy_documents` into the statement list.
    fn merge_documents(
        &mut self,
        sc: &Scope,
        body: BodyRef<'_>,
        attr: &str,
        statements: &mut Vec<Node>,
        id: &mut Option<Node>,
    ) -> Result<(), Fail> {
        let Some((e, _)) = body.attr(attr) else {
            return Ok(());
        };
        let v = self.eval(sc, e)?;
        let v = self.force_deep(v, 0);
        let docs = match &v.v {
            V::Null => return Ok(()),
            V::List(items) => items.as_ref().clone(),
            V::Str(..) | V::Doc(_) => vec![v.clone()],
            _ => {
                statements.push(unknown_statement(&v, attr));
                return Ok(());
            }
        };
        for d in docs {
            if d.is_null() {
                continue;
            }
            let node = match policy_node(&d, 0) {
                Ok(n) => n,
                Err(msg) => {
                    self.diag(Diagnostic::warning(
                        Code::PolicyGrammar,
                        format!("{attr}: the document is not JSON ({msg})"),
                        Some(d.origin.clone()),
                    ));
                    continue;
                }
            };
            match &node.kind {
                NodeKind::Object(_) => {
                    if let Some(i) = node.get("Id") {
                        *id = Some(i.clone());
                    }
                    match node.get("Statement") {
                        Some(Node {
                            kind: NodeKind::Array(items),
                            ..
                        }) => {
                            for s in items {
                                merge_statement(statements, s.clone());
                            }
                        }
                        Some(s) => merge_statement(statements, s.clone()),
                        None => {}
                    }
                }
                _ => statements.push(unknown_statement(&d, attr)),
            }
        }
        Ok(())
    }

    fn statement_node(
        &mut self,
        sc: &Scope,
        body: BodyRef<'_>,
        origin: Origin,
        substitute: bool,
    ) -> Result<Node, Fail> {
        let mut entries: Vec<(Str, Origin, Node)> = Vec::new();
        if let Some((e, r)) = body.attr("sid") {
            let v = self.eval(sc, e)?;
            if !v.is_null() && self.known_text(&v).is_none_or(|t| !t.is_empty()) {
                entries.push((
                    Str::lit("Sid"),
                    Origin::new(sc.file, r),
                    to_json_node(&v, 0),
                ));
            }
        }
        let effect = match body.attr("effect") {
            Some((e, r)) => {
                let v = self.eval(sc, e)?;
                if v.is_null() {
                    None
                } else {
                    Some((to_json_node(&v, 0), Origin::new(sc.file, r)))
                }
            }
            None => None,
        };
        let (effect, eo) = effect.unwrap_or_else(|| {
            (
                Node::new(NodeKind::String(Str::lit("Allow")), origin.clone()),
                origin.clone(),
            )
        });
        entries.push((Str::lit("Effect"), eo, effect));
        for (attr, key, subst) in [
            ("actions", "Action", false),
            ("not_actions", "NotAction", false),
            ("resources", "Resource", substitute),
            ("not_resources", "NotResource", substitute),
        ] {
            if let Some((e, r)) = body.attr(attr) {
                let v = self.eval(sc, e)?;
                if let Some(n) = self.set_node(v, subst) {
                    entries.push((Str::lit(key), Origin::new(sc.file, r), n));
                }
            }
        }
        for (block, key) in [
            ("principals", "Principal"),
            ("not_principals", "NotPrincipal"),
        ] {
            let blocks = self.block_insts(sc, body, block);
            if blocks.is_empty() {
                continue;
            }
            let first = Origin::new(sc.file, blocks.first().map_or(origin.range, |b| b.range));
            let mut groups: Vec<(Str, Origin, Vec<Node>)> = Vec::new();
            let mut star = false;
            for b in &blocks {
                let bo = Origin::new(b.sc.file, b.range);
                let t = match b.body.attr("type") {
                    Some((e, _)) => {
                        let v = self.eval(&b.sc, e)?;
                        self.string_of(&b.sc, &v)?
                    }
                    None => Str::default(),
                };
                let ids = match b.body.attr("identifiers") {
                    Some((e, _)) => {
                        let v = self.eval(&b.sc, e)?;
                        self.set_items(v, substitute)
                    }
                    None => Vec::new(),
                };
                if t.as_known() == Some("*") && ids.iter().all(|n| n.as_known_str() == Some("*")) {
                    star = true;
                    continue;
                }
                match groups.iter_mut().find(|(k, _, _)| *k == t) {
                    Some((_, _, v)) => v.extend(ids),
                    None => groups.push((t, bo, ids)),
                }
            }
            let node = if star && groups.is_empty() {
                Node::new(NodeKind::String(Str::lit("*")), first.clone())
            } else {
                let entries = groups
                    .into_iter()
                    .map(|(t, bo, ids)| (t, bo.clone(), bare_or_list(dedupe_sorted(ids), &bo)))
                    .collect();
                Node::new(NodeKind::Object(entries), first.clone())
            };
            entries.push((Str::lit(key), first, node));
        }
        let conds = self.block_insts(sc, body, "condition");
        if !conds.is_empty() {
            let co = Origin::new(sc.file, conds.first().map_or(origin.range, |b| b.range));
            let mut tests: Vec<Grouped<Vec<Grouped<Vec<Node>>>>> = Vec::new();
            for b in &conds {
                let bo = Origin::new(b.sc.file, b.range);
                let get = |ev: &mut Self, name: &str| -> Result<Str, Fail> {
                    match b.body.attr(name) {
                        Some((e, _)) => {
                            let v = ev.eval(&b.sc, e)?;
                            ev.string_of(&b.sc, &v)
                        }
                        None => Ok(Str::default()),
                    }
                };
                let test = get(self, "test")?;
                let variable = get(self, "variable")?;
                let values = match b.body.attr("values") {
                    Some((e, _)) => {
                        let v = self.eval(&b.sc, e)?;
                        self.list_items(v, substitute)
                    }
                    None => Vec::new(),
                };
                let t = match tests.iter_mut().position(|(k, _, _)| *k == test) {
                    Some(i) => i,
                    None => {
                        tests.push((test, bo.clone(), Vec::new()));
                        tests.len() - 1
                    }
                };
                if let Some((_, _, vars)) = tests.get_mut(t) {
                    match vars.iter_mut().find(|(k, _, _)| *k == variable) {
                        Some((_, _, vals)) => vals.extend(values),
                        None => vars.push((variable, bo, values)),
                    }
                }
            }
            let node = Node::new(
                NodeKind::Object(
                    tests
                        .into_iter()
                        .map(|(t, to, vars)| {
                            let inner = vars
                                .into_iter()
                                .map(|(k, ko, vals)| (k, ko.clone(), bare_or_list(vals, &ko)))
                                .collect();
                            (t, to.clone(), Node::new(NodeKind::Object(inner), to))
                        })
                        .collect(),
                ),
                co.clone(),
            );
            entries.push((Str::lit("Condition"), co, node));
        }
        Ok(Node::new(NodeKind::Object(entries), origin))
    }

    /// The elements of a set-valued argument as nodes; an unknown whole becomes one unknown node.
    fn set_items(&mut self, v: Value, substitute: bool) -> Vec<Node> {
        dedupe_sorted(self.list_items(v, substitute))
    }

    fn list_items(&mut self, v: Value, substitute: bool) -> Vec<Node> {
        let v = self.force_deep(v, 0);
        match &v.v {
            V::Null => Vec::new(),
            V::List(items) => items
                .iter()
                .filter(|i| !i.is_null())
                .map(|i| {
                    let mut n = to_json_node(i, 0);
                    if substitute {
                        replace_vars(&mut n);
                    }
                    n
                })
                .collect(),
            _ => {
                let mut n = to_json_node(&v, 0);
                if substitute {
                    replace_vars(&mut n);
                }
                vec![n]
            }
        }
    }

    fn set_node(&mut self, v: Value, substitute: bool) -> Option<Node> {
        let o = v.origin.clone();
        let items = self.set_items(v, substitute);
        if items.is_empty() {
            return None;
        }
        Some(bare_or_list(items, &o))
    }
}

/// One element written bare, several as a list.
fn bare_or_list(mut items: Vec<Node>, o: &Origin) -> Node {
    if items.len() == 1
        && let Some(n) = items.pop()
    {
        return n;
    }
    Node::new(NodeKind::Array(items), o.clone())
}

/// De-duplicates known strings and sorts them in reverse, as the provider does; unknown items
/// keep their place after the known ones.
fn dedupe_sorted(items: Vec<Node>) -> Vec<Node> {
    let mut known: Vec<Node> = Vec::new();
    let mut other: Vec<Node> = Vec::new();
    for n in items {
        match n.as_known_str() {
            Some(t) => {
                if !known.iter().any(|k| k.as_known_str() == Some(t)) {
                    known.push(n);
                }
            }
            None => other.push(n),
        }
    }
    known.sort_by(|a, b| b.as_known_str().cmp(&a.as_known_str()));
    known.extend(other);
    known
}

/// `&{aws:username}` → `${aws:username}`.
fn replace_vars(n: &mut Node) {
    if let NodeKind::String(s) = &mut n.kind
        && s.parts()
            .iter()
            .any(|p| matches!(p, Part::Lit(t) if t.contains("&{")))
    {
        *s = Str::from_parts(s.parts().iter().map(|p| match p {
            Part::Lit(t) => Part::Lit(t.replace("&{", "${")),
            h => h.clone(),
        }));
    }
}

/// Adds a statement, replacing one with the same non-empty `Sid`.
fn merge_statement(statements: &mut Vec<Node>, st: Node) {
    let sid = st
        .get("Sid")
        .and_then(Node::as_known_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    if let Some(sid) = sid
        && let Some(slot) = statements
            .iter_mut()
            .find(|s| s.get("Sid").and_then(Node::as_known_str) == Some(sid.as_str()))
    {
        *slot = st;
        return;
    }
    statements.push(st);
}

fn unknown_statement(v: &Value, attr: &str) -> Node {
    let key: Arc<str> = match &v.v {
        V::Unknown(k) => k.clone(),
        _ => Arc::from(attr),
    };
    Node::new(NodeKind::Unknown(key), v.origin.clone())
}
