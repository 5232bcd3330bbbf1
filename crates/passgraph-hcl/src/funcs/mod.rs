//! Terraform functions, as far as IAM configurations use them. Unknown arguments give unknown
//! results (holes named after the call), except where the result is still partly known
//! (`format`, `join`, `concat`, `merge` of known maps, `trimprefix` of a known prefix ...).
//! A function passgraph does not implement gives an unknown value and an `Unsupported` note.

mod collections;
mod files;
mod text;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use crate::syntax::FuncCall;
use passgraph_model::{Code, Diagnostic, Origin, Part, Str};

use crate::config::{self, ExprRef};
use crate::eval::{Evaluator, Fail, R, Scope};
use crate::jsontext::{str_to_node, to_json_node};
use crate::limits::{MAX_LIST, MAX_STRING};
use crate::value::{Entries, TextMap, V, Value, num_text};

pub(crate) type Args = Vec<Value>;

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
        match name {
            "format" | "formatlist" | "join" | "split" | "replace" | "lower" | "upper"
            | "title" | "trimspace" | "chomp" | "strrev" | "trimprefix" | "trimsuffix" | "trim"
            | "substr" | "startswith" | "endswith" | "strcontains" => {
                return self.apply_text(sc, name, args, o);
            }
            "concat" | "merge" | "lookup" | "element" | "toset" | "distinct" | "tolist"
            | "tomap" | "flatten" | "length" | "keys" | "values" | "contains" | "index"
            | "compact" | "zipmap" | "range" | "slice" | "reverse" | "sort" | "one" | "alltrue"
            | "anytrue" | "setunion" | "setintersection" | "setsubtract" | "max" | "min"
            | "abs" | "ceil" | "floor" | "sum" | "signum" => {
                return self.apply_collection(sc, name, args, o);
            }
            "file" | "fileexists" | "templatefile" | "basename" | "dirname" | "abspath"
            | "pathexpand" => return self.apply_file(sc, name, args, o),
            _ => {}
        }
        match name {
            "jsonencode" => {
                self.arity(name, &args, 1, 1, &o)?;
                let v = args
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| Value::null(o.clone()));
                let v = self.force_deep(v, 0);
                let node = to_json_node(&v, 0);
                Ok(Value::new(V::Doc(Arc::new(node)), o))
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
