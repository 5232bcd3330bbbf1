//! Modules, variables from every source, `count`/`for_each` addressing, JSON syntax, limits.

use std::path::{Path, PathBuf};

use passgraph_hcl::Options;
use passgraph_model::{Code, Str};

use crate::support::{MemSource, at, load_mem, load_mem_with};

fn codes(p: &passgraph_model::Parsed) -> Vec<Code> {
    p.diagnostics.iter().map(|d| d.code).collect()
}

const ROOT: &str = r#"
module "app" {
  source    = "./modules/app"
  role_name = "app-role"
}

module "per_env" {
  source   = "./modules/app"
  for_each = toset(["dev", "prod"])
  role_name = "app-${each.key}"
}

module "counted" {
  source    = "./modules/app"
  count     = 2
  role_name = "c${count.index}"
}

# module "disabled" {
#   source = "./modules/app"
#   role_name = "commented-out"
# }

module "remote" {
  source = "terraform-aws-modules/iam/aws//modules/iam-user"
}

resource "aws_iam_user" "u" {
  name = "${module.app.role_arn}-user"
}

resource "aws_iam_user" "v" {
  name = "v-${module.remote.iam_user_name}"
}
"#;

const APP: &str = r#"
variable "role_name" {}

module "inner" {
  source = "../inner"
  name   = var.role_name
}

resource "aws_iam_role" "this" {
  name               = module.inner.upper_name
  assume_role_policy = jsonencode({ Statement = [] })
}

output "role_arn" { value = aws_iam_role.this.arn }
"#;

const INNER: &str = r#"
variable "name" { type = string }
output "upper_name" { value = upper(var.name) }
"#;

#[test]
fn local_modules_are_followed_with_inputs_and_outputs() {
    let files = [
        ("main.tf", ROOT),
        ("modules/app/main.tf", APP),
        ("modules/inner/main.tf", INNER),
    ];
    let mut src = MemSource::new(&files);
    let (p, stats) = passgraph_hcl::load_with_stats(Path::new("/m"), &mut src, &Options::default());
    let roles: Vec<String> = p
        .account
        .roles
        .iter()
        .map(|r| format!("{} {}", r.origin.address.as_deref().unwrap_or(""), r.name))
        .collect();
    assert_eq!(
        roles,
        [
            "module.app.aws_iam_role.this APP-ROLE",
            "module.per_env[\"dev\"].aws_iam_role.this APP-DEV",
            "module.per_env[\"prod\"].aws_iam_role.this APP-PROD",
            "module.counted[0].aws_iam_role.this C0",
            "module.counted[1].aws_iam_role.this C1",
        ]
    );
    assert_eq!(
        stats.modules,
        [
            "",
            "module.app",
            "module.per_env[\"dev\"]",
            "module.per_env[\"prod\"]",
            "module.counted[0]",
            "module.counted[1]",
            "module.app.module.inner",
            "module.per_env[\"dev\"].module.inner",
            "module.per_env[\"prod\"].module.inner",
            "module.counted[0].module.inner",
            "module.counted[1].module.inner",
        ]
    );
    assert_eq!(stats.files, 3);
    let users: Vec<String> = p.account.users.iter().map(|u| u.name.to_string()).collect();
    assert_eq!(
        users,
        [
            "arn:${aws:partition}:iam::${aws:account}:role/APP-ROLE-user",
            "v-${module.remote.iam_user_name}"
        ]
    );
    let remote: Vec<String> = p
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::RemoteModule)
        .map(|d| {
            format!(
                "{} @ {}",
                d.message,
                at(&src.map, d.origin.as_ref().unwrap())
            )
        })
        .collect();
    assert_eq!(
        remote,
        [
            "module module.remote has remote source \"terraform-aws-modules/iam/aws//modules/iam-user\"; it is not fetched: IAM users, roles and policies it may create are not seen, and its outputs are unknown @ main.tf:24:1"
        ]
    );
    assert_eq!(codes(&p), [Code::RemoteModule]);
}

#[test]
fn module_cycles_and_missing_modules_are_diagnosed() {
    let files = [
        (
            "main.tf",
            "module \"a\" {\n  source = \"./a\"\n}\nmodule \"gone\" {\n  source = \"./nowhere\"\n}\n",
        ),
        ("a/main.tf", "module \"back\" {\n  source = \"../a\"\n}\n"),
    ];
    let (p, _) = load_mem(&files);
    let msgs: Vec<String> = p
        .diagnostics
        .iter()
        .map(|d| format!("{:?}: {}", d.code, d.message))
        .collect();
    assert_eq!(
        msgs,
        [
            "UnresolvedReference: module gone source \"./nowhere\" has no configuration files",
            "ReferenceCycle: module back calls a module that contains it (\"../a\"); it is not loaded",
        ]
    );
}

#[test]
fn module_nesting_is_bounded() {
    let mut files: Vec<(String, String)> = vec![(
        "main.tf".into(),
        "module \"m\" {\n  source = \"./d0\"\n}\n".into(),
    )];
    let mut dir = String::from("d0");
    for i in 1..40 {
        files.push((
            format!("{dir}/main.tf"),
            format!("module \"m\" {{\n  source = \"./d{i}\"\n}}\n"),
        ));
        dir = format!("{dir}/d{i}");
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let (p, _) = load_mem(&refs);
    assert_eq!(codes(&p), [Code::Limit]);
    assert!(
        p.diagnostics[0]
            .message
            .contains("nests deeper than 16 levels"),
        "{}",
        p.diagnostics[0].message
    );
}

const VARS: &str = r#"
variable "a" { default = "default" }
variable "b" { default = "default" }
variable "c" { default = "default" }
variable "d" { default = "default" }
variable "e" { default = "default" }
variable "l" { type = list(string) }
variable "n" {}
resource "aws_iam_user" "u" {
  for_each = toset([var.a, var.b, var.c, var.d, var.e, join("+", var.l), var.n])
  name     = each.key
}
"#;

#[test]
fn variable_sources_in_terraform_order() {
    let files = [
        ("main.tf", VARS),
        (
            "terraform.tfvars",
            "a = \"tfvars\"\nb = \"tfvars\"\nc = \"tfvars\"\nd = \"tfvars\"\n",
        ),
        ("terraform.tfvars.json", "{\"b\": \"tfvars.json\"}"),
        ("x.auto.tfvars", "c = \"auto\"\nd = \"auto\"\n"),
        ("extra.tfvars", "d = \"var-file\"\ne = \"var-file\"\n"),
    ];
    let mut src = MemSource::new(&files);
    let opts = Options {
        var_files: vec![PathBuf::from("/m/extra.tfvars")],
        vars: vec![
            ("e".into(), "cli".into()),
            ("l".into(), "[\"x\", \"y\"]".into()),
            ("n".into(), "[not parsed]".into()),
        ],
        ..Options::default()
    };
    let p = passgraph_hcl::load(Path::new("/m"), &mut src, &opts);
    let mut names: Vec<String> = p.account.users.iter().map(|u| u.name.to_string()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "[not parsed]",
            "auto",
            "cli",
            "tfvars",
            "tfvars.json",
            "var-file",
            "x+y"
        ]
    );
    assert!(p.diagnostics.is_empty(), "{:#?}", p.diagnostics);
}

#[test]
fn unknown_count_makes_resources_uncertain() {
    let main = r#"
variable "create" { type = bool }
resource "aws_iam_role" "maybe" {
  count              = var.create ? 1 : 0
  name               = "maybe"
  assume_role_policy = jsonencode({ Statement = [] })
}
resource "aws_iam_role" "sure" {
  count              = 1
  name               = "sure"
  assume_role_policy = jsonencode({ Statement = [] })
}
resource "aws_iam_role" "never" {
  count              = 0
  name               = "never"
  assume_role_policy = jsonencode({ Statement = [] })
}
"#;
    let (p, _) = load_mem(&[("main.tf", main)]);
    let roles: Vec<(String, bool)> = p
        .account
        .roles
        .iter()
        .map(|r| {
            (
                r.origin.address.as_deref().unwrap_or("").to_owned(),
                r.uncertain,
            )
        })
        .collect();
    assert_eq!(
        roles,
        [
            ("aws_iam_role.maybe[0]".to_owned(), true),
            ("aws_iam_role.sure[0]".to_owned(), false)
        ]
    );
    assert_eq!(codes(&p), [Code::UnknownValue]);
}

#[test]
fn json_configuration_syntax() {
    let json = r#"{
  "variable": { "prefix": { "default": "js" } },
  "locals": { "rn": "${var.prefix}-role" },
  "resource": {
    "aws_iam_role": {
      "r": {
        "name": "${local.rn}",
        "assume_role_policy": "${jsonencode({Version = \"2012-10-17\", Statement = [{Effect = \"Allow\", Action = \"sts:AssumeRole\", Principal = {Service = \"lambda.amazonaws.com\"}}]})}"
      }
    },
    "aws_lambda_function": {
      "f": { "role": "${aws_iam_role.r.arn}" }
    }
  }
}"#;
    let (p, src) = load_mem(&[("main.tf.json", json)]);
    assert!(p.diagnostics.is_empty(), "{:#?}", p.diagnostics);
    assert_eq!(p.account.roles[0].name, Str::lit("js-role"));
    assert_eq!(p.account.roles[0].trust.statements.len(), 1);
    assert_eq!(
        at(&src.map, &p.account.roles[0].trust.statements[0].origin),
        "main.tf.json:8:31"
    );
    assert_eq!(p.account.role_uses.len(), 1);
    assert_eq!(
        at(&src.map, &p.account.role_uses[0].origin),
        "main.tf.json:12:22"
    );
}

#[test]
fn syntax_errors_are_diagnosed_and_the_rest_is_read() {
    let files = [
        (
            "bad.tf",
            "resource \"aws_iam_user\" \"x\" {\n  name = \n}\n",
        ),
        (
            "good.tf",
            "resource \"aws_iam_user\" \"y\" { name = \"y\" }\n",
        ),
        ("bad.tf.json", "{\"resource\": "),
    ];
    let (p, src) = load_mem(&files);
    assert_eq!(p.account.users.len(), 1);
    let d: Vec<String> = p
        .diagnostics
        .iter()
        .map(|d| format!("{:?} {}", d.code, at(&src.map, d.origin.as_ref().unwrap())))
        .collect();
    assert_eq!(d, ["Syntax bad.tf:2:10", "Syntax bad.tf.json:1:14"]);
}

#[test]
fn detection() {
    assert!(passgraph_hcl::is_root_module(&[
        PathBuf::from("x/main.tf"),
        PathBuf::from("x/README.md")
    ]));
    assert!(passgraph_hcl::is_root_module(&[PathBuf::from(
        "x/main.tf.json"
    )]));
    assert!(!passgraph_hcl::is_root_module(&[
        PathBuf::from("x/plan.json"),
        PathBuf::from("x/template.yaml")
    ]));
    let (p, _) = load_mem_with(&[("README.md", "# nothing")], &Options::default());
    assert!(p.account.roles.is_empty() && p.diagnostics.is_empty());
}
