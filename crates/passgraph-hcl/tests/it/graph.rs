//! End to end through `passgraph_graph::analyze`: findings and the positions they point at.

use std::path::PathBuf;

use passgraph_model::Tri;

use crate::support::{FsSource, at, load_mem};

fn testdata(case: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/hcl")).join(case)
}

/// Findings with the built-in AWS managed policies added, as the CLI runs it.
fn findings(p: &passgraph_model::Parsed) -> (passgraph_graph::Analysis, Vec<String>) {
    let mut account = p.account.clone();
    let mut sm = passgraph_model::SourceMap::default();
    passgraph_eval::managed::add_builtins(&mut account, &mut |p, t| sm.add(p, t));
    let a = passgraph_graph::analyze(&account, &passgraph_graph::Options::default());
    let v = a
        .findings
        .iter()
        .map(|f| {
            let c = if f.certainty == Tri::Yes {
                "definite"
            } else {
                "possible"
            };
            let pr = &a.principals[f.principal];
            format!(
                "{} {} -> {} {} {c}",
                pr.kind.as_str(),
                pr.name,
                a.principals[f.role].name,
                f.service
            )
        })
        .collect();
    (a, v)
}

#[test]
fn rds_monitoring_role_matches_a_pattern_with_the_account_hole() {
    let root = testdata("rds-monitoring");
    let mut src = FsSource::new(&root);
    let p = passgraph_hcl::load(&root, &mut src, &passgraph_hcl::Options::default());
    assert!(p.diagnostics.is_empty(), "{:#?}", p.diagnostics);
    let role = &p.account.roles[0];
    assert_eq!(
        role.arn.to_string(),
        "arn:aws:iam::${aws:account}:role/RDS-Monitoring-Role"
    );
    let (a, got) = findings(&p);
    assert_eq!(
        got,
        ["user dba -> RDS-Monitoring-Role monitoring.rds.amazonaws.com definite"]
    );
    let f = &a.findings[0];
    assert_eq!(f.exploitable, Tri::Yes);
    let grants: Vec<String> = f
        .proof
        .grants
        .iter()
        .map(|g| at(&src.map, &g.origin))
        .collect();
    assert_eq!(grants, ["main.tf:26:5"]);
    assert_eq!(
        f.proof.grants[0].origin.address.as_deref(),
        Some("aws_iam_user_policy.dba_pass")
    );
    let trust: Vec<String> = f
        .proof
        .trust
        .iter()
        .map(|g| at(&src.map, &g.origin))
        .collect();
    assert_eq!(trust, ["modules/monitoring/main.tf:6:3"]);
    assert_eq!(
        f.proof.trust[0].origin.address.as_deref(),
        Some("module.monitoring.aws_iam_role.this")
    );
    // The RDS instance hands the role to the service.
    assert_eq!(f.in_use_by.len(), 1);
    let u = &p.account.role_uses[f.in_use_by[0]];
    assert_eq!(
        (u.resource.as_str(), at(&src.map, &u.origin)),
        ("aws_db_instance.main", "main.tf:56:25".to_owned())
    );
}

#[test]
fn uncertain_and_generated_roles() {
    let trust = r#"jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }] })"#;
    let main = format!(
        r#"
provider "aws" {{ region = "us-east-1" }}
variable "create" {{ type = bool }}
resource "aws_iam_role" "maybe" {{
  count              = var.create ? 1 : 0
  name               = "app-maybe"
  assume_role_policy = {trust}
}}
resource "aws_iam_role" "generated" {{
  name_prefix        = "app-"
  assume_role_policy = {trust}
}}
resource "aws_iam_role" "other" {{
  name_prefix        = "zz-"
  assume_role_policy = {trust}
}}
resource "aws_iam_user" "dev" {{
  name = "dev"
}}
resource "aws_iam_user_policy" "p" {{
  user   = aws_iam_user.dev.name
  name   = "p"
  policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = "iam:PassRole", Resource = "arn:aws:iam::*:role/app-*" }}] }})
}}
"#
    );
    let (p, _) = load_mem(&[("main.tf", &main)]);
    let (_, got) = findings(&p);
    assert_eq!(
        got,
        [
            "user dev -> app-${aws_iam_role.generated.name} lambda.amazonaws.com definite",
            "user dev -> app-maybe lambda.amazonaws.com possible",
        ]
    );
}
