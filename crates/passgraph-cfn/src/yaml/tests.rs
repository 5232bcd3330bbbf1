use passgraph_model::{Code, FileId, Node, NodeKind, SourceMap};

use super::{LoadError, Loaded, MAX_DEPTH, load};

/// A loaded tree, compactly: `"string"`, numbers and booleans as written, `[..]`, `{k: v}`,
/// `unknown(reason)`.
fn show(n: &Node) -> String {
    match &n.kind {
        NodeKind::Null => "null".to_owned(),
        NodeKind::Bool(b) => b.to_string(),
        NodeKind::Number(x) => format!("#{x}"),
        NodeKind::String(s) => format!("{:?}", s.to_string()),
        NodeKind::Array(items) => format!(
            "[{}]",
            items.iter().map(show).collect::<Vec<_>>().join(", ")
        ),
        NodeKind::Object(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(k, _, v)| format!("{k}: {}", show(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        NodeKind::Unknown(k) => format!("unknown({k})"),
        NodeKind::Choice(alts) => format!(
            "choice({})",
            alts.iter().map(show).collect::<Vec<_>>().join(" | ")
        ),
    }
}

fn check(text: &str, expect: &str) {
    let loaded = load(FileId(0), text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
    let root = loaded.root.unwrap_or_else(|| panic!("{text}: no document"));
    assert_eq!(show(&root), expect, "{text}");
}

fn error(text: &str) -> LoadError {
    match load(FileId(0), text) {
        Ok(Loaded { root, .. }) => panic!("{text}: loaded {:?}", root.map(|r| show(&r))),
        Err(e) => e,
    }
}

#[test]
fn short_form_tags_become_long_forms() {
    check("a: !Ref X", r#"{a: {Ref: "X"}}"#);
    check("a: !Condition C", r#"{a: {Condition: "C"}}"#);
    check("a: !Sub x-${Y}", r#"{a: {Fn::Sub: "x-${Y}"}}"#);
    check("a: !Sub [x, {Y: 1}]", r#"{a: {Fn::Sub: ["x", {Y: #1}]}}"#);
    check("a: !GetAtt R.Arn", r#"{a: {Fn::GetAtt: ["R", "Arn"]}}"#);
    check(
        "a: !GetAtt R.Endpoint.Address",
        r#"{a: {Fn::GetAtt: ["R", "Endpoint.Address"]}}"#,
    );
    check("a: !GetAtt [R, Arn]", r#"{a: {Fn::GetAtt: ["R", "Arn"]}}"#);
    check(
        "a: !Join ['', [a, !Ref B]]",
        r#"{a: {Fn::Join: ["", ["a", {Ref: "B"}]]}}"#,
    );
    check(
        "a: !If [C, !Ref A, !Ref AWS::NoValue]",
        r#"{a: {Fn::If: ["C", {Ref: "A"}, {Ref: "AWS::NoValue"}]}}"#,
    );
    for f in [
        "Base64",
        "Cidr",
        "FindInMap",
        "GetAZs",
        "ImportValue",
        "Select",
        "Split",
        "Equals",
        "And",
        "Or",
        "Not",
        "Transform",
        "Length",
        "ToJsonString",
    ] {
        check(
            &format!("a: !{f} x"),
            &format!(r#"{{a: {{Fn::{f}: "x"}}}}"#),
        );
    }
    check(
        "a: !Sub\n  - '${X}'\n  - X: !GetAZs ''\n",
        r#"{a: {Fn::Sub: ["${X}", {X: {Fn::GetAZs: ""}}]}}"#,
    );
    check(
        "a: !Not\n  - !Equals [!Ref E, prod]\n",
        r#"{a: {Fn::Not: [{Fn::Equals: [{Ref: "E"}, "prod"]}]}}"#,
    );
}

#[test]
fn long_forms_are_plain_mappings() {
    check(
        "a:\n  Fn::GetAtt: [R, Arn]\n",
        r#"{a: {Fn::GetAtt: ["R", "Arn"]}}"#,
    );
    check("a: {Ref: X}", r#"{a: {Ref: "X"}}"#);
}

#[test]
fn unknown_tags_are_kept_as_unknown_with_a_diagnostic() {
    let loaded = load(FileId(0), "a: !Magic x\nb: !<tag:example.com:x> y\n")
        .unwrap_or_else(|e| panic!("{e:?}"));
    let root = loaded.root.unwrap_or_else(|| panic!("no document"));
    assert_eq!(
        show(&root),
        r#"{a: unknown(unknown YAML tag !Magic), b: unknown(unknown YAML tag tag:example.com:x)}"#
    );
    assert_eq!(
        loaded
            .diagnostics
            .iter()
            .map(|d| d.code)
            .collect::<Vec<_>>(),
        [Code::Unsupported, Code::Unsupported]
    );
    // The diagnostic points at the tag.
    assert_eq!(
        loaded.diagnostics[0].origin.as_ref().map(|o| o.range.start),
        Some(3)
    );
}

#[test]
fn the_non_specific_tag_keeps_the_node() {
    check(
        r#"a: [! "Ref": "AWS::AccountId"]"#,
        r#"{a: [{Ref: "AWS::AccountId"}]}"#,
    );
    check("a: ! 12", r#"{a: "12"}"#);
}

#[test]
fn yaml_1_1_scalars_as_cloudformation_reads_them() {
    check(
        "a: yes\nb: No\nc: on\nd: OFF\ne: true\nf: ~\ng:\nh: 2012-10-17\ni: 012345678901\nj: 1.5\nk: 0x1F\nl: '10'\nm: !!str 10\nn: !!int 7\no: .inf\np: 1e5\nq: 12:30\n",
        r##"{a: true, b: false, c: true, d: false, e: true, f: null, g: null, h: "2012-10-17", i: #012345678901, j: #1.5, k: #0x1F, l: "10", m: "10", n: #7, o: #.inf, p: #1e5, q: "12:30"}"##,
    );
    check(
        "a: |\n  line1\n  line2\nb: >\n  folded\n  text\n",
        r#"{a: "line1\nline2\n", b: "folded text\n"}"#,
    );
    check("'quoted key': \"x\\ty\"", r#"{quoted key: "x\ty"}"#);
    check("yes: 1", r##"{yes: #1}"##);
}

#[test]
fn anchors_aliases_and_merge_keys() {
    check("a: &x [1, 2]\nb: *x\n", "{a: [#1, #2], b: [#1, #2]}");
    check(
        "base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\n",
        "{base: {x: #1, y: #2}, c: {y: #3, x: #1}}",
    );
    check(
        "a: &a {x: 1}\nb: &b {x: 2, y: 2}\nc:\n  <<: [*a, *b]\n",
        "{a: {x: #1}, b: {x: #2, y: #2}, c: {x: #1, y: #2}}",
    );
    check("k: &k key\n*k : v\n", r#"{k: "key", key: "v"}"#);
    let loaded = load(FileId(0), "a:\n  <<: 1\n").unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        loaded
            .diagnostics
            .iter()
            .map(|d| d.code)
            .collect::<Vec<_>>(),
        [Code::Shape]
    );
    assert_eq!(error("a: *nothing").code, Code::Syntax);
}

#[test]
fn positions_are_byte_offsets_of_each_node() {
    let text =
        "# é comment\nRoot:\n  Key: value  # trailing\n  List:\n    - !Ref Thing\n    - 'q'\n";
    let mut sm = SourceMap::default();
    let id = sm.add("t.yaml", text);
    let loaded = load(id, text).unwrap_or_else(|e| panic!("{e:?}"));
    let root = loaded.root.unwrap_or_else(|| panic!("no document"));
    let at = |n: &Node| {
        let l = sm.locate(&n.origin);
        (l.line, l.column)
    };
    let r = root.get("Root").unwrap_or_else(|| panic!("Root"));
    assert_eq!(at(r), (3, 3), "a block mapping starts at its first key");
    let key = r.get("Key").unwrap_or_else(|| panic!("Key"));
    assert_eq!(at(key), (3, 8));
    assert_eq!(
        text.get(key.origin.range.start as usize..key.origin.range.end as usize),
        Some("value")
    );
    let items = r.get("List").map(Node::items).unwrap_or_default();
    assert_eq!(at(&items[0]), (5, 7), "a tagged node starts at its tag");
    assert_eq!(
        text.get(items[0].origin.range.start as usize..items[0].origin.range.end as usize),
        Some("!Ref Thing")
    );
    assert_eq!(
        text.get(items[1].origin.range.start as usize..items[1].origin.range.end as usize),
        Some("'q'")
    );
    let (_, key_origin, _) = &r.entries()[1];
    assert_eq!(sm.locate(key_origin).line, 4);
}

#[test]
fn a_byte_order_mark_is_skipped_and_counted() {
    let text = "\u{feff}a: b\n";
    let root = load(FileId(0), text)
        .ok()
        .and_then(|l| l.root)
        .unwrap_or_else(|| panic!("no document"));
    let a = root.get("a").unwrap_or_else(|| panic!("a"));
    assert_eq!(
        text.get(a.origin.range.start as usize..a.origin.range.end as usize),
        Some("b")
    );
}

#[test]
fn only_the_first_document_is_read() {
    let loaded = load(FileId(0), "a: 1\n---\nb: 2\n").unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(loaded.root.as_ref().map(show).as_deref(), Some("{a: #1}"));
    assert_eq!(
        loaded
            .diagnostics
            .iter()
            .map(|d| d.code)
            .collect::<Vec<_>>(),
        [Code::Shape]
    );
    assert!(
        load(FileId(0), "")
            .unwrap_or_else(|e| panic!("{e:?}"))
            .root
            .is_none()
    );
    assert!(
        load(FileId(0), "# only a comment\n")
            .unwrap_or_else(|e| panic!("{e:?}"))
            .root
            .is_none()
    );
}

#[test]
fn complex_keys_are_reported() {
    let loaded = load(FileId(0), "? [a, b]\n: c\n").unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        loaded
            .diagnostics
            .iter()
            .map(|d| d.code)
            .collect::<Vec<_>>(),
        [Code::Shape]
    );
}

#[test]
fn malformed_yaml_is_a_syntax_error_with_a_position() {
    let e = error("a: [1, 2\nb: c\n");
    assert_eq!(e.code, Code::Syntax);
    assert!(e.message.starts_with("invalid YAML: "), "{}", e.message);
    let e = error("a:\n  b: c\n d: e\n");
    assert_eq!(e.code, Code::Syntax);
    assert_eq!(e.offset, 12, "at the third line: {e:?}");
}

#[test]
fn alias_bombs_stop_in_bounded_time() {
    // The billion laughs: nine levels of nine aliases expand to 9^9 nodes.
    let mut text = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        let (prev, next) = (w[0], w[1]);
        text.push_str(&format!("{next}: &{next} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
    }
    // The node budget stops it (no timing asserted: tests are never timed).
    let e = error(&text);
    assert_eq!(e.code, Code::Limit);
    assert!(e.message.contains("alias"), "{}", e.message);
}

#[test]
fn deep_nesting_is_refused() {
    let mut block = String::new();
    for i in 0..10_000 {
        block.push_str(&" ".repeat(i));
        block.push_str("k:\n");
    }
    let e = error(&block);
    assert_eq!(e.code, Code::Limit);
    assert!(e.message.contains(&MAX_DEPTH.to_string()), "{}", e.message);
    let flow = format!("a: {}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert_eq!(error(&flow).code, Code::Limit);
    let seq = format!("{}x\n", "- ".repeat(10_000));
    assert_eq!(error(&seq).code, Code::Limit);
    // Just under the limit is fine.
    let ok = format!("{}x\n", "- ".repeat(MAX_DEPTH - 1));
    assert!(load(FileId(0), &ok).is_ok());
}

#[test]
fn windows_line_endings() {
    let text = "a:\r\n  b: !Ref X\r\n  c: 'q'\r\n";
    let root = load(FileId(0), text)
        .ok()
        .and_then(|l| l.root)
        .unwrap_or_else(|| panic!("no document"));
    assert_eq!(show(&root), r#"{a: {b: {Ref: "X"}, c: "q"}}"#);
    let a = root.get("a").unwrap_or_else(|| panic!("a"));
    let b = a.get("b").unwrap_or_else(|| panic!("b"));
    assert_eq!(
        text.get(b.origin.range.start as usize..b.origin.range.end as usize),
        Some("!Ref X")
    );
    let c = a.get("c").unwrap_or_else(|| panic!("c"));
    assert_eq!(
        text.get(c.origin.range.start as usize..c.origin.range.end as usize),
        Some("'q'")
    );
}

/// Every `.yaml`, `.yml` and `.template` file of shared/corpora, with the error of those the
/// loader refuses: (path below corpora, message, line).
fn corpus_yaml() -> (usize, Vec<(String, String, usize)>) {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if matches!(
                p.extension().and_then(|x| x.to_str()),
                Some("yaml" | "yml" | "template")
            ) {
                out.push(p);
            }
        }
    }
    let root = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpora"
    ));
    let mut files = Vec::new();
    walk(root, &mut files);
    files.sort();
    let mut failed = Vec::new();
    for p in &files {
        let bytes = std::fs::read(p).expect("readable");
        let text = passgraph_json::decode(&bytes)
            .unwrap_or_else(|| String::from_utf8_lossy(&bytes).into_owned());
        let rel = p.strip_prefix(root).unwrap_or(p).display().to_string();
        // JSON templates (`.template` is often JSON) are read by the JSON reader.
        if text.trim_start().starts_with('{') && passgraph_json::parse(FileId(0), &text).is_ok() {
            continue;
        }
        if let Err(e) = load(FileId(0), &text) {
            let line = text[..e.offset.min(text.len())].matches('\n').count() + 1;
            failed.push((rel, e.message, line));
        }
    }
    (files.len(), failed)
}

#[test]
fn every_yaml_file_of_the_corpora_loads() {
    let (n, failed) = corpus_yaml();
    assert_eq!(n, 422);
    // The one file refused is invalid YAML for CloudFormation too: cfn-lint keeps it as a bad
    // fixture, and PyYAML refuses it at the same place ("expected <block end>, but found '-'"):
    // after `bad:` (a key of the mapping at column 7) a block sequence starts at column 7,
    // where only another key may.
    assert_eq!(
        failed,
        [(
            "cfn-lint/test/fixtures/templates/bad/core/config_invalid_yaml.yaml".to_owned(),
            "invalid YAML: while parsing a block mapping, did not find expected key".to_owned(),
            8
        )]
    );
}

// ---- YAML that CloudFormation (SnakeYAML, like PyYAML) accepts and yaml-rust2 refuses ----

#[test]
fn a_flow_mapping_closed_at_the_parents_indentation_loads() {
    let text = "Resources:\n  R:\n    Type: X\n    Properties: {\n      A: 1,\n      B: [x]\n  }\n  S:\n    Type: Y\n";
    check(
        text,
        r#"{Resources: {R: {Type: "X", Properties: {A: #1, B: ["x"]}}, S: {Type: "Y"}}}"#,
    );
    check("A:\n  - {\n    x: 1\n}\n", "{A: [{x: #1}]}");
    // Positions are those of the text as written.
    let root = load(FileId(0), text)
        .expect("loads")
        .root
        .expect("document");
    let r = root.get("Resources").and_then(|r| r.get("S")).expect("S");
    assert_eq!(&text[r.origin.range.start as usize..][..4], "Type");
}

#[test]
fn a_flow_sequence_closed_at_the_parents_indentation_loads() {
    // The shape of aws-cfn-templates' CreateHanaBackupSecureBackut.yaml, with a comment on the
    // line before the bracket.
    check(
        "A:\n  B: [\n    1,\n    2 # two\n  ]\n  C: 3\n",
        r##"{A: {B: [#1, #2], C: #3}}"##,
    );
    check(
        "K:\n  'x': [\n    \"a\",\n    'b'\n  ]\n  'y': [\n    !GetAtt R.Arn\n  ]\n",
        r#"{K: {x: ["a", "b"], y: [{Fn::GetAtt: ["R", "Arn"]}]}}"#,
    );
}

#[test]
fn flow_entries_indented_less_than_their_key_load() {
    check("A:\n  B: {x: 1,\n  y: 2}\n", "{A: {B: {x: #1, y: #2}}}");
    check("A:\n  B: {\n  x: 1}\n", "{A: {B: {x: #1}}}");
    check(
        "A:\n  B: {x: 1,\ny: 2}\nC: 3\n",
        "{A: {B: {x: #1, y: #2}}, C: #3}",
    );
}

#[test]
fn a_comment_glued_to_a_quoted_scalar_loads() {
    check(
        "A: 'text'#comment\nB: \"t\"#c\nC: [1]#c\nD: e#f\n",
        r##"{A: "text", B: "t", C: [#1], D: "e#f"}"##,
    );
}

#[test]
fn broken_yaml_is_still_refused_at_its_first_error() {
    // A block sequence at the indentation of the keys of the mapping it follows (cfn-lint's
    // bad/core/config_invalid_yaml.yaml): PyYAML refuses it too.
    let e = error("a:\n  b:\n    c:\n  - x\n");
    assert_eq!(e.code, Code::Syntax);
    let e = error("a: [1, 2\nb: 3\n");
    assert_eq!(e.code, Code::Syntax);
}

#[test]
fn the_hana_backup_template_loads_as_pyyaml_reads_it() {
    // aws-cfn-templates' CreateHanaBackupSecureBackut.yaml closes two flow sequences left of
    // their keys; PyYAML reads the condition as below, and so must we.
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpora/aws-cfn-templates/aws/solutions/AutomateCreatingHanaBackupBucket/CFT/CreateHanaBackupSecureBackut.yaml"
    );
    let text = std::fs::read_to_string(path).expect("shared/corpora");
    let root = load(FileId(0), &text)
        .expect("loads")
        .root
        .expect("document");
    let at = text
        .find("StringLikeIfExists")
        .expect("the condition is there");
    let mut found = None;
    fn walk<'n>(n: &'n Node, at: usize, found: &mut Option<&'n Node>) {
        match &n.kind {
            NodeKind::Object(entries) => {
                for (k, o, v) in entries {
                    if k.to_string() == "StringLikeIfExists" && o.range.start as usize == at {
                        *found = Some(v);
                    }
                    walk(v, at, found);
                }
            }
            NodeKind::Array(items) => items.iter().for_each(|i| walk(i, at, found)),
            _ => {}
        }
    }
    walk(&root, at, &mut found);
    assert_eq!(
        show(found.expect("the condition")),
        r#"{s3:x-amz-server-side-encryption: ["aws:kms", "AES256"], s3:x-amz-server-side-encryption-aws-kms-key-id: [{Fn::GetAtt: ["TriggerLambdaKmsKey", "Message"]}]}"#
    );
}

/// A quoted scalar continued at its key's indentation loads, as PyYAML (and CloudFormation's
/// SnakeYAML) read it, but for the spaces of the folded line breaks; what follows keeps its
/// position (aws-cloudformation-templates' FindInMap_Inside_Sub.yaml was refused).
#[test]
fn a_quoted_scalar_continued_at_its_keys_indentation_loads() {
    let text = "Outputs:\n  Help:\n    Value: 'Log in to the console, select\n    your instance, click \"actions\"'\n    Description: x\n";
    check(
        text,
        "{Outputs: {Help: {Value: \"Log in to the console, select     your instance, click \\\"actions\\\"\", Description: \"x\"}}}",
    );
    let double = "A:\n  B: \"one\n  two\"\n  C: d\n";
    check(double, "{A: {B: \"one   two\", C: \"d\"}}");
    let loaded = load(FileId(0), text).expect("loads");
    let root = loaded.root.expect("a document");
    let help = root
        .get("Outputs")
        .and_then(|o| o.get("Help"))
        .expect("Help");
    let d = help.get("Description").expect("Description");
    let (s, e) = (d.origin.range.start as usize, d.origin.range.end as usize);
    assert_eq!(&text[s..e], "x");
    // Not closed: still refused.
    let e = error("A:\n  B: 'one\n  two\n");
    assert_eq!(e.code, Code::Syntax);
}
