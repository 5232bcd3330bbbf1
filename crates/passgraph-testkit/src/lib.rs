//! Test support, never shipped: a generator of synthetic accounts for benchmarks and scale tests.

pub mod synth;
