//! `.passgraph.yaml` keys that steer how inputs are read: `accounts:` and `var_files:`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::root;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("passgraph-cfg-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).expect("read fixture") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

fn audit_json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let o = Command::new(env!("CARGO_BIN_EXE_passgraph"))
        .current_dir(dir)
        .args(["audit", "-f", "json", "--fail-on", "none"])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("JSON")
}

fn role_arns(v: &serde_json::Value) -> Vec<String> {
    let mut out: Vec<String> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["role"]["arn"].as_str().unwrap_or("?").to_owned())
        .collect();
    out.sort();
    out.dedup();
    out
}

#[test]
fn accounts_give_each_stack_below_a_path_its_account() {
    let dir = scratch("accounts");
    copy_tree(&root().join("testdata/discover/cfn-two-accounts"), &dir);
    std::fs::write(
        dir.join(".passgraph.yaml"),
        "accounts:\n  - path: prod/**\n    account_id: '111111111111'\n  - path: dev/**\n    account_id: '222222222222'\n",
    )
    .expect("config");
    let v = audit_json(&dir, &["."]);
    assert_eq!(
        role_arns(&v),
        [
            "arn:aws:iam::111111111111:role/prod-function",
            "arn:aws:iam::222222222222:role/dev-sandbox"
        ]
    );
    // --account-id on the command line wins.
    let v = audit_json(&dir, &[".", "--account-id", "333333333333"]);
    assert!(
        role_arns(&v).iter().all(|a| a.contains(":333333333333:")),
        "{:?}",
        role_arns(&v)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn var_files_are_read_relative_to_the_configuration() {
    let dir = scratch("var-files");
    std::fs::create_dir_all(dir.join("infra")).expect("mkdir");
    std::fs::write(
        dir.join("infra/main.tf"),
        r#"variable "role_name" {}
resource "aws_iam_role" "r" {
  name = var.role_name
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}
resource "aws_iam_user" "u" { name = "deployer" }
resource "aws_iam_user_policy" "p" {
  name   = "pass"
  user   = aws_iam_user.u.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = "arn:aws:iam::111122223333:role/from-var-file" }] })
}
"#,
    )
    .expect("main.tf");
    std::fs::write(dir.join("prod.tfvars"), "role_name = \"from-var-file\"\n").expect("tfvars");
    std::fs::write(dir.join(".passgraph.yaml"), "var_files: [prod.tfvars]\n").expect("config");
    let v = audit_json(&dir, &["infra", "--account-id", "111122223333"]);
    assert_eq!(
        role_arns(&v),
        ["arn:aws:iam::111122223333:role/from-var-file"]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `explain`, `graph` and `diff` read the configuration as `audit` does.
#[test]
fn every_command_reads_the_configuration() {
    let dir = scratch("every-command");
    copy_tree(&root().join("testdata/discover/cfn-two-accounts"), &dir);
    std::fs::write(
        dir.join(".passgraph.yaml"),
        "accounts:\n  - path: prod/**\n    account_id: '111111111111'\n",
    )
    .expect("config");
    let run = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_passgraph"))
            .current_dir(&dir)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("runs");
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let explained = run(&["explain", "prod", "--principal", "release"]);
    assert!(
        explained.contains("arn      arn:aws:iam::111111111111:user/release"),
        "{explained}"
    );
    let drawn = run(&["graph", "prod", "-f", "json"]);
    assert!(
        drawn.contains("arn:aws:iam::111111111111:role/prod-function"),
        "{drawn}"
    );
    let diffed = run(&["diff", "--base", "dev", "--head", "prod", "-f", "json"]);
    assert!(
        diffed.contains("arn:aws:iam::111111111111:role/prod-function"),
        "{diffed}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `principal: group/NAME` accepts what a member gets through a managed policy the group
/// attaches, but not what a member also holds on its own.
#[test]
fn a_group_acceptance_follows_managed_policies_the_group_attaches() {
    let dir = scratch("group-managed");
    let pass = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "PassApp", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::123456789012:role/app-*"}]}"#;
    let user = |name: &str, attached: &str| {
        format!(
            r#"{{"UserName": "{name}", "Path": "/", "UserId": "AIDA{name}", "Arn": "arn:aws:iam::123456789012:user/{name}", "GroupList": ["deployers"], "AttachedManagedPolicies": [{attached}], "UserPolicyList": []}}"#
        )
    };
    let policy_ref =
        r#"{"PolicyName": "pass-app", "PolicyArn": "arn:aws:iam::123456789012:policy/pass-app"}"#;
    let snapshot = format!(
        r#"{{"UserDetailList": [{}, {}],
"GroupDetailList": [{{"GroupName": "deployers", "Path": "/", "GroupId": "AGPA1", "Arn": "arn:aws:iam::123456789012:group/deployers", "GroupPolicyList": [], "AttachedManagedPolicies": [{policy_ref}]}}],
"RoleDetailList": [{{"RoleName": "app-web", "Path": "/", "RoleId": "AROA1", "Arn": "arn:aws:iam::123456789012:role/app-web", "AssumeRolePolicyDocument": {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"Service": "ec2.amazonaws.com"}}, "Action": "sts:AssumeRole"}}]}}, "InstanceProfileList": [], "RolePolicyList": [], "AttachedManagedPolicies": []}}],
"Policies": [{{"PolicyName": "pass-app", "PolicyId": "ANPA1", "Arn": "arn:aws:iam::123456789012:policy/pass-app", "Path": "/", "DefaultVersionId": "v1", "AttachmentCount": 2, "IsAttachable": true, "PolicyVersionList": [{{"VersionId": "v1", "IsDefaultVersion": true, "Document": {pass}}}]}}]}}"#,
        user("carol", ""),
        user("dave", policy_ref)
    );
    std::fs::write(dir.join("account.json"), snapshot).expect("snapshot");
    std::fs::write(
        dir.join(".passgraph.yaml"),
        "accept:\n  - principal: group/deployers\n    role: app-*\n    service: ec2\n    reason: deployers launch the app\n",
    )
    .expect("config");
    let v = audit_json(&dir, &["account.json"]);
    let marks: Vec<(String, bool)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["principal"]["name"].as_str().unwrap_or("?").to_owned(),
                f["suppressed"].is_object(),
            )
        })
        .collect();
    assert_eq!(
        marks,
        [("carol".to_owned(), true), ("dave".to_owned(), false)]
    );
    let _ = std::fs::remove_dir_all(&dir);
}
