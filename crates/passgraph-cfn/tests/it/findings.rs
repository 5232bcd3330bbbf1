//! Hand-checked PassRole findings of the third-party CloudFormation corpora.
//!
//! Covered: every template of aws-cfn-templates, cfn-lint, cfn-lint-v0, cfn_nag, cfripper,
//! cfn-policy-validator and checkov/tests/cloudformation on which passgraph reports a finding,
//! every template there that spells out `iam:PassRole`, and the two templates whose roles
//! trust everyone while holding PassRole. Each one was read by hand and judged by AWS and
//! CloudFormation rules:
//!
//! * `Ref` of a role is its name, `Fn::GetAtt R.Arn` its ARN; a role without `RoleName` gets a
//!   generated name (`<stack>-<LogicalId>-<suffix>`) that only a wildcard can absorb, and only
//!   possibly unless the pattern is `*`-like.
//! * Parameters take their defaults (as the CLI reads them); a condition that cannot be decided
//!   offline (region, parameters without defaults, `aws:MultiFactorAuthPresent`, ...) makes the
//!   finding possible.
//! * AWS managed policies are judged by their published documents: shared/data lists every
//!   AWS managed policy that can grant PassRole; one absent from that list grants none.
//! * A role whose trust policy lets in everyone can be handed to any service, one whose trust
//!   policy is unknown possibly to any: the service is reported as `*`.
//! * A template is read resource by resource as written, even a "bad" fixture that
//!   CloudFormation would refuse as a whole.
//!
//! Each template is read as the CLI reads it: the model overlaid on an empty account, the
//! partition bound to `aws`, account and region unknown, the built-in AWS managed policies
//! added. (With `--account-id 123456789012` the CLI gives the same results on all of them.)
//! No finding here goes through an assume-role chain: `via` is empty throughout.
//!
//! Where passgraph is wrong the (principal, role, service) triple is listed under `fixme`,
//! with a FIXME comment: it is asserted neither present nor absent, so the wrong behaviour is
//! not pinned. Everything else passgraph reports must be exactly the expected list.

use passgraph_cfn::{Options, parse};
use passgraph_model::{Account, SourceMap};

const CORPORA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpora");

/// (principal, role, service, certainty): `yes` is definite, `maybe` possible.
type Row<'a> = (&'a str, &'a str, &'a str, &'a str);
/// (principal, role, service).
type Triple<'a> = (&'a str, &'a str, &'a str);

/// One finding as passgraph reports it.
struct Found {
    row: (String, String, String, String),
    via: Vec<String>,
    /// (file, line, policy) of each statement that grants the PassRole.
    grants: Vec<(String, u32, String)>,
}

/// Where one grant is written: a line of the template, or, for a built-in AWS managed policy
/// (named), the line of the template that attaches it.
enum At {
    Line(u32),
    Attached(&'static str, u32),
}

/// Reads one corpus template as the CLI does and returns its findings (sorted) and the codes
/// of its diagnostics.
fn audit(rel: &str) -> (Vec<Found>, Vec<&'static str>) {
    let path = format!("{CORPORA}/{rel}");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let text = passgraph_json::decode(&bytes)
        .unwrap_or_else(|| String::from_utf8_lossy(&bytes).into_owned());
    let mut sm = SourceMap::default();
    let id = sm.add(rel, text.as_str());
    let options = Options {
        partition: Some("aws".into()),
        ..Options::default()
    };
    let parsed = parse(id, &text, &options);
    let mut account = Account::default();
    account.overlay(parsed.account);
    account.bind_partition("aws");
    passgraph_eval::managed::add_builtins(&mut account, &mut |p, t| sm.add(p, t));
    let analysis = passgraph_graph::analyze(&account, &passgraph_graph::Options::default());
    let name = |i: usize| analysis.principals[i].name.to_string();
    let mut found: Vec<Found> = analysis
        .findings
        .iter()
        .map(|f| Found {
            row: (
                name(f.principal),
                name(f.role),
                f.service.to_string(),
                f.certainty.to_string(),
            ),
            via: f.via.iter().map(|&i| name(i)).collect(),
            grants: f
                .proof
                .grants
                .iter()
                .map(|g| {
                    let l = sm.locate(&g.origin);
                    (l.file, l.line, g.policy.to_string())
                })
                .collect(),
        })
        .collect();
    found.sort_by(|a, b| a.row.cmp(&b.row));
    let codes = parsed
        .diagnostics
        .iter()
        .chain(&analysis.diagnostics)
        .map(|d| d.code.id())
        .collect();
    (found, codes)
}

/// Checks one template: leaving out the `fixme` triples, the findings are exactly `expected`,
/// none goes through a chain, and finding `grant.0` of `expected` rests on a statement at
/// `grant.1`.
fn check(rel: &str, expected: &[Row<'_>], grant: Option<(usize, At)>, fixme: &[Triple<'_>]) {
    let (found, _) = audit(rel);
    let kept: Vec<&Found> = found
        .iter()
        .filter(|f| {
            !fixme
                .iter()
                .any(|(p, r, s)| f.row.0 == *p && f.row.1 == *r && f.row.2 == *s)
        })
        .collect();
    let got: Vec<Row<'_>> = kept
        .iter()
        .map(|f| {
            (
                f.row.0.as_str(),
                f.row.1.as_str(),
                f.row.2.as_str(),
                f.row.3.as_str(),
            )
        })
        .collect();
    let mut want = expected.to_vec();
    want.sort_unstable();
    assert_eq!(got, want, "{rel}");
    for f in &kept {
        assert!(f.via.is_empty(), "{rel}: {:?} via {:?}", f.row, f.via);
    }
    if let Some((i, at)) = grant {
        let (p, r, s, _) = expected[i];
        let f = kept
            .iter()
            .find(|f| f.row.0 == p && f.row.1 == r && f.row.2 == s)
            .unwrap_or_else(|| panic!("{rel}: no finding ({p}, {r}, {s})"));
        let (want, policy) = match at {
            At::Line(l) => (l, None),
            At::Attached(n, l) => (l, Some(format!("arn:aws:iam::aws:policy/{n}"))),
        };
        assert!(
            f.grants.iter().any(|(file, line, p)| file == rel
                && *line == want
                && policy.as_ref().is_none_or(|n| n == p)),
            "{rel}: ({p}, {r}, {s}) is granted by {:?}, not at line {want} ({policy:?})",
            f.grants
        );
    }
}

const LAMBDA: &str = "lambda.amazonaws.com";
const EC2: &str = "ec2.amazonaws.com";
const CFN: &str = "cloudformation.amazonaws.com";

#[test]
fn aws_cfn_templates() {
    // IamRoleLambda (no RoleName, `Condition: EnableBackups`, true with the parameter's default
    // "True") has `Action: "*"` on `*` and trusts Lambda: it passes itself, definitely.
    for rel in [
        "aws-cfn-templates/aws/services/CloudFormation/Elasticache-snapshot.template",
        "aws-cfn-templates/aws/solutions/Elasticache-snapshot.template",
    ] {
        check(
            rel,
            &[(
                "${cfn#0:IamRoleLambda.RoleName}",
                "${cfn#0:IamRoleLambda.RoleName}",
                LAMBDA,
                "yes",
            )],
            Some((0, At::Line(279))),
            &[],
        );
    }
    // `iam:PassRole` on `*`, role trusts Lambda; with the default RoleName "" the `!If` gives
    // AWS::NoValue, so the name is generated.
    check(
        "aws-cfn-templates/aws/solutions/StackSetsResource/Templates/stackset-function-template.yaml",
        &[(
            "${cfn#0:StackSetResourceRole.RoleName}",
            "${cfn#0:StackSetResourceRole.RoleName}",
            LAMBDA,
            "yes",
        )],
        Some((0, At::Line(43))),
        &[],
    );
    check(
        "aws-cfn-templates/aws/solutions/PrefixListResource/Templates/function-template.yaml",
        &[(
            "${cfn#0:GetPLResourceRole.RoleName}",
            "${cfn#0:GetPLResourceRole.RoleName}",
            LAMBDA,
            "yes",
        )],
        Some((0, At::Line(28))),
        &[],
    );
    // The CloudFormation role passes the Lambda role (`!GetAtt LambdaTrustRole.Arn`, l. 177)
    // and the CodePipeline role passes the CloudFormation role (l. 399): exact ARNs, definite
    // although ProjectId has no default (the same unknown is on both sides). The Lambda role
    // passes nothing: besides `logs:*` actions it holds AWSLambdaBasicExecutionRole (built in,
    // logs only) and AWSConfigRulesExecutionRole, which by AWS's document grants no PassRole
    // (the built-in table holds it); the CodeBuild role holds only logs, S3 and KMS actions.
    check(
        "aws-cfn-templates/community/codestar/python-webservice-lambda/template.yml",
        &[
            (
                "CodeStarWorker-${cfn#0:ProjectId}-CloudFormation",
                "CodeStarWorker-${cfn#0:ProjectId}-Lambda",
                LAMBDA,
                "yes",
            ),
            (
                "CodeStarWorker-${cfn#0:ProjectId}-CodePipeline",
                "CodeStarWorker-${cfn#0:ProjectId}-CloudFormation",
                CFN,
                "yes",
            ),
        ],
        Some((0, At::Line(177))),
        &[],
    );
    // The AdministratorAccess role passes itself (EC2) and the Lambda@Edge role (it trusts
    // both edgelambda and lambda), definitely. The Lambda@Edge role passes nothing: it holds
    // `lambda:PublishVersion`, AWSLambdaBasicExecutionRole (built in, logs only) and
    // AWSXrayWriteOnlyAccess, which by AWS's document grants no PassRole (the built-in table
    // holds it).
    let edge = "example-iam-lambda-edge-role-dev";
    let admin = "AdministratorAccess-example";
    check(
        "aws-cfn-templates/aws/solutions/CloudFrontCustomOriginLambda@Edge/CloudFront.yaml",
        &[
            (admin, admin, EC2, "yes"),
            (admin, edge, "edgelambda.amazonaws.com", "yes"),
            (admin, edge, LAMBDA, "yes"),
        ],
        Some((0, At::Attached("AdministratorAccess", 338))),
        &[],
    );
    // AmazonElasticMapReduceRole (attached at l. 193 / l. 195; built in) grants `iam:PassRole`
    // on `*` without a condition (AWS's document; shared/data), so the service role passes
    // itself (elasticmapreduce) and the instance-profile role (EC2) definitely. The
    // instance-profile role's AmazonElasticMapReduceforEC2Role grants no PassRole by AWS's
    // document (the built-in table holds it): it passes nothing.
    let svc = "${cfn#0:EMRClusterServiceRole.RoleName}";
    let inst = "${cfn#0:EMRClusterinstanceProfileRole.RoleName}";
    let emr = "elasticmapreduce.amazonaws.com";
    for (rel, line) in [
        (
            "aws-cfn-templates/aws/services/EMR/EMRCLusterGangliaWithSparkOrS3backedHbase.json",
            193,
        ),
        (
            "aws-cfn-templates/aws/services/EMR/EMRClusterWithAdditioanalSecurityGroups.json",
            195,
        ),
    ] {
        check(
            rel,
            &[(svc, svc, emr, "yes"), (svc, inst, EC2, "yes")],
            Some((
                0,
                At::Attached("service-role/AmazonElasticMapReduceRole", line),
            )),
            &[],
        );
    }
    // LambdaExecutionRole may pass `arn:aws:iam::<account>:role/greengrass_cfn_<stack>_ServiceRole`
    // (l. 683), a role the custom resource creates at run time. Both roles of the template have
    // generated names (`<stack>-<LogicalId>-<suffix>`: stack names, logical IDs and the suffix
    // are `[A-Za-z0-9-]`, so no `_` at all), which this pattern without wildcards never
    // matches: no finding.
    check(
        "aws-cfn-templates/aws/services/IoT/amzn2-greengrass-cfn.yml",
        &[],
        None,
        &[],
    );
    // No finding, rightly: the roles' PassRole could come only from AWS managed policies that
    // by AWS's documents grant none (AWSLambdaExecute, AmazonKinesisFullAccess; the EKS
    // cluster/worker/CNI/ECR policies; AmazonDMSCloudWatchLogsRole, AmazonDMSVPCManagementRole;
    // AWS_ConfigRole; AmazonEC2RoleforSSM: all in the built-in table) or built-in ones that
    // grant none to these services (AmazonS3FullAccess, AmazonSSMManagedInstanceCore;
    // AmazonDynamoDBFullAccess passes only to application-autoscaling and DAX).
    for rel in [
        "aws-cfn-templates/community/services/Lambda/LambdaSample.yaml",
        "aws-cfn-templates/community/services/EKS/EC2/template.yml",
        "aws-cfn-templates/aws/services/DMS/DMSAuroraToS3FullLoadAndOngoingReplication.json",
        "aws-cfn-templates/aws/services/Config/Config.yaml",
        "aws-cfn-templates/aws/solutions/EC2DomainJoin/EC2-Domain-Join.json",
    ] {
        check(rel, &[], None, &[]);
    }
}

#[test]
fn cfn_lint() {
    // RootRole's own policy is misspelt (`PolicyDocument1`), but the AWS::IAM::Policy
    // RolePolicies (l. 97) gives it `Action: "*"`: it passes itself to EC2.
    let root = "${cfn#0:RootRole.RoleName}";
    check(
        "cfn-lint/test/fixtures/templates/bad/generic.yaml",
        // myIamProfile3's `AssumeRolePolicyDocument: {}` has no Statement, and myIamProfile
        // and myIamProfile2 (l. 25-29) have no AssumeRolePolicyDocument at all: unknown trust
        // policies, so RootRole may hand them to any service, possibly. RootRole's inline
        // policy (l. 83) spells `PolicyDocument1`: its document is missing, so unknown, and
        // may deny what RolePolicies allows: the EC2 finding is only possible.
        &[
            (root, root, EC2, "maybe"),
            (root, "${cfn#0:myIamProfile.RoleName}", "*", "maybe"),
            (root, "${cfn#0:myIamProfile2.RoleName}", "*", "maybe"),
            (root, "${cfn#0:myIamProfile3.RoleName}", "*", "maybe"),
        ],
        Some((0, At::Line(97))),
        &[],
    );
    check(
        "cfn-lint/test/fixtures/templates/good/generic.yaml",
        &[(root, root, EC2, "yes")],
        Some((0, At::Line(51))),
        &[],
    );
    // AWS::IAM::Policy with `Action: "*"` on the Lambda role.
    let rules = "${cfn#0:rConfigRulesLambdaRole.RoleName}";
    check(
        "cfn-lint/test/fixtures/templates/quickstart/config-rules.json",
        &[(rules, rules, LAMBDA, "yes")],
        Some((0, At::Line(119))),
        &[],
    );
    check(
        "cfn-lint/test/fixtures/templates/quickstart/nist_config_rules.yaml",
        &[(rules, rules, LAMBDA, "yes")],
        Some((0, At::Line(267))),
        &[],
    );
    // rIAMAdminPolicy gives rIAMAdminRole `iam:*` under `Bool aws:MultiFactorAuthPresent`, not
    // known offline: it may pass each of the four EC2 roles. The sysadmin policy's `NotAction:
    // iam:*` and the other policies exclude PassRole; the groups have no members.
    let adm = "${cfn#0:rIAMAdminRole.RoleName}";
    for (rel, line) in [
        ("cfn-lint/test/fixtures/templates/quickstart/iam.json", 155),
        (
            "cfn-lint/test/fixtures/templates/quickstart/nist_iam.yaml",
            43,
        ),
    ] {
        check(
            rel,
            &[
                (adm, adm, EC2, "maybe"),
                (adm, "${cfn#0:rInstanceOpsRole.RoleName}", EC2, "maybe"),
                (adm, "${cfn#0:rReadOnlyAdminRole.RoleName}", EC2, "maybe"),
                (adm, "${cfn#0:rSysAdminRole.RoleName}", EC2, "maybe"),
            ],
            Some((0, At::Line(line))),
            &[],
        );
    }
    // A role "root" (certain) and, in every region, a role "useast1" (RootRole3 and RootRole5 in
    // us-east-1, RootRole4 and RootRole6 elsewhere); RootRole5 (`RoleName: !If [IsUsEast1,
    // useast1, !Ref AWS::NoValue]`, l. 109) has a generated name outside us-east-1, RootRole6
    // (the reverse, l. 131) one in us-east-1. All have `Action: "*"` and trust EC2: each
    // passes each. The four definitions of "useast1" exist under IsUsEast1, NotUsEast1 (its
    // negation), IsUsEast1 and not IsUsEast1: together in every region, with the same trust
    // and policy, so passgraph reads them as one certain role and what involves only "root"
    // and "useast1" is definite; what involves a generated name is possible (the region is
    // not known); (useast1, root) rests on the statement of each definition (l. 69, 92, 115,
    // 137). (CloudFormation would refuse the duplicate names; read as written.)
    // FIXME: the two generated roles never exist together (RootRole5's only outside us-east-1,
    // RootRole6's only in it), so (RootRole5, RootRole6) and (RootRole6, RootRole5) are no
    // findings; passgraph still reports them as possible: an entity's existence is a bare
    // `uncertain: bool` (passgraph-model account.rs), so passgraph-graph cannot see that
    // IsUsEast1 and its negation exclude each other. passgraph-cfn knows each entity's
    // condition (src/exists.rs) but the model has no place for it.
    let (r5, r6) = ("${cfn#0:RootRole5.RoleName}", "${cfn#0:RootRole6.RoleName}");
    check(
        "cfn-lint/test/fixtures/templates/bad/resources/primary_identifiers.yaml",
        &[
            ("root", "root", EC2, "yes"),
            ("root", "useast1", EC2, "yes"),
            ("root", r5, EC2, "maybe"),
            ("root", r6, EC2, "maybe"),
            ("useast1", "root", EC2, "yes"),
            ("useast1", "useast1", EC2, "yes"),
            ("useast1", r5, EC2, "maybe"),
            ("useast1", r6, EC2, "maybe"),
            (r5, "root", EC2, "maybe"),
            (r5, "useast1", EC2, "maybe"),
            (r5, r5, EC2, "maybe"),
            (r6, "root", EC2, "maybe"),
            (r6, "useast1", EC2, "maybe"),
            (r6, r6, EC2, "maybe"),
        ],
        Some((4, At::Line(69))),
        &[(r5, r6, EC2), (r6, r5, EC2)],
    );
    // RootRole3 (IsUsEast1) and RootRole4 (NotUsEast1, its negation) define the same role
    // "useast1" with the same policy and trust: it exists in every region, and every finding
    // is definite.
    check(
        "cfn-lint/test/fixtures/templates/good/resources/primary_identifiers.yaml",
        &[
            ("root", "root", EC2, "yes"),
            ("root", "useast1", EC2, "yes"),
            ("useast1", "root", EC2, "yes"),
            ("useast1", "useast1", EC2, "yes"),
        ],
        Some((2, At::Line(47))),
        &[],
    );
    // No finding, rightly: the roles' PassRole could come only from AWS managed policies that
    // by AWS's documents grant none (AmazonECSTaskExecutionRolePolicy;
    // CloudWatchLambdaInsightsExecutionRolePolicy: in the built-in table) or from the
    // built-in AWSLambdaBasicExecutionRole (logs only).
    for rel in [
        "cfn-lint/test/fixtures/templates/integration/getatt-types.yaml",
        "cfn-lint/test/fixtures/templates/integration/ref-types.yaml",
        "cfn-lint/test/fixtures/templates/good/transform/function_use_s3_uri.yaml",
    ] {
        check(rel, &[], None, &[]);
    }
    // MasterConfigRole (trusts Lambda) holds only KMS and S3 reads inline and the AWS managed
    // policies AmazonEC2ReadOnlyAccess, AWSCloudTrailReadOnlyAccess (l. 90), IAMReadOnlyAccess,
    // AWSConfigRulesExecutionRole and AWSLambdaBasicExecutionRole, none of which grants
    // PassRole (shared/data lists every AWS managed policy that does, and none of these; the
    // all built in): no finding.
    check(
        "cfn-lint/test/fixtures/templates/quickstart/cis_benchmark.yaml",
        &[],
        None,
        &[],
    );
}

#[test]
fn cfn_lint_v0() {
    // PassRole on `arn:aws:iam::${AWS::AccountId}:role/CloudFormationRole-${AWS::StackName}`
    // (l. 154), exactly the CloudFormation role's ARN (same unknowns on both sides). The
    // CloudFormation role's own PassRole targets `role/WebServerIAMRole-*`, which the template
    // does not define.
    check(
        "cfn-lint-v0/test/fixtures/templates/bad/properties_required.yaml",
        &[(
            "CodePipelineRole-${cfn#0:AWS::StackName}",
            "CloudFormationRole-${cfn#0:AWS::StackName}",
            CFN,
            "yes",
        )],
        Some((0, At::Line(154))),
        &[],
    );
    // AdminRole (AdministratorAccess) passes the Lambda role, definitely. AdminRole itself
    // trusts only users and the account, not a service; the group has no members. IamRole holds
    // AdministratorAccess too, so it passes the Lambda role definitely (its AWS read-only
    // policies are not built in; they grant no PassRole and deny nothing). IamRole's
    // `AssumeRolePolicyDocument: {}` has no Statement: an unknown trust policy, so whoever may
    // pass IamRole may hand it to any service, possibly.
    let example = "${cfn#0:ExampleRole.RoleName}";
    let iam = "${cfn#0:IamRole.RoleName}";
    check(
        "cfn-lint-v0/test/fixtures/templates/good/resources/properties/json_size.yaml",
        &[
            ("${cfn#0:AdminRole.RoleName}", example, LAMBDA, "yes"),
            ("${cfn#0:AdminRole.RoleName}", iam, "*", "maybe"),
            (iam, iam, "*", "maybe"),
            (iam, example, LAMBDA, "yes"),
        ],
        Some((0, At::Attached("AdministratorAccess", 216))),
        &[],
    );
}

#[test]
fn cfn_nag_iam_roles() {
    // Each role has `Action: "*"` (or `NotAction: s3:*`, or AdministratorAccess, or
    // IAMFullAccess) on `*` and trusts EC2: it passes itself. `RoleName: ""` is below the
    // schema's minimum length (CloudFormation refuses it or generates a name); passgraph names
    // the role "", and the self-pass holds whatever the name.
    for (rel, role, at) in [
        (
            "cfn_nag/spec/test_templates/json/iam_role/iam_role_with_explicit_name_empty_string.json",
            "",
            At::Line(24),
        ),
        (
            "cfn_nag/spec/test_templates/json/iam_role/iam_role.json",
            "${cfn#0:RootRole.RoleName}",
            At::Line(23),
        ),
        (
            "cfn_nag/spec/test_templates/json/iam_role/iam_role_with_explicit_name.json",
            "superrole",
            At::Line(24),
        ),
        (
            "cfn_nag/spec/test_templates/json/iam_role/iam_role_without_explicit_name.json",
            "${cfn#0:RoleWithoutName.RoleName}",
            At::Line(23),
        ),
        (
            "cfn_nag/spec/test_templates/json/iam_role/iam_role_not_action.json",
            "${cfn#0:NotActionRole.RoleName}",
            At::Line(28),
        ),
        (
            "cfn_nag/spec/test_templates/json/iam_role/iam_role_with_administratoraccess_policy.json",
            "${cfn#0:RoleWithAdministratorAccessPolicy.RoleName}",
            At::Attached("AdministratorAccess", 18),
        ),
        (
            "cfn_nag/spec/test_templates/json/iam_role/iam_role_with_iamfullaccess_policy.json",
            "${cfn#0:RoleWithIAMFullAccessPolicy.RoleName}",
            At::Attached("IAMFullAccess", 18),
        ),
        (
            "cfn_nag/spec/test_templates/json/ec2_instance/cfn_insensitive_authentication.json",
            "${cfn#0:RootRole.RoleName}",
            At::Line(29),
        ),
    ] {
        check(rel, &[(role, role, EC2, "yes")], Some((0, at)), &[]);
    }
}

#[test]
fn cfn_nag_lambda() {
    // RoleWithWildcardAll (`Action: "*"`) passes each of the four Lambda roles; the others
    // hold only logs actions.
    let all = "${cfn#0:RoleWithWildcardAll.RoleName}";
    for (rel, line) in [
        (
            "cfn_nag/spec/test_templates/json/lambda_function/lambda_with_cloudwatch_logs_permission.json",
            135,
        ),
        (
            "cfn_nag/spec/test_templates/yaml/lambda_function/lambda_with_cloudwatch_logs_permission.yaml",
            119,
        ),
    ] {
        check(
            rel,
            &[
                (all, "${cfn#0:RoleWithPutLogEvents.RoleName}", LAMBDA, "yes"),
                (all, all, LAMBDA, "yes"),
                (
                    all,
                    "${cfn#0:RoleWithWildcardCreateLogAndPutLogEvents.RoleName}",
                    LAMBDA,
                    "yes",
                ),
                (all, "${cfn#0:RoleWithWildcardLogs.RoleName}", LAMBDA, "yes"),
            ],
            Some((1, At::Line(line))),
            &[],
        );
    }
    let exec = "${cfn#0:LambdaExecutionRole.RoleName}";
    check(
        "cfn_nag/spec/test_templates/json/lambda_permission/lambda_with_wildcard_principal_and_non_invoke_function_permission.json",
        &[(exec, exec, LAMBDA, "yes")],
        Some((0, At::Line(61))),
        &[],
    );
    // Each role trusts Lambda and holds only `specific:ObscureAction` and one AWS managed
    // policy. No finding, rightly, where that policy is one that by AWS's document grants no
    // PassRole (CloudWatchLogsFullAccess, AWSLambdaDynamoDBExecutionRole,
    // AWSLambdaKinesisExecutionRole, AWSLambdaSQSQueueExecutionRole, AWSLambdaExecute: all
    // in the built-in table).
    let dir = "cfn_nag/spec/test_templates";
    for file in [
        "json/lambda_function/lambda_with_cloudwatch_logs_managed_policy.json",
        "yaml/lambda_function/lambda_with_cloudwatch_logs_managed_policy.yaml",
        "json/lambda_function/lambda_with_lambda_dynamodb_managed_policy.json",
        "json/lambda_function/lambda_with_lambda_kinesis_managed_policy.json",
        "json/lambda_function/lambda_with_lambda_sqs_managed_policy.json",
        "json/lambda_function/lambda_with_lambda_execute_managed_policy.json",
    ] {
        check(&format!("{dir}/{file}"), &[], None, &[]);
    }
    // RoleWithOtherManagedPolicy's AmazonChimeReadOnly grants no PassRole (shared/data lists
    // every AWS managed policy that does, and not this one; the built-in table holds its
    // document), and
    // RoleWithLogsManagedPolicy's policies grant none either: no finding.
    for file in [
        "json/lambda_function/lambda_with_other_managed_policies.json",
        "yaml/lambda_function/lambda_with_other_managed_policies.yaml",
        "json/lambda_function/lambda_with_managed_policies.json",
        "yaml/lambda_function/lambda_with_managed_policies.yaml",
    ] {
        check(&format!("{dir}/{file}"), &[], None, &[]);
    }
}

#[test]
fn cfn_nag_passrole_on_wildcard() {
    let dir = "cfn_nag/spec/test_templates/yaml/iam_passrole_resource_wildcard";
    // Both roles trust CloudFormation and hold `iam:PassRole` (l. 23) or `iam:PassR*` (l. 46)
    // on `*`: each passes each.
    let (one, two) = ("${cfn#0:RoleFail1.RoleName}", "${cfn#0:RoleFail2.RoleName}");
    check(
        &format!("{dir}/iam_role_passrole_resource_wildcard_fail.yml"),
        &[
            (one, one, CFN, "yes"),
            (one, two, CFN, "yes"),
            (two, one, CFN, "yes"),
            (two, two, CFN, "yes"),
        ],
        Some((3, At::Line(46))),
        &[],
    );
    // Nothing, rightly: RoleDeny denies PassRole and RoleFail's PassRole names `arn:aws:s3:::*`
    // (no role); the managed policies of the two managed-policy files are attached to nobody
    // or to a group without members; the inline policies' group has no members.
    for file in [
        "iam_role_passrole_resource_wildcard_pass.yml",
        "iam_managed_policy_passrole_resource_wildcard_fail.yml",
        "iam_managed_policy_passrole_resource_wildcard_pass.yml",
        "iam_inline_policy_passrole_resource_wildcard_fail.yml",
        "iam_inline_policy_passrole_resource_wildcard_pass.yml",
    ] {
        check(&format!("{dir}/{file}"), &[], None, &[]);
    }
}

#[test]
fn cfripper() {
    // `Action: "*"` and `NotAction: s3:*` on `*`, roles trusting EC2.
    check(
        "cfripper/tests/test_templates/others/iam_role.json",
        &[(
            "${cfn#0:RootRole.RoleName}",
            "${cfn#0:RootRole.RoleName}",
            EC2,
            "yes",
        )],
        Some((0, At::Line(31))),
        &[],
    );
    check(
        "cfripper/tests/test_templates/others/iam_role_not_action.json",
        &[(
            "${cfn#0:NotActionRole.RoleName}",
            "${cfn#0:NotActionRole.RoleName}",
            EC2,
            "yes",
        )],
        Some((0, At::Line(28))),
        &[],
    );
}

#[test]
fn cfn_policy_validator() {
    let my = "${cfn#0:MyRole.RoleName}";
    check(
        "cfn-policy-validator/test_files/bad_template.json",
        &[(my, my, EC2, "yes")],
        Some((0, At::Line(48))),
        &[],
    );
    // MyIAMUser (`iam:PassRole` on `*`; the `AWS::NoValue` item drops out) and the CodePipeline
    // role (`iam:PassRole` on `*`) pass the CodeBuild role and the CodePipeline role, whose trust
    // is `codepipeline.${AWS::URLSuffix}` = codepipeline.amazonaws.com in partition aws.
    // MyIAMGroup has no members; the SSO permission set is no principal of this account.
    let user = "${cfn#0:MyIAMUser.UserName}";
    let pipe = "${cfn#0:CodePipelineServiceRole.RoleName}";
    let build = "${cfn#0:CodeBuildServiceRole.RoleName}";
    for (rel, line) in [
        ("cfn-policy-validator/test_files/test_file_2.yml", 329),
        ("cfn-policy-validator/test_files/test_file_2.json", 565),
    ] {
        check(
            rel,
            &[
                (pipe, build, "codebuild.amazonaws.com", "yes"),
                (pipe, pipe, "codepipeline.amazonaws.com", "yes"),
                (user, build, "codebuild.amazonaws.com", "yes"),
                (user, pipe, "codepipeline.amazonaws.com", "yes"),
            ],
            Some((2, At::Line(line))),
            &[],
        );
    }
}

#[test]
fn checkov() {
    let dir = "checkov/tests/cloudformation";
    // Roles with `Action: "*"` on `*` (inline, or a `!Sub` JSON string under a condition
    // `!Equals [0, 0]` that always holds) pass themselves.
    let exec = "${cfn#0:ExecutionRole.RoleName}";
    let root = "${cfn#0:RootRole.RoleName}";
    for (file, role, service, line) in [
        (
            "graph/checks/resources/SagemakerNotebookEncryption/template.yaml",
            exec,
            "sagemaker.amazonaws.com",
            35,
        ),
        (
            "graph/graph_runner/resources/SagemakerNotebookEncryption.yaml",
            exec,
            "sagemaker.amazonaws.com",
            35,
        ),
        (
            "checks/resource/aws/example_IAMStarActionPolicyDocument/iam_role.unknown.yaml",
            root,
            EC2,
            23,
        ),
        (
            "checks/resource/aws/example_IAMStarActionPolicyDocument/iam_role.fail.json",
            root,
            EC2,
            30,
        ),
        (
            "checks/resource/aws/example_IAMAdminPolicyDocument/iam_role.unknown.yaml",
            "${cfn#0:ExecRole.RoleName}",
            EC2,
            24,
        ),
        (
            "checks/resource/aws/example_IAMAdminPolicyDocument/iam_role.fail.json",
            root,
            EC2,
            30,
        ),
    ] {
        check(
            &format!("{dir}/{file}"),
            &[(role, role, service, "yes")],
            Some((0, At::Line(line))),
            &[],
        );
    }
    // The role with policy b (`Action: "*"`) passes both EC2 roles.
    let admin = "${cfn#0:PolicyOnePassPolicyTwoFailAdmin.RoleName}";
    check(
        &format!("{dir}/checks/resource/aws/Cloudsplaining_IAMRole/FAILED.yml"),
        &[
            (
                admin,
                "${cfn#0:PolicyOneFailPolicyTwoFailPermissionsWildcard.RoleName}",
                EC2,
                "yes",
            ),
            (admin, admin, EC2, "yes"),
        ],
        Some((0, At::Line(30))),
        &[],
    );
    // AmazonSageMakerFullAccess, statement AllowPassRoleToSageMaker: `arn:aws:iam::*:role/*`
    // with `iam:PassedToService` = sagemaker.amazonaws.com; the role trusts SageMaker.
    for (file, line) in [
        ("SagemakerNotebookInstanceAllowsIMDSv2-PASSED.yaml", 26),
        ("SagemakerNotebookInstanceAllowsIMDSv2-FAILED.yaml", 31),
    ] {
        check(
            &format!(
                "{dir}/checks/resource/aws/example_SagemakerNotebookInstanceAllowsIMDSv2/{file}"
            ),
            &[(exec, exec, "sagemaker.amazonaws.com", "yes")],
            Some((0, At::Attached("AmazonSageMakerFullAccess", line))),
            &[],
        );
    }
}

#[test]
fn roles_that_trust_everyone() {
    // Each role trusts every principal (`Principal: {AWS: "*"}` / `Principal: "*"`, everyone
    // including services, spec §2) and holds PassRole on `*` without a condition (inline,
    // l. 257, or through AdministratorAccess), so it passes itself to every service that
    // assumes roles, definitely: service "*". passgraph also warns (IAM016). Neither template
    // defines another role.
    for (rel, role, at) in [
        (
            "cfn-policy-validator/test_files/public_access_test.yml",
            "${cfn#0:CodePipelineServiceRole.RoleName}",
            At::Line(257),
        ),
        (
            "cfripper/tests/test_templates/rules/IAMRolesOverprivilegedRule/invalid_role_managed_policy.json",
            "${cfn#0:RootRole.RoleName}",
            At::Attached("AdministratorAccess", 21),
        ),
    ] {
        check(rel, &[(role, role, "*", "yes")], Some((0, at)), &[]);
        let (_, codes) = audit(rel);
        assert!(codes.contains(&"IAM016"), "{rel}: {codes:?}");
    }
}
