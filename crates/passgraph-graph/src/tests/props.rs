//! Property tests: monotonicity and determinism on random small accounts.

use proptest::prelude::*;

use super::{analyze_text, summary};

const ACTIONS: &[&str] = &[
    "iam:PassRole",
    "iam:*",
    "*",
    "sts:AssumeRole",
    "ec2:RunInstances",
    "iam:Pass*",
];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:iam::123456789012:role/r0",
    "arn:aws:iam::123456789012:role/r*",
    "arn:aws:iam::123456789012:role/r1",
];
const CONDITIONS: &[&str] = &[
    "",
    r#","Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}"#,
    r#","Condition":{"StringLike":{"iam:PassedToService":"lambda.*"}}"#,
    r#","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#,
];
const SERVICES: &[&str] = &[
    "ec2.amazonaws.com",
    "lambda.amazonaws.com",
    "monitoring.rds.amazonaws.com",
];

#[derive(Clone, Debug)]
struct Stmt {
    deny: bool,
    action: usize,
    resource: usize,
    condition: usize,
}

impl Stmt {
    fn json(&self) -> String {
        format!(
            r#"{{"Effect":"{}","Action":"{}","Resource":"{}"{}}}"#,
            if self.deny { "Deny" } else { "Allow" },
            ACTIONS[self.action],
            RESOURCES[self.resource],
            CONDITIONS[self.condition]
        )
    }
}

#[derive(Clone, Debug)]
struct Acct {
    users: Vec<Vec<Stmt>>,
    roles: Vec<(Vec<Stmt>, usize, Option<usize>)>,
}

fn stmt() -> impl Strategy<Value = Stmt> {
    (
        any::<bool>(),
        0..ACTIONS.len(),
        0..RESOURCES.len(),
        0..CONDITIONS.len(),
    )
        .prop_map(|(deny, action, resource, condition)| Stmt {
            deny: deny && action % 2 == 0,
            action,
            resource,
            condition,
        })
}

fn acct() -> impl Strategy<Value = Acct> {
    (
        proptest::collection::vec(proptest::collection::vec(stmt(), 0..3), 1..3),
        proptest::collection::vec(
            (
                proptest::collection::vec(stmt(), 0..3),
                0..SERVICES.len(),
                proptest::option::of(0..2usize),
            ),
            1..4,
        ),
    )
        .prop_map(|(users, roles)| Acct { users, roles })
}

fn doc(stmts: &[Stmt]) -> String {
    let s: Vec<String> = stmts.iter().map(Stmt::json).collect();
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        s.join(",")
    )
}

impl Acct {
    fn render(&self, reverse: bool) -> String {
        let mut users: Vec<String> = self
            .users
            .iter()
            .enumerate()
            .map(|(i, s)| format!(r#"{{"UserName":"u{i}","Arn":"arn:aws:iam::123456789012:user/u{i}","UserPolicyList":[{{"PolicyName":"p","PolicyDocument":{}}}]}}"#, doc(s)))
            .collect();
        let mut roles: Vec<String> = self
            .roles
            .iter()
            .enumerate()
            .map(|(i, (s, svc, trusts_user))| {
                let aws = trusts_user.map_or(String::new(), |u| format!(r#","AWS":"arn:aws:iam::123456789012:user/u{u}""#));
                format!(
                    r#"{{"RoleName":"r{i}","Arn":"arn:aws:iam::123456789012:role/r{i}","AssumeRolePolicyDocument":{{"Statement":{{"Effect":"Allow","Principal":{{"Service":"{}"{aws}}},"Action":"sts:AssumeRole"}}}},"RolePolicyList":[{{"PolicyName":"p","PolicyDocument":{}}}]}}"#,
                    SERVICES[*svc],
                    doc(s)
                )
            })
            .collect();
        if reverse {
            users.reverse();
            roles.reverse();
        }
        format!(
            r#"{{"UserDetailList":[{}],"RoleDetailList":[{}]}}"#,
            users.join(","),
            roles.join(",")
        )
    }
}

fn triples(lines: &[String], definite_only: bool) -> std::collections::BTreeSet<String> {
    lines
        .iter()
        .filter(|l| !definite_only || l.contains(" definite"))
        .map(|l| {
            l.split(" definite")
                .next()
                .unwrap_or(l)
                .split(" possible")
                .next()
                .unwrap_or(l)
                .to_owned()
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn adding_an_allow_never_removes_a_finding(a in acct(), who in 0..7usize, s in stmt()) {
        let before = summary(&analyze_text(&a.render(false)).0);
        let mut b = a.clone();
        let s = Stmt { deny: false, ..s };
        let n = b.users.len() + b.roles.len();
        let who = who % n;
        if who < b.users.len() { b.users[who].push(s) } else { b.roles[who - b.users.len()].0.push(s) }
        let after = summary(&analyze_text(&b.render(false)).0);
        prop_assert!(triples(&after, false).is_superset(&triples(&before, false)), "{before:?} -> {after:?}");
        prop_assert!(triples(&after, true).is_superset(&triples(&before, true)), "{before:?} -> {after:?}");
    }

    #[test]
    fn adding_a_deny_never_adds_a_finding(a in acct(), who in 0..7usize, s in stmt()) {
        let before = summary(&analyze_text(&a.render(false)).0);
        let mut b = a.clone();
        let s = Stmt { deny: true, ..s };
        let n = b.users.len() + b.roles.len();
        let who = who % n;
        if who < b.users.len() { b.users[who].push(s) } else { b.roles[who - b.users.len()].0.push(s) }
        let after = summary(&analyze_text(&b.render(false)).0);
        prop_assert!(triples(&before, false).is_superset(&triples(&after, false)), "{before:?} -> {after:?}");
        prop_assert!(triples(&before, true).is_superset(&triples(&after, true)), "{before:?} -> {after:?}");
    }

    #[test]
    fn input_order_and_thread_count_do_not_change_findings(a in acct()) {
        let one = summary(&analyze_text(&a.render(false)).0);
        let reversed = summary(&analyze_text(&a.render(true)).0);
        prop_assert_eq!(&one, &reversed);
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let single = pool.install(|| summary(&analyze_text(&a.render(false)).0));
        prop_assert_eq!(&one, &single);
    }
}
