//! Runs the conformance suite at a given size and prints, per format, the findings, the time to
//! read the input and the time of the analysis, then the disagreements:
//! `cargo run --release -p passgraph-testkit --example conform -- [USERS ROLES POLICIES GROUPS TEAMS] [--seed N] [--write DIR]`.
//! Without sizes it runs the medium size. `--write DIR` also writes the five inputs there
//! (`--write-only DIR` only writes them);
//! `--empty-boundary` and `--service-principal-data` turn on, `--no-modules` and `--no-existing` turn off, the
//! constructs of `conform::Constructs`.

use std::time::Instant;

use passgraph_testkit::conform::{self, Size, check};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut size = Size::medium();
    let mut seed = 42;
    let mut write = None;
    let mut write_only = false;
    let mut extra = conform::Constructs::default();
    let mut nums = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seed" => seed = it.next().and_then(|s| s.parse().ok()).unwrap_or(seed),
            "--write" => write = it.next().cloned(),
            "--write-only" => {
                write = it.next().cloned();
                write_only = true;
            }
            "--empty-boundary" => extra.empty_boundary = true,
            "--service-principal-data" => extra.service_principal_data = true,
            "--no-modules" => extra.modules = false,
            "--no-existing" => extra.existing = false,
            n => nums.extend(n.parse::<usize>().ok()),
        }
    }
    if let [u, r, p, rest @ ..] = nums.as_slice() {
        size.users = *u;
        size.roles = *r;
        size.policies = *p;
        if let [g, t, ..] = rest {
            size.groups = *g;
            size.teams = *t;
        }
    }
    let account = conform::generate(size, seed);
    let start = Instant::now();
    let inputs = conform::render_with(&account, &extra);
    println!(
        "size {size:?}, seed {seed}: rendered in {:.1?}",
        start.elapsed()
    );
    if let Some(dir) = write {
        let dir = std::path::Path::new(&dir);
        let tf = dir.join("tf");
        let _ = std::fs::create_dir_all(&tf);
        let _ = std::fs::write(dir.join("snapshot.json"), &inputs.snapshot);
        let _ = std::fs::write(dir.join("template.json"), &inputs.cfn_json);
        let _ = std::fs::write(dir.join("template.yaml"), &inputs.cfn_yaml);
        let _ = std::fs::write(dir.join("plan.json"), &inputs.plan);
        for (n, t) in &inputs.tf {
            let path = tf.join(n);
            if let Some(parent) = path.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            let _ = std::fs::write(path, t);
        }
    }
    if write_only {
        return;
    }
    let comparison = check::compare_inputs(&inputs, &account.id);
    println!(
        "{:<10} {:>9} {:>10} {:>10} {:>9}",
        "format", "findings", "read", "analyze", "bytes"
    );
    for o in &comparison.outcomes {
        let bytes = match o.format {
            check::Format::Snapshot => inputs.snapshot.len(),
            check::Format::CfnJson => inputs.cfn_json.len(),
            check::Format::CfnYaml => inputs.cfn_yaml.len(),
            check::Format::Terraform => inputs.tf.iter().map(|(_, t)| t.len()).sum(),
            check::Format::Plan => inputs.plan.len(),
        };
        println!(
            "{:<10} {:>9} {:>10.1?} {:>10.1?} {:>9}",
            o.format.to_string(),
            o.rows.len(),
            o.read,
            o.analyze,
            bytes
        );
    }
    let text = comparison.explain(15);
    if text.is_empty() {
        println!("all formats agree");
    } else {
        print!("{text}");
    }
}
