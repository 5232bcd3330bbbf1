//! The JSON reader: never panics, and every span it gives lies inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use passgraph_model::{FileId, Node, NodeKind};

fn check(node: &Node, len: usize) {
    let r = node.origin.range;
    assert!(
        r.start <= r.end && r.end as usize <= len,
        "span {r:?} outside {len}"
    );
    match &node.kind {
        NodeKind::Array(v) | NodeKind::Choice(v) => v.iter().for_each(|n| check(n, len)),
        NodeKind::Object(v) => v.iter().for_each(|(_, o, n)| {
            assert!(o.range.end as usize <= len);
            check(n, len);
        }),
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    // Raw bytes go through the same decoding the CLI uses (UTF-8, UTF-16 with a BOM).
    let Some(text) = passgraph_json::decode(data) else {
        return;
    };
    if let Ok(node) = passgraph_json::parse(FileId(0), &text) {
        check(&node, text.len());
        // Whatever parses may be read as a policy document.
        let _ = passgraph_model::PolicyDocument::from_node(&node);
    }
});
