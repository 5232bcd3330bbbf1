//! References: `var.*`, `local.*`, `module.*`, `data.*`, resources, `path.*`; attribute and
//! index traversal, splats; the attributes Terraform computes for the resource types passgraph
//! knows (names, paths and ARNs of IAM entities, account id, partition, region).

use std::sync::Arc;

use crate::syntax::{Expression, Traversal, TraversalOperator};
use passgraph_model::arn::iam_arn;
use passgraph_model::{Code, Origin, Str, TextRange};

use super::{Evaluator, ExpKind, Fail, R, Scope};
use crate::config::{BodyRef, ExprRef, Mode};
use crate::value::{InstKey, ResKey, V, Value};

/// One block of a body as the evaluator sees it: a static block, or one element of a `dynamic`.
#[derive(Clone, Debug)]
pub(crate) struct BlockInst<'a> {
    pub(crate) sc: Scope,
    pub(crate) body: BodyRef<'a>,
    pub(crate) range: TextRange,
    /// Made by a `dynamic` block whose `for_each` is not known: may not exist.
    pub(crate) uncertain: bool,
    /// Where the (static or dynamic) block starts, for source order.
    order: u32,
}

impl Evaluator<'_> {
    pub(super) fn variable(&mut self, sc: &Scope, name: &str, o: Origin) -> R {
        if let Some(v) = sc.lookup(name) {
            return Ok(v.clone());
        }
        let msg = match name {
            "count" => "count.index used outside a block with count".to_owned(),
            "each" => "each used outside a block with for_each".to_owned(),
            _ => format!("unknown variable {name}"),
        };
        Err(self.fail(Code::UnresolvedReference, msg, o))
    }

    pub(super) fn traversal(&mut self, sc: &Scope, t: &Traversal, o: Origin) -> R {
        let ops: &[TraversalOperator] = &t.operators;
        let (cur, used) = match &t.expr {
            Expression::Variable(v) if sc.lookup(v.as_str()).is_none() && !sc.template_only => {
                self.root_ref(sc, v.as_str(), ops, &o)?
            }
            other => (self.eval(sc, ExprRef::Hcl(other))?, 0),
        };
        self.apply_ops(sc, cur, ops.get(used..).unwrap_or(&[]), &o)
    }

    fn root_ref(
        &mut self,
        sc: &Scope,
        root: &str,
        ops: &[TraversalOperator],
        o: &Origin,
    ) -> Result<(Value, usize), Fail> {
        let attr = |i: usize| -> Option<&str> {
            match ops.get(i) {
                Some(TraversalOperator::GetAttr(id)) => Some(id.as_str()),
                _ => None,
            }
        };
        let missing = |ev: &Self, what: &str| {
            ev.fail(
                Code::UnresolvedReference,
                format!("incomplete reference: {what}"),
                o.clone(),
            )
        };
        match root {
            "var" => {
                let Some(n) = attr(0) else {
                    return Err(missing(self, "var"));
                };
                Ok((self.var(sc.inst, n, o)?, 1))
            }
            "local" => {
                let Some(n) = attr(0) else {
                    return Err(missing(self, "local"));
                };
                Ok((self.local(sc.inst, n, o)?, 1))
            }
            "path" => {
                let Some(n) = attr(0) else {
                    return Err(missing(self, "path"));
                };
                let v = match n {
                    "module" => self
                        .insts
                        .get(sc.inst)
                        .map_or(".".to_owned(), |i| i.def.rel.clone()),
                    "root" => ".".to_owned(),
                    // The folder terraform runs in: the root module's folder as the user named it.
                    "cwd" => self.root.to_string_lossy().into_owned(),
                    other => {
                        return Err(self.fail(
                            Code::UnresolvedReference,
                            format!("unknown attribute path.{other}"),
                            o.clone(),
                        ));
                    }
                };
                Ok((Value::lit(&v, o.clone()), 1))
            }
            "terraform" => match attr(0) {
                Some("workspace") => Ok((Value::lit("default", o.clone()), 1)),
                _ => Ok((Value::unknown("terraform", o.clone()), 0)),
            },
            "count" | "each" | "self" => Err(self
                .variable(sc, root, o.clone())
                .err()
                .unwrap_or_else(|| missing(self, root))),
            "module" => {
                let Some(n) = attr(0) else {
                    return Err(missing(self, "module"));
                };
                Ok((self.module_value(sc.inst, n, o)?, 1))
            }
            "data" => {
                let (Some(t), Some(n)) = (attr(0), attr(1)) else {
                    return Err(missing(self, "data"));
                };
                Ok((self.resource_value(sc.inst, Mode::Data, t, n, o)?, 2))
            }
            rtype => {
                let Some(n) = attr(0) else {
                    return Err(self.fail(
                        Code::UnresolvedReference,
                        format!("unknown variable {rtype}"),
                        o.clone(),
                    ));
                };
                Ok((self.resource_value(sc.inst, Mode::Managed, rtype, n, o)?, 1))
            }
        }
    }

    fn apply_ops(
        &mut self,
        sc: &Scope,
        mut cur: Value,
        ops: &[TraversalOperator],
        o: &Origin,
    ) -> R {
        let mut i = 0;
        while let Some(op) = ops.get(i) {
            match op {
                TraversalOperator::GetAttr(name) => cur = self.get_attr(cur, name.as_str(), o)?,
                TraversalOperator::Index(e) => {
                    let idx = self.eval(sc, ExprRef::Hcl(e))?;
                    cur = self.index(sc, cur, &idx, o)?;
                }
                TraversalOperator::LegacyIndex(n) => {
                    let idx = Value::new(V::Num(*n as f64), o.clone());
                    cur = self.index(sc, cur, &idx, o)?;
                }
                TraversalOperator::AttrSplat | TraversalOperator::FullSplat => {
                    let full = matches!(op, TraversalOperator::FullSplat);
                    let mut j = i + 1;
                    while let Some(next) = ops.get(j) {
                        let belongs = match next {
                            TraversalOperator::GetAttr(_) => true,
                            TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_) => full,
                            _ => false,
                        };
                        if !belongs {
                            break;
                        }
                        j += 1;
                    }
                    let rest = ops.get(i + 1..j).unwrap_or(&[]);
                    let forced = self.force(cur);
                    let items = match &forced.v {
                        V::List(items) => items.as_ref().clone(),
                        V::Null => Vec::new(),
                        V::Unknown(_) | V::Choice(_) => {
                            let mut k = self.derived_key(sc, o).to_string();
                            k.push_str("[*]");
                            return Ok(Value::unknown(k, o.clone()));
                        }
                        _ => vec![forced.clone()],
                    };
                    let mut out = Vec::with_capacity(items.len());
                    for it in items {
                        out.push(self.apply_ops(sc, it, rest, o)?);
                    }
                    cur = Value::list(out, forced.origin.clone());
                    i = j;
                    continue;
                }
            }
            i += 1;
        }
        Ok(cur)
    }

    pub(crate) fn get_attr(&mut self, cur: Value, name: &str, o: &Origin) -> R {
        match &cur.v {
            V::Map(m) => match m.iter().find(|(k, _, _)| k == name) {
                Some((_, _, v)) => Ok(v.clone()),
                None => Err(self.fail(
                    Code::UnresolvedReference,
                    format!("object has no attribute {name:?}"),
                    o.clone(),
                )),
            },
            V::Res(k) => {
                let k = k.clone();
                self.res_attr(&k, name, o)
            }
            V::Module(i) => {
                let i = *i;
                self.output(i, name, o)
            }
            V::Unknown(k) => Ok(Value::unknown(format!("{k}.{name}"), o.clone())),
            V::Choice(alts) => {
                let alts = alts.as_ref().clone();
                let mut ok = Vec::new();
                let mut first_err = None;
                for a in alts {
                    match self.get_attr(a, name, o) {
                        Ok(v) => ok.push(v),
                        Err(e) => first_err = first_err.or(Some(e)),
                    }
                }
                self.merge_choice(ok, first_err, o)
            }
            V::Null => Err(self.fail(
                Code::UnresolvedReference,
                format!("attribute {name:?} of a null value"),
                o.clone(),
            )),
            _ => Err(self.fail(
                Code::Shape,
                format!("cannot read attribute {name:?} of this value"),
                o.clone(),
            )),
        }
    }

    fn merge_choice(&mut self, mut ok: Vec<Value>, err: Option<Fail>, o: &Origin) -> R {
        match ok.len() {
            0 => Err(err.unwrap_or_else(|| {
                self.fail(Code::Shape, "no alternative has this attribute", o.clone())
            })),
            1 => Ok(ok.remove(0)),
            _ => Ok(Value::new(V::Choice(Arc::new(ok)), o.clone())),
        }
    }

    pub(crate) fn index(&mut self, sc: &Scope, cur: Value, idx: &Value, o: &Origin) -> R {
        let cur = self.force(cur);
        match &cur.v {
            V::List(items) => {
                let Some(n) = idx.as_num() else {
                    if idx.is_unknownish() {
                        return Ok(Value::unknown(self.derived_key(sc, o), o.clone()));
                    }
                    return Err(self.fail(Code::Shape, "a list index must be a number", o.clone()));
                };
                if n < 0.0 || n.fract() != 0.0 {
                    return Err(self.fail(
                        Code::Shape,
                        "a list index must be a whole number",
                        o.clone(),
                    ));
                }
                match items.get(n as usize) {
                    Some(v) => Ok(v.clone()),
                    None => {
                        Err(self.fail(Code::Shape, format!("index {n} is out of range"), o.clone()))
                    }
                }
            }
            V::Map(m) => {
                let Some(k) = self.known_text(idx) else {
                    if idx.is_unknownish() {
                        return Ok(Value::unknown(self.derived_key(sc, o), o.clone()));
                    }
                    return Err(self.fail(Code::Shape, "a map key must be a string", o.clone()));
                };
                match m.iter().find(|(x, _, _)| *x == k) {
                    Some((_, _, v)) => Ok(v.clone()),
                    None => Err(self.fail(
                        Code::UnresolvedReference,
                        format!("no element with key {k:?}"),
                        o.clone(),
                    )),
                }
            }
            V::Unknown(k) => {
                let i = self
                    .known_text(idx)
                    .map_or_else(|| "*".to_owned(), |t| format!("{t:?}"));
                Ok(Value::unknown(format!("{k}[{i}]"), o.clone()))
            }
            V::Choice(alts) => {
                let alts = alts.as_ref().clone();
                let mut ok = Vec::new();
                let mut first_err = None;
                for a in alts {
                    match self.index(sc, a, idx, o) {
                        Ok(v) => ok.push(v),
                        Err(e) => first_err = first_err.or(Some(e)),
                    }
                }
                self.merge_choice(ok, first_err, o)
            }
            V::Null => Err(self.fail(Code::Shape, "cannot index a null value", o.clone())),
            _ => Err(self.fail(Code::Shape, "this value cannot be indexed", o.clone())),
        }
    }

    fn module_value(&mut self, inst: usize, name: &str, o: &Origin) -> R {
        let Some(def) = self.def(inst) else {
            return Err(self.fail(Code::UnresolvedReference, "no module", o.clone()));
        };
        let Some(&call) = def.call_index.get(name) else {
            return Err(self.fail(
                Code::UnresolvedReference,
                format!("reference to undeclared module {name}"),
                o.clone(),
            ));
        };
        let prefix = self.insts[inst].prefix.clone();
        let Some((exp, ids)) = self.children(inst, call) else {
            return Ok(Value::unknown(format!("{prefix}module.{name}"), o.clone()));
        };
        let items: Vec<(InstKey, usize)> =
            exp.keys.iter().map(|(k, _)| k.clone()).zip(ids).collect();
        Ok(
            self.repeated(exp.kind, items, o, &format!("{prefix}module.{name}"), |i| {
                V::Module(i)
            }),
        )
    }

    /// The value of a reference to a repeated thing: one, a list (`count`) or a map (`for_each`).
    fn repeated<T: Clone>(
        &mut self,
        kind: ExpKind,
        items: Vec<(InstKey, T)>,
        o: &Origin,
        addr: &str,
        mk: impl Fn(T) -> V,
    ) -> Value {
        match kind {
            ExpKind::Single => match items.into_iter().next() {
                Some((_, t)) => Value::new(mk(t), o.clone()),
                None => Value::unknown(addr.to_owned(), o.clone()),
            },
            ExpKind::Count => Value::list(
                items
                    .into_iter()
                    .map(|(_, t)| Value::new(mk(t), o.clone()))
                    .collect(),
                o.clone(),
            ),
            ExpKind::ForEach => Value::map(
                items
                    .into_iter()
                    .filter_map(|(k, t)| match k {
                        InstKey::Str(s) => Some((s, o.clone(), Value::new(mk(t), o.clone()))),
                        _ => None,
                    })
                    .collect(),
                o.clone(),
            ),
            ExpKind::Unknown => Value::unknown(addr.to_owned(), o.clone()),
        }
    }

    fn resource_value(
        &mut self,
        inst: usize,
        mode: Mode,
        rtype: &str,
        name: &str,
        o: &Origin,
    ) -> R {
        let Some(def) = self.def(inst) else {
            return Err(self.fail(Code::UnresolvedReference, "no module", o.clone()));
        };
        let key = (mode, rtype.to_owned(), name.to_owned());
        let Some(&res) = def.res_index.get(&key) else {
            let what = if mode == Mode::Data {
                format!("data.{rtype}.{name}")
            } else {
                format!("{rtype}.{name}")
            };
            return Err(self.fail(
                Code::UnresolvedReference,
                format!("reference to undeclared resource {what}"),
                o.clone(),
            ));
        };
        let prefix = self.insts[inst].prefix.clone();
        let addr = if mode == Mode::Data {
            format!("{prefix}data.{rtype}.{name}")
        } else {
            format!("{prefix}{rtype}.{name}")
        };
        let Some(exp) = self.res_expansion(inst, res) else {
            return Err(self.fail(
                Code::ReferenceCycle,
                format!("{addr} depends on itself"),
                o.clone(),
            ));
        };
        let items: Vec<(InstKey, InstKey)> = exp
            .keys
            .iter()
            .map(|(k, _)| (k.clone(), k.clone()))
            .collect();
        Ok(self.repeated(exp.kind, items, o, &addr, |k| {
            V::Res(ResKey { inst, res, key: k })
        }))
    }

    /// The blocks of a type in a body, static and `dynamic`, each with the scope its body sees.
    pub(crate) fn block_insts<'a>(
        &mut self,
        sc: &Scope,
        body: BodyRef<'a>,
        name: &str,
    ) -> Vec<BlockInst<'a>> {
        let mut out: Vec<BlockInst<'a>> = body
            .blocks(name)
            .into_iter()
            .map(|b| BlockInst {
                sc: sc.clone(),
                body: b.body,
                range: b.range,
                uncertain: false,
                order: b.range.start,
            })
            .collect();
        for d in body.dynamic_blocks(name) {
            let iter_name = match d.body.attr("iterator") {
                Some((ExprRef::Hcl(Expression::Variable(v)), _)) => v.as_str().to_owned(),
                Some((e, _)) => e.literal_str().unwrap_or_else(|| name.to_owned()),
                None => name.to_owned(),
            };
            let Some(content) = d.body.blocks("content").into_iter().next() else {
                continue;
            };
            let o = Origin::new(sc.file, d.range);
            let Some((fe, _)) = d.body.attr("for_each") else {
                continue;
            };
            let what = format!("{}.for_each", self.derived_key(sc, &o));
            let coll = self.eval_or_unknown(sc, fe, &what);
            let coll = self.force(coll);
            match self.iter_pairs(&coll) {
                Some(pairs) => {
                    for (k, v) in pairs {
                        let it = Value::map(
                            vec![
                                ("key".to_owned(), o.clone(), k),
                                ("value".to_owned(), o.clone(), v),
                            ],
                            o.clone(),
                        );
                        out.push(BlockInst {
                            sc: sc.with(&iter_name, it),
                            body: content.body,
                            range: content.range,
                            uncertain: false,
                            order: d.range.start,
                        });
                    }
                }
                None if coll.is_null() => {}
                None => {
                    self.diag(passgraph_model::Diagnostic::warning(
                        Code::UnknownValue,
                        format!("for_each of dynamic block {name:?} is not known offline; one block of unknown content is assumed"),
                        Some(o.clone()),
                    ));
                    let key = self.derived_key(sc, &o);
                    let k = Value::unknown(format!("{key}.key"), o.clone());
                    let v = Value::unknown(format!("{key}.value"), o.clone());
                    let it = Value::map(
                        vec![
                            ("key".to_owned(), o.clone(), k),
                            ("value".to_owned(), o.clone(), v),
                        ],
                        o.clone(),
                    );
                    out.push(BlockInst {
                        sc: sc.with(&iter_name, it),
                        body: content.body,
                        range: content.range,
                        uncertain: true,
                        order: d.range.start,
                    });
                }
            }
        }
        // Static and dynamic blocks in source order (a dynamic block's elements by its place).
        out.sort_by_key(|b| b.order);
        out
    }

    /// A body as an object value (nested blocks become lists of objects).
    pub(crate) fn body_object(
        &mut self,
        sc: &Scope,
        body: BodyRef<'_>,
        range: TextRange,
        depth: usize,
    ) -> R {
        let o = self.origin(sc, Some(range));
        if depth > crate::limits::MAX_EVAL_DEPTH {
            return Err(self.fail(Code::Limit, "blocks nest too deep", o));
        }
        let mut entries = Vec::new();
        for (name, e, r) in body.attrs(&[]) {
            if matches!(
                name,
                "count" | "for_each" | "depends_on" | "provider" | "lifecycle"
            ) {
                continue;
            }
            let ko = self.origin(sc, Some(r));
            let v = self.eval(sc, e)?;
            entries.push((name.to_owned(), ko, v));
        }
        for name in body.block_names() {
            if matches!(name, "lifecycle" | "provisioner" | "connection") {
                continue;
            }
            let mut items = Vec::new();
            for b in self.block_insts(sc, body, name) {
                items.push(self.body_object(&b.sc, b.body, b.range, depth + 1)?);
            }
            entries.push((name.to_owned(), o.clone(), Value::list(items, o.clone())));
        }
        Ok(Value::map(entries, o))
    }

    /// A resource instance as an object (for `jsonencode`, `for`, whole-object references).
    pub(crate) fn res_object(&mut self, key: &ResKey, o: &Origin) -> R {
        let Some(sc) = self.res_scope(key) else {
            return Err(self.fail(Code::UnresolvedReference, "no such resource", o.clone()));
        };
        let def = self.insts[key.inst].def.clone();
        let Some(d) = def.resources.get(key.res) else {
            return Err(self.fail(Code::UnresolvedReference, "no such resource", o.clone()));
        };
        let body = d.body.view();
        let mut names: Vec<String> = body
            .attrs(&[])
            .into_iter()
            .map(|(n, _, _)| n.to_owned())
            .collect();
        names.extend(body.block_names().into_iter().map(str::to_owned));
        for extra in ["id", "arn", "name"] {
            if !names.iter().any(|n| n == extra) {
                names.push(extra.to_owned());
            }
        }
        let mut entries = Vec::new();
        for n in names {
            if matches!(
                n.as_str(),
                "count" | "for_each" | "depends_on" | "provider" | "lifecycle"
            ) {
                continue;
            }
            let v = self.res_attr(key, &n, o)?;
            entries.push((n, o.clone(), v));
        }
        let _ = sc;
        Ok(Value::map(entries, o.clone()))
    }

    /// A resource attribute, and whether it was made where it is read (its origin is the
    /// reader's `o`) rather than evaluated from the configuration.
    pub(super) fn res_attr_inner(
        &mut self,
        key: &ResKey,
        name: &str,
        o: &Origin,
    ) -> Result<(Value, bool), Fail> {
        let Some(sc) = self.res_scope(key) else {
            return Err(self.fail(Code::UnresolvedReference, "no such resource", o.clone()));
        };
        let def = self.insts[key.inst].def.clone();
        let Some(d) = def.resources.get(key.res) else {
            return Err(self.fail(Code::UnresolvedReference, "no such resource", o.clone()));
        };
        let body = d.body.view();
        let addr = self.res_address(key);
        if let Some(v) = self.computed_attr(key, &sc, d.mode, &d.rtype, body, name, o, &addr)? {
            return Ok(v);
        }
        if let Some((e, _)) = body.attr(name) {
            return Ok((self.eval(&sc, e)?, false));
        }
        let blocks = self.block_insts(&sc, body, name);
        if !blocks.is_empty() {
            let mut items = Vec::new();
            for b in blocks {
                items.push(self.body_object(&b.sc, b.body, b.range, 0)?);
            }
            return Ok((Value::list(items, o.clone()), true));
        }
        Ok((Value::unknown(format!("{addr}.{name}"), o.clone()), true))
    }

    /// An attribute that is another attribute of the same resource, made where it is read when
    /// that one is.
    fn same_as(&mut self, key: &ResKey, name: &str, o: &Origin) -> Result<(Value, bool), Fail> {
        let v = self.res_attr(key, name, o)?;
        Ok((v, self.read_where_read(key, name)))
    }

    /// The name of an IAM entity: `name`, or `name_prefix` and a generated suffix, or a generated
    /// name.
    pub(crate) fn iam_name(&mut self, sc: &Scope, body: BodyRef<'_>, addr: &str) -> R {
        if let Some((e, _)) = body.attr("name") {
            let v = self.eval(sc, e)?;
            if !v.is_null() {
                return Ok(v);
            }
        }
        let o = self.origin(sc, None);
        let prefix = match body.attr("name_prefix") {
            Some((e, _)) => {
                let v = self.eval(sc, e)?;
                // `name_prefix = null` is not set: the provider's default prefix.
                if v.is_null() {
                    None
                } else {
                    Some(self.string_of(sc, &v)?)
                }
            }
            None => None,
        };
        let s = passgraph_terraform::names::generated_name(prefix, format!("{addr}.name"));
        Ok(Value::string(s, o))
    }

    fn str_attr(
        &mut self,
        sc: &Scope,
        body: BodyRef<'_>,
        name: &str,
        default: &str,
    ) -> Result<Str, Fail> {
        if let Some((e, _)) = body.attr(name) {
            let v = self.eval(sc, e)?;
            if !v.is_null() {
                return self.string_of(sc, &v);
            }
        }
        Ok(Str::lit(default))
    }

    #[allow(clippy::too_many_arguments)]
    fn computed_attr(
        &mut self,
        key: &ResKey,
        sc: &Scope,
        mode: Mode,
        rtype: &str,
        body: BodyRef<'_>,
        name: &str,
        o: &Origin,
        addr: &str,
    ) -> Result<Option<(Value, bool)>, Fail> {
        // Made here, with the reader's origin.
        let hole = |what: &str| (Value::unknown(format!("{addr}.{what}"), o.clone()), true);
        let here = |v: Value| Some((v, true));
        if mode == Mode::Managed {
            if let Some(kind) = passgraph_terraform::names::arn_kind(rtype) {
                return Ok(Some(match name {
                    "name" => (self.res_attr_name(key, sc, body, addr)?, false),
                    "path" => (
                        Value::string(self.str_attr(sc, body, "path", "/")?, o.clone()),
                        true,
                    ),
                    "arn" => {
                        let n = self.res_attr(key, "name", o)?;
                        let n = self.string_of(sc, &n)?;
                        let p = self.str_attr(sc, body, "path", "/")?;
                        let arn = iam_arn(Some(&self.partition), Some(&self.account), kind, &p, &n);
                        (Value::string(arn, o.clone()), true)
                    }
                    "id" if kind == "policy" => return self.same_as(key, "arn", o).map(Some),
                    "id" => return self.same_as(key, "name", o).map(Some),
                    "unique_id" | "policy_id" | "create_date" | "attachment_count" => hole(name),
                    _ => return Ok(None),
                }));
            }
            return Ok(match (rtype, name) {
                (
                    "aws_iam_role_policy" | "aws_iam_user_policy" | "aws_iam_group_policy",
                    "name",
                ) => Some((self.res_attr_name(key, sc, body, addr)?, false)),
                ("aws_iam_role_policy" | "aws_iam_user_policy" | "aws_iam_group_policy", "id") => {
                    let owner = match rtype {
                        "aws_iam_role_policy" => "role",
                        "aws_iam_user_policy" => "user",
                        _ => "group",
                    };
                    let p = self.str_attr(sc, body, owner, "")?;
                    let n = self.res_attr(key, "name", o)?;
                    let n = self.string_of(sc, &n)?;
                    let mut s = p;
                    s.push_str(":");
                    s.append(&n);
                    here(Value::string(s, o.clone()))
                }
                (_, "id" | "arn") if body.attr(name).is_none() => Some(hole(name)),
                _ => None,
            });
        }
        let part = self.partition.clone();
        Ok(match (rtype, name) {
            ("aws_caller_identity", "account_id" | "id") => {
                here(Value::string(self.account.clone(), o.clone()))
            }
            ("aws_caller_identity", "arn") => {
                // The caller exists before apply, so it is none of the principals this
                // configuration creates; an ARN of the form of a role session says so to the
                // graph (a hole alone would possibly match every principal).
                let mut s = Str::lit("arn:");
                s.append(&part);
                s.push_str(":sts::");
                s.append(&self.account);
                s.push_str(":assumed-role/");
                s.push(passgraph_model::Part::Hole(format!("{addr}.arn").into()));
                here(Value::string(s, o.clone()))
            }
            ("aws_caller_identity", _) => Some(hole(name)),
            ("aws_partition", "partition" | "id") => here(Value::string(part, o.clone())),
            ("aws_partition", "dns_suffix") => Some(
                match part
                    .as_known()
                    .and_then(passgraph_terraform::partition::dns_suffix)
                {
                    Some(suffix) => (Value::lit(suffix, o.clone()), true),
                    // Bound with the partition when the account is assembled.
                    None => (
                        Value::string(
                            Str::hole(passgraph_model::value::DNS_SUFFIX_HOLE),
                            o.clone(),
                        ),
                        true,
                    ),
                },
            ),
            ("aws_partition", _) => Some(hole(name)),
            ("aws_region", "name" | "region" | "id") => {
                here(Value::string(self.region.clone(), o.clone()))
            }
            ("aws_region", _) => Some(hole(name)),
            ("aws_service_principal", "name" | "suffix" | "id") => {
                here(self.service_principal(sc, body, name, o, addr)?)
            }
            ("aws_iam_policy_document", "json" | "minified_json") => {
                Some((self.policy_document_value(key, sc, body, o)?, false))
            }
            ("aws_iam_policy_document", "id") => Some(hole(name)),
            ("aws_iam_policy", "arn") => {
                if let Some((e, _)) = body.attr("arn") {
                    Some((self.eval(sc, e)?, false))
                } else if let Some((e, _)) = body.attr("name") {
                    let n = self.eval(sc, e)?;
                    let n = self.string_of(sc, &n)?;
                    let p = self.str_attr(sc, body, "path_prefix", "/")?;
                    here(Value::string(
                        iam_arn(Some(&self.partition), Some(&self.account), "policy", &p, &n),
                        o.clone(),
                    ))
                } else {
                    Some(hole(name))
                }
            }
            // An AWS managed policy's document is known offline: the built-in table has it
            // (modules copy one into a policy of their own: `policy = data.aws_iam_policy.x.policy`).
            ("aws_iam_policy", "policy") => {
                let arn = self.res_attr(key, "arn", o)?;
                let arn = self.string_of(sc, &arn)?;
                Some(match aws_managed_document(&arn) {
                    Some(text) => (Value::lit(text, o.clone()), true),
                    None => hole(name),
                })
            }
            ("aws_iam_policy", "id") => Some(self.same_as(key, "arn", o)?),
            ("aws_iam_policy", "name") if body.attr("name").is_none() => {
                let arn = self.res_attr(key, "arn", o)?;
                let arn = self.string_of(sc, &arn)?;
                here(Value::string(arn.last_segment("/"), o.clone()))
            }
            (
                "aws_iam_role" | "aws_iam_user" | "aws_iam_group" | "aws_iam_instance_profile",
                "id",
            ) => Some(self.same_as(key, "name", o)?),
            _ if body.attr(name).is_none() && body.blocks(name).is_empty() => Some(hole(name)),
            _ => None,
        })
    }

    /// `data "aws_service_principal"`: `name` is `<service_name>.<suffix>`, the suffix
    /// `amazonaws.com` except for the few services that take the partition's DNS suffix in
    /// some partitions (provider `servicePrincipalNameForPartition`); the partition is the
    /// one of the data source's `region`, else the provider's.
    fn service_principal(
        &mut self,
        sc: &Scope,
        body: BodyRef<'_>,
        name: &str,
        o: &Origin,
        addr: &str,
    ) -> R {
        let hole = |what: &str| Value::unknown(format!("{addr}.{what}"), o.clone());
        let service = match body.attr("service_name") {
            Some((e, _)) => {
                let v = self.eval(sc, e)?;
                self.known_text(&v)
            }
            None => None,
        };
        let Some(service) = service else {
            return Ok(hole(name));
        };
        let region = match body.attr("region") {
            Some((e, _)) => {
                let v = self.eval(sc, e)?;
                if v.is_null() {
                    self.region.clone()
                } else {
                    self.string_of(sc, &v)?
                }
            }
            None => self.region.clone(),
        };
        let partition = match region.as_known() {
            Some(r) => Some(Str::lit(
                passgraph_terraform::partition::partition_of_region(r),
            )),
            None => self.partition.is_known().then(|| self.partition.clone()),
        };
        let suffix = passgraph_terraform::partition::service_principal_suffix(
            &service,
            partition.as_ref().and_then(Str::as_known),
        );
        let Some(suffix) = suffix else {
            return Ok(hole(name));
        };
        Ok(match name {
            "suffix" => Value::lit(suffix, o.clone()),
            "name" => Value::lit(&format!("{service}.{suffix}"), o.clone()),
            _ => {
                let mut s = Str::lit(format!("{service}."));
                s.append(&region);
                s.push_str(&format!(".{suffix}"));
                Value::string(s, o.clone())
            }
        })
    }

    fn res_attr_name(&mut self, _key: &ResKey, sc: &Scope, body: BodyRef<'_>, addr: &str) -> R {
        self.iam_name(sc, body, addr)
    }
}

/// The built-in document of the AWS managed policy `arn` names
/// (`arn:<partition>:iam::aws:policy/<path><name>`; only the partition may be unknown, the
/// policy is the same in every partition), or `None`.
fn aws_managed_document(arn: &Str) -> Option<&'static str> {
    use passgraph_model::Part;
    let arn = match arn.parts() {
        [Part::Lit(whole)] => whole.clone(),
        [Part::Lit(head), Part::Hole(_), Part::Lit(rest)] if head == "arn:" => {
            format!("arn:aws{rest}")
        }
        _ => return None,
    };
    // `lookup` also takes a bare name: only an AWS managed ARN names one here.
    if !(arn.starts_with("arn:") && arn.contains(":iam::aws:policy/")) {
        return None;
    }
    passgraph_eval::managed::lookup(&arn).map(|p| p.document)
}
