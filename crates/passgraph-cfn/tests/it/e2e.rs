//! Templates through the graph: generated names, conditions, SAM, and several templates that
//! form one account.

use passgraph_cfn::{Options, parse};
use passgraph_model::{Account, FileId};

/// (principal, role, service, certainty) of every finding, sorted, with the partition bound to
/// `aws` and the built-in AWS managed policies added, as the CLI does.
fn findings(account: &Account) -> Vec<(String, String, String, String)> {
    let mut account = account.clone();
    account.bind_partition("aws");
    let mut sm = passgraph_model::SourceMap::default();
    passgraph_eval::managed::add_builtins(&mut account, &mut |p, t| sm.add(p, t));
    let analysis = passgraph_graph::analyze(&account, &passgraph_graph::Options::default());
    let mut out: Vec<_> = analysis
        .findings
        .iter()
        .map(|f| {
            let p = &analysis.principals[f.principal];
            let r = &analysis.principals[f.role];
            (
                p.name.to_string(),
                r.name.to_string(),
                f.service.to_string(),
                f.certainty.to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

fn expect(rows: &[(&str, &str, &str, &str)]) -> Vec<(String, String, String, String)> {
    rows.iter()
        .map(|(p, r, s, c)| {
            (
                (*p).to_owned(),
                (*r).to_owned(),
                (*s).to_owned(),
                (*c).to_owned(),
            )
        })
        .collect()
}

const GENERATED: &str = r#"
Resources:
  AppRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: !Sub "lambda.${AWS::URLSuffix}"}
            Action: sts:AssumeRole
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
                Resource: !GetAtt AppRole.Arn
  Prefixed:
    Type: AWS::IAM::User
    Properties:
      UserName: prefixed
      Policies:
        - PolicyName: pass
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: iam:PassRole
                Resource: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/app-*
"#;

#[test]
fn a_generated_role_name_is_matched_by_its_own_arn_and_possibly_by_patterns() {
    let parsed = parse(FileId(0), GENERATED, &Options::default());
    assert_eq!(
        findings(&parsed.account),
        expect(&[
            (
                "deployer",
                "${cfn#0:AppRole.RoleName}",
                "lambda.amazonaws.com",
                "yes"
            ),
            (
                "prefixed",
                "${cfn#0:AppRole.RoleName}",
                "lambda.amazonaws.com",
                "maybe"
            ),
        ])
    );
}

const CONDITIONAL: &str = r#"
Parameters:
  AllowPass:
    Type: String
    AllowedValues: ["true", "false"]
Conditions:
  Allowed: !Equals [!Ref AllowPass, "true"]
Resources:
  Worker:
    Type: AWS::IAM::Role
    Properties:
      RoleName: worker
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: ecs-tasks.amazonaws.com}, Action: sts:AssumeRole}]
  Ops:
    Type: AWS::IAM::User
    Properties:
      UserName: ops
      Policies:
        - PolicyName: pass
          PolicyDocument:
            Statement:
              - !If
                - Allowed
                - {Effect: Allow, Action: iam:PassRole, Resource: !GetAtt Worker.Arn}
                - !Ref AWS::NoValue
"#;

#[test]
fn an_undecidable_condition_gives_possible_findings_and_a_given_parameter_decides() {
    let parsed = parse(FileId(0), CONDITIONAL, &Options::default());
    assert_eq!(
        findings(&parsed.account),
        expect(&[("ops", "worker", "ecs-tasks.amazonaws.com", "maybe")])
    );
    let yes = Options {
        parameters: vec![("AllowPass".into(), "true".into())],
        ..Options::default()
    };
    assert_eq!(
        findings(&parse(FileId(0), CONDITIONAL, &yes).account),
        expect(&[("ops", "worker", "ecs-tasks.amazonaws.com", "yes")])
    );
    let no = Options {
        parameters: vec![("AllowPass".into(), "false".into())],
        ..Options::default()
    };
    assert_eq!(
        findings(&parse(FileId(0), CONDITIONAL, &no).account),
        expect(&[])
    );
}

const SAM: &str = r#"
Transform: AWS::Serverless-2016-10-31
Resources:
  Handler:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
  Releaser:
    Type: AWS::IAM::User
    Properties:
      UserName: releaser
      Policies:
        - PolicyName: pass-function-role
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: iam:PassRole
                Resource: !GetAtt HandlerRole.Arn
                Condition:
                  StringEquals: {iam:PassedToService: lambda.amazonaws.com}
"#;

#[test]
fn the_role_sam_generates_can_be_passed() {
    let options = Options {
        partition: Some("aws".into()),
        ..Options::default()
    };
    let parsed = parse(FileId(0), SAM, &options);
    assert_eq!(
        findings(&parsed.account),
        expect(&[(
            "releaser",
            "${cfn#0:HandlerRole.RoleName}",
            "lambda.amazonaws.com",
            "yes"
        )])
    );
}

const ROLES: &str = r#"
Resources:
  Build:
    Type: AWS::IAM::Role
    Properties:
      RoleName: build
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: codebuild.amazonaws.com}, Action: sts:AssumeRole}]
  Unnamed:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: codebuild.amazonaws.com}, Action: sts:AssumeRole}]
"#;

const USERS: &str = r#"
Parameters:
  BuildRoleName:
    Type: String
    Default: build
Resources:
  Ci:
    Type: AWS::IAM::User
    Properties:
      UserName: ci
      Policies:
        - PolicyName: pass
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: iam:PassRole
                Resource: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${BuildRoleName}
  Unnamed:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: codebuild.amazonaws.com}, Action: sts:AssumeRole}]
"#;

#[test]
fn several_templates_form_one_account() {
    let mut account = parse(FileId(0), ROLES, &Options::default()).account;
    account.overlay(parse(FileId(1), USERS, &Options::default()).account);
    // Each template's `Unnamed` role is its own role: the keys of generated names name the file.
    assert_eq!(account.roles.len(), 3);
    // A generated name might be "build", so those two are possible.
    assert_eq!(
        findings(&account),
        expect(&[
            (
                "ci",
                "${cfn#0:Unnamed.RoleName}",
                "codebuild.amazonaws.com",
                "maybe"
            ),
            (
                "ci",
                "${cfn#1:Unnamed.RoleName}",
                "codebuild.amazonaws.com",
                "maybe"
            ),
            ("ci", "build", "codebuild.amazonaws.com", "yes"),
        ])
    );
}

/// A role and a user named only when `UseName` holds (`!If [UseName, name, !Ref
/// AWS::NoValue]`): otherwise CloudFormation generates their names.
const MAYBE_NAMED: &str = r#"
Parameters:
  Named: {Type: String}
Conditions:
  UseName: !Equals [!Ref Named, "yes"]
Resources:
  App:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !If [UseName, app, !Ref AWS::NoValue]
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]
  Admin:
    Type: AWS::IAM::User
    Properties:
      UserName: admin
      ManagedPolicyArns: [!Sub "arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess"]
  ByName:
    Type: AWS::IAM::User
    Properties:
      UserName: by-name
      Policies:
        - PolicyName: pass
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: iam:PassRole
                Resource: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/app"
  ByRef:
    Type: AWS::IAM::User
    Properties:
      UserName: !If [UseName, by-ref, !Ref AWS::NoValue]
      Policies:
        - PolicyName: pass
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: iam:PassRole
                Resource: !GetAtt App.Arn
"#;

/// Findings as the CLI computes them: the partition bound to `aws`, the built-in AWS managed
/// policies added. Each with the lines of the statements that grant it.
fn cli_findings(
    text: &str,
    options: &Options,
) -> Vec<((String, String, String, String), Vec<u32>)> {
    let mut sm = passgraph_model::SourceMap::default();
    let id = sm.add("template.yaml", text);
    let mut account = Account::default();
    account.overlay(parse(id, text, options).account);
    account.bind_partition("aws");
    passgraph_eval::managed::add_builtins(&mut account, &mut |p, t| sm.add(p, t));
    let analysis = passgraph_graph::analyze(&account, &passgraph_graph::Options::default());
    let name = |i: usize| analysis.principals[i].name.to_string();
    let mut out: Vec<_> = analysis
        .findings
        .iter()
        .map(|f| {
            let row = (
                name(f.principal),
                name(f.role),
                f.service.to_string(),
                f.certainty.to_string(),
            );
            let lines = f
                .proof
                .grants
                .iter()
                .filter(|g| g.origin.file == id)
                .map(|g| sm.locate(&g.origin).line)
                .collect();
            (row, lines)
        })
        .collect();
    out.sort();
    out
}

fn rows(
    found: &[((String, String, String, String), Vec<u32>)],
) -> Vec<(String, String, String, String)> {
    found.iter().map(|(r, _)| r.clone()).collect()
}

const EC2: &str = "ec2.amazonaws.com";
const GEN_ROLE: &str = "${cfn#0:App.RoleName}";
const GEN_USER: &str = "${cfn#0:ByRef.UserName}";

#[test]
fn a_name_under_a_true_condition_is_the_name_and_findings_are_definite() {
    let yes = Options {
        parameters: vec![("Named".into(), "yes".into())],
        ..Options::default()
    };
    let found = cli_findings(MAYBE_NAMED, &yes);
    assert_eq!(
        rows(&found),
        expect(&[
            ("admin", "app", EC2, "yes"),
            ("by-name", "app", EC2, "yes"),
            ("by-ref", "app", EC2, "yes"),
        ])
    );
    // Each rests on the statement of its user; admin's on the line that attaches the built-in
    // AdministratorAccess.
    let lines: Vec<&[u32]> = found.iter().map(|(_, l)| l.as_slice()).collect();
    assert_eq!(lines, [&[17][..], &[26][..], &[37][..]]);
}

#[test]
fn no_name_under_a_false_condition_is_a_generated_name() {
    let no = Options {
        parameters: vec![("Named".into(), "no".into())],
        ..Options::default()
    };
    assert_eq!(
        rows(&cli_findings(MAYBE_NAMED, &no)),
        expect(&[
            (GEN_USER, GEN_ROLE, EC2, "yes"),
            ("admin", GEN_ROLE, EC2, "yes"),
            // The generated name might be "app".
            ("by-name", GEN_ROLE, EC2, "maybe"),
        ])
    );
}

#[test]
fn a_name_under_an_undecidable_condition_gives_possible_findings_through_either_name() {
    let found = cli_findings(MAYBE_NAMED, &Options::default());
    // Never definite for the literal name alone, never dropped for the generated one.
    assert_eq!(
        rows(&found),
        expect(&[
            (GEN_USER, GEN_ROLE, EC2, "maybe"),
            (GEN_USER, "app", EC2, "maybe"),
            ("admin", GEN_ROLE, EC2, "maybe"),
            ("admin", "app", EC2, "maybe"),
            ("by-name", GEN_ROLE, EC2, "maybe"),
            ("by-name", "app", EC2, "maybe"),
            ("by-ref", GEN_ROLE, EC2, "maybe"),
            ("by-ref", "app", EC2, "maybe"),
        ])
    );
    for ((p, r, _, _), lines) in &found {
        let want: &[u32] = match p.as_str() {
            "admin" => &[17],
            "by-name" => &[26],
            _ => &[37],
        };
        assert_eq!(lines, want, "{p} -> {r}");
    }
}

// ---- one name defined under conditions that together cover every case ----

/// Role `app` defined twice, under conditions `a` and `b`, with the inline policies `pa` and
/// `pb`; user `deployer` may pass it.
fn twice(a: &str, pa: &str, b: &str, pb: &str) -> String {
    let role = |cond: &str, policy: &str| {
        format!(
            r#"
    Type: AWS::IAM::Role
    Condition: {cond}
    Properties:
      RoleName: app
      AssumeRolePolicyDocument:
        Statement: [{{Effect: Allow, Principal: {{Service: ec2.amazonaws.com}}, Action: sts:AssumeRole}}]
      Policies:
        - PolicyName: own
          PolicyDocument: {{Statement: [{{Effect: Allow, Action: "{policy}", Resource: "*"}}]}}"#
        )
    };
    format!(
        r#"Parameters:
  Env: {{Type: String}}
  Tier: {{Type: String}}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
  AlsoNotProd: !Not [!Equals [prod, !Ref Env]]
  IsGold: !Equals [!Ref Tier, gold]
Resources:
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
                Resource: !Sub arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role/app
  AppA:{}
  AppB:{}
"#,
        role(a, pa),
        role(b, pb)
    )
}

#[test]
fn one_name_under_complementary_conditions_gives_definite_findings() {
    for b in ["NotProd", "AlsoNotProd"] {
        let found = cli_findings(&twice("IsProd", "*", b, "*"), &Options::default());
        assert_eq!(
            rows(&found),
            expect(&[("app", "app", EC2, "yes"), ("deployer", "app", EC2, "yes")]),
            "{b}"
        );
        // app passes itself by the policy of either definition.
        assert_eq!(found[0].1, [30, 40]);
        assert_eq!(found[1].1, [18]);
    }
}

#[test]
fn what_only_one_definition_holds_stays_possible() {
    // `app` exists in every case, but its `*` policy only when IsProd holds.
    let found = cli_findings(
        &twice("IsProd", "*", "NotProd", "s3:*"),
        &Options::default(),
    );
    assert_eq!(
        rows(&found),
        expect(&[
            ("app", "app", EC2, "maybe"),
            ("deployer", "app", EC2, "yes")
        ])
    );
}

#[test]
fn one_name_under_unrelated_or_overlapping_conditions_stays_possible() {
    for (a, b) in [("IsProd", "IsGold"), ("NotProd", "AlsoNotProd")] {
        assert_eq!(
            rows(&cli_findings(&twice(a, "*", b, "*"), &Options::default())),
            expect(&[
                ("app", "app", EC2, "maybe"),
                ("deployer", "app", EC2, "maybe")
            ]),
            "{a} {b}"
        );
    }
}

#[test]
fn decided_conditions_are_unchanged_by_the_merge() {
    for env in ["prod", "dev"] {
        let options = Options {
            parameters: vec![("Env".into(), env.into())],
            ..Options::default()
        };
        let text = twice("IsProd", "*", "NotProd", "*");
        let found = cli_findings(&text, &options);
        assert_eq!(
            rows(&found),
            expect(&[("app", "app", EC2, "yes"), ("deployer", "app", EC2, "yes")]),
            "{env}"
        );
        // Only the definition that exists grants.
        assert_eq!(found[0].1, [if env == "prod" { 30 } else { 40 }], "{env}");
    }
}
