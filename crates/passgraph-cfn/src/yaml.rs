//! YAML text → [`Node`] tree with byte positions, the way CloudFormation reads templates.
//!
//! The events of `yaml-rust2`'s parser carry a [`Marker`] (a character index) for every scalar,
//! sequence and mapping; this module builds the tree from them, so every node knows where it is.
//! On top of plain YAML it does what CloudFormation does:
//!
//! - short-form tags become the one-key mappings of the long form (`!Sub x` → `{"Fn::Sub": x}`,
//!   `!Ref x` → `{"Ref": x}`, `!Condition x` → `{"Condition": x}`, `!GetAtt a.b.c` →
//!   `{"Fn::GetAtt": ["a", "b.c"]}`), as cfn-lint decodes them;
//! - anchors, aliases and merge keys (`<<`) are expanded;
//! - plain scalars are typed with the YAML 1.1 rules CloudFormation accepts (`yes`/`no`/`on`/`off`
//!   are booleans), except that dates stay strings (`Version: 2012-10-17`).
//!
//! Hostile input is bounded: nesting deeper than [`MAX_DEPTH`] and alias expansion beyond
//! [`MAX_NODES`] nodes stop the load with an error at the offending position.

use passgraph_model::hash::HashMap;

use passgraph_model::{Code, Diagnostic, FileId, Node, NodeKind, Origin, Str, TextRange};
use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Deepest nesting of sequences and mappings accepted (the JSON reader's limit).
pub(crate) const MAX_DEPTH: usize = passgraph_json::MAX_DEPTH;

/// Most nodes a document may expand to, aliases included (a billion-laughs guard). A template
/// is at most 1 MB (the CloudFormation quota), a few hundred thousand nodes without aliases.
pub(crate) const MAX_NODES: usize = 1_000_000;

/// The functions that have a YAML short form (`!Name`), besides `!Ref` and `!Condition`.
const SHORT_FORMS: &[&str] = &[
    "And",
    "Base64",
    "Cidr",
    "Equals",
    "FindInMap",
    "ForEach",
    "GetAZs",
    "GetAtt",
    "If",
    "ImportValue",
    "Join",
    "Length",
    "Not",
    "Or",
    "Select",
    "Split",
    "Sub",
    "ToJsonString",
    "Transform",
];

/// Why a text could not be loaded, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LoadError {
    /// Byte offset of the problem.
    pub(crate) offset: usize,
    /// Lower-case message.
    pub(crate) message: String,
    /// `Syntax` or `Limit`.
    pub(crate) code: Code,
    /// The parser stopped inside a flow collection (`[...]`, `{...}`).
    pub(crate) in_flow: bool,
}

/// What a load gives: the first document (none for an empty stream) and what was noticed.
#[derive(Debug, Default)]
pub(crate) struct Loaded {
    pub(crate) root: Option<Node>,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

/// Most repairs tried on one text (see [`repair`]).
const MAX_REPAIRS: usize = 32;

/// Loads the first document of a YAML stream.
///
/// YAML that yaml-rust2 refuses and that CloudFormation (SnakeYAML, like PyYAML) accepts is
/// repaired where the parser stops, and loaded again: see [`repair`]. Repairs keep every byte
/// offset, so positions stay those of the text as written; the first error is reported when no
/// repair applies.
pub(crate) fn load(file: FileId, text: &str) -> Result<Loaded, LoadError> {
    let mut first: Option<LoadError> = None;
    let mut repaired: Option<String> = None;
    for _ in 0..=MAX_REPAIRS {
        let current = repaired.as_deref().unwrap_or(text);
        match load_once(file, current) {
            Ok(l) => return Ok(l),
            Err(e) => {
                let next = repair(current, &e);
                let first = first.get_or_insert(e);
                match next {
                    Some(t) => repaired = Some(t),
                    None => return Err(first.clone()),
                }
            }
        }
    }
    Err(first.unwrap_or_else(|| LoadError {
        offset: 0,
        message: "invalid YAML".to_owned(),
        code: Code::Syntax,
        in_flow: false,
    }))
}

/// A same-length rewrite of `text` that gets past `error`, for the shapes PyYAML and
/// SnakeYAML (hence CloudFormation and cfn-lint) accept and yaml-rust2 refuses:
///
/// - a flow collection whose closing `]` or `}` starts a line left of where yaml-rust2 wants it
///   (`B: {` ... `}` at the indentation of the mapping that holds `B`): the line breaks before
///   the bracket become spaces, so the bracket closes on the line of the content before it (a
///   comment on that line is blanked first, it would swallow the bracket);
/// - likewise an entry of a flow collection on a line indented less than yaml-rust2 wants,
///   when the line before ends between tokens (`,`, `[`, `{`): in a flow collection a line
///   break there is only a separator;
/// - a comment with no space before `#` after a quoted scalar or a flow collection
///   (`'text'#comment`): PyYAML starts a comment there; the comment is blanked;
/// - a quoted scalar whose continuation lines start at or left of its key (`Value: 'text` then
///   `more text'` at the key's indentation; PyYAML does not check their indentation): its line
///   breaks become spaces, so the value keeps the indentation of those lines as spaces where
///   PyYAML folds each break and indentation to one space (a description, in practice).
///
/// Only whitespace and comments change, byte for byte, so offsets are those of `text`.
fn repair(text: &str, error: &LoadError) -> Option<String> {
    if error.code != Code::Syntax {
        return None;
    }
    let bytes = text.as_bytes();
    let at = error.offset.min(bytes.len());
    if error.message.contains("indentation in quoted scalar") {
        return unbreak_quoted(bytes, at);
    }
    let here = line_start(bytes, at);
    // The error's line, then the one before it (a comment is reported where the next token is).
    let before = here.checked_sub(1).map(|i| line_start(bytes, i));
    for start in std::iter::once(here).chain(before) {
        let end = line_end(bytes, start);
        let first = (start..end).find(|&i| !matches!(bytes.get(i), Some(b' ' | b'\t')));
        if start == here
            && error.message.contains("indentation")
            && let Some(b) = first
        {
            let bracket = matches!(bytes.get(b), Some(b']' | b'}'));
            if bracket || error.in_flow {
                return join_to_previous(bytes, b, !bracket);
            }
        }
        if let Some(c) = glued_comment(bytes.get(start..end).unwrap_or_default()) {
            let mut out = bytes.to_vec();
            out.get_mut(start + c..end)?.fill(b' ');
            return String::from_utf8(out).ok();
        }
    }
    None
}

/// `bytes` with the line breaks of the quoted scalar that opens at `at` turned into spaces;
/// `None` when no quote opens there or it does not close.
fn unbreak_quoted(bytes: &[u8], at: usize) -> Option<String> {
    let q = *bytes.get(at)?;
    if q != b'\'' && q != b'"' {
        return None;
    }
    let mut i = at + 1;
    let end = loop {
        match *bytes.get(i)? {
            b'\\' if q == b'"' => i += 2,
            b'\'' if q == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            c if c == q => break i,
            _ => i += 1,
        }
    };
    let mut out = bytes.to_vec();
    let inside = out.get_mut(at + 1..end)?;
    if !inside.contains(&b'\n') {
        return None;
    }
    for x in inside {
        if matches!(*x, b'\n' | b'\r') {
            *x = b' ';
        }
    }
    String::from_utf8(out).ok()
}

fn line_start(bytes: &[u8], i: usize) -> usize {
    bytes
        .get(..i)
        .and_then(|b| b.iter().rposition(|&c| c == b'\n'))
        .map_or(0, |p| p + 1)
}

fn line_end(bytes: &[u8], i: usize) -> usize {
    bytes
        .get(i..)
        .and_then(|b| b.iter().position(|&c| c == b'\n' || c == b'\r'))
        .map_or(bytes.len(), |p| i + p)
}

/// `bytes` with the line breaks before `b` turned into spaces (and comments on the way
/// blanked), so that the token at `b` continues the line of the content before it. With
/// `between_tokens`, only when that content ends with `,`, `[` or `{`.
fn join_to_previous(bytes: &[u8], b: usize, between_tokens: bool) -> Option<String> {
    let mut out = bytes.to_vec();
    let mut p = b;
    loop {
        while p > 0 && matches!(out.get(p - 1), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            p -= 1;
        }
        if p == 0 {
            return None;
        }
        let ls = line_start(&out, p - 1);
        match comment_start(out.get(ls..p)?) {
            Some(c) => {
                out.get_mut(ls + c..p)?.fill(b' ');
                p = ls + c;
            }
            None => break,
        }
    }
    if between_tokens && !matches!(out.get(p - 1), Some(b',' | b'[' | b'{')) {
        return None;
    }
    let gap = out.get_mut(p..b)?;
    if !gap.contains(&b'\n') {
        return None;
    }
    for x in gap {
        if matches!(*x, b'\n' | b'\r') {
            *x = b' ';
        }
    }
    String::from_utf8(out).ok()
}

/// Where the quoted scalars of one line close: a quote opens one only where a token starts.
fn scan_line(line: &[u8], mut on: impl FnMut(usize, bool) -> bool) {
    let mut i = 0;
    let mut prev = b' ';
    while i < line.len() {
        let c = line[i];
        let token_start = matches!(prev, b' ' | b'\t' | b'[' | b'{' | b',');
        if (c == b'\'' || c == b'"') && token_start {
            // Skip the quoted scalar (to the end of the line when it goes on).
            let q = c;
            i += 1;
            while i < line.len() {
                match line[i] {
                    b'\\' if q == b'"' => i += 2,
                    x if x == q && q == b'\'' && line.get(i + 1) == Some(&b'\'') => i += 2,
                    x if x == q => break,
                    _ => i += 1,
                }
            }
            prev = q;
            i += 1;
            continue;
        }
        if c == b'#' && on(i, matches!(prev, b' ' | b'\t')) {
            return;
        }
        prev = c;
        i += 1;
    }
}

/// Where a comment starts on a line (`#` after a space, at the start, or glued to a closing
/// quote or bracket), outside quoted scalars.
fn comment_start(line: &[u8]) -> Option<usize> {
    let mut found = None;
    scan_line(line, |i, spaced| {
        let glued = i > 0 && matches!(line[i - 1], b'\'' | b'"' | b']' | b'}');
        if spaced || i == 0 || glued {
            found = Some(i);
            return true;
        }
        false
    });
    found
}

/// Where a comment glued to a closing quote or bracket starts (`'text'#comment`).
fn glued_comment(line: &[u8]) -> Option<usize> {
    let mut found = None;
    scan_line(line, |i, spaced| {
        if spaced || i == 0 {
            // A real comment: nothing after it matters.
            return true;
        }
        if matches!(line[i - 1], b'\'' | b'"' | b']' | b'}') {
            found = Some(i);
            return true;
        }
        false
    });
    found
}

fn load_once(file: FileId, text: &str) -> Result<Loaded, LoadError> {
    let (body, base) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, '\u{feff}'.len_utf8()),
        None => (text, 0),
    };
    let mut b = Builder::new(file, body, base);
    let mut parser = Parser::new_from_str(body);
    loop {
        let (event, mark) = parser
            .next_token()
            .map_err(|e| b.scan_error(e.marker(), e.info()))?;
        match event {
            Event::StreamEnd => break,
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => {}
            Event::DocumentStart => {
                if b.documents > 0 {
                    // CloudFormation reads one document; say so and ignore the rest.
                    b.diags.push(Diagnostic::warning(
                        Code::Shape,
                        "the file holds more than one YAML document; only the first is read",
                        Some(b.origin(b.byte(mark.index()), b.byte(mark.index()))),
                    ));
                    break;
                }
                b.documents += 1;
            }
            Event::Alias(id) => {
                let at = b.byte(mark.index());
                let Some(&(_, size)) = b.anchors.get(&id) else {
                    return Err(b.error(at, "alias to an unknown anchor".to_owned(), Code::Syntax));
                };
                // Charged before the copy is made: a billion-laughs alias fails without it.
                b.charge(size, at)?;
                let Some((node, _)) = b.anchors.get(&id) else {
                    return Err(b.error(at, "alias to an unknown anchor".to_owned(), Code::Syntax));
                };
                let mut node = node.clone();
                // An alias is used where it stands: its top node points there.
                node.origin = b.origin(at, at);
                b.complete(node, size);
            }
            Event::Scalar(value, style, anchor, tag) => {
                let start = b.byte(mark.index());
                let limit = match parser.peek() {
                    Ok((_, next)) => b.byte(next.index()),
                    Err(e) => return Err(b.scan_error(e.marker(), e.info())),
                };
                b.scalar(value, style, anchor, tag.as_ref(), start, limit)?;
            }
            Event::SequenceStart(anchor, tag) => b.open(false, anchor, tag, mark)?,
            Event::MappingStart(anchor, tag) => b.open(true, anchor, tag, mark)?,
            Event::SequenceEnd | Event::MappingEnd => b.close(mark)?,
        }
    }
    Ok(Loaded {
        root: b.root,
        diagnostics: b.diags,
    })
}

enum Body {
    Seq(Vec<Node>),
    Map {
        entries: Vec<(Str, Origin, Node)>,
        merges: Vec<Node>,
        key: Option<Key>,
    },
}

/// A mapping key waiting for its value.
struct Key {
    text: Str,
    origin: Origin,
    /// The plain, untagged key `<<`.
    merge: bool,
}

struct Frame {
    body: Body,
    start: usize,
    anchor: usize,
    tag: Option<Tag>,
    flow: bool,
    size: usize,
}

struct Builder<'a> {
    file: FileId,
    text: &'a str,
    base: usize,
    /// Byte offset of every character, when the text is not ASCII (markers count characters).
    char_bytes: Option<Vec<usize>>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Node, usize)>,
    nodes: usize,
    documents: usize,
    root: Option<Node>,
    diags: Vec<Diagnostic>,
}

impl<'a> Builder<'a> {
    fn new(file: FileId, text: &'a str, base: usize) -> Builder<'a> {
        let char_bytes = if text.is_ascii() {
            None
        } else {
            Some(text.char_indices().map(|(i, _)| i).collect())
        };
        Builder {
            file,
            text,
            base,
            char_bytes,
            stack: Vec::new(),
            anchors: HashMap::default(),
            nodes: 0,
            documents: 0,
            root: None,
            diags: Vec::new(),
        }
    }

    /// Byte offset (in `text`, without the BOM) of a character index.
    fn byte(&self, char_index: usize) -> usize {
        match &self.char_bytes {
            None => char_index.min(self.text.len()),
            Some(map) => map.get(char_index).copied().unwrap_or(self.text.len()),
        }
    }

    fn origin(&self, start: usize, end: usize) -> Origin {
        Origin::new(
            self.file,
            TextRange::new(start + self.base, end.max(start) + self.base),
        )
    }

    fn error(&self, at: usize, message: String, code: Code) -> LoadError {
        LoadError {
            offset: at + self.base,
            message,
            code,
            in_flow: self.stack.last().is_some_and(|f| f.flow),
        }
    }

    fn scan_error(&self, mark: &Marker, info: &str) -> LoadError {
        let code = if info.contains("recursion limit") {
            Code::Limit
        } else {
            Code::Syntax
        };
        let message = if code == Code::Limit {
            format!("nesting deeper than the YAML parser allows ({info})")
        } else {
            format!("invalid YAML: {info}")
        };
        self.error(self.byte(mark.index()), message, code)
    }

    /// Counts `n` more nodes against the budget.
    fn charge(&mut self, n: usize, at: usize) -> Result<(), LoadError> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > MAX_NODES {
            return Err(self.error(
                at,
                format!("the document expands to more than {MAX_NODES} nodes (alias expansion)"),
                Code::Limit,
            ));
        }
        Ok(())
    }

    fn open(
        &mut self,
        map: bool,
        anchor: usize,
        tag: Option<Tag>,
        mark: Marker,
    ) -> Result<(), LoadError> {
        let start = self.byte(mark.index());
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.error(
                start,
                format!("nesting deeper than {MAX_DEPTH} levels"),
                Code::Limit,
            ));
        }
        self.charge(1, start)?;
        let opener = self.text.as_bytes().get(start).copied();
        let flow = self.stack.last().is_some_and(|f| f.flow) || matches!(opener, Some(b'[' | b'{'));
        let body = if map {
            Body::Map {
                entries: Vec::new(),
                merges: Vec::new(),
                key: None,
            }
        } else {
            Body::Seq(Vec::new())
        };
        self.stack.push(Frame {
            body,
            start,
            anchor,
            tag,
            flow,
            size: 1,
        });
        Ok(())
    }

    fn close(&mut self, mark: Marker) -> Result<(), LoadError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let at = self.byte(mark.index());
        let end = self.trim_back(frame.start, at);
        let (kind, mut start) = match frame.body {
            Body::Seq(items) => (NodeKind::Array(items), frame.start),
            Body::Map {
                mut entries,
                merges,
                key,
            } => {
                if let Some(k) = key {
                    // A key without a value (only possible at the very end of a broken stream).
                    entries.push((
                        k.text,
                        k.origin.clone(),
                        Node::new(NodeKind::Null, k.origin),
                    ));
                }
                // Block mappings start at their first key, which the event marks one column late.
                let first = entries.first().map_or(frame.start, |(_, o, _)| {
                    (o.range.start as usize).saturating_sub(self.base)
                });
                let merged = self.merge(entries, merges);
                (NodeKind::Object(merged), frame.start.min(first))
            }
        };
        if start > end {
            start = end;
        }
        let node = Node::new(kind, self.origin(start, end));
        self.finish(node, frame.size, frame.anchor, frame.tag.as_ref(), start)
    }

    /// Applies merge keys: keys written in the mapping win; among merged mappings, earlier win.
    fn merge(
        &mut self,
        mut entries: Vec<(Str, Origin, Node)>,
        merges: Vec<Node>,
    ) -> Vec<(Str, Origin, Node)> {
        for m in merges {
            let sources: Vec<Node> = match m.kind {
                NodeKind::Object(_) => vec![m],
                NodeKind::Array(items) => items,
                _ => {
                    self.diags.push(Diagnostic::warning(
                        Code::Shape,
                        format!(
                            "a merge key (<<) needs a mapping or a list of mappings, found {}",
                            m.kind_name()
                        ),
                        Some(m.origin),
                    ));
                    continue;
                }
            };
            for src in sources {
                let NodeKind::Object(more) = src.kind else {
                    self.diags.push(Diagnostic::warning(
                        Code::Shape,
                        format!("a merge key (<<) needs mappings, found {}", src.kind_name()),
                        Some(src.origin),
                    ));
                    continue;
                };
                for (k, ko, v) in more {
                    if !entries.iter().any(|(e, _, _)| *e == k) {
                        entries.push((k, ko, v));
                    }
                }
            }
        }
        entries
    }

    fn scalar(
        &mut self,
        value: String,
        style: TScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        start: usize,
        limit: usize,
    ) -> Result<(), LoadError> {
        self.charge(1, start)?;
        let flow = self.stack.last().is_some_and(|f| f.flow);
        let end = self.scalar_end(style, start, limit, flow);
        let origin = self.origin(start, end);
        // A mapping key: keys are text, whatever they look like.
        if let Some(Frame {
            body: Body::Map {
                key: key @ None, ..
            },
            ..
        }) = self.stack.last_mut()
            && (tag.is_none() || is_standard(tag, "str") || is_non_specific(tag))
        {
            let merge = tag.is_none() && style == TScalarStyle::Plain && value == "<<";
            if anchor > 0 {
                let n = Node::new(NodeKind::String(Str::lit(value.clone())), origin.clone());
                self.anchors.insert(anchor, (n, 1));
            }
            *key = Some(Key {
                text: Str::lit(value),
                origin,
                merge,
            });
            return Ok(());
        }
        let kind = match tag {
            None if style == TScalarStyle::Plain => plain_kind(value),
            None => NodeKind::String(Str::lit(value)),
            Some(t) if t.handle == "tag:yaml.org,2002:" => match t.suffix.as_str() {
                "null" => NodeKind::Null,
                "bool" => match plain_kind(value) {
                    b @ NodeKind::Bool(_) => b,
                    other => other,
                },
                "int" | "float" => NodeKind::Number(value),
                _ => NodeKind::String(Str::lit(value)),
            },
            // A local tag (`!Ref`): the value is the scalar as written, typed later by the function.
            Some(_) => NodeKind::String(Str::lit(value)),
        };
        let node = Node::new(kind, origin);
        self.finish(node, 1, anchor, tag, start)
    }

    /// Wraps a finished node in its tag's function, registers its anchor, and hands it to the parent.
    fn finish(
        &mut self,
        node: Node,
        size: usize,
        anchor: usize,
        tag: Option<&Tag>,
        start: usize,
    ) -> Result<(), LoadError> {
        let (node, size) = match tag {
            // The non-specific tag `!`: the node is taken as it is (a scalar as a string).
            Some(t) if is_non_specific(Some(t)) => (node, size),
            Some(t) if t.handle == "!" => self.short_form(t, node, size, start),
            Some(t) if t.handle == "tag:yaml.org,2002:" => (node, size),
            Some(t) => {
                let at = self.tag_start(t, start);
                self.diags.push(Diagnostic::warning(
                    Code::Unsupported,
                    format!(
                        "unknown YAML tag {}{}; the value is kept as unknown",
                        t.handle, t.suffix
                    ),
                    Some(self.origin(at, at)),
                ));
                let origin = node.origin.clone();
                (
                    Node::new(
                        NodeKind::Unknown(
                            format!("unknown YAML tag {}{}", t.handle, t.suffix).into(),
                        ),
                        origin,
                    ),
                    size,
                )
            }
            None => (node, size),
        };
        if anchor > 0 {
            self.anchors.insert(anchor, (node.clone(), size));
        }
        self.complete(node, size);
        Ok(())
    }

    /// The long form of a short-form tag.
    fn short_form(&mut self, tag: &Tag, node: Node, size: usize, start: usize) -> (Node, usize) {
        let name = tag.suffix.as_str();
        let at = self.tag_start(tag, start);
        let key_origin = self.origin(at, at + 1 + name.len());
        let origin = Origin::new(
            self.file,
            TextRange::new(
                at + self.base,
                (node.origin.range.end as usize).max(at + self.base),
            ),
        );
        let key = match name {
            "Ref" | "Condition" => name.to_owned(),
            _ if SHORT_FORMS.contains(&name) => format!("Fn::{name}"),
            _ => {
                self.diags.push(Diagnostic::warning(
                    Code::Unsupported,
                    format!("unknown YAML tag !{name}; the value is kept as unknown"),
                    Some(key_origin),
                ));
                return (
                    Node::new(
                        NodeKind::Unknown(format!("unknown YAML tag !{name}").into()),
                        origin,
                    ),
                    size,
                );
            }
        };
        let value = match (name, &node.kind) {
            // `!GetAtt Resource.Attribute.With.Dots`: split at the first dot.
            ("GetAtt", NodeKind::String(s)) => match s.as_known().and_then(|t| t.split_once('.')) {
                Some((res, attr)) => Node::new(
                    NodeKind::Array(vec![
                        Node::new(NodeKind::String(Str::lit(res)), node.origin.clone()),
                        Node::new(NodeKind::String(Str::lit(attr)), node.origin.clone()),
                    ]),
                    node.origin.clone(),
                ),
                None => node,
            },
            _ => node,
        };
        (
            Node::new(
                NodeKind::Object(vec![(Str::lit(key), key_origin, value)]),
                origin,
            ),
            size + 1,
        )
    }

    /// Where a tag is written: it precedes the node, possibly on an earlier line.
    fn tag_start(&self, tag: &Tag, node_start: usize) -> usize {
        let bytes = self.text.as_bytes();
        let mut i = node_start.min(bytes.len());
        while i > 0 && matches!(bytes.get(i - 1), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            i -= 1;
        }
        let written = if tag.handle == "!" {
            format!("!{}", tag.suffix)
        } else {
            String::new()
        };
        if !written.is_empty() && self.text.get(..i).is_some_and(|s| s.ends_with(&written)) {
            return i - written.len();
        }
        // Verbatim or prefixed tags: the nearest `!` before the node on the same stretch.
        let mut j = i;
        while j > 0 {
            match bytes.get(j - 1) {
                Some(b'!') => return j - 1,
                Some(b'\n' | b':' | b'-' | b',' | b'[' | b'{') => break,
                _ => j -= 1,
            }
        }
        node_start
    }

    /// Hands a finished node to the enclosing collection (or makes it the root).
    fn complete(&mut self, node: Node, size: usize) {
        let Some(parent) = self.stack.last_mut() else {
            if self.root.is_none() {
                self.root = Some(node);
            }
            return;
        };
        parent.size = parent.size.saturating_add(size);
        match &mut parent.body {
            Body::Seq(items) => items.push(node),
            Body::Map {
                entries,
                merges,
                key,
            } => match key.take() {
                Some(k) if k.merge => merges.push(node),
                Some(k) => entries.push((k.text, k.origin, node)),
                None => {
                    // A key that came through an alias or a tag: scalars give their text.
                    if let Some(text) = node.scalar_text() {
                        *key = Some(Key {
                            text,
                            origin: node.origin,
                            merge: false,
                        });
                        return;
                    }
                    if matches!(node.kind, NodeKind::Null) {
                        *key = Some(Key {
                            text: Str::lit("null"),
                            origin: node.origin,
                            merge: false,
                        });
                        return;
                    }
                    // A complex key (a list or a mapping): CloudFormation keys are strings, so
                    // keep a placeholder that nothing will look up.
                    let origin = node.origin.clone();
                    self.diags.push(Diagnostic::warning(
                        Code::Shape,
                        format!("a mapping key must be a string, found {}", node.kind_name()),
                        Some(origin.clone()),
                    ));
                    *key = Some(Key {
                        text: Str::lit(format!("<{} key>", node.kind_name())),
                        origin,
                        merge: false,
                    });
                }
            },
        }
    }

    /// The end of a scalar that starts at `start`, never beyond `limit` (the next event).
    fn scalar_end(&self, style: TScalarStyle, start: usize, limit: usize, flow: bool) -> usize {
        let bytes = self.text.as_bytes();
        let limit = limit.clamp(start, bytes.len());
        let mut i = start;
        match style {
            TScalarStyle::DoubleQuoted => {
                i += 1;
                while i < limit {
                    match bytes.get(i) {
                        Some(b'\\') => i += 2,
                        Some(b'"') => return i + 1,
                        _ => i += 1,
                    }
                }
                self.trim_back(start, limit)
            }
            TScalarStyle::SingleQuoted => {
                i += 1;
                while i < limit {
                    match (bytes.get(i), bytes.get(i + 1)) {
                        (Some(b'\''), Some(b'\'')) => i += 2,
                        (Some(b'\''), _) => return i + 1,
                        _ => i += 1,
                    }
                }
                self.trim_back(start, limit)
            }
            TScalarStyle::Plain => {
                while i < limit {
                    match bytes.get(i) {
                        Some(b'\n' | b'\r') => break,
                        Some(b' ' | b'\t') if bytes.get(i + 1) == Some(&b'#') => break,
                        Some(b':')
                            if matches!(
                                bytes.get(i + 1),
                                None | Some(b' ' | b'\t' | b'\n' | b'\r')
                            ) =>
                        {
                            break;
                        }
                        Some(b',' | b']' | b'}') if flow => break,
                        _ => i += 1,
                    }
                }
                self.trim_back(start, i)
            }
            TScalarStyle::Literal | TScalarStyle::Folded => self.trim_back(start, limit),
        }
    }

    /// `end` moved back over whitespace, not before `start`.
    fn trim_back(&self, start: usize, end: usize) -> usize {
        let bytes = self.text.as_bytes();
        let mut e = end.min(bytes.len());
        while e > start && matches!(bytes.get(e - 1), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            e -= 1;
        }
        // Never end inside a multi-byte character.
        while e > start && !self.text.is_char_boundary(e) {
            e -= 1;
        }
        e
    }
}

fn is_non_specific(tag: Option<&Tag>) -> bool {
    // yaml-rust2 reports `!` as the handle "" with the suffix "!".
    tag.is_some_and(|t| {
        (t.handle == "!" && t.suffix.is_empty()) || (t.handle.is_empty() && t.suffix == "!")
    })
}

fn is_standard(tag: Option<&Tag>, suffix: &str) -> bool {
    tag.is_some_and(|t| t.handle == "tag:yaml.org,2002:" && t.suffix == suffix)
}

/// The type of a plain scalar under the YAML 1.1 rules CloudFormation accepts. Dates and
/// sexagesimal numbers stay strings: CloudFormation reads `Version: 2012-10-17` as text.
pub(crate) fn plain_kind(text: String) -> NodeKind {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => NodeKind::Null,
        "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => {
            NodeKind::Bool(true)
        }
        "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => {
            NodeKind::Bool(false)
        }
        t if is_number(t) => NodeKind::Number(text),
        _ => NodeKind::String(Str::lit(text)),
    }
}

fn is_number(t: &str) -> bool {
    let body = t.strip_prefix(['-', '+']).unwrap_or(t);
    if body.is_empty() {
        return false;
    }
    if let Some(hex) = body.strip_prefix("0x") {
        return !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit() || b == b'_');
    }
    if let Some(bin) = body.strip_prefix("0b") {
        return !bin.is_empty() && bin.bytes().all(|b| matches!(b, b'0' | b'1' | b'_'));
    }
    if matches!(body, ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    // Decimal integers and floats: digits, at most one dot, an optional exponent.
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (
            body.get(..i).unwrap_or(""),
            Some(body.get(i + 1..).unwrap_or("")),
        ),
        None => (body, None),
    };
    let digits = mantissa.bytes().filter(u8::is_ascii_digit).count();
    let dots = mantissa.bytes().filter(|&b| b == b'.').count();
    let valid_mantissa = digits > 0
        && dots <= 1
        && mantissa
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'_')
        && !mantissa.starts_with('_');
    let valid_exponent = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    valid_mantissa && valid_exponent
}

#[cfg(test)]
mod tests;
