//! JSON texts with holes: a policy written as a heredoc, a `file()`, a `templatefile()` or a
//! quoted string, whose parts may be unknown (`"Resource": "arn:aws:iam::${var.account}:role/x"`).
//!
//! Each hole is replaced by a private-use character, the text is parsed by `passgraph-json`, and
//! the tree gets its holes back. A hole outside a JSON string (`"Resource": ${var.arns}`) is
//! quoted for parsing and becomes an unknown node. Node positions are mapped back through the
//! string's [`TextMap`] to the file, so each statement keeps its own line.

use std::sync::Arc;

use passgraph_model::value::Hole;
use passgraph_model::{Node, NodeKind, Origin, Part, Str, TextRange};

use crate::limits::MAX_HOLES;
use crate::value::{TextMap, V, Value, num_text};

const PUA: u32 = 0xE000;

fn is_placeholder(c: char) -> Option<usize> {
    let u = c as u32;
    (PUA..PUA + MAX_HOLES as u32)
        .contains(&u)
        .then(|| (u - PUA) as usize)
}

/// One stretch of the parse text and where it comes from in the string.
struct Seg {
    text_start: usize,
    text_len: usize,
    flat_start: u32,
    literal: bool,
}

/// Parses a string value holding JSON. `Err` carries a lower-case message.
pub(crate) fn str_to_node(
    s: &Str,
    map: Option<&TextMap>,
    fallback: &Origin,
) -> Result<Node, String> {
    let mut text = String::new();
    let mut segs: Vec<Seg> = Vec::new();
    let mut keys: Vec<(Hole, bool)> = Vec::new();
    let mut flat: u32 = 0;
    let (mut in_str, mut esc) = (false, false);
    for p in s.parts() {
        match p {
            Part::Lit(t) => {
                if t.chars().any(|c| is_placeholder(c).is_some()) {
                    return Err("the text holds private-use characters".to_owned());
                }
                segs.push(Seg {
                    text_start: text.len(),
                    text_len: t.len(),
                    flat_start: flat,
                    literal: true,
                });
                text.push_str(t);
                flat = flat.saturating_add(u32::try_from(t.len()).unwrap_or(u32::MAX));
                for c in t.chars() {
                    if esc {
                        esc = false;
                    } else if in_str && c == '\\' {
                        esc = true;
                    } else if c == '"' {
                        in_str = !in_str;
                    }
                }
            }
            Part::Hole(k) => {
                if keys.len() >= MAX_HOLES {
                    return Err("too many unknown parts".to_owned());
                }
                let c = char::from_u32(PUA + keys.len() as u32).unwrap_or('\u{E000}');
                keys.push((k.clone(), !in_str));
                let start = text.len();
                if in_str {
                    text.push(c);
                } else {
                    text.push('"');
                    text.push(c);
                    text.push('"');
                }
                segs.push(Seg {
                    text_start: start,
                    text_len: text.len() - start,
                    flat_start: flat,
                    literal: false,
                });
            }
        }
    }
    let mut node = passgraph_json::parse(fallback.file, &text).map_err(|e| e.message)?;
    let mapper = Mapper {
        segs: &segs,
        map,
        fallback,
    };
    restore(&mut node, &mapper, &keys, 0);
    Ok(node)
}

struct Mapper<'a> {
    segs: &'a [Seg],
    map: Option<&'a TextMap>,
    fallback: &'a Origin,
}

impl Mapper<'_> {
    fn flat(&self, off: usize) -> u32 {
        let i = self
            .segs
            .partition_point(|s| s.text_start <= off)
            .saturating_sub(1);
        match self.segs.get(i) {
            Some(s) if s.literal => {
                let d = off.saturating_sub(s.text_start).min(s.text_len);
                s.flat_start
                    .saturating_add(u32::try_from(d).unwrap_or(u32::MAX))
            }
            Some(s) => s.flat_start,
            None => 0,
        }
    }

    fn origin(&self, r: TextRange) -> Origin {
        let Some(map) = self.map else {
            return self.fallback.clone();
        };
        let start = map.locate(self.flat(r.start as usize));
        let end = if r.end > r.start {
            map.locate(self.flat(r.end as usize - 1))
        } else {
            start
        };
        match (start, end) {
            (Some((f, s)), Some((g, e))) if f == g && e >= s => {
                let end = if r.end > r.start {
                    e.saturating_add(1)
                } else {
                    s
                };
                Origin {
                    file: f,
                    range: TextRange { start: s, end },
                    address: self.fallback.address.clone(),
                }
            }
            (Some((f, s)), _) => Origin {
                file: f,
                range: TextRange { start: s, end: s },
                address: self.fallback.address.clone(),
            },
            _ => self.fallback.clone(),
        }
    }
}

fn restore_str(t: &str, keys: &[(Hole, bool)]) -> Result<Str, Hole> {
    let mut chars = t.chars();
    if let (Some(c), None) = (chars.next(), chars.next())
        && let Some(i) = is_placeholder(c)
        && let Some((k, true)) = keys.get(i)
    {
        return Err(k.clone());
    }
    let mut out = Str::default();
    let mut lit = String::new();
    for c in t.chars() {
        match is_placeholder(c).and_then(|i| keys.get(i)) {
            Some((k, _)) => {
                out.push_str(&lit);
                lit.clear();
                out.push(Part::Hole(k.clone()));
            }
            None => lit.push(c),
        }
    }
    out.push_str(&lit);
    Ok(out)
}

fn restore(node: &mut Node, m: &Mapper<'_>, keys: &[(Hole, bool)], depth: usize) {
    node.origin = m.origin(node.origin.range);
    if depth > crate::limits::MAX_EVAL_DEPTH {
        return;
    }
    match &mut node.kind {
        NodeKind::String(s) => {
            if let Some(t) = s.as_known()
                && t.chars().any(|c| is_placeholder(c).is_some())
            {
                match restore_str(t, keys) {
                    Ok(v) => *s = v,
                    Err(k) => node.kind = NodeKind::Unknown(k.key_arc().clone()),
                }
            }
        }
        NodeKind::Array(items) => {
            for i in items {
                restore(i, m, keys, depth + 1);
            }
        }
        NodeKind::Object(entries) => {
            for (k, ko, v) in entries {
                *ko = m.origin(ko.range);
                if let Some(t) = k.as_known()
                    && t.chars().any(|c| is_placeholder(c).is_some())
                {
                    *k = restore_str(t, keys).unwrap_or_else(|h| Str::from_parts([Part::Hole(h)]));
                }
                restore(v, m, keys, depth + 1);
            }
        }
        _ => {}
    }
}

/// A value as JSON, the way `jsonencode` sees it (lazy references must be forced first).
pub(crate) fn to_json_node(v: &Value, depth: usize) -> Node {
    let o = v.origin.clone();
    if depth > crate::limits::MAX_EVAL_DEPTH {
        return Node::new(NodeKind::Unknown(Arc::from("nesting limit")), o);
    }
    let kind = match &v.v {
        V::Null => NodeKind::Null,
        V::Bool(b) => NodeKind::Bool(*b),
        V::Num(n) => NodeKind::Number(num_text(*n)),
        V::Str(s, _) => NodeKind::String(s.clone()),
        V::List(items) => {
            NodeKind::Array(items.iter().map(|i| to_json_node(i, depth + 1)).collect())
        }
        V::Map(m) => NodeKind::Object(
            m.iter()
                .map(|(k, ko, x)| (Str::lit(k.clone()), ko.clone(), to_json_node(x, depth + 1)))
                .collect(),
        ),
        V::Unknown(k) => NodeKind::Unknown(k.clone()),
        V::Choice(alts) => {
            NodeKind::Choice(alts.iter().map(|a| to_json_node(a, depth + 1)).collect())
        }
        V::Doc(n) => {
            let mut s = Str::default();
            crate::value::render_json(n, &mut s, 0);
            NodeKind::String(s)
        }
        V::Res(_) | V::Module(_) => NodeKind::Unknown(Arc::from("unread reference")),
    };
    Node::new(kind, o)
}

/// A value used as a policy document: a rendered document, a JSON string, or a structure.
pub(crate) fn policy_node(v: &Value, depth: usize) -> Result<Node, String> {
    if depth > crate::limits::MAX_EVAL_DEPTH {
        return Ok(Node::new(
            NodeKind::Unknown(Arc::from("nesting limit")),
            v.origin.clone(),
        ));
    }
    match &v.v {
        V::Doc(n) => Ok(n.as_ref().clone()),
        V::Str(s, map) => {
            if s.is_known() && s.as_known().is_some_and(|t| t.trim().is_empty()) {
                return Err("the policy is an empty string".to_owned());
            }
            str_to_node(s, map.as_deref(), &v.origin)
        }
        V::Choice(alts) => {
            let mut out = Vec::new();
            for a in alts.iter() {
                out.push(policy_node(a, depth + 1)?);
            }
            Ok(Node::new(NodeKind::Choice(out), v.origin.clone()))
        }
        V::Null => Err("the policy is null".to_owned()),
        _ => Ok(to_json_node(v, depth + 1)),
    }
}
