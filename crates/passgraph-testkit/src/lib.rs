//! Test support, never shipped: a generator of synthetic accounts for benchmarks and scale tests,
//! and the conformance suite that writes one account in every input format.

pub mod conform;
pub mod forms;
pub mod synth;
