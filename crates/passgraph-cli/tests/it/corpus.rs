//! Every authorization-details snapshot in shared/corpora loads; its findings are pinned.
//! Each pinned set was checked by hand against the file (see the comments), and the direct
//! findings were also compared with an independent evaluator written from the AWS rules.
//!
//! A role passing *itself* (IAM allows it: a role holding `iam:PassRole` on its own ARN can hand
//! itself to a service it trusts) is pinned apart, in `self_passes_match_the_independent_evaluator`;
//! the other tests compare [`others`], the findings whose role is not the principal.

use std::collections::BTreeMap;

use crate::{json, shared, triples};

fn corpus(path: &str) -> serde_json::Value {
    let p = shared().join("corpora").join(path);
    json(&["audit", &p.to_string_lossy()])
}

fn codes(v: &serde_json::Value) -> Vec<String> {
    v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("?").to_owned())
        .collect()
}

/// The report without the findings in which a role passes itself (pinned apart).
fn others(v: &serde_json::Value) -> serde_json::Value {
    let mut out = v.clone();
    if let Some(list) = out["findings"].as_array_mut() {
        list.retain(|f| f["principal"]["arn"] != f["role"]["arn"]);
    }
    out
}

#[test]
fn cloudmapper_demo() {
    // bad_role trusts {"AWS": "*"} and holds an inline `*` on `*`: every principal can assume it
    // and, through it, pass the three service roles (ec2, ecs-tasks, lambda). bad_role passes
    // them directly. Trusting "*" lets every service in too, so every principal can also pass
    // bad_role itself to any service ("*"). Nothing else grants iam:PassRole
    // (AmazonEC2RoleforSSM, BAD_MFA_POLICY, s3-only inline policies).
    let v = corpus(
        "cloudmapper/account-data/demo/us-east-1/iam-get-account-authorization-details.json",
    );
    assert_eq!(
        triples(&others(&v)),
        [
            "user/USER -> bad_role -> * definite via bad_role",
            "user/USER -> exfiller -> ec2.amazonaws.com definite via bad_role",
            "user/USER -> level3 -> ecs-tasks.amazonaws.com definite via bad_role",
            "user/USER -> level1 -> lambda.amazonaws.com definite via bad_role",
            "user/USER_WITH_BAD_INLINE_POLICY -> bad_role -> * definite via bad_role",
            "user/USER_WITH_BAD_INLINE_POLICY -> exfiller -> ec2.amazonaws.com definite via bad_role",
            "user/USER_WITH_BAD_INLINE_POLICY -> level3 -> ecs-tasks.amazonaws.com definite via bad_role",
            "user/USER_WITH_BAD_INLINE_POLICY -> level1 -> lambda.amazonaws.com definite via bad_role",
            "role/bad_role -> exfiller -> ec2.amazonaws.com definite",
            "role/bad_role -> level3 -> ecs-tasks.amazonaws.com definite",
            "role/bad_role -> level1 -> lambda.amazonaws.com definite",
            "role/exfiller -> bad_role -> * definite via bad_role",
            "role/exfiller -> level3 -> ecs-tasks.amazonaws.com definite via bad_role",
            "role/exfiller -> level1 -> lambda.amazonaws.com definite via bad_role",
            "role/level3 -> bad_role -> * definite via bad_role",
            "role/level3 -> exfiller -> ec2.amazonaws.com definite via bad_role",
            "role/level3 -> level1 -> lambda.amazonaws.com definite via bad_role",
            "role/level1 -> bad_role -> * definite via bad_role",
            "role/level1 -> exfiller -> ec2.amazonaws.com definite via bad_role",
            "role/level1 -> level3 -> ecs-tasks.amazonaws.com definite via bad_role",
        ]
    );
    // The users' ARNs name account "aws" (anonymised), no account id: the file is one account,
    // and no note says otherwise. bad_role trusts everyone (IAM016).
    assert_eq!(codes(&v), ["IAM016"]);
}

#[test]
fn cloudsplaining_example_authz_details() {
    // Account 012345678901. Roles: MyRole and MyOtherRole trust ssm.amazonaws.com, OverprivilegedEC2
    // trusts ec2.amazonaws.com (all at path /). PassRole grants, all on `*` without condition:
    // obama (AdministratorAccess attached, and group admin) and userwithlotsofpermissions (group
    // admin = AdministratorAccess); biden through AWSLambdaFullAccess, whose default version v8
    // lists iam:PassRole on `*` (biden's group: AmazonRDSFullAccess, only CreateServiceLinkedRole,
    // and an s3 inline policy); MyRole (EC2-IAM-example) and MyOtherRole (SupYo) through inline
    // statements that list iam:PassRole on `*`. OverprivilegedEC2 holds no PassRole (its SupYo is
    // secretsmanager/s3/CreateAccessKey, InsecurePolicy has none). No trust names an AWS principal,
    // so there are no chains; no Deny, boundary or condition, so everything is definite.
    let v = corpus("cloudsplaining/test/files/example-authz-details.json");
    assert_eq!(
        triples(&others(&v)),
        [
            "user/biden -> MyOtherRole -> ssm.amazonaws.com definite",
            "user/biden -> MyRole -> ssm.amazonaws.com definite",
            "user/biden -> OverprivilegedEC2 -> ec2.amazonaws.com definite",
            "user/obama -> MyOtherRole -> ssm.amazonaws.com definite",
            "user/obama -> MyRole -> ssm.amazonaws.com definite",
            "user/obama -> OverprivilegedEC2 -> ec2.amazonaws.com definite",
            "user/userwithlotsofpermissions -> MyOtherRole -> ssm.amazonaws.com definite",
            "user/userwithlotsofpermissions -> MyRole -> ssm.amazonaws.com definite",
            "user/userwithlotsofpermissions -> OverprivilegedEC2 -> ec2.amazonaws.com definite",
            "role/MyOtherRole -> MyRole -> ssm.amazonaws.com definite",
            "role/MyOtherRole -> OverprivilegedEC2 -> ec2.amazonaws.com definite",
            "role/MyRole -> MyOtherRole -> ssm.amazonaws.com definite",
            "role/MyRole -> OverprivilegedEC2 -> ec2.amazonaws.com definite",
        ]
    );
    assert!(codes(&v).is_empty(), "{:?}", codes(&v));
}

#[test]
fn cloudsplaining_example_authz_v2() {
    // BlakeBortles is in group GOAT, which attaches AdministratorAccess: the file does not carry
    // that policy, the built-in table does (`*` on `*`), so no IAM005 and the grant is definite.
    // Both roles (GOAT, MyOtherRole) trust ssm.amazonaws.com and hold only s3 inline policies.
    let v = corpus("cloudsplaining/test/files/example_authz_v2.json");
    assert_eq!(
        triples(&others(&v)),
        [
            "user/BlakeBortles -> GOAT -> ssm.amazonaws.com definite",
            "user/BlakeBortles -> MyOtherRole -> ssm.amazonaws.com definite",
        ]
    );
    assert_eq!(triples(&v).len(), 2, "no role here passes itself either");
    assert!(codes(&v).is_empty(), "{:?}", codes(&v));
}

#[test]
fn cloudsplaining_overrides() {
    // No users, groups or roles; one s3-only managed policy: nothing to find, nothing to say.
    let v = corpus("cloudsplaining/test/files/example_authz_details_for_overrides.json");
    assert!(triples(&v).is_empty());
    assert!(codes(&v).is_empty(), "{:?}", codes(&v));

    // BlakeBortles (group GOATGroup: AdministratorAccess, given in the file, + ecr-only
    // NotYourPolicy) and GOATRole (AdministratorAccess attached) pass every role; both roles trust
    // ssm.amazonaws.com. MyOtherRole holds only s3 actions.
    let v = corpus("cloudsplaining/test/files/example_authz_details_for_overrides_complete.json");
    assert_eq!(
        triples(&others(&v)),
        [
            "user/BlakeBortles -> GOATRole -> ssm.amazonaws.com definite",
            "user/BlakeBortles -> MyOtherRole -> ssm.amazonaws.com definite",
            "role/GOATRole -> MyOtherRole -> ssm.amazonaws.com definite",
        ]
    );
    assert!(codes(&v).is_empty(), "{:?}", codes(&v));
}

#[test]
fn cloudsplaining_managed_policy_mismatch() {
    // No users and no RoleDetailList; group anton-test attaches AWSLambdaReadOnlyAccess while the
    // file carries AWSLambda_ReadOnlyAccess (another ARN). AWSLambdaReadOnlyAccess is a
    // deprecated AWS managed policy, in the built-in table: its document is known, so nothing
    // to say; and no finding (no principal, no role).
    let v = corpus("cloudsplaining/test/files/managed_policy_mismatch.json");
    assert!(triples(&v).is_empty());
    assert!(codes(&v).is_empty(), "{:?}", codes(&v));
}

#[test]
fn aws_cli_example() {
    // AWS's own CLI example (a truncated page). Only EC2role exists; it trusts ec2.amazonaws.com.
    // Alice: group Admins -> AdministratorAccess (attachment given as an object, not a list).
    // Bob: same group, but his inline DenyBillingAndIAMPolicy denies iam:* -> no finding.
    // Charlie: group Dev -> PowerUserAccess (NotAction iam:*) -> no PassRole. EC2role: S3 and
    // DynamoDB full access; DynamoDB's PassRole is only for application-autoscaling/dax, which
    // EC2role does not trust. IAM013 says the listing is truncated.
    let v = corpus("aws-cli-examples/awscli/examples/iam/get-account-authorization-details.json");
    assert_eq!(
        triples(&others(&v)),
        ["user/Alice -> EC2role -> ec2.amazonaws.com definite"]
    );
    assert_eq!(triples(&v).len(), 1);
    assert_eq!(codes(&v), ["IAM013"]);
}

#[test]
fn cloudsplaining_example() {
    // Two accounts in one file: 012345678901 (the three users and three roles of
    // example-authz-details.json, same findings) and 200611803367 (41 users, 75 roles). PassRole
    // never crosses accounts. In 200611803367, 35 (role, service) pairs are passable: 16
    // QuickSetup roles (ssm), StackSet-Local-AdministrationRole (cloudformation), 8 service-linked
    // roles (their own service; ARNs with path /aws-service-role/<svc>/), privesc-high-priv-
    // service-role (10 services). Principals with PassRole on `*` (AdministratorAccess,
    // `*`-policies, iam:*, fn4's Allow NotAction [iam:Update*, iam:Create*, iam:Attach*],
    // fn1-passrole-star, the privesc PassRole policies) get all 35. QuickSetup roles pass only
    // AWSServiceRoleForConfig (their second Resource carries the path; the first, without it, does
    // not match). AWSServiceRoleForAmazonSSM passes only ssm-trusting roles (PassedToService
    // condition). fp1 (Allow+Deny iam:*), fp2 (deny-all), fp3 (Deny iam:*), fp4/fp5 and the
    // other privesc principals without PassRole have none. Chains (trust names the caller's ARN):
    // AdministrationRole -> ExecutionRole (AdministratorAccess); intermediate -> ending (`*`);
    // starting -> intermediate -> ending. An independent evaluator gives the same 1155 direct and
    // 104 chained findings, all definite (no condition other than iam:PassedToService, no boundary).
    let v = corpus("cloudsplaining/examples/files/example.json");
    let o = others(&v);
    let fs = o["findings"].as_array().expect("findings");
    assert_eq!(fs.len(), 1259);
    assert_eq!(
        fs.iter().filter(|f| f["certainty"] == "definite").count(),
        1259
    );
    assert_eq!(
        fs.iter()
            .filter(|f| f["via"].as_array().is_some_and(|a| !a.is_empty()))
            .count(),
        104
    );
    let mut per: BTreeMap<String, usize> = BTreeMap::new();
    for f in fs {
        let key = format!(
            "{}/{}",
            f["principal"]["kind"].as_str().unwrap_or("?"),
            f["principal"]["name"].as_str().unwrap_or("?")
        );
        *per.entry(key).or_default() += 1;
    }
    let quick = [
        "ap-northeast-1",
        "ap-northeast-2",
        "ap-south-1",
        "ap-southeast-1",
        "ap-southeast-2",
        "ca-central-1",
        "eu-central-1",
        "eu-north-1",
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "sa-east-1",
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
    ];
    let mut want: BTreeMap<String, usize> = quick
        .iter()
        .map(|r| (format!("role/AWS-QuickSetup-EnableCRecording-1clff_{r}"), 1))
        .collect();
    let all_35 = [
        "user/fn1-privesc3-partial-user",
        "user/fn4-exploitableNotAction-user",
        "user/privesc-codeBuildCreateProjectPassRole-user",
        "user/privesc-sageMakerCreateNotebookPassRole-user",
        "user/privesc-sageMakerCreateProcessingJobPassRole-user",
        "user/privesc-sageMakerCreateTrainingJobPassRole-user",
        "user/privesc-sre-user",
        "user/privesc15-PassExistingRoleToNewLambdaThenInvoke-user",
        "user/privesc16-PassRoleToNewLambdaThenTriggerWithNewDynamo-user",
        "user/privesc18-PassExistingRoleToNewGlueDevEndpoint-user",
        "user/privesc20-PassExistingRoleToCloudFormation-user",
        "user/privesc21-PassExistingRoleToNewDataPipeline-user",
        "user/privesc3-CreateEC2WithExistingInstanceProfile-user",
        "role/AWS-QuickSetup-StackSet-Local-ExecutionRole",
        "role/OrganizationAccountAccessRole",
        "role/AWSReservedSSO_AdministratorAccess_dc6414f7f2ab04fc",
        "role/fn1-privesc3-partial-role",
        "role/fn4-exploitableNotAction-role",
        "role/privesc-AssumeRole-ending-role",
        "role/privesc-AssumeRole-intermediate-role",
        "role/privesc-AssumeRole-starting-role",
        "role/privesc-codeBuildCreateProjectPassRole-role",
        "role/privesc-sageMakerCreateNotebookPassRole-role",
        "role/privesc-sageMakerCreateProcessingJobPassRole-role",
        "role/privesc-sageMakerCreateTrainingJobPassRole-role",
        "role/privesc-sre-role",
        "role/privesc15-PassExistingRoleToNewLambdaThenInvoke-role",
        "role/privesc16-PassRoleToNewLambdaThenTriggerWithNewDynamo-role",
        "role/privesc18-PassExistingRoleToNewGlueDevEndpoint-role",
        "role/privesc20-PassExistingRoleToCloudFormation-role",
        "role/privesc21-PassExistingRoleToNewDataPipeline-role",
        "role/privesc3-CreateEC2WithExistingInstanceProfile-role",
        "role/stacksets-exec-b5520cb2730c2f54b523d6375a319abb",
    ];
    want.extend(all_35.iter().map(|p| ((*p).to_owned(), 35)));
    want.extend(
        [
            ("user/biden", 3),
            ("user/obama", 3),
            ("user/userwithlotsofpermissions", 3),
            ("role/MyOtherRole", 2),
            ("role/MyRole", 2),
            ("role/AWS-QuickSetup-StackSet-Local-AdministrationRole", 34),
            ("role/AWSServiceRoleForAmazonSSM", 16),
            ("role/privesc-high-priv-service-role", 25),
        ]
        .map(|(p, n)| (p.to_owned(), n)),
    );
    assert_eq!(want.len(), 57);
    assert_eq!(per, want);
    let t = triples(&o);
    for verified in [
        // AWSLambdaFullAccess v8: iam:PassRole on `*`.
        "user/biden -> OverprivilegedEC2 -> ec2.amazonaws.com definite",
        // Allow NotAction [iam:Update*, iam:Create*, iam:Attach*] on `*` grants iam:PassRole.
        "user/fn4-exploitableNotAction-user -> privesc-high-priv-service-role -> lambda.amazonaws.com definite",
        "user/privesc-sre-user -> AWSServiceRoleForSSO -> sso.amazonaws.com definite",
        // Resource arn:aws:iam::*:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig.
        "role/AWS-QuickSetup-EnableCRecording-1clff_us-west-2 -> AWSServiceRoleForConfig -> config.amazonaws.com definite",
        // AmazonSSMServiceRolePolicy: PassRole on `*` with iam:PassedToService = ssm.amazonaws.com.
        "role/AWSServiceRoleForAmazonSSM -> AWS-QuickSetup-EnableCRecording-1clff_us-east-1 -> ssm.amazonaws.com definite",
        "role/MyRole -> OverprivilegedEC2 -> ec2.amazonaws.com definite",
        // ExecutionRole's trust names AdministrationRole's ARN; ExecutionRole has AdministratorAccess.
        "role/AWS-QuickSetup-StackSet-Local-AdministrationRole -> AWSServiceRoleForSecurityHub -> securityhub.amazonaws.com definite via AWS-QuickSetup-StackSet-Local-ExecutionRole",
        // Each trust names the previous role's ARN (no identity grant needed in one account).
        "role/privesc-AssumeRole-starting-role -> privesc-high-priv-service-role -> ec2.amazonaws.com definite via privesc-AssumeRole-intermediate-role>privesc-AssumeRole-ending-role",
        "role/privesc-AssumeRole-intermediate-role -> AWS-QuickSetup-StackSet-Local-AdministrationRole -> cloudformation.amazonaws.com definite via privesc-AssumeRole-ending-role",
    ] {
        assert!(t.iter().any(|x| x == verified), "missing: {verified}");
    }
    // Cross-account: obama (012345678901, administrator) passes no role of 200611803367.
    let obama: Vec<&String> = t
        .iter()
        .filter(|x| x.starts_with("user/obama -> "))
        .collect();
    assert_eq!(
        obama,
        [
            "user/obama -> MyOtherRole -> ssm.amazonaws.com definite",
            "user/obama -> MyRole -> ssm.amazonaws.com definite",
            "user/obama -> OverprivilegedEC2 -> ec2.amazonaws.com definite",
        ]
    );
    // The file mixes accounts 012345678901 and 200611803367: a note says so.
    assert_eq!(codes(&v), ["IAM007"]);
}

/// The self-passes, checked against the same independent evaluator: each role below holds
/// `iam:PassRole` on its own ARN (directly, or after assuming a role that does) and trusts the
/// service.
#[test]
fn self_passes_match_the_independent_evaluator() {
    let selves = |path: &str| -> (usize, Vec<String>) {
        let v = corpus(path);
        let n = v["findings"].as_array().map_or(0, Vec::len);
        let mut only = v.clone();
        if let Some(list) = only["findings"].as_array_mut() {
            list.retain(|f| f["principal"]["arn"] == f["role"]["arn"]);
        }
        (n, triples(&only))
    };
    assert_eq!(
        selves(
            "cloudmapper/account-data/demo/us-east-1/iam-get-account-authorization-details.json"
        ),
        (
            // 15 others, 5 passes of bad_role to any service (4 through it), 4 self-passes.
            24,
            vec![
                "role/bad_role -> bad_role -> * definite".to_owned(),
                "role/exfiller -> exfiller -> ec2.amazonaws.com definite via bad_role".to_owned(),
                "role/level3 -> level3 -> ecs-tasks.amazonaws.com definite via bad_role".to_owned(),
                "role/level1 -> level1 -> lambda.amazonaws.com definite via bad_role".to_owned(),
            ]
        )
    );
    assert_eq!(
        selves("cloudsplaining/test/files/example-authz-details.json"),
        (
            15,
            vec![
                "role/MyOtherRole -> MyOtherRole -> ssm.amazonaws.com definite".to_owned(),
                "role/MyRole -> MyRole -> ssm.amazonaws.com definite".to_owned(),
            ]
        )
    );
    assert_eq!(
        selves("cloudsplaining/test/files/example_authz_details_for_overrides_complete.json"),
        (
            4,
            vec!["role/GOATRole -> GOATRole -> ssm.amazonaws.com definite".to_owned()]
        )
    );
    let (n, example) = selves("cloudsplaining/examples/files/example.json");
    assert_eq!(
        n, 1273,
        "1259 others and 14 self-passes, as the independent evaluator counts"
    );
    let services = [
        "cloudformation",
        "codebuild",
        "datapipeline",
        "ec2",
        "ecs-tasks",
        "eks",
        "elasticbeanstalk",
        "glue",
        "lambda",
        "sagemaker",
    ];
    let mut want = vec![
        "role/MyOtherRole -> MyOtherRole -> ssm.amazonaws.com definite".to_owned(),
        "role/MyRole -> MyRole -> ssm.amazonaws.com definite".to_owned(),
        "role/AWS-QuickSetup-StackSet-Local-AdministrationRole -> AWS-QuickSetup-StackSet-Local-AdministrationRole -> cloudformation.amazonaws.com definite via AWS-QuickSetup-StackSet-Local-ExecutionRole".to_owned(),
        "role/AWSServiceRoleForAmazonSSM -> AWSServiceRoleForAmazonSSM -> ssm.amazonaws.com definite".to_owned(),
    ];
    want.extend(services.iter().map(|s| format!("role/privesc-high-priv-service-role -> privesc-high-priv-service-role -> {s}.amazonaws.com definite")));
    assert_eq!(example, want);
}
