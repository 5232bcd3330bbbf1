//! The conformance account at its medium size, read and analysed per input format.
//! Run: `cargo bench -p passgraph-testkit --bench conform`. The example `conform` prints the
//! same per-format timings once and checks that the formats agree.

use divan::Bencher;

use passgraph_testkit::conform::{self, Format, Inputs, Size, check};

fn main() {
    divan::main();
}

fn inputs() -> (Inputs, String) {
    let account = conform::generate(Size::medium(), 42);
    (conform::render(&account), account.id)
}

const FORMATS: [Format; 5] = Format::ALL;

#[divan::bench(args = FORMATS, sample_count = 3)]
fn read_and_analyze(b: Bencher, format: Format) {
    let (inputs, id) = inputs();
    b.bench(|| check::run(format, &inputs, &id).rows.len());
}

#[divan::bench(sample_count = 3)]
fn render_all_formats(b: Bencher) {
    let account = conform::generate(Size::medium(), 42);
    b.bench(|| conform::render(&account).plan.len());
}
