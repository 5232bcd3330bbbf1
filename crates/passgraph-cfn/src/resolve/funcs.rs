//! The functions that compute values: `Fn::Sub`, `Fn::Join`, `Fn::Select`, `Fn::Split`,
//! `Fn::FindInMap`, `Fn::If`, `Fn::ImportValue`, `Fn::Base64`, and the strings they are made of
//! (a value picked by an undecided condition has several alternatives).

use passgraph_model::{Code, Level, Node, NodeKind, Origin, Str, Tri};

use super::{Ctx, MAX_ALTS, choice};
use crate::exists::Formula;

impl Ctx<'_> {
    /// The alternatives of a resolved scalar value, as strings.
    pub(crate) fn alts(&mut self, node: &Node) -> Vec<Str> {
        match &node.kind {
            NodeKind::String(s) => vec![s.clone()],
            NodeKind::Number(_) | NodeKind::Bool(_) => node.scalar_text().into_iter().collect(),
            NodeKind::Null => vec![Str::default()],
            NodeKind::Unknown(reason) => vec![self.unknown_str(reason)],
            NodeKind::Choice(alts) => {
                let mut out = Vec::new();
                for a in alts {
                    for s in self.alts(a) {
                        if !out.contains(&s) {
                            out.push(s);
                        }
                    }
                }
                out
            }
            NodeKind::Array(_) | NodeKind::Object(_) => {
                self.warn(
                    Code::Shape,
                    format!("expected a string, found {}", node.kind_name()),
                    &node.origin,
                );
                vec![Str::hole(self.key_at("value", node.origin.range.start))]
            }
        }
    }

    /// The value as one string, when it is not a choice.
    pub(crate) fn single_str(&mut self, node: &Node) -> Option<Str> {
        match self.alts(node).as_slice() {
            [s] => Some(s.clone()),
            _ => None,
        }
    }

    /// Builds a string value from alternatives.
    pub(super) fn string_of_alts(&mut self, alts: Vec<Str>, o: &Origin) -> Node {
        match alts.len() {
            0 => Node::new(NodeKind::String(Str::default()), o.clone()),
            1 => Node::new(
                NodeKind::String(alts.into_iter().next().unwrap_or_default()),
                o.clone(),
            ),
            _ => Node::new(
                NodeKind::Choice(
                    alts.into_iter()
                        .map(|s| Node::new(NodeKind::String(s), o.clone()))
                        .collect(),
                ),
                o.clone(),
            ),
        }
    }

    /// All concatenations of one alternative from each piece; too many give a hole.
    pub(super) fn product(&mut self, acc: Vec<Str>, next: &[Str], o: &Origin) -> Vec<Str> {
        if acc.len().saturating_mul(next.len()) > MAX_ALTS {
            let key = self.key_at("choices", o.range.start);
            self.once(
                &key,
                Level::Warning,
                Code::Limit,
                format!("a value has more than {MAX_ALTS} alternatives; it is kept as unknown"),
                o,
            );
            return vec![Str::hole(key)];
        }
        let mut out = Vec::with_capacity(acc.len() * next.len());
        for a in &acc {
            for b in next {
                let mut s = a.clone();
                s.append(b);
                if !out.contains(&s) {
                    out.push(s);
                }
            }
        }
        out
    }

    pub(super) fn sub(&mut self, arg: &Node, o: &Origin) -> Node {
        let (text_node, vars) = match &arg.kind {
            NodeKind::String(_) => (arg, None),
            NodeKind::Array(items) => match items.as_slice() {
                [t, v] => (t, Some(v)),
                [t] => (t, None),
                _ => {
                    self.warn(
                        Code::Shape,
                        "Fn::Sub needs a string or a list of a string and a mapping".to_owned(),
                        &arg.origin,
                    );
                    return Node::new(
                        NodeKind::String(Str::hole(self.key_at("Fn::Sub", o.range.start))),
                        o.clone(),
                    );
                }
            },
            _ => {
                self.warn(
                    Code::Shape,
                    format!("Fn::Sub needs a string, found {}", arg.kind_name()),
                    &arg.origin,
                );
                return Node::new(
                    NodeKind::String(Str::hole(self.key_at("Fn::Sub", o.range.start))),
                    o.clone(),
                );
            }
        };
        let Some(text) = text_node.as_known_str().map(str::to_owned) else {
            self.warn(
                Code::Shape,
                "the string of Fn::Sub must be written out, not computed".to_owned(),
                &text_node.origin,
            );
            return Node::new(
                NodeKind::String(Str::hole(self.key_at("Fn::Sub", o.range.start))),
                o.clone(),
            );
        };
        let vars = vars.cloned();
        let mut acc = vec![Str::default()];
        let mut rest = text.as_str();
        while let Some(i) = rest.find("${") {
            let (lit, after) = rest.split_at(i);
            for a in &mut acc {
                a.push_str(lit);
            }
            let after = after.get(2..).unwrap_or("");
            // `${!Literal}` is the text `${Literal}`.
            if let Some(literal) = after.strip_prefix('!') {
                for a in &mut acc {
                    a.push_str("${");
                }
                rest = literal;
                continue;
            }
            let Some(end) = after.find('}') else {
                for a in &mut acc {
                    a.push_str("${");
                }
                rest = after;
                continue;
            };
            let name = after.get(..end).unwrap_or("").trim();
            rest = after.get(end + 1..).unwrap_or("");
            let values = self.sub_var(name, vars.as_ref(), o);
            acc = self.product(acc, &values, o);
        }
        for a in &mut acc {
            a.push_str(rest);
        }
        self.string_of_alts(acc, o)
    }

    pub(super) fn sub_var(&mut self, name: &str, vars: Option<&Node>, o: &Origin) -> Vec<Str> {
        if let Some(v) = vars.and_then(|v| v.get(name)) {
            let v = v.clone();
            return match self.resolve(&v) {
                Some(n) => self.alts(&n),
                None => vec![Str::default()],
            };
        }
        if !name.starts_with("AWS::")
            && name.contains('.')
            && let Some((r, a)) = self.split_dotted(name)
        {
            return self.attribute(&r, &a, o);
        }
        match self.ref_name(name, o) {
            Some(n) => self.alts(&n),
            None => vec![Str::default()],
        }
    }

    pub(super) fn join(&mut self, arg: &Node, o: &Origin) -> Node {
        let [delim, list] = arg.items() else {
            self.warn(
                Code::Shape,
                "Fn::Join needs a delimiter and a list".to_owned(),
                &arg.origin,
            );
            return Node::new(
                NodeKind::String(Str::hole(self.key_at("Fn::Join", o.range.start))),
                o.clone(),
            );
        };
        // A delimiter that is not a string is unknown, never "".
        let delim = self
            .resolve(delim)
            .and_then(|d| d.scalar_text())
            .unwrap_or_else(|| Str::hole(self.key_at("Fn::Join.delimiter", o.range.start)));
        let Some(list) = self.resolve(list) else {
            return Node::new(NodeKind::String(Str::default()), o.clone());
        };
        let lists: Vec<Node> = match list.kind {
            NodeKind::Choice(alts) => alts,
            _ => vec![list],
        };
        let mut out: Vec<Str> = Vec::new();
        for l in lists {
            let joined = match &l.kind {
                NodeKind::Array(items) => {
                    let mut acc = vec![Str::default()];
                    for (n, item) in items.iter().enumerate() {
                        if n > 0 {
                            for a in &mut acc {
                                a.append(&delim);
                            }
                        }
                        let values = self.alts(item);
                        acc = self.product(acc, &values, o);
                    }
                    acc
                }
                NodeKind::Unknown(reason) => vec![Str::hole(reason.clone())],
                // An attribute known only after deploy may be a list (`Fn::GetAtt Vpc.Ipv6CidrBlocks`).
                NodeKind::String(s) if !s.is_known() => {
                    vec![Str::hole(format!("{}/joined", plain(s)))]
                }
                _ => {
                    self.warn(
                        Code::Shape,
                        format!("Fn::Join needs a list, found {}", l.kind_name()),
                        &l.origin,
                    );
                    vec![Str::hole(self.key_at("Fn::Join", o.range.start))]
                }
            };
            for s in joined {
                if !out.contains(&s) {
                    out.push(s);
                }
            }
        }
        self.string_of_alts(out, o)
    }

    pub(super) fn select(&mut self, arg: &Node, o: &Origin) -> Option<Node> {
        let [index, list] = arg.items() else {
            self.warn(
                Code::Shape,
                "Fn::Select needs an index and a list".to_owned(),
                &arg.origin,
            );
            return Some(Node::new(
                NodeKind::Unknown(self.key_at("Fn::Select", o.range.start)),
                o.clone(),
            ));
        };
        let index = self
            .resolve(index)
            .and_then(|i| i.scalar_text())
            .and_then(|s| s.as_known().and_then(|t| t.trim().parse::<usize>().ok()));
        let list = self.resolve(list)?;
        let Some(index) = index else {
            return Some(Node::new(
                NodeKind::Unknown(self.key_at("Fn::Select", o.range.start)),
                o.clone(),
            ));
        };
        let lists: Vec<Node> = match list.kind {
            NodeKind::Choice(alts) => alts,
            _ => vec![list],
        };
        let mut picked = Vec::new();
        for l in lists {
            match &l.kind {
                NodeKind::Array(items) => {
                    match items.get(index) {
                        Some(item) => {
                            let mut item = item.clone();
                            item.origin = o.clone();
                            picked.push(Some(item));
                        }
                        None => {
                            self.warn(Code::Shape, format!("Fn::Select index {index} is out of range (the list has {} items)", items.len()), o);
                            picked.push(Some(Node::new(
                                NodeKind::Unknown(self.key_at("Fn::Select", o.range.start)),
                                o.clone(),
                            )));
                        }
                    }
                }
                NodeKind::Unknown(reason) => {
                    let key: std::sync::Arc<str> = format!("{reason}[{index}]").into();
                    let kind = if self.item_classes.contains_key(reason) {
                        NodeKind::String(self.unknown_str(&key))
                    } else {
                        NodeKind::Unknown(key)
                    };
                    picked.push(Some(Node::new(kind, o.clone())));
                }
                // An attribute known only after deploy may be a list.
                NodeKind::String(s) if !s.is_known() => {
                    picked.push(Some(Node::new(
                        NodeKind::Unknown(format!("{s}[{index}]").into()),
                        o.clone(),
                    )));
                }
                _ => {
                    self.warn(
                        Code::Shape,
                        format!("Fn::Select needs a list, found {}", l.kind_name()),
                        &l.origin,
                    );
                    picked.push(Some(Node::new(
                        NodeKind::Unknown(self.key_at("Fn::Select", o.range.start)),
                        o.clone(),
                    )));
                }
            }
        }
        choice(picked, o)
    }

    pub(super) fn split(&mut self, arg: &Node, o: &Origin) -> Node {
        let [delim, source] = arg.items() else {
            self.warn(
                Code::Shape,
                "Fn::Split needs a delimiter and a string".to_owned(),
                &arg.origin,
            );
            return Node::new(
                NodeKind::Unknown(self.key_at("Fn::Split", o.range.start)),
                o.clone(),
            );
        };
        let Some(delim) = self
            .resolve(delim)
            .and_then(|d| d.as_known_str().map(str::to_owned))
        else {
            // A delimiter known only at deploy: the pieces are unknown (the cause has its own
            // diagnostic).
            return Node::new(
                NodeKind::Unknown(self.key_at("Fn::Split", o.range.start)),
                o.clone(),
            );
        };
        let Some(source) = self.resolve(source) else {
            return Node::new(NodeKind::Array(Vec::new()), o.clone());
        };
        if let NodeKind::Unknown(reason) = &source.kind {
            return Node::new(
                NodeKind::Unknown(format!("{reason}/split").into()),
                o.clone(),
            );
        }
        let lists: Vec<Node> = self
            .alts(&source)
            .into_iter()
            .map(|s| {
                let items = if delim.is_empty() {
                    vec![s]
                } else {
                    s.split(&delim)
                };
                Node::new(
                    NodeKind::Array(
                        items
                            .into_iter()
                            .map(|p| Node::new(NodeKind::String(p), o.clone()))
                            .collect(),
                    ),
                    o.clone(),
                )
            })
            .collect();
        match lists.len() {
            1 => lists
                .into_iter()
                .next()
                .unwrap_or_else(|| Node::new(NodeKind::Array(Vec::new()), o.clone())),
            _ => Node::new(NodeKind::Choice(lists), o.clone()),
        }
    }

    pub(super) fn find_in_map(&mut self, arg: &Node, o: &Origin) -> Option<Node> {
        let items = arg.items();
        let (Some(map), Some(top), Some(second)) = (items.first(), items.get(1), items.get(2))
        else {
            self.warn(
                Code::Shape,
                "Fn::FindInMap needs a map name and two keys".to_owned(),
                &arg.origin,
            );
            return Some(Node::new(
                NodeKind::Unknown(self.key_at("Fn::FindInMap", o.range.start)),
                o.clone(),
            ));
        };
        let default = items.get(3).and_then(|d| d.get("DefaultValue")).cloned();
        let unknown = |ctx: &mut Ctx<'_>| {
            Some(Node::new(
                NodeKind::Unknown(ctx.key_at("Fn::FindInMap", o.range.start)),
                o.clone(),
            ))
        };
        let map_name = self
            .resolve(map)
            .and_then(|m| m.as_known_str().map(str::to_owned));
        let Some(map_node) = map_name
            .as_deref()
            .and_then(|m| self.tpl.mappings.as_ref().and_then(|ms| ms.get(m)))
            .cloned()
        else {
            self.warn(
                Code::UnresolvedReference,
                format!(
                    "Fn::FindInMap names no mapping of the template ({})",
                    map_name.as_deref().unwrap_or("a computed name")
                ),
                o,
            );
            return unknown(self);
        };
        let tops = match self.resolve(top) {
            Some(n) => self.alts(&n),
            None => Vec::new(),
        };
        let seconds = match self.resolve(second) {
            Some(n) => self.alts(&n),
            None => Vec::new(),
        };
        let mut found: Vec<Node> = Vec::new();
        let mut undecided = false;
        for t in &tops {
            let level1: Vec<&Node> = match t.as_known() {
                Some(k) => map_node.get(k).into_iter().collect(),
                None => {
                    undecided = true;
                    map_node.entries().iter().map(|(_, _, v)| v).collect()
                }
            };
            for l1 in level1 {
                for s in &seconds {
                    let level2: Vec<&Node> = match s.as_known() {
                        Some(k) => l1.get(k).into_iter().collect(),
                        None => {
                            undecided = true;
                            l1.entries().iter().map(|(_, _, v)| v).collect()
                        }
                    };
                    for v in level2 {
                        if !found.iter().any(|f| f.kind == v.kind) {
                            found.push(v.clone());
                        }
                    }
                }
            }
        }
        if found.is_empty() {
            if let Some(d) = default {
                return self.resolve(&d);
            }
            if undecided {
                return unknown(self);
            }
            self.warn(
                Code::UnresolvedReference,
                "Fn::FindInMap finds no value for these keys".to_owned(),
                o,
            );
            return unknown(self);
        }
        let values: Vec<Option<Node>> = found
            .into_iter()
            .map(|v| {
                self.resolve(&v).map(|mut r| {
                    r.origin = o.clone();
                    r
                })
            })
            .collect();
        choice(values, o)
    }

    pub(super) fn fn_if(&mut self, arg: &Node, o: &Origin) -> Option<Node> {
        match self.if_arms(arg, o, false) {
            Ok(arms) => match arms.as_slice() {
                [(arm, _)] => self.resolve(arm),
                _ => {
                    let alts = arms.iter().map(|(a, _)| self.resolve(a)).collect();
                    choice(alts, o)
                }
            },
            Err(v) => Some(v),
        }
    }

    /// The arms of `Fn::If [cond, yes, no]` that may be taken, unresolved, each with the
    /// condition under which it is taken when `guards` is set (else `true`): the one the
    /// condition picks, or both when it cannot be decided. A malformed call is `Err` with its
    /// value.
    pub(super) fn if_arms<'a>(
        &mut self,
        arg: &'a Node,
        o: &Origin,
        guards: bool,
    ) -> Result<Vec<(&'a Node, Formula)>, Node> {
        let [cond, yes, no] = arg.items() else {
            self.warn(
                Code::Shape,
                "Fn::If needs a condition name and two values".to_owned(),
                &arg.origin,
            );
            return Err(Node::new(
                NodeKind::Unknown(self.key_at("Fn::If", o.range.start)),
                o.clone(),
            ));
        };
        let Some(name) = cond.as_known_str().map(str::to_owned) else {
            self.warn(
                Code::Shape,
                "Fn::If needs the name of a condition".to_owned(),
                &cond.origin,
            );
            let f = if guards { self.fresh() } else { Formula::TRUE };
            return Ok(vec![(yes, f.clone()), (no, f.negate())]);
        };
        match self.condition(&name, &cond.origin) {
            Tri::Yes => Ok(vec![(yes, Formula::TRUE)]),
            Tri::No => Ok(vec![(no, Formula::TRUE)]),
            Tri::Maybe => {
                let key = self.key(&format!("condition:{name}"));
                self.once(
                    &key,
                    Level::Note,
                    Code::UnknownValue,
                    format!("condition {name} cannot be decided offline; both branches are kept"),
                    &cond.origin,
                );
                if !guards {
                    return Ok(vec![(yes, Formula::TRUE), (no, Formula::TRUE)]);
                }
                let f = self.condition_formula(&name, &cond.origin);
                Ok(vec![(yes, f.clone()), (no, f.negate())])
            }
        }
    }

    pub(super) fn import_value(&mut self, arg: &Node, o: &Origin) -> Node {
        let names = match self.resolve(arg) {
            Some(n) => self.alts(&n),
            None => Vec::new(),
        };
        let holes: Vec<Str> = names
            .into_iter()
            .map(|n| {
                let key = format!("cfn:import:{n}");
                self.once(
                    &key,
                    Level::Note,
                    Code::UnknownValue,
                    format!("Fn::ImportValue {n} is exported by another stack; it stays symbolic"),
                    o,
                );
                Str::hole(key)
            })
            .collect();
        self.string_of_alts(holes, o)
    }

    pub(super) fn base64(&mut self, arg: &Node, o: &Origin) -> Node {
        let values = match self.resolve(arg) {
            Some(n) => self.alts(&n),
            None => Vec::new(),
        };
        let encoded: Vec<Str> = values
            .into_iter()
            .map(|v| match v.as_known() {
                Some(t) => Str::lit(base64(t.as_bytes())),
                None => Str::hole(self.key_at("Fn::Base64", o.range.start)),
            })
            .collect();
        self.string_of_alts(encoded, o)
    }
}

/// A value as text with its holes written as their bare keys: a name for a hole derived from it.
pub(super) fn plain(s: &Str) -> String {
    s.parts()
        .iter()
        .map(|p| match p {
            passgraph_model::Part::Lit(t) => t.as_str(),
            passgraph_model::Part::Hole(k) => k,
        })
        .collect()
}

/// Standard base64 with padding (`Fn::Base64`).
pub(super) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                let idx = ((n >> shift) & 63) as usize;
                out.push(char::from(ALPHABET.get(idx).copied().unwrap_or(b'A')));
            } else {
                out.push('=');
            }
        }
    }
    out
}
