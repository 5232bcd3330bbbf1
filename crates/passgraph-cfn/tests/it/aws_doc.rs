//! The two examples of the IAM User Guide page "Granting a user permissions to pass a role to an
//! AWS service", written as templates in JSON and in YAML (testdata/cfn/aws-doc): the model with
//! its line numbers, and the exact (principal, role, service) findings of the graph.

use passgraph_cfn::Options;
use passgraph_model::{Effect, Origin, Parsed, ResourceSpec, RoleTarget, SourceMap, Str};

use crate::support::parse_one;

const EC2_JSON: &str = include_str!("../../../../testdata/cfn/aws-doc/ec2-pass-role.json");
const EC2_YAML: &str = include_str!("../../../../testdata/cfn/aws-doc/ec2-pass-role.yaml");
const RDS_JSON: &str = include_str!("../../../../testdata/cfn/aws-doc/rds-monitoring-role.json");
const RDS_YAML: &str = include_str!("../../../../testdata/cfn/aws-doc/rds-monitoring-role.yaml");

fn line(sm: &SourceMap, o: &Origin) -> u32 {
    sm.locate(o).line
}

fn strs(v: &[Str]) -> Vec<String> {
    v.iter().map(ToString::to_string).collect()
}

/// (principal, role, service, certainty) of every finding, sorted, with the built-in AWS
/// managed policies added as the CLI adds them.
fn findings(parsed: &Parsed) -> Vec<(String, String, String, String)> {
    let mut account = parsed.account.clone();
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

/// Expected lines of the EC2 example, per syntax.
struct Ec2Lines {
    group: u32,
    inline: u32,
    pass_statement: u32,
    alice: u32,
    bob: u32,
    membership: u32,
    web_role: u32,
    trust_statement: u32,
    profile: u32,
    role_use: u32,
    db_role: u32,
}

fn check_ec2(name: &str, text: &str, l: &Ec2Lines) {
    let (sm, parsed) = parse_one(name, text, &Options::default());
    assert_eq!(parsed.diagnostics, vec![], "{name}");
    let a = &parsed.account;

    let [group] = a.groups.as_slice() else {
        panic!("{name}: one group expected")
    };
    assert_eq!(group.name.to_string(), "EC2Operators");
    assert_eq!(
        group.arn.to_string(),
        "arn:${aws:partition}:iam::${aws:account}:group/EC2Operators"
    );
    assert_eq!(line(&sm, &group.origin), l.group);
    let [inline] = group.inline.as_slice() else {
        panic!("{name}: one inline policy expected")
    };
    assert_eq!(inline.name.to_string(), "pass-xyz-roles");
    assert_eq!(line(&sm, &inline.origin), l.inline);
    let st = &inline.document.statements;
    assert_eq!(st.len(), 3);
    let pass = &st[1];
    assert_eq!(pass.effect, Effect::Allow);
    assert_eq!(line(&sm, &pass.origin), l.pass_statement);
    let passgraph_model::ActionSpec::Action(actions) = &pass.actions else {
        panic!("Action expected")
    };
    assert_eq!(strs(actions), ["iam:GetRole", "iam:PassRole"]);
    let ResourceSpec::Resource(resources) = &pass.resources else {
        panic!("Resource expected")
    };
    assert_eq!(
        strs(resources),
        ["arn:${aws:partition}:iam::${aws:account}:role/EC2-roles-for-XYZ-*"]
    );

    let users: Vec<(String, Vec<String>, u32)> = a
        .users
        .iter()
        .map(|u| (u.name.to_string(), strs(&u.groups), line(&sm, &u.origin)))
        .collect();
    assert_eq!(
        users,
        [
            ("alice".to_owned(), vec!["EC2Operators".to_owned()], l.alice),
            ("bob".to_owned(), vec![], l.bob)
        ]
    );
    let [m] = a.memberships.as_slice() else {
        panic!("{name}: one membership expected")
    };
    assert_eq!(
        (m.user.to_string(), m.group.to_string(), m.uncertain),
        ("bob".to_owned(), "EC2Operators".to_owned(), false)
    );
    assert_eq!(line(&sm, &m.origin), l.membership);

    let [web, db] = a.roles.as_slice() else {
        panic!("{name}: two roles expected")
    };
    assert_eq!(web.name.to_string(), "EC2-roles-for-XYZ-web");
    assert_eq!(
        web.arn.to_string(),
        "arn:${aws:partition}:iam::${aws:account}:role/EC2-roles-for-XYZ-web"
    );
    assert_eq!(line(&sm, &web.origin), l.web_role);
    let [trust] = web.trust.statements.as_slice() else {
        panic!("one trust statement expected")
    };
    assert_eq!(
        trust.sid.as_deref(),
        Some("TrustPolicyStatementThatAllowsEC2ServiceToAssumeTheAttachedRole")
    );
    assert_eq!(line(&sm, &trust.origin), l.trust_statement);
    let principals = trust.principals.as_ref().map(|p| {
        p.entries
            .iter()
            .map(|(_, s)| s.to_string())
            .collect::<Vec<_>>()
    });
    assert_eq!(principals, Some(vec!["ec2.amazonaws.com".to_owned()]));
    assert_eq!(db.name.to_string(), "EC2-roles-for-ABC-db");
    assert_eq!(line(&sm, &db.origin), l.db_role);

    let [profile] = a.instance_profiles.as_slice() else {
        panic!("{name}: one instance profile expected")
    };
    assert_eq!(
        (profile.name.to_string(), strs(&profile.roles)),
        (
            "EC2-roles-for-XYZ-web".to_owned(),
            vec!["EC2-roles-for-XYZ-web".to_owned()]
        )
    );
    assert_eq!(line(&sm, &profile.origin), l.profile);
    let [u] = a.role_uses.as_slice() else {
        panic!("{name}: one role use expected")
    };
    assert_eq!(
        (
            u.resource.as_str(),
            u.resource_type.as_str(),
            u.attribute.as_str(),
            u.service.as_str()
        ),
        (
            "WebServer",
            "AWS::EC2::Instance",
            "IamInstanceProfile",
            "ec2.amazonaws.com"
        )
    );
    assert_eq!(
        u.target,
        RoleTarget::InstanceProfile(Str::lit("EC2-roles-for-XYZ-web"))
    );
    assert_eq!(line(&sm, &u.origin), l.role_use);

    // End to end: both users (alice directly in the group, bob by UserToGroupAddition) may pass
    // the web role to EC2; the db role does not match EC2-roles-for-XYZ-*.
    let expected = [
        ("alice", "EC2-roles-for-XYZ-web", "ec2.amazonaws.com", "yes"),
        ("bob", "EC2-roles-for-XYZ-web", "ec2.amazonaws.com", "yes"),
    ]
    .map(|(p, r, s, c)| (p.to_owned(), r.to_owned(), s.to_owned(), c.to_owned()));
    assert_eq!(findings(&parsed), expected, "{name}");
}

#[test]
fn ec2_example_yaml() {
    check_ec2(
        "ec2-pass-role.yaml",
        EC2_YAML,
        &Ec2Lines {
            group: 6,
            inline: 11,
            pass_statement: 21,
            alice: 29,
            bob: 35,
            membership: 44,
            web_role: 45,
            trust_statement: 52,
            profile: 57,
            role_use: 67,
            db_role: 68,
        },
    );
}

#[test]
fn ec2_example_json() {
    check_ec2(
        "ec2-pass-role.json",
        EC2_JSON,
        &Ec2Lines {
            group: 5,
            inline: 10,
            pass_statement: 24,
            alice: 40,
            bob: 47,
            membership: 57,
            web_role: 60,
            trust_statement: 66,
            profile: 75,
            role_use: 86,
            db_role: 89,
        },
    );
}

/// Expected lines of the RDS example, per syntax.
struct RdsLines {
    role: u32,
    trust_statement: u32,
    managed_policy: u32,
    carol: u32,
    pass_statement: u32,
    role_use: u32,
}

fn check_rds(
    name: &str,
    text: &str,
    l: &RdsLines,
    options: &Options,
    partition: &str,
    account: &str,
) {
    let (sm, parsed) = parse_one(name, text, options);
    assert_eq!(parsed.diagnostics, vec![], "{name}");
    let a = &parsed.account;
    let role_arn = format!("arn:{partition}:iam::{account}:role/RDS-Monitoring-Role");

    let [role] = a.roles.as_slice() else {
        panic!("{name}: one role expected")
    };
    assert_eq!(role.name.to_string(), "RDS-Monitoring-Role");
    assert_eq!(role.arn.to_string(), role_arn);
    assert_eq!(line(&sm, &role.origin), l.role);
    let [trust] = role.trust.statements.as_slice() else {
        panic!("one trust statement expected")
    };
    assert_eq!(line(&sm, &trust.origin), l.trust_statement);
    let [managed] = role.attached.as_slice() else {
        panic!("one managed policy expected")
    };
    assert_eq!(
        managed.arn.to_string(),
        format!("arn:{partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole")
    );
    assert_eq!(line(&sm, &managed.origin), l.managed_policy);

    let [carol] = a.users.as_slice() else {
        panic!("{name}: one user expected")
    };
    assert_eq!(carol.name.to_string(), "carol");
    assert_eq!(line(&sm, &carol.origin), l.carol);
    let pass = &carol.inline[0].document.statements[0];
    assert_eq!(
        pass.sid.as_deref(),
        Some("PolicyStatementToAllowUserToPassOneSpecificRole")
    );
    assert_eq!(line(&sm, &pass.origin), l.pass_statement);
    let ResourceSpec::Resource(resources) = &pass.resources else {
        panic!("Resource expected")
    };
    assert_eq!(strs(resources), [role_arn.as_str()]);

    let [u] = a.role_uses.as_slice() else {
        panic!("{name}: one role use expected")
    };
    assert_eq!(
        (
            u.resource.as_str(),
            u.attribute.as_str(),
            u.service.as_str()
        ),
        (
            "Database",
            "MonitoringRoleArn",
            "monitoring.rds.amazonaws.com"
        )
    );
    let RoleTarget::Role(target) = &u.target else {
        panic!("a role expected")
    };
    assert_eq!(target.to_string(), role_arn);
    assert_eq!(line(&sm, &u.origin), l.role_use);

    let expected = [(
        "carol",
        "RDS-Monitoring-Role",
        "monitoring.rds.amazonaws.com",
        "yes",
    )]
    .map(|(p, r, s, c)| (p.to_owned(), r.to_owned(), s.to_owned(), c.to_owned()));
    assert_eq!(findings(&parsed), expected, "{name}");
}

const RDS_YAML_LINES: RdsLines = RdsLines {
    role: 6,
    trust_statement: 13,
    managed_policy: 18,
    carol: 19,
    pass_statement: 28,
    role_use: 48,
};
const RDS_JSON_LINES: RdsLines = RdsLines {
    role: 5,
    trust_statement: 12,
    managed_policy: 20,
    carol: 24,
    pass_statement: 34,
    role_use: 60,
};

#[test]
fn rds_example_yaml_with_account_and_partition() {
    let options = Options {
        account_id: Some("111122223333".into()),
        partition: Some("aws".into()),
        ..Options::default()
    };
    check_rds(
        "rds-monitoring-role.yaml",
        RDS_YAML,
        &RDS_YAML_LINES,
        &options,
        "aws",
        "111122223333",
    );
}

#[test]
fn rds_example_json_with_account_and_partition() {
    let options = Options {
        account_id: Some("111122223333".into()),
        partition: Some("aws".into()),
        ..Options::default()
    };
    check_rds(
        "rds-monitoring-role.json",
        RDS_JSON,
        &RDS_JSON_LINES,
        &options,
        "aws",
        "111122223333",
    );
}

#[test]
fn rds_example_yaml_with_holes() {
    check_rds(
        "rds-monitoring-role.yaml",
        RDS_YAML,
        &RDS_YAML_LINES,
        &Options::default(),
        "${aws:partition}",
        "${aws:account}",
    );
}

#[test]
fn rds_example_json_with_holes() {
    check_rds(
        "rds-monitoring-role.json",
        RDS_JSON,
        &RDS_JSON_LINES,
        &Options::default(),
        "${aws:partition}",
        "${aws:account}",
    );
}
