//! The YAML loader and the CloudFormation reader (JSON or YAML templates, SAM): never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use passgraph_model::FileId;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = passgraph_cfn::looks_like_template(text);
    let _ = passgraph_cfn::parse(FileId(0), text, &passgraph_cfn::Options::default());
});
