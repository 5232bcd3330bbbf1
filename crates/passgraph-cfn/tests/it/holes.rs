//! Unknown values have types (issue 8, sections 3 and 4): account holes, trust of a bare account
//! id, parameter types, missing documents, readable hole names. Templates follow the AWS
//! documentation's examples (IAM user guide "Granting a user permissions to pass a role", the
//! CloudFormation `Parameters` section and `AWS::IAM::*` resource reference).

use passgraph_cfn::{Options, parse_named};
use passgraph_model::{Account, Diagnostic, SourceMap};

struct Run {
    /// (principal, role, service, certainty, via, in use by (resource addresses)).
    rows: Vec<(String, String, String, String, Vec<String>, usize)>,
    diagnostics: Vec<Diagnostic>,
}

/// Reads `text` as the CLI reads `template.yaml` and analyses it.
fn run(text: &str, options: &Options) -> Run {
    let mut sm = SourceMap::default();
    let id = sm.add("template.yaml", text);
    let parsed = parse_named(id, "template.yaml", text, options);
    let mut account = Account::default();
    account.overlay(parsed.account);
    account.bind_partition("aws");
    let analysis = passgraph_graph::analyze(&account, &passgraph_graph::Options::default());
    let name = |i: usize| analysis.principals[i].name.to_string();
    let mut rows: Vec<_> = analysis
        .findings
        .iter()
        .map(|f| {
            (
                name(f.principal),
                name(f.role),
                f.service.to_string(),
                f.certainty.to_string(),
                f.via.iter().map(|&i| name(i)).collect(),
                f.in_use_by.len(),
            )
        })
        .collect();
    rows.sort();
    let mut diagnostics = parsed.diagnostics;
    diagnostics.extend(analysis.diagnostics);
    Run { rows, diagnostics }
}

fn unknown_account() -> Options {
    Options {
        partition: Some("aws".into()),
        ..Options::default()
    }
}

fn triples(r: &Run) -> Vec<String> {
    r.rows
        .iter()
        .map(|(p, role, s, c, via, _)| {
            let via = if via.is_empty() {
                String::new()
            } else {
                format!(" via {}", via.join(","))
            };
            format!("{p} -> {role} -> {s} {c}{via}")
        })
        .collect()
}

const RDS: &str = r#"
Resources:
  DbAdmin:
    Type: AWS::IAM::User
    Properties:
      UserName: db-admin
      Policies:
        - PolicyName: pass
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: iam:PassRole
                Resource: RESOURCE
  Monitoring:
    Type: AWS::IAM::Role
    Properties:
      RoleName: RDS-Monitoring-Role
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: monitoring.rds.amazonaws.com}
            Action: sts:AssumeRole
"#;

#[test]
fn an_empty_account_field_names_no_role_even_when_the_account_is_unknown() {
    // `arn:aws:iam:::role/RDS-Monitoring-Role` has no account: it is no role's ARN. The role's
    // own ARN holds the account hole, which stands for twelve digits, never for nothing.
    let r = run(
        &RDS.replace("RESOURCE", "arn:aws:iam:::role/RDS-Monitoring-Role"),
        &unknown_account(),
    );
    assert_eq!(triples(&r), Vec::<String>::new());
    // Neither is the AWS-managed account field `aws`.
    let r = run(
        &RDS.replace("RESOURCE", "arn:aws:iam::aws:role/RDS-Monitoring-Role"),
        &unknown_account(),
    );
    assert_eq!(triples(&r), Vec::<String>::new());
    // With the account, definitely; a literal account only possibly while the account is unknown.
    let r = run(
        &RDS.replace(
            "RESOURCE",
            "!Sub arn:aws:iam::${AWS::AccountId}:role/RDS-Monitoring-Role",
        ),
        &unknown_account(),
    );
    assert_eq!(
        triples(&r),
        ["db-admin -> RDS-Monitoring-Role -> monitoring.rds.amazonaws.com yes"]
    );
    let r = run(
        &RDS.replace(
            "RESOURCE",
            "arn:aws:iam::111122223333:role/RDS-Monitoring-Role",
        ),
        &unknown_account(),
    );
    assert_eq!(
        triples(&r),
        ["db-admin -> RDS-Monitoring-Role -> monitoring.rds.amazonaws.com maybe"]
    );
}

/// A user allowed to assume `Admin`, whose trust policy names the account as `PRINCIPAL`;
/// `Admin` may pass `app` to EC2.
const CHAIN: &str = r#"
Resources:
  Dev:
    Type: AWS::IAM::User
    Properties:
      UserName: dev
      Policies:
        - PolicyName: assume
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: sts:AssumeRole
                Resource: !GetAtt Admin.Arn
  Admin:
    Type: AWS::IAM::Role
    Properties:
      RoleName: admin
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal:
              AWS: PRINCIPAL
            Action: sts:AssumeRole
      Policies:
        - PolicyName: pass
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: iam:PassRole
                Resource: !GetAtt App.Arn
  App:
    Type: AWS::IAM::Role
    Properties:
      RoleName: app
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: ec2.amazonaws.com}
            Action: sts:AssumeRole
"#;

#[test]
fn a_bare_account_id_in_a_trust_policy_is_that_accounts_root() {
    // "AWS": "123456789012" is the same as "arn:aws:iam::123456789012:root" (IAM user guide,
    // AWS JSON policy elements: Principal, "AWS account principals").
    let known = Options {
        account_id: Some("123456789012".into()),
        ..unknown_account()
    };
    let expected = [
        "admin -> app -> ec2.amazonaws.com yes",
        "dev -> app -> ec2.amazonaws.com yes via admin",
    ];
    for principal in [
        "\"123456789012\"",
        "arn:aws:iam::123456789012:root",
        "!Ref AWS::AccountId",
        "!Sub arn:aws:iam::${AWS::AccountId}:root",
    ] {
        let r = run(&CHAIN.replace("PRINCIPAL", principal), &known);
        assert_eq!(triples(&r), expected, "{principal}");
    }
    // The account unknown: `!Ref AWS::AccountId` is still this account, whatever it is.
    for principal in [
        "!Ref AWS::AccountId",
        "!Sub arn:aws:iam::${AWS::AccountId}:root",
    ] {
        let r = run(&CHAIN.replace("PRINCIPAL", principal), &unknown_account());
        assert_eq!(triples(&r), expected, "{principal}");
    }
    // A literal account while the account is unknown: possibly this one.
    let r = run(
        &CHAIN.replace("PRINCIPAL", "\"123456789012\""),
        &unknown_account(),
    );
    assert_eq!(
        triples(&r),
        [
            "admin -> app -> ec2.amazonaws.com yes",
            "dev -> app -> ec2.amazonaws.com maybe via admin",
        ]
    );
    // Another account's root never lets this account's user in when the account is known.
    let r = run(&CHAIN.replace("PRINCIPAL", "\"210987654321\""), &known);
    assert_eq!(triples(&r), ["admin -> app -> ec2.amazonaws.com yes"]);
}

/// A function whose `Role` is the parameter `RoleParam` of type `TYPE`.
const FUNCTION: &str = r#"
Parameters:
  RoleParam:
    Type: TYPE
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
                Resource: "*"
  App:
    Type: AWS::IAM::Role
    Properties:
      RoleName: AppRole
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Role: !Ref RoleParam
      Runtime: python3.12
      Handler: index.handler
      Code: {ZipFile: "def handler(e, c): pass"}
"#;

#[test]
fn a_parameters_type_constrains_its_value() {
    // A `String` parameter without a value may be the role's ARN: the function possibly uses it.
    let r = run(&FUNCTION.replace("TYPE", "String"), &unknown_account());
    assert_eq!(r.rows.len(), 1, "{:?}", triples(&r));
    assert_eq!(r.rows[0].5, 1, "the function may use app");
    // "Number: an integer or float" (CloudFormation Parameters, Type): no role ARN.
    // `AWS::EC2::VPC::Id` values (`vpc-0abc`) hold no `:` and no upper case: neither the
    // role's ARN nor its name.
    for ty in [
        "Number",
        "AWS::EC2::VPC::Id",
        "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
    ] {
        let r = run(&FUNCTION.replace("TYPE", ty), &unknown_account());
        assert_eq!(r.rows.len(), 1, "{ty}");
        assert_eq!(r.rows[0].5, 0, "{ty}: a {ty} is no role ARN");
    }
    // A default that the type refuses fails the stack: it is not taken as the value.
    let bad = FUNCTION.replace(
        "Type: TYPE",
        "Type: Number\n    Default: arn:aws:iam::123456789012:role/AppRole",
    );
    let r = run(&bad, &unknown_account());
    assert_eq!(r.rows[0].5, 0);
    assert!(
        r.diagnostics
            .iter()
            .any(|d| d.message.contains("parameter RoleParam is of type Number")),
        "{:?}",
        r.diagnostics
    );
}

#[test]
fn an_account_id_parameter_is_an_account() {
    // A `String` parameter constrained to twelve digits (`AllowedPattern: '^\d{12}$'`) is an
    // account id: as a bare trust principal it is that account's root.
    let tpl = CHAIN.replace("PRINCIPAL", "!Ref TrustedAccount").replace(
        "Resources:",
        "Parameters:\n  TrustedAccount:\n    Type: String\n    AllowedPattern: '^\\d{12}$'\nResources:",
    );
    let r = run(&tpl, &unknown_account());
    assert_eq!(
        triples(&r),
        [
            "admin -> app -> ec2.amazonaws.com yes",
            "dev -> app -> ec2.amazonaws.com maybe via admin",
        ]
    );
}

#[test]
fn a_missing_policy_document_is_unknown_not_empty() {
    // `PolicyDocument` is required (AWS::IAM::Policy, AWS::IAM::ManagedPolicy, the `Policies`
    // of a user, group or role): a template without one is refused, and what the policy would
    // grant once written is not known. Not "grants nothing".
    let tpl = r#"
Resources:
  Ops:
    Type: AWS::IAM::User
    Properties:
      UserName: ops
      Policies:
        - PolicyName: typo
          PolicyDocumen:
            Statement:
              - Effect: Allow
                Action: iam:PassRole
                Resource: "*"
  Standalone:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: standalone
      Users: [!Ref Dev]
  Dev:
    Type: AWS::IAM::User
    Properties:
      UserName: dev
  App:
    Type: AWS::IAM::Role
    Properties:
      RoleName: app
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: ec2.amazonaws.com}
            Action: sts:AssumeRole
"#;
    let r = run(tpl, &unknown_account());
    assert_eq!(
        triples(&r),
        [
            "dev -> app -> ec2.amazonaws.com maybe",
            "ops -> app -> ec2.amazonaws.com maybe",
        ]
    );
    let messages: Vec<&str> = r.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("policy typo of Ops has no PolicyDocument")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("policy Standalone has no PolicyDocument")),
        "{messages:?}"
    );
}

#[test]
fn holes_are_named_after_the_file_and_logical_id() {
    let tpl = r#"
Parameters:
  UserName: {Type: String}
Resources:
  Ops:
    Type: AWS::IAM::User
    Properties:
      UserName: !Ref UserName
      Policies:
        - PolicyName: pass
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: iam:PassRole
                Resource: !GetAtt App.Arn
  App:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: ec2.amazonaws.com}
            Action: sts:AssumeRole
"#;
    let r = run(tpl, &unknown_account());
    assert_eq!(
        triples(&r),
        ["${template.yaml:UserName} -> ${template.yaml:App.RoleName} -> ec2.amazonaws.com yes"]
    );
    assert!(r.diagnostics.iter().all(|d| !d.message.contains("cfn#")));
}

#[test]
fn computed_values_are_named_by_line_and_column() {
    let tpl = "Parameters:\n  Names: {Type: CommaDelimitedList}\nResources:\n  Ops:\n    Type: AWS::IAM::User\n    Properties:\n      UserName: !Select [0, !Ref Names]\n  Dev:\n    Type: AWS::IAM::User\n    Properties:\n      UserName: !Select [1, !GetAZs '']\n";
    let mut sm = SourceMap::default();
    let id = sm.add("stacks/ops.yaml", tpl);
    let parsed = parse_named(id, "stacks/ops.yaml", tpl, &unknown_account());
    let names: Vec<String> = parsed
        .account
        .users
        .iter()
        .map(|u| u.name.to_string())
        .collect();
    // An item of a list parameter is named by it; `!GetAZs` is at line 11, column 29.
    assert_eq!(
        names,
        [
            "${stacks/ops.yaml:Names[0]}",
            "${stacks/ops.yaml:Fn::GetAZs@11:29[1]}"
        ]
    );
}

#[test]
fn items_of_an_unknown_list_parameter_keep_its_type() {
    // `List<Number>`: each item is a number, so no role ARN; `CommaDelimitedList` items are
    // free text and may be.
    for (ty, uses) in [("List<Number>", 0), ("CommaDelimitedList", 1)] {
        let tpl = FUNCTION
            .replace("Type: TYPE", &format!("Type: {ty}"))
            .replace("Role: !Ref RoleParam", "Role: !Select [0, !Ref RoleParam]");
        let r = run(&tpl, &unknown_account());
        assert_eq!(r.rows.len(), 1, "{ty}");
        assert_eq!(r.rows[0].5, uses, "{ty}");
    }
}
