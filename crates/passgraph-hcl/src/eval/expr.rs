//! Expression forms: literals, collections, templates, operators, conditionals, `for`.

use std::sync::Arc;

use crate::syntax::{
    BinaryOperator, Directive, Element, Expression, ForExpr, HeredocTemplate, ObjectKey, Span,
    Strip, Template, UnaryOperator,
};
use passgraph_model::{Code, Node, NodeKind, Origin, Part, Str, TextRange};

use super::{Evaluator, R, Scope};
use crate::config::ExprRef;
use crate::value::{TextMap, V, Value, num_text, render_json};

/// A piece of template output before whitespace stripping.
enum Piece {
    Lit(String, Option<TextRange>),
    Val(Str, Option<TextMap>),
    StripPrev,
    StripNext,
}

fn range_of(s: &impl Span) -> Option<TextRange> {
    s.span().map(|r| TextRange::new(r.start, r.end))
}

impl Evaluator<'_> {
    pub(super) fn eval_inner(&mut self, sc: &Scope, e: ExprRef<'_>) -> R {
        match e {
            ExprRef::Hcl(x) => {
                let o = self.origin(sc, range_of(x));
                self.step(&o)?;
                self.eval_hcl(sc, x, o)
            }
            ExprRef::Json(n) => {
                self.step(&n.origin)?;
                self.eval_json(sc, n)
            }
            ExprRef::JsonLit(n) => Ok(value_from_node(n, 0)),
        }
    }

    fn eval_hcl(&mut self, sc: &Scope, x: &Expression, o: Origin) -> R {
        match x {
            Expression::Null(_) => Ok(Value::null(o)),
            Expression::Bool(b) => Ok(Value::new(V::Bool(*b.value()), o)),
            Expression::Number(n) => Ok(Value::new(V::Num(*n.value()), o)),
            Expression::String(s) => {
                let text = s.value();
                // The span covers the quotes; the value is what lies between them.
                let inner = range_of(s).map(|r| TextRange {
                    start: r.start.saturating_add(1),
                    end: r.end.saturating_sub(1).max(r.start),
                });
                let map = self.lit_map(sc, inner, text);
                Ok(Value::new(
                    V::Str(Str::lit(text.clone()), map.map(Arc::new)),
                    o,
                ))
            }
            Expression::Array(a) => {
                let mut items = Vec::with_capacity(a.len());
                let mut size = 0;
                for it in a.iter() {
                    let v = self.eval(sc, ExprRef::Hcl(it))?;
                    self.grow(&mut size, &v, &o)?;
                    items.push(v);
                }
                Ok(Value::list(items, o))
            }
            Expression::Object(obj) => {
                let mut entries = Vec::with_capacity(obj.len());
                let mut size = 0;
                for (k, v) in obj.iter() {
                    let ko = self.origin(sc, range_of(k));
                    let key = match k {
                        ObjectKey::Ident(id) => id.as_str().to_owned(),
                        ObjectKey::Expression(ke) => {
                            let kv = self.eval(sc, ExprRef::Hcl(ke))?;
                            match self.known_text(&kv) {
                                Some(t) => t,
                                None => return Ok(Value::unknown(self.derived_key(sc, &o), o)),
                            }
                        }
                    };
                    let val = self.eval(sc, ExprRef::Hcl(v.expr()))?;
                    self.grow(&mut size, &val, &o)?;
                    entries.push((key, ko, val));
                }
                Ok(Value::map(entries, o))
            }
            Expression::StringTemplate(t) => self.template(sc, t.iter(), o),
            Expression::HeredocTemplate(h) => match self.redent(sc, h) {
                Some(t) => self.template(sc, t.iter(), o),
                None => self.template(sc, h.template.iter(), o),
            },
            Expression::Parenthesis(p) => self
                .eval(sc, ExprRef::Hcl(p.inner()))
                .map(|v| v.with_origin(o)),
            Expression::Variable(v) => self.variable(sc, v.as_str(), o),
            Expression::Conditional(c) => {
                let cond = self.eval(sc, ExprRef::Hcl(&c.cond_expr))?;
                let cond = self.force(cond);
                match cond.as_bool() {
                    Some(true) => self.eval(sc, ExprRef::Hcl(&c.true_expr)),
                    Some(false) => self.eval(sc, ExprRef::Hcl(&c.false_expr)),
                    None if cond.is_null() => Err(self.fail(
                        Code::Shape,
                        "the condition of a conditional is null",
                        cond.origin,
                    )),
                    None if !cond.is_unknownish() => Err(self.fail(
                        Code::Shape,
                        "the condition of a conditional is not a boolean",
                        cond.origin,
                    )),
                    None => {
                        let a = self.eval(sc, ExprRef::Hcl(&c.true_expr));
                        let b = self.eval(sc, ExprRef::Hcl(&c.false_expr));
                        match (a, b) {
                            (Ok(a), Ok(b)) => Ok(self.choice(a, b, o)),
                            (Ok(a), Err(_)) => Ok(a),
                            (Err(_), Ok(b)) => Ok(b),
                            (Err(e), Err(_)) => Err(e),
                        }
                    }
                }
            }
            Expression::FuncCall(f) => self.call(sc, f, o),
            Expression::Traversal(t) => self.traversal(sc, t, o),
            Expression::UnaryOp(u) => {
                let v = self.eval(sc, ExprRef::Hcl(&u.expr))?;
                match u.operator {
                    UnaryOperator::Not => match v.as_bool() {
                        Some(b) => Ok(Value::new(V::Bool(!b), o)),
                        None if v.is_unknownish() => {
                            Ok(Value::unknown(self.derived_key(sc, &o), o))
                        }
                        None => Err(self.fail(Code::Shape, "`!` needs a boolean", o)),
                    },
                    UnaryOperator::Neg => match v.as_num() {
                        Some(n) => Ok(Value::new(V::Num(-n), o)),
                        None if v.is_unknownish() => {
                            Ok(Value::unknown(self.derived_key(sc, &o), o))
                        }
                        None => Err(self.fail(Code::Shape, "`-` needs a number", o)),
                    },
                }
            }
            Expression::BinaryOp(b) => self.binary(sc, &b.lhs_expr, b.operator, &b.rhs_expr, o),
            Expression::ForExpr(f) => self.for_expr(sc, f, o),
        }
    }

    /// Counts a value into a collection being built; fails past the size limit, before the
    /// collection is built.
    pub(crate) fn grow(&mut self, acc: &mut u64, v: &Value, o: &Origin) -> Result<(), super::Fail> {
        *acc = acc.saturating_add(v.size);
        if *acc > crate::limits::MAX_VALUE_SIZE {
            let f = self.fail(Code::Limit, "a value grows past the size limit", o.clone());
            self.fail_diag(&f);
            return Err(f);
        }
        Ok(())
    }

    /// A value picked by an undecidable condition.
    pub(crate) fn choice(&mut self, a: Value, b: Value, o: Origin) -> Value {
        if self.equal(&a, &b) == Some(true) {
            return a;
        }
        let mut alts = Vec::new();
        for v in [a, b] {
            match v.v {
                V::Choice(inner) => alts.extend(inner.iter().cloned()),
                _ => alts.push(v),
            }
        }
        Value::new(V::Choice(Arc::new(alts)), o)
    }

    /// A JSON-syntax expression: strings are templates, objects and arrays nest.
    fn eval_json(&mut self, sc: &Scope, n: &Node) -> R {
        let o = n.origin.clone();
        match &n.kind {
            NodeKind::String(s) => {
                let Some(text) = s.as_known() else {
                    return Ok(Value::string(s.clone(), o));
                };
                if !text.contains("${") && !text.contains("%{") {
                    return Ok(Value::lit(text, o));
                }
                match crate::syntax::parse_template(text) {
                    Ok(t) => {
                        let mut sc2 = sc.clone();
                        sc2.file = o.file;
                        sc2.fixed = Some(o.range);
                        self.template(&sc2, t.iter(), o)
                    }
                    Err(e) => Err(self.fail(
                        Code::Syntax,
                        format!("invalid template: {}", e.message().to_lowercase()),
                        o,
                    )),
                }
            }
            NodeKind::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    out.push(self.eval(sc, ExprRef::Json(i))?);
                }
                Ok(Value::list(out, o))
            }
            NodeKind::Object(entries) => {
                let mut out = Vec::with_capacity(entries.len());
                for (k, ko, v) in entries {
                    let Some(k) = k.as_known() else { continue };
                    out.push((k.to_owned(), ko.clone(), self.eval(sc, ExprRef::Json(v))?));
                }
                Ok(Value::map(out, o))
            }
            _ => Ok(value_from_node(n, 0)),
        }
    }

    /// Maps a literal's text onto the file when its bytes can be found there.
    pub(crate) fn lit_map(
        &self,
        sc: &Scope,
        span: Option<TextRange>,
        text: &str,
    ) -> Option<TextMap> {
        if let Some(r) = sc.fixed {
            return Some(TextMap::anchored(text.len(), &Origin::new(sc.file, r)));
        }
        let span = span?;
        let src = self.texts.get(&sc.file)?;
        let slice = src.get(span.start as usize..span.end as usize)?;
        if slice == text {
            return Some(TextMap::exact(text.len(), sc.file, span.start as usize));
        }
        // An indented heredoc (`<<-`): every line lost the same leading spaces.
        let src_lines: Vec<&str> = slice.split('\n').collect();
        let lit_lines: Vec<&str> = text.split('\n').collect();
        if src_lines.len() == lit_lines.len()
            && src_lines
                .iter()
                .zip(&lit_lines)
                .all(|(s, l)| s.ends_with(l))
        {
            let mut map = TextMap::default();
            let mut at = span.start as usize;
            let n = lit_lines.len();
            for (i, (s, l)) in src_lines.iter().zip(&lit_lines).enumerate() {
                map.push_exact(l.len(), sc.file, at + (s.len() - l.len()));
                at += s.len();
                if i + 1 < n {
                    map.push_exact(1, sc.file, at);
                    at += 1;
                }
            }
            return map.checked(text.len());
        }
        Some(TextMap::anchored(text.len(), &Origin::new(sc.file, span)))
    }

    /// An indented heredoc (`<<-`) dedented again from its source, when hcl-edit (and the parser
    /// of `crate::syntax`, which builds hcl-edit's tree) stripped more than Terraform does. Terraform removes the least indentation of the heredoc's lines;
    /// hcl-edit 0.10 skips a literal whose lines include one at column 0 when it looks for that
    /// least (its `min_leading_whitespace` answers `None` both for "no line" and for "nothing to
    /// strip"), so a flush `{` line followed by two interpolations on indented lines lost
    /// characters from every line (and a JSON policy became unreadable). `None` when hcl-edit
    /// got it right or the source is not at hand.
    fn redent(&self, sc: &Scope, h: &HeredocTemplate) -> Option<Template> {
        let stripped = h.indent()?;
        let src = self.texts.get(&sc.file)?;
        let mut raws: Vec<&str> = Vec::new();
        for el in h.template.iter() {
            if let Element::Literal(l) = el {
                raws.push(src.get(l.span()?)?);
            }
        }
        let mut least: Option<usize> = None;
        let mut skip_first = false;
        let mut k = 0;
        for el in h.template.iter() {
            if let Element::Literal(_) = el {
                let raw = raws.get(k)?;
                k += 1;
                for (i, line) in raw.split('\n').enumerate() {
                    if (i == 0 && skip_first) || line.is_empty() {
                        continue;
                    }
                    let n = line.chars().take_while(|c| c.is_whitespace()).count();
                    least = Some(least.map_or(n, |l| l.min(n)));
                }
                skip_first = !raw.ends_with('\n');
            } else if !skip_first {
                least = Some(0);
            }
        }
        let least = least.unwrap_or(0);
        if least >= stripped {
            return None;
        }
        let mut t = h.template.clone();
        let (mut k, mut skip_first) = (0, false);
        for i in 0..t.len() {
            if let Some(Element::Literal(l)) = t.get_mut(i) {
                let raw = raws.get(k)?;
                k += 1;
                let lines: Vec<String> = raw
                    .split('\n')
                    .enumerate()
                    .map(|(j, line)| {
                        if j == 0 && skip_first {
                            line.to_owned()
                        } else {
                            line.chars().skip(least).collect()
                        }
                    })
                    .collect();
                *l.value_mut() = lines.join("\n").replace("$${", "${").replace("%%{", "%{");
                skip_first = !raw.ends_with('\n');
            }
        }
        Some(t)
    }

    /// Evaluates a template.
    pub(crate) fn template<'a>(
        &mut self,
        sc: &Scope,
        elements: impl Iterator<Item = &'a Element>,
        o: Origin,
    ) -> R {
        let elements: Vec<&Element> = elements.collect();
        // A template of a single interpolation yields the value itself, unconverted.
        if let [Element::Interpolation(i)] = elements.as_slice() {
            return self.eval(sc, ExprRef::Hcl(&i.expr));
        }
        let mut pieces = Vec::new();
        self.pieces(sc, &elements, &mut pieces, &o)?;
        Ok(self.assemble(sc, pieces, o))
    }

    fn template_pieces(
        &mut self,
        sc: &Scope,
        t: &Template,
        out: &mut Vec<Piece>,
        o: &Origin,
    ) -> Result<(), super::Fail> {
        let els: Vec<&Element> = t.iter().collect();
        self.pieces(sc, &els, out, o)
    }

    fn pieces(
        &mut self,
        sc: &Scope,
        elements: &[&Element],
        out: &mut Vec<Piece>,
        o: &Origin,
    ) -> Result<(), super::Fail> {
        for el in elements {
            match el {
                Element::Literal(l) => out.push(Piece::Lit(
                    l.value().clone(),
                    l.span().map(|r| TextRange::new(r.start, r.end)),
                )),
                Element::Interpolation(i) => {
                    strip_before(i.strip, out);
                    let v = self.eval(sc, ExprRef::Hcl(&i.expr))?;
                    let (s, map) = match self.template_str(sc, &v) {
                        Ok(x) => x,
                        Err(mut f) => {
                            f.origin = self.origin(sc, range_of(&i.expr));
                            return Err(f);
                        }
                    };
                    out.push(Piece::Val(s, map));
                    strip_after(i.strip, out);
                }
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(d) => {
                        strip_before(d.if_expr.strip, out);
                        let c = self.eval(sc, ExprRef::Hcl(&d.if_expr.cond_expr))?;
                        match c.as_bool() {
                            Some(true) => {
                                strip_after(d.if_expr.strip, out);
                                self.template_pieces(sc, &d.if_expr.template, out, o)?;
                                if let Some(e) = &d.else_expr {
                                    strip_before(e.strip, out);
                                }
                            }
                            Some(false) => {
                                if let Some(e) = &d.else_expr {
                                    strip_after(e.strip, out);
                                    self.template_pieces(sc, &e.template, out, o)?;
                                }
                            }
                            None => {
                                let po = c.origin.clone();
                                out.push(Piece::Val(Str::hole(self.derived_key(sc, &po)), None));
                            }
                        }
                        strip_before(d.endif_expr.strip, out);
                        strip_after(d.endif_expr.strip, out);
                    }
                    Directive::For(d) => {
                        let f = &d.for_expr;
                        strip_before(f.strip, out);
                        let coll = self.eval(sc, ExprRef::Hcl(&f.collection_expr))?;
                        let coll = self.force(coll);
                        match self.iter_pairs(&coll) {
                            Some(pairs) => {
                                for (k, v) in pairs {
                                    let mut s2 = sc.clone();
                                    if let Some(kv) = &f.key_var {
                                        s2.bindings.push((kv.as_str().to_owned(), k));
                                    }
                                    s2.bindings.push((f.value_var.as_str().to_owned(), v));
                                    strip_after(f.strip, out);
                                    self.template_pieces(&s2, &f.template, out, o)?;
                                    strip_before(d.endfor_expr.strip, out);
                                }
                            }
                            None => {
                                let po = coll.origin.clone();
                                out.push(Piece::Val(Str::hole(self.derived_key(sc, &po)), None));
                            }
                        }
                        strip_after(d.endfor_expr.strip, out);
                    }
                },
            }
        }
        Ok(())
    }

    fn assemble(&mut self, sc: &Scope, mut pieces: Vec<Piece>, o: Origin) -> Value {
        // Apply strip markers to the neighbouring literals.
        for i in 0..pieces.len() {
            match pieces[i] {
                Piece::StripPrev => {
                    if let Some(Piece::Lit(t, r)) = i.checked_sub(1).and_then(|j| pieces.get_mut(j))
                    {
                        let n = t.len() - t.trim_end().len();
                        t.truncate(t.len() - n);
                        if let Some(r) = r {
                            r.end = r.end.saturating_sub(n as u32).max(r.start);
                        }
                    }
                }
                Piece::StripNext => {
                    if let Some(Piece::Lit(t, r)) = pieces.get_mut(i + 1) {
                        let n = t.len() - t.trim_start().len();
                        t.drain(..n);
                        if let Some(r) = r {
                            r.start = r.start.saturating_add(n as u32).min(r.end);
                        }
                    }
                }
                _ => {}
            }
        }
        let mut s = Str::default();
        let mut map = Some(TextMap::default());
        for p in pieces {
            match p {
                Piece::Lit(t, r) => {
                    let m = self.lit_map(sc, r, &t);
                    map = match (map, m) {
                        (Some(mut a), Some(b)) => {
                            a.append(&b);
                            Some(a)
                        }
                        _ => None,
                    };
                    s.push_str(&t);
                }
                Piece::Val(v, m) => {
                    let len: usize = v
                        .parts()
                        .iter()
                        .map(|p| if let Part::Lit(t) = p { t.len() } else { 0 })
                        .sum();
                    let m = m.unwrap_or_else(|| TextMap::anchored(len, &o));
                    if let Some(a) = map.as_mut() {
                        a.append(&m);
                    }
                    s.append(&v);
                }
                Piece::StripPrev | Piece::StripNext => {}
            }
        }
        let len: usize = s
            .parts()
            .iter()
            .map(|p| if let Part::Lit(t) = p { t.len() } else { 0 })
            .sum();
        let map = map.and_then(|m| m.checked(len));
        Value::new(V::Str(s, map.map(Arc::new)), o)
    }

    /// A value as it appears inside a string template.
    pub(crate) fn template_str(
        &mut self,
        sc: &Scope,
        v: &Value,
    ) -> Result<(Str, Option<TextMap>), super::Fail> {
        match &v.v {
            V::Str(s, m) => Ok((s.clone(), m.as_deref().cloned())),
            V::Num(n) => Ok((Str::lit(num_text(*n)), None)),
            V::Bool(b) => Ok((Str::lit(b.to_string()), None)),
            V::Unknown(k) => Ok((Str::hole(k.clone()), None)),
            V::Choice(_) => Ok((Str::hole(self.derived_key(sc, &v.origin)), None)),
            V::Doc(n) => {
                let mut s = Str::default();
                render_json(n, &mut s, 0);
                Ok((s, None))
            }
            V::Null => Err(self.fail(
                Code::Shape,
                "a null value cannot be used in a string template",
                v.origin.clone(),
            )),
            V::List(_) | V::Map(_) | V::Res(_) | V::Module(_) => Err(self.fail(
                Code::Shape,
                "a list or object cannot be used in a string template",
                v.origin.clone(),
            )),
        }
    }

    /// A value converted to a string as Terraform's automatic conversion does.
    pub(crate) fn string_of(&mut self, sc: &Scope, v: &Value) -> Result<Str, super::Fail> {
        self.template_str(sc, v).map(|(s, _)| s)
    }

    /// A wholly known text.
    pub(crate) fn known_text(&self, v: &Value) -> Option<String> {
        match &v.v {
            V::Str(s, _) => s.as_known().map(str::to_owned),
            V::Num(n) => Some(num_text(*n)),
            V::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// The (key, value) pairs a `for` iterates over; `None` when not known.
    pub(crate) fn iter_pairs(&self, coll: &Value) -> Option<Vec<(Value, Value)>> {
        match &coll.v {
            V::List(items) => Some(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, it)| (Value::new(V::Num(i as f64), it.origin.clone()), it.clone()))
                    .collect(),
            ),
            V::Map(m) => Some(
                m.iter()
                    .map(|(k, ko, v)| (Value::lit(k, ko.clone()), v.clone()))
                    .collect(),
            ),
            _ => None,
        }
    }

    fn for_expr(&mut self, sc: &Scope, f: &ForExpr, o: Origin) -> R {
        let coll = self.eval(sc, ExprRef::Hcl(&f.intro.collection_expr))?;
        let coll = self.force(coll);
        if coll.is_null() {
            return Err(self.fail(
                Code::Shape,
                "a for expression cannot iterate over null",
                coll.origin,
            ));
        }
        let Some(pairs) = self.iter_pairs(&coll) else {
            if coll.is_unknownish() {
                return Ok(Value::unknown(self.derived_key(sc, &o), o));
            }
            return Err(self.fail(
                Code::Shape,
                "a for expression needs a list, set, map or object",
                coll.origin,
            ));
        };
        let mut list = Vec::new();
        let mut entries: Vec<(String, Origin, Value)> = Vec::new();
        let mut size = 0;
        for (k, v) in pairs {
            let mut s2 = sc.clone();
            if let Some(kv) = &f.intro.key_var {
                s2.bindings.push((kv.as_str().to_owned(), k));
            }
            s2.bindings.push((f.intro.value_var.as_str().to_owned(), v));
            if let Some(c) = &f.cond {
                let cv = self.eval(&s2, ExprRef::Hcl(&c.expr))?;
                // An element whose filter is not known offline is kept: it may be there.
                if cv.as_bool() == Some(false) {
                    continue;
                }
            }
            let val = self.eval(&s2, ExprRef::Hcl(&f.value_expr))?;
            self.grow(&mut size, &val, &o)?;
            match &f.key_expr {
                None => list.push(val),
                Some(ke) => {
                    let kv = self.eval(&s2, ExprRef::Hcl(ke))?;
                    let Some(key) = self.known_text(&kv) else {
                        return Ok(Value::unknown(self.derived_key(sc, &o), o));
                    };
                    if f.grouping {
                        if let Some((_, _, group)) = entries.iter_mut().find(|(k, _, _)| *k == key)
                        {
                            let mut items = group.items().unwrap_or_default();
                            items.push(val);
                            *group = Value::list(items, group.origin.clone());
                        } else {
                            entries.push((
                                key,
                                kv.origin.clone(),
                                Value::list(vec![val], o.clone()),
                            ));
                        }
                    } else {
                        entries.push((key, kv.origin.clone(), val));
                    }
                }
            }
        }
        if f.key_expr.is_some() {
            Ok(Value::map(entries, o))
        } else {
            Ok(Value::list(list, o))
        }
    }

    fn binary(
        &mut self,
        sc: &Scope,
        l: &Expression,
        op: BinaryOperator,
        r: &Expression,
        o: Origin,
    ) -> R {
        use BinaryOperator as B;
        let a = self.eval(sc, ExprRef::Hcl(l))?;
        // `&&` and `||` decide early when the left side does.
        match (op, a.as_bool()) {
            (B::And, Some(false)) => return Ok(Value::new(V::Bool(false), o)),
            (B::Or, Some(true)) => return Ok(Value::new(V::Bool(true), o)),
            _ => {}
        }
        let b = self.eval(sc, ExprRef::Hcl(r))?;
        let unknown = |ev: &Self| Ok(Value::unknown(ev.derived_key(sc, &o), o.clone()));
        match op {
            B::Eq | B::NotEq => {
                let a = self.force_deep(a, 0);
                let b = self.force_deep(b, 0);
                match self.equal(&a, &b) {
                    Some(eq) => Ok(Value::new(V::Bool(eq == (op == B::Eq)), o)),
                    None => unknown(self),
                }
            }
            B::And | B::Or => match (a.as_bool(), b.as_bool()) {
                (Some(x), Some(y)) => Ok(Value::new(
                    V::Bool(if op == B::And { x && y } else { x || y }),
                    o,
                )),
                (_, Some(false)) if op == B::And => Ok(Value::new(V::Bool(false), o)),
                (_, Some(true)) if op == B::Or => Ok(Value::new(V::Bool(true), o)),
                _ if a.is_unknownish() || b.is_unknownish() => unknown(self),
                _ => Err(self.fail(Code::Shape, "`&&` and `||` need booleans", o)),
            },
            _ => {
                let (Some(x), Some(y)) = (a.as_num(), b.as_num()) else {
                    if a.is_unknownish() || b.is_unknownish() {
                        return unknown(self);
                    }
                    return Err(self.fail(
                        Code::Shape,
                        "an arithmetic or comparison operator needs numbers",
                        o,
                    ));
                };
                let v = match op {
                    B::Plus => V::Num(x + y),
                    B::Minus => V::Num(x - y),
                    B::Mul => V::Num(x * y),
                    B::Div if y == 0.0 => {
                        return Err(self.fail(Code::Shape, "division by zero", o));
                    }
                    B::Div => V::Num(x / y),
                    B::Mod if y == 0.0 => return Err(self.fail(Code::Shape, "modulo by zero", o)),
                    B::Mod => V::Num(x % y),
                    B::Less => V::Bool(x < y),
                    B::LessEq => V::Bool(x <= y),
                    B::Greater => V::Bool(x > y),
                    _ => V::Bool(x >= y),
                };
                Ok(Value::new(v, o))
            }
        }
    }

    /// Equality as Terraform's `==`: `None` when it depends on something unknown.
    pub(crate) fn equal(&self, a: &Value, b: &Value) -> Option<bool> {
        match (&a.v, &b.v) {
            (V::Unknown(x), V::Unknown(y)) if x == y => Some(true),
            (V::Unknown(_) | V::Choice(_) | V::Res(_) | V::Module(_), _)
            | (_, V::Unknown(_) | V::Choice(_) | V::Res(_) | V::Module(_)) => None,
            (V::Null, V::Null) => Some(true),
            (V::Null, _) | (_, V::Null) => Some(false),
            (V::Bool(x), V::Bool(y)) => Some(x == y),
            (V::Num(x), V::Num(y)) => Some(x == y),
            (V::Str(x, _), V::Str(y, _)) => str_equal(x, y),
            (V::Doc(x), V::Doc(y)) => Some(x == y),
            (V::Doc(x), V::Str(y, _)) | (V::Str(y, _), V::Doc(x)) => {
                let mut s = Str::default();
                render_json(x, &mut s, 0);
                str_equal(&s, y)
            }
            (V::List(x), V::List(y)) => {
                if x.len() != y.len() {
                    return Some(false);
                }
                all3(x.iter().zip(y.iter()).map(|(p, q)| self.equal(p, q)))
            }
            (V::Map(x), V::Map(y)) => {
                if x.len() != y.len() || x.iter().zip(y.iter()).any(|(p, q)| p.0 != q.0) {
                    return Some(false);
                }
                all3(x.iter().zip(y.iter()).map(|(p, q)| self.equal(&p.2, &q.2)))
            }
            _ => Some(false),
        }
    }
}

fn all3(it: impl Iterator<Item = Option<bool>>) -> Option<bool> {
    let mut unknown = false;
    for r in it {
        match r {
            Some(false) => return Some(false),
            None => unknown = true,
            Some(true) => {}
        }
    }
    if unknown { None } else { Some(true) }
}

/// String equality with holes: equal strings are equal; strings whose known ends differ are not.
fn str_equal(x: &Str, y: &Str) -> Option<bool> {
    if x == y {
        return Some(true);
    }
    if x.is_known() && y.is_known() {
        return Some(false);
    }
    let (px, py) = (x.known_prefix(), y.known_prefix());
    if !(px.starts_with(py) || py.starts_with(px)) {
        return Some(false);
    }
    let sx = match x.parts().last() {
        Some(Part::Lit(t)) => t.as_str(),
        _ => "",
    };
    let sy = match y.parts().last() {
        Some(Part::Lit(t)) => t.as_str(),
        _ => "",
    };
    if !(sx.ends_with(sy) || sy.ends_with(sx)) {
        return Some(false);
    }
    // A known text shorter than the other's known parts cannot be equal to it.
    let lit_len = |s: &Str| -> usize {
        s.parts()
            .iter()
            .map(|p| if let Part::Lit(t) = p { t.len() } else { 0 })
            .sum()
    };
    if (x.is_known() && x.as_known().map_or(0, str::len) < lit_len(y))
        || (y.is_known() && y.as_known().map_or(0, str::len) < lit_len(x))
    {
        return Some(false);
    }
    None
}

fn strip_before(s: Strip, out: &mut Vec<Piece>) {
    if s.strip_start() {
        out.push(Piece::StripPrev);
    }
}

fn strip_after(s: Strip, out: &mut Vec<Piece>) {
    if s.strip_end() {
        out.push(Piece::StripNext);
    }
}

/// A JSON value (a literal default in `.tf.json`, the result of `jsondecode`) as a value.
pub(crate) fn value_from_node(n: &Node, depth: usize) -> Value {
    let o = n.origin.clone();
    if depth > crate::limits::MAX_EVAL_DEPTH {
        return Value::unknown("nesting limit", o);
    }
    match &n.kind {
        NodeKind::Null => Value::null(o),
        NodeKind::Bool(b) => Value::new(V::Bool(*b), o),
        NodeKind::Number(t) => Value::new(V::Num(t.parse::<f64>().unwrap_or(0.0)), o),
        NodeKind::String(s) => Value::string(s.clone(), o),
        NodeKind::Array(items) => Value::list(
            items
                .iter()
                .map(|i| value_from_node(i, depth + 1))
                .collect(),
            o,
        ),
        NodeKind::Object(entries) => Value::map(
            entries
                .iter()
                .map(|(k, ko, v)| (k.to_string(), ko.clone(), value_from_node(v, depth + 1)))
                .collect(),
            o,
        ),
        NodeKind::Unknown(k) => Value::unknown(k.clone(), o),
        NodeKind::Choice(alts) => Value::new(
            V::Choice(Arc::new(
                alts.iter().map(|a| value_from_node(a, depth + 1)).collect(),
            )),
            o,
        ),
    }
}
