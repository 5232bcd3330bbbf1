//! Source positions. A [`TextRange`] is a pair of byte offsets into one file of the
//! [`SourceMap`]; line and column are computed only when a position is shown.

use std::sync::Arc;

/// Index of a file in the [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A byte range `[start, end)` in one file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TextRange {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl TextRange {
    /// A range from `start` to `end`, saturating offsets that do not fit in `u32`.
    #[must_use]
    pub fn new(start: usize, end: usize) -> TextRange {
        let clamp = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        TextRange {
            start: clamp(start),
            end: clamp(end.max(start)),
        }
    }
}

/// Where a fact of the model comes from: a span in a file and, for machine-written inputs such
/// as plan JSON, a logical address (`module.app.aws_iam_role.web`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    /// The file.
    pub file: FileId,
    /// The bytes in that file.
    pub range: TextRange,
    /// A logical location (resource address, logical id, JSON pointer) when one helps the reader.
    pub address: Option<Arc<str>>,
}

impl Origin {
    /// An origin with a span and no address.
    #[must_use]
    pub fn new(file: FileId, range: TextRange) -> Origin {
        Origin {
            file,
            range,
            address: None,
        }
    }

    /// The same origin with a logical address.
    #[must_use]
    pub fn with_address(mut self, address: impl Into<Arc<str>>) -> Origin {
        self.address = Some(address.into());
        self
    }
}

/// Bytes per block of the column index.
const BLOCK: usize = 1024;

/// One source file: its display path, its length, the byte offsets of its line starts and, for
/// text that is not all ASCII, the text and a column index (the characters before each block of
/// [`BLOCK`] bytes), so that a position costs `O(log n + BLOCK)` even on a one-line file. An
/// ASCII text is not kept: its columns are bytes, and the readers hold their own copy while they
/// read (a 65 MB plan is not held twice through the whole run).
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user gave it (or `<builtin>/...` for bundled data).
    pub path: String,
    /// Bytes in the text.
    len: usize,
    /// The text when it is not all ASCII (columns count characters).
    text: Option<Arc<str>>,
    line_starts: Vec<u32>,
    /// Characters before byte `i * BLOCK`; empty when the text is ASCII (characters are bytes).
    chars_before_block: Vec<u32>,
}

impl SourceFile {
    /// A file's positions: its line starts and, for text that is not all ASCII, its column
    /// index.
    #[must_use]
    pub fn new(path: impl Into<String>, text: impl Into<Arc<str>>) -> SourceFile {
        let text: Arc<str> = text.into();
        let mut line_starts = vec![0u32];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
            }
        }
        let mut chars_before_block = Vec::new();
        let ascii = text.is_ascii();
        if !ascii {
            let mut n = 0u32;
            for block in text.as_bytes().chunks(BLOCK) {
                chars_before_block.push(n);
                let here = block.iter().filter(|c| !is_continuation(**c)).count();
                n = n.saturating_add(u32::try_from(here).unwrap_or(u32::MAX));
            }
        }
        SourceFile {
            path: path.into(),
            len: text.len(),
            text: (!ascii).then_some(text),
            line_starts,
            chars_before_block,
        }
    }

    /// Bytes in the file's text.
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the file is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Characters in the text before byte `offset` (a character boundary).
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let b = offset / BLOCK;
        let base = self.chars_before_block.get(b).copied().unwrap_or(0) as usize;
        let from = (b * BLOCK).min(offset);
        base + text.as_bytes()[from..offset]
            .iter()
            .filter(|c| !is_continuation(**c))
            .count()
    }

    /// 1-based line and column (in Unicode scalar values) of a byte offset.
    #[must_use]
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(line).copied().unwrap_or(0) as usize;
        let end = (offset as usize).min(self.len);
        let col = match &self.text {
            Some(text)
                if start <= end && text.is_char_boundary(start) && text.is_char_boundary(end) =>
            {
                self.chars_before(text, end) - self.chars_before(text, start)
            }
            _ => end.saturating_sub(start),
        };
        (
            u32::try_from(line + 1).unwrap_or(u32::MAX),
            u32::try_from(col + 1).unwrap_or(u32::MAX),
        )
    }
}

/// A UTF-8 continuation byte (`10xxxxxx`): not the start of a character.
fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// All files of a run. Only the CLI adds files (it does the I/O); everyone else reads positions.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

/// A resolved position, ready to show.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// The file's display path.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column in Unicode scalar values.
    pub column: u32,
    /// The logical address of the origin, if any.
    pub address: Option<String>,
}

impl SourceMap {
    /// Registers a file and returns its id.
    pub fn add(&mut self, path: impl Into<String>, text: impl Into<Arc<str>>) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile::new(path, text));
        id
    }

    /// The file behind an id.
    #[must_use]
    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// The display path of a file, or `<unknown>`.
    #[must_use]
    pub fn path(&self, id: FileId) -> &str {
        self.get(id).map_or("<unknown>", |f| f.path.as_str())
    }

    /// Resolves an origin to file, line and column.
    #[must_use]
    pub fn locate(&self, origin: &Origin) -> Location {
        let (line, column) = self
            .get(origin.file)
            .map_or((1, 1), |f| f.line_col(origin.range.start));
        Location {
            file: self.path(origin.file).to_owned(),
            line,
            column,
            address: origin.address.as_deref().map(str::to_owned),
        }
    }

    /// Shows the files whose display path starts with `from` under `to` instead (the files of
    /// a git revision extracted to a temporary folder become `REV:path`).
    pub fn rename_prefix(&mut self, from: &str, to: &str) {
        for f in &mut self.files {
            if let Some(rest) = f.path.strip_prefix(from) {
                f.path = format!("{to}{rest}");
            }
        }
    }

    /// Number of files.
    #[must_use]
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when no file was added.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Columns count characters, on short and long lines, ASCII or not, against a direct count.
    #[test]
    fn columns_from_the_block_index_equal_a_direct_count() {
        let mut text = String::from("ab\n");
        for i in 0..3000 {
            text.push_str(if i % 7 == 0 { "é€𝄞" } else { "x" });
        }
        text.push_str("\nlast é");
        let mut sm = SourceMap::default();
        let id = sm.add("t", text.as_str());
        let f = sm.get(id).expect("file");
        for (offset, _) in text.char_indices().step_by(13).chain([(text.len(), ' ')]) {
            let before = &text[..offset];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            assert_eq!(
                f.line_col(u32::try_from(offset).expect("small")),
                (
                    u32::try_from(line).expect("small"),
                    u32::try_from(col).expect("small")
                ),
                "offset {offset}"
            );
        }
    }
}
