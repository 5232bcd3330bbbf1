//! Helpers shared by the integration tests.

use passgraph_cfn::{Options, parse};
use passgraph_model::{Parsed, SourceMap};

/// Parses `text` as the only file of a source map.
pub(crate) fn parse_one(name: &str, text: &str, options: &Options) -> (SourceMap, Parsed) {
    let mut sm = SourceMap::default();
    let id = sm.add(name, text);
    let parsed = parse(id, text, options);
    (sm, parsed)
}
