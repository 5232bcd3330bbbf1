//! The account-snapshot reader (`get-account-authorization-details`): never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use passgraph_model::FileId;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = passgraph_snapshot::parse(FileId(0), text);
});
