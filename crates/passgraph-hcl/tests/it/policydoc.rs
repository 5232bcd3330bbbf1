//! Policy documents: `aws_iam_policy_document` rendering, JSON in heredocs, files and templates,
//! with the position of every statement.

use passgraph_model::policy::PrincipalKind;
use passgraph_model::{ActionSpec, Effect, PolicyDocument, ResourceSpec, Str};

use crate::support::{at, load_mem};

fn strs(v: &[Str]) -> Vec<String> {
    v.iter().map(ToString::to_string).collect()
}

fn actions(d: &PolicyDocument, i: usize) -> Vec<String> {
    match &d.statements[i].actions {
        ActionSpec::Action(v) => strs(v),
        ActionSpec::NotAction(v) => strs(v).into_iter().map(|s| format!("not {s}")).collect(),
    }
}

fn resources(d: &PolicyDocument, i: usize) -> Vec<String> {
    match &d.statements[i].resources {
        ResourceSpec::Resource(v) => strs(v),
        ResourceSpec::NotResource(v) => strs(v).into_iter().map(|s| format!("not {s}")).collect(),
        ResourceSpec::Absent => Vec::new(),
    }
}

const DOC: &str = r#"
data "aws_iam_policy_document" "base" {
  statement {
    sid       = "Keep"
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
  statement {
    sid       = "Replace"
    actions   = ["s3:PutObject"]
    resources = ["*"]
  }
}

data "aws_iam_policy_document" "main" {
  source_policy_documents   = [data.aws_iam_policy_document.base.json]
  override_policy_documents = [jsonencode({ Statement = [{ Sid = "Keep", Effect = "Deny", Action = "s3:*", Resource = "*" }] })]
  statement {
    sid       = "Replace"
    actions   = ["iam:PassRole", "iam:GetRole", "iam:PassRole"]
    resources = ["arn:aws:iam::*:role/&{aws:username}"]
    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ec2.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["lambda.amazonaws.com"]
    }
  }
  statement {
    effect        = "Deny"
    not_actions   = ["iam:*"]
    not_resources = ["arn:aws:s3:::b"]
  }
  dynamic "statement" {
    for_each = { ec2 = "ec2.amazonaws.com", ecs = "ecs-tasks.amazonaws.com" }
    content {
      sid     = "Trust${statement.key}"
      actions = ["sts:AssumeRole"]
      principals {
        type        = "Service"
        identifiers = [statement.value]
      }
      principals {
        type        = "AWS"
        identifiers = ["arn:aws:iam::111122223333:root"]
      }
    }
  }
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}

resource "aws_iam_policy" "p" {
  name   = "p"
  policy = data.aws_iam_policy_document.main.json
}
"#;

#[test]
fn policy_document_rendering() {
    let (p, src) = load_mem(&[("main.tf", DOC)]);
    assert!(p.diagnostics.is_empty(), "{:#?}", p.diagnostics);
    let d = &p.account.policies[0].document;
    assert_eq!(d.version.as_deref(), Some("2012-10-17"));
    let sids: Vec<Option<&str>> = d.statements.iter().map(|s| s.sid.as_deref()).collect();
    assert_eq!(
        sids,
        [
            Some("Keep"),
            Some("Replace"),
            None,
            Some("Trustec2"),
            Some("Trustecs"),
            None
        ]
    );
    // The override replaced `Keep`; this document's `Replace` replaced the source's.
    assert_eq!(d.statements[0].effect, Effect::Deny);
    assert_eq!(actions(d, 0), ["s3:*"]);
    assert_eq!(at(&src.map, &d.statements[0].origin), "main.tf:17:58");
    assert_eq!(actions(d, 1), ["iam:PassRole", "iam:GetRole"]);
    assert_eq!(resources(d, 1), ["arn:aws:iam::*:role/${aws:username}"]);
    assert_eq!(d.statements[1].effect, Effect::Allow);
    let c = &d.statements[1].conditions;
    assert_eq!(c.len(), 1);
    assert_eq!(
        (c[0].operator.as_str(), c[0].key.as_str()),
        ("StringEquals", "iam:passedtoservice")
    );
    assert_eq!(
        strs(&c[0].values),
        ["ec2.amazonaws.com", "lambda.amazonaws.com"]
    );
    assert_eq!(at(&src.map, &d.statements[1].origin), "main.tf:18:3");
    assert_eq!(
        d.statements[1].origin.address.as_deref(),
        Some("aws_iam_policy.p")
    );
    assert_eq!(d.statements[2].effect, Effect::Deny);
    assert_eq!(actions(d, 2), ["not iam:*"]);
    assert_eq!(resources(d, 2), ["not arn:aws:s3:::b"]);
    let pr = d.statements[3].principals.as_ref().unwrap();
    let entries: Vec<(PrincipalKind, String)> = pr
        .entries
        .iter()
        .map(|(k, v)| (*k, v.to_string()))
        .collect();
    assert_eq!(
        entries,
        [
            (PrincipalKind::Service, "ec2.amazonaws.com".into()),
            (PrincipalKind::Aws, "arn:aws:iam::111122223333:root".into())
        ]
    );
    assert_eq!(at(&src.map, &d.statements[4].origin), "main.tf:40:5");
    assert!(d.statements[5].principals.as_ref().unwrap().everyone);
}

#[test]
fn heredoc_json_keeps_statement_positions_and_holes() {
    let main = r#"
data "aws_caller_identity" "current" {}
locals { account_id = data.aws_caller_identity.current.account_id }

resource "aws_iam_policy" "h" {
  name   = "h"
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "iam:PassRole",
      "Resource": "arn:aws:iam::${local.account_id}:role/RDS-*"
    },
    {
      "Effect": "Allow",
      "Action": ["ec2:RunInstances"],
      "Resource": ${jsonencode(["a", "b"])}
    }
  ]
}
EOF
}

resource "aws_iam_policy" "indented" {
  name   = "i"
  policy = <<-EOF
    {"Version": "2012-10-17",
     "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}
    EOF
}

resource "aws_iam_policy" "unknown_list" {
  name   = "u"
  policy = <<EOF
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": ${var.arns}}]}
EOF
}

variable "arns" {}
"#;
    let (p, src) = load_mem(&[("main.tf", main)]);
    let h = &p.account.policies[0].document;
    assert_eq!(h.statements.len(), 2);
    assert_eq!(at(&src.map, &h.statements[0].origin), "main.tf:11:5");
    assert_eq!(at(&src.map, &h.statements[1].origin), "main.tf:16:5");
    assert_eq!(resources(h, 0), ["arn:aws:iam::${aws:account}:role/RDS-*"]);
    assert_eq!(resources(h, 1), ["a", "b"]);
    let i = &p.account.policies[1].document;
    assert_eq!(at(&src.map, &i.statements[0].origin), "main.tf:30:19");
    let u = &p.account.policies[2].document;
    assert_eq!(resources(u, 0), ["${var.arns}"]);
    assert_eq!(at(&src.map, &u.statements[0].origin), "main.tf:37:41");
}

#[test]
fn file_and_templatefile_policies_point_into_their_files() {
    let main = r#"
resource "aws_iam_policy" "f" {
  name   = "f"
  policy = file("${path.module}/policies/pass.json")
}
resource "aws_iam_policy" "t" {
  name   = "t"
  policy = templatefile("${path.module}/policies/pass.json.tpl", { role = "web" })
}
"#;
    let json = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"iam:PassRole\", \"Resource\": \"*\"}\n  ]\n}\n";
    let tpl = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"iam:PassRole\", \"Resource\": \"arn:aws:iam::*:role/${role}\"}\n  ]\n}\n";
    let (p, src) = load_mem(&[
        ("main.tf", main),
        ("policies/pass.json", json),
        ("policies/pass.json.tpl", tpl),
    ]);
    assert!(p.diagnostics.is_empty(), "{:#?}", p.diagnostics);
    let f = &p.account.policies[0].document;
    assert_eq!(
        at(&src.map, &f.statements[0].origin),
        "policies/pass.json:4:5"
    );
    assert_eq!(
        f.statements[0].origin.address.as_deref(),
        Some("aws_iam_policy.f")
    );
    let t = &p.account.policies[1].document;
    assert_eq!(
        at(&src.map, &t.statements[0].origin),
        "policies/pass.json.tpl:4:5"
    );
    assert_eq!(resources(t, 0), ["arn:aws:iam::*:role/web"]);
}

#[test]
fn quoted_json_and_invalid_policies() {
    let main = r#"
resource "aws_iam_policy" "q" {
  name   = "q"
  policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"
}
resource "aws_iam_policy" "bad" {
  name   = "bad"
  policy = "{not json"
}
"#;
    let (p, src) = load_mem(&[("main.tf", main)]);
    assert_eq!(p.account.policies[0].document.statements.len(), 1);
    assert_eq!(
        at(
            &src.map,
            &p.account.policies[0].document.statements[0].origin
        ),
        "main.tf:4:13"
    );
    // A policy that is not JSON is an unknown document (AWS would refuse it; what the policy
    // will hold is not known), never an empty one that grants nothing.
    let bad = &p.account.policies[1].document;
    assert!(bad.statements.is_empty());
    assert!(bad.unknown.is_some());
    let d: Vec<String> = p
        .diagnostics
        .iter()
        .map(|d| format!("{:?} {}", d.code, at(&src.map, d.origin.as_ref().unwrap())))
        .collect();
    assert_eq!(d, ["UnknownPolicy main.tf:8:12"]);
}

#[test]
fn an_aws_managed_policy_read_by_a_data_source_has_its_document() {
    let (p, _) = load_mem(&[(
        "main.tf",
        r#"
data "aws_partition" "current" {}
data "aws_iam_policy" "lambda" {
  arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AWSLambda_FullAccess"
}
data "aws_iam_policy" "eni" {
  count = 1
  arn   = "arn:aws:iam::aws:policy/service-role/AWSLambdaENIManagementAccess"
}
data "aws_iam_policy" "wrong_path" {
  arn = "arn:aws:iam::aws:policy/AWSLambdaENIManagementAccess"
}
data "aws_iam_policy" "mine" {
  name = "mine"
}
data "aws_iam_policy" "bare" {
  arn = "AWSLambda_FullAccess"
}
data "aws_iam_policy" "customer" {
  arn = "arn:aws:iam::123456789012:policy/AWSLambda_FullAccess"
}
resource "aws_iam_policy" "bare" {
  name   = "bare"
  policy = data.aws_iam_policy.bare.policy
}
resource "aws_iam_policy" "customer" {
  name   = "customer"
  policy = data.aws_iam_policy.customer.policy
}
resource "aws_iam_policy" "copy" {
  name   = "copy"
  policy = data.aws_iam_policy.lambda.policy
}
resource "aws_iam_policy" "eni" {
  name   = "eni"
  policy = data.aws_iam_policy.eni[0].policy
}
resource "aws_iam_policy" "wrong_path" {
  name   = "wrong-path"
  policy = data.aws_iam_policy.wrong_path.policy
}
resource "aws_iam_policy" "mine" {
  name   = "mine-copy"
  policy = data.aws_iam_policy.mine.policy
}
"#,
    )]);
    let doc = |n: &str| {
        &p.account
            .policies
            .iter()
            .find(|x| x.name.as_known() == Some(n))
            .unwrap_or_else(|| panic!("policy {n}"))
            .document
    };
    // The partition is unknown; the policy is the same in every partition.
    assert!(doc("copy").unknown.is_none(), "{:?}", doc("copy").unknown);
    assert_eq!(actions(doc("copy"), 1), ["iam:PassRole"]);
    assert!(doc("eni").unknown.is_none(), "{:?}", doc("eni").unknown);
    assert_eq!(actions(doc("eni"), 0), ["ec2:CreateNetworkInterface"]);
    // No AWS managed policy has that path and name: not known offline.
    assert!(doc("wrong-path").unknown.is_some());
    // A customer managed policy lives in the account: not known offline, whatever its name.
    assert!(doc("mine-copy").unknown.is_some());
    assert!(doc("customer").unknown.is_some());
    // Not an ARN: not an AWS managed policy's either.
    assert!(doc("bare").unknown.is_some());
}
