//! Acceptance: BishopFox/iam-vulnerable as a whole (root `main.tf` calling two local modules;
//! the five `non-free-resources` module calls are commented out and must not count).
//!
//! What the README describes, worked out from the `.tf` files: one service role,
//! `privesc-high-priv-service-role` (policy `*` on `*`, trusted by ten services, in instance
//! profile `privesc-high-priv-service-profile`), is the role every PassRole path passes. The
//! principals whose policies allow `iam:PassRole` (explicitly, through `iam:*`, `*` or a
//! `NotAction` that does not exclude it) can pass it to each of the ten services; each path's
//! own launch action makes exactly its service exploitable (CreateEC2WithExistingIP → EC2,
//! PassExistingRoleToNewLambdaThenInvoke / PassRoleToNewLambdaThenTriggerWithNewDynamo → Lambda,
//! PassExistingRoleToNewGlueDevEndpoint → Glue, PassExistingRoleToCloudFormation →
//! CloudFormation, PassExistingRoleToNewDataPipeline → Data Pipeline, codeBuildCreateProject →
//! CodeBuild, the three SageMaker paths → SageMaker). The AssumeRole chain reaches the
//! `*`-policy of `privesc-AssumeRole-ending-role` through two assume-role hops. The tool-testing
//! true positives (fn1 split policies, fn4 NotAction) are found; the false positives (fp1 allow
//! and deny in one policy, fp2 allow-all and deny-all, fp3 deny, fp4/fp5 non-exploitable
//! constraints) and the non-PassRole paths get no finding.

use std::collections::{BTreeMap, BTreeSet};

use passgraph_model::Tri;

use crate::support::{FsSource, at, corpora};

const SERVICES: [&str; 10] = [
    "cloudformation.amazonaws.com",
    "codebuild.amazonaws.com",
    "datapipeline.amazonaws.com",
    "ec2.amazonaws.com",
    "ecs-tasks.amazonaws.com",
    "eks.amazonaws.com",
    "elasticbeanstalk.amazonaws.com",
    "glue.amazonaws.com",
    "lambda.amazonaws.com",
    "sagemaker.amazonaws.com",
];

/// Principals with findings, the roles they assume on the way, and the services their own
/// permissions make exploitable.
const EXPECTED: &[(&str, &[&str], &[&str])] = &[
    ("role fn1-privesc3-partial-role", &[], &["ec2"]),
    ("role fn4-exploitableNotAction-role", &[], &["*"]),
    ("role privesc-AssumeRole-ending-role", &[], &["*"]),
    // The administrator service role passes itself (it already holds its own permissions).
    ("role privesc-high-priv-service-role", &[], &["*"]),
    (
        "role privesc-AssumeRole-intermediate-role",
        &["privesc-AssumeRole-ending-role"],
        &["*"],
    ),
    (
        "role privesc-AssumeRole-starting-role",
        &[
            "privesc-AssumeRole-intermediate-role",
            "privesc-AssumeRole-ending-role",
        ],
        &["*"],
    ),
    (
        "role privesc-codeBuildCreateProjectPassRole-role",
        &[],
        &["codebuild"],
    ),
    (
        "role privesc-sageMakerCreateNotebookPassRole-role",
        &[],
        &["sagemaker"],
    ),
    (
        "role privesc-sageMakerCreateProcessingJobPassRole-role",
        &[],
        &["sagemaker"],
    ),
    (
        "role privesc-sageMakerCreateTrainingJobPassRole-role",
        &[],
        &["sagemaker"],
    ),
    ("role privesc-sre-role", &[], &["ec2"]),
    (
        "role privesc15-PassExistingRoleToNewLambdaThenInvoke-role",
        &[],
        &["lambda"],
    ),
    (
        "role privesc16-PassRoleToNewLambdaThenTriggerWithNewDynamo-role",
        &[],
        &["lambda"],
    ),
    (
        "role privesc18-PassExistingRoleToNewGlueDevEndpoint-role",
        &[],
        &["glue"],
    ),
    (
        "role privesc20-PassExistingRoleToCloudFormation-role",
        &[],
        &["cloudformation"],
    ),
    (
        "role privesc21-PassExistingRoleToNewDataPipeline-role",
        &[],
        &["datapipeline"],
    ),
    (
        "role privesc3-CreateEC2WithExistingInstanceProfile-role",
        &[],
        &["ec2"],
    ),
    ("user fn1-privesc3-partial-user", &[], &["ec2"]),
    ("user fn4-exploitableNotAction-user", &[], &["*"]),
    (
        "user privesc-codeBuildCreateProjectPassRole-user",
        &[],
        &["codebuild"],
    ),
    (
        "user privesc-sageMakerCreateNotebookPassRole-user",
        &[],
        &["sagemaker"],
    ),
    (
        "user privesc-sageMakerCreateProcessingJobPassRole-user",
        &[],
        &["sagemaker"],
    ),
    (
        "user privesc-sageMakerCreateTrainingJobPassRole-user",
        &[],
        &["sagemaker"],
    ),
    ("user privesc-sre-user", &[], &["ec2"]),
    (
        "user privesc15-PassExistingRoleToNewLambdaThenInvoke-user",
        &[],
        &["lambda"],
    ),
    (
        "user privesc16-PassRoleToNewLambdaThenTriggerWithNewDynamo-user",
        &[],
        &["lambda"],
    ),
    (
        "user privesc18-PassExistingRoleToNewGlueDevEndpoint-user",
        &[],
        &["glue"],
    ),
    (
        "user privesc20-PassExistingRoleToCloudFormation-user",
        &[],
        &["cloudformation"],
    ),
    (
        "user privesc21-PassExistingRoleToNewDataPipeline-user",
        &[],
        &["datapipeline"],
    ),
    (
        "user privesc3-CreateEC2WithExistingInstanceProfile-user",
        &[],
        &["ec2"],
    ),
];

/// Per principal: the roles assumed on the way, the services, the exploitable services.
type Summary<'a> = BTreeMap<String, (Vec<String>, BTreeSet<&'a str>, BTreeSet<String>)>;

fn load() -> (passgraph_model::Parsed, passgraph_hcl::Stats, FsSource) {
    let root = corpora().join("iam-vulnerable");
    let mut src = FsSource::new(&root);
    let (p, stats) =
        passgraph_hcl::load_with_stats(&root, &mut src, &passgraph_hcl::Options::default());
    (p, stats, src)
}

#[test]
fn model() {
    let (p, stats, _) = load();
    assert!(p.diagnostics.is_empty(), "{:#?}", p.diagnostics);
    // The commented-out module calls (lambda, ec2, glue, sagemaker, cloudformation) are not loaded.
    assert_eq!(
        stats.modules,
        ["", "module.privesc-paths", "module.tool-testing"]
    );
    assert_eq!(stats.files, 47);
    let a = &p.account;
    assert_eq!(
        (
            a.users.len(),
            a.groups.len(),
            a.roles.len(),
            a.policies.len(),
            a.instance_profiles.len()
        ),
        (41, 3, 45, 44, 1)
    );
    assert_eq!(
        (a.memberships.len(), a.attachments.len(), a.role_uses.len()),
        (3, 87, 0)
    );
    let sre = a
        .roles
        .iter()
        .find(|r| r.name.as_known() == Some("privesc-sre-role"))
        .unwrap();
    assert_eq!(
        sre.attached[0].arn.to_string(),
        "arn:aws:iam::${aws:account}:policy/privesc-sre-admin-policy"
    );
    assert_eq!(
        sre.origin.address.as_deref(),
        Some("module.privesc-paths.aws_iam_role.privesc-sre-role")
    );
    // Roles trusted by the caller of terraform are trusted by a principal outside the configuration.
    let start = a
        .roles
        .iter()
        .find(|r| r.name.as_known() == Some("privesc-AssumeRole-starting-role"))
        .unwrap();
    let p0 = start.trust.statements[0].principals.as_ref().unwrap();
    assert_eq!(
        p0.entries[0].1.to_string(),
        "arn:aws:sts::${aws:account}:assumed-role/${data.aws_caller_identity.current.arn}"
    );
    let profile = &a.instance_profiles[0];
    assert_eq!(
        profile.roles[0].as_known(),
        Some("privesc-high-priv-service-role")
    );
}

#[test]
fn findings() {
    let (p, _, src) = load();
    // With the built-in AWS managed policies, as the CLI runs it.
    let mut account = p.account.clone();
    let mut sm = passgraph_model::SourceMap::default();
    passgraph_eval::managed::add_builtins(&mut account, &mut |p, t| sm.add(p, t));
    let a = passgraph_graph::analyze(&account, &passgraph_graph::Options::default());
    let name = |i: usize| a.principals[i].name.to_string();
    let mut got: Summary<'_> = BTreeMap::new();
    for f in &a.findings {
        let who = format!(
            "{} {}",
            a.principals[f.principal].kind.as_str(),
            name(f.principal)
        );
        assert_eq!(name(f.role), "privesc-high-priv-service-role", "{who}");
        assert_eq!(f.certainty, Tri::Yes, "{who} {}", f.service);
        let e = got.entry(who).or_default();
        e.0 = f.via.iter().map(|v| name(*v)).collect();
        e.1.insert(&f.service);
        if f.exploitable == Tri::Yes {
            e.2.insert(f.service.trim_end_matches(".amazonaws.com").to_owned());
        }
    }
    let all: BTreeSet<&str> = SERVICES.into_iter().collect();
    let expected: Summary<'_> = EXPECTED
        .iter()
        .map(|(who, via, expl)| {
            let expl: BTreeSet<String> = if expl == &["*"] {
                SERVICES
                    .iter()
                    .map(|s| s.trim_end_matches(".amazonaws.com").to_owned())
                    .collect()
            } else {
                expl.iter().map(|s| (*s).to_owned()).collect()
            };
            (
                (*who).to_owned(),
                (
                    via.iter().map(|s| (*s).to_owned()).collect(),
                    all.clone(),
                    expl,
                ),
            )
        })
        .collect();
    assert_eq!(got, expected);
    // 30 principals (29, and the service role itself) × 10 services.
    assert_eq!(a.findings.len(), 300);

    // No finding for the false-positive test principals nor the non-PassRole paths.
    for f in &a.findings {
        let n = name(f.principal);
        assert!(
            !n.starts_with("fp") && !n.starts_with("fn2") && !n.starts_with("fn3"),
            "{n}"
        );
    }

    // The finding points at the statement that grants iam:PassRole and at the trust statement.
    let f = a
        .findings
        .iter()
        .find(|f| {
            name(f.principal) == "privesc3-CreateEC2WithExistingInstanceProfile-user"
                && &*f.service == "ec2.amazonaws.com"
        })
        .unwrap();
    let grants: Vec<String> = f
        .proof
        .grants
        .iter()
        .map(|g| at(&src.map, &g.origin))
        .collect();
    assert_eq!(
        grants,
        ["modules/free-resources/privesc-paths/privesc3-CreateEC2WithExistingIP.tf:11:7"]
    );
    assert_eq!(
        f.proof.grants[0].origin.address.as_deref(),
        Some("module.privesc-paths.aws_iam_policy.privesc3-CreateEC2WithExistingInstanceProfile")
    );
    let trust: Vec<String> = f
        .proof
        .trust
        .iter()
        .map(|g| at(&src.map, &g.origin))
        .collect();
    assert_eq!(
        trust,
        ["modules/free-resources/privesc-paths/service-linked-role-common.tf:31:7"]
    );

    // A grant through a `data "aws_iam_policy_document"` points at its `statement` block, and
    // a NotAction grant at its jsonencode object.
    let f = a
        .findings
        .iter()
        .find(|f| name(f.principal) == "fn4-exploitableNotAction-user")
        .unwrap();
    let grants: Vec<String> = f
        .proof
        .grants
        .iter()
        .map(|g| at(&src.map, &g.origin))
        .collect();
    assert_eq!(
        grants,
        ["modules/free-resources/tool-testing/fn4-ExploitableNotAction.tf:11:7"]
    );
}
