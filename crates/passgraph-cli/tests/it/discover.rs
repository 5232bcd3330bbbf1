//! Folder search end to end, on the fixture trees of `testdata/discover` (shaped like real
//! repositories): which stacks are found, which are paired, what the summary says, and the
//! options that steer diagnostics and parameters.

use crate::{json, run, stderr, stdout};

const T: &str = "testdata/discover";

/// `stack: kind/name -> role -> service certainty` for each finding.
fn by_stack(v: &serde_json::Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{}: {}/{} -> {} -> {} {}",
                f["stack"].as_str().unwrap_or("-"),
                f["principal"]["kind"].as_str().unwrap_or("?"),
                f["principal"]["name"].as_str().unwrap_or("?"),
                f["role"]["name"].as_str().unwrap_or("?"),
                f["service"].as_str().unwrap_or("?"),
                f["certainty"].as_str().unwrap_or("?"),
            )
        })
        .collect()
}

fn stacks(v: &serde_json::Value) -> Vec<String> {
    v["summary"]["by_stack"]
        .as_array()
        .expect("by_stack")
        .iter()
        .map(|s| s["stack"].as_str().unwrap_or("?").to_owned())
        .collect()
}

fn diagnostics(v: &serde_json::Value) -> Vec<String> {
    v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            format!(
                "{} {} {}",
                d["level"].as_str().unwrap_or("?"),
                d["code"].as_str().unwrap_or("?"),
                d["message"].as_str().unwrap_or("?")
            )
        })
        .collect()
}

#[test]
fn terraform_repository_roots_are_the_examples_never_the_modules() {
    let v = json(&["audit", &format!("{T}/tf-repo")]);
    // The top module is called by examples/complete and modules/deployer by both: neither is
    // analysed alone; .terraform/ is never read.
    assert_eq!(stacks(&v), ["examples/complete", "examples/deployer-only"]);
    assert_eq!(
        by_stack(&v),
        ["examples/complete: user/shop-deployer -> shop-app -> ec2.amazonaws.com definite"]
    );
    assert_eq!(
        v["findings"][0]["grants"][0]["location"]["file"],
        "testdata/discover/tf-repo/modules/deployer/main.tf"
    );
    assert_eq!(v["summary"]["files_read"], 4);
    assert_eq!(v["summary"]["stacks"], 2);
    assert!(!v.to_string().contains("never-read"));
}

#[test]
fn templates_of_two_accounts_are_never_paired() {
    let v = json(&["audit", &format!("{T}/cfn-two-accounts")]);
    assert_eq!(
        by_stack(&v),
        [
            "dev/sandbox.json: user/developer -> dev-sandbox -> ec2.amazonaws.com definite",
            "prod/pipeline.yaml: user/release -> prod-function -> lambda.amazonaws.com definite",
        ]
    );
    // --one-account pairs them: the developer's PassRole on * reaches the production role.
    let v = json(&["audit", "--one-account", &format!("{T}/cfn-two-accounts")]);
    assert!(
        by_stack(&v).contains(
            &".: user/developer -> prod-function -> lambda.amazonaws.com definite".to_owned()
        ),
        "{:?}",
        by_stack(&v)
    );
    // Named one by one, inputs are one account (the contract), with no stack named.
    let v = json(&[
        "audit",
        &format!("{T}/cfn-two-accounts/prod/pipeline.yaml"),
        &format!("{T}/cfn-two-accounts/dev/sandbox.json"),
    ]);
    assert!(
        by_stack(&v).contains(
            &"-: user/developer -> prod-function -> lambda.amazonaws.com definite".to_owned()
        ),
        "{:?}",
        by_stack(&v)
    );
    assert!(v["summary"].get("by_stack").is_none());
}

#[test]
fn templates_linked_by_import_value_are_one_account() {
    let v = json(&["audit", &format!("{T}/cfn-linked")]);
    assert_eq!(stacks(&v), ["app.yaml + roles.yaml", "unrelated.yaml"]);
    // The auditor may pass any role, but no role is defined beside it.
    assert_eq!(
        by_stack(&v),
        ["app.yaml + roles.yaml: user/app-deployer -> worker -> lambda.amazonaws.com definite"]
    );
    let notes = diagnostics(&v);
    assert!(
        notes.iter().any(|d| d.starts_with(
            "note IAM020 app.yaml imports \"shared-roles-WorkerRoleArn\", exported by roles.yaml"
        )),
        "{notes:?}"
    );
    assert_eq!(v["diagnostics"][1]["stack"], "app.yaml + roles.yaml");
}

#[test]
fn mixed_tree_summary_nested_stacks_and_exclude() {
    let v = json(&["audit", &format!("{T}/mixed")]);
    assert_eq!(
        by_stack(&v),
        [
            "cfn/nested/role.yaml + cfn/parent.yaml: user/operator -> nested-codebuild -> codebuild.amazonaws.com definite",
            "infra: user/orders-ci -> orders-task -> ecs-tasks.amazonaws.com definite",
            "snapshots/account.json: user/legacy-admin -> legacy-ec2 -> ec2.amazonaws.com definite",
        ]
    );
    // node_modules/ and .github/ are never read; package.json is read and is no input;
    // docs/notes.md is of no input type.
    assert_eq!(v["summary"]["files_read"], 4);
    assert_eq!(
        v["summary"]["skipped"],
        serde_json::json!({"of other types (not .tf, .json, .yaml, .yml, .template)": 1, "JSON or YAML but no template, plan or snapshot": 1})
    );
    // The nested stack is read: no note says it is not; one says the two are one account.
    let d = diagnostics(&v);
    assert!(!d.iter().any(|x| x.contains("is not read")), "{d:?}");
    assert!(
        d.iter()
            .any(|x| x.contains("cfn/parent.yaml nests cfn/nested/role.yaml")),
        "{d:?}"
    );
    // The subnet's condition and the network ACL's count concern no role: nothing is said.
    assert!(
        !d.iter().any(|x| x.contains("Subnet") || x.contains("acl")),
        "{d:?}"
    );
    let v = json(&[
        "audit",
        "--exclude",
        "cfn",
        "--exclude",
        "snapshots/**",
        &format!("{T}/mixed"),
    ]);
    assert_eq!(stacks(&v), ["infra"]);
    assert_eq!(v["summary"]["skipped"]["excluded (--exclude)"], 2);
    // Text: the summary line and one section per stack with findings.
    let o = run(&["audit", &format!("{T}/mixed")], None);
    assert_eq!(o.status.code(), Some(1));
    let t = stdout(&o);
    assert!(t.starts_with("passgraph: 3 findings (3 definite, 0 possible) in 3 of 3 stacks\nsearched: 4 files read, 3 stacks, 2 files skipped (1 JSON or YAML but no template, plan or snapshot; 1 of other types (not .tf, .json, .yaml, .yml, .template))\n"), "{t}");
    assert!(
        t.contains("\nstack infra: 1 finding (1 definite, 0 possible) for 1 principal\n"),
        "{t}"
    );
}

#[test]
fn a_plan_beside_its_configuration_is_that_module_read_through_the_plan() {
    let v = json(&["audit", "testdata/tfplan/unknown-arns"]);
    assert_eq!(stacks(&v), ["plan.json"]);
    assert_eq!(
        v["findings"][0]["grants"][0]["location"],
        serde_json::json!({"file": "testdata/tfplan/unknown-arns/main.tf", "line": 13, "column": 18, "address": "aws_iam_policy.deploy"})
    );
    assert!(
        diagnostics(&v)
            .iter()
            .any(|d| d == "note IAM020 plan.json is read as the plan of the root module .; the module is not analysed apart"),
        "{:?}",
        diagnostics(&v)
    );
}

#[test]
fn quiet_and_min_level_steer_diagnostics() {
    let dir = format!("{T}/cfn-linked");
    let all = json(&["audit", &dir]);
    assert!(diagnostics(&all).iter().any(|d| d.starts_with("note ")));
    let v = json(&["audit", "--min-level", "warning", &dir]);
    assert!(
        diagnostics(&v).iter().all(|d| !d.starts_with("note ")),
        "{:?}",
        diagnostics(&v)
    );
    assert_eq!(by_stack(&v), by_stack(&all));
    // Text shows warnings and errors unless told otherwise, and says how many notes it hid.
    let hidden = diagnostics(&all).len();
    for args in [
        vec!["audit", &dir],
        vec!["audit", "--min-level", "warning", &dir],
    ] {
        let t = stdout(&run(&args, None));
        assert!(!t.contains("note["), "{t}");
        assert!(
            t.ends_with(&format!(
                "\n({hidden} notes not shown; --min-level note shows them)\n"
            )),
            "{t}"
        );
    }
    let t = stdout(&run(&["audit", "--min-level", "note", &dir], None));
    assert_eq!(t.matches("note[").count(), hidden, "{t}");
    assert!(!t.contains("not shown"), "{t}");
    let v = json(&["audit", "-q", &dir]);
    assert_eq!(v["diagnostics"], serde_json::json!([]));
    assert_eq!(by_stack(&v), by_stack(&all));
    let o = run(&["audit", "--quiet", &dir], None);
    assert!(!stdout(&o).contains("note[") && !stdout(&o).contains("not shown"));
    // Warnings stay at --min-level warning, and go at error.
    let w = json(&[
        "audit",
        "--min-level",
        "warning",
        &format!("{T}/params/template.yaml"),
    ]);
    assert!(
        diagnostics(&w)
            .iter()
            .any(|d| d.starts_with("warning IAM004 parameter WorkerRoleName")),
        "{:?}",
        diagnostics(&w)
    );
    let e = json(&[
        "audit",
        "--min-level",
        "error",
        &format!("{T}/params/template.yaml"),
    ]);
    assert_eq!(e["diagnostics"], serde_json::json!([]));
}

#[test]
fn service_names_that_are_no_service_are_refused_with_the_close_ones() {
    let o = run(
        &[
            "audit",
            "--service",
            "ec3",
            "testdata/snapshot/aws-doc-passrole-examples.json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(
            "--service \"ec3\" is not a service principal passgraph knows; did you mean ec2"
        ),
        "{}",
        stderr(&o)
    );
    let o = run(
        &["audit", "--service", "lamdba", &format!("{T}/cfn-linked")],
        None,
    );
    assert!(stderr(&o).contains("did you mean lambda"), "{}", stderr(&o));
    // A service no catalogue entry has, but a trust policy of the inputs names, is known.
    let f = std::env::temp_dir().join(format!("passgraph-it-svc-{}.yaml", std::process::id()));
    std::fs::write(&f, "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: r\n      AssumeRolePolicyDocument:\n        Statement:\n          - {Effect: Allow, Principal: {Service: newsvc.amazonaws.com}, Action: sts:AssumeRole}\n").expect("write");
    let o = run(
        &["audit", "--service", "newsvc", &f.to_string_lossy()],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(
        &["audit", "--service", "newsvcc", &f.to_string_lossy()],
        None,
    );
    assert!(
        stderr(&o).contains("did you mean newsvc?"),
        "{}",
        stderr(&o)
    );
    let _ = std::fs::remove_file(&f);
    // Known names pass, with or without findings.
    for ok in ["ec2", "monitoring.rds", "rds", "states.amazonaws.com"] {
        let o = run(
            &[
                "audit",
                "--service",
                ok,
                "--fail-on",
                "none",
                "testdata/snapshot/aws-doc-passrole-examples.json",
            ],
            None,
        );
        assert_eq!(o.status.code(), Some(0), "{ok}: {}", stderr(&o));
    }
}

#[test]
fn parameters_files_in_both_shapes() {
    let tpl = format!("{T}/params/template.yaml");
    let none = json(&["audit", &tpl]);
    assert_eq!(
        by_stack(&none),
        [
            "-: user/deployer -> ${testdata/discover/params/template.yaml:WorkerRoleName} -> batch.amazonaws.com possible"
        ]
    );
    // The AWS CLI's shape names the role app-worker: the grant on app-* covers it.
    let v = json(&[
        "audit",
        "--parameters-file",
        &format!("{T}/params/aws-cli.json"),
        &tpl,
    ]);
    assert_eq!(
        by_stack(&v),
        ["-: user/deployer -> app-worker -> batch.amazonaws.com definite"]
    );
    // CodePipeline's shape names it reporting-worker: no grant covers it.
    let v = json(&[
        "audit",
        "--parameters-file",
        &format!("{T}/params/codepipeline.json"),
        &tpl,
    ]);
    assert_eq!(by_stack(&v), Vec::<String>::new());
    // --parameter wins over the file.
    let v = json(&[
        "audit",
        "--parameters-file",
        &format!("{T}/params/codepipeline.json"),
        "--parameter",
        "WorkerRoleName=app-batch",
        &tpl,
    ]);
    assert_eq!(
        by_stack(&v),
        ["-: user/deployer -> app-batch -> batch.amazonaws.com definite"]
    );
    let o = run(
        &[
            "audit",
            "--parameters-file",
            &format!("{T}/params/broken.json"),
            &tpl,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "passgraph: error: testdata/discover/params/broken.json:3:23: the value of WorkerRoleName must be a string, not an object\n"
    );
    let o = run(
        &[
            "audit",
            "--parameters-file",
            "testdata/discover/README.md",
            &tpl,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("testdata/discover/README.md:1:1"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn symlink_loops_end() {
    let dir = std::env::temp_dir().join(format!("passgraph-it-loop-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("a")).expect("dir");
    std::fs::copy(
        format!(
            "{}/{T}/cfn-two-accounts/prod/pipeline.yaml",
            crate::root().display()
        ),
        dir.join("a/pipeline.yaml"),
    )
    .expect("copy");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&dir, dir.join("a/up")).expect("symlink");
        std::os::unix::fs::symlink(dir.join("a"), dir.join("again")).expect("symlink");
    }
    let v = json(&["audit", &dir.to_string_lossy()]);
    assert_eq!(stacks(&v), ["a/pipeline.yaml"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn explain_diff_and_graph_over_stacks() {
    let dir = format!("{T}/cfn-two-accounts");
    // explain finds the principal in its stack, and says which.
    let o = run(&["explain", &dir, "--principal", "developer"], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("stack dev/sandbox.json\nuser developer\n"),
        "{}",
        stdout(&o)
    );
    assert!(!stdout(&o).contains("prod-function"));
    let o = run(&["explain", &dir, "--principal", "nobody"], None);
    assert_eq!(o.status.code(), Some(2));
    // diff compares stacks of the same name: the same tree adds and removes nothing.
    let o = run(&["diff", "--base", &dir, "--head", &dir], None);
    assert_eq!(stdout(&o), "passgraph diff: 0 added, 0 removed\n");
    assert_eq!(o.status.code(), Some(0));
    let o = run(
        &[
            "diff",
            "-f",
            "json",
            "--base",
            &format!("{T}/cfn-linked"),
            "--head",
            &dir,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["added"][0]["stack"], "dev/sandbox.json");
    assert_eq!(v["removed"][0]["stack"], "app.yaml + roles.yaml");
    // graph: dot draws one digraph per stack; json asks for one account.
    let o = run(&["graph", "--fail-on", "none", &dir], None);
    assert_eq!(stdout(&o).matches("digraph passgraph {").count(), 2);
    let o = run(&["graph", "-f", "json", &dir], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--one-account"), "{}", stderr(&o));
    let o = run(
        &[
            "graph",
            "-f",
            "json",
            "--one-account",
            "--fail-on",
            "none",
            &dir,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn sarif_over_stacks_is_valid_and_names_each_stack() {
    let o = run(&["audit", "-f", "sarif", &format!("{T}/mixed")], None);
    let log: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(crate::shared().join("data/sarif-schema-2.1.0.json"))
            .expect("schema"),
    )
    .expect("json");
    let validator = jsonschema::draft4::new(&schema).expect("valid schema");
    assert!(validator.is_valid(&log));
    let stacks: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["properties"]["stack"].as_str())
        .collect();
    assert_eq!(
        stacks,
        [
            "cfn/nested/role.yaml + cfn/parent.yaml",
            "infra",
            "snapshots/account.json"
        ]
    );
}

#[test]
fn a_file_named_beside_a_folder_lies_under_every_stack() {
    // The snapshot's account under each template: its wide PassRole reaches each stack's roles,
    // and the two templates are still never paired.
    let v = json(&[
        "audit",
        &format!("{T}/mixed/snapshots/account.json"),
        &format!("{T}/cfn-two-accounts"),
    ]);
    let got = by_stack(&v);
    for want in [
        "dev/sandbox.json: user/legacy-admin -> dev-sandbox -> ec2.amazonaws.com definite",
        "prod/pipeline.yaml: user/legacy-admin -> prod-function -> lambda.amazonaws.com definite",
    ] {
        assert!(got.contains(&want.to_owned()), "{got:?}");
    }
    assert!(
        !got.iter().any(|f| f.contains("developer -> prod-function")),
        "{got:?}"
    );
}

#[test]
fn variable_files_terraform_reads_are_not_skipped() {
    // terraform.tfvars and *.auto.tfvars(.json) are read with their folder's configuration; a
    // variable file Terraform reads only when told (`-var-file`) is skipped, and says so.
    let dir = tempfile::tempdir().expect("tempdir");
    let files = [
        (
            "main.tf",
            r#"
variable "role_name" {}
variable "env" {}

resource "aws_iam_role" "r" {
  name               = "${var.role_name}-${var.env}"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
}

resource "aws_iam_user" "u" {
  name = "u"
}

resource "aws_iam_user_policy" "u" {
  user   = aws_iam_user.u.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = "*" }] })
}
"#,
        ),
        ("terraform.tfvars", "role_name = \"app\"\n"),
        ("x.auto.tfvars.json", "{\"env\": \"prod\"}\n"),
        ("staging.tfvars", "env = \"staging\"\n"),
    ];
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    let v = json(&["audit", &dir.path().to_string_lossy()]);
    assert_eq!(v["findings"][0]["role"]["name"], "app-prod");
    assert_eq!(
        v["summary"]["skipped"],
        serde_json::json!({"of other types (not .tf, .json, .yaml, .yml, .template)": 1})
    );
}

/// A nested stack's template is read with what its parent passes: a literal is the parameter's
/// value, a value known only at deploy (a resource's attribute) leaves it unknown instead of
/// its `Default`. (Read with its defaults, `default-role` hid the role the parent names, and
/// `t-r` was taken for certain.) A grandchild gets what the child computes from its own
/// parameters as unknown: the top stack may override them.
#[test]
fn a_nested_stack_takes_the_parameters_its_parent_passes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |name: &str, text: &str| {
        std::fs::write(dir.path().join(name), text).expect("write");
    };
    write(
        "parent.yaml",
        r#"
Parameters:
  Env: {Type: String, Default: prod}
Resources:
  Token: {Type: AWS::SSM::Parameter, Properties: {Type: String, Value: x}}
  Child:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: https://s3.amazonaws.com/b/child.yaml
      Parameters:
        RoleName: fixed-role
        Env: !Ref Env
        Token: !GetAtt Token.Value
  Deployer:
    Type: AWS::IAM::User
    Properties:
      UserName: deployer
      Policies:
        - PolicyName: pass
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: iam:PassRole
                Resource:
                  - arn:aws:iam::*:role/fixed-role
                  - arn:aws:iam::*:role/t-r
                  - arn:aws:iam::*:role/prod-grand
"#,
    );
    write(
        "child.yaml",
        r#"
Parameters:
  RoleName: {Type: String, Default: default-role}
  Token: {Type: String, Default: t}
  Env: {Type: String, Default: dev}
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Ref RoleName
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]
  Role2:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub "${Token}-r"
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]
  Grand:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./grand.yaml
      Parameters:
        Prefix: !Ref Env
"#,
    );
    write(
        "grand.yaml",
        r#"
Parameters:
  Prefix: {Type: String, Default: prod}
Resources:
  G:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub "${Prefix}-grand"
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: glue.amazonaws.com}, Action: sts:AssumeRole}]
"#,
    );
    let folder = dir.path().to_str().expect("UTF-8");
    let v = json(&["audit", folder]);
    let mut found = by_stack(&v);
    found.sort();
    assert_eq!(
        found,
        [
            "child.yaml + grand.yaml + parent.yaml: user/deployer -> ${child.yaml:Token}-r -> lambda.amazonaws.com possible",
            "child.yaml + grand.yaml + parent.yaml: user/deployer -> ${grand.yaml:Prefix}-grand -> glue.amazonaws.com possible",
            "child.yaml + grand.yaml + parent.yaml: user/deployer -> fixed-role -> ec2.amazonaws.com definite",
        ]
    );
    let d = diagnostics(&v);
    assert!(
        d.iter().any(|x| x.contains(
            "parameter Token stays unknown (parent.yaml passes a value known only at deploy)"
        )),
        "{d:?}"
    );
}

/// Found by review: what must stay unknown when a parent passes a parameter. Two resources of
/// one parent nesting the same template with different values (only one exists, by condition);
/// an SSM-typed parameter of the parent (its default is the SSM key); a reference to a
/// resource of the parent, even when `--parameter` gives another template a parameter of that
/// name. Each role's name is unknown, never the first value or the key, and a grant on `dev-*`
/// may cover the first.
#[test]
fn what_a_parent_passes_stays_unknown_unless_known_for_every_resource() {
    let child = r#"
Parameters:
  RoleName: {Type: String, Default: default-role}
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Ref RoleName
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]
"#;
    let deployer = |resource: &str| {
        format!(
            "  Deployer:\n    Type: AWS::IAM::User\n    Properties:\n      UserName: deployer\n      Policies:\n        - PolicyName: pass\n          PolicyDocument:\n            Statement:\n              - {{Effect: Allow, Action: iam:PassRole, Resource: \"{resource}\"}}\n"
        )
    };
    let cases = [
        (
            format!(
                "Parameters:\n  Env: {{Type: String, AllowedValues: [prod, dev]}}\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\n  IsDev: !Not [!Condition IsProd]\nResources:\n  ProdStack:\n    Type: AWS::CloudFormation::Stack\n    Condition: IsProd\n    Properties: {{TemplateURL: ./child.yaml, Parameters: {{RoleName: prod-role}}}}\n  DevStack:\n    Type: AWS::CloudFormation::Stack\n    Condition: IsDev\n    Properties: {{TemplateURL: ./child.yaml, Parameters: {{RoleName: dev-admin-role}}}}\n{}",
                deployer("arn:aws:iam::*:role/dev-*")
            ),
            None,
            "possible",
            "nested stack resources pass it different values",
        ),
        (
            format!(
                "Parameters:\n  Name: {{Type: 'AWS::SSM::Parameter::Value<String>', Default: /org/ci-role}}\nResources:\n  A:\n    Type: AWS::CloudFormation::Stack\n    Properties: {{TemplateURL: ./child.yaml, Parameters: {{RoleName: !Ref Name}}}}\n{}",
                deployer("*")
            ),
            None,
            "definite",
            "parent.yaml passes a value known only at deploy",
        ),
        (
            format!(
                "Resources:\n  Queue: {{Type: AWS::SQS::Queue}}\n  A:\n    Type: AWS::CloudFormation::Stack\n    Properties: {{TemplateURL: ./child.yaml, Parameters: {{RoleName: !Ref Queue}}}}\n{}",
                deployer("*")
            ),
            Some("Queue=jobs"),
            "definite",
            "parent.yaml passes a value known only at deploy",
        ),
    ];
    for (parent, parameter, certainty, why) in cases {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("parent.yaml"), &parent).expect("write");
        std::fs::write(dir.path().join("child.yaml"), child).expect("write");
        let folder = dir.path().to_str().expect("UTF-8");
        let mut args = vec!["audit", folder];
        if let Some(p) = parameter {
            args.extend(["--parameter", p]);
        }
        let v = json(&args);
        assert_eq!(
            by_stack(&v),
            [format!(
                "child.yaml + parent.yaml: user/deployer -> ${{child.yaml:RoleName}} -> ec2.amazonaws.com {certainty}"
            )],
            "{parent}"
        );
        let d = diagnostics(&v);
        assert!(
            d.iter()
                .any(|x| x.contains(&format!("parameter RoleName stays unknown ({why})"))),
            "{d:?}"
        );
    }
}
