use passgraph_model::{
    ActionSpec, AttachedPolicy, Code, Effect, FileId, Level, Parsed, PrincipalTarget, ResourceSpec,
    RoleTarget, SourceMap, Str,
};

use super::{Options, looks_like_template, parse};

fn parse_text(text: &str) -> (SourceMap, Parsed) {
    parse_with(text, &Options::default())
}

fn parse_with(text: &str, options: &Options) -> (SourceMap, Parsed) {
    let mut sm = SourceMap::default();
    let id = sm.add("template.yaml", text);
    let parsed = parse(id, text, options);
    (sm, parsed)
}

fn codes(p: &Parsed) -> Vec<Code> {
    p.diagnostics.iter().map(|d| d.code).collect()
}

fn strs(v: &[Str]) -> Vec<String> {
    v.iter().map(ToString::to_string).collect()
}

fn resources(spec: &ResourceSpec) -> Vec<String> {
    match spec {
        ResourceSpec::Resource(v) | ResourceSpec::NotResource(v) => strs(v),
        ResourceSpec::Absent => Vec::new(),
    }
}

fn actions(spec: &ActionSpec) -> Vec<String> {
    match spec {
        ActionSpec::Action(v) | ActionSpec::NotAction(v) => strs(v),
    }
}

// ---- detection ----

#[test]
fn detection_is_by_content() {
    assert!(looks_like_template(
        "AWSTemplateFormatVersion: '2010-09-09'\n"
    ));
    assert!(looks_like_template(
        "Resources:\n  R:\n    Type: AWS::S3::Bucket\n"
    ));
    assert!(looks_like_template(
        r#"{"Resources": {"R": {"Type": "AWS::IAM::Role"}}}"#
    ));
    assert!(looks_like_template(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n"
    ));
    assert!(looks_like_template(
        "Resources:\n  R:\n    Type: Custom::Thing\n"
    ));
    assert!(!looks_like_template(""));
    assert!(!looks_like_template(
        r#"{"format_version": "1.2", "resource_changes": []}"#
    ));
    assert!(!looks_like_template(
        r#"{"UserDetailList": [], "RoleDetailList": []}"#
    ));
    assert!(!looks_like_template(
        "resource \"aws_iam_role\" \"x\" {\n  name = \"Resources\"\n}\n"
    ));
    assert!(!looks_like_template("Resources:\n  - a\n"));
    assert!(!looks_like_template(
        "Resources:\n  R:\n    Type: Something::Else\n"
    ));
    // Broken templates are templates: parsing says where they break.
    assert!(looks_like_template("Resources: [unclosed\n"));
    assert!(looks_like_template(
        "{\"AWSTemplateFormatVersion\": \"2010-09-09\",, }"
    ));
    assert!(!looks_like_template(
        "Some: [unclosed\nwith the word Resources\n"
    ));
}

#[test]
fn not_a_template_and_empty_files_are_diagnosed() {
    let (_, p) = parse_text("name: my-app\nversion: 2\n");
    assert_eq!(codes(&p), [Code::NotAnInput]);
    let (_, p) = parse_text("");
    assert_eq!(codes(&p), [Code::NotAnInput]);
    let (_, p) = parse_text("[1, 2]");
    assert_eq!(codes(&p), [Code::NotAnInput]);
}

#[test]
fn syntax_errors_have_a_position() {
    let (sm, p) =
        parse_text("{\n  \"Resources\": {\n    \"R\": {\"Type\" \"AWS::IAM::Role\"}\n  }\n}\n");
    assert_eq!(codes(&p), [Code::Syntax]);
    let d = &p.diagnostics[0];
    assert_eq!(d.level, Level::Error);
    let l = sm.locate(d.origin.as_ref().unwrap_or_else(|| panic!("origin")));
    assert_eq!((l.line, l.column), (3, 18), "{}", d.message);
    let (sm, p) = parse_text("Resources:\n  R:\n    Type: AWS::IAM::Role\n   Bad: [\n");
    assert_eq!(codes(&p), [Code::Syntax]);
    assert_eq!(
        sm.locate(
            p.diagnostics[0]
                .origin
                .as_ref()
                .unwrap_or_else(|| panic!("origin"))
        )
        .line,
        4
    );
}

#[test]
fn deep_json_is_a_limit() {
    let text = format!(
        "{{\"Resources\": {}{}}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let (_, p) = parse_text(&text);
    assert_eq!(codes(&p), [Code::Limit]);
}

#[test]
fn json_that_yaml_reads_is_accepted() {
    // A trailing comma is not JSON, but YAML's flow syntax accepts it, as CloudFormation does.
    let (_, p) = parse_text(
        "{\"Resources\": {\"R\": {\"Type\": \"AWS::IAM::Group\", \"Properties\": {\"GroupName\": \"g\"}},}}",
    );
    assert_eq!(codes(&p), []);
    assert_eq!(p.account.groups.len(), 1);
}

// ---- IAM resources ----

const IAM: &str = r#"
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Stage:
    Type: String
Conditions:
  Prod: !Equals [!Ref Stage, prod]
Resources:
  Admin:
    Type: AWS::IAM::Role
    Properties:
      RoleName: admin
      Path: /ops/
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/AdministratorAccess
        - !Ref Deploy
        - !If [Prod, arn:aws:iam::aws:policy/ReadOnlyAccess, !Ref AWS::NoValue]
      PermissionsBoundary: !Ref Boundary
      Tags:
        - Key: team
          Value: ops
  Deploy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      Path: /
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: iam:PassRole
            Resource: !GetAtt Admin.Arn
      Users: [!Ref Dev]
  Boundary:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      ManagedPolicyName: boundary
      PolicyDocument:
        Statement:
          - {Effect: Allow, Action: "*", Resource: "*"}
  Dev:
    Type: AWS::IAM::User
    Properties:
      UserName: dev
      Groups: [!Ref Devs, !If [Prod, ProdOps, !Ref AWS::NoValue]]
      Policies:
        - PolicyName: inline
          PolicyDocument:
            Statement:
              Effect: Deny
              NotAction: s3:*
              NotResource: arn:aws:s3:::b/*
  Devs:
    Type: AWS::IAM::Group
    Properties:
      GroupName: devs
  Shared:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: shared
      PolicyDocument:
        Statement:
          - {Effect: Allow, Action: ec2:RunInstances, Resource: "*"}
      Roles: [!Ref Admin]
      Groups: [!Ref Devs]
  RolePol:
    Type: AWS::IAM::RolePolicy
    Properties:
      RoleName: !Ref Admin
      PolicyName: rp
      PolicyDocument: {Statement: [{Effect: Allow, Action: "s3:*", Resource: "*"}]}
  UserPol:
    Type: AWS::IAM::UserPolicy
    Properties:
      UserName: !Ref Dev
      PolicyName: up
      PolicyDocument: {Statement: [{Effect: Allow, Action: "sqs:*", Resource: "*"}]}
  GroupPol:
    Type: AWS::IAM::GroupPolicy
    Properties:
      GroupName: !Ref Devs
      PolicyName: gp
      PolicyDocument: {Statement: [{Effect: Allow, Action: "sns:*", Resource: "*"}]}
  Profile:
    Type: AWS::IAM::InstanceProfile
    Condition: Prod
    Properties:
      Path: /ops/
      Roles: [!Ref Admin]
"#;

#[test]
fn iam_resources_become_entities_and_relations() {
    let (sm, p) = parse_text(IAM);
    let a = &p.account;
    let line = |o: &passgraph_model::Origin| sm.locate(o).line;

    let [admin] = a.roles.as_slice() else {
        panic!("one role: {:?}", a.roles)
    };
    assert_eq!(
        admin.arn.to_string(),
        "arn:${aws:partition}:iam::${aws:account}:role/ops/admin"
    );
    assert_eq!(line(&admin.origin), 9);
    assert_eq!(
        strs(
            &admin
                .attached
                .iter()
                .map(|p| p.arn.clone())
                .collect::<Vec<_>>()
        ),
        [
            "arn:aws:iam::aws:policy/AdministratorAccess",
            "arn:${aws:partition}:iam::${aws:account}:policy/${cfn#0:Deploy.ManagedPolicyName}",
        ]
    );
    assert_eq!(
        admin
            .boundary
            .as_ref()
            .map(|b| b.arn.to_string())
            .as_deref(),
        Some("arn:${aws:partition}:iam::${aws:account}:policy/boundary")
    );
    assert_eq!(
        admin
            .tags
            .iter()
            .map(|t| (t.key.to_string(), t.value.to_string()))
            .collect::<Vec<_>>(),
        [("team".to_owned(), "ops".to_owned())]
    );
    let trust = &admin.trust.statements[0];
    let principals: Vec<String> = trust
        .principals
        .iter()
        .flat_map(|p| p.entries.iter().map(|(_, s)| s.to_string()))
        .collect();
    assert_eq!(
        principals,
        ["arn:${aws:partition}:iam::${aws:account}:root"]
    );

    let [deploy, boundary] = a.policies.as_slice() else {
        panic!("two policies")
    };
    assert_eq!(deploy.name.to_string(), "${cfn#0:Deploy.ManagedPolicyName}");
    assert_eq!(
        resources(&deploy.document.statements[0].resources),
        ["arn:${aws:partition}:iam::${aws:account}:role/ops/admin"]
    );
    assert_eq!(line(&deploy.document.statements[0].origin), 34);
    assert_eq!(boundary.name.to_string(), "boundary");

    let [dev] = a.users.as_slice() else {
        panic!("one user")
    };
    assert_eq!(strs(&dev.groups), ["devs"]);
    let st = &dev.inline[0].document.statements[0];
    assert_eq!(st.effect, Effect::Deny);
    assert!(matches!(st.actions, ActionSpec::NotAction(_)));
    assert!(matches!(st.resources, ResourceSpec::NotResource(_)));

    let [devs] = a.groups.as_slice() else {
        panic!("one group")
    };
    assert_eq!(devs.name.to_string(), "devs");

    // The conditional parts are uncertain relations; everything else is certain.
    let rel: Vec<(String, String, bool)> = a
        .attachments
        .iter()
        .map(|at| {
            let target = match &at.target {
                PrincipalTarget::User(s) => format!("user {s}"),
                PrincipalTarget::Group(s) => format!("group {s}"),
                PrincipalTarget::Role(s) => format!("role {s}"),
            };
            let policy = match &at.policy {
                AttachedPolicy::Managed(p) => format!("managed {}", p.arn),
                AttachedPolicy::Boundary(p) => format!("boundary {}", p.arn),
                AttachedPolicy::Inline(p) => format!("inline {}", p.name),
            };
            (target, policy, at.uncertain)
        })
        .collect();
    let expected = [
        ("role admin", "managed arn:aws:iam::aws:policy/ReadOnlyAccess", true),
        ("user dev", "managed arn:${aws:partition}:iam::${aws:account}:policy/${cfn#0:Deploy.ManagedPolicyName}", false),
        ("role admin", "inline shared", false),
        ("group devs", "inline shared", false),
        ("role admin", "inline rp", false),
        ("user dev", "inline up", false),
        ("group devs", "inline gp", false),
    ]
    .map(|(t, p, u)| (t.to_owned(), p.to_owned(), u));
    assert_eq!(rel, expected);
    let [m] = a.memberships.as_slice() else {
        panic!("one conditional membership")
    };
    assert_eq!(
        (m.user.to_string(), m.group.to_string(), m.uncertain),
        ("dev".to_owned(), "ProdOps".to_owned(), true)
    );

    let [profile] = a.instance_profiles.as_slice() else {
        panic!("one profile")
    };
    assert!(profile.uncertain, "the profile exists only if Prod holds");
    assert_eq!(
        profile.arn.to_string(),
        "arn:${aws:partition}:iam::${aws:account}:instance-profile/ops/${cfn#0:Profile.InstanceProfileName}"
    );
    assert_eq!(strs(&profile.roles), ["admin"]);
}

#[test]
fn conditions_decide_what_exists() {
    let options = Options {
        parameters: vec![("Stage".into(), "dev".into())],
        ..Options::default()
    };
    let (_, p) = parse_with(IAM, &options);
    assert!(
        p.account.instance_profiles.is_empty(),
        "Prod is false: the profile is not created"
    );
    assert!(p.account.attachments.iter().all(|a| !a.uncertain));
    assert!(p.account.memberships.is_empty());
    let options = Options {
        parameters: vec![("Stage".into(), "prod".into())],
        account_id: Some("123456789012".into()),
        ..Options::default()
    };
    let (_, p) = parse_with(IAM, &options);
    assert!(!p.account.instance_profiles[0].uncertain);
    assert_eq!(strs(&p.account.users[0].groups), ["devs", "ProdOps"]);
    assert_eq!(p.account.account_id.as_deref(), Some("123456789012"));
    assert_eq!(
        p.account.roles[0].arn.to_string(),
        "arn:${aws:partition}:iam::123456789012:role/ops/admin"
    );
}

#[test]
fn undecided_statements_are_uncertain() {
    let text = r#"
Parameters:
  P: {Type: String}
Conditions:
  C: !Equals [!Ref P, x]
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      RoleName: r
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: ec2.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - !If
                - C
                - {Effect: Allow, Action: iam:PassRole, Resource: "*"}
                - !Ref AWS::NoValue
              - Effect: Allow
                Action: !If [C, "s3:*", "sqs:*"]
                Resource: "*"
"#;
    let (_, p) = parse_text(text);
    let st = &p.account.roles[0].inline[0].document.statements;
    assert_eq!(st.len(), 2);
    assert!(st[0].uncertain && st[1].uncertain);
    assert_eq!(actions(&st[0].actions), ["iam:PassRole"]);
    assert_eq!(actions(&st[1].actions), ["s3:*", "sqs:*"]);
}

// ---- names that depend on a condition ----

/// Every IAM name property written `!If [UseName, name, !Ref AWS::NoValue]` (or the reverse):
/// the name given, or none and CloudFormation generates one.
const MAYBE_NAMED: &str = r#"
Parameters:
  Named:
    Type: String
Conditions:
  UseName: !Equals [!Ref Named, "yes"]
Resources:
  App:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !If [UseName, app, !Ref AWS::NoValue]
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]
      Policies:
        - PolicyName: p
          PolicyDocument: {Statement: [{Effect: Allow, Action: "s3:*", Resource: "*"}]}
      ManagedPolicyArns:
        - !If [UseName, arn:aws:iam::aws:policy/ReadOnlyAccess, !Ref AWS::NoValue]
  Ops:
    Type: AWS::IAM::User
    Properties:
      UserName: !If [UseName, !Ref AWS::NoValue, ops]
      Groups: [!Ref Devs]
  Devs:
    Type: AWS::IAM::Group
    Properties:
      GroupName: !If [UseName, devs, !Ref AWS::NoValue]
  Pol:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      ManagedPolicyName: !If [UseName, pol, !Ref AWS::NoValue]
      PolicyDocument: {Statement: [{Effect: Allow, Action: iam:PassRole, Resource: !GetAtt App.Arn}]}
      Users: [!Ref Ops]
  Profile:
    Type: AWS::IAM::InstanceProfile
    Properties:
      InstanceProfileName: !If [UseName, profile, !Ref AWS::NoValue]
      Roles: [!Ref App]
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt App.Arn
"#;

fn named(answer: &str) -> Options {
    Options {
        parameters: vec![("Named".into(), answer.into())],
        ..Options::default()
    }
}

fn role_names(p: &Parsed) -> Vec<(String, bool)> {
    p.account
        .roles
        .iter()
        .map(|r| (r.name.to_string(), r.uncertain))
        .collect()
}

#[test]
fn a_name_given_under_a_true_condition_is_the_name() {
    let decided = |p: &Parsed| {
        let a = &p.account;
        assert_eq!(role_names(p), [("app".to_owned(), false)]);
        assert_eq!(
            a.roles[0].arn.to_string(),
            "arn:${aws:partition}:iam::${aws:account}:role/app"
        );
        assert_eq!(
            strs(
                &a.roles[0]
                    .attached
                    .iter()
                    .map(|x| x.arn.clone())
                    .collect::<Vec<_>>()
            ),
            ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
        );
        // The user's name is generated: UserName is AWS::NoValue.
        let [ops] = a.users.as_slice() else {
            panic!("one user: {:?}", a.users)
        };
        assert_eq!(ops.name.to_string(), "${cfn#0:Ops.UserName}");
        assert!(!ops.uncertain);
        assert_eq!(strs(&ops.groups), ["devs"]);
        assert_eq!(a.groups.len(), 1);
        assert_eq!(a.policies.len(), 1);
        assert_eq!(a.policies[0].name.to_string(), "pol");
        assert_eq!(a.instance_profiles.len(), 1);
        assert_eq!(strs(&a.instance_profiles[0].roles), ["app"]);
        let [lambda] = a.role_uses.as_slice() else {
            panic!("one role use: {:?}", a.role_uses)
        };
        assert!(!lambda.uncertain);
        assert!(a.attachments.iter().all(|x| !x.uncertain));
        assert!(a.memberships.is_empty());
        assert!(p.diagnostics.iter().any(|d| d.code == Code::UnknownValue
            && d.message
                == "user Ops has no UserName; CloudFormation generates the name at deploy"));
    };
    // By --parameter, and by the parameter's default.
    let (_, p) = parse_with(MAYBE_NAMED, &named("yes"));
    decided(&p);
    let with_default = MAYBE_NAMED.replace(
        "  Named:\n    Type: String\n",
        "  Named:\n    Type: String\n    Default: \"yes\"\n",
    );
    let (_, p) = parse_text(&with_default);
    decided(&p);
}

#[test]
fn no_name_under_a_false_condition_is_a_generated_name() {
    let (sm, p) = parse_with(MAYBE_NAMED, &named("no"));
    let a = &p.account;
    assert_eq!(
        role_names(&p),
        [("${cfn#0:App.RoleName}".to_owned(), false)]
    );
    assert_eq!(
        a.roles[0].arn.to_string(),
        "arn:${aws:partition}:iam::${aws:account}:role/${cfn#0:App.RoleName}"
    );
    assert!(a.roles[0].attached.is_empty());
    assert_eq!(a.users[0].name.to_string(), "ops");
    assert_eq!(
        strs(&a.users[0].groups),
        ["${cfn#0:Devs.GroupName}"],
        "Ref of a group with a generated name is that name"
    );
    assert_eq!(
        a.policies[0].arn.to_string(),
        "arn:${aws:partition}:iam::${aws:account}:policy/${cfn#0:Pol.ManagedPolicyName}"
    );
    assert_eq!(
        a.instance_profiles[0].name.to_string(),
        "${cfn#0:Profile.InstanceProfileName}"
    );
    assert_eq!(
        strs(&a.instance_profiles[0].roles),
        ["${cfn#0:App.RoleName}"]
    );
    assert!(matches!(
        &a.role_uses[..],
        [u] if !u.uncertain
            && u.target == RoleTarget::Role(a.roles[0].arn.clone())
    ));
    // The note is where the resource is defined, as for a role without RoleName.
    let note = p
        .diagnostics
        .iter()
        .find(|d| {
            d.message == "role App has no RoleName; CloudFormation generates the name at deploy"
        })
        .expect("a note on the generated name");
    assert_eq!(note.level, Level::Note);
    assert_eq!(sm.locate(note.origin.as_ref().expect("an origin")).line, 8);
}

#[test]
fn a_name_under_an_undecidable_condition_is_either_name() {
    let (sm, p) = parse_text(MAYBE_NAMED);
    let a = &p.account;
    let line = |o: &passgraph_model::Origin| sm.locate(o).line;
    // One entity per name it may have, each existing only possibly, both where the resource is.
    assert_eq!(
        role_names(&p),
        [
            ("app".to_owned(), true),
            ("${cfn#0:App.RoleName}".to_owned(), true)
        ]
    );
    for r in &a.roles {
        assert_eq!(line(&r.origin), 8);
        assert_eq!(r.inline.len(), 1, "both have the role's own policies");
        assert_eq!(line(&r.inline[0].document.statements[0].origin), 16);
        assert!(r.attached.is_empty());
    }
    let users: Vec<(String, bool)> = a
        .users
        .iter()
        .map(|u| (u.name.to_string(), u.uncertain))
        .collect();
    assert_eq!(
        users,
        [
            ("${cfn#0:Ops.UserName}".to_owned(), true),
            ("ops".to_owned(), true)
        ]
    );
    assert_eq!(
        strs(&a.groups.iter().map(|g| g.name.clone()).collect::<Vec<_>>()),
        ["devs", "${cfn#0:Devs.GroupName}"]
    );
    assert!(a.groups.iter().all(|g| g.uncertain));
    assert!(a.users.iter().all(|u| u.groups.is_empty()));
    // Ops in Devs: each name of one in each name of the other, possibly.
    let memberships: Vec<(String, String)> = a
        .memberships
        .iter()
        .map(|m| (m.user.to_string(), m.group.to_string()))
        .collect();
    assert_eq!(
        memberships,
        [
            ("${cfn#0:Ops.UserName}".to_owned(), "devs".to_owned()),
            ("ops".to_owned(), "devs".to_owned()),
            (
                "${cfn#0:Ops.UserName}".to_owned(),
                "${cfn#0:Devs.GroupName}".to_owned()
            ),
            ("ops".to_owned(), "${cfn#0:Devs.GroupName}".to_owned()),
        ]
    );
    assert!(a.memberships.iter().all(|m| m.uncertain));
    // A conditional part of the role is attached to each of its names.
    let readonly: Vec<&PrincipalTarget> = a
        .attachments
        .iter()
        .filter(|x| matches!(&x.policy, AttachedPolicy::Managed(r) if r.arn.to_string().ends_with("ReadOnlyAccess")))
        .map(|x| &x.target)
        .collect();
    assert_eq!(
        readonly,
        [
            &PrincipalTarget::Role(Str::lit("app")),
            &PrincipalTarget::Role(Str::hole("cfn#0:App.RoleName")),
        ]
    );
    // The managed policy: two ARNs, each attached to each name of the user; its statement
    // names both ARNs of the role (GetAtt), so it is uncertain.
    let policy_arns = strs(&a.policies.iter().map(|x| x.arn.clone()).collect::<Vec<_>>());
    assert_eq!(
        policy_arns,
        [
            "arn:${aws:partition}:iam::${aws:account}:policy/pol",
            "arn:${aws:partition}:iam::${aws:account}:policy/${cfn#0:Pol.ManagedPolicyName}",
        ]
    );
    assert!(a.policies.iter().all(|x| x.uncertain));
    let st = &a.policies[0].document.statements[0];
    assert!(st.uncertain);
    assert_eq!(
        resources(&st.resources),
        [
            "arn:${aws:partition}:iam::${aws:account}:role/app",
            "arn:${aws:partition}:iam::${aws:account}:role/${cfn#0:App.RoleName}",
        ]
    );
    let user_attachments = a
        .attachments
        .iter()
        .filter(|x| matches!(x.target, PrincipalTarget::User(_)))
        .count();
    assert_eq!(user_attachments, 4);
    assert!(a.attachments.iter().all(|x| x.uncertain));
    // Ref and GetAtt of the role give both names: the profile holds either, Lambda gets either.
    assert_eq!(a.instance_profiles.len(), 2);
    for ip in &a.instance_profiles {
        assert!(ip.uncertain);
        assert_eq!(strs(&ip.roles), ["app", "${cfn#0:App.RoleName}"]);
    }
    let uses: Vec<(String, bool)> = a
        .role_uses
        .iter()
        .map(|u| match &u.target {
            RoleTarget::Role(s) | RoleTarget::InstanceProfile(s) => (s.to_string(), u.uncertain),
        })
        .collect();
    assert_eq!(
        uses,
        [
            (
                "arn:${aws:partition}:iam::${aws:account}:role/app".to_owned(),
                true
            ),
            (
                "arn:${aws:partition}:iam::${aws:account}:role/${cfn#0:App.RoleName}".to_owned(),
                true
            ),
        ]
    );
    // One note per entity, at its name property.
    let notes: Vec<(u32, &str)> = p
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("CloudFormation generates at deploy"))
        .map(|d| {
            (
                line(d.origin.as_ref().expect("an origin")),
                d.message.as_str(),
            )
        })
        .collect();
    assert_eq!(notes.len(), 5, "{notes:?}");
    assert_eq!(
        notes[0],
        (
            11,
            "the RoleName of role App depends on a condition: it is the name given or one CloudFormation generates at deploy; each is kept, existing only possibly"
        )
    );
    // Nothing else to warn about but the parameter without a value.
    assert!(
        p.diagnostics.iter().all(|d| d.level != Level::Warning
            || d.message.starts_with("parameter Named has no default")),
        "{:?}",
        p.diagnostics
    );
}

#[test]
fn nested_conditions_in_names_and_conditional_paths() {
    let text = r#"
Parameters:
  P: {Type: String}
  Q: {Type: String}
Conditions:
  A: !Equals [!Ref P, x]
  B: !Equals [!Ref Q, x]
Resources:
  Inner:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !If [A, !If [B, a, b], !Ref AWS::NoValue]
      AssumeRolePolicyDocument: {Statement: []}
  Outer:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !If [A, c, !If [B, d, !Ref AWS::NoValue]]
      AssumeRolePolicyDocument: {Statement: []}
  Two:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !If [A, e, f]
      AssumeRolePolicyDocument: {Statement: []}
  Same:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !If [A, g, g]
      AssumeRolePolicyDocument: {Statement: []}
  Placed:
    Type: AWS::IAM::Role
    Properties:
      RoleName: h
      Path: !If [A, /x/, !Ref AWS::NoValue]
      AssumeRolePolicyDocument: {Statement: []}
"#;
    let (_, p) = parse_text(text);
    let names: Vec<(String, bool)> = role_names(&p);
    let want = [
        ("a", true),
        ("b", true),
        ("${cfn#0:Inner.RoleName}", true),
        ("c", true),
        ("d", true),
        ("${cfn#0:Outer.RoleName}", true),
        ("e", true),
        ("f", true),
        ("g", false),
        ("h", false),
    ];
    assert_eq!(
        names,
        want.map(|(n, u)| (n.to_owned(), u)),
        "a name that may be absent keeps its generated alternative at any depth"
    );
    // A path that may be absent is `/` or the one given: kept as unknown (in the ARN, the hole
    // follows the `/` after the kind, as for every unknown path).
    let placed = p.account.roles.last().expect("Placed");
    assert_eq!(placed.path.to_string(), "${cfn#0:Placed.Path}");
    assert_eq!(
        placed.arn.to_string(),
        "arn:${aws:partition}:iam::${aws:account}:role/${cfn#0:Placed.Path}h"
    );
    assert!(p.diagnostics.iter().any(|d| d.code == Code::UnknownValue
        && d.message == "the path of Placed depends on a condition; it is kept as unknown"));
    assert!(p.diagnostics.iter().any(|d| d.level == Level::Note
        && d.message
            == "the RoleName of role Two depends on a condition; each name it may have is kept, existing only possibly"));
    assert!(
        !p.diagnostics
            .iter()
            .any(|d| d.message.contains("RoleName of role Same")),
        "a condition that does not matter leaves no trace"
    );
    // Decided, each takes one branch.
    let options = Options {
        parameters: vec![("P".into(), "x".into()), ("Q".into(), "y".into())],
        ..Options::default()
    };
    let (_, p) = parse_with(text, &options);
    let names: Vec<String> = role_names(&p)
        .into_iter()
        .map(|(n, u)| {
            assert!(!u);
            n
        })
        .collect();
    assert_eq!(names, ["b", "c", "e", "g", "h"]);
    assert_eq!(p.account.roles[4].path.to_string(), "/x/");
}

#[test]
fn generated_names_are_holes_per_file() {
    let text = "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: {Statement: []}\n";
    let one = parse(FileId(0), text, &Options::default());
    let two = parse(FileId(1), text, &Options::default());
    assert_eq!(one.account.roles[0].name, Str::hole("cfn#0:R.RoleName"));
    assert_eq!(
        two.account.roles[0].name,
        Str::hole("cfn#1:R.RoleName"),
        "two stacks, two roles"
    );
    assert_eq!(
        one.account.roles[0].arn.to_string(),
        "arn:${aws:partition}:iam::${aws:account}:role/${cfn#0:R.RoleName}"
    );
    assert!(
        one.diagnostics
            .iter()
            .any(|d| d.code == Code::UnknownValue && d.message.contains("has no RoleName"))
    );
}

#[test]
fn policy_documents_as_json_strings() {
    let text = r#"
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      RoleName: r
      AssumeRolePolicyDocument: '{"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}'
      Policies:
        - PolicyName: sub
          PolicyDocument: !Sub |
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole",
              "Resource": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/app-*"}]}
        - PolicyName: broken
          PolicyDocument: !Sub '{"Statement": ${AWS::AccountId}}'
        - PolicyName: not-json
          PolicyDocument: "Statement: nope"
"#;
    let (_, p) = parse_text(text);
    let role = &p.account.roles[0];
    assert_eq!(role.trust.statements.len(), 1);
    let sub = &role.inline[0].document;
    assert_eq!(
        resources(&sub.statements[0].resources),
        ["arn:${aws:partition}:iam::${aws:account}:role/app-*"]
    );
    assert!(
        role.inline[1].document.unknown.is_some(),
        "holes where JSON needs a value: unknown"
    );
    assert!(role.inline[2].document.unknown.is_some());
    assert!(codes(&p).contains(&Code::UnknownPolicy));
    assert!(codes(&p).contains(&Code::PolicyGrammar));
}

/// A key written twice where passgraph reads (an IAM resource, a condition, an export) is a
/// warning; where nothing it reads is (an SNS tag option, an output that is not exported, the
/// template's metadata), a note: it can change no finding (aws-cloudformation-templates'
/// Portfolio.yaml warned six times about a Service Catalog tag option).
#[test]
fn duplicate_keys_warn_only_where_they_can_change_a_finding() {
    let text = r#"
Metadata:
  Doc: {a: 1, a: 2}
Conditions:
  C: {"Fn::Equals": [a, b], "Fn::Equals": [a, a]}
Resources:
  Tag:
    Type: AWS::ServiceCatalog::TagOption
    Properties: {Key: a, Value: b, Key: c}
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: [], Statement: []}
Outputs:
  Plain:
    Value: {Ref: R}
    Value: x
  Shared:
    Value: {Ref: R}
    Value: y
    Export: {Name: n, Name: m}
"#;
    let (sm, p) = parse_text(text);
    let mut got: Vec<(Level, u32)> = p
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::Duplicate)
        .map(|d| {
            let l = sm.locate(d.origin.as_ref().expect("a position"));
            (d.level, l.line)
        })
        .collect();
    got.sort_by_key(|x| x.1);
    assert_eq!(
        got,
        [
            (Level::Note, 3),
            (Level::Warning, 5),
            (Level::Note, 9),
            (Level::Warning, 13),
            (Level::Note, 17),
            (Level::Warning, 20),
            (Level::Warning, 21),
        ]
    );
}

#[test]
fn duplicate_keys_and_logical_ids() {
    let text = "Resources:\n  R:\n    Type: AWS::IAM::Group\n    Properties: {GroupName: first}\n  R:\n    Type: AWS::IAM::Group\n    Properties: {GroupName: second}\n";
    let (sm, p) = parse_text(text);
    assert_eq!(codes(&p), [Code::Duplicate]);
    assert_eq!(
        sm.locate(
            p.diagnostics[0]
                .origin
                .as_ref()
                .unwrap_or_else(|| panic!("origin"))
        )
        .line,
        5
    );
    assert_eq!(
        p.account
            .groups
            .iter()
            .map(|g| g.name.to_string())
            .collect::<Vec<_>>(),
        ["second"]
    );
}

#[test]
fn unknown_values_never_become_empty_or_wildcards() {
    let text = r#"
Parameters:
  RoleArn: {Type: String}
  Names: {Type: CommaDelimitedList}
Resources:
  User:
    Type: AWS::IAM::User
    Properties:
      UserName: u
      ManagedPolicyArns: !Ref Names
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: iam:PassRole
                Resource: [!Ref RoleArn, !GetAtt Bucket.Arn]
  Bucket:
    Type: AWS::S3::Bucket
"#;
    let (_, p) = parse_text(text);
    let u = &p.account.users[0];
    assert_eq!(
        resources(&u.inline[0].document.statements[0].resources),
        ["${cfn#0:RoleArn}", "${cfn#0:Bucket.Arn}"]
    );
    assert_eq!(
        strs(&u.attached.iter().map(|p| p.arn.clone()).collect::<Vec<_>>()),
        ["${cfn#0:Names}"],
        "an unknown list of policies is one unknown policy"
    );
    assert!(
        p.diagnostics
            .iter()
            .filter(|d| d.code == Code::UnknownValue)
            .count()
            >= 3
    );
}

// ---- SAM ----

const SAM: &str = r#"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
    PermissionsBoundary: arn:aws:iam::111122223333:policy/boundary
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Tracing: Active
      Policies:
        - AmazonS3ReadOnlyAccess
        - AWSLambdaVPCAccessExecutionRole
        - arn:aws:iam::aws:policy/AmazonSQSFullAccess
        - S3ReadPolicy:
            BucketName: !Ref Bucket
        - Statement:
            - Effect: Allow
              Action: iam:PassRole
              Resource: !GetAtt Worker.Arn
        - SomeFuturePolicy: {}
  Given:
    Type: AWS::Serverless::Function
    Properties:
      Role: !GetAtt Worker.Arn
      Policies: [AmazonS3ReadOnlyAccess]
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Policies: [LambdaInvokePolicy: {FunctionName: !Ref Api}]
  Worker:
    Type: AWS::IAM::Role
    Properties:
      RoleName: worker
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]
  Bucket:
    Type: AWS::S3::Bucket
Outputs:
  RoleArn:
    Value: !GetAtt ApiRole.Arn
"#;

#[test]
fn sam_functions_get_the_role_sam_generates() {
    let options = Options {
        partition: Some("aws".into()),
        ..Options::default()
    };
    let (sm, p) = parse_with(SAM, &options);
    let a = &p.account;
    let names: Vec<String> = a.roles.iter().map(|r| r.name.to_string()).collect();
    assert_eq!(
        names,
        [
            "worker",
            "${cfn#0:ApiRole.RoleName}",
            "${cfn#0:FlowRole.RoleName}"
        ]
    );
    let api = &a.roles[1];
    assert_eq!(
        sm.locate(&api.origin).line,
        8,
        "the generated role points at its function"
    );
    let trust = &api.trust.statements[0];
    assert_eq!(
        trust
            .principals
            .as_ref()
            .map(|p| strs(&p.entries.iter().map(|(_, s)| s.clone()).collect::<Vec<_>>())),
        Some(vec!["lambda.amazonaws.com".to_owned()])
    );
    assert_eq!(
        strs(
            &api.attached
                .iter()
                .map(|p| p.arn.clone())
                .collect::<Vec<_>>()
        ),
        [
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
            "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
            "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
            "arn:aws:iam::aws:policy/AmazonSQSFullAccess",
        ]
    );
    assert_eq!(
        api.boundary.as_ref().map(|b| b.arn.to_string()).as_deref(),
        Some("arn:aws:iam::111122223333:policy/boundary"),
        "from Globals"
    );
    let inline: Vec<String> = api.inline.iter().map(|p| p.name.to_string()).collect();
    assert_eq!(
        inline,
        ["ApiRolePolicy3", "ApiRolePolicy4", "ApiRolePolicy5"]
    );
    assert_eq!(
        resources(&api.inline[0].document.statements[0].resources),
        [
            "arn:aws:s3:::${cfn#0:Bucket}",
            "arn:aws:s3:::${cfn#0:Bucket}/*"
        ]
    );
    assert_eq!(
        resources(&api.inline[1].document.statements[0].resources),
        ["arn:aws:iam::${aws:account}:role/worker"]
    );
    assert!(
        api.inline[2].document.unknown.is_some(),
        "an unknown SAM policy template"
    );
    assert!(
        p.diagnostics
            .iter()
            .any(|d| d.code == Code::UnknownPolicy && d.message.contains("SomeFuturePolicy"))
    );

    let flow = &a.roles[2];
    assert_eq!(
        flow.trust.statements[0]
            .principals
            .as_ref()
            .map(|p| p.entries[0].1.to_string())
            .as_deref(),
        Some("states.amazonaws.com")
    );
    assert!(flow.attached.is_empty());
    assert_eq!(
        resources(&flow.inline[0].document.statements[0].resources),
        ["arn:aws:lambda:${aws:region}:${aws:account}:function:${cfn#0:Api}*"]
    );

    let uses: Vec<(String, String, RoleTarget)> = a
        .role_uses
        .iter()
        .map(|u| (u.resource.clone(), u.service.clone(), u.target.clone()))
        .collect();
    let expected = [
        (
            "Given".to_owned(),
            "lambda.amazonaws.com".to_owned(),
            RoleTarget::Role(a.roles[0].arn.clone()),
        ),
        (
            "Api".to_owned(),
            "lambda.amazonaws.com".to_owned(),
            RoleTarget::Role(api.arn.clone()),
        ),
        (
            "Flow".to_owned(),
            "states.amazonaws.com".to_owned(),
            RoleTarget::Role(flow.arn.clone()),
        ),
    ];
    assert_eq!(uses, expected);
    assert!(p.diagnostics.iter().any(|d| {
        d.level == Level::Note
            && d.message
                .contains("Given sets Role, so SAM ignores its Policies")
    }));
}

// ---- robustness ----

/// Every origin a parse produces lies inside the text, on character boundaries.
fn origins_are_inside(text: &str, p: &Parsed) {
    let check = |o: &passgraph_model::Origin| {
        let (s, e) = (o.range.start as usize, o.range.end as usize);
        assert!(
            s <= e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e),
            "{o:?} in {text:?}"
        );
    };
    p.diagnostics
        .iter()
        .filter_map(|d| d.origin.as_ref())
        .for_each(check);
    let a = &p.account;
    a.roles.iter().for_each(|r| {
        check(&r.origin);
        r.trust.statements.iter().for_each(|s| check(&s.origin));
        r.inline
            .iter()
            .flat_map(|p| &p.document.statements)
            .for_each(|s| check(&s.origin));
    });
    a.users.iter().for_each(|u| check(&u.origin));
    a.role_uses.iter().for_each(|u| check(&u.origin));
    a.attachments.iter().for_each(|x| check(&x.origin));
}

const SEED: &str = include_str!("../../../testdata/cfn/aws-doc/ec2-pass-role.yaml");

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..proptest::prelude::ProptestConfig::default() })]

    #[test]
    fn arbitrary_yaml_never_panics(text in "(Resources:|AWSTemplateFormatVersion:|Type: AWS::IAM::Role|!Ref |!Sub |!GetAtt |!If |&a |\\*a |<<: |[ \\n\\-:{}\\[\\],'\"#!&*|>a-zé0-9$]){0,120}") {
        let p = parse(FileId(0), &text, &Options::default());
        origins_are_inside(&text, &p);
    }

    #[test]
    fn any_text_never_panics(text in "\\PC{0,200}") {
        let p = parse(FileId(0), &text, &Options::default());
        origins_are_inside(&text, &p);
    }

    #[test]
    fn damaged_templates_never_panic(cut in 0..SEED.len(), insert in "[ \\n\\-:{}\\[\\],'\"#!&*|>é]{0,4}") {
        let mut text: String = SEED.chars().take(cut).collect();
        text.push_str(&insert);
        text.extend(SEED.chars().skip(cut + 1));
        let p = parse(FileId(0), &text, &Options::default());
        origins_are_inside(&text, &p);
    }
}

// ---- one name defined under conditions that together cover every case ----

const COVERED: &str = r#"
Parameters:
  Env: {Type: String}
  Tier: {Type: String}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
  IsGold: !Equals [!Ref Tier, gold]
Resources:
  ProdApp:
    Type: AWS::IAM::Role
    Condition: IsProd
    Properties:
      RoleName: app
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]}
      Policies:
        - PolicyName: shared
          PolicyDocument: {Statement: [{Effect: Allow, Action: "s3:*", Resource: "*"}]}
        - PolicyName: prod-only
          PolicyDocument: {Statement: [{Effect: Allow, Action: "iam:PassRole", Resource: "*"}]}
      ManagedPolicyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess, arn:aws:iam::aws:policy/AdministratorAccess]
  DevApp:
    Type: AWS::IAM::Role
    Condition: NotProd
    Properties:
      RoleName: app
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]}
      Policies:
        - PolicyName: shared
          PolicyDocument: {Statement: [{Effect: Allow, Action: "s3:*", Resource: "*"}]}
      ManagedPolicyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]
  Named:
    Type: AWS::IAM::User
    Properties:
      UserName: !If [IsProd, ops, !Ref AWS::NoValue]
      Groups: [admins]
  OtherNamed:
    Type: AWS::IAM::User
    Condition: NotProd
    Properties:
      UserName: ops
      Groups: [admins, devs]
  GoldApp:
    Type: AWS::IAM::Role
    Condition: IsGold
    Properties:
      RoleName: gold
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]}
  NotGoldApp:
    Type: AWS::IAM::Role
    Condition: IsProd
    Properties:
      RoleName: gold
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]}
  OtherTrust:
    Type: AWS::IAM::Role
    Condition: IsProd
    Properties:
      RoleName: trusting
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]}
  OtherTrust2:
    Type: AWS::IAM::Role
    Condition: NotProd
    Properties:
      RoleName: trusting
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}
"#;

#[test]
fn complementary_definitions_of_one_name_are_one_certain_entity() {
    let (sm, p) = parse_text(COVERED);
    let a = &p.account;
    let line = |o: &passgraph_model::Origin| sm.locate(o).line;
    // `app` always exists; `gold` (IsGold, IsProd: unrelated) and `trusting` (trust policies
    // differ) stay two possible definitions each; the generated user name stays apart.
    assert_eq!(
        role_names(&p),
        [
            ("app".to_owned(), false),
            ("gold".to_owned(), true),
            ("gold".to_owned(), true),
            ("trusting".to_owned(), true),
            ("trusting".to_owned(), true),
        ]
    );
    let app = &a.roles[0];
    assert_eq!(line(&app.origin), 10);
    // `shared` from both definitions, surely; `prod-only` only possibly.
    let inline: Vec<(String, u32, bool)> = app
        .inline
        .iter()
        .map(|i| {
            let s = &i.document.statements[0];
            (i.name.to_string(), line(&s.origin), s.uncertain)
        })
        .collect();
    assert_eq!(
        inline,
        [
            ("shared".to_owned(), 18, false),
            ("shared".to_owned(), 30, false),
            ("prod-only".to_owned(), 20, true),
        ]
    );
    assert_eq!(
        strs(
            &app.attached
                .iter()
                .map(|r| r.arn.clone())
                .collect::<Vec<_>>()
        ),
        ["arn:aws:iam::aws:policy/ReadOnlyAccess"; 2]
    );
    let possible: Vec<(String, String, bool)> = a
        .attachments
        .iter()
        .map(|x| match (&x.target, &x.policy) {
            (PrincipalTarget::Role(r), AttachedPolicy::Managed(m)) => {
                (r.to_string(), m.arn.to_string(), x.uncertain)
            }
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        possible,
        [(
            "app".to_owned(),
            "arn:aws:iam::aws:policy/AdministratorAccess".to_owned(),
            true
        )]
    );
    // `ops`: named under IsProd by `!If`, and by a resource under NotProd.
    let users: Vec<(String, bool, Vec<String>)> = a
        .users
        .iter()
        .map(|u| (u.name.to_string(), u.uncertain, strs(&u.groups)))
        .collect();
    assert_eq!(
        users,
        [
            ("ops".to_owned(), false, vec!["admins".to_owned(); 2]),
            (
                "${cfn#0:Named.UserName}".to_owned(),
                true,
                vec!["admins".to_owned()]
            ),
        ]
    );
    let memberships: Vec<(String, String, bool)> = a
        .memberships
        .iter()
        .map(|m| (m.user.to_string(), m.group.to_string(), m.uncertain))
        .collect();
    assert_eq!(memberships, [("ops".to_owned(), "devs".to_owned(), true)]);
}

#[test]
fn decided_conditions_leave_one_definition() {
    for (env, policies) in [("prod", 2), ("dev", 1)] {
        let options = Options {
            parameters: vec![("Env".into(), env.into())],
            ..Options::default()
        };
        let (_, p) = parse_with(COVERED, &options);
        let app = &p.account.roles[0];
        assert_eq!(
            (app.name.to_string(), app.uncertain),
            ("app".to_owned(), false)
        );
        assert_eq!(app.inline.len(), policies, "{env}");
        assert!(
            app.inline
                .iter()
                .all(|i| !i.document.statements[0].uncertain)
        );
        assert!(p.account.attachments.is_empty(), "{env}");
    }
}

#[test]
fn merging_is_bounded_and_reads_conditions_symbolically() {
    // C<i> is `C<i-1> or not C<i-1>`: always true, though three-valued logic cannot say so;
    // written out, C40 would have 2^40 leaves.
    let mut t =
        String::from("Parameters:\n  P: {Type: String}\nConditions:\n  C0: !Equals [!Ref P, x]\n");
    for i in 1..=40 {
        t += &format!(
            "  C{i}: !Or [!Condition C{j}, !Not [!Condition C{j}]]\n",
            j = i - 1
        );
    }
    t += "Resources:\n";
    let role = |id: &str, cond: &str, name: &str| {
        format!(
            "  {id}:\n    Type: AWS::IAM::Role\n    Condition: {cond}\n    Properties:\n      RoleName: {name}\n      AssumeRolePolicyDocument: {{Statement: []}}\n"
        )
    };
    // Forty-one definitions of `x`: more than are merged.
    for i in 0..=40 {
        t += &role(&format!("X{i}"), &format!("C{i}"), "x");
    }
    // `y` under C0, and under C1, which holds in every case.
    t += &role("Y0", "C0", "y");
    t += &role("Y1", "C1", "y");
    // Bounded work, not a stopwatch: the merge considers at most forty definitions (the
    // 41st stays apart), which the assertions below check.
    let (_, p) = parse_text(&t);
    let names = role_names(&p);
    assert_eq!(names.len(), 42);
    assert!(names[..41].iter().all(|(n, u)| n == "x" && *u));
    assert_eq!(names[41], ("y".to_owned(), false));
}

#[test]
fn resources_unrelated_to_iam_say_nothing() {
    // A subnet and a network ACL under a condition on a parameter without a value: neither can
    // change a finding, so neither the parameter nor the condition is spoken of. The role under
    // the same condition is.
    let text = "Parameters:\n  Cidr:\n    Type: String\nConditions:\n  WithSubnet: !Not [!Equals [!Ref Cidr, \"\"]]\nResources:\n  Subnet:\n    Type: AWS::EC2::Subnet\n    Condition: WithSubnet\n    Properties:\n      CidrBlock: !Ref Cidr\n  Acl:\n    Type: AWS::EC2::NetworkAcl\n    Condition: WithSubnet\n    Properties:\n      VpcId: !Ref Cidr\n";
    let (_, p) = parse_text(text);
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    let with_role = format!(
        "{text}  Role:\n    Type: AWS::IAM::Role\n    Condition: WithSubnet\n    Properties:\n      RoleName: r\n      AssumeRolePolicyDocument: {{Statement: [{{Effect: Allow, Principal: {{Service: ec2.amazonaws.com}}, Action: sts:AssumeRole}}]}}\n"
    );
    let (_, p) = parse_text(&with_role);
    let messages: Vec<&str> = p.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("parameter Cidr has no default")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("condition WithSubnet cannot be decided")),
        "{messages:?}"
    );
}
