//! Unknown values have types (issue 8, section 3), from a Terraform configuration: the account of
//! `data.aws_caller_identity` as a trust principal, the RDS documentation's ARN without an
//! account, generated names.

use passgraph_model::Tri;
use passgraph_model::value::{Charset, HoleClass};

use crate::support::load_mem;

fn findings(p: &passgraph_model::Parsed) -> Vec<String> {
    let mut account = p.account.clone();
    account.bind(passgraph_model::value::PARTITION_HOLE, "aws");
    let a = passgraph_graph::analyze(&account, &passgraph_graph::Options::default());
    let mut v: Vec<String> = a
        .findings
        .iter()
        .map(|f| {
            let c = if f.certainty == Tri::Yes {
                "definite"
            } else {
                "possible"
            };
            let via: Vec<String> = f
                .via
                .iter()
                .map(|&i| a.principals[i].name.to_string())
                .collect();
            format!(
                "{} -> {} {} {c}{}",
                a.principals[f.principal].name,
                a.principals[f.role].name,
                f.service,
                if via.is_empty() {
                    String::new()
                } else {
                    format!(" via {}", via.join(","))
                }
            )
        })
        .collect();
    v.sort();
    v
}

/// `dev` may assume `admin`, whose trust policy names `PRINCIPAL`; `admin` may pass `app` to
/// EC2.
const CHAIN: &str = r#"
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

data "aws_iam_policy_document" "trust_account" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = [PRINCIPAL]
    }
  }
}

resource "aws_iam_role" "admin" {
  name               = "admin"
  assume_role_policy = data.aws_iam_policy_document.trust_account.json
}

resource "aws_iam_role_policy" "admin_pass" {
  role = aws_iam_role.admin.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = aws_iam_role.app.arn }]
  })
}

resource "aws_iam_role" "app" {
  name = "app"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_user" "dev" {
  name = "dev"
}

resource "aws_iam_user_policy" "dev_assume" {
  user = aws_iam_user.dev.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Resource = aws_iam_role.admin.arn }]
  })
}
"#;

#[test]
fn the_caller_identitys_account_as_a_trust_principal_is_the_accounts_root() {
    // Terraform's aws_iam_policy_document documentation: `identifiers` of type "AWS" take
    // account ids; IAM reads a bare account id as `arn:aws:iam::ID:root`.
    for principal in [
        "data.aws_caller_identity.current.account_id",
        "\"arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root\"",
    ] {
        let (p, _) = load_mem(&[("main.tf", &CHAIN.replace("PRINCIPAL", principal))]);
        assert_eq!(
            findings(&p),
            [
                "admin -> app ec2.amazonaws.com definite",
                "dev -> app ec2.amazonaws.com definite via admin",
            ],
            "{principal}"
        );
    }
}

#[test]
fn the_rds_documentations_arn_without_account_names_no_role() {
    // The literal `arn:aws:iam:::role/RDS-Monitoring-Role` (empty account field) is no role's
    // ARN, also while this configuration's account is known only after apply.
    let tf = r#"
resource "aws_iam_role" "monitoring" {
  name = "RDS-Monitoring-Role"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "monitoring.rds.amazonaws.com" } }]
  })
}

resource "aws_iam_user" "dba" {
  name = "dba"
}

resource "aws_iam_user_policy" "pass" {
  user = aws_iam_user.dba.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = "RESOURCE" }]
  })
}
"#;
    let (p, _) = load_mem(&[(
        "main.tf",
        &tf.replace("RESOURCE", "arn:aws:iam:::role/RDS-Monitoring-Role"),
    )]);
    assert_eq!(findings(&p), Vec::<String>::new());
    let (p, _) = load_mem(&[(
        "main.tf",
        &tf.replace("RESOURCE", "arn:aws:iam::111122223333:role/RDS-Monitoring-Role"),
    )]);
    assert_eq!(
        findings(&p),
        ["dba -> RDS-Monitoring-Role monitoring.rds.amazonaws.com possible"]
    );
}

#[test]
fn a_generated_name_is_the_providers_suffix() {
    // Without `name`, the provider names the role `terraform-` and 26 digits and hex letters;
    // with `name_prefix`, the prefix and those 26.
    let (p, _) = load_mem(&[(
        "main.tf",
        r#"
resource "aws_iam_role" "web" {
  name_prefix        = "web-"
  assume_role_policy = "{}"
}
"#,
    )]);
    let role = &p.account.roles[0];
    assert_eq!(role.name.known_prefix(), "web-");
    let classes: Vec<(String, HoleClass)> = role
        .name
        .holes_with_class()
        .map(|(k, c)| (k.to_owned(), c))
        .collect();
    assert_eq!(
        classes,
        [(
            "aws_iam_role.web.name".to_owned(),
            HoleClass::Name {
                charset: Charset::LowerId,
                max_len: 26
            }
        )]
    );
    // `web-_*` cannot match: `_` is no character of the suffix.
    let g = passgraph_model::Glob::new(&passgraph_model::Str::lit("web-_*"), false);
    assert_eq!(g.matches(&role.name), Tri::No);
    let g = passgraph_model::Glob::new(&passgraph_model::Str::lit("web-2*"), false);
    assert_eq!(g.matches(&role.name), Tri::Maybe);
}
