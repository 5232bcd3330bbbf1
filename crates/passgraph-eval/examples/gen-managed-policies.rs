//! Regenerates the built-in table of AWS managed policies.
//!
//! ```text
//! cargo run -p passgraph-eval --example gen-managed-policies -- ../shared/data/aws-managed-policies.json
//! ```
//!
//! Writes `crates/passgraph-eval/src/aws_managed_policies.tsv` (or the path given second) and
//! prints its size. The reduction is in `gen/managed_policies.rs`.

#[path = "../gen/managed_policies.rs"]
mod managed_policies;

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(input) = args.next() else {
        eprintln!("usage: gen-managed-policies <aws-managed-policies.json> [<output.tsv>]");
        return ExitCode::from(2);
    };
    let output = args.next().unwrap_or_else(|| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/src/aws_managed_policies.tsv").to_owned()
    });
    let text = match std::fs::read_to_string(&input) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("gen-managed-policies: {input}: {e}");
            return ExitCode::from(2);
        }
    };
    let asked = passgraph_eval::managed::asked_actions();
    let table = match managed_policies::generate(&text, &asked) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("gen-managed-policies: {input}: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = std::fs::write(&output, &table) {
        eprintln!("gen-managed-policies: {output}: {e}");
        return ExitCode::from(2);
    }
    let policies = table.lines().filter(|l| !l.starts_with('#')).count();
    println!("{output}: {policies} policies, {} bytes", table.len());
    ExitCode::SUCCESS
}
