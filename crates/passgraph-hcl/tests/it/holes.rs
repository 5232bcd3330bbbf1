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
        &tf.replace(
            "RESOURCE",
            "arn:aws:iam::111122223333:role/RDS-Monitoring-Role",
        ),
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

#[test]
fn findings_possible_only_because_of_the_account_are_counted_once() {
    // Three users: one names this configuration's account through the caller identity
    // (definite), one a literal account (possible: it may be this one), one another literal
    // account on one role only.
    let mut tf = String::from("data \"aws_caller_identity\" \"current\" {}\n");
    for r in ["app-1", "app-2"] {
        tf.push_str(&format!(
            r#"
resource "aws_iam_role" "{r}" {{
  name = "{r}"
  assume_role_policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ Service = "ec2.amazonaws.com" }} }}]
  }})
}}
"#
        ));
    }
    let mfa = r#", Condition = { Bool = { "aws:MultiFactorAuthPresent" = "true" } }"#;
    for (u, resource, condition) in [
        (
            "own",
            "arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/*",
            "",
        ),
        ("literal", "arn:aws:iam::111122223333:role/*", ""),
        ("other", "arn:aws:iam::444455556666:role/app-1", ""),
        // Possible for another reason too: the condition is not known offline.
        ("mfa", "arn:aws:iam::111122223333:role/app-2", mfa),
    ] {
        tf.push_str(&format!(
            r#"
resource "aws_iam_user" "{u}" {{
  name = "{u}"
}}
resource "aws_iam_user_policy" "{u}" {{
  user   = aws_iam_user.{u}.name
  policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = "iam:PassRole", Resource = "{resource}"{condition} }}]
  }})
}}
"#
        ));
    }
    let (p, _) = load_mem(&[("main.tf", &tf)]);
    let mut account = p.account.clone();
    account.bind(passgraph_model::value::PARTITION_HOLE, "aws");
    let options = passgraph_graph::Options::default();
    let a = passgraph_graph::analyze(&account, &options);
    assert_eq!(
        findings(&p),
        [
            "literal -> app-1 ec2.amazonaws.com possible",
            "literal -> app-2 ec2.amazonaws.com possible",
            "mfa -> app-2 ec2.amazonaws.com possible",
            "other -> app-1 ec2.amazonaws.com possible",
            "own -> app-1 ec2.amazonaws.com definite",
            "own -> app-2 ec2.amazonaws.com definite",
        ]
    );
    let note = passgraph_graph::unknown_account(&account, &options, &a).expect("a note");
    // The most named account is tried: `literal`'s two findings become definite; `mfa` stays
    // possible (its condition), `other` names another account.
    assert_eq!(note.findings, 2);
    assert_eq!(note.accounts, ["111122223333", "444455556666"]);
    assert_eq!(note.tried, ["111122223333"]);
    // With the account known there is nothing to say.
    account.bind(passgraph_model::value::ACCOUNT_HOLE, "111122223333");
    let a = passgraph_graph::analyze(&account, &options);
    assert_eq!(
        passgraph_graph::unknown_account(&account, &options, &a),
        None
    );
}

#[test]
fn values_computed_in_a_variable_file_are_named_by_their_own_place() {
    // Two `uuid()` calls in terraform.tfvars are two unknown values: their names say where
    // each is (line and column), so they are never taken for the same value.
    let (p, _) = crate::support::load_mem(&[
        (
            "main.tf",
            r#"
variable "role_name" {}
variable "allowed" {}

resource "aws_iam_role" "r" {
  name               = var.role_name
  assume_role_policy = "{}"
}

resource "aws_iam_user_policy" "u" {
  user   = "u"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = "arn:aws:iam::*:role/${var.allowed}" }] })
}
"#,
        ),
        (
            "terraform.tfvars",
            "role_name = uuid()\nallowed   = uuid()\n",
        ),
    ]);
    let role = p.account.roles[0].name.to_string();
    assert!(role.contains("uuid() at terraform.tfvars:1:13"), "{role}");
    let statement = format!("{:?}", p.account.attachments);
    assert!(
        statement.contains("uuid() at terraform.tfvars:2:13"),
        "{statement}"
    );
}
