//! The fast parser against `hcl::edit`: same tree (spans and literal values included) for
//! every text both read, and no tree where `hcl::edit` finds an error.

use std::path::{Path, PathBuf};

use super::{Expression, Structure, convert, parser};

/// `hcl::edit`'s tree of `text`, converted; `None` on a syntax error.
fn reference(text: &str) -> Option<super::Body> {
    hcl::edit::parser::parse_body(text)
        .ok()
        .map(|b| convert::body(&b))
}

/// Whether the fast parser read `text`; panics when it read it otherwise than `hcl::edit`, or
/// read what `hcl::edit` rejects.
fn agrees(text: &str) -> bool {
    let fast = parser::body(text);
    let slow = reference(text);
    match (&fast, &slow) {
        (Some(f), Some(s)) => {
            assert!(
                f == s,
                "trees differ for:\n{text}\nfast: {f:#?}\nhcl::edit: {s:#?}"
            );
            true
        }
        (Some(f), None) => panic!("hcl::edit rejects what the fast parser read:\n{text}\n{f:#?}"),
        (None, _) => false,
    }
}

#[track_caller]
fn read(text: &str) {
    assert!(agrees(text), "the fast parser gave up on:\n{text}");
}

#[test]
fn structures_and_literals() {
    read("a = 1\nb = \"x\"\n");
    read("a = 1");
    read("\n\n# c\n// d\n/* e\n */ a = true # f\n\nb = null // g\n");
    read("resource \"aws_iam_role\" \"r\" {\n  name = \"n\"\n}\n");
    read("locals {}\nterraform { required_version = \">= 1\" }\nx {\n}\n");
    read("b label \"l2\" {\n  inner {\n    k = 1\n  }\n}\n");
    read("a = 1\r\nb {\r\n  c = 2\r\n}\r\n");
    read("a = 1.5\nb = 1e3\nc = 2.5E-2\nd = -4\ne = - 7\nf = 18446744073709551615\n");
    read("a = \"esc \\\" \\\\ \\n \\t \\r \\u00e9 \\U0001F600 $${x} %%{y} $ % $$ é\"\n");
    read("a = \"\"\nb = \"line\nbreak\"\n");
}

#[test]
fn expressions() {
    read("a = var.x.y[0].z[\"k\"]\nb = x.0.1\nc = aws_instance.w[*].id\nd = x.*.id\n");
    read(
        "a = 1 + 2 * 3 - 4 / 5 % 6\nb = a == b && c != d || !e\nc = x < 1 || x <= 2 || x > 3 || x >= 4\n",
    );
    read("a = x ? y : z\nb = a > 1 ? (b ? 1 : 2) : c ? d : e\nc = -x.y\nd = !f(x)\n");
    read(
        "a = f()\nb = f(1, 2,)\nc = f(x...)\nd = f(\n  1,\n  [2]\n)\ne = provider::aws::arn_parse(x)\n",
    );
    read(
        "a = [1, 2, 3]\nb = []\nc = [\n  1,\n  2,\n]\nd = [for x in xs : upper(x) if x != \"\"]\n",
    );
    read(
        "a = {}\nb = { k = 1, \"s\" = 2, (var.k) = 3 }\nc = {\n  k: 1\n  l = 2 # c\n  m = 3, // d\n}\n",
    );
    read("a = {for k, v in m : k => v... if v}\nb = { for x in xs: x => x }\n");
    read("a = (\n  1 +\n  2\n)\nb = [\n  x\n  ? 1\n  : 2\n]\n");
    read("a = x /* c */ + y\nb = x // c\nc = 5 # c\n");
    read("a = a.b [0]\nb = f (1)\nc = [a\n.b]\n");
}

#[test]
fn templates() {
    read(
        "a = \"${x}\"\nb = \"a${x}b${y.z}c\"\nc = \"${~ x ~}\"\nd = \"%{ if a }y%{ else }n%{ endif }\"\n",
    );
    read("a = \"%{~ for k, v in m ~}${k}=${v},%{~ endfor ~}\"\n");
    read("a = \"%{for x in xs}${x}%{endfor}\"\nb = \"x %{if c}\"q\"%{endif}\"\n");
    read("a = <<EOT\nline ${x}\n  two\nEOT\nb = 1\n");
    read("a = <<-EOT\n    four\n      six\n    ${x}\n  EOT\n");
    read("a = <<-EOT\n${x}\n    four\nEOT\n");
    read("a = <<-EOT\n    a\n\n    b\n    EOT\n");
    read("a = <<EOF\n{\n  \"Version\": \"2012-10-17\" $${no}\n}\nEOF\n");
    read("a = <<EOT\r\nx\r\nEOT\r\n");
    read("a = <<EOT\n%{ if a }\nx\n%{ endif }\nEOT\n");
    read(
        "a = jsonencode({\n  Statement = [{\n    Action = \"iam:PassRole\"\n    Resource = \"arn:${data.aws_partition.current.partition}:iam::*:role/x\"\n  }]\n})\n",
    );
}

#[test]
fn errors_are_left_to_hcl_edit() {
    for text in [
        "a = \n",
        "a = 1 b = 2\n",
        "a = 1\na = 2\n",
        "a = {k = 1, k = 2}\n",
        "a = \"unterminated\n",
        "a = \"\\q\"\n",
        "a = 1e\n",
        "a = [1,,2]\n",
        "a = f(,)\n",
        "a = \"%{ if x }\"\n",
        "a = <<EOT\nx\n",
        "b { c }\n",
        "b { c {} }\n",
        "a = x ? y\n",
        "a = x +\n",
        "a = \"${\"\n",
        "/* open\n",
        "a = 1 /* open\n",
        // Found by review: `hcl::edit` reads `.0` then stops; equal keys written differently;
        // operators counted along a path through brackets.
        "a = x.01\n",
        "a = x.00\n",
        "a = { 01 = 1, 1 = 2 }\n",
        "a = { 1.0 = 1, 1 = 2 }\n",
        "a = { -0 = 1, 0 = 2 }\n",
        "a = { (a) = 1, (/*c*/a) = 2 }\n",
        "a = { \"${a}\\u0062\" = 1, \"${a}b\" = 2 }\n",
        &format!("a = (1{}){}\n", " + 1".repeat(100), " + 1".repeat(29)),
        &format!(
            "a = 1{} + (1{} + (1{}))\n",
            " + 1".repeat(45),
            " + 1".repeat(45),
            " + 1".repeat(45)
        ),
    ] {
        assert!(parser::body(text).is_none(), "read: {text:?}");
        // Through the public entry, the error is hcl::edit's.
        assert!(super::parse_body(text).is_err(), "no error: {text:?}");
    }
}

#[test]
fn what_the_fast_parser_leaves_still_parses() {
    // Non-ASCII identifiers and an empty heredoc go to hcl::edit, which reads them.
    for text in [
        "é = 1\n",
        "a = { é = 1 }\n",
        "a = <<EOT\nEOT\n",
        "a = { (x) = 1, (y) = 2 }\n",
        "a = x.0\n",
    ] {
        let slow = reference(text);
        assert_eq!(super::parse_body(text).ok(), slow, "{text:?}");
    }
}

#[test]
fn deep_nesting_is_left_to_hcl_edit() {
    let deep = format!("a = {}1{}\n", "[".repeat(200), "]".repeat(200));
    assert!(parser::body(&deep).is_none());
    assert!(super::parse_body(&deep).is_err());
    let long = format!("a = 1{}\n", " + 1".repeat(500));
    assert!(parser::body(&long).is_none());
}

#[test]
fn expressions_and_templates_alone() {
    for text in ["[\"a\", 1]", "{ k = v }", "x ? 1 : 2", "\"s\""] {
        let fast = parser::expr(text).expect(text);
        let slow = convert::expr(&hcl::edit::parser::parse_expr(text).expect(text));
        assert_eq!(fast, slow, "{text}");
    }
    for text in [
        "plain",
        "a ${b} c %{ if d }e%{ endif }",
        "{\"k\": \"${v}\"} $${x}",
    ] {
        let fast = parser::template(text).expect(text);
        let slow = convert::template(&hcl::edit::parser::parse_template(text).expect(text));
        assert_eq!(fast, slow, "{text}");
    }
    assert!(parser::expr("1 ").is_none());
    assert!(parser::template("%{ endif }").is_none());
}

#[test]
fn spans_are_the_texts() {
    let text = "r \"t\" \"n\" {\n  a = f(x, \"y\")\n  b = <<EOT\nz\nEOT\n}\n";
    let body = parser::body(text).expect("reads");
    let Structure::Block(b) = &body.structures[0] else {
        panic!("a block");
    };
    assert_eq!(&text[b.span.clone()], &text[..text.len() - 1]);
    let a = b.body.get_attribute("a").expect("a");
    assert_eq!(&text[a.span.clone()], "a = f(x, \"y\")");
    let Expression::FuncCall(f) = &a.value else {
        panic!("a call");
    };
    assert_eq!(&text[f.span.clone()], "f(x, \"y\")");
    let bv = &b.body.get_attribute("b").expect("b").value;
    assert_eq!(&text[super::Span::span(bv).expect("span")], "<<EOT\nz\nEOT");
}

/// Every `.tf` file of the corpora and of our fixtures: the fast parser reads nearly all and
/// agrees on each.
#[test]
fn corpus_files_agree() {
    fn walk(d: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(d) else { return };
        for e in rd.filter_map(Result::ok) {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "tf") {
                out.push(p);
            }
        }
    }
    let root = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpora"
    ));
    let ours = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata"));
    let mut files = Vec::new();
    walk(&root, &mut files);
    walk(&ours, &mut files);
    files.sort();
    assert!(files.len() > 500, "the corpora are beside the repository");
    let (mut read, mut left, mut rejected) = (0, Vec::new(), 0);
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        if reference(&text).is_none() {
            rejected += 1;
            assert!(parser::body(&text).is_none(), "{}", f.display());
        } else if agrees(&text) {
            read += 1;
        } else {
            left.push(f.display().to_string());
        }
    }
    // Measured: every file hcl::edit reads (about 950, with our fixtures; a handful are
    // rejected by both); a regression that leaves more than one in a hundred fails here.
    assert!(
        left.len() * 100 <= read,
        "{read} read, {rejected} rejected by both, left to hcl::edit: {left:#?}"
    );
    eprintln!(
        "{read} read, {rejected} rejected by both, {} left: {left:?}",
        left.len()
    );
}

/// Pieces give the whole file's tree; a cut inside a heredoc (whose text holds a line `}`
/// followed by what looks like a block) or the same attribute in two pieces sends the file to
/// the whole parse.
#[test]
fn pieces_give_the_whole_files_tree() {
    let blocks = |n: usize, trap: bool| {
        let mut text = String::new();
        for i in 0..n {
            let inner = if trap { "resource \"x\" \"y\" {\n" } else { "" };
            text.push_str(&format!(
                "# {i}\nresource \"aws_iam_role\" \"r{i}\" {{\n  name = \"r-${{var.env}}-{i}\"\n  assume_role_policy = <<EOT\n{{\n  \"a\": 1\n}}\n{inner}EOT\n}}\n\n"
            ));
        }
        text
    };
    let bounds = |text: &str, n: usize| {
        let mut b = vec![0];
        b.extend(crate::parse::cuts(text, n));
        b.push(text.len());
        b
    };
    let clean = blocks(3000, false);
    let whole = parser::body(&clean).expect("reads");
    for n in [2, 3, 8] {
        let b = bounds(&clean, n);
        assert_eq!(b.len(), n + 1);
        assert_eq!(
            super::in_pieces(&clean, &b).as_ref(),
            Some(&whole),
            "{n} pieces"
        );
    }
    assert_eq!(super::parse_body(&clean).ok().as_ref(), Some(&whole));
    // The trap: cuts fall inside heredocs, the pieces do not parse, the whole file does.
    let trap = blocks(3000, true);
    let whole = parser::body(&trap).expect("reads");
    assert!(super::in_pieces(&trap, &bounds(&trap, 2)).is_none());
    assert_eq!(super::parse_body(&trap).ok().as_ref(), Some(&whole));
    // The same attribute in two pieces is for the whole parse (which finds it twice).
    let dup = "a = 1\nb {\n}\na = 2\n";
    let cut = dup.find("a = 2").expect("second a");
    assert!(super::in_pieces(dup, &[0, cut, dup.len()]).is_none());
    assert!(super::parse_body(dup).is_err());
}
