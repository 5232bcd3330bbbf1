//! Named values, evaluated once and memoised with cycle detection: locals, input variables
//! (with their type constraint), module outputs and resource attributes; and the forcing of
//! lazy references into plain values.

use std::sync::Arc;

use crate::syntax::{Expression, ObjectKey};
use passgraph_model::{Code, Diagnostic, Origin};

use super::{AttrSlot, Evaluator, R, Scope, Slot, needs_force};
use crate::config::ExprRef;
use crate::limits;
use crate::value::{ResKey, V, Value};

impl Evaluator<'_> {
    pub(crate) fn local(&mut self, inst: usize, name: &str, origin: &Origin) -> R {
        match self.insts.get(inst).and_then(|i| i.locals.get(name)) {
            Some(Slot::Done(r)) => return self.memoised(r.clone()),
            Some(Slot::Busy) => {
                self.order_sensitive = true;
                let f = self.fail(
                    Code::ReferenceCycle,
                    format!("local.{name} depends on itself"),
                    origin.clone(),
                );
                self.fail_diag(&f);
                return Err(f);
            }
            None => {}
        }
        let def = self.insts[inst].def.clone();
        let Some(n) = def.locals.get(name) else {
            return Err(self.fail(
                Code::UnresolvedReference,
                format!("reference to undeclared local value local.{name}"),
                origin.clone(),
            ));
        };
        self.insts[inst].locals.insert(name.to_owned(), Slot::Busy);
        let sc = Scope::new(inst, n.file);
        let r = self.eval(&sc, n.expr.view());
        self.insts[inst]
            .locals
            .insert(name.to_owned(), Slot::Done(r.clone()));
        self.memoised(r)
    }

    pub(crate) fn output(&mut self, inst: usize, name: &str, origin: &Origin) -> R {
        match self.insts.get(inst).and_then(|i| i.outputs.get(name)) {
            Some(Slot::Done(r)) => return self.memoised(r.clone()),
            Some(Slot::Busy) => {
                self.order_sensitive = true;
                let f = self.fail(
                    Code::ReferenceCycle,
                    format!("output {name} depends on itself"),
                    origin.clone(),
                );
                self.fail_diag(&f);
                return Err(f);
            }
            None => {}
        }
        let def = self.insts[inst].def.clone();
        let Some(n) = def.outputs.get(name) else {
            let prefix = self.insts[inst].prefix.clone();
            return Err(self.fail(
                Code::UnresolvedReference,
                format!(
                    "module {} has no output {name}",
                    prefix.trim_end_matches('.')
                ),
                origin.clone(),
            ));
        };
        self.insts[inst].outputs.insert(name.to_owned(), Slot::Busy);
        let sc = Scope::new(inst, n.file);
        let r = self.eval(&sc, n.expr.view());
        self.insts[inst]
            .outputs
            .insert(name.to_owned(), Slot::Done(r.clone()));
        self.memoised(r)
    }

    /// All outputs of a module instance as an object.
    pub(crate) fn outputs_object(&mut self, inst: usize, origin: &Origin) -> R {
        let def = self.insts[inst].def.clone();
        let mut entries = Vec::new();
        for name in &def.output_order {
            let v = self.output(inst, name, origin)?;
            entries.push((name.clone(), origin.clone(), v));
        }
        Ok(Value::map(entries, origin.clone()))
    }

    pub(crate) fn var(&mut self, inst: usize, name: &str, origin: &Origin) -> R {
        match self.insts.get(inst).and_then(|i| i.vars.get(name)) {
            Some(Slot::Done(r)) => return self.memoised(r.clone()),
            Some(Slot::Busy) => {
                self.order_sensitive = true;
                let f = self.fail(
                    Code::ReferenceCycle,
                    format!("var.{name} depends on itself"),
                    origin.clone(),
                );
                self.fail_diag(&f);
                return Err(f);
            }
            None => {}
        }
        self.insts[inst].vars.insert(name.to_owned(), Slot::Busy);
        let r = self
            .var_inner(inst, name, origin)
            .map(|v| self.convert_var(inst, name, v));
        self.insts[inst]
            .vars
            .insert(name.to_owned(), Slot::Done(r.clone()));
        self.memoised(r)
    }

    fn var_inner(&mut self, inst: usize, name: &str, origin: &Origin) -> R {
        let def = self.insts[inst].def.clone();
        let prefix = self.insts[inst].prefix.clone();
        let Some(decl) = def.variables.get(name) else {
            return Err(self.fail(
                Code::UnresolvedReference,
                format!("reference to undeclared input variable var.{name}"),
                origin.clone(),
            ));
        };
        let decl_origin = Origin::new(decl.file, decl.range);
        match self.insts[inst].parent {
            None => {
                if let Some(v) = self.root_vars.get(name) {
                    return Ok(v.clone());
                }
            }
            Some(parent) => {
                let pdef = self.insts[parent].def.clone();
                let call = self.insts[inst].call.and_then(|c| pdef.calls.get(c));
                if let Some(c) = call
                    && let Some((e, _)) = c.body.view().attr(name)
                {
                    let mut sc = Scope::new(parent, c.file);
                    sc.bindings = self.insts[inst].call_bindings.clone();
                    let v = self.eval(&sc, e)?;
                    // An explicit null is the value, unless the variable is not nullable.
                    if !(v.is_null() && decl.not_nullable) {
                        return Ok(v);
                    }
                }
            }
        }
        if let Some(d) = &decl.default {
            let sc = Scope::new(inst, decl.file);
            return self.eval(&sc, d.view());
        }
        self.diag(Diagnostic::warning(
            Code::UnknownValue,
            format!(
                "variable {prefix}var.{name} has no value and no default; it is kept as unknown"
            ),
            Some(decl_origin.clone()),
        ));
        Ok(Value::unknown(format!("{prefix}var.{name}"), decl_origin))
    }

    /// Applies a variable's type constraint to its value.
    fn convert_var(&mut self, inst: usize, name: &str, v: Value) -> Value {
        let def = self.insts[inst].def.clone();
        let Some(decl) = def.variables.get(name) else {
            return v;
        };
        let Some(t) = &decl.type_expr else { return v };
        let mut sc = Scope::new(inst, decl.file);
        sc.template_only = true;
        match t.view() {
            ExprRef::Hcl(e) => self.convert(&sc, v, e, 0),
            ExprRef::Json(n) | ExprRef::JsonLit(n) => {
                let Some(text) = n.as_known_str() else {
                    return v;
                };
                match crate::syntax::parse_expr(text) {
                    Ok(e) => {
                        sc.fixed = Some(n.origin.range);
                        self.convert(&sc, v, &e, 0)
                    }
                    Err(_) => v,
                }
            }
        }
    }

    /// A memoised result; a failure keeps the origin of its first reader, so what follows
    /// depends on the order of evaluation.
    fn memoised(&mut self, r: R) -> R {
        if r.is_err() {
            self.order_sensitive = true;
        }
        r
    }

    /// A resource attribute, evaluated once per instance.
    pub(crate) fn res_attr(&mut self, key: &ResKey, name: &str, origin: &Origin) -> R {
        let mk = (key.clone(), name.to_owned());
        match self.res_attrs.get(&mk) {
            Some(AttrSlot::Done(r)) => return self.memoised(r.clone()),
            Some(AttrSlot::AtReader(v)) => {
                let mut v = v.clone();
                v.origin = origin.clone();
                return Ok(v);
            }
            Some(AttrSlot::Busy) => {
                self.order_sensitive = true;
                let addr = self.res_address(key);
                let f = self.fail(
                    Code::ReferenceCycle,
                    format!("{addr}.{name} depends on itself"),
                    origin.clone(),
                );
                self.fail_diag(&f);
                return Err(f);
            }
            None => {}
        }
        self.res_attrs.insert(mk.clone(), AttrSlot::Busy);
        let (slot, r) = match self.res_attr_inner(key, name, origin) {
            Ok((v, true)) => (AttrSlot::AtReader(v.clone()), Ok(v)),
            Ok((v, false)) => (AttrSlot::Done(Ok(v.clone())), Ok(v)),
            Err(f) => (AttrSlot::Done(Err(f.clone())), Err(f)),
        };
        self.res_attrs.insert(mk, slot);
        self.memoised(r)
    }

    /// Whether attribute `name` of `key`, read before, was made where it was read.
    pub(crate) fn read_where_read(&self, key: &ResKey, name: &str) -> bool {
        self.res_attrs
            .get(&(key.clone(), name.to_owned()))
            .is_some_and(|s| matches!(s, AttrSlot::AtReader(_)))
    }

    /// Replaces lazy references (resources, module instances) at the top of a value by objects.
    pub(crate) fn force(&mut self, v: Value) -> Value {
        match &v.v {
            V::Res(k) => {
                let k = k.clone();
                match self.res_object(&k, &v.origin) {
                    Ok(o) => o,
                    Err(f) => {
                        self.fail_diag(&f);
                        Value::unknown(self.res_address(&k), v.origin.clone())
                    }
                }
            }
            V::Module(i) => {
                let i = *i;
                match self.outputs_object(i, &v.origin) {
                    Ok(o) => o,
                    Err(f) => {
                        self.fail_diag(&f);
                        let p = self
                            .insts
                            .get(i)
                            .map_or(String::new(), |x| x.prefix.clone());
                        Value::unknown(p.trim_end_matches('.').to_owned(), v.origin.clone())
                    }
                }
            }
            _ => v,
        }
    }

    /// Like [`Evaluator::force`], all the way down (for `jsonencode`, equality, conversions).
    pub(crate) fn force_deep(&mut self, v: Value, depth: usize) -> Value {
        if depth > limits::MAX_EVAL_DEPTH {
            return Value::unknown("nesting limit", v.origin);
        }
        let v = self.force(v);
        match &v.v {
            V::List(items) if items.iter().any(needs_force) => {
                let items: Vec<Value> = items.as_ref().clone();
                let out = items
                    .into_iter()
                    .map(|i| self.force_deep(i, depth + 1))
                    .collect();
                Value::list(out, v.origin.clone())
            }
            V::Map(m) if m.iter().any(|(_, _, x)| needs_force(x)) => {
                let m = m.as_ref().clone();
                let out = m
                    .into_iter()
                    .map(|(k, ko, x)| (k, ko, self.force_deep(x, depth + 1)))
                    .collect();
                Value::new(V::Map(Arc::new(out)), v.origin.clone())
            }
            V::Choice(alts) if alts.iter().any(needs_force) => {
                let alts = alts.as_ref().clone();
                let out = alts
                    .into_iter()
                    .map(|a| self.force_deep(a, depth + 1))
                    .collect();
                Value::new(V::Choice(Arc::new(out)), v.origin.clone())
            }
            _ => v,
        }
    }

    /// Converts a value to a type constraint as far as it matters here: optional object
    /// attributes are added (with their default or null), attributes not in an object type are
    /// dropped, primitives are converted.
    pub(crate) fn convert(&mut self, sc: &Scope, v: Value, ty: &Expression, depth: usize) -> Value {
        if depth > crate::limits::MAX_EVAL_DEPTH || v.is_null() {
            return v;
        }
        match ty {
            Expression::Variable(t) => match t.as_str() {
                "string" => match &v.v {
                    V::Num(_) | V::Bool(_) => match self.known_text(&v) {
                        Some(t) => Value::lit(&t, v.origin),
                        None => v,
                    },
                    _ => v,
                },
                "number" => match (&v.v, v.as_num()) {
                    (V::Str(..), Some(n)) => Value::new(V::Num(n), v.origin),
                    _ => v,
                },
                "bool" => match (&v.v, v.as_bool()) {
                    (V::Str(..), Some(b)) => Value::new(V::Bool(b), v.origin),
                    _ => v,
                },
                _ => v,
            },
            Expression::Parenthesis(p) => self.convert(sc, v, p.inner(), depth),
            Expression::FuncCall(f) => {
                let name = f.name.name.as_str();
                let args: Vec<&Expression> = f.args.iter().collect();
                let Some(inner) = args.first().copied() else {
                    return v;
                };
                let v = self.force(v);
                match (name, &v.v) {
                    ("list" | "set", V::List(items)) => {
                        let items = items.as_ref().clone();
                        let out = items
                            .into_iter()
                            .map(|i| self.convert(sc, i, inner, depth + 1))
                            .collect();
                        Value::list(out, v.origin.clone())
                    }
                    ("map", V::Map(m)) => {
                        let m = m.as_ref().clone();
                        let out = m
                            .into_iter()
                            .map(|(k, ko, x)| (k, ko, self.convert(sc, x, inner, depth + 1)))
                            .collect();
                        Value::new(V::Map(Arc::new(out)), v.origin.clone())
                    }
                    ("tuple", V::List(items)) => {
                        let Expression::Array(types) = inner else {
                            return v;
                        };
                        let items = items.as_ref().clone();
                        let out = items
                            .into_iter()
                            .enumerate()
                            .map(|(i, x)| match types.get(i) {
                                Some(t) => self.convert(sc, x, t, depth + 1),
                                None => x,
                            })
                            .collect();
                        Value::list(out, v.origin.clone())
                    }
                    ("object", V::Map(m)) => {
                        let Expression::Object(attrs) = inner else {
                            return v;
                        };
                        let m = m.as_ref().clone();
                        let mut out = Vec::new();
                        for (k, t) in attrs.iter() {
                            let key = match k {
                                ObjectKey::Ident(id) => id.as_str().to_owned(),
                                ObjectKey::Expression(e) => match e.as_str() {
                                    Some(s) => s.to_owned(),
                                    None => continue,
                                },
                            };
                            let t = t.expr();
                            let (t, default) = match t {
                                Expression::FuncCall(of) if of.name.name.as_str() == "optional" => {
                                    let mut it = of.args.iter();
                                    (it.next(), Some(it.next()))
                                }
                                other => (Some(other), None),
                            };
                            match m.iter().find(|(x, _, _)| *x == key) {
                                Some((_, ko, x))
                                    if !(x.is_null() && matches!(default, Some(Some(_)))) =>
                                {
                                    let x = match t {
                                        Some(t) => self.convert(sc, x.clone(), t, depth + 1),
                                        None => x.clone(),
                                    };
                                    out.push((key, ko.clone(), x));
                                }
                                _ => match default {
                                    Some(Some(d)) => {
                                        let dv = self
                                            .eval(sc, ExprRef::Hcl(d))
                                            .unwrap_or_else(|_| Value::null(v.origin.clone()));
                                        let dv = match t {
                                            Some(t) => self.convert(sc, dv, t, depth + 1),
                                            None => dv,
                                        };
                                        out.push((key, v.origin.clone(), dv));
                                    }
                                    Some(None) => out.push((
                                        key,
                                        v.origin.clone(),
                                        Value::null(v.origin.clone()),
                                    )),
                                    None => {}
                                },
                            }
                        }
                        Value::map(out, v.origin.clone())
                    }
                    _ => v,
                }
            }
            _ => v,
        }
    }
}
