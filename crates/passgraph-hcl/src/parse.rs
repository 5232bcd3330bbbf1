//! Parsing a `.tf` file with `hcl::edit`: a large one in pieces, one per core. This is the
//! slow path, for the files the fast parser (`crate::syntax`) leaves to `hcl::edit`.
//!
//! `hcl::edit` parses about 30 MB a second a thread, and a generated or vendored file can be
//! megabytes in one module. A file is cut
//! before top-level blocks (after a line that is exactly `}`), the pieces are parsed in
//! parallel and their structures put back in order.
//!
//! Positions stay the file's: a piece is parsed behind as many spaces as bytes precede it, so
//! every span `hcl::edit` gives is an offset in the whole file (the parser skips the spaces in
//! one scan). The answer is the whole file's parse: a cut that falls inside a heredoc, a
//! comment, a string or brackets leaves the piece before it unterminated, and when any piece
//! does not parse the whole file is parsed at once instead (so a syntax error is reported as
//! before). When every piece parses, each piece before a cut is a complete body ending with a
//! newline, so the cut is between two structures of the whole file and the pieces' structures
//! and spans are the whole file's. What differs is decoration, which passgraph never reads
//! (suppression comments are read from the text): each later piece's first structure loses
//! the blank lines and comments before it and a comment after it on its line, and the body
//! put together has no span of its own.

use hcl::edit::Decorate;
use hcl::edit::parser::{Error, parse_body};
use hcl::edit::structure::Body;
use passgraph_model::hash::HashSet;
use rayon::prelude::*;

/// Files shorter than two of these are parsed in one piece.
const MIN_PIECE: usize = 128 * 1024;

/// At most this many pieces (the padding costs a piece as many bytes as precede it).
const MAX_PIECES: usize = 8;

/// Parses a `.tf` file's text into its body.
pub(crate) fn parse(text: &str) -> Result<Body, Error> {
    parse_in(text, pieces(text))
}

/// How many pieces a file of this size is parsed in: one per core, each at least `MIN_PIECE`.
fn pieces(text: &str) -> usize {
    (text.len() / MIN_PIECE)
        .min(rayon::current_num_threads())
        .min(MAX_PIECES)
}

/// Where the pieces of `text` start and end (`[0, cut, ..., len]`), or `None` for one piece.
/// The fast parser (`crate::syntax`) cuts where this parser does, for the same reasons.
pub(crate) fn bounds(text: &str) -> Option<Vec<usize>> {
    let cuts = cuts(text, pieces(text));
    if cuts.is_empty() {
        return None;
    }
    let mut bounds = Vec::with_capacity(cuts.len() + 2);
    bounds.push(0);
    bounds.extend(cuts);
    bounds.push(text.len());
    Some(bounds)
}

/// Parses `text` in at most `pieces` pieces.
fn parse_in(text: &str, pieces: usize) -> Result<Body, Error> {
    let cuts = cuts(text, pieces);
    if cuts.is_empty() {
        return parse_body(text);
    }
    let mut bounds = Vec::with_capacity(cuts.len() + 2);
    bounds.push(0);
    bounds.extend(cuts);
    bounds.push(text.len());
    let parsed: Vec<Result<Body, Error>> = bounds
        .par_windows(2)
        .map(|w| parse_piece(text, w[0], w[1]))
        .collect();
    let Ok(parsed) = parsed.into_iter().collect::<Result<Vec<Body>, Error>>() else {
        return parse_body(text);
    };
    // The parser rejects an attribute defined twice in a body: a check pieces cannot make.
    let mut keys = HashSet::default();
    let unique = parsed
        .iter()
        .flat_map(Body::attributes)
        .all(|a| keys.insert(a.key.as_str()));
    if !unique {
        return parse_body(text);
    }
    let mut body = Body::with_capacity(parsed.iter().map(Body::len).sum());
    for (i, piece) in parsed.into_iter().enumerate() {
        for (j, mut st) in piece.into_iter().enumerate() {
            if i > 0 && j == 0 {
                // The padding.
                st.decor_mut().clear();
            }
            body.push(st);
        }
    }
    Ok(body)
}

/// Parses `text[start..end]` with spans that are offsets in `text`.
fn parse_piece(text: &str, start: usize, end: usize) -> Result<Body, Error> {
    if start == 0 {
        return parse_body(&text[..end]);
    }
    let mut padded = String::with_capacity(end);
    padded.extend(std::iter::repeat_n(' ', start));
    padded.push_str(&text[start..end]);
    parse_body(&padded)
}

/// Offsets where a piece may start, increasing, the first one after each `len / pieces` bytes:
/// the start of the line that follows a line that is exactly `}` (a top-level block's end as
/// `terraform fmt` writes it), when the first line after it that is neither blank nor a comment
/// opens a block (`name "label" ... {` or `name {`). The last condition keeps cuts out of heredoc
/// JSON policies, whose closing `}` line is followed by the heredoc's end marker.
pub(crate) fn cuts(text: &str, pieces: usize) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    if pieces < 2 {
        return out;
    }
    let step = text.len() / pieces;
    let bytes = text.as_bytes();
    for k in 1..pieces {
        let mut from = (k * step).max(out.last().copied().unwrap_or(0));
        let cut = loop {
            let Some(at) = find(&bytes[from.min(bytes.len())..], b"\n}") else {
                break None;
            };
            let brace = from + at + 1;
            let after = brace + 1;
            from = after;
            let next = match bytes.get(after..after + 2) {
                Some([b'\r', b'\n']) => after + 2,
                Some([b'\n', _]) => after + 1,
                _ if bytes.get(after) == Some(&b'\n') => after + 1,
                _ => continue,
            };
            if next < bytes.len() && opens_block(&text[next..]) {
                break Some(next);
            }
        };
        match cut {
            Some(c) if out.last().is_none_or(|&l| c > l) => out.push(c),
            Some(_) => {}
            None => break,
        }
    }
    out
}

/// The first offset of `needle` in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Whether the first line of `rest` that is neither blank nor a comment (among the next few)
/// opens a block: an identifier, then labels or `{`.
fn opens_block(rest: &str) -> bool {
    for line in rest.lines().take(16) {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("//") {
            continue;
        }
        let ident_end = line
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(line.len());
        if ident_end == 0 || !line.as_bytes()[0].is_ascii_alphabetic() {
            return false;
        }
        let after = line[ident_end..].trim_start();
        return ident_end < line.len()
            && line.as_bytes()[ident_end].is_ascii_whitespace()
            && (after.starts_with('"') || after.starts_with('{'));
    }
    false
}

#[cfg(test)]
mod tests {
    use hcl::edit::Span;

    use super::*;

    fn blocks(n: usize, nl: &str) -> String {
        let mut s = String::new();
        for i in 0..n {
            s.push_str(&format!(
                "# role {i}{nl}resource \"aws_iam_role\" \"r{i}\" {{{nl}  name = \"role-${{var.x}}-{i}\"{nl}  assume_role_policy = jsonencode({{{nl}    Statement = [{{ Action = \"sts:AssumeRole\" }}]{nl}  }}){nl}}}{nl}{nl}"
            ));
        }
        s
    }

    /// Every structure's kind, name and span, and every attribute's span and text.
    fn shape(text: &str, body: &Body) -> Vec<String> {
        let mut out = Vec::new();
        for st in body.iter() {
            match st {
                hcl::edit::structure::Structure::Attribute(a) => {
                    out.push(format!("attr {} {:?}", a.key.as_str(), a.span()));
                }
                hcl::edit::structure::Structure::Block(b) => {
                    out.push(format!(
                        "block {} {:?} {:?}",
                        b.ident.as_str(),
                        b.labels.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
                        b.span()
                    ));
                    for a in b.body.attributes() {
                        let r = a.value.span().expect("parsed values have spans");
                        out.push(format!("  {} {:?} {}", a.key.as_str(), r, &text[r.clone()]));
                    }
                }
            }
        }
        out
    }

    #[test]
    fn pieces_give_the_whole_files_structures_and_spans() {
        for nl in ["\n", "\r\n"] {
            let text = blocks(40, nl);
            let whole = parse_body(&text).expect("valid");
            for pieces in [2, 3, 7] {
                assert_eq!(cuts(&text, pieces).len(), pieces - 1, "{pieces} pieces");
                let split = parse_in(&text, pieces).expect("valid");
                assert_eq!(
                    shape(&text, &split),
                    shape(&text, &whole),
                    "{pieces} pieces"
                );
            }
        }
    }

    #[test]
    fn a_cut_inside_a_heredoc_falls_back_to_the_whole_parse() {
        // The lines `}` and `resource ...` inside the heredoc look like a cut.
        let mut text = String::from("locals {\n  doc = <<EOT\n");
        for i in 0..50 {
            text.push_str(&format!("}}\nresource \"x\" \"y{i}\" {{\n"));
        }
        text.push_str("EOT\n}\n");
        text.push_str(&blocks(3, "\n"));
        assert!(!cuts(&text, 2).is_empty());
        let whole = parse_body(&text).expect("valid");
        let split = parse_in(&text, 2).expect("valid");
        assert_eq!(shape(&text, &split), shape(&text, &whole));
        assert_eq!(split.iter().count(), 4);
    }

    #[test]
    fn no_cut_inside_a_heredoc_policy() {
        // A heredoc JSON policy closes with a `}` line before its end marker.
        let mut text = String::new();
        for i in 0..40 {
            text.push_str(&format!(
                "resource \"aws_iam_policy\" \"p{i}\" {{\n  policy = <<EOF\n{{\n  \"Statement\": []\n}}\nEOF\n}}\n\n# next\nresource \"aws_iam_role\" \"r{i}\" {{\n  name = \"r{i}\"\n}}\n"
            ));
        }
        let cuts = cuts(&text, 4);
        assert_eq!(cuts.len(), 3);
        for c in &cuts {
            assert!(
                text[*c..].starts_with("\n# next\nresource") || text[*c..].starts_with("resource"),
                "{}",
                &text[*c..*c + 20]
            );
        }
        // Every piece parses: no second parse of the whole file.
        let bounds: Vec<usize> = std::iter::once(0).chain(cuts).chain([text.len()]).collect();
        for w in bounds.windows(2) {
            assert!(parse_piece(&text, w[0], w[1]).is_ok());
        }
        let whole = parse_body(&text).expect("valid");
        assert_eq!(
            shape(&text, &parse_in(&text, 4).expect("valid")),
            shape(&text, &whole)
        );
    }

    #[test]
    fn a_cut_point_inside_a_character_is_moved_past_it() {
        let mut text = String::new();
        for i in 0..30 {
            text.push_str(&format!(
                "# é à ü ø {i}\nresource \"a\" \"b{i}\" {{\n  x = \"ñ\"\n}}\n\n"
            ));
        }
        for pieces in 2..6 {
            let whole = parse_body(&text).expect("valid");
            assert_eq!(cuts(&text, pieces).len(), pieces - 1);
            assert_eq!(
                shape(&text, &parse_in(&text, pieces).expect("valid")),
                shape(&text, &whole)
            );
        }
    }

    #[test]
    fn a_syntax_error_is_the_whole_files() {
        let mut text = blocks(20, "\n");
        let at = text.len() * 3 / 4;
        let line = text[at..].find('\n').map_or(at, |i| at + i + 1);
        text.insert_str(line, "resource \"a\" {\n  x = [1,\n}\n");
        let whole = parse_body(&text).expect_err("invalid");
        let split = parse_in(&text, 4).expect_err("invalid");
        assert_eq!(split.location().offset(), whole.location().offset());
        assert_eq!(split.message(), whole.message());
    }

    #[test]
    fn no_cut_without_a_closing_brace_line() {
        let text: String = (0..1000).map(|i| format!("a{i} = {i}\n")).collect();
        assert!(cuts(&text, 4).is_empty());
        assert_eq!(parse_in(&text, 4).expect("valid").iter().count(), 1000);
    }

    #[test]
    fn an_attribute_defined_in_two_pieces_is_the_whole_files_error() {
        let mut text = String::from("a = 1\n");
        text.push_str(&blocks(20, "\n"));
        text.push_str("a = 2\n");
        assert!(!cuts(&text, 3).is_empty());
        let whole = parse_body(&text).expect_err("redefined");
        let split = parse_in(&text, 3).expect_err("redefined");
        assert_eq!(split.location().offset(), whole.location().offset());
    }
}
