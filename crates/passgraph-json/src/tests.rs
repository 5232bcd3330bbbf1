use super::*;

fn check_ok(text: &str) -> Node {
    parse(FileId(0), text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

#[test]
fn values_and_spans() {
    let n = check_ok("{\"a\": [1, -2.5e3, true, null, \"x\\u00e9\\n\"], \"b\": {}}");
    let a = n.get("a").unwrap();
    assert_eq!(a.items().len(), 5);
    assert_eq!(a.items()[1].kind, NodeKind::Number("-2.5e3".into()));
    assert_eq!(a.items()[4].as_known_str(), Some("x\u{e9}\n"));
    assert_eq!(a.origin.range, TextRange { start: 6, end: 42 });
}

#[test]
fn duplicate_keys_last_wins() {
    let n = check_ok(r#"{"k": 1, "k": 2}"#);
    assert_eq!(n.get("k").unwrap().kind, NodeKind::Number("2".into()));
    assert_eq!(n.entries().len(), 2);
}

#[test]
fn errors_have_offsets() {
    for (text, offset) in [
        ("{\"a\": }", 6),
        ("[1, 2", 5),
        ("{\"a\" 1}", 5),
        ("tru", 0),
        ("\"abc", 4),
        ("{} x", 3),
        ("", 0),
        ("[01x]", 2),
    ] {
        let e = parse(FileId(0), text).unwrap_err();
        assert_eq!(e.offset, offset, "{text}: {e}");
    }
}

#[test]
fn depth_is_bounded() {
    let deep = "[".repeat(100_000);
    let e = parse(FileId(0), &deep).unwrap_err();
    assert!(e.message.contains("nesting"));
    let ok = format!("{}{}", "[".repeat(200), "]".repeat(200));
    check_ok(&ok);
}

#[test]
fn surrogates_and_bom() {
    let n = check_ok("\u{feff}\"\\ud83d\\ude00\"");
    assert_eq!(n.as_known_str(), Some("\u{1F600}"));
    let lone = check_ok("\"\\ud83d\"");
    assert_eq!(lone.as_known_str(), Some("\u{fffd}"));
}

#[test]
fn decodes_utf16() {
    let mut bytes = vec![0xFF, 0xFE];
    for u in "{\"a\":1}".encode_utf16() {
        bytes.extend(u.to_le_bytes());
    }
    assert_eq!(decode(&bytes).as_deref(), Some("{\"a\":1}"));
    assert_eq!(decode(b"\xff\xff\xff"), None);
}

#[test]
fn embedded_documents_shift_offsets() {
    let base = Origin::new(
        FileId(3),
        TextRange {
            start: 100,
            end: 120,
        },
    );
    let n = parse_embedded(&base, "{\"a\": 1}", true).unwrap();
    assert_eq!(n.get("a").unwrap().origin.range.start, 106);
    assert_eq!(n.origin.file, FileId(3));
}

proptest::proptest! {
    #[test]
    fn never_panics(s in "\\PC{0,64}") {
        let _ = parse(FileId(0), &s);
    }

    #[test]
    fn agrees_with_serde_json_on_validity(s in "[\\[\\]{}\",:0-9a-z \\\\.eE+-]{0,24}") {
        let ours = parse(FileId(0), &s).is_ok();
        let theirs = serde_json::from_str::<serde_json::Value>(&s).is_ok();
        proptest::prop_assert_eq!(ours, theirs, "{}", s);
    }
}

#[test]
fn invalid_escape_points_at_the_backslash() {
    let text = "\"ab\\\u{e9}\"";
    let e = parse(FileId(0), text).unwrap_err();
    assert_eq!(e.offset, 3);
    assert!(text.is_char_boundary(e.offset));
}
