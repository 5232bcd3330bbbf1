//! End-to-end tests of the `passgraph` binary: exit codes, every output format, the JSON
//! contract, determinism, overlays, and bad input.

mod config;
mod corpus;
mod discover;
mod equivalence;
mod explain;
mod formats;
mod hostile;
mod hostile_folders;
mod managed;
mod outputs;
mod pr;
mod robustness;
mod shell;
mod snapshots;
mod terraform;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub(crate) fn shared() -> PathBuf {
    root().join("../shared")
}

/// Runs passgraph in folder `cwd` with `args`.
pub(crate) fn run_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_passgraph"))
        .current_dir(cwd)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

/// Runs passgraph in the repository root with `args` and optional standard input.
pub(crate) fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_passgraph"));
    cmd.current_dir(root()).args(args).env("NO_COLOR", "1");
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("the binary runs");
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        use std::io::Write;
        pipe.write_all(text.as_bytes()).expect("write stdin");
    }
    child.wait_with_output().expect("the binary finishes")
}

/// A testkit snapshot (seed 42) of `users` users, `roles` roles, `policies` policies, `groups`
/// groups and 20 teams, written to a temporary folder (kept while the first value lives).
pub(crate) fn generated(
    users: usize,
    roles: usize,
    policies: usize,
    groups: usize,
) -> (tempfile::TempDir, String) {
    let size = passgraph_testkit::synth::Size {
        users,
        roles,
        policies,
        groups,
        teams: 20,
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("generated.json");
    std::fs::write(&file, passgraph_testkit::synth::snapshot(size, 42)).expect("write");
    let path = file.to_string_lossy().into_owned();
    (dir, path)
}

pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub(crate) fn json(args: &[&str]) -> serde_json::Value {
    let mut a = args.to_vec();
    a.extend(["-f", "json", "--fail-on", "none"]);
    let o = run(&a, None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("JSON output")
}

/// `kind/name -> role -> service certainty [via a>b]` for each finding of a JSON report.
pub(crate) fn triples(v: &serde_json::Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let via: Vec<&str> = f["via"]
                .as_array()
                .expect("via")
                .iter()
                .filter_map(|x| x["name"].as_str())
                .collect();
            format!(
                "{}/{} -> {} -> {} {}{}",
                f["principal"]["kind"].as_str().unwrap_or("?"),
                f["principal"]["name"].as_str().unwrap_or("?"),
                f["role"]["name"].as_str().unwrap_or("?"),
                f["service"].as_str().unwrap_or("?"),
                f["certainty"].as_str().unwrap_or("?"),
                if via.is_empty() {
                    String::new()
                } else {
                    format!(" via {}", via.join(">"))
                }
            )
        })
        .collect()
}

const DEMO: &str = "testdata/snapshot/aws-doc-passrole-examples.json";

#[test]
fn readme_demo_runs_and_fails_on_findings() {
    let o = run(&["audit", DEMO], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.starts_with("passgraph: 5 findings (5 definite, 0 possible) for 3 principals"),
        "{text}"
    );
    assert!(text.contains("user xyz-admin"));
    assert!(
        text.contains(
            "can pass role EC2-roles-for-XYZ-web to ec2.amazonaws.com  definite · critical"
        )
    );
    assert!(text.contains("aws-doc-passrole-examples.json:68:15"));
}

#[test]
fn fail_on_levels_set_the_exit_code() {
    assert_eq!(
        run(&["audit", "--fail-on", "none", DEMO], None)
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        run(&["audit", "--fail-on", "critical", DEMO], None)
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        run(
            &[
                "audit",
                "--fail-on",
                "critical",
                "--service",
                "rds",
                "--service",
                "monitoring.rds.amazonaws.com",
                DEMO
            ],
            None
        )
        .status
        .code(),
        Some(0)
    );
    assert_eq!(
        run(
            &[
                "audit",
                "--fail-on",
                "high",
                "testdata/snapshot/app-deployer.json"
            ],
            None
        )
        .status
        .code(),
        Some(0)
    );
}

#[test]
fn json_contract_fields() {
    let v = json(&["audit", DEMO]);
    assert_eq!(v["version"], 1);
    let f = &v["findings"][1];
    assert_eq!(f["principal"]["kind"], "user");
    assert_eq!(f["principal"]["name"], "xyz-admin");
    assert_eq!(
        f["principal"]["arn"],
        "arn:aws:iam::123456789012:user/xyz-admin"
    );
    assert_eq!(f["role"]["name"], "EC2-roles-for-XYZ-web");
    assert_eq!(
        f["role"]["arn"],
        "arn:aws:iam::123456789012:role/EC2-roles-for-XYZ-web"
    );
    assert_eq!(f["service"], "ec2.amazonaws.com");
    assert_eq!(f["certainty"], "definite");
    assert_eq!(f["via"], serde_json::json!([]));
    assert_eq!(
        f["grants"][0]["policy"],
        "group/xyz-operators/inline/PassEc2RolesForXyz"
    );
    assert_eq!(
        f["grants"][0]["statement"],
        "PolicyStatementToAllowUserToPassOneSpecificRole"
    );
    assert_eq!(
        f["grants"][0]["location"],
        serde_json::json!({"file": DEMO, "line": 68, "column": 15})
    );
    assert_eq!(f["severity"], "critical");
    assert_eq!(f["exploitable"], "yes");
    assert!(v["diagnostics"].as_array().is_some());
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let path = shared().join("corpora/cloudsplaining/examples/files/example.json");
    let p = path.to_string_lossy();
    let a = run(&["audit", "-f", "json", "--threads", "1", &p], None);
    let b = run(&["audit", "-f", "json", "--threads", "3", &p], None);
    assert!(!a.stdout.is_empty());
    assert_eq!(a.stdout, b.stdout);
    // JSON lines are rendered in parallel batches (4,096 findings) and written in order: a
    // generated account with 7,494 findings crosses a batch boundary.
    let (_dir, p) = generated(400, 400, 160, 20);
    let a = run(&["audit", "-f", "jsonl", "--threads", "1", &p], None);
    let b = run(&["audit", "-f", "jsonl", "--threads", "3", &p], None);
    let findings = a
        .stdout
        .split(|c| *c == b'\n')
        .filter(|l| l.starts_with(br#"{"type":"finding""#))
        .count();
    assert_eq!(findings, 7494);
    assert_eq!(a.stdout, b.stdout);
    // The same account as a Terraform folder: its resource instances (over 2,000) are read in
    // slices on forks of the evaluator, which give what one thread reads.
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(&p).expect("snapshot");
    std::fs::write(
        dir.path().join("main.tf"),
        passgraph_testkit::forms::tf_config(&text),
    )
    .expect("write");
    let d = dir.path().to_string_lossy();
    for format in ["json", "jsonl"] {
        let a = run(&["audit", "-f", format, "--threads", "1", &d], None);
        let b = run(&["audit", "-f", format, "--threads", "3", &d], None);
        assert_eq!(a.status.code(), Some(1), "{}", stderr(&a));
        assert_eq!(a.stdout, b.stdout, "{format}");
    }
    let a = run(&["audit", "-f", "jsonl", &d], None);
    let findings = a
        .stdout
        .split(|c| *c == b'\n')
        .filter(|l| l.starts_with(br#"{"type":"finding""#))
        .count();
    assert_eq!(findings, 7494, "the snapshot's findings");
}

#[test]
fn standard_input() {
    let text = std::fs::read_to_string(root().join(DEMO)).expect("demo");
    let o = run(&["audit", "-f", "json", "-"], Some(&text));
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["findings"].as_array().map(Vec::len), Some(5));
    assert_eq!(v["findings"][0]["grants"][0]["location"]["file"], "<stdin>");
}

#[test]
fn bad_input_exits_2_with_a_position() {
    let o = run(
        &["audit", "-"],
        Some("{\n  \"RoleDetailList\": [\n    {\"RoleName\": }\n]}"),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("<stdin>:3:18: invalid JSON"),
        "{}",
        stderr(&o)
    );
    let o = run(&["audit", "no/such/file.json"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("reading no/such/file.json"),
        "{}",
        stderr(&o)
    );
    let o = run(&["audit", "-"], Some("just some text"));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not a Terraform plan"),
        "{}",
        stderr(&o)
    );
    let o = run(&["audit", "--frobnicate", DEMO], None);
    assert_eq!(o.status.code(), Some(2));
    let o = run(
        &["audit", "-"],
        Some("{\"UserDetailList\": {\"UserName\": 5}}"),
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "wrong shapes are diagnostics: {}",
        stderr(&o)
    );
    assert!(stdout(&o).contains("warning[IAM002]"), "{}", stdout(&o));
}

/// A plan that deletes the snapshot's only grant takes it away: no finding is left, and
/// `diff` shows the finding removed.
#[test]
fn a_plan_over_a_snapshot_takes_away_what_it_deletes() {
    let after = json(&[
        "audit",
        "testdata/snapshot/app-deployer.json",
        "testdata/tfplan/take-away/plan.json",
    ]);
    assert_eq!(triples(&after), Vec::<String>::new());
    assert_eq!(after["diagnostics"], serde_json::json!([]));
    let o = run(
        &[
            "diff",
            "-f",
            "json",
            "--base",
            "testdata/snapshot/app-deployer.json",
            "--head",
            "testdata/snapshot/app-deployer.json",
            "testdata/tfplan/take-away/plan.json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let d: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(
        triples(&serde_json::json!({"findings": d["removed"]})),
        ["user/deployer -> app-web -> ec2.amazonaws.com definite"]
    );
    assert_eq!(d["added"], serde_json::json!([]));
}

#[test]
fn a_plan_over_a_snapshot_shows_a_new_exposure() {
    let before = json(&["audit", "testdata/snapshot/app-deployer.json"]);
    assert_eq!(
        triples(&before),
        ["user/deployer -> app-web -> ec2.amazonaws.com definite"]
    );
    let after = json(&[
        "audit",
        "testdata/snapshot/app-deployer.json",
        "testdata/tfplan/overlay/plan.json",
    ]);
    assert_eq!(
        triples(&after),
        [
            "user/deployer -> app-admin -> ec2.amazonaws.com definite",
            "user/deployer -> app-web -> ec2.amazonaws.com definite",
            // The new role is an administrator: it can pass itself and the existing role too.
            "role/app-admin -> app-admin -> ec2.amazonaws.com definite",
            "role/app-admin -> app-web -> ec2.amazonaws.com definite",
        ]
    );
    // The new role is admin-equivalent: critical.
    assert_eq!(after["findings"][0]["severity"], "critical");
    // The plan alone shows only the new role passing itself: no user can pass it.
    let plan = json(&["audit", "testdata/tfplan/overlay/plan.json"]);
    assert_eq!(
        triples(&plan),
        ["role/app-admin -> app-admin -> ec2.amazonaws.com definite"]
    );
    // diff: what the plan adds to the account.
    let o = run(
        &[
            "diff",
            "-f",
            "json",
            "--base",
            "testdata/snapshot/app-deployer.json",
            "--head",
            "testdata/snapshot/app-deployer.json",
            "testdata/tfplan/overlay/plan.json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let d: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(d["version"], 1);
    assert_eq!(
        triples(&serde_json::json!({"findings": d["added"]})),
        [
            "user/deployer -> app-admin -> ec2.amazonaws.com definite",
            "role/app-admin -> app-admin -> ec2.amazonaws.com definite",
            "role/app-admin -> app-web -> ec2.amazonaws.com definite"
        ]
    );
    assert_eq!(d["removed"], serde_json::json!([]));
}

#[test]
fn explain_says_why_and_why_not() {
    let o = run(&["explain", "--principal", "xyz-admin", DEMO], None);
    // Like every command, explain exits 1 when a finding is at or above --fail-on.
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let quiet = run(
        &[
            "explain",
            "--fail-on",
            "none",
            "--principal",
            "xyz-admin",
            DEMO,
        ],
        None,
    );
    assert_eq!(quiet.status.code(), Some(0), "{}", stderr(&quiet));
    let t = stdout(&o);
    assert!(
        t.contains("policy   group/xyz-operators/inline/PassEc2RolesForXyz"),
        "{t}"
    );
    assert!(t.contains("passrole group/xyz-operators/inline/PassEc2RolesForXyz PolicyStatementToAllowUserToPassOneSpecificRole allows iam:PassRole"), "{t}");
    let o = run(
        &[
            "explain",
            "--principal",
            "xyz-admin",
            "--role",
            "EC2-roles-for-XYZ-batch",
            DEMO,
        ],
        None,
    );
    let t = stdout(&o);
    assert!(t.contains("why not role EC2-roles-for-XYZ-batch:"), "{t}");
    assert!(
        t.contains("its trust policy lets in ec2.amazonaws.com (definite)"),
        "{t}"
    );
    let o = run(&["explain", "--principal", "nobody", DEMO], None);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn scp_and_managed_policy_options() {
    let dir = std::env::temp_dir().join(format!("passgraph-it-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let scp = dir.join("deny-passrole.json");
    std::fs::write(&scp, r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}}]}"#).expect("write");
    let v = json(&["audit", "--scp", &scp.to_string_lossy(), DEMO]);
    assert_eq!(
        triples(&v),
        [
            "user/db-admin -> RDS-Monitoring-Role -> monitoring.rds.amazonaws.com definite",
            "role/EC2-roles-for-XYZ-web -> RDS-Monitoring-Role -> monitoring.rds.amazonaws.com definite"
        ]
    );
    // A complete document for a managed policy replaces the built-in one.
    let managed = dir.join("AmazonEC2FullAccess.json");
    std::fs::write(&managed, r#"{"PolicyVersion":{"Document":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}]}}}"#).expect("write");
    let v = json(&[
        "audit",
        "--aws-managed-policies",
        &dir.to_string_lossy(),
        "--service",
        "ec2",
        DEMO,
    ]);
    assert!(
        triples(&v).contains(
            &"user/xyz-admin -> EC2-roles-for-XYZ-batch -> ec2.amazonaws.com definite".to_owned()
        ),
        "{:?}",
        triples(&v)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_input_kind_through_the_cli() {
    // CloudFormation YAML: the AWS documentation's EC2 example, positions in the template.
    let v = json(&["audit", "testdata/cfn/aws-doc/ec2-pass-role.yaml"]);
    assert_eq!(
        triples(&v),
        [
            "user/alice -> EC2-roles-for-XYZ-web -> ec2.amazonaws.com definite",
            "user/bob -> EC2-roles-for-XYZ-web -> ec2.amazonaws.com definite"
        ]
    );
    assert_eq!(
        v["findings"][0]["grants"][0]["location"],
        serde_json::json!({"file": "testdata/cfn/aws-doc/ec2-pass-role.yaml", "line": 21, "column": 17})
    );
    assert_eq!(v["findings"][0]["trust"][0]["location"]["line"], 52);
    // A Terraform root module folder.
    let v = json(&["audit", "testdata/hcl/rds-monitoring"]);
    assert_eq!(
        triples(&v),
        ["user/dba -> RDS-Monitoring-Role -> monitoring.rds.amazonaws.com definite"]
    );
    assert_eq!(
        v["findings"][0]["grants"][0]["location"]["file"],
        "testdata/hcl/rds-monitoring/main.tf"
    );
    assert_eq!(v["findings"][0]["grants"][0]["location"]["line"], 26);
    // A plan with its configuration: findings point at the .tf statements.
    let v = json(&[
        "audit",
        "--config",
        "testdata/tfplan/unknown-arns",
        "testdata/tfplan/unknown-arns/plan.json",
    ]);
    assert_eq!(
        v["findings"][0]["grants"][0]["location"],
        serde_json::json!({"file": "testdata/tfplan/unknown-arns/main.tf", "line": 13, "column": 18, "address": "aws_iam_policy.deploy"})
    );
    let without = json(&["audit", "testdata/tfplan/unknown-arns/plan.json"]);
    assert_eq!(
        without["findings"][0]["grants"][0]["location"]["file"],
        "testdata/tfplan/unknown-arns/plan.json"
    );
    assert_eq!(
        without["findings"][0]["grants"][0]["location"]["address"],
        "aws_iam_policy.deploy"
    );
    // A folder that is not a Terraform module is searched for templates.
    let v = json(&["audit", "testdata/cfn/aws-doc"]);
    assert!(
        triples(&v).contains(
            &"user/carol -> RDS-Monitoring-Role -> monitoring.rds.amazonaws.com definite"
                .to_owned()
        ),
        "{:?}",
        triples(&v)
    );
}

#[test]
fn broken_or_empty_inputs_named_on_the_command_line_fail() {
    let dir = std::env::temp_dir().join(format!("passgraph-it-tf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(
        dir.join("main.tf"),
        "resource \"aws_iam_user\" \"a\" {\n  name = \n}\n",
    )
    .expect("write");
    let o = run(&["audit", &dir.to_string_lossy()], None);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains("main.tf:"), "{}", stderr(&o));
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).expect("empty dir");
    let o = run(&["audit", &empty.to_string_lossy()], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(
            "no Terraform configuration, plan, CloudFormation template or snapshot found"
        ),
        "{}",
        stderr(&o)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn service_filter_takes_short_names() {
    let v = json(&["audit", "--service", "rds", DEMO]);
    assert!(
        triples(&v)
            .iter()
            .all(|t| t.contains("monitoring.rds.amazonaws.com")),
        "{:?}",
        triples(&v)
    );
    assert_eq!(triples(&v).len(), 2);
}

#[test]
fn a_template_naming_a_literal_account_gets_one_note() {
    // The template's own role ARNs hold the account hole; its policy names 111122223333.
    let dir = std::env::temp_dir().join(format!("passgraph-it-acct-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let tpl = dir.join("template.yaml");
    std::fs::write(
        &tpl,
        r#"Resources:
  Dev:
    Type: AWS::IAM::User
    Properties:
      UserName: dev
      Policies:
        - PolicyName: pass
          PolicyDocument:
            Statement:
              - {Effect: Allow, Action: iam:PassRole, Resource: "arn:aws:iam::111122223333:role/*"}
  App:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}
"#,
    )
    .expect("write");
    let path = tpl.to_string_lossy().into_owned();
    let v = json(&["audit", &path]);
    let notes: Vec<&str> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["message"].as_str())
        .filter(|m| m.contains("account id is unknown"))
        .collect();
    assert_eq!(notes.len(), 1, "{v}");
    assert!(
        notes[0].starts_with("1 finding is possible, at least 1 of them"),
        "{}",
        notes[0]
    );
    assert!(
        notes[0].contains("name account 111122223333"),
        "{}",
        notes[0]
    );
    // The generated role name is shown after the file and logical id, not an input number.
    let found = triples(&v);
    assert_eq!(found.len(), 1);
    assert!(
        found[0].contains(&format!("${{{path}:App.RoleName}}")),
        "{found:?}"
    );
    // --account-id decides it: definite, and nothing more to say.
    let v = json(&["audit", "--account-id", "111122223333", &path]);
    assert!(triples(&v)[0].ends_with("definite"), "{v}");
    assert!(!v.to_string().contains("account id is unknown"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_run_that_fails_before_writing_leaves_the_output_file_as_it_was() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("picture.png");
    std::fs::write(&out, "the previous picture").expect("write");
    let path = out.to_string_lossy().to_string();
    // A folder of several stacks cannot be one picture: exit 2 before anything is drawn.
    let o = run(
        &[
            "graph",
            "-f",
            "png",
            "testdata/discover/tf-repo",
            "-o",
            &path,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&out).expect("read"),
        "the previous picture"
    );
    // A run that writes replaces it.
    let o = run(&["audit", DEMO, "-o", &path], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).expect("read");
    assert!(text.starts_with("passgraph: 5 findings"), "{text}");
}

#[test]
fn explain_of_an_unknown_principal_names_the_close_ones() {
    let o = run(&["explain", "--principal", "xyz-admn", DEMO], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(r#"no principal named "xyz-admn" in the inputs (close: xyz-admin)"#),
        "{}",
        stderr(&o)
    );
    // Only the name that is missing gets suggestions.
    let o = run(
        &[
            "explain",
            "--principal",
            "xyz-admin",
            "--role",
            "EC2-roles-for-XYZ-wbe",
            DEMO,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(r#"no principal named "xyz-admin" with a role named "EC2-roles-for-XYZ-wbe" (close: EC2-roles-for-XYZ-web"#),
        "{}",
        stderr(&o)
    );
}

/// `--principal` and `--role` with `*` or `?` are wildcard patterns over names and ARNs as
/// printed: a role Terraform names from `name_prefix` is found by its prefix
/// (terraform-aws-iam's `admin-${...}` role could be named only by typing the placeholder).
#[test]
fn explain_and_graph_take_wildcard_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("main.tf"),
        r#"
resource "aws_iam_role" "admin" {
  name_prefix        = "admin-"
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole",
    Principal = { Service = "ec2.amazonaws.com" } }] })
}
resource "aws_iam_role_policy_attachment" "admin" {
  role       = aws_iam_role.admin.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
"#,
    )
    .expect("write");
    let folder = dir.path().to_str().expect("UTF-8 path");
    let o = run(&["explain", "--principal", "admin-*", folder], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let t = crate::stdout(&o);
    assert!(t.contains("role admin-${aws_iam_role.admin.name}"), "{t}");
    let o = run(
        &[
            "explain",
            "--principal",
            "arn:aws:iam::*:role/admin-*",
            "--role",
            "admin-?{*",
            folder,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let o = run(&["explain", "--principal", "admn-*", folder], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(r#"no principal named "admn-*" in the inputs"#),
        "{}",
        stderr(&o)
    );
    let o = run(
        &["graph", "--fail-on", "none", "--principal", "adm*", folder],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        crate::stdout(&o).contains("admin-"),
        "{}",
        crate::stdout(&o)
    );
}

#[test]
fn each_hop_of_an_assume_role_chain_shows_its_trust_statement() {
    let snapshot = r#"{
  "UserDetailList": [{"UserName": "u", "Path": "/", "Arn": "arn:aws:iam::111122223333:user/u",
    "UserPolicyList": [], "GroupList": [], "AttachedManagedPolicies": []}],
  "GroupDetailList": [],
  "RoleDetailList": [
    {"RoleName": "hop", "Path": "/", "Arn": "arn:aws:iam::111122223333:role/hop",
     "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
       {"Sid": "LetU", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/u"}, "Action": "sts:AssumeRole"}]},
     "RolePolicyList": [{"PolicyName": "pass", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
       {"Sid": "Pass", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/app"}]}}],
     "AttachedManagedPolicies": [], "InstanceProfileList": []},
    {"RoleName": "app", "Path": "/", "Arn": "arn:aws:iam::111122223333:role/app",
     "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
       {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
     "RolePolicyList": [], "AttachedManagedPolicies": [], "InstanceProfileList": []}],
  "Policies": []
}"#;
    let o = run(&["audit", "-"], Some(snapshot));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = stdout(&o);
    let lines: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("user u"))
        .map(str::trim)
        .collect();
    assert_eq!(lines.get(2), Some(&"via     role hop"), "{text}");
    assert_eq!(
        lines.get(3),
        Some(&"assume  role/hop/trust LetU  <stdin>:8:8"),
        "{text}"
    );
}

/// JSON names the proof of every hop of a chain (`assumes`), and `explain` lists the roles a
/// principal assumes: a trust policy naming the account (with the identity grant it needs) and
/// one naming everyone (kept per policy set by the analysis, not as an edge per principal).
#[test]
fn each_hop_of_a_chain_has_its_proof_in_json_and_explain() {
    let snapshot = r#"{
  "UserDetailList": [{"UserName": "u", "Path": "/", "Arn": "arn:aws:iam::111122223333:user/u",
    "UserPolicyList": [{"PolicyName": "hop", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
      {"Sid": "AssumeAcct", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::111122223333:role/acct"}]}}],
    "GroupList": [], "AttachedManagedPolicies": []}],
  "GroupDetailList": [],
  "RoleDetailList": [
    {"RoleName": "acct", "Path": "/", "Arn": "arn:aws:iam::111122223333:role/acct",
     "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
       {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}]},
     "RolePolicyList": [{"PolicyName": "pass", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
       {"Sid": "Pass", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/app"}]}}],
     "AttachedManagedPolicies": [], "InstanceProfileList": []},
    {"RoleName": "open", "Path": "/", "Arn": "arn:aws:iam::111122223333:role/open",
     "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
       {"Sid": "Everyone", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]},
     "RolePolicyList": [{"PolicyName": "pass", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
       {"Sid": "Pass", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/app2"}]}}],
     "AttachedManagedPolicies": [], "InstanceProfileList": []},
    {"RoleName": "app", "Path": "/", "Arn": "arn:aws:iam::111122223333:role/app",
     "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
       {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
     "RolePolicyList": [], "AttachedManagedPolicies": [], "InstanceProfileList": []},
    {"RoleName": "app2", "Path": "/", "Arn": "arn:aws:iam::111122223333:role/app2",
     "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
       {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
     "RolePolicyList": [], "AttachedManagedPolicies": [], "InstanceProfileList": []}],
  "Policies": []
}"#;
    let o = run(&["audit", "-f", "json", "-"], Some(snapshot));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let finding = |principal: &str, role: &str| {
        v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| f["principal"]["name"] == principal && f["role"]["name"] == role)
            .unwrap_or_else(|| panic!("{principal} {role}: {v}"))
            .clone()
    };
    let place = |p: &serde_json::Value| {
        format!(
            "{} {} {}:{}",
            p["policy"].as_str().unwrap_or_default(),
            p["statement"].as_str().unwrap_or_default(),
            p["location"]["line"],
            p["location"]["column"]
        )
    };
    // The trust policy names the account: the user's own grant is part of the proof.
    let f = finding("u", "app");
    let hops = f["assumes"].as_array().expect("assumes");
    assert_eq!(hops.len(), 1, "{f}");
    assert_eq!(hops[0]["role"], "acct");
    assert_eq!(hops[0]["certainty"], "definite");
    assert_eq!(place(&hops[0]["trust"][0]), "role/acct/trust Root 10:8");
    assert_eq!(
        place(&hops[0]["grants"][0]),
        "user/u/inline/hop AssumeAcct 4:7"
    );
    // The trust policy names everyone: no identity grant is needed.
    let f = finding("u", "app2");
    let hops = f["assumes"].as_array().expect("assumes");
    assert_eq!(hops.len(), 1, "{f}");
    assert_eq!(hops[0]["role"], "open");
    assert_eq!(place(&hops[0]["trust"][0]), "role/open/trust Everyone 16:8");
    assert_eq!(hops[0]["grants"], serde_json::json!([]));
    // A finding without a chain has no `assumes`.
    assert!(finding("acct", "app").get("assumes").is_none());

    let o = run(&["explain", "--principal", "u", "-"], Some(snapshot));
    let text = stdout(&o);
    assert!(
        text.contains("assumes  role open (definite; the trust policy names everyone (\"*\"))\n           trust role/open/trust Everyone  <stdin>:16:8"),
        "{text}"
    );
    assert!(
        text.contains("assumes  role acct (definite; the trust policy lets it in and an identity policy allows sts:AssumeRole)"),
        "{text}"
    );
    let o = run(&["explain", "--principal", "open", "-"], Some(snapshot));
    let text = stdout(&o);
    // The user and the three other roles.
    assert!(
        text.contains(
            "assumed  by 4 principals of the inputs (4 definitely): its trust policy names everyone"
        ),
        "{text}"
    );

    // A pull request that adds the role trusting everyone: the comment proves the new hop.
    let dir = tempfile::tempdir().expect("tempdir");
    let (base, head) = (dir.path().join("base.json"), dir.path().join("head.json"));
    let mut without: serde_json::Value = serde_json::from_str(snapshot).expect("snapshot");
    without["RoleDetailList"]
        .as_array_mut()
        .expect("roles")
        .retain(|r| r["RoleName"] != "open");
    std::fs::write(&base, without.to_string()).expect("write");
    std::fs::write(&head, snapshot).expect("write");
    let (base, head) = (base.to_string_lossy(), head.to_string_lossy());
    let o = run(
        &["diff", "-f", "markdown", "--base", &base, "--head", &head],
        None,
    );
    let text = stdout(&o);
    assert!(
        text.contains(&format!(
            "- **user u → app2 → `lambda.amazonaws.com`** (definite, high, exploitable: no), after assuming open\n  \
             - assumes open (`role/open/trust` Everyone at `{head}:16`)\n"
        )),
        "{text}"
    );
}

/// `explain` of a role that trusts everyone counts the principals that may assume it by its
/// surest such statement: a conditional one listed first does not make them "possibly".
#[test]
fn explain_counts_who_may_assume_a_role_trusting_everyone_by_its_surest_statement() {
    let snapshot = r#"{
  "UserDetailList": [{"UserName": "u", "Path": "/", "Arn": "arn:aws:iam::111122223333:user/u",
    "UserPolicyList": [], "GroupList": [], "AttachedManagedPolicies": []}],
  "GroupDetailList": [],
  "RoleDetailList": [
    {"RoleName": "open", "Path": "/", "Arn": "arn:aws:iam::111122223333:role/open",
     "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
       {"Sid": "FromTheOffice", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
        "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}},
       {"Sid": "Everyone", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]},
     "RolePolicyList": [], "AttachedManagedPolicies": [], "InstanceProfileList": []},
    {"RoleName": "other", "Path": "/", "Arn": "arn:aws:iam::111122223333:role/other",
     "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
       {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
     "RolePolicyList": [], "AttachedManagedPolicies": [], "InstanceProfileList": []}],
  "Policies": []
}"#;
    let o = run(&["explain", "--principal", "open", "-"], Some(snapshot));
    let text = stdout(&o);
    assert!(
        text.contains("assumed  by 2 principals of the inputs (2 definitely)"),
        "{text}"
    );
    let o = run(&["explain", "--principal", "u", "-"], Some(snapshot));
    let text = stdout(&o);
    assert!(
        text.contains("assumes  role open (definite; the trust policy names everyone (\"*\"))\n           trust role/open/trust Everyone"),
        "{text}"
    );
}

#[test]
fn each_stack_picture_is_titled_and_the_legend_has_every_mark() {
    let o = run(&["graph", "testdata/discover/tf-repo"], None);
    let dot = stdout(&o);
    let digraphs = dot.matches("digraph passgraph {").count();
    // One picture per stack with findings; the stack without is named, not drawn.
    assert_eq!(digraphs, 1, "{dot}");
    assert!(
        dot.ends_with("// no finding to draw in 1 stack: examples/deployer-only\n"),
        "{dot}"
    );
    assert_eq!(
        dot.matches("labelloc=t").count(),
        digraphs,
        "every picture says its stack"
    );
    assert!(dot.contains(r#"label="stack examples/complete""#), "{dot}");
    for mark in [
        "admin-equivalent role",
        "maybe admin-equivalent",
        "label=\"exploitable\"",
        "maybe exploitable",
        "possible, not exploitable",
        "trusted by",
    ] {
        assert!(dot.contains(mark), "legend lacks {mark}");
    }
}

#[test]
fn an_unknown_document_is_one_reason_though_it_may_allow_and_may_deny() {
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::write(
        dir.path().join("main.tf"),
        r#"
variable "doc" {}
resource "aws_iam_user" "u" { name = "u" }
resource "aws_iam_user_policy" "p" {
  user   = aws_iam_user.u.name
  policy = var.doc
}
resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}
"#,
    )
    .expect("write");
    let v = json(&["audit", &dir.path().to_string_lossy()]);
    let f = &v["findings"][0];
    assert_eq!(f["certainty"], "possible");
    assert_eq!(f["denies"].as_array().map(Vec::len), Some(1), "{f}");
    assert_eq!(
        f["reasons"],
        serde_json::json!([
            "the document of user/u/inline/terraform-${aws_iam_user_policy.p.name} is not known"
        ])
    );
}

/// A resource that hands a role the inputs do not define says which role, through which
/// attribute, to which service (it said only "hands a role the inputs do not define").
#[test]
fn a_role_handed_over_but_not_defined_is_named() {
    let template = r#"{"Resources": {"Fn": {"Type": "AWS::Lambda::Function",
        "Properties": {"Role": "arn:aws:iam::123456789012:role/missing"}}}}"#;
    let o = run(&["audit", "--min-level", "note", "-"], Some(template));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("note[IAM006]: AWS::Lambda::Function Fn hands role arn:aws:iam::123456789012:role/missing (Role) to lambda.amazonaws.com; the inputs do not define it"),
        "{}",
        stdout(&o)
    );
}
