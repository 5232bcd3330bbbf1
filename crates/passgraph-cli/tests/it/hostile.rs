//! Hostile inputs: each gives a result or a clear error, within bounded time and memory (the
//! bounds measured by hand are in docs/robustness.md; tests never time anything). Inputs are
//! made on the fly in a temporary folder that is removed afterwards.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::{stderr, stdout};

/// A temporary folder, removed on drop. Under /dev/shm when there is one (no disk used).
pub(crate) struct Temp(pub(crate) PathBuf);

impl Temp {
    pub(crate) fn new(name: &str) -> Temp {
        let shm = Path::new("/dev/shm");
        let base = if shm.is_dir() {
            shm.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        let dir = base.join(format!("passgraph-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temporary folder");
        Temp(dir)
    }

    /// Writes `bytes` at `rel` (folders made as needed) and returns the path.
    pub(crate) fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.0.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("folder");
        }
        std::fs::write(&p, bytes).expect("write");
        p
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs passgraph in `cwd`.
pub(crate) fn run_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_passgraph"))
        .current_dir(cwd)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

/// Exit code 2 with `expected` in the error.
pub(crate) fn assert_error(o: &Output, expected: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains(expected), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_gigabyte_file_is_refused_before_it_is_read() {
    let t = Temp::new("gigabyte");
    // A sparse file: a gigabyte of NUL bytes that takes no room on disk.
    let path = t.0.join("huge.json");
    let f = std::fs::File::create(&path).expect("create");
    f.set_len(1 << 30).expect("sparse gigabyte");
    let o = run_in(&t.0, &["audit", "huge.json"]);
    assert_error(
        &o,
        "reading huge.json: more than 536870912 bytes, the most passgraph reads from one input",
    );
}

fn nested(open: &str, close: &str, n: usize) -> String {
    format!("{}{}", open.repeat(n), close.repeat(n))
}

#[test]
fn nesting_100000_deep_is_a_clear_error() {
    let t = Temp::new("nesting");
    let n = 100_000;
    t.write("deep.json", nested("[", "]", n));
    t.write("deep.yaml", format!("Resources: {}\n", nested("[", "]", n)));
    t.write(
        "deep-map.yaml",
        format!("Resources: {}\n", nested("{a: ", "}", n)),
    );
    t.write(
        "hcl-list/main.tf",
        format!("locals {{\n  x = {}\n}}\n", nested("[", "]", n)),
    );
    t.write(
        "hcl-paren/main.tf",
        format!("locals {{\n  x = {}1{}\n}}\n", "(".repeat(n), ")".repeat(n)),
    );
    t.write("hcl-block/main.tf", nested("a {\n", "}\n", n));
    let cases = [
        (
            "deep.json",
            "deep.json:1:257: invalid JSON: nesting deeper than 256 levels",
        ),
        ("deep.yaml", "nesting deeper than the YAML parser allows"),
        (
            "deep-map.yaml",
            "nesting deeper than the YAML parser allows",
        ),
        ("hcl-list", "invalid HCL: invalid nesting depth"),
        ("hcl-paren", "invalid HCL: invalid nesting depth"),
        ("hcl-block", "invalid HCL: invalid nesting depth"),
    ];
    for (input, expected) in cases {
        let o = run_in(&t.0, &["audit", input]);
        assert_error(&o, expected);
    }
}

#[test]
fn a_yaml_alias_bomb_stops_at_the_node_budget() {
    let t = Temp::new("laughs");
    // Billion laughs: each anchor holds nine aliases of the one before, 9^10 nodes in all.
    let mut text = String::from("AWSTemplateFormatVersion: \"2010-09-09\"\n");
    text.push_str("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let aliases: Vec<String> = (0..9).map(|_| format!("*a{}", i - 1)).collect();
        let aliases = aliases.join(", ");
        text.push_str(&format!("a{i}: &a{i} [{aliases}]\n"));
    }
    text.push_str("Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n");
    text.push_str("      AssumeRolePolicyDocument: *a9\n");
    t.write("bomb.yaml", text);
    let o = run_in(&t.0, &["audit", "bomb.yaml"]);
    assert_error(
        &o,
        "the document expands to more than 1000000 nodes (alias expansion)",
    );
}

#[test]
fn invalid_utf8_and_nul_bytes_give_clear_errors_or_results() {
    let t = Temp::new("bytes");
    t.write("latin1.json", b"{\"RoleName\": \"caf\xe9\"}");
    let o = run_in(&t.0, &["audit", "latin1.json"]);
    assert_error(&o, "latin1.json: not UTF-8 or UTF-16 text");

    t.write("nul.json", b"{\"UserDetailList\": [\"\x00\"]}");
    let o = run_in(&t.0, &["audit", "nul.json"]);
    assert_error(
        &o,
        "nul.json:1:22: invalid JSON: control character in string",
    );

    // A NUL inside an HCL string is a character like any other: the role is read.
    t.write(
        "nul-hcl/main.tf",
        b"resource \"aws_iam_user\" \"u\" {\n  name = \"a\x00b\"\n}\n",
    );
    let o = run_in(
        &t.0,
        &["audit", "nul-hcl", "-f", "json", "--fail-on", "none"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON output");
    assert_eq!(v["summary"]["principals"], 1, "{v}");
}

#[test]
fn count_of_a_million_reads_the_first_thousand_and_says_so() {
    let t = Temp::new("count");
    t.write(
        "tf/main.tf",
        r#"resource "aws_iam_user" "u" {
  count = 1000000
  name  = "u${count.index}"
}
"#,
    );
    let o = run_in(&t.0, &["audit", "tf", "-f", "json", "--fail-on", "none"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON output");
    assert_eq!(v["summary"]["principals"], 1000, "{v}");
    let messages: Vec<&str> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["message"].as_str())
        .collect();
    assert!(
        messages.contains(&"aws_iam_user.u has 1000000 instances; only the first 1000 are read"),
        "{messages:#?}"
    );
}

#[test]
fn a_policy_of_100000_statements_is_read_whole() {
    let t = Temp::new("statements");
    let n = 100_000;
    let statements: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::123456789012:role/r{i}"}}"#
            )
        })
        .collect();
    // The last statement is the one that matters: nothing may be cut short.
    let trust = r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}"#;
    let snapshot = format!(
        r#"{{"UserDetailList":[{{"UserName":"u","Arn":"arn:aws:iam::123456789012:user/u","UserPolicyList":[{{"PolicyName":"big","PolicyDocument":{{"Version":"2012-10-17","Statement":[{}]}}}}]}}],
"RoleDetailList":[{{"RoleName":"r{last}","Arn":"arn:aws:iam::123456789012:role/r{last}","AssumeRolePolicyDocument":{trust}}},
{{"RoleName":"other","Arn":"arn:aws:iam::123456789012:role/other","AssumeRolePolicyDocument":{trust}}}],
"GroupDetailList":[],"Policies":[]}}"#,
        statements.join(","),
        last = n - 1,
    );
    t.write("snapshot.json", snapshot);
    let o = run_in(
        &t.0,
        &["audit", "snapshot.json", "-f", "json", "--fail-on", "none"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON output");
    let found: Vec<String> = crate::triples(&v);
    assert_eq!(
        found,
        ["user/u -> r99999 -> ec2.amazonaws.com definite"],
        "{}",
        stdout(&o)
    );
}

#[test]
fn modules_and_files_outside_the_repository_are_refused() {
    let t = Temp::new("escape");
    std::fs::create_dir_all(t.0.join("repo/.git")).expect("a repository");
    t.write(
        "repo/infra/main.tf",
        r#"module "shared" {
  source = "../modules/shared"
}
module "up" {
  source = "../../outside"
}
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = file("../../secret.json")
}
resource "aws_iam_policy" "q" {
  name   = "q"
  policy = templatefile("${path.module}/../../secret.json", {})
}
"#,
    );
    t.write(
        "repo/modules/shared/main.tf",
        "resource \"aws_iam_user\" \"inside\" {\n  name = \"inside\"\n}\n",
    );
    t.write(
        "outside/main.tf",
        "resource \"aws_iam_user\" \"outside\" {\n  name = \"outside\"\n}\n",
    );
    t.write(
        "secret.json",
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
    );
    // A link inside the repository to a folder outside it is outside too.
    std::os::unix::fs::symlink(t.0.join("outside"), t.0.join("repo/modules/link"))
        .expect("symlink");
    t.write(
        "repo/linked/main.tf",
        "module \"link\" {\n  source = \"../modules/link\"\n}\n",
    );

    let o = run_in(
        &t.0.join("repo"),
        &["audit", "infra", "-f", "json", "--fail-on", "none"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON output");
    assert_eq!(v["summary"]["principals"], 1, "only the user inside: {v}");
    let messages: Vec<&str> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["message"].as_str())
        .collect();
    let want = [
        "module up source \"../../outside\" lies outside the folder passgraph reads; it is not loaded: IAM users, roles and policies it may create are not seen, and its outputs are unknown",
        "file \"../../secret.json\" lies outside the configuration's module folders; it is not read",
        "file \"./../../secret.json\" lies outside the configuration's module folders; it is not read",
    ];
    for w in want {
        assert!(messages.contains(&w), "{w}\n{messages:#?}");
    }

    let o = run_in(
        &t.0.join("repo"),
        &["audit", "linked", "-f", "json", "--fail-on", "none"],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON output");
    assert_eq!(v["summary"]["principals"], 0, "{v}");
    assert!(stdout(&o).contains("module link source \\\"../modules/link\\\" lies outside"));
}

#[test]
fn a_folder_named_outside_any_repository_reads_its_own_modules() {
    // No git work tree and not below the current folder: the folder the user names is the
    // boundary, so an example reads the module beside it, and nothing above the folder.
    let t = Temp::new("named");
    t.write(
        "lib/examples/app/main.tf",
        "module \"role\" {\n  source = \"../../modules/role\"\n}\nmodule \"up\" {\n  source = \"../../../outside\"\n}\n",
    );
    t.write(
        "lib/modules/role/main.tf",
        "resource \"aws_iam_user\" \"inside\" {\n  name = \"inside\"\n}\n",
    );
    t.write(
        "outside/main.tf",
        "resource \"aws_iam_user\" \"outside\" {\n  name = \"outside\"\n}\n",
    );
    let elsewhere = Temp::new("cwd");
    let lib = t.0.join("lib");
    let o = run_in(
        &elsewhere.0,
        &[
            "audit",
            &lib.to_string_lossy(),
            "-f",
            "json",
            "--fail-on",
            "none",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON output");
    assert_eq!(v["summary"]["principals"], 1, "only the module's user: {v}");
    assert!(stdout(&o).contains("module up source \\\"../../../outside\\\" lies outside"));
    assert!(!stdout(&o).contains("module role source"), "{v}");
}

#[test]
fn nothing_an_input_names_is_executed_fetched_or_written() {
    let t = Temp::new("inert");
    let marker = |n: &str| t.0.join(format!("pwned-{n}"));
    let tf = format!(
        r#"terraform {{
  backend "local" {{
    path = "{state}"
  }}
}}
module "remote" {{
  source = "git::https://example.invalid/module.git"
}}
data "external" "x" {{
  program = ["sh", "-c", "touch {external}"]
}}
resource "null_resource" "y" {{
  provisioner "local-exec" {{
    command = "touch {exec}"
  }}
}}
resource "local_file" "z" {{
  filename = "{file}"
  content  = "x"
}}
resource "aws_iam_policy" "p" {{
  name   = "p"
  policy = data.http.doc.response_body
}}
data "http" "doc" {{
  url = "https://example.invalid/policy.json"
}}
"#,
        state = marker("state").display(),
        external = marker("external").display(),
        exec = marker("exec").display(),
        file = marker("file").display(),
    );
    t.write("tf/main.tf", tf);
    let before = std::fs::read_dir(&t.0).expect("list").count();
    let o = run_in(&t.0, &["audit", "tf", "-f", "json", "--fail-on", "none"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for n in ["state", "external", "exec", "file"] {
        assert!(!marker(n).exists(), "{n} was created");
    }
    assert_eq!(std::fs::read_dir(&t.0).expect("list").count(), before);
    assert!(
        stdout(&o).contains(
            "has remote source \\\"git::https://example.invalid/module.git\\\"; it is not fetched"
        ),
        "{}",
        stdout(&o)
    );
}
