//! Findings through `passgraph_graph::analyze`.

use passgraph_graph::{Analysis, Options as GraphOptions, analyze};
use passgraph_model::{Account, SourceMap, Tri};
use passgraph_tfplan::Options;

use crate::{Loaded, fixture};

fn run(account: &Account, sm: &mut SourceMap) -> Analysis {
    let mut account = account.clone();
    passgraph_eval::managed::add_builtins(&mut account, &mut |p, t| sm.add(p, t));
    analyze(&account, &GraphOptions::default())
}

/// One line per finding: `kind/name -> role -> service certainty [via]`.
fn summary(a: &Analysis) -> Vec<String> {
    a.findings
        .iter()
        .map(|f| {
            let p = &a.principals[f.principal];
            let via: Vec<String> = f
                .via
                .iter()
                .map(|v| a.principals[*v].name.to_string())
                .collect();
            format!(
                "{}/{} -> {} -> {} {}{}",
                p.kind.as_str(),
                p.name,
                a.principals[f.role].name,
                f.service,
                if f.certainty == Tri::Yes {
                    "definite"
                } else {
                    "possible"
                },
                if via.is_empty() {
                    String::new()
                } else {
                    format!(" via {}", via.join(">"))
                },
            )
        })
        .collect()
}

fn findings(mut l: Loaded) -> (Vec<String>, Analysis, Loaded) {
    let a = run(&l.parsed.account.clone(), &mut l.sm);
    (summary(&a), a, l)
}

#[test]
fn fixture_findings() {
    let expect: &[(&str, &[&str])] = &[
        // The policy attached through an ARN known only after apply grants PassRole on app-* to
        // Lambda; the worker's unknown inline policy may grant anything.
        (
            "unknown-arns",
            &[
                "user/ci -> app-web -> lambda.amazonaws.com definite",
                "role/app-worker-${aws_iam_role.worker.name_suffix} -> app-web -> lambda.amazonaws.com possible",
                // ... including passing itself to EC2, which its trust policy lets in.
                "role/app-worker-${aws_iam_role.worker.name_suffix} -> app-worker-${aws_iam_role.worker.name_suffix} -> ec2.amazonaws.com possible",
            ],
        ),
        // The deleted admin role is gone: only the kept role can be passed.
        (
            "delete-role",
            &["user/ops -> app-kept -> ec2.amazonaws.com definite"],
        ),
        ("replace-role", &[]),
        // Each team role holds PassRole on role/teams/team-* (the graph leaves out a role passing itself).
        (
            "modules-for-each",
            &[
                "role/team-a -> team-a -> lambda.amazonaws.com definite",
                "role/team-a -> team-b -> lambda.amazonaws.com definite",
                "role/team-b -> team-a -> lambda.amazonaws.com definite",
                "role/team-b -> team-b -> lambda.amazonaws.com definite",
            ],
        ),
        (
            "prior-state-docs",
            &["user/runner -> batch-runner -> batch.amazonaws.com definite"],
        ),
        // Alone, the plan's admin role can pass only itself.
        (
            "overlay",
            &["role/app-admin -> app-admin -> ec2.amazonaws.com definite"],
        ),
    ];
    for (case, want) in expect {
        let (got, _, _) = findings(fixture(case, &Options::default()));
        assert_eq!(&got, want, "{case}");
    }
}

#[test]
fn proof_lines_point_into_the_plan() {
    let (_, a, l) = findings(fixture("unknown-arns", &Options::default()));
    let f = &a.findings[0];
    let grant = &f.proof.grants[0];
    assert_eq!(&*grant.policy, "arn:aws:iam::111122223333:policy/ci/deploy");
    assert_eq!(
        (l.line(&grant.origin), grant.origin.address.as_deref()),
        (153, Some("aws_iam_policy.deploy"))
    );
    let trust = &f.proof.trust[0];
    assert_eq!(trust.origin.address.as_deref(), Some("aws_iam_role.web"));
    assert_eq!(f.in_use_by.len(), 1);
}

/// A snapshot user may pass `role/app-*` to EC2; the plan creates `app-admin`. Laid over the
/// snapshot (with the snapshot's account bound into the plan), the user reaches the new role.
#[test]
fn plan_over_snapshot() {
    let snapshot = r#"{"UserDetailList": [{"UserName": "deployer", "Path": "/", "Arn": "arn:aws:iam::123456789012:user/deployer",
      "UserPolicyList": [{"PolicyName": "pass-app", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::123456789012:role/app-*"},
        {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"}]}}]}],
      "GroupDetailList": [], "RoleDetailList": [], "Policies": []}"#;
    let mut sm = SourceMap::default();
    let sfile = sm.add("snapshot.json", snapshot);
    let mut account = passgraph_snapshot::parse(sfile, snapshot).account;
    let plan = fixture("overlay", &Options::default());
    let mut top = plan.parsed.account.clone();
    top.bind(passgraph_model::value::ACCOUNT_HOLE, "123456789012");
    account.overlay(top);
    let a = run(&account, &mut sm);
    assert_eq!(
        summary(&a),
        [
            "user/deployer -> app-admin -> ec2.amazonaws.com definite",
            // An administrator role can pass itself.
            "role/app-admin -> app-admin -> ec2.amazonaws.com definite",
        ]
    );
}

/// Corpus plans with IAM content: findings checked by reading the policies (see the comments).
#[test]
fn corpus_findings() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpora/");
    let expect: &[(&str, &[&str])] = &[
        // The EKS role's AWS managed policies (AmazonEKSClusterPolicy, AmazonEKSServicePolicy)
        // are not built in but are known to grant no iam:PassRole: no finding.
        (
            "checkov/tests/terraform/parser/resources/plan_tags/tfplan.json",
            &[],
        ),
        // User `example` (aws_iam_user_policy.fail_3: iam:* on *) passes the Lambda role whose
        // name is generated at apply: the configuration sets neither `name` nor `name_prefix`,
        // so the provider names it `terraform-` and a suffix.
        (
            "checkov/tests/terraform/runner/resources/plan_with_iam_policies/tfplan.json",
            &[
                "user/example -> terraform-${aws_iam_role.example.name_suffix} -> lambda.amazonaws.com definite",
                // aws_iam_role_policy.fail_1 (iam:* on *) is the role's own: it passes itself.
                "role/terraform-${aws_iam_role.example.name_suffix} -> terraform-${aws_iam_role.example.name_suffix} -> lambda.amazonaws.com definite",
            ],
        ),
        // An admin user policy and an EC2 role.
        (
            "regula/rego/tests/rules/tf/aws/iam/inputs/admin_policy_infra.json",
            &[
                "user/my_test_user -> my_test_role -> ec2.amazonaws.com definite",
                // invalid_role_policy (* on *) is the role's own: it passes itself.
                "role/my_test_role -> my_test_role -> ec2.amazonaws.com definite",
            ],
        ),
        // The Lambda role's inline policy allows iam:PassRole on *: it can pass both EC2 roles
        // (and itself). The instance role has the same policy plus AmazonEC2RoleforSSM (not built
        // in, known to grant no PassRole and taken to deny nothing): definite too. The module's
        // role has only AmazonEC2RoleforSSM: no PassRole, no finding.
        (
            "terraform-compliance/tests/functional/test_issue-249-bad_feature/plan.out.json",
            &[
                "role/myapp-lambda-exec-role-sandbox -> myapp-lambda-exec-role-sandbox -> apigateway.amazonaws.com definite",
                "role/myapp-lambda-exec-role-sandbox -> myapp-lambda-exec-role-sandbox -> lambda.amazonaws.com definite",
                "role/myapp-lambda-exec-role-sandbox -> myapp-sandbox-instance-role-terraform -> ec2.amazonaws.com definite",
                "role/myapp-lambda-exec-role-sandbox -> myapp-sandbox-jmeter-results20190802184459805500000002 -> ec2.amazonaws.com definite",
                "role/myapp-sandbox-instance-role-terraform -> myapp-lambda-exec-role-sandbox -> apigateway.amazonaws.com definite",
                "role/myapp-sandbox-instance-role-terraform -> myapp-lambda-exec-role-sandbox -> lambda.amazonaws.com definite",
                "role/myapp-sandbox-instance-role-terraform -> myapp-sandbox-instance-role-terraform -> ec2.amazonaws.com definite",
                "role/myapp-sandbox-instance-role-terraform -> myapp-sandbox-jmeter-results20190802184459805500000002 -> ec2.amazonaws.com definite",
            ],
        ),
        // The demo policy passes role/topping-* to Lambda, but the plan creates no role.
        (
            "tf-iam-policy-validator/iam_check/test/iam_policy/test_plan.json",
            &[],
        ),
    ];
    for (rel, want) in expect {
        let bytes = std::fs::read(format!("{root}{rel}")).unwrap();
        let text = passgraph_json::decode(&bytes).unwrap();
        let (got, _, _) = findings(crate::load_text(rel, &text, &Options::default()));
        assert_eq!(&got, want, "{rel}");
    }
}
