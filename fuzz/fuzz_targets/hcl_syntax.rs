//! The fast HCL parser against `hcl::edit`: whatever text the fast parser reads, `hcl::edit`
//! reads too and gives the same tree (spans and literal values included).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(d) = passgraph_hcl::parser_disagreement(text) {
        panic!("the parsers disagree on {text:?}:\n{d}");
    }
});
