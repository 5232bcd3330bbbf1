//! Terraform functions, as far as IAM configurations use them. Unknown arguments give unknown
//! results (holes named after the call), except where the result is still partly known
//! (`format`, `join`, `concat`, `merge` of known maps, `trimprefix` of a known prefix ...).
//! A function passgraph does not implement gives an unknown value and an `Unsupported` note.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::rc::Rc;

use hcl::edit::expr::FuncCall;
use passgraph_model::{Code, Diagnostic, Origin, Part, Str};

use crate::config::{self, ExprRef};
use crate::eval::{Evaluator, Fail, R, Scope};
use crate::jsontext::{str_to_node, to_json_node};
use crate::limits::{MAX_LIST, MAX_STRING};
use crate::value::{Entries, TextMap, V, Value, num_text};

type Args = Vec<Value>;

impl Evaluator<'_> {
    pub(crate) fn call(&mut self, sc: &Scope, f: &FuncCall, o: Origin) -> R {
        let name = f.name.name.as_str();
        if f.name.is_namespaced() {
            self.diag(Diagnostic::note(
                Code::Unsupported,
                format!("provider function {name} is not evaluated; its result is unknown"),
                Some(o.clone()),
            ));
            return Ok(Value::unknown(self.derived_key(sc, &o), o));
        }
        match name {
            "try" => {
                let mut last = None;
                for a in f.args.iter() {
                    match self.eval(sc, ExprRef::Hcl(a)) {
                        Ok(v) => return Ok(v),
                        Err(e) => last = Some(e),
                    }
                }
                return Err(last.unwrap_or_else(|| {
                    self.fail(Code::Shape, "try needs at least one argument", o)
                }));
            }
            "can" => {
                let Some(a) = f.args.iter().next() else {
                    return Err(self.fail(Code::Shape, "can needs one argument", o));
                };
                return match self.eval(sc, ExprRef::Hcl(a)) {
                    Ok(v) if v.is_unknownish() => Ok(Value::unknown(self.derived_key(sc, &o), o)),
                    Ok(_) => Ok(Value::new(V::Bool(true), o)),
                    Err(_) => Ok(Value::new(V::Bool(false), o)),
                };
            }
            _ => {}
        }
        let mut args = Vec::with_capacity(f.args.len());
        for a in f.args.iter() {
            args.push(self.eval(sc, ExprRef::Hcl(a))?);
        }
        if f.args.expand_final()
            && let Some(last) = args.pop()
        {
            match self.list(last)? {
                Some(items) => args.extend(items),
                None => return Ok(Value::unknown(self.derived_key(sc, &o), o)),
            }
        }
        self.apply(sc, name, args, o)
    }

    fn unk(&self, sc: &Scope, o: &Origin) -> R {
        Ok(Value::unknown(self.derived_key(sc, o), o.clone()))
    }

    fn arity(
        &self,
        name: &str,
        args: &Args,
        min: usize,
        max: usize,
        o: &Origin,
    ) -> Result<(), Fail> {
        if args.len() < min || args.len() > max {
            return Err(self.fail(
                Code::Shape,
                format!("wrong number of arguments to {name}"),
                o.clone(),
            ));
        }
        Ok(())
    }

    /// A known text argument; `None` when it is not known offline.
    fn text(&mut self, v: &Value) -> Result<Option<String>, Fail> {
        if let Some(t) = self.known_text(v) {
            return Ok(Some(t));
        }
        if v.is_unknownish() || matches!(v.v, V::Doc(_)) {
            if let V::Doc(n) = &v.v {
                let mut s = Str::default();
                crate::value::render_json(n, &mut s, 0);
                return Ok(s.as_known().map(str::to_owned));
            }
            return Ok(None);
        }
        Err(self.fail(Code::Shape, "expected a string", v.origin.clone()))
    }

    /// A list argument (sets and tuples too); `None` when not known offline.
    pub(crate) fn list(&mut self, v: Value) -> Result<Option<Vec<Value>>, Fail> {
        let v = self.force(v);
        match &v.v {
            V::List(items) => Ok(Some(items.as_ref().clone())),
            V::Unknown(_) | V::Choice(_) => Ok(None),
            _ => Err(self.fail(Code::Shape, "expected a list", v.origin.clone())),
        }
    }

    fn map_arg(&mut self, v: Value) -> Result<Option<Entries>, Fail> {
        let v = self.force(v);
        match &v.v {
            V::Map(m) => Ok(Some(m.as_ref().clone())),
            V::Unknown(_) | V::Choice(_) => Ok(None),
            _ => Err(self.fail(Code::Shape, "expected a map or object", v.origin.clone())),
        }
    }

    fn num(&self, v: &Value) -> Result<Option<f64>, Fail> {
        match v.as_num() {
            Some(n) => Ok(Some(n)),
            None if v.is_unknownish() => Ok(None),
            None => Err(self.fail(Code::Shape, "expected a number", v.origin.clone())),
        }
    }

    fn check_len(&self, n: usize, o: &Origin) -> Result<(), Fail> {
        if n > MAX_STRING {
            return Err(self.fail(Code::Limit, "a string grows past the size limit", o.clone()));
        }
        Ok(())
    }

    #[allow(clippy::too_many_lines)]
    pub(crate) fn apply(&mut self, sc: &Scope, name: &str, args: Args, o: Origin) -> R {
        let s = |x: String, o: &Origin| Value::lit(&x, o.clone());
        match name {
            "jsonencode" => {
                self.arity(name, &args, 1, 1, &o)?;
                let v = args
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| Value::null(o.clone()));
                let v = self.force_deep(v, 0);
                let node = to_json_node(&v, 0);
                Ok(Value::new(V::Doc(Rc::new(node)), o))
            }
            "jsondecode" => {
                self.arity(name, &args, 1, 1, &o)?;
                let v = args
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| Value::null(o.clone()));
                match &v.v {
                    V::Doc(n) => Ok(crate::eval::value_from_node(n, 0)),
                    V::Str(st, map) => match str_to_node(st, map.as_deref(), &v.origin) {
                        Ok(n) => Ok(crate::eval::value_from_node(&n, 0)),
                        Err(_) if !st.is_known() => self.unk(sc, &o),
                        Err(m) => Err(self.fail(Code::Shape, format!("jsondecode: {m}"), o)),
                    },
                    _ if v.is_unknownish() => self.unk(sc, &o),
                    _ => Err(self.fail(Code::Shape, "jsondecode needs a string", o)),
                }
            }
            "format" => {
                let mut it = args.into_iter();
                let Some(fmt) = it.next() else {
                    return Err(self.fail(Code::Shape, "format needs a format string", o));
                };
                let Some(fmt) = self.text(&fmt)? else {
                    return self.unk(sc, &o);
                };
                let rest: Vec<Value> = it.collect();
                match self.format(sc, &fmt, &rest, &o)? {
                    Some(st) => Ok(Value::string(st, o)),
                    None => self.unk(sc, &o),
                }
            }
            "formatlist" => {
                let mut it = args.into_iter();
                let Some(fmt) = it.next() else {
                    return Err(self.fail(Code::Shape, "formatlist needs a format string", o));
                };
                let Some(fmt) = self.text(&fmt)? else {
                    return self.unk(sc, &o);
                };
                let rest: Vec<Value> = it.collect();
                let mut n = None;
                let mut lists: Vec<Result<Vec<Value>, Value>> = Vec::new();
                for a in rest {
                    let a = self.force(a);
                    match &a.v {
                        V::List(items) => {
                            n = Some(n.map_or(items.len(), |m: usize| m.min(items.len())));
                            lists.push(Ok(items.as_ref().clone()));
                        }
                        V::Unknown(_) | V::Choice(_) => return self.unk(sc, &o),
                        _ => lists.push(Err(a.clone())),
                    }
                }
                let n = n.unwrap_or(1).min(MAX_LIST);
                let mut size = 0;
                let mut out = Vec::with_capacity(n);
                for i in 0..n {
                    let row: Vec<Value> = lists
                        .iter()
                        .map(|l| match l {
                            Ok(items) => items
                                .get(i)
                                .cloned()
                                .unwrap_or_else(|| Value::null(o.clone())),
                            Err(scalar) => scalar.clone(),
                        })
                        .collect();
                    match self.format(sc, &fmt, &row, &o)? {
                        Some(st) => {
                            let v = Value::string(st, o.clone());
                            self.grow(&mut size, &v, &o)?;
                            out.push(v);
                        }
                        None => return self.unk(sc, &o),
                    }
                }
                Ok(Value::list(out, o))
            }
            "join" => {
                let mut it = args.into_iter();
                let Some(sep) = it.next() else {
                    return Err(self.fail(Code::Shape, "join needs a separator", o));
                };
                let Some(sep) = self.text(&sep)? else {
                    return self.unk(sc, &o);
                };
                let mut out = Str::default();
                let mut first = true;
                let mut total = 0usize;
                for l in it {
                    let Some(items) = self.list(l)? else {
                        return self.unk(sc, &o);
                    };
                    for i in items {
                        if !first {
                            out.push_str(&sep);
                        }
                        first = false;
                        let t = self.string_of(sc, &i)?;
                        total += t.to_string().len() + sep.len();
                        self.check_len(total, &o)?;
                        out.append(&t);
                    }
                }
                Ok(Value::string(out, o))
            }
            "split" => {
                self.arity(name, &args, 2, 2, &o)?;
                let Some(sep) = self.text(&args[0])? else {
                    return self.unk(sc, &o);
                };
                let st = match &args[1].v {
                    V::Str(x, _) => x.clone(),
                    _ => match self.text(&args[1])? {
                        Some(t) => Str::lit(t),
                        None => return self.unk(sc, &o),
                    },
                };
                if sep.is_empty() {
                    return Err(self.fail(Code::Shape, "split needs a non-empty separator", o));
                }
                let parts: Vec<Value> = if st.is_empty() {
                    vec![Value::lit("", o.clone())]
                } else {
                    st.split(&sep)
                        .into_iter()
                        .map(|p| Value::string(p, o.clone()))
                        .collect()
                };
                Ok(Value::list(parts, o))
            }
            "concat" => {
                let mut out = Vec::new();
                let mut size = 0;
                for l in args {
                    let Some(items) = self.list(l)? else {
                        return self.unk(sc, &o);
                    };
                    for i in items {
                        self.grow(&mut size, &i, &o)?;
                        out.push(i);
                    }
                    if out.len() > MAX_LIST {
                        return Err(self.fail(Code::Limit, "a list grows past the size limit", o));
                    }
                }
                Ok(Value::list(out, o))
            }
            "merge" => {
                let mut out: Vec<(String, Origin, Value)> = Vec::new();
                for m in args {
                    if m.is_null() {
                        continue;
                    }
                    let Some(entries) = self.map_arg(m)? else {
                        return self.unk(sc, &o);
                    };
                    for (k, ko, v) in entries {
                        out.retain(|(x, _, _)| *x != k);
                        out.push((k, ko, v));
                    }
                }
                Ok(Value::map(out, o))
            }
            "lookup" => {
                self.arity(name, &args, 2, 3, &o)?;
                let mut it = args.into_iter();
                let m = it.next().unwrap_or_else(|| Value::null(o.clone()));
                let k = it.next().unwrap_or_else(|| Value::null(o.clone()));
                let default = it.next();
                let Some(entries) = self.map_arg(m)? else {
                    return self.unk(sc, &o);
                };
                let Some(k) = self.text(&k)? else {
                    return self.unk(sc, &o);
                };
                match entries.into_iter().find(|(x, _, _)| *x == k) {
                    Some((_, _, v)) => Ok(v),
                    None => default.ok_or_else(|| {
                        self.fail(
                            Code::UnresolvedReference,
                            format!("lookup: no key {k:?}"),
                            o.clone(),
                        )
                    }),
                }
            }
            "element" => {
                self.arity(name, &args, 2, 2, &o)?;
                let mut it = args.into_iter();
                let l = it.next().unwrap_or_else(|| Value::null(o.clone()));
                let i = it.next().unwrap_or_else(|| Value::null(o.clone()));
                let Some(items) = self.list(l)? else {
                    return self.unk(sc, &o);
                };
                let Some(i) = self.num(&i)? else {
                    return self.unk(sc, &o);
                };
                if items.is_empty() || i < 0.0 {
                    return Err(self.fail(Code::Shape, "element: empty list or negative index", o));
                }
                Ok(items[(i as usize) % items.len()].clone())
            }
            "toset" | "distinct" => {
                self.arity(name, &args, 1, 1, &o)?;
                let v = args
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| Value::null(o.clone()));
                let Some(items) = self.list(v)? else {
                    return self.unk(sc, &o);
                };
                let mut out: Vec<Value> = Vec::new();
                for i in items {
                    let i = self.force_deep(i, 0);
                    if !out.iter().any(|x| self.equal(x, &i) == Some(true)) {
                        out.push(i);
                    }
                }
                if name == "toset"
                    && out
                        .iter()
                        .all(|v| self.known_text(v).is_some() && matches!(v.v, V::Str(..)))
                {
                    out.sort_by_key(|v| self.known_text(v));
                }
                Ok(Value::list(out, o))
            }
            "tolist" => {
                self.arity(name, &args, 1, 1, &o)?;
                let v = args
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| Value::null(o.clone()));
                if v.is_null() {
                    return Ok(v);
                }
                let Some(items) = self.list(v)? else {
                    return self.unk(sc, &o);
                };
                Ok(Value::list(items, o))
            }
            "tomap" => {
                self.arity(name, &args, 1, 1, &o)?;
                let v = args
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| Value::null(o.clone()));
                if v.is_null() {
                    return Ok(v);
                }
                let Some(entries) = self.map_arg(v)? else {
                    return self.unk(sc, &o);
                };
                Ok(Value::map(entries, o))
            }
            "tostring" => {
                self.arity(name, &args, 1, 1, &o)?;
                let v = args
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| Value::null(o.clone()));
                if v.is_null() {
                    return Ok(v);
                }
                let st = self.string_of(sc, &v)?;
                Ok(Value::string(st, o))
            }
            "tonumber" => {
                self.arity(name, &args, 1, 1, &o)?;
                let v = &args[0];
                if v.is_null() {
                    return Ok(v.clone());
                }
                match self.num(v)? {
                    Some(n) => Ok(Value::new(V::Num(n), o)),
                    None => self.unk(sc, &o),
                }
            }
            "tobool" => {
                self.arity(name, &args, 1, 1, &o)?;
                let v = &args[0];
                match v.as_bool() {
                    Some(b) => Ok(Value::new(V::Bool(b), o)),
                    None if v.is_null() => Ok(v.clone()),
                    None if v.is_unknownish() => self.unk(sc, &o),
                    None => Err(self.fail(Code::Shape, "tobool needs a boolean", o)),
                }
            }
            "sensitive" | "nonsensitive" => {
                self.arity(name, &args, 1, 1, &o)?;
                Ok(args
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| Value::null(o.clone())))
            }
            "flatten" => {
                self.arity(name, &args, 1, 1, &o)?;
                let v = args
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| Value::null(o.clone()));
                let mut out = Vec::new();
                if !self.flatten(v, &mut out, 0)? {
                    return self.unk(sc, &o);
                }
                Ok(Value::list(out, o))
            }
            "replace" => {
                self.arity(name, &args, 3, 3, &o)?;
                let (Some(st), Some(from), Some(to)) = (
                    self.text(&args[0])?,
                    self.text(&args[1])?,
                    self.text(&args[2])?,
                ) else {
                    return self.unk(sc, &o);
                };
                if from.len() > 1 && from.starts_with('/') && from.ends_with('/') {
                    self.diag(Diagnostic::note(
                        Code::Unsupported,
                        "replace with a regular expression is not evaluated; the result is unknown",
                        Some(o.clone()),
                    ));
                    return self.unk(sc, &o);
                }
                if from.is_empty() {
                    return Ok(s(st, &o));
                }
                let n = st.matches(from.as_str()).count();
                self.check_len(st.len().saturating_add(n.saturating_mul(to.len())), &o)?;
                let r = st.replace(&from, &to);
                Ok(s(r, &o))
            }
            "lower" | "upper" | "title" | "trimspace" | "chomp" | "strrev" => {
                self.arity(name, &args, 1, 1, &o)?;
                let Some(t) = self.text(&args[0])? else {
                    return self.unk(sc, &o);
                };
                let r = match name {
                    "lower" => t.to_lowercase(),
                    "upper" => t.to_uppercase(),
                    "title" => title(&t),
                    "trimspace" => t.trim().to_owned(),
                    "strrev" => t.chars().rev().collect(),
                    _ => t.trim_end_matches(['\n', '\r']).to_owned(),
                };
                Ok(s(r, &o))
            }
            "trimprefix" | "trimsuffix" => {
                self.arity(name, &args, 2, 2, &o)?;
                let Some(fix) = self.text(&args[1])? else {
                    return self.unk(sc, &o);
                };
                let st = match &args[0].v {
                    V::Str(x, _) => x.clone(),
                    _ => match self.text(&args[0])? {
                        Some(t) => Str::lit(t),
                        None => return self.unk(sc, &o),
                    },
                };
                match trim_fix(&st, &fix, name == "trimprefix") {
                    Some(r) => Ok(Value::string(r, o)),
                    None => self.unk(sc, &o),
                }
            }
            "trim" => {
                self.arity(name, &args, 2, 2, &o)?;
                let (Some(t), Some(cs)) = (self.text(&args[0])?, self.text(&args[1])?) else {
                    return self.unk(sc, &o);
                };
                let set: Vec<char> = cs.chars().collect();
                Ok(s(t.trim_matches(|c| set.contains(&c)).to_owned(), &o))
            }
            "substr" => {
                self.arity(name, &args, 3, 3, &o)?;
                let (Some(t), Some(off), Some(len)) = (
                    self.text(&args[0])?,
                    self.num(&args[1])?,
                    self.num(&args[2])?,
                ) else {
                    return self.unk(sc, &o);
                };
                let chars: Vec<char> = t.chars().collect();
                let n = chars.len() as i64;
                let mut off = off as i64;
                if off < 0 {
                    off += n;
                }
                let off = off.clamp(0, n) as usize;
                let len = if len < 0.0 {
                    chars.len() - off
                } else {
                    (len as usize).min(chars.len() - off)
                };
                Ok(s(chars[off..off + len].iter().collect(), &o))
            }
            "startswith" | "endswith" | "strcontains" => {
                self.arity(name, &args, 2, 2, &o)?;
                let Some(needle) = self.text(&args[1])? else {
                    return self.unk(sc, &o);
                };
                let st = match &args[0].v {
                    V::Str(x, _) => x.clone(),
                    _ => match self.text(&args[0])? {
                        Some(t) => Str::lit(t),
                        None => return self.unk(sc, &o),
                    },
                };
                let r = match (name, st.as_known()) {
                    ("startswith", _) if st.known_prefix().starts_with(&needle) => Some(true),
                    (_, Some(t)) => Some(match name {
                        "startswith" => t.starts_with(&needle),
                        "endswith" => t.ends_with(&needle),
                        _ => t.contains(&needle),
                    }),
                    _ => None,
                };
                match r {
                    Some(b) => Ok(Value::new(V::Bool(b), o)),
                    None => self.unk(sc, &o),
                }
            }
            "coalesce" => {
                for a in args {
                    if a.is_null() {
                        continue;
                    }
                    if a.is_unknownish() && !matches!(&a.v, V::Str(x, _) if never_empty(x)) {
                        return self.unk(sc, &o);
                    }
                    if self.known_text(&a).is_some_and(|t| t.is_empty()) {
                        continue;
                    }
                    return Ok(a);
                }
                Err(self.fail(Code::Shape, "coalesce: no non-null, non-empty argument", o))
            }
            "coalescelist" => {
                for a in args {
                    let Some(items) = self.list(a.clone())? else {
                        return self.unk(sc, &o);
                    };
                    if !items.is_empty() {
                        return Ok(a);
                    }
                }
                Err(self.fail(Code::Shape, "coalescelist: every list is empty", o))
            }
            "length" => {
                self.arity(name, &args, 1, 1, &o)?;
                let v = self.force(
                    args.into_iter()
                        .next()
                        .unwrap_or_else(|| Value::null(o.clone())),
                );
                let n = match &v.v {
                    V::List(l) => l.len(),
                    V::Map(m) => m.len(),
                    V::Str(st, _) if st.is_known() => {
                        st.as_known().map_or(0, |t| t.chars().count())
                    }
                    _ if v.is_unknownish() => return self.unk(sc, &o),
                    _ => {
                        return Err(self.fail(
                            Code::Shape,
                            "length needs a collection or a string",
                            o,
                        ));
                    }
                };
                Ok(Value::new(V::Num(n as f64), o))
            }
            "keys" | "values" => {
                self.arity(name, &args, 1, 1, &o)?;
                let v = args
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| Value::null(o.clone()));
                let Some(entries) = self.map_arg(v)? else {
                    return self.unk(sc, &o);
                };
                let out = entries
                    .into_iter()
                    .map(|(k, ko, v)| {
                        if name == "keys" {
                            Value::lit(&k, ko)
                        } else {
                            v
                        }
                    })
                    .collect();
                Ok(Value::list(out, o))
            }
            "contains" => {
                self.arity(name, &args, 2, 2, &o)?;
                let mut it = args.into_iter();
                let l = it.next().unwrap_or_else(|| Value::null(o.clone()));
                let x = it.next().unwrap_or_else(|| Value::null(o.clone()));
                let Some(items) = self.list(l)? else {
                    return self.unk(sc, &o);
                };
                let x = self.force_deep(x, 0);
                let mut unknown = false;
                for i in items {
                    let i = self.force_deep(i, 0);
                    match self.equal(&i, &x) {
                        Some(true) => return Ok(Value::new(V::Bool(true), o)),
                        None => unknown = true,
                        Some(false) => {}
                    }
                }
                if unknown {
                    self.unk(sc, &o)
                } else {
                    Ok(Value::new(V::Bool(false), o))
                }
            }
            "index" => {
                self.arity(name, &args, 2, 2, &o)?;
                let mut it = args.into_iter();
                let l = it.next().unwrap_or_else(|| Value::null(o.clone()));
                let x = it.next().unwrap_or_else(|| Value::null(o.clone()));
                let Some(items) = self.list(l)? else {
                    return self.unk(sc, &o);
                };
                for (n, i) in items.iter().enumerate() {
                    match self.equal(i, &x) {
                        Some(true) => return Ok(Value::new(V::Num(n as f64), o)),
                        None => return self.unk(sc, &o),
                        Some(false) => {}
                    }
                }
                Err(self.fail(Code::Shape, "index: the value is not in the list", o))
            }
            "compact" => {
                self.arity(name, &args, 1, 1, &o)?;
                let v = args
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| Value::null(o.clone()));
                let Some(items) = self.list(v)? else {
                    return self.unk(sc, &o);
                };
                let out = items
                    .into_iter()
                    .filter(|i| !i.is_null() && self.known_text(i).is_none_or(|t| !t.is_empty()))
                    .collect();
                Ok(Value::list(out, o))
            }
            "zipmap" => {
                self.arity(name, &args, 2, 2, &o)?;
                let mut it = args.into_iter();
                let ks = it.next().unwrap_or_else(|| Value::null(o.clone()));
                let vs = it.next().unwrap_or_else(|| Value::null(o.clone()));
                let (Some(ks), Some(vs)) = (self.list(ks)?, self.list(vs)?) else {
                    return self.unk(sc, &o);
                };
                let mut out = Vec::new();
                for (k, v) in ks.into_iter().zip(vs) {
                    let Some(kt) = self.text(&k)? else {
                        return self.unk(sc, &o);
                    };
                    out.push((kt, k.origin.clone(), v));
                }
                Ok(Value::map(out, o))
            }
            "range" => {
                self.arity(name, &args, 1, 3, &o)?;
                let mut nums = Vec::new();
                for a in &args {
                    let Some(n) = self.num(a)? else {
                        return self.unk(sc, &o);
                    };
                    nums.push(n);
                }
                let (start, end, step) = match nums.as_slice() {
                    [e] => (0.0, *e, 1.0),
                    [a, b] => (*a, *b, if b >= a { 1.0 } else { -1.0 }),
                    [a, b, c] => (*a, *b, *c),
                    _ => (0.0, 0.0, 1.0),
                };
                if step == 0.0 {
                    return Err(self.fail(Code::Shape, "range: step must not be zero", o));
                }
                let mut out = Vec::new();
                let mut x = start;
                while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
                    if out.len() >= MAX_LIST.min(1024) {
                        return Err(self.fail(Code::Limit, "range: too many elements", o));
                    }
                    out.push(Value::new(V::Num(x), o.clone()));
                    x += step;
                }
                Ok(Value::list(out, o))
            }
            "slice" => {
                self.arity(name, &args, 3, 3, &o)?;
                let mut it = args.into_iter();
                let l = it.next().unwrap_or_else(|| Value::null(o.clone()));
                let a = it.next().unwrap_or_else(|| Value::null(o.clone()));
                let b = it.next().unwrap_or_else(|| Value::null(o.clone()));
                let (Some(items), Some(a), Some(b)) = (self.list(l)?, self.num(&a)?, self.num(&b)?)
                else {
                    return self.unk(sc, &o);
                };
                let (a, b) = (a.max(0.0) as usize, b.max(0.0) as usize);
                if a > b || b > items.len() {
                    return Err(self.fail(Code::Shape, "slice: indices out of range", o));
                }
                Ok(Value::list(items[a..b].to_vec(), o))
            }
            "reverse" => {
                self.arity(name, &args, 1, 1, &o)?;
                let v = args
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| Value::null(o.clone()));
                let Some(mut items) = self.list(v)? else {
                    return self.unk(sc, &o);
                };
                items.reverse();
                Ok(Value::list(items, o))
            }
            "sort" => {
                self.arity(name, &args, 1, 1, &o)?;
                let v = args
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| Value::null(o.clone()));
                let Some(items) = self.list(v)? else {
                    return self.unk(sc, &o);
                };
                let mut texts = Vec::new();
                for i in &items {
                    let Some(t) = self.text(i)? else {
                        return self.unk(sc, &o);
                    };
                    texts.push(t);
                }
                texts.sort();
                Ok(Value::list(
                    texts
                        .into_iter()
                        .map(|t| Value::lit(&t, o.clone()))
                        .collect(),
                    o,
                ))
            }
            "one" => {
                self.arity(name, &args, 1, 1, &o)?;
                let v = args
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| Value::null(o.clone()));
                if v.is_null() {
                    return Ok(v);
                }
                let Some(items) = self.list(v)? else {
                    return self.unk(sc, &o);
                };
                match items.len() {
                    0 => Ok(Value::null(o)),
                    1 => Ok(items
                        .into_iter()
                        .next()
                        .unwrap_or_else(|| Value::null(o.clone()))),
                    _ => Err(self.fail(Code::Shape, "one: the list has more than one element", o)),
                }
            }
            "alltrue" | "anytrue" => {
                self.arity(name, &args, 1, 1, &o)?;
                let v = args
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| Value::null(o.clone()));
                let Some(items) = self.list(v)? else {
                    return self.unk(sc, &o);
                };
                let all = name == "alltrue";
                let mut unknown = false;
                for i in items {
                    match i.as_bool() {
                        Some(b) if b != all => return Ok(Value::new(V::Bool(!all), o)),
                        Some(_) => {}
                        None => unknown = true,
                    }
                }
                if unknown {
                    self.unk(sc, &o)
                } else {
                    Ok(Value::new(V::Bool(all), o))
                }
            }
            "setunion" | "setintersection" | "setsubtract" => {
                let mut lists = Vec::new();
                for a in args {
                    let Some(items) = self.list(a)? else {
                        return self.unk(sc, &o);
                    };
                    let mut texts = BTreeSet::new();
                    for i in &items {
                        let Some(t) = self.text(i)? else {
                            return self.unk(sc, &o);
                        };
                        texts.insert(t);
                    }
                    lists.push(texts);
                }
                let mut it = lists.into_iter();
                let mut acc = it.next().unwrap_or_default();
                for l in it {
                    acc = match name {
                        "setunion" => acc.union(&l).cloned().collect(),
                        "setintersection" => acc.intersection(&l).cloned().collect(),
                        _ => acc.difference(&l).cloned().collect(),
                    };
                }
                Ok(Value::list(
                    acc.into_iter().map(|t| Value::lit(&t, o.clone())).collect(),
                    o,
                ))
            }
            "max" | "min" | "abs" | "ceil" | "floor" | "sum" | "signum" => {
                let mut nums = Vec::new();
                let args = if name == "sum" {
                    match args
                        .into_iter()
                        .next()
                        .map(|v| self.list(v))
                        .transpose()?
                        .flatten()
                    {
                        Some(l) => l,
                        None => return self.unk(sc, &o),
                    }
                } else {
                    args
                };
                for a in &args {
                    let Some(n) = self.num(a)? else {
                        return self.unk(sc, &o);
                    };
                    nums.push(n);
                }
                let first = nums.first().copied().unwrap_or(0.0);
                let r = match name {
                    "max" => nums.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                    "min" => nums.iter().copied().fold(f64::INFINITY, f64::min),
                    "abs" => first.abs(),
                    "ceil" => first.ceil(),
                    "floor" => first.floor(),
                    "signum" => first.signum(),
                    _ => nums.iter().sum(),
                };
                Ok(Value::new(V::Num(r), o))
            }
            "file" => {
                self.arity(name, &args, 1, 1, &o)?;
                let Some(p) = self.text(&args[0])? else {
                    return self.unk(sc, &o);
                };
                let (_, text, map) = self.read_rel(&p, &o)?;
                Ok(Value::new(
                    V::Str(Str::lit(text.to_string()), Some(Rc::new(map))),
                    o,
                ))
            }
            "fileexists" => {
                self.arity(name, &args, 1, 1, &o)?;
                let Some(p) = self.text(&args[0])? else {
                    return self.unk(sc, &o);
                };
                Ok(Value::new(V::Bool(self.read_rel(&p, &o).is_ok()), o))
            }
            "templatefile" => {
                self.arity(name, &args, 2, 2, &o)?;
                let mut it = args.into_iter();
                let p = it.next().unwrap_or_else(|| Value::null(o.clone()));
                let vars = it.next().unwrap_or_else(|| Value::null(o.clone()));
                let Some(p) = self.text(&p)? else {
                    return self.unk(sc, &o);
                };
                let (file, text, _) = self.read_rel(&p, &o)?;
                let Some(entries) = self.map_arg(vars)? else {
                    return self.unk(sc, &o);
                };
                let tpl = match hcl::edit::parser::parse_template(&text) {
                    Ok(t) => t,
                    Err(e) => {
                        let off = e.location().offset();
                        return Err(self.fail(
                            Code::Syntax,
                            format!("invalid template: {}", e.message().to_lowercase()),
                            Origin::new(file, passgraph_model::TextRange::new(off, off)),
                        ));
                    }
                };
                let mut tsc = Scope::new(sc.inst, file);
                tsc.template_only = true;
                tsc.suffix = sc.suffix.clone();
                tsc.bindings = entries.into_iter().map(|(k, _, v)| (k, v)).collect();
                let fo = crate::value::file_origin(file, text.len());
                self.template(&tsc, tpl.iter(), fo)
            }
            "basename" | "dirname" | "abspath" | "pathexpand" => {
                self.arity(name, &args, 1, 1, &o)?;
                let Some(p) = self.text(&args[0])? else {
                    return self.unk(sc, &o);
                };
                let r = match name {
                    "basename" => p.rsplit('/').next().unwrap_or("").to_owned(),
                    "dirname" => p
                        .rsplit_once('/')
                        .map_or(".".to_owned(), |(d, _)| d.to_owned()),
                    _ => p,
                };
                Ok(s(r, &o))
            }
            "uuid" | "timestamp" | "bcrypt" | "uuidv5" | "filebase64" | "filebase64sha256"
            | "filemd5" | "filesha1" | "filesha256" | "filesha512" | "base64sha256"
            | "base64sha512" | "sha1" | "sha256" | "sha512" | "md5" | "base64encode"
            | "base64decode" | "base64gzip" | "timeadd" | "formatdate" | "cidrsubnet"
            | "cidrhost" | "cidrnetmask" | "cidrsubnets" | "urlencode" | "textencodebase64"
            | "textdecodebase64" | "plantimestamp" | "rsadecrypt" | "fileset" => self.unk(sc, &o),
            _ => {
                self.diag(Diagnostic::note(
                    Code::Unsupported,
                    format!("function {name} is not evaluated; its result is unknown"),
                    Some(o.clone()),
                ));
                self.unk(sc, &o)
            }
        }
    }

    /// Reads a file named relative to the root module, as Terraform resolves `file()` paths.
    fn read_rel(
        &mut self,
        p: &str,
        o: &Origin,
    ) -> Result<(passgraph_model::FileId, std::sync::Arc<str>, TextMap), Fail> {
        let root = self.root.clone();
        let Some(path) = config::normalize_join(&root, p).filter(|path| self.readable(path)) else {
            return Err(self.fail(
                Code::Unsupported,
                format!(
                    "file {p:?} lies outside the configuration's module folders; it is not read"
                ),
                o.clone(),
            ));
        };
        let (file, text) = self.read_cached(path).ok_or_else(|| {
            self.fail(
                Code::UnresolvedReference,
                format!("file {p:?} cannot be read"),
                o.clone(),
            )
        })?;
        let map = TextMap::exact(text.len(), file, 0);
        Ok((file, text, map))
    }

    fn read_cached(
        &mut self,
        path: PathBuf,
    ) -> Option<(passgraph_model::FileId, std::sync::Arc<str>)> {
        if let Some(hit) = self.extra_files.get(&path) {
            return hit.clone();
        }
        let r = self.source.read(&path);
        if let Some((f, t)) = &r {
            self.texts.insert(*f, t.clone());
            self.paths.insert(*f, path.clone());
        }
        self.extra_files.insert(path, r.clone());
        r
    }

    fn flatten(&mut self, v: Value, out: &mut Vec<Value>, depth: usize) -> Result<bool, Fail> {
        if depth > crate::limits::MAX_EVAL_DEPTH {
            return Err(self.fail(Code::Limit, "flatten: nesting too deep", v.origin));
        }
        let v = self.force(v);
        match &v.v {
            V::List(items) => {
                for i in items.iter() {
                    if !self.flatten(i.clone(), out, depth + 1)? {
                        return Ok(false);
                    }
                    if out.len() > MAX_LIST {
                        return Err(self.fail(
                            Code::Limit,
                            "a list grows past the size limit",
                            v.origin.clone(),
                        ));
                    }
                }
                Ok(true)
            }
            V::Unknown(_) | V::Choice(_) if depth == 0 => Ok(false),
            _ => {
                out.push(v);
                Ok(true)
            }
        }
    }

    /// `format`: `%s`, `%v`, `%d`, `%q`, `%f`, `%t`, `%%`, with flags and width passed through
    /// for known values. `None` when a verb needs a known value that is not known.
    fn format(
        &mut self,
        sc: &Scope,
        fmt: &str,
        args: &[Value],
        o: &Origin,
    ) -> Result<Option<Str>, Fail> {
        let mut out = Str::default();
        let mut chars = fmt.chars().peekable();
        let mut next = 0usize;
        while let Some(c) = chars.next() {
            if c != '%' {
                let mut b = [0u8; 4];
                out.push_str(c.encode_utf8(&mut b));
                continue;
            }
            let mut spec = String::new();
            let mut verb = None;
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() || d == '%' {
                    verb = Some(d);
                    break;
                }
                spec.push(d);
            }
            let Some(verb) = verb else {
                return Err(self.fail(Code::Shape, "format: incomplete verb", o.clone()));
            };
            if verb == '%' {
                out.push_str("%");
                continue;
            }
            // An explicit argument index `%[2]s`.
            let mut idx = next;
            if let Some(rest) = spec.strip_prefix('[')
                && let Some((n, _)) = rest.split_once(']')
                && let Ok(n) = n.parse::<usize>()
            {
                idx = n.saturating_sub(1);
            }
            let Some(arg) = args.get(idx) else {
                return Err(self.fail(Code::Shape, "format: not enough arguments", o.clone()));
            };
            next = idx + 1;
            match verb {
                's' | 'v' => {
                    if arg.is_null() {
                        out.push_str("null");
                        continue;
                    }
                    let v = self.force_deep(arg.clone(), 0);
                    match &v.v {
                        V::List(_) | V::Map(_) => {
                            let n = to_json_node(&v, 0);
                            crate::value::render_json(&n, &mut out, 0);
                        }
                        _ => {
                            let t = self.string_of(sc, &v)?;
                            out.append(&t);
                        }
                    }
                }
                'q' => {
                    let t = self.string_of(sc, arg)?;
                    out.push_str("\"");
                    for p in t.parts() {
                        match p {
                            Part::Lit(x) => {
                                out.push_str(&x.replace('\\', "\\\\").replace('"', "\\\""))
                            }
                            h => out.push(h.clone()),
                        }
                    }
                    out.push_str("\"");
                }
                'd' | 'f' | 'e' | 'g' | 'x' | 'X' | 'o' | 'b' => {
                    let Some(n) = self.num(arg)? else {
                        return Ok(None);
                    };
                    let prec = spec
                        .split_once('.')
                        .and_then(|(_, p)| p.parse::<usize>().ok());
                    let width = spec
                        .trim_start_matches(['-', '+', '0', ' ', '#'])
                        .split('.')
                        .next()
                        .and_then(|w| w.parse::<usize>().ok())
                        .unwrap_or(0);
                    if width > 1024 || prec.is_some_and(|p| p > 64) {
                        return Err(self.fail(
                            Code::Limit,
                            "format: width or precision too large",
                            o.clone(),
                        ));
                    }
                    let body = match verb {
                        'd' => format!("{}", n as i64),
                        'x' => format!("{:x}", n as i64),
                        'X' => format!("{:X}", n as i64),
                        'o' => format!("{:o}", n as i64),
                        'b' => format!("{:b}", n as i64),
                        _ => format!("{:.*}", prec.unwrap_or(6), n),
                    };
                    let padded = if spec.starts_with('-') {
                        format!("{body:<width$}")
                    } else if spec.starts_with('0') {
                        format!("{body:0>width$}")
                    } else {
                        format!("{body:>width$}")
                    };
                    out.push_str(&padded);
                }
                't' => match arg.as_bool() {
                    Some(b) => out.push_str(if b { "true" } else { "false" }),
                    None => return Ok(None),
                },
                _ => {
                    return Err(self.fail(
                        Code::Shape,
                        format!("format: unsupported verb %{verb}"),
                        o.clone(),
                    ));
                }
            }
            if out.to_string().len() > MAX_STRING {
                return Err(self.fail(
                    Code::Limit,
                    "a string grows past the size limit",
                    o.clone(),
                ));
            }
        }
        let _ = num_text;
        Ok(Some(out))
    }
}

/// True when a string with holes cannot be empty: it has known text, or a hole that is never
/// empty (an account id, a partition, an attribute computed by AWS). Only variables may be empty.
fn never_empty(s: &Str) -> bool {
    !s.is_empty()
        && s.parts().iter().any(|p| match p {
            Part::Lit(_) => true,
            Part::Hole(k) => !(k.starts_with("var.") || k.contains(".var.")),
        })
}

fn title(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    let mut start = true;
    for c in t.chars() {
        if start && c.is_alphabetic() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = c.is_whitespace();
    }
    out
}

/// Removes a known prefix or suffix, also from a value with holes when the known end decides.
fn trim_fix(s: &Str, fix: &str, prefix: bool) -> Option<Str> {
    if let Some(t) = s.as_known() {
        let r = if prefix {
            t.strip_prefix(fix)
        } else {
            t.strip_suffix(fix)
        };
        return Some(Str::lit(r.unwrap_or(t)));
    }
    let parts = s.parts();
    let end = if prefix { parts.first() } else { parts.last() };
    match end {
        Some(Part::Lit(t)) => {
            let r = if prefix {
                t.strip_prefix(fix)
            } else {
                t.strip_suffix(fix)
            };
            let r = r?;
            let mut out: Vec<Part> = parts.to_vec();
            if prefix {
                out[0] = Part::Lit(r.to_owned());
            } else if let Some(l) = out.last_mut() {
                *l = Part::Lit(r.to_owned());
            }
            Some(Str::from_parts(out))
        }
        _ => None,
    }
}
