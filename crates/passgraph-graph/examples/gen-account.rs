//! Writes the synthetic account of passgraph-testkit in one of four forms, for measuring how
//! the engine does when the account is unknown (every ARN of a template or a Terraform folder
//! holds an account hole):
//!
//! `cargo run --release -p passgraph-graph --example gen-account -- FORM USERS ROLES POLICIES GROUPS OUT`
//!
//! FORM is `snapshot` (OUT a file), `cfn` (OUT a CloudFormation JSON template), `tf` (OUT a
//! folder that receives `main.tf`) or `plan` (OUT a Terraform plan JSON on one line); the forms
//! are written by `passgraph_testkit::forms`.

use passgraph_testkit::forms::{cfn_template, tf_config, tf_plan};
use passgraph_testkit::synth::{Size, snapshot};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [form, u, r, p, g, out] = args.as_slice() else {
        eprintln!("usage: gen-account snapshot|cfn|tf|plan USERS ROLES POLICIES GROUPS OUT");
        std::process::exit(2);
    };
    let num = |s: &String| s.parse::<usize>().unwrap_or(0);
    let size = Size {
        users: num(u),
        roles: num(r),
        policies: num(p),
        groups: num(g).max(1),
        teams: (num(u) / 50).max(2),
    };
    let text = snapshot(size, 42);
    let written = match form.as_str() {
        "snapshot" => std::fs::write(out, text),
        "cfn" => std::fs::write(out, cfn_template(&text)),
        "plan" => std::fs::write(out, tf_plan(&text)),
        "tf" => std::fs::create_dir_all(out)
            .and_then(|()| std::fs::write(format!("{out}/main.tf"), tf_config(&text))),
        _ => {
            eprintln!("FORM is snapshot, cfn, tf or plan");
            std::process::exit(2);
        }
    };
    if let Err(e) = written {
        eprintln!("{out}: {e}");
        std::process::exit(1);
    }
}
