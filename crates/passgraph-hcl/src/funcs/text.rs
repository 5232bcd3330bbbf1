//! String functions: `format`, `join`, `split`, `replace`, case and trimming.

#[allow(clippy::wildcard_imports)]
use super::*;

impl Evaluator<'_> {
    #[allow(clippy::too_many_lines)]
    pub(super) fn apply_text(&mut self, sc: &Scope, name: &str, args: Args, o: Origin) -> R {
        let s = |x: String, o: &Origin| Value::lit(&x, o.clone());
        let _ = &s;
        match name {
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
            _ => self.unk(sc, &o),
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
