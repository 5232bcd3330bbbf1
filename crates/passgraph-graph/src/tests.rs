use passgraph_model::{SourceMap, Tri};

use super::*;

/// Reads a snapshot (with the built-in managed policies it attaches) and analyses it.
pub(crate) fn analyze_text(text: &str) -> (Analysis, SourceMap) {
    let mut sm = SourceMap::default();
    let file = sm.add("snapshot.json", text);
    let parsed = passgraph_snapshot::parse(file, text);
    assert!(
        parsed
            .diagnostics
            .iter()
            .all(|d| d.level != passgraph_model::Level::Error),
        "{:?}",
        parsed.diagnostics
    );
    let mut account = parsed.account;
    passgraph_eval::managed::add_builtins(&mut account, &mut |p, t| sm.add(p, t));
    (analyze(&account, &Options::default()), sm)
}

/// One line per finding: `kind/name -> role -> service certainty [via] exploitable severity`.
pub(crate) fn summary(a: &Analysis) -> Vec<String> {
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
                "{}/{} -> {} -> {} {}{} exploitable={} {}",
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
                f.exploitable,
                f.severity.as_str(),
            )
        })
        .collect()
}

/// The index of the principal named `name`.
fn principal(a: &Analysis, name: &str) -> usize {
    a.principals
        .iter()
        .position(|x| x.name.to_string() == name)
        .expect(name)
}

fn check(text: &str, expect: &[&str]) {
    let (a, _) = analyze_text(text);
    assert_eq!(summary(&a), expect);
}

#[test]
fn aws_documentation_examples() {
    let text = include_str!("../../../testdata/snapshot/aws-doc-passrole-examples.json");
    let (a, sm) = analyze_text(text);
    assert_eq!(
        summary(&a),
        [
            "user/db-admin -> RDS-Monitoring-Role -> monitoring.rds.amazonaws.com definite exploitable=yes low",
            "user/xyz-admin -> EC2-roles-for-XYZ-web -> ec2.amazonaws.com definite exploitable=yes critical",
            // The web role is an administrator: it can pass every role, itself included.
            "role/EC2-roles-for-XYZ-web -> EC2-roles-for-XYZ-web -> ec2.amazonaws.com definite exploitable=yes critical",
            "role/EC2-roles-for-XYZ-web -> RDS-Monitoring-Role -> monitoring.rds.amazonaws.com definite exploitable=yes low",
            "role/EC2-roles-for-XYZ-web -> EC2-roles-for-XYZ-batch -> ec2.amazonaws.com definite exploitable=yes low",
        ]
    );
    // The proof points at the group's statement and at the trust statement.
    let f = &a.findings[1];
    let grant = sm.locate(&f.proof.grants[0].origin);
    assert_eq!((grant.file.as_str(), grant.line), ("snapshot.json", 68));
    assert_eq!(
        &*f.proof.grants[0].policy,
        "group/xyz-operators/inline/PassEc2RolesForXyz"
    );
    let trust = sm.locate(&f.proof.trust[0].origin);
    assert_eq!(trust.line, 90);
}

const HEAD: &str = r#"{"UserDetailList": [{"UserName": "alice", "Arn": "arn:aws:iam::123456789012:user/alice", "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": "#;

fn one_user(policy: &str, roles: &str) -> String {
    format!(r#"{HEAD}{policy}}}]}}], "RoleDetailList": [{roles}]}}"#)
}

fn role(name: &str, services: &[&str]) -> String {
    let svc: Vec<String> = services.iter().map(|s| format!("\"{s}\"")).collect();
    format!(
        r#"{{"RoleName": "{name}", "Arn": "arn:aws:iam::123456789012:role/{name}", "AssumeRolePolicyDocument": {{"Statement": [{{"Effect": "Allow", "Principal": {{"Service": [{}]}}, "Action": "sts:AssumeRole"}}]}}}}"#,
        svc.join(",")
    )
}

#[test]
fn passed_to_service_limits_services_and_unknown_conditions_are_possible() {
    let policy = r#"{"Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*", "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}},
                     {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::123456789012:role/ops*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}"#;
    let roles = format!(
        "{},{}",
        role("app", &["lambda.amazonaws.com", "ec2.amazonaws.com"]),
        role("ops", &["ec2.amazonaws.com"])
    );
    let (a, _) = analyze_text(&one_user(policy, &roles));
    assert_eq!(
        summary(&a),
        [
            "user/alice -> app -> lambda.amazonaws.com definite exploitable=no low",
            "user/alice -> ops -> ec2.amazonaws.com possible exploitable=no low",
        ]
    );
    assert!(
        a.findings[1].proof.reasons[0].contains("aws:multifactorauthpresent"),
        "{:?}",
        a.findings[1].proof.reasons
    );
}

#[test]
fn rds_monitoring_value_is_uncertain() {
    // AWS does not document which PassedToService value enhanced monitoring uses: a grant
    // restricted to one candidate is possible, not definite.
    let policy = r#"{"Statement": {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*", "Condition": {"StringEquals": {"iam:PassedToService": "rds.amazonaws.com"}}}}"#;
    let (a, _) = analyze_text(&one_user(
        policy,
        &role("mon", &["monitoring.rds.amazonaws.com"]),
    ));
    assert_eq!(
        summary(&a),
        ["user/alice -> mon -> monitoring.rds.amazonaws.com possible exploitable=no low"]
    );
}

#[test]
fn deny_and_not_action() {
    let policy = r#"{"Statement": [{"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}, {"Effect": "Deny", "Action": "iam:PassRole", "Resource": "arn:aws:iam::123456789012:role/admin"}]}"#;
    let roles = format!(
        "{},{}",
        role("admin", &["ec2.amazonaws.com"]),
        role("web", &["ec2.amazonaws.com"])
    );
    check(
        &one_user(policy, &roles),
        &["user/alice -> web -> ec2.amazonaws.com definite exploitable=yes low"],
    );
}

#[test]
fn assume_role_chains_give_via() {
    // alice may assume hop (the trust names her), hop may assume deployer (the trust names
    // the account, and hop's identity policy allows sts:AssumeRole), deployer passes any role.
    let text = r#"{
 "UserDetailList": [{"UserName": "alice", "Arn": "arn:aws:iam::123456789012:user/alice"},
                    {"UserName": "bob", "Arn": "arn:aws:iam::123456789012:user/bob"}],
 "RoleDetailList": [
  {"RoleName": "hop", "Arn": "arn:aws:iam::123456789012:role/hop",
   "AssumeRolePolicyDocument": {"Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/alice"}, "Action": "sts:AssumeRole"}},
   "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": {"Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::123456789012:role/deployer"}}}]},
  {"RoleName": "deployer", "Arn": "arn:aws:iam::123456789012:role/deployer",
   "AssumeRolePolicyDocument": {"Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}},
   "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": {"Statement": {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}}}]},
  {"RoleName": "worker", "Arn": "arn:aws:iam::123456789012:role/worker",
   "AssumeRolePolicyDocument": {"Statement": {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}}}
 ]}"#;
    // bob is named nowhere and has no identity grant: nothing. The account-root trust alone
    // does not let alice assume deployer directly.
    check(
        text,
        &[
            "user/alice -> worker -> lambda.amazonaws.com definite via hop>deployer exploitable=no low",
            "role/deployer -> worker -> lambda.amazonaws.com definite exploitable=no low",
            "role/hop -> worker -> lambda.amazonaws.com definite via deployer exploitable=no low",
        ],
    );
}

/// Across accounts the trust policy is not enough: the caller's own policies must allow
/// `sts:AssumeRole` too (semantics §1.7), whether the trust names the caller or everyone; the
/// statements that allow it are the hop's grants. An account segment that is no account id
/// (anonymised samples write `aws`) is the input's account.
#[test]
fn a_role_of_another_account_needs_the_callers_own_grant() {
    let text = |carol_policy: &str| {
        format!(
            r#"{{
 "UserDetailList": [
  {{"UserName": "alice", "Arn": "arn:aws:iam::111122223333:user/alice"}},
  {{"UserName": "carol", "Arn": "arn:aws:iam::111122223333:user/carol",
    "UserPolicyList": [{{"PolicyName": "p", "PolicyDocument": {carol_policy}}}]}},
  {{"UserName": "dave", "Arn": "arn:aws:iam::aws:user/dave"}}],
 "RoleDetailList": [
  {{"RoleName": "named", "Arn": "arn:aws:iam::444455556666:role/named",
   "AssumeRolePolicyDocument": {{"Statement": {{"Effect": "Allow", "Principal": {{"AWS": ["arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:user/carol"]}}, "Action": "sts:AssumeRole"}}}},
   "RolePolicyList": [{{"PolicyName": "p", "PolicyDocument": {{"Statement": {{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::444455556666:role/worker"}}}}}}]}},
  {{"RoleName": "open", "Arn": "arn:aws:iam::444455556666:role/open",
   "AssumeRolePolicyDocument": {{"Statement": {{"Effect": "Allow", "Principal": {{"AWS": "*"}}, "Action": "sts:AssumeRole"}}}},
   "RolePolicyList": [{{"PolicyName": "p", "PolicyDocument": {{"Statement": {{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::444455556666:role/worker2"}}}}}}]}},
  {{"RoleName": "worker", "Arn": "arn:aws:iam::444455556666:role/worker",
   "AssumeRolePolicyDocument": {{"Statement": {{"Effect": "Allow", "Principal": {{"Service": "lambda.amazonaws.com"}}, "Action": "sts:AssumeRole"}}}}}},
  {{"RoleName": "worker2", "Arn": "arn:aws:iam::444455556666:role/worker2",
   "AssumeRolePolicyDocument": {{"Statement": {{"Effect": "Allow", "Principal": {{"Service": "ecs-tasks.amazonaws.com"}}, "Action": "sts:AssumeRole"}}}}}}
 ]}}"#
        )
    };
    let users = |a: &Analysis| -> Vec<String> {
        summary(a)
            .into_iter()
            .filter(|l| l.starts_with("user/"))
            .collect()
    };
    // carol may assume any role: she reaches both; alice (no grant) neither; dave, of no real
    // account, reaches the role trusting everyone.
    let (a, _) = analyze_text(&text(
        r#"{"Statement": {"Sid": "Any", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}}"#,
    ));
    assert_eq!(
        users(&a),
        [
            "user/carol -> worker -> lambda.amazonaws.com definite via named exploitable=no high",
            "user/carol -> worker2 -> ecs-tasks.amazonaws.com definite via open exploitable=no high",
            "user/dave -> worker2 -> ecs-tasks.amazonaws.com definite via open exploitable=no high",
        ]
    );
    let p = |name: &str| principal(&a, name);
    let sids =
        |h: Hop<'_>| -> Vec<String> { h.grants.iter().map(|g| g.statement.to_string()).collect() };
    let hop = a.hop(p("carol"), p("named")).expect("carol assumes named");
    assert_eq!(sids(hop), ["Any"]);
    let hop = a.hop(p("carol"), p("open")).expect("carol assumes open");
    assert!(hop.everyone);
    assert_eq!(sids(hop), ["Any"]);
    assert!(a.hop(p("alice"), p("named")).is_none());
    assert!(a.hop(p("alice"), p("open")).is_none());
    assert!(sids(a.hop(p("dave"), p("open")).expect("dave")).is_empty());
    // Two account ids (dave's `aws` is none): a note says what is modelled.
    let notes: Vec<&str> = a
        .diagnostics
        .iter()
        .filter(|d| d.code == passgraph_model::Code::Unsupported)
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        notes.len() == 1
            && notes[0].starts_with(
                "the inputs hold principals of 2 accounts (111122223333, 444455556666)"
            ),
        "{notes:?}"
    );
    // A grant that depends on a condition not known offline: possible.
    let (a, _) = analyze_text(&text(
        r#"{"Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}}"#,
    ));
    assert_eq!(
        users(&a)[..2],
        [
            "user/carol -> worker -> lambda.amazonaws.com possible via named exploitable=no high",
            "user/carol -> worker2 -> ecs-tasks.amazonaws.com possible via open exploitable=no high",
        ]
    );
}

/// A caller whose ARN has no account id (anonymised samples write `aws`) is of the input's
/// account for a trust policy that names the account, as it is for passing and for a role of
/// another account.
#[test]
fn a_caller_of_no_account_id_is_of_the_inputs_account_for_an_account_trust() {
    let text = r#"{
 "UserDetailList": [{"UserName": "dave", "Arn": "arn:aws:iam::aws:user/dave",
   "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": {"Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}}}]}],
 "RoleDetailList": [
  {"RoleName": "deploy", "Arn": "arn:aws:iam::111122223333:role/deploy",
   "AssumeRolePolicyDocument": {"Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}},
   "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": {"Statement": {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/app"}}}]},
  {"RoleName": "app", "Arn": "arn:aws:iam::111122223333:role/app",
   "AssumeRolePolicyDocument": {"Statement": {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}}}
 ]}"#;
    check(
        text,
        &[
            "user/dave -> app -> lambda.amazonaws.com definite via deploy exploitable=no low",
            "role/deploy -> app -> lambda.amazonaws.com definite exploitable=no low",
        ],
    );
}

/// A grant from a built-in AWS managed policy points at its attachment to the caller, also for
/// a hop to a role of another account that trusts everyone (whose grants are shared by the
/// principals that hold the same policies).
#[test]
fn a_cross_account_grant_from_a_managed_policy_points_at_its_attachment() {
    let text = r#"{
 "UserDetailList": [{"UserName": "alice", "Arn": "arn:aws:iam::111122223333:user/alice",
   "AttachedManagedPolicies": [{"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}]}],
 "RoleDetailList": [
  {"RoleName": "named", "Arn": "arn:aws:iam::444455556666:role/named",
   "AssumeRolePolicyDocument": {"Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/alice"}, "Action": "sts:AssumeRole"}}},
  {"RoleName": "open", "Arn": "arn:aws:iam::444455556666:role/open",
   "AssumeRolePolicyDocument": {"Statement": {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}}}
 ]}"#;
    let (a, sm) = analyze_text(text);
    let p = |name: &str| principal(&a, name);
    for role in ["named", "open"] {
        let hop = a.hop(p("alice"), p(role)).expect(role);
        assert_eq!(hop.everyone, role == "open");
        let at: Vec<String> = hop
            .grants
            .iter()
            .map(|g| {
                let l = sm.locate(&g.origin);
                format!("{} {}:{}", g.policy, l.file, l.line)
            })
            .collect();
        assert_eq!(
            at,
            ["arn:aws:iam::aws:policy/AdministratorAccess snapshot.json:3"],
            "{role}"
        );
    }
}

#[test]
fn boundary_blocks_direct_trust() {
    let text = r#"{
 "UserDetailList": [{"UserName": "alice", "Arn": "arn:aws:iam::123456789012:user/alice",
   "PermissionsBoundary": {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": "arn:aws:iam::123456789012:policy/s3only"}}],
 "RoleDetailList": [
  {"RoleName": "hop", "Arn": "arn:aws:iam::123456789012:role/hop",
   "AssumeRolePolicyDocument": {"Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/alice"}, "Action": "sts:AssumeRole"}},
   "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": {"Statement": {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}}}]},
  {"RoleName": "worker", "Arn": "arn:aws:iam::123456789012:role/worker",
   "AssumeRolePolicyDocument": {"Statement": {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}}}],
 "Policies": [{"PolicyName": "s3only", "Arn": "arn:aws:iam::123456789012:policy/s3only", "DefaultVersionId": "v1",
   "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true, "Document": {"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}}]}]}"#;
    check(
        text,
        &["role/hop -> worker -> lambda.amazonaws.com definite exploitable=no low"],
    );
}

#[test]
fn missing_managed_policy_is_possible_with_a_diagnostic() {
    let text = r#"{
 "UserDetailList": [{"UserName": "alice", "Arn": "arn:aws:iam::123456789012:user/alice",
   "AttachedManagedPolicies": [{"PolicyName": "Custom", "PolicyArn": "arn:aws:iam::123456789012:policy/Custom"}]}],
 "RoleDetailList": [{"RoleName": "web", "Arn": "arn:aws:iam::123456789012:role/web",
   "AssumeRolePolicyDocument": {"Statement": {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}}}]}"#;
    let (a, _) = analyze_text(text);
    assert_eq!(
        summary(&a),
        ["user/alice -> web -> ec2.amazonaws.com possible exploitable=maybe low"]
    );
    assert!(
        a.diagnostics
            .iter()
            .any(|d| d.code == passgraph_model::Code::UnknownPolicy)
    );
}

/// An account-root trust lets in callers of that account only, whichever account the snapshot's
/// first entity belongs to.
#[test]
fn account_root_trust_is_per_caller_account() {
    let roles = r#""RoleDetailList": [
    {"RoleName": "hop", "Arn": "arn:aws:iam::222222222222:role/hop",
     "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:root"}, "Action": "sts:AssumeRole"}]},
     "RolePolicyList": [{"PolicyName": "pass", "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}}]},
    {"RoleName": "web", "Arn": "arn:aws:iam::222222222222:role/web",
     "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}]"#;
    let assume = r#""UserPolicyList": [{"PolicyName": "assume", "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}}]"#;
    let alice = format!(
        r#"{{"UserName": "alice", "Arn": "arn:aws:iam::111111111111:user/alice", {assume}}}"#
    );
    let bob =
        format!(r#"{{"UserName": "bob", "Arn": "arn:aws:iam::222222222222:user/bob", {assume}}}"#);
    let expect = [
        "user/bob -> web -> ec2.amazonaws.com definite via hop exploitable=no low",
        "role/hop -> web -> ec2.amazonaws.com definite exploitable=no low",
    ];
    // Whichever user comes first, alice (another account) gets nothing and bob gets the chain.
    for users in [format!("{alice},{bob}"), format!("{bob},{alice}")] {
        check(
            &format!(r#"{{"UserDetailList": [{users}], {roles}}}"#),
            &expect,
        );
    }
}

/// A trust naming a role session lets that role's sessions in (possibly: the session name is
/// chosen by whoever assumes the role).
#[test]
fn role_session_principals() {
    let text = r#"{"RoleDetailList": [
    {"RoleName": "start", "Arn": "arn:aws:iam::222222222222:role/start",
     "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}},
    {"RoleName": "hop", "Arn": "arn:aws:iam::222222222222:role/hop",
     "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:sts::222222222222:assumed-role/start/worker"}, "Action": "sts:AssumeRole"}]},
     "RolePolicyList": [{"PolicyName": "pass", "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::222222222222:role/web"}]}}]},
    {"RoleName": "web", "Arn": "arn:aws:iam::222222222222:role/web",
     "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}]}"#;
    check(
        text,
        &[
            "role/hop -> web -> ec2.amazonaws.com definite exploitable=no low",
            "role/start -> web -> ec2.amazonaws.com possible via hop exploitable=no low",
        ],
    );
}

/// A PassRole grant on an ARN that differs from a role's only by case grants nothing, with a
/// warning; a resource-tag condition makes a grant possible, with a note.
#[test]
fn case_mismatch_and_resource_tag_diagnostics() {
    let policy = r#"{"Version": "2012-10-17", "Statement": [
        {"Sid": "Case", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::123456789012:role/webapp"},
        {"Sid": "Tag", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::123456789012:role/ops", "Condition": {"StringEquals": {"iam:ResourceTag/team": "ops"}}}]}"#;
    let roles = format!(
        "{},{}",
        role("WebApp", &["ec2.amazonaws.com"]),
        role("ops", &["ec2.amazonaws.com"])
    );
    let (a, _) = analyze_text(&one_user(policy, &roles));
    assert_eq!(
        summary(&a),
        ["user/alice -> ops -> ec2.amazonaws.com possible exploitable=no low"]
    );
    let codes: Vec<passgraph_model::Code> = a.diagnostics.iter().map(|d| d.code).collect();
    assert!(
        codes.contains(&passgraph_model::Code::CaseMismatch),
        "{:?}",
        a.diagnostics
    );
    assert!(
        codes.contains(&passgraph_model::Code::UnreliableCondition),
        "{:?}",
        a.diagnostics
    );
}

/// A role that trusts every principal can be handed to any service: findings name the service
/// `*`, definite for an unconditional grant, possible when the grant names a service.
#[test]
fn roles_trusting_everyone_go_to_any_service() {
    let open = r#"{"RoleName": "open", "Arn": "arn:aws:iam::123456789012:role/open",
        "AssumeRolePolicyDocument": {"Statement": {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}}}"#;
    let any = r#"{"Statement": {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}}"#;
    check(
        &one_user(any, open),
        &["user/alice -> open -> * definite exploitable=no low"],
    );
    let lambda_only = r#"{"Statement": {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*", "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}}}"#;
    check(
        &one_user(lambda_only, open),
        &["user/alice -> open -> * possible exploitable=no low"],
    );
}

/// What cannot be read is unknown, never "allows nothing": an unreadable trust policy, a group
/// the inputs lack, a boundary without its ARN, a null document.
#[test]
fn unreadable_parts_make_findings_possible() {
    let pass_all =
        r#"{"Statement": {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}}"#;
    // Unknown trust: any service, possibly.
    let unknown_trust = r#"{"RoleName": "web", "Arn": "arn:aws:iam::123456789012:role/web", "AssumeRolePolicyDocument": "%ZZ"}"#;
    check(
        &one_user(pass_all, unknown_trust),
        &["user/alice -> web -> * possible exploitable=no low"],
    );
    // A group the snapshot does not hold.
    let text = format!(
        r#"{{"UserDetailList": [{{"UserName": "alice", "Arn": "arn:aws:iam::123456789012:user/alice", "GroupList": ["ops"]}}], "RoleDetailList": [{}]}}"#,
        role("web", &["ec2.amazonaws.com"])
    );
    check(
        &text,
        &["user/alice -> web -> ec2.amazonaws.com possible exploitable=maybe low"],
    );
    // A boundary without an ARN, and a null inline document.
    let text = format!(
        r#"{{"UserDetailList": [
            {{"UserName": "alice", "Arn": "arn:aws:iam::123456789012:user/alice", "PermissionsBoundary": {{}}, "UserPolicyList": [{{"PolicyName": "p", "PolicyDocument": {pass_all}}}]}},
            {{"UserName": "bob", "Arn": "arn:aws:iam::123456789012:user/bob", "UserPolicyList": [{{"PolicyName": "p", "PolicyDocument": null}}]}}],
          "RoleDetailList": [{}]}}"#,
        role("web", &["ec2.amazonaws.com"])
    );
    check(
        &text,
        &[
            "user/alice -> web -> ec2.amazonaws.com possible exploitable=no low",
            "user/bob -> web -> ec2.amazonaws.com possible exploitable=maybe low",
        ],
    );
}

/// Principals that hold the same policies in different accounts pass only their own roles.
#[test]
fn same_policies_in_two_accounts() {
    let admin = r#"[{"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}]"#;
    let text = format!(
        r#"{{"UserDetailList": [
            {{"UserName": "alice", "Arn": "arn:aws:iam::111111111111:user/alice", "AttachedManagedPolicies": {admin}}},
            {{"UserName": "bob", "Arn": "arn:aws:iam::222222222222:user/bob", "AttachedManagedPolicies": {admin}}}],
          "RoleDetailList": [
            {{"RoleName": "weba", "Arn": "arn:aws:iam::111111111111:role/weba", "AssumeRolePolicyDocument": {{"Statement": {{"Effect": "Allow", "Principal": {{"Service": "ec2.amazonaws.com"}}, "Action": "sts:AssumeRole"}}}}}},
            {{"RoleName": "webb", "Arn": "arn:aws:iam::222222222222:role/webb", "AssumeRolePolicyDocument": {{"Statement": {{"Effect": "Allow", "Principal": {{"Service": "ec2.amazonaws.com"}}, "Action": "sts:AssumeRole"}}}}}}]}}"#
    );
    check(
        &text,
        &[
            "user/alice -> weba -> ec2.amazonaws.com definite exploitable=yes low",
            "user/bob -> webb -> ec2.amazonaws.com definite exploitable=yes low",
        ],
    );
}

/// One finding per triple: the shortest way is shown (the principal's own policies first),
/// the certainty is the best over all ways, and a surer longer chain is named.
#[test]
fn shortest_way_shown_best_certainty_kept() {
    let text = r#"{
 "UserDetailList": [{"UserName": "alice", "Arn": "arn:aws:iam::123456789012:user/alice",
   "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": {"Statement": {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}}}]}],
 "RoleDetailList": [
  {"RoleName": "hop", "Arn": "arn:aws:iam::123456789012:role/hop",
   "AssumeRolePolicyDocument": {"Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/alice"}, "Action": "sts:AssumeRole"}},
   "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": {"Statement": {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::123456789012:role/web"}}}]},
  {"RoleName": "web", "Arn": "arn:aws:iam::123456789012:role/web",
   "AssumeRolePolicyDocument": {"Statement": {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}}}]}"#;
    let (a, _) = analyze_text(text);
    let f = a
        .findings
        .iter()
        .find(|f| {
            a.principals[f.principal].name.as_known() == Some("alice")
                && a.principals[f.role].name.as_known() == Some("web")
        })
        .expect("alice -> web");
    assert!(f.via.is_empty());
    assert_eq!(f.certainty, Tri::Yes);
    let also: Vec<String> = f
        .also_via
        .as_deref()
        .unwrap_or_default()
        .iter()
        .map(|v| a.principals[*v].name.to_string())
        .collect();
    assert_eq!(also, ["hop"]);
}

/// A policy held only under a condition (a conditional attachment) makes the finding possible,
/// and the reason says so.
#[test]
fn conditional_attachment_is_a_reason() {
    let policy = r#"{"Statement": {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}}"#;
    let text = one_user(policy, &role("web", &["ec2.amazonaws.com"]));
    let mut sm = SourceMap::default();
    let file = sm.add("snapshot.json", text.as_str());
    let mut account = passgraph_snapshot::parse(file, &text).account;
    let inline = account.users[0].inline.remove(0);
    account.attachments.push(passgraph_model::Attachment {
        target: passgraph_model::PrincipalTarget::User(account.users[0].name.clone()),
        origin: inline.origin.clone(),
        policy: passgraph_model::AttachedPolicy::Inline(inline),
        uncertain: true,
    });
    let a = analyze(&account, &Options::default());
    assert_eq!(
        summary(&a),
        ["user/alice -> web -> ec2.amazonaws.com possible exploitable=no low"]
    );
    assert_eq!(
        a.findings[0].proof.reasons,
        ["user/alice/inline/p is held only under a condition not known offline"]
    );
}

mod props;

#[test]
fn every_action_the_graph_asks_is_answered_by_the_builtin_table() {
    // The built-in AWS managed policies keep only what can answer these; an action asked
    // here and not kept there would be answered wrongly.
    let mut asked: Vec<&str> = vec![
        pass::PASS,
        pass::ASSUME,
        "iam:CreateInstanceProfile",
        "iam:AddRoleToInstanceProfile",
    ];
    asked.extend_from_slice(pass::ADMIN_ACTIONS);
    for s in passgraph_model::service::CATALOGUE {
        asked.extend_from_slice(s.launch_actions);
    }
    for a in asked {
        assert!(passgraph_eval::managed::answers_for(a), "{a}");
    }
}

#[test]
fn grants_of_builtin_aws_managed_policies_point_at_the_attachment() {
    // alice holds AdministratorAccess directly, bob through a group; neither document is in
    // the snapshot, so both come from the built-in table.
    let text = r#"{"UserDetailList": [
 {"UserName": "alice", "Arn": "arn:aws:iam::123456789012:user/alice",
  "AttachedManagedPolicies": [
   {"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}]},
 {"UserName": "bob", "Arn": "arn:aws:iam::123456789012:user/bob", "GroupList": ["ops"]}],
"GroupDetailList": [{"GroupName": "ops", "Arn": "arn:aws:iam::123456789012:group/ops",
  "AttachedManagedPolicies": [
   {"PolicyName": "AWSLambda_FullAccess", "PolicyArn": "arn:aws:iam::aws:policy/AWSLambda_FullAccess"}]}],
"RoleDetailList": [
 {"RoleName": "fn", "Arn": "arn:aws:iam::123456789012:role/fn",
  "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}]}"#;
    let (a, sm) = analyze_text(text);
    assert_eq!(
        summary(&a),
        [
            "user/alice -> fn -> lambda.amazonaws.com definite exploitable=yes low",
            "user/bob -> fn -> lambda.amazonaws.com definite exploitable=yes low",
        ]
    );
    let at = |i: usize| {
        let g = &a.findings[i].proof.grants[0];
        let l = sm.locate(&g.origin);
        (
            g.policy.to_string(),
            g.statement.to_string(),
            l.file,
            l.line,
        )
    };
    assert_eq!(
        at(0),
        (
            "arn:aws:iam::aws:policy/AdministratorAccess".to_owned(),
            "#0".to_owned(),
            "snapshot.json".to_owned(),
            4
        )
    );
    // AWSLambda_FullAccess's PassRole statement is its second (`#1` in AWS's document).
    assert_eq!(
        at(1),
        (
            "arn:aws:iam::aws:policy/AWSLambda_FullAccess".to_owned(),
            "#1".to_owned(),
            "snapshot.json".to_owned(),
            8
        )
    );
    // explain lists the same place.
    let alice = a
        .principals
        .iter()
        .position(|p| p.name.to_string() == "alice")
        .expect("alice");
    let (_, p) = &a.passrole_statements[alice][0];
    assert_eq!(sm.locate(&p.origin).line, 4);
}

/// The set engine against the reference algorithm on generated accounts with assume-role
/// chains, cycles and admin roles (passgraph-testkit), field by field and proof by proof.
#[test]
fn set_engine_equals_the_reference_on_generated_accounts() {
    use passgraph_testkit::synth::{Size, snapshot};
    for (seed, n) in [(1, 300), (7, 500), (42, 700)] {
        let size = Size {
            users: n,
            roles: n,
            policies: n * 3 / 10 + 120,
            groups: (n / 40).max(4),
            teams: (n / 60).max(3),
        };
        let text = snapshot(size, seed);
        let mut sm = SourceMap::default();
        let file = sm.add("synth.json", text.as_str());
        let account = passgraph_snapshot::parse(file, &text).account;
        let options = Options::default();
        let a = analyze(&account, &options);
        let chained = a.findings.stream().filter(|f| !f.via.is_empty()).count();
        assert!(chained > 0, "seed {seed}: no chained finding to compare");
        assert_eq!(reference_difference(&account, &options, &a), None);
        // The harness sees a difference when there is one.
        let other = analyze(&passgraph_model::Account::default(), &options);
        assert!(reference_difference(&account, &options, &other).is_some());
    }
}
