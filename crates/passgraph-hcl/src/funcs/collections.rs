//! Collection functions: lists, sets, maps and numbers.

#[allow(clippy::wildcard_imports)]
use super::*;

impl Evaluator<'_> {
    #[allow(clippy::too_many_lines)]
    pub(super) fn apply_collection(&mut self, sc: &Scope, name: &str, args: Args, o: Origin) -> R {
        let s = |x: String, o: &Origin| Value::lit(&x, o.clone());
        let _ = &s;
        match name {
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
            _ => self.unk(sc, &o),
        }
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
}
