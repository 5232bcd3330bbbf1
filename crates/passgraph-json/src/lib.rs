//! A JSON reader that keeps positions: JSON text → [`passgraph_model::Node`] tree, every node
//! with its byte span, so that findings and diagnostics can name file, line and column.
//!
//! It accepts RFC 8259 JSON (after an optional UTF-8 byte-order mark), keeps duplicate keys in
//! order (readers take the last, as most JSON consumers do), keeps numbers as written, and stops
//! at a nesting depth of [`MAX_DEPTH`] instead of overflowing the stack on hostile input.
//! It does no I/O.

use passgraph_model::{FileId, Node, NodeKind, Origin, Str, TextRange};

/// Deepest nesting accepted.
pub const MAX_DEPTH: usize = 256;

/// Why a text is not JSON, and where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct JsonError {
    /// Byte offset of the problem.
    pub offset: usize,
    /// Lower-case message.
    pub message: String,
}

/// Parses `text` (one JSON value, optionally after a BOM and whitespace).
///
/// # Errors
/// When the text is not JSON or nests deeper than [`MAX_DEPTH`].
pub fn parse(file: FileId, text: &str) -> Result<Node, JsonError> {
    let bytes = text.as_bytes();
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut p = Parser {
        file,
        text,
        bytes,
        pos: start,
        depth: 0,
    };
    p.ws();
    let v = p.value()?;
    p.ws();
    if p.pos != bytes.len() {
        return Err(p.err("trailing characters after the JSON value"));
    }
    Ok(v)
}

/// Parses a JSON text that is embedded in another document (a policy written as a JSON string
/// inside a template or a plan). Positions are relative to `base`, the origin of the string; the
/// embedded text's own offsets are added to `base.range.start` when `offset_map` is true (the
/// string had no escapes, so its bytes line up with the file), else every node gets `base`.
///
/// # Errors
/// When the embedded text is not JSON.
pub fn parse_embedded(base: &Origin, text: &str, offsets_line_up: bool) -> Result<Node, JsonError> {
    let mut node = parse(base.file, text)?;
    relocate(&mut node, base, offsets_line_up);
    Ok(node)
}

fn relocate(node: &mut Node, base: &Origin, shift: bool) {
    let fix = |o: &mut Origin| {
        if shift {
            let s = base.range.start;
            o.range = TextRange {
                start: s.saturating_add(o.range.start),
                end: s.saturating_add(o.range.end),
            };
        } else {
            o.range = base.range;
        }
        o.file = base.file;
        o.address.clone_from(&base.address);
    };
    fix(&mut node.origin);
    match &mut node.kind {
        NodeKind::Array(items) | NodeKind::Choice(items) => {
            for i in items {
                relocate(i, base, shift);
            }
        }
        NodeKind::Object(entries) => {
            for (_, ko, v) in entries {
                fix(ko);
                relocate(v, base, shift);
            }
        }
        _ => {}
    }
}

struct Parser<'a> {
    file: FileId,
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn err(&self, message: &str) -> JsonError {
        JsonError {
            offset: self.pos,
            message: message.to_owned(),
        }
    }

    fn origin(&self, start: usize) -> Origin {
        Origin::new(self.file, TextRange::new(start, self.pos))
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn value(&mut self) -> Result<Node, JsonError> {
        let start = self.pos;
        match self.bytes.get(self.pos) {
            None => Err(self.err("unexpected end of input, expected a value")),
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => {
                let s = self.string()?;
                Ok(Node::new(NodeKind::String(Str::lit(s)), self.origin(start)))
            }
            Some(b't') => self.keyword("true", NodeKind::Bool(true)),
            Some(b'f') => self.keyword("false", NodeKind::Bool(false)),
            Some(b'n') => self.keyword("null", NodeKind::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.err(&format!(
                "unexpected character {:?}, expected a value",
                self.peek_char()
            ))),
        }
    }

    fn peek_char(&self) -> char {
        self.text
            .get(self.pos..)
            .and_then(|s| s.chars().next())
            .unwrap_or('\u{fffd}')
    }

    fn keyword(&mut self, word: &str, kind: NodeKind) -> Result<Node, JsonError> {
        let start = self.pos;
        if self.bytes.get(self.pos..self.pos + word.len()) == Some(word.as_bytes()) {
            self.pos += word.len();
            Ok(Node::new(kind, self.origin(start)))
        } else {
            Err(self.err(&format!("invalid literal, expected {word}")))
        }
    }

    fn number(&mut self) -> Result<Node, JsonError> {
        let start = self.pos;
        if self.bytes.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        let digits = |p: &mut Self| {
            let s = p.pos;
            while let Some(b'0'..=b'9') = p.bytes.get(p.pos) {
                p.pos += 1;
            }
            p.pos > s
        };
        let first = self.pos;
        if !digits(self) {
            return Err(self.err("invalid number"));
        }
        if self.bytes.get(first) == Some(&b'0') && self.pos > first + 1 {
            self.pos = first + 1;
            return Err(self.err("invalid number: leading zero"));
        }
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if !digits(self) {
                return Err(self.err("invalid number: digits expected after '.'"));
            }
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.pos) {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.pos) {
                self.pos += 1;
            }
            if !digits(self) {
                return Err(self.err("invalid number: digits expected in exponent"));
            }
        }
        let text = self.text.get(start..self.pos).unwrap_or("0").to_owned();
        Ok(Node::new(NodeKind::Number(text), self.origin(start)))
    }

    fn string(&mut self) -> Result<String, JsonError> {
        // At the opening quote.
        self.pos += 1;
        let mut out = String::new();
        loop {
            let run_start = self.pos;
            while let Some(&b) = self.bytes.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(self.text.get(run_start..self.pos).unwrap_or(""));
            match self.bytes.get(self.pos) {
                None => return Err(self.err("unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    let backslash = self.pos;
                    self.pos += 1;
                    let Some(&e) = self.bytes.get(self.pos) else {
                        return Err(self.err("unterminated escape"));
                    };
                    self.pos += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&hi) {
                                if self.bytes.get(self.pos..self.pos + 2) == Some(b"\\u") {
                                    self.pos += 2;
                                    let lo = self.hex4()?;
                                    if (0xDC00..0xE000).contains(&lo) {
                                        char::from_u32(
                                            0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00),
                                        )
                                    } else {
                                        None
                                    }
                                } else {
                                    None
                                }
                            } else {
                                char::from_u32(hi)
                            };
                            out.push(c.unwrap_or('\u{fffd}'));
                        }
                        _ => {
                            // Point at the backslash: the byte after it may start a multi-byte
                            // character, and an offset must fall on a character boundary.
                            self.pos = backslash;
                            return Err(self.err("invalid escape in string"));
                        }
                    }
                }
                Some(_) => return Err(self.err("control character in string")),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let s = self
            .text
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.err("short \\u escape"))?;
        let v = u32::from_str_radix(s, 16).map_err(|_| self.err("invalid \\u escape"))?;
        self.pos += 4;
        Ok(v)
    }

    fn enter(&mut self) -> Result<(), JsonError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err(&format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        Ok(())
    }

    fn array(&mut self) -> Result<Node, JsonError> {
        let start = self.pos;
        self.enter()?;
        self.pos += 1;
        let mut items = Vec::new();
        self.ws();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
        } else {
            loop {
                self.ws();
                items.push(self.value()?);
                self.ws();
                match self.bytes.get(self.pos) {
                    Some(b',') => self.pos += 1,
                    Some(b']') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.err("expected ',' or ']' in list")),
                }
            }
        }
        self.depth -= 1;
        Ok(Node::new(NodeKind::Array(items), self.origin(start)))
    }

    fn object(&mut self) -> Result<Node, JsonError> {
        let start = self.pos;
        self.enter()?;
        self.pos += 1;
        let mut entries = Vec::new();
        self.ws();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
        } else {
            loop {
                self.ws();
                if self.bytes.get(self.pos) != Some(&b'"') {
                    return Err(self.err("expected a string key in object"));
                }
                let kstart = self.pos;
                let key = self.string()?;
                let korigin = self.origin(kstart);
                self.ws();
                if self.bytes.get(self.pos) != Some(&b':') {
                    return Err(self.err("expected ':' after object key"));
                }
                self.pos += 1;
                self.ws();
                let v = self.value()?;
                entries.push((Str::lit(key), korigin, v));
                self.ws();
                match self.bytes.get(self.pos) {
                    Some(b',') => self.pos += 1,
                    Some(b'}') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.err("expected ',' or '}' in object")),
                }
            }
        }
        self.depth -= 1;
        Ok(Node::new(NodeKind::Object(entries), self.origin(start)))
    }
}

/// Decodes input bytes to text: UTF-8 (with or without BOM) or UTF-16 with a BOM, as some
/// Windows tools write plan JSON. Returns `None` for anything else that is not UTF-8.
#[must_use]
pub fn decode(bytes: &[u8]) -> Option<String> {
    match bytes {
        [0xFF, 0xFE, rest @ ..] => utf16(rest, u16::from_le_bytes),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, u16::from_be_bytes),
        _ => std::str::from_utf8(bytes).ok().map(str::to_owned),
    }
}

fn utf16(bytes: &[u8], f: fn([u8; 2]) -> u16) -> Option<String> {
    let units: Vec<u16> = bytes.chunks_exact(2).map(|c| f([c[0], c[1]])).collect();
    String::from_utf16(&units).ok()
}

#[cfg(test)]
mod tests;
