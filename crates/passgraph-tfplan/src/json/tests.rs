use super::*;

fn ok(text: &str) -> Val<'_> {
    validate(text, 0).unwrap_or_else(|e| panic!("{text}: {e:?}"))
}

#[test]
fn navigation_and_decoding() {
    let text =
        r#" {"a": [1, -2.5e3, true, null, "x\u00e9\n"], "b": {}, "a\"k": "v", "a": "last"} "#;
    let v = ok(text);
    assert_eq!(v.kind(), Kind::Object);
    assert_eq!(v.get("a").and_then(|a| a.as_str()).as_deref(), Some("last"));
    let [a, k] = v.fields(["b", "a\"k"]);
    assert_eq!(a.map(|a| a.kind()), Some(Kind::Object));
    assert_eq!(k.and_then(|k| k.as_str()).as_deref(), Some("v"));
    let first = v.entries().next().map(|(_, v)| v).unwrap();
    let items: Vec<Val<'_>> = first.items().collect();
    assert_eq!(items.len(), 5);
    assert_eq!(items[1].as_number(), Some("-2.5e3"));
    assert_eq!(items[2].as_bool(), Some(true));
    assert!(items[3].is_null());
    assert_eq!(items[4].as_str().as_deref(), Some("x\u{e9}\n"));
    assert_eq!(
        &text[first.range().start as usize..first.range().end as usize],
        r#"[1, -2.5e3, true, null, "x\u00e9\n"]"#
    );
}

#[test]
fn surrogates_and_escapes() {
    assert_eq!(
        decode_string(r#""\ud83d\ude00""#).as_deref(),
        Some("\u{1f600}")
    );
    assert_eq!(decode_string(r#""\ud83d""#).as_deref(), Some("\u{fffd}"));
    assert_eq!(decode_string(r#""a\\\"b\/""#).as_deref(), Some("a\\\"b/"));
}

#[test]
fn errors_have_offsets() {
    for (text, offset) in [
        ("{\"a\": }", 6),
        ("[1,]", 3),
        ("{\"a\" 1}", 5),
        ("\"abc", 4),
        ("[1] x", 4),
        ("01", 1),
        ("", 0),
        ("[\"\\x\"]", 3),
    ] {
        let e = validate(text, 0).expect_err(text);
        assert_eq!(e.offset, offset, "{text}: {e:?}");
    }
}

#[test]
fn deep_nesting_is_refused_without_overflow() {
    let deep = "[".repeat(100_000);
    let e = validate(&deep, 0).expect_err("deep");
    assert!(e.message.contains("nesting"), "{e:?}");
    let ok_depth = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    assert!(validate(&ok_depth, 0).is_ok());
}

#[test]
fn navigation_on_unvalidated_text_stops() {
    // Truncated and broken texts must never panic.
    for text in [
        "{\"a\": [1, 2",
        "{\"a\"",
        "[\"x",
        "{\"a\": {\"b\": ]}",
        "{,}",
        "[,]",
    ] {
        let v = Val::new(text, 0, text.len());
        let _ = v.entries().count();
        let _ = v.items().count();
        let _ = v.get("a");
    }
}
