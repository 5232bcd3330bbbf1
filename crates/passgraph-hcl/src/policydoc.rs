//! `data "aws_iam_policy_document"`: the arguments are evaluated here into a
//! [`DocumentInput`]; `passgraph_terraform::policydoc::render` renders the document as the AWS
//! provider does (the same renderer reads a plan's deferred documents), straight into a
//! [`Node`] tree whose statements point at their `statement` blocks.

use std::sync::Arc;

use passgraph_model::{Code, Diagnostic, Node, NodeKind, Origin, Str, TextRange};
use passgraph_terraform::policydoc::{
    ConditionInput, DocumentInput, PrincipalInput, SetArg, StatementInput, render,
};

use crate::config::BodyRef;
use crate::eval::{Evaluator, Fail, R, Scope};
use crate::jsontext::{policy_node, to_json_node};
use crate::value::{ResKey, V, Value};

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
                // A version not known offline reads as the default, the only one that
                // policy variables work in.
                self.known_text(&v).map(Str::lit)
            }
            None => None,
        };
        let mut sources = Vec::new();
        for attr in ["source_policy_documents", "source_json"] {
            self.documents(sc, body, attr, &mut sources)?;
        }
        let mut statements = Vec::new();
        for b in self.block_insts(sc, body, "statement") {
            let mut st = self.statement_input(&b.sc, b.body, Origin::new(b.sc.file, b.range))?;
            st.uncertain = b.uncertain;
            statements.push(st);
        }
        let mut overrides = Vec::new();
        for attr in ["override_policy_documents", "override_json"] {
            self.documents(sc, body, attr, &mut overrides)?;
        }
        let policy_id = match body.attr("policy_id") {
            Some((e, r)) => {
                let v = self.eval(sc, e)?;
                (!v.is_null()).then(|| (Origin::new(sc.file, r), to_json_node(&v, 0)))
            }
            None => None,
        };
        let node = render(DocumentInput {
            origin: doc_origin.clone(),
            version,
            policy_id,
            sources,
            statements,
            overrides,
        });
        Ok(Value::new(V::Doc(Arc::new(node)), doc_origin))
    }

    /// Reads `source_policy_documents` / `override_policy_documents`: each document parsed, or
    /// an unknown node for one that cannot be read.
    fn documents(
        &mut self,
        sc: &Scope,
        body: BodyRef<'_>,
        attr: &str,
        out: &mut Vec<Node>,
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
                out.push(unknown_node(&v, attr));
                return Ok(());
            }
        };
        for d in docs {
            if d.is_null() {
                continue;
            }
            match policy_node(&d, 0) {
                Ok(n) => out.push(n),
                Err(msg) => {
                    self.diag(Diagnostic::warning(
                        Code::UnknownPolicy,
                        format!("{attr}: the document is not JSON ({msg})"),
                        Some(d.origin.clone()),
                    ));
                    out.push(Node::new(
                        NodeKind::Unknown(format!("{attr}: a document that is not JSON").into()),
                        d.origin.clone(),
                    ));
                }
            }
        }
        Ok(())
    }

    fn statement_input(
        &mut self,
        sc: &Scope,
        body: BodyRef<'_>,
        origin: Origin,
    ) -> Result<StatementInput, Fail> {
        let mut st = StatementInput::new(origin.clone());
        for (attr, slot) in [("sid", 0), ("effect", 1)] {
            if let Some((e, r)) = body.attr(attr) {
                let v = self.eval(sc, e)?;
                if !v.is_null() {
                    let n = Some((Origin::new(sc.file, r), to_json_node(&v, 0)));
                    if slot == 0 {
                        st.sid = n;
                    } else {
                        st.effect = n;
                    }
                }
            }
        }
        for (arg, attr) in SetArg::ALL {
            if let Some((e, r)) = body.attr(attr) {
                let v = self.eval(sc, e)?;
                let items = self.list_items(v);
                st.sets.push((arg, Origin::new(sc.file, r), items));
            }
        }
        for (block, not) in [("principals", false), ("not_principals", true)] {
            for b in self.block_insts(sc, body, block) {
                let kind = match b.body.attr("type") {
                    Some((e, _)) => {
                        let v = self.eval(&b.sc, e)?;
                        self.string_of(&b.sc, &v)?
                    }
                    None => Str::default(),
                };
                let identifiers = match b.body.attr("identifiers") {
                    Some((e, _)) => {
                        let v = self.eval(&b.sc, e)?;
                        self.list_items(v)
                    }
                    None => Vec::new(),
                };
                let p = PrincipalInput {
                    origin: Origin::new(b.sc.file, b.range),
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
        for b in self.block_insts(sc, body, "condition") {
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
                    self.list_items(v)
                }
                None => Vec::new(),
            };
            st.conditions.push(ConditionInput {
                origin: Origin::new(b.sc.file, b.range),
                test,
                variable,
                values,
            });
        }
        Ok(st)
    }

    /// The elements of a list- or set-valued argument as nodes; an unknown whole becomes one
    /// unknown node.
    fn list_items(&mut self, v: Value) -> Vec<Node> {
        let v = self.force_deep(v, 0);
        match &v.v {
            V::Null => Vec::new(),
            V::List(items) => items
                .iter()
                .filter(|i| !i.is_null())
                .map(|i| to_json_node(i, 0))
                .collect(),
            _ => vec![to_json_node(&v, 0)],
        }
    }
}

fn unknown_node(v: &Value, attr: &str) -> Node {
    let key: Arc<str> = match &v.v {
        V::Unknown(k) => k.clone(),
        _ => Arc::from(attr),
    };
    Node::new(NodeKind::Unknown(key), v.origin.clone())
}
