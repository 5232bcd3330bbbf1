use passgraph_model::{Code, Diagnostic, FileId, Level, Node, NodeKind, Origin, Tri};

use super::Ctx;
use super::funcs::base64;
use crate::Options;
use crate::template::Template;

/// A resolved value, compactly: strings quoted with holes as `${key}`, `[..]`, `{k: v}`,
/// `choice(a | b)`, `unknown(key)`, and `novalue` for `AWS::NoValue`.
fn show(n: Option<&Node>) -> String {
    let Some(n) = n else {
        return "novalue".to_owned();
    };
    match &n.kind {
        NodeKind::Null => "null".to_owned(),
        NodeKind::Bool(b) => b.to_string(),
        NodeKind::Number(x) => x.clone(),
        NodeKind::String(s) => format!("{:?}", s.to_string()),
        NodeKind::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|i| show(Some(i)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        NodeKind::Object(entries) => {
            format!(
                "{{{}}}",
                entries
                    .iter()
                    .map(|(k, _, v)| format!("{k}: {}", show(Some(v))))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
        NodeKind::Unknown(k) => format!("unknown({k})"),
        NodeKind::Choice(alts) => format!(
            "choice({})",
            alts.iter()
                .map(|i| show(Some(i)))
                .collect::<Vec<_>>()
                .join(" | ")
        ),
    }
}

/// The template that the expressions of these tests are resolved against.
const TEMPLATE: &str = r#"
Parameters:
  Env:
    Type: String
    Default: dev
  Suffix:
    Type: String
  Subnets:
    Type: CommaDelimitedList
    Default: "subnet-a, subnet-b"
  Zones:
    Type: List<AWS::EC2::AvailabilityZone::Name>
  Ami:
    Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>
    Default: /aws/service/ami
  AttrName:
    Type: String
    Default: Arn
Mappings:
  Roles:
    dev:
      Name: dev-role
      Same: x
    prod:
      Name: prod-role
      Same: x
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Equals [!Ref Env, dev]
  HasSuffix: !Not [!Equals [!Ref Suffix, ""]]
  Both: !And [!Condition IsDev, !Condition HasSuffix]
  Either: !Or [!Condition IsProd, !Condition IsDev]
  Loop1: !Condition Loop2
  Loop2: !Condition Loop1
Resources:
  Named:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub app-${Env}
      Path: /service/
      AssumeRolePolicyDocument: {}
  Generated:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
  Person:
    Type: AWS::IAM::User
    Properties:
      UserName: alice
  Team:
    Type: AWS::IAM::Group
  Profile:
    Type: AWS::IAM::InstanceProfile
    Properties:
      InstanceProfileName: web
      Roles: [!Ref Named]
  Managed:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      ManagedPolicyName: deploy
      PolicyDocument: {}
  Bucket:
    Type: AWS::S3::Bucket
  SelfNamed:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Ref SelfNamed
"#;

fn eval_with(expr: &str, options: &Options) -> (String, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let root = crate::load(FileId(0), TEMPLATE, &mut diags)
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("template: {diags:?}"));
    let tpl = Template::read(root, &mut diags);
    assert_eq!(diags, vec![]);
    let expr = crate::yaml::load(FileId(0), expr)
        .ok()
        .and_then(|l| l.root)
        .unwrap_or_else(|| panic!("expression {expr}"));
    let mut ctx = Ctx::new(FileId(0), &tpl, options);
    let v = ctx.resolve(&expr);
    (show(v.as_ref()), ctx.diags)
}

fn eval(expr: &str) -> String {
    eval_with(expr, &Options::default()).0
}

fn codes(diags: &[Diagnostic]) -> Vec<(Level, Code)> {
    diags.iter().map(|d| (d.level, d.code)).collect()
}

#[test]
fn ref_parameters() {
    assert_eq!(eval("!Ref Env"), r#""dev""#);
    let given = Options {
        parameters: vec![("Env".into(), "prod".into()), ("Env".into(), "test".into())],
        ..Options::default()
    };
    assert_eq!(
        eval_with("!Ref Env", &given).0,
        r#""test""#,
        "the last --parameter wins"
    );
    let (v, d) = eval_with("!Ref Suffix", &Options::default());
    assert_eq!(v, r#""${cfn#0:Suffix}""#);
    assert_eq!(codes(&d), [(Level::Warning, Code::UnknownValue)]);
    assert!(
        d[0].message.contains("--parameter Suffix="),
        "{}",
        d[0].message
    );
    assert_eq!(eval("!Ref Subnets"), r#"["subnet-a", "subnet-b"]"#);
    assert_eq!(eval("!Ref Zones"), "unknown(cfn#0:Zones)");
    let (v, d) = eval_with("!Ref Ami", &Options::default());
    assert_eq!(
        v, r#""${cfn#0:Ami}""#,
        "an SSM parameter's default is a parameter name, not the value"
    );
    assert_eq!(codes(&d), [(Level::Warning, Code::UnknownValue)]);
    let given = Options {
        parameters: vec![("Subnets".into(), "a,b,c".into())],
        ..Options::default()
    };
    assert_eq!(eval_with("!Ref Subnets", &given).0, r#"["a", "b", "c"]"#);
}

#[test]
fn ref_pseudo_parameters() {
    assert_eq!(eval("!Ref AWS::AccountId"), r#""${aws:account}""#);
    assert_eq!(eval("!Ref AWS::Partition"), r#""${aws:partition}""#);
    assert_eq!(eval("!Ref AWS::Region"), r#""${aws:region}""#);
    let known = Options {
        account_id: Some("123456789012".into()),
        partition: Some("aws-cn".into()),
        region: Some("cn-north-1".into()),
        ..Options::default()
    };
    assert_eq!(
        eval_with(
            "!Sub ${AWS::Partition}:${AWS::Region}:${AWS::AccountId}:${AWS::URLSuffix}",
            &known
        )
        .0,
        r#""aws-cn:cn-north-1:123456789012:amazonaws.com.cn""#
    );
    // With no partition, the canonical hole `--partition` binds; an undocumented partition
    // leaves it unknown.
    let (v, d) = eval_with("!Ref AWS::URLSuffix", &Options::default());
    assert_eq!(v, r#""${aws:dns_suffix}""#);
    assert!(d.is_empty());
    let iso = Options {
        partition: Some("aws-iso-b".into()),
        ..Options::default()
    };
    assert_eq!(
        eval_with("!Ref AWS::URLSuffix", &iso).0,
        r#""sc2s.sgov.gov""#
    );
    let odd = Options {
        partition: Some("aws-new".into()),
        ..Options::default()
    };
    assert_eq!(
        eval_with("!Ref AWS::URLSuffix", &odd).0,
        r#""${aws:dns_suffix}""#
    );
    let (v, d) = eval_with(
        "[!Ref AWS::StackName, !Ref AWS::StackName, !Ref AWS::StackId]",
        &Options::default(),
    );
    assert_eq!(
        v,
        r#"["${cfn#0:AWS::StackName}", "${cfn#0:AWS::StackName}", "${cfn#0:AWS::StackId}"]"#
    );
    assert_eq!(d.len(), 2, "one note per hole");
    assert_eq!(
        eval("!Ref AWS::NotificationARNs"),
        "unknown(cfn#0:AWS::NotificationARNs)"
    );
}

#[test]
fn no_value_removes_the_property() {
    assert_eq!(eval("!Ref AWS::NoValue"), "novalue");
    assert_eq!(eval("{a: 1, b: !Ref AWS::NoValue}"), "{a: 1}");
    assert_eq!(eval("[1, !Ref AWS::NoValue, 2]"), "[1, 2]");
    assert_eq!(eval("{a: !If [IsProd, x, !Ref AWS::NoValue]}"), "{}");
    assert_eq!(
        eval("{a: !If [IsDev, x, !Ref AWS::NoValue]}"),
        r#"{a: "x"}"#
    );
}

#[test]
fn ref_resources_as_cloudformation_returns_them() {
    assert_eq!(
        eval("!Ref Named"),
        r#""app-dev""#,
        "a role's Ref is its name"
    );
    assert_eq!(eval("!Ref Person"), r#""alice""#);
    assert_eq!(eval("!Ref Profile"), r#""web""#);
    assert_eq!(
        eval("!Ref Managed"),
        r#""arn:${aws:partition}:iam::${aws:account}:policy/deploy""#,
        "a managed policy's Ref is its ARN"
    );
    let (v, d) = eval_with("!Ref Generated", &Options::default());
    assert_eq!(v, r#""${cfn#0:Generated.RoleName}""#);
    assert_eq!(codes(&d), [(Level::Note, Code::UnknownValue)]);
    assert_eq!(eval("!Ref Team"), r#""${cfn#0:Team.GroupName}""#);
    let (v, d) = eval_with("!Ref Bucket", &Options::default());
    assert_eq!(v, r#""${cfn#0:Bucket}""#);
    assert_eq!(codes(&d), [(Level::Note, Code::UnknownValue)]);
    let (v, d) = eval_with("!Ref Nothing", &Options::default());
    assert_eq!(v, r#""${cfn#0:Nothing}""#);
    assert_eq!(codes(&d), [(Level::Warning, Code::UnresolvedReference)]);
    let (v, d) = eval_with("!Ref SelfNamed", &Options::default());
    assert_eq!(
        v, r#""${cfn#0:SelfNamed.Name}""#,
        "a name that depends on itself is a hole"
    );
    assert_eq!(codes(&d), [(Level::Warning, Code::Shape)]);
}

#[test]
fn get_att() {
    let acct = Options {
        account_id: Some("123456789012".into()),
        partition: Some("aws".into()),
        ..Options::default()
    };
    assert_eq!(
        eval_with("!GetAtt Named.Arn", &acct).0,
        r#""arn:aws:iam::123456789012:role/service/app-dev""#
    );
    assert_eq!(
        eval("!GetAtt Named.Arn"),
        r#""arn:${aws:partition}:iam::${aws:account}:role/service/app-dev""#
    );
    assert_eq!(
        eval("{Fn::GetAtt: [Generated, Arn]}"),
        r#""arn:${aws:partition}:iam::${aws:account}:role/${cfn#0:Generated.RoleName}""#
    );
    assert_eq!(
        eval("{Fn::GetAtt: Person.Arn}"),
        r#""arn:${aws:partition}:iam::${aws:account}:user/alice""#,
        "the dotted form in JSON"
    );
    assert_eq!(
        eval("!GetAtt Profile.Arn"),
        r#""arn:${aws:partition}:iam::${aws:account}:instance-profile/web""#
    );
    assert_eq!(
        eval("!GetAtt Managed.PolicyArn"),
        r#""arn:${aws:partition}:iam::${aws:account}:policy/deploy""#
    );
    assert_eq!(eval("!GetAtt Named.RoleId"), r#""${cfn#0:Named.RoleId}""#);
    assert_eq!(
        eval("!GetAtt Bucket.DomainName.Sub"),
        r#""${cfn#0:Bucket.DomainName.Sub}""#,
        "attribute names keep their dots"
    );
    assert_eq!(
        eval("!GetAtt [Named, !Ref AttrName]"),
        r#""arn:${aws:partition}:iam::${aws:account}:role/service/app-dev""#
    );
    let (v, d) = eval_with("!GetAtt Missing.Arn", &Options::default());
    assert_eq!(v, r#""${cfn#0:Missing.Arn}""#);
    assert_eq!(codes(&d), [(Level::Warning, Code::UnresolvedReference)]);
}

#[test]
fn sub() {
    assert_eq!(
        eval("!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Named}"),
        r#""arn:${aws:partition}:iam::${aws:account}:role/app-dev""#
    );
    assert_eq!(
        eval("!Sub ${Named.Arn}"),
        r#""arn:${aws:partition}:iam::${aws:account}:role/service/app-dev""#
    );
    assert_eq!(
        eval("!Sub arn:aws:s3:::bucket/${!aws:username}/*"),
        r#""arn:aws:s3:::bucket/${aws:username}/*""#,
        "an escaped variable is text"
    );
    assert_eq!(
        eval("!Sub ['${Name}-${Env}', {Name: !Ref Person}]"),
        r#""alice-dev""#
    );
    assert_eq!(eval("!Sub ['${ Env }', {}]"), r#""dev""#);
    assert_eq!(
        eval("!Sub 'open ${ never closed'"),
        r#""open ${ never closed""#
    );
    assert_eq!(
        eval("!Sub ['${X}', {X: !If [HasSuffix, a, b]}]"),
        r#"choice("a" | "b")"#
    );
    assert_eq!(
        eval("!Sub ['${X}-${Y}', {X: !Ref Env, Y: !Ref AWS::NoValue}]"),
        r#""dev-""#
    );
}

#[test]
fn join_select_split() {
    assert_eq!(
        eval(
            "!Join ['', ['arn:', !Ref AWS::Partition, ':iam::', !Ref AWS::AccountId, ':role/', !Ref Named]]"
        ),
        r#""arn:${aws:partition}:iam::${aws:account}:role/app-dev""#
    );
    assert_eq!(eval("!Join [',', !Ref Subnets]"), r#""subnet-a,subnet-b""#);
    assert_eq!(eval("!Join [',', !Ref Zones]"), r#""${cfn#0:Zones}""#);
    assert_eq!(
        eval("!Join ['-', [a, !If [HasSuffix, b, c]]]"),
        r#"choice("a-b" | "a-c")"#
    );
    assert_eq!(eval("!Select [1, [a, b, c]]"), r#""b""#);
    assert_eq!(eval("!Select ['0', !Ref Subnets]"), r#""subnet-a""#);
    let (v, d) = eval_with("!Select [5, [a]]", &Options::default());
    assert_eq!(v, "unknown(cfn#0:Fn::Select@0)");
    assert_eq!(codes(&d), [(Level::Warning, Code::Shape)]);
    assert_eq!(
        eval("!Select [0, !GetAZs '']"),
        "unknown(cfn#0:Fn::GetAZs@12[0])"
    );
    assert_eq!(eval("!Split [',', 'a,b']"), r#"["a", "b"]"#);
    assert_eq!(
        eval("!Split [!Ref Suffix, 'a,b']"),
        "unknown(cfn#0:Fn::Split@0)"
    );
    assert_eq!(
        eval("!Select [5, !Split [':', !GetAtt Named.Arn]]"),
        r#""role/service/app-dev""#
    );
    assert_eq!(
        eval("!Select [4, !Split [':', !GetAtt Named.Arn]]"),
        r#""${aws:account}""#,
        "holes stay in place when a value is split"
    );
}

#[test]
fn find_in_map() {
    assert_eq!(eval("!FindInMap [Roles, dev, Name]"), r#""dev-role""#);
    assert_eq!(eval("!FindInMap [Roles, !Ref Env, Name]"), r#""dev-role""#);
    assert_eq!(
        eval("!FindInMap [Roles, !Ref Suffix, Name]"),
        r#"choice("dev-role" | "prod-role")"#,
        "an unknown key keeps every candidate"
    );
    assert_eq!(
        eval("!FindInMap [Roles, !Ref Suffix, Same]"),
        r#""x""#,
        "candidates that agree are certain"
    );
    assert_eq!(
        eval("!FindInMap [Roles, test, Name, {DefaultValue: fallback}]"),
        r#""fallback""#
    );
    let (v, d) = eval_with("!FindInMap [Roles, test, Name]", &Options::default());
    assert_eq!(v, "unknown(cfn#0:Fn::FindInMap@0)");
    assert_eq!(codes(&d), [(Level::Warning, Code::UnresolvedReference)]);
    let (_, d) = eval_with("!FindInMap [Nope, a, b]", &Options::default());
    assert_eq!(codes(&d), [(Level::Warning, Code::UnresolvedReference)]);
}

#[test]
fn conditions_and_if() {
    assert_eq!(
        eval("!If [IsDev, yes-branch, no-branch]"),
        r#""yes-branch""#
    );
    assert_eq!(
        eval("!If [IsProd, yes-branch, no-branch]"),
        r#""no-branch""#
    );
    let (v, d) = eval_with("!If [HasSuffix, a, b]", &Options::default());
    assert_eq!(v, r#"choice("a" | "b")"#);
    assert!(codes(&d).contains(&(Level::Note, Code::UnknownValue)));
    assert_eq!(
        eval("!If [HasSuffix, a, !Ref AWS::NoValue]"),
        r#"choice("a")"#,
        "a value that may be absent"
    );
    assert_eq!(
        eval("!If [HasSuffix, same, same]"),
        r#""same""#,
        "a condition that does not matter leaves no trace"
    );
    assert_eq!(eval("!If [Either, a, b]"), r#""a""#);
    assert_eq!(eval("!If [Both, a, b]"), r#"choice("a" | "b")"#);
    let given = Options {
        parameters: vec![("Suffix".into(), "x".into())],
        ..Options::default()
    };
    assert_eq!(eval_with("!If [Both, a, b]", &given).0, r#""a""#);
    let (v, d) = eval_with("!If [Loop1, a, b]", &Options::default());
    assert_eq!(v, r#"choice("a" | "b")"#);
    assert!(
        codes(&d).contains(&(Level::Warning, Code::Shape)),
        "a cycle is reported"
    );
    let (v, d) = eval_with("!If [Undefined, a, b]", &Options::default());
    assert_eq!(v, r#"choice("a" | "b")"#);
    assert!(codes(&d).contains(&(Level::Warning, Code::UnresolvedReference)));
    assert_eq!(
        eval("!Equals [a, a]"),
        "true",
        "condition functions outside Conditions give booleans"
    );
}

#[test]
fn three_valued_condition_logic() {
    let mut diags = Vec::new();
    let root = crate::load(FileId(0), TEMPLATE, &mut diags)
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("template"));
    let tpl = Template::read(root, &mut diags);
    let opts = Options::default();
    let mut ctx = Ctx::new(FileId(0), &tpl, &opts);
    let o = Origin::new(FileId(0), passgraph_model::TextRange::default());
    assert_eq!(ctx.condition("IsDev", &o), Tri::Yes);
    assert_eq!(ctx.condition("IsProd", &o), Tri::No);
    assert_eq!(ctx.condition("HasSuffix", &o), Tri::Maybe);
    assert_eq!(ctx.condition("Both", &o), Tri::Maybe);
    assert_eq!(ctx.condition("Either", &o), Tri::Yes);
}

#[test]
fn import_value_base64_cidr_azs_and_unknown_functions() {
    let (v, d) = eval_with("!ImportValue network-VpcId", &Options::default());
    assert_eq!(
        v, r#""${cfn:import:network-VpcId}""#,
        "exports are shared by every stack of the account"
    );
    assert_eq!(codes(&d), [(Level::Note, Code::UnknownValue)]);
    assert_eq!(
        eval("!ImportValue {Fn::Sub: '${Env}-RoleArn'}"),
        r#""${cfn:import:dev-RoleArn}""#
    );
    assert_eq!(eval("!Base64 hello"), r#""aGVsbG8=""#);
    assert_eq!(
        eval("!Base64 {Ref: AWS::AccountId}"),
        r#""${cfn#0:Fn::Base64@0}""#
    );
    assert_eq!(
        eval("!Cidr [10.0.0.0/16, 2, 8]"),
        "unknown(cfn#0:Fn::Cidr@0)"
    );
    assert_eq!(eval("!GetAZs ''"), "unknown(cfn#0:Fn::GetAZs@0)");
    assert_eq!(eval("!Length [a, b]"), "2");
    // A delimiter that is not a string is unknown, not "" (CloudFormation refuses it).
    assert_eq!(
        eval("!Join [[x], [a, b]]"),
        r#""a${cfn#0:Fn::Join.delimiter@0}b""#
    );
    assert_eq!(eval("{Fn::ToJsonString: {a: !Ref Env}}"), r#"{a: "dev"}"#);
    let (v, d) = eval_with("{Fn::Magic: x}", &Options::default());
    assert_eq!(v, "unknown(cfn#0:Fn::Magic@0)");
    assert_eq!(codes(&d), [(Level::Warning, Code::Unsupported)]);
    let (v, d) = eval_with("!Transform {Name: AWS::Include}", &Options::default());
    assert_eq!(v, "unknown(cfn#0:Fn::Transform@0)");
    assert_eq!(codes(&d), [(Level::Warning, Code::Unsupported)]);
}

#[test]
fn a_function_result_points_at_the_call() {
    let mut diags = Vec::new();
    let root = crate::load(FileId(0), TEMPLATE, &mut diags)
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("template"));
    let tpl = Template::read(root, &mut diags);
    let opts = Options::default();
    let mut ctx = Ctx::new(FileId(0), &tpl, &opts);
    let expr = crate::yaml::load(FileId(0), "a:\n  b: !Ref Env\n")
        .ok()
        .and_then(|l| l.root)
        .unwrap_or_else(|| panic!("expr"));
    let v = ctx.resolve(&expr).unwrap_or_else(|| panic!("value"));
    let b = v
        .get("a")
        .and_then(|a| a.get("b"))
        .unwrap_or_else(|| panic!("b"));
    // `!Ref Env` starts at byte 8 of the expression, not where the parameter's default is.
    assert_eq!(b.origin.range.start, 8);
}

#[test]
fn too_many_alternatives_give_a_hole() {
    let expr = "!Join ['', [!If [HasSuffix, a, b], !If [HasSuffix, c, d], !If [HasSuffix, e, f], !If [HasSuffix, g, h], !If [HasSuffix, i, j]]]";
    let (v, d) = eval_with(expr, &Options::default());
    assert!(v.starts_with(r#""${cfn#0:choices@"#), "{v}");
    assert!(codes(&d).contains(&(Level::Warning, Code::Limit)));
}

#[test]
fn base64_encodes_as_rfc4648() {
    assert_eq!(base64(b""), "");
    assert_eq!(base64(b"f"), "Zg==");
    assert_eq!(base64(b"fo"), "Zm8=");
    assert_eq!(base64(b"foo"), "Zm9v");
    assert_eq!(base64(b"foobar"), "Zm9vYmFy");
}

/// The branches of a value (`Ctx::branches`), shown as `show` shows values.
fn branches(expr: &str, options: &Options) -> Vec<String> {
    let mut diags = Vec::new();
    let root = crate::load(FileId(0), TEMPLATE, &mut diags)
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("template: {diags:?}"));
    let tpl = Template::read(root, &mut diags);
    let expr = crate::yaml::load(FileId(0), expr)
        .ok()
        .and_then(|l| l.root)
        .unwrap_or_else(|| panic!("expression {expr}"));
    let mut ctx = Ctx::new(FileId(0), &tpl, options);
    ctx.branches(&expr)
        .iter()
        .map(|b| show(b.as_ref()))
        .collect()
}

#[test]
fn branches_keep_an_absent_value_apart() {
    let none = Options::default();
    // Resolved, `a | b | AWS::NoValue` is `choice("a" | "b")`: the absent branch is lost.
    assert_eq!(
        eval("!If [HasSuffix, !If [Both, a, b], !Ref AWS::NoValue]"),
        r#"choice("a" | "b")"#
    );
    assert_eq!(
        branches(
            "!If [HasSuffix, !If [Both, a, b], !Ref AWS::NoValue]",
            &none
        ),
        [r#""a""#, r#""b""#, "novalue"]
    );
    assert_eq!(
        branches(
            "!If [HasSuffix, a, !If [Both, b, !Ref AWS::NoValue]]",
            &none
        ),
        [r#""a""#, r#""b""#, "novalue"]
    );
    assert_eq!(
        branches("!If [HasSuffix, a, !Ref AWS::NoValue]", &none),
        [r#""a""#, "novalue"]
    );
    assert_eq!(
        branches(
            "!If [HasSuffix, !Ref AWS::NoValue, !Ref AWS::NoValue]",
            &none
        ),
        ["novalue"]
    );
    // A decided condition takes one branch.
    assert_eq!(
        branches("!If [IsDev, a, !Ref AWS::NoValue]", &none),
        [r#""a""#]
    );
    assert_eq!(
        branches("!If [IsProd, a, !Ref AWS::NoValue]", &none),
        ["novalue"]
    );
    let given = Options {
        parameters: vec![("Suffix".into(), "x".into())],
        ..Options::default()
    };
    assert_eq!(
        branches("!If [HasSuffix, a, !Ref AWS::NoValue]", &given),
        [r#""a""#]
    );
    // Other values are resolved.
    assert_eq!(branches("!Sub app-${Env}", &none), [r#""app-dev""#]);
    assert_eq!(
        branches("!Sub ['${X}-x', {X: !If [HasSuffix, a, b]}]", &none),
        [r#""a-x""#, r#""b-x""#]
    );
    assert_eq!(branches("!Ref AWS::NoValue", &none), ["novalue"]);
}
