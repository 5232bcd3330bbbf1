//! Values of the Terraform expression language as the evaluator sees them: known values, values
//! with unknown parts (holes), values picked by an undecidable condition, rendered JSON documents
//! and lazy references to resources and module instances.
//!
//! Every value carries the [`Origin`] of the expression that produced it, so that a policy built
//! from a `jsonencode({...})` object keeps the position of each statement.

use std::sync::Arc;

use passgraph_model::{FileId, Node, NodeKind, Origin, Part, Str, TextRange};

/// The key of one instance of a resource or module call.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum InstKey {
    /// No `count` or `for_each`.
    None,
    /// `count`: `[0]`.
    Int(i64),
    /// `for_each`: `["web"]`.
    Str(String),
    /// An instance whose key is not known offline.
    Unknown,
}

impl InstKey {
    /// The address suffix: ``, `[0]`, `["web"]`, `[*]`.
    pub(crate) fn suffix(&self) -> String {
        match self {
            InstKey::None => String::new(),
            InstKey::Int(i) => format!("[{i}]"),
            InstKey::Str(s) => format!("[{s:?}]"),
            InstKey::Unknown => "[*]".to_owned(),
        }
    }
}

/// A lazy reference to one resource instance: attributes are evaluated when read.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct ResKey {
    /// The module instance.
    pub(crate) inst: usize,
    /// The resource's index in its module.
    pub(crate) res: usize,
    /// The instance key.
    pub(crate) key: InstKey,
}

/// Maps the literal bytes of a [`Str`] (holes count as zero bytes) to file positions, so that a
/// JSON policy held in a heredoc, a `file()` or a `templatefile()` keeps per-statement positions.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct TextMap {
    segs: Vec<Seg>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct Seg {
    /// Length in literal bytes (0 for a hole).
    len: u32,
    file: FileId,
    /// File offset of the first byte (or the anchor when not exact).
    start: u32,
    /// The bytes map one to one onto the file.
    exact: bool,
}

impl TextMap {
    /// A map for `len` bytes that all point at `origin`'s start.
    pub(crate) fn anchored(len: usize, origin: &Origin) -> TextMap {
        TextMap {
            segs: vec![Seg {
                len: clamp(len),
                file: origin.file,
                start: origin.range.start,
                exact: false,
            }],
        }
    }

    /// A map for `len` bytes that line up with the file from `start`.
    pub(crate) fn exact(len: usize, file: FileId, start: usize) -> TextMap {
        TextMap {
            segs: vec![Seg {
                len: clamp(len),
                file,
                start: clamp(start),
                exact: true,
            }],
        }
    }

    /// Appends another map.
    pub(crate) fn append(&mut self, other: &TextMap) {
        self.segs.extend(other.segs.iter().copied());
    }

    /// Appends one exact segment.
    pub(crate) fn push_exact(&mut self, len: usize, file: FileId, start: usize) {
        self.segs.push(Seg {
            len: clamp(len),
            file,
            start: clamp(start),
            exact: true,
        });
    }

    /// Total literal length covered.
    pub(crate) fn len(&self) -> u64 {
        self.segs.iter().map(|s| u64::from(s.len)).sum()
    }

    /// The file position of literal byte `offset` (or of the end when past it).
    pub(crate) fn locate(&self, offset: u32) -> Option<(FileId, u32)> {
        let mut at = 0u32;
        let mut last = None;
        for s in &self.segs {
            let end = at.saturating_add(s.len);
            if offset < end || (s.len == 0 && offset == at) {
                let delta = if s.exact { offset - at } else { 0 };
                return Some((s.file, s.start.saturating_add(delta)));
            }
            last = Some((
                s.file,
                if s.exact {
                    s.start.saturating_add(s.len)
                } else {
                    s.start
                },
            ));
            at = end;
        }
        last
    }

    /// Keeps the map only when it covers exactly `len` bytes.
    pub(crate) fn checked(self, len: usize) -> Option<TextMap> {
        (self.len() == len as u64).then_some(self)
    }
}

fn clamp(v: usize) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

/// The entries of a map: key, the key's position, value.
pub(crate) type Entries = Vec<(String, Origin, Value)>;

/// A value.
#[derive(Clone, Debug)]
pub(crate) struct Value {
    pub(crate) v: V,
    pub(crate) origin: Origin,
    /// How big the value is (nodes plus a quarter of its string bytes), counted once when it is
    /// built, so that values shared many times (`[local.x, local.x]`) cannot grow without bound.
    pub(crate) size: u64,
}

/// The kinds of values.
#[derive(Clone, Debug)]
pub(crate) enum V {
    Null,
    Bool(bool),
    Num(f64),
    /// A string, possibly with holes; with a map to file positions when it was read from a
    /// template, heredoc or file.
    Str(Str, Option<Arc<TextMap>>),
    /// A list, tuple or set.
    List(Arc<Vec<Value>>),
    /// A map or object, sorted by key (Terraform iterates maps in lexical key order).
    Map(Arc<Entries>),
    /// A value wholly unknown offline; the key names where it comes from.
    Unknown(Arc<str>),
    /// One of several values, picked by a condition not known offline.
    Choice(Arc<Vec<Value>>),
    /// A JSON document (the result of `jsonencode` or a policy document's `json`): a string whose
    /// structure is kept with positions.
    Doc(Arc<Node>),
    /// A resource instance, read lazily.
    Res(ResKey),
    /// A module instance's outputs, read lazily.
    Module(usize),
}

impl Value {
    pub(crate) fn new(v: V, origin: Origin) -> Value {
        let size = match &v {
            V::Str(s, _) => {
                1 + s
                    .parts()
                    .iter()
                    .map(|p| {
                        if let Part::Lit(t) = p {
                            t.len() as u64 / 4
                        } else {
                            1
                        }
                    })
                    .sum::<u64>()
            }
            V::List(items) | V::Choice(items) => 1 + items.iter().map(|i| i.size).sum::<u64>(),
            V::Map(m) => {
                1 + m
                    .iter()
                    .map(|(k, _, x)| 1 + k.len() as u64 / 4 + x.size)
                    .sum::<u64>()
            }
            V::Doc(n) => node_size(n, 0),
            _ => 1,
        };
        Value { v, origin, size }
    }

    pub(crate) fn null(origin: Origin) -> Value {
        Value::new(V::Null, origin)
    }

    pub(crate) fn unknown(key: impl Into<Arc<str>>, origin: Origin) -> Value {
        Value::new(V::Unknown(key.into()), origin)
    }

    pub(crate) fn string(s: Str, origin: Origin) -> Value {
        Value::new(V::Str(s, None), origin)
    }

    pub(crate) fn lit(s: &str, origin: Origin) -> Value {
        Value::string(Str::lit(s), origin)
    }

    pub(crate) fn list(items: Vec<Value>, origin: Origin) -> Value {
        Value::new(V::List(Arc::new(items)), origin)
    }

    /// A map from entries in any order; the last of duplicate keys wins.
    pub(crate) fn map(mut entries: Vec<(String, Origin, Value)>, origin: Origin) -> Value {
        // Stable sort keeps source order among equal keys; then keep the last of each run.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out: Vec<(String, Origin, Value)> = Vec::with_capacity(entries.len());
        for e in entries {
            if let Some(last) = out.last_mut()
                && last.0 == e.0
            {
                *last = e;
                continue;
            }
            out.push(e);
        }
        Value::new(V::Map(Arc::new(out)), origin)
    }

    pub(crate) fn is_null(&self) -> bool {
        matches!(self.v, V::Null)
    }

    /// True when the value is wholly or partly not known offline.
    pub(crate) fn is_unknownish(&self) -> bool {
        match &self.v {
            V::Unknown(_) | V::Choice(_) => true,
            V::Str(s, _) => !s.is_known(),
            _ => false,
        }
    }

    /// The known boolean, converting strings as Terraform does.
    pub(crate) fn as_bool(&self) -> Option<bool> {
        match &self.v {
            V::Bool(b) => Some(*b),
            V::Str(s, _) => match s.as_known() {
                Some("true") => Some(true),
                Some("false") => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// The string, known or not.
    pub(crate) fn as_str(&self) -> Option<&Str> {
        match &self.v {
            V::Str(s, _) => Some(s),
            _ => None,
        }
    }

    /// The known number, converting strings as Terraform does.
    pub(crate) fn as_num(&self) -> Option<f64> {
        match &self.v {
            V::Num(n) => Some(*n),
            V::Str(s, _) => s.as_known().and_then(|t| t.trim().parse::<f64>().ok()),
            _ => None,
        }
    }

    /// The items of a list (or of a map, its values).
    pub(crate) fn items(&self) -> Option<Vec<Value>> {
        match &self.v {
            V::List(l) => Some(l.as_ref().clone()),
            V::Map(m) => Some(m.iter().map(|(_, _, v)| v.clone()).collect()),
            _ => None,
        }
    }

    /// The map entries.
    pub(crate) fn entries(&self) -> Option<&[(String, Origin, Value)]> {
        match &self.v {
            V::Map(m) => Some(m.as_slice()),
            _ => None,
        }
    }

    /// A map entry by key.
    pub(crate) fn get(&self, key: &str) -> Option<&Value> {
        self.entries()?
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, _, v)| v)
    }

    pub(crate) fn with_origin(mut self, origin: Origin) -> Value {
        self.origin = origin;
        self
    }
}

/// The size of a JSON tree, counted as for values (bounded by the depth limit).
fn node_size(n: &Node, depth: usize) -> u64 {
    if depth > crate::limits::MAX_EVAL_DEPTH {
        return 1;
    }
    match &n.kind {
        NodeKind::String(s) => {
            1 + s
                .parts()
                .iter()
                .map(|p| {
                    if let Part::Lit(t) = p {
                        t.len() as u64 / 4
                    } else {
                        1
                    }
                })
                .sum::<u64>()
        }
        NodeKind::Array(items) | NodeKind::Choice(items) => {
            1 + items.iter().map(|i| node_size(i, depth + 1)).sum::<u64>()
        }
        NodeKind::Object(e) => {
            1 + e
                .iter()
                .map(|(_, _, x)| 1 + node_size(x, depth + 1))
                .sum::<u64>()
        }
        _ => 1,
    }
}

/// Formats a number as Terraform prints it: integers without a fraction.
pub(crate) fn num_text(n: f64) -> String {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Marks the origins of every node of a tree with an address.
pub(crate) fn set_address(node: &mut Node, address: &Arc<str>) {
    node.origin.address = Some(address.clone());
    match &mut node.kind {
        NodeKind::Array(items) | NodeKind::Choice(items) => {
            for i in items {
                set_address(i, address);
            }
        }
        NodeKind::Object(entries) => {
            for (_, ko, v) in entries {
                ko.address = Some(address.clone());
                set_address(v, address);
            }
        }
        _ => {}
    }
}

/// The origin of a whole file (used for values read with `file()`).
pub(crate) fn file_origin(file: FileId, len: usize) -> Origin {
    Origin::new(file, TextRange::new(0, len))
}

/// A string value as JSON text, with holes kept as holes (the text is not JSON when a hole
/// stands for a non-string value; readers of such a text detect that).
pub(crate) fn render_json(node: &Node, out: &mut Str, depth: usize) {
    if depth > crate::limits::MAX_EVAL_DEPTH {
        out.push_str("null");
        return;
    }
    match &node.kind {
        NodeKind::Null => out.push_str("null"),
        NodeKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        NodeKind::Number(n) => out.push_str(n),
        NodeKind::String(s) => json_string(s, out),
        NodeKind::Array(items) => {
            out.push_str("[");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(",");
                }
                render_json(item, out, depth + 1);
            }
            out.push_str("]");
        }
        NodeKind::Object(entries) => {
            out.push_str("{");
            for (i, (k, _, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(",");
                }
                json_string(k, out);
                out.push_str(":");
                render_json(v, out, depth + 1);
            }
            out.push_str("}");
        }
        NodeKind::Unknown(key) => out.push(Part::Hole(key.into())),
        NodeKind::Choice(alts) => match alts.first() {
            Some(first) if alts.len() == 1 => render_json(first, out, depth + 1),
            _ => out.push(Part::Hole("conditional json value".into())),
        },
    }
}

fn json_string(s: &Str, out: &mut Str) {
    out.push_str("\"");
    for p in s.parts() {
        match p {
            Part::Lit(t) => out.push_str(&escape_json(t)),
            Part::Hole(k) => out.push(Part::Hole(k.clone())),
        }
    }
    out.push_str("\"");
}

/// Escapes text for a JSON string as Terraform's `jsonencode` does (`<`, `>`, `&` as `\u003c`...).
pub(crate) fn escape_json(t: &str) -> String {
    let mut o = String::with_capacity(t.len());
    for c in t.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            '<' => o.push_str("\\u003c"),
            '>' => o.push_str("\\u003e"),
            '&' => o.push_str("\\u0026"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04x}", c as u32)),
            c => o.push(c),
        }
    }
    o
}
