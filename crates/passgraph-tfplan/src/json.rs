//! A zero-copy view of a JSON text: one validating pass, then navigation by byte offsets.
//!
//! Plans are large (hundreds of MB) and almost all of their content is irrelevant to IAM. A
//! tree with an [`passgraph_model::Origin`] per node would cost several times the text in
//! memory, so the reader validates the text once ([`validate`]) and then hands out [`Val`]s:
//! byte ranges into the text that are decoded only when asked. Skipping a value rescans it
//! without allocating; the bulk of a plan is rescanned a few times at most.
//!
//! After [`validate`] succeeded, navigation never fails; on text that was not validated it
//! stops early (returns `None` or ends an iteration) instead of panicking.

use std::borrow::Cow;

use passgraph_model::TextRange;

/// Deepest nesting accepted (the same bound as `passgraph_json`).
pub(crate) const MAX_DEPTH: usize = passgraph_json::MAX_DEPTH;

/// Why a text is not JSON, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    /// Byte offset of the problem.
    pub(crate) offset: usize,
    /// Lower-case message.
    pub(crate) message: String,
}

/// Checks that `text[start..]` is exactly one JSON value surrounded by whitespace.
pub(crate) fn validate(text: &str, start: usize) -> Result<Val<'_>, SyntaxError> {
    let b = text.as_bytes();
    let mut v = Validator { b, pos: start };
    v.ws();
    let vstart = v.pos;
    v.value()?;
    let vend = v.pos;
    v.ws();
    if v.pos != b.len() {
        return Err(v.err("trailing characters after the JSON value"));
    }
    Ok(Val {
        text,
        start: vstart,
        end: vend,
    })
}

struct Validator<'b> {
    b: &'b [u8],
    pos: usize,
}

#[derive(Clone, Copy)]
enum Frame {
    Object,
    Array,
}

impl Validator<'_> {
    fn err(&self, message: &str) -> SyntaxError {
        SyntaxError {
            offset: self.pos,
            message: message.to_owned(),
        }
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    /// Iterative: an explicit stack of open containers, so hostile nesting cannot overflow.
    fn value(&mut self) -> Result<(), SyntaxError> {
        let mut stack: Vec<Frame> = Vec::new();
        loop {
            // Expect a value.
            self.ws();
            match self.peek() {
                None => return Err(self.err("unexpected end of input, expected a value")),
                Some(b'{') => {
                    if stack.len() >= MAX_DEPTH {
                        return Err(self.err(&format!("nesting deeper than {MAX_DEPTH} levels")));
                    }
                    self.pos += 1;
                    self.ws();
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                    } else {
                        stack.push(Frame::Object);
                        self.key()?;
                        continue;
                    }
                }
                Some(b'[') => {
                    if stack.len() >= MAX_DEPTH {
                        return Err(self.err(&format!("nesting deeper than {MAX_DEPTH} levels")));
                    }
                    self.pos += 1;
                    self.ws();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                    } else {
                        stack.push(Frame::Array);
                        continue;
                    }
                }
                Some(b'"') => self.string()?,
                Some(b't') => self.keyword(b"true")?,
                Some(b'f') => self.keyword(b"false")?,
                Some(b'n') => self.keyword(b"null")?,
                Some(b'-' | b'0'..=b'9') => self.number()?,
                Some(_) => return Err(self.err("unexpected character, expected a value")),
            }
            // After a value: close containers or move to the next element.
            loop {
                let Some(top) = stack.last().copied() else {
                    return Ok(());
                };
                self.ws();
                match (top, self.peek()) {
                    (_, Some(b',')) => {
                        self.pos += 1;
                        if let Frame::Object = top {
                            self.ws();
                            self.key()?;
                        }
                        break;
                    }
                    (Frame::Object, Some(b'}')) | (Frame::Array, Some(b']')) => {
                        self.pos += 1;
                        stack.pop();
                    }
                    (Frame::Object, _) => return Err(self.err("expected ',' or '}' in object")),
                    (Frame::Array, _) => return Err(self.err("expected ',' or ']' in list")),
                }
            }
        }
    }

    fn key(&mut self) -> Result<(), SyntaxError> {
        self.ws();
        if self.peek() != Some(b'"') {
            return Err(self.err("expected a string key in object"));
        }
        self.string()?;
        self.ws();
        if self.peek() != Some(b':') {
            return Err(self.err("expected ':' after object key"));
        }
        self.pos += 1;
        Ok(())
    }

    fn keyword(&mut self, word: &[u8]) -> Result<(), SyntaxError> {
        if self.b.get(self.pos..self.pos + word.len()) == Some(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(self.err("invalid literal"))
        }
    }

    fn digits(&mut self) -> bool {
        let s = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos > s
    }

    fn number(&mut self) -> Result<(), SyntaxError> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let first = self.pos;
        if !self.digits() {
            return Err(self.err("invalid number"));
        }
        if self.b.get(first) == Some(&b'0') && self.pos > first + 1 {
            self.pos = first + 1;
            return Err(self.err("invalid number: leading zero"));
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !self.digits() {
                return Err(self.err("invalid number: digits expected after '.'"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if !self.digits() {
                return Err(self.err("invalid number: digits expected in exponent"));
            }
        }
        Ok(())
    }

    fn string(&mut self) -> Result<(), SyntaxError> {
        self.pos += 1;
        loop {
            while let Some(&c) = self.b.get(self.pos) {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            match self.peek() {
                None => return Err(self.err("unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.pos += 1;
                    match self.peek() {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                            self.pos += 1
                        }
                        Some(b'u') => {
                            self.pos += 1;
                            let ok = self
                                .b
                                .get(self.pos..self.pos + 4)
                                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
                            if !ok {
                                return Err(self.err("invalid \\u escape"));
                            }
                            self.pos += 4;
                        }
                        None => return Err(self.err("unterminated escape")),
                        Some(_) => return Err(self.err("invalid escape in string")),
                    }
                }
                Some(_) => return Err(self.err("control character in string")),
            }
        }
    }
}

/// Skips whitespace from `pos`.
pub(crate) fn ws(b: &[u8], mut pos: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = b.get(pos) {
        pos += 1;
    }
    pos
}

/// The end of the string that starts (at its quote) at `pos`, or `None`.
pub(crate) fn skip_string(b: &[u8], pos: usize) -> Option<usize> {
    let mut p = pos + 1;
    loop {
        let rel = b.get(p..)?.iter().position(|&c| c == b'"' || c == b'\\')?;
        p += rel;
        if b.get(p) == Some(&b'"') {
            return Some(p + 1);
        }
        // A backslash: skip it and the escaped byte (a `\u` escape's hex digits are plain).
        p += 2;
    }
}

/// The end of the value that starts at `pos` (no leading whitespace), or `None` when the text
/// ends first. Assumes validated text; on other text it returns some end or `None`.
pub(crate) fn skip_value(b: &[u8], pos: usize) -> Option<usize> {
    match b.get(pos)? {
        b'"' => skip_string(b, pos),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut p = pos;
            loop {
                let rel = b
                    .get(p..)?
                    .iter()
                    .position(|&c| matches!(c, b'"' | b'{' | b'[' | b'}' | b']'))?;
                p += rel;
                match b.get(p)? {
                    b'"' => p = skip_string(b, p)?,
                    b'{' | b'[' => {
                        depth += 1;
                        p += 1;
                    }
                    _ => {
                        depth = depth.checked_sub(1)?;
                        p += 1;
                        if depth == 0 {
                            return Some(p);
                        }
                    }
                }
            }
        }
        _ => {
            let rel = b
                .get(pos..)?
                .iter()
                .position(|&c| matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'));
            Some(rel.map_or(b.len(), |r| pos + r))
        }
    }
}

/// The kind of a JSON value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Object,
    Array,
    String,
    Number,
    Bool,
    Null,
}

/// A JSON value: a range of the text.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Val<'a> {
    text: &'a str,
    start: usize,
    end: usize,
}

impl<'a> Val<'a> {
    /// A value at `start..end` of `text`, for tests on unvalidated text.
    #[cfg(test)]
    pub(crate) fn new(text: &'a str, start: usize, end: usize) -> Val<'a> {
        Val { text, start, end }
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// The byte range in the file.
    pub(crate) fn range(&self) -> TextRange {
        TextRange::new(self.start, self.end)
    }

    /// The raw text of the value.
    pub(crate) fn raw(&self) -> &'a str {
        self.text.get(self.start..self.end).unwrap_or("")
    }

    /// The kind of the value.
    pub(crate) fn kind(&self) -> Kind {
        match self.bytes().get(self.start) {
            Some(b'{') => Kind::Object,
            Some(b'[') => Kind::Array,
            Some(b'"') => Kind::String,
            Some(b't' | b'f') => Kind::Bool,
            Some(b'n') | None => Kind::Null,
            Some(_) => Kind::Number,
        }
    }

    /// A short name of the kind, for messages.
    pub(crate) fn kind_name(&self) -> &'static str {
        match self.kind() {
            Kind::Object => "an object",
            Kind::Array => "a list",
            Kind::String => "a string",
            Kind::Number => "a number",
            Kind::Bool => "a boolean",
            Kind::Null => "null",
        }
    }

    /// True for `null`.
    pub(crate) fn is_null(&self) -> bool {
        self.kind() == Kind::Null
    }

    /// The boolean, if the value is one.
    pub(crate) fn as_bool(&self) -> Option<bool> {
        match self.raw() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }

    /// The number as written, if the value is one.
    pub(crate) fn as_number(&self) -> Option<&'a str> {
        (self.kind() == Kind::Number).then(|| self.raw())
    }

    /// The decoded string, if the value is one.
    pub(crate) fn as_str(&self) -> Option<Cow<'a, str>> {
        if self.kind() != Kind::String {
            return None;
        }
        decode_string(self.raw())
    }

    /// A scalar as text: strings decoded, numbers and booleans as written.
    pub(crate) fn scalar_text(&self) -> Option<Cow<'a, str>> {
        match self.kind() {
            Kind::String => self.as_str(),
            Kind::Number | Kind::Bool => Some(Cow::Borrowed(self.raw())),
            _ => None,
        }
    }

    /// The entries of an object, in order (empty for other kinds).
    pub(crate) fn entries(&self) -> Entries<'a> {
        let pos = if self.kind() == Kind::Object {
            self.start + 1
        } else {
            self.end
        };
        Entries {
            text: self.text,
            pos,
            end: self.end,
            first: true,
        }
    }

    /// The items of a list (empty for other kinds).
    pub(crate) fn items(&self) -> Items<'a> {
        let pos = if self.kind() == Kind::Array {
            self.start + 1
        } else {
            self.end
        };
        Items {
            text: self.text,
            pos,
            end: self.end,
            first: true,
        }
    }

    /// The value under `key` (the last one when the key is repeated). Scans the object; to
    /// read several keys of a large object use [`Val::fields`].
    pub(crate) fn get(&self, key: &str) -> Option<Val<'a>> {
        let [v] = self.fields([key]);
        v
    }

    /// The values under several keys, in one pass (the last one wins for repeated keys).
    pub(crate) fn fields<const N: usize>(&self, keys: [&str; N]) -> [Option<Val<'a>>; N] {
        let mut out = [None; N];
        for (k, v) in self.entries() {
            if let Some(i) = keys.iter().position(|want| k.is(want))
                && let Some(slot) = out.get_mut(i)
            {
                *slot = Some(v);
            }
        }
        out
    }

    /// The item at `index` of a list.
    pub(crate) fn index(&self, index: usize) -> Option<Val<'a>> {
        self.items().nth(index)
    }
}

/// An object key.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Key<'a> {
    raw: &'a str,
}

impl<'a> Key<'a> {
    /// True when the key equals `s`.
    pub(crate) fn is(&self, s: &str) -> bool {
        let inner = self
            .raw
            .get(1..self.raw.len().saturating_sub(1))
            .unwrap_or("");
        if inner.contains('\\') {
            decode_string(self.raw).is_some_and(|d| d == s)
        } else {
            inner == s
        }
    }

    /// The decoded key.
    pub(crate) fn text(&self) -> Cow<'a, str> {
        decode_string(self.raw).unwrap_or(Cow::Borrowed(""))
    }
}

/// Iterator over object entries.
pub(crate) struct Entries<'a> {
    text: &'a str,
    pos: usize,
    end: usize,
    first: bool,
}

impl<'a> Iterator for Entries<'a> {
    type Item = (Key<'a>, Val<'a>);

    fn next(&mut self) -> Option<(Key<'a>, Val<'a>)> {
        let b = self.text.as_bytes();
        let mut p = ws(b, self.pos);
        if p >= self.end {
            return None;
        }
        if !self.first {
            if b.get(p) != Some(&b',') {
                self.pos = self.end;
                return None;
            }
            p = ws(b, p + 1);
        }
        self.first = false;
        if b.get(p) != Some(&b'"') {
            self.pos = self.end;
            return None;
        }
        let kend = skip_string(b, p)?;
        let key = Key {
            raw: self.text.get(p..kend)?,
        };
        let mut q = ws(b, kend);
        if b.get(q) != Some(&b':') {
            self.pos = self.end;
            return None;
        }
        q = ws(b, q + 1);
        let vend = skip_value(b, q).filter(|&e| e <= self.end)?;
        self.pos = vend;
        Some((
            key,
            Val {
                text: self.text,
                start: q,
                end: vend,
            },
        ))
    }
}

/// Iterator over list items.
pub(crate) struct Items<'a> {
    text: &'a str,
    pos: usize,
    end: usize,
    first: bool,
}

impl<'a> Iterator for Items<'a> {
    type Item = Val<'a>;

    fn next(&mut self) -> Option<Val<'a>> {
        let b = self.text.as_bytes();
        let mut p = ws(b, self.pos);
        if p >= self.end || b.get(p) == Some(&b']') {
            return None;
        }
        if !self.first {
            if b.get(p) != Some(&b',') {
                self.pos = self.end;
                return None;
            }
            p = ws(b, p + 1);
        }
        self.first = false;
        let vend = skip_value(b, p).filter(|&e| e <= self.end)?;
        self.pos = vend;
        Some(Val {
            text: self.text,
            start: p,
            end: vend,
        })
    }
}

/// Decodes a JSON string token (with its quotes). `None` when it is not one.
pub(crate) fn decode_string(raw: &str) -> Option<Cow<'_, str>> {
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    if !inner.contains('\\') {
        return Some(Cow::Borrowed(inner));
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.char_indices();
    while let Some((_, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()?.1 {
            '"' => out.push('"'),
            '\\' => out.push('\\'),
            '/' => out.push('/'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'u' => {
                let hi = hex4(&mut chars)?;
                let c = if (0xD800..0xDC00).contains(&hi) {
                    // A high surrogate must be followed by `\uDC00`..`\uDFFF`.
                    let rest = chars.as_str();
                    if rest.starts_with("\\u") {
                        chars.next();
                        chars.next();
                        let lo = hex4(&mut chars)?;
                        if (0xDC00..0xE000).contains(&lo) {
                            char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
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
            _ => return None,
        }
    }
    Some(Cow::Owned(out))
}

fn hex4(chars: &mut std::str::CharIndices<'_>) -> Option<u32> {
    let mut v = 0u32;
    for _ in 0..4 {
        v = v * 16 + chars.next()?.1.to_digit(16)?;
    }
    Some(v)
}

#[cfg(test)]
mod tests;
