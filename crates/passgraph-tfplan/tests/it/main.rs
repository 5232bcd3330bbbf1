//! Integration tests of the plan reader: hand-written fixtures (testdata/tfplan), edge-case
//! documents, the third-party corpora, and findings through the graph.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod corpus;
mod e2e;
mod fixtures;
mod relations;
mod shapes;

use passgraph_model::{Account, Code, Parsed, SourceMap, Str};
use passgraph_tfplan::{Options, parse};

/// The repository's testdata/tfplan folder.
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/tfplan");

/// A plan read into a source map.
struct Loaded {
    sm: SourceMap,
    parsed: Parsed,
}

impl Loaded {
    fn account(&self) -> &Account {
        &self.parsed.account
    }

    /// Line of an origin.
    fn line(&self, origin: &passgraph_model::Origin) -> u32 {
        self.sm.locate(origin).line
    }

    /// Diagnostics as `CODE message`.
    fn diags(&self) -> Vec<String> {
        self.parsed
            .diagnostics
            .iter()
            .map(|d| format!("{} {}", d.code.id(), d.message))
            .collect()
    }

    fn codes(&self) -> Vec<Code> {
        self.parsed.diagnostics.iter().map(|d| d.code).collect()
    }
}

fn load_text(name: &str, text: &str, options: &Options) -> Loaded {
    let mut sm = SourceMap::default();
    let file = sm.add(name, text);
    let parsed = parse(file, text, options);
    // Every origin must fall inside the text.
    let len = u32::try_from(text.len()).unwrap();
    for d in &parsed.diagnostics {
        if let Some(o) = &d.origin {
            assert!(
                o.range.start <= o.range.end && o.range.end <= len,
                "{name}: {d:?}"
            );
        }
    }
    Loaded { sm, parsed }
}

fn fixture(case: &str, options: &Options) -> Loaded {
    let path = format!("{FIXTURES}/{case}/plan.json");
    let text = std::fs::read_to_string(&path).unwrap();
    load_text(&format!("{case}/plan.json"), &text, options)
}

fn s(v: &Str) -> String {
    v.to_string()
}
