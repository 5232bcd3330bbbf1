//! Synthetic `get-account-authorization-details` snapshots of any size, deterministic for a seed.
//!
//! The shape follows what large accounts look like: teams own roles named `team-<t>-...`;
//! most managed policies grant ordinary service actions; some grant `iam:PassRole` on a team's
//! prefix restricted to one service, some on a few exact roles, a few `sts:AssumeRole` on a
//! team's roles, and a handful are admin-like. Users sit in groups and hold a few policies.

use std::fmt::Write;

/// Sizes of a synthetic account.
#[derive(Clone, Copy, Debug)]
pub struct Size {
    /// Users.
    pub users: usize,
    /// Roles.
    pub roles: usize,
    /// Managed policies.
    pub policies: usize,
    /// Groups.
    pub groups: usize,
    /// Teams (role name prefixes).
    pub teams: usize,
}

impl Size {
    /// The size of the issue's benchmark: 10,000 users, 10,000 roles, 3,000 policies.
    #[must_use]
    pub fn large() -> Size {
        Size {
            users: 10_000,
            roles: 10_000,
            policies: 3_000,
            groups: 200,
            teams: 100,
        }
    }
}

const SERVICES: &[&str] = &[
    "ec2.amazonaws.com",
    "lambda.amazonaws.com",
    "ecs-tasks.amazonaws.com",
    "glue.amazonaws.com",
    "sagemaker.amazonaws.com",
    "monitoring.rds.amazonaws.com",
    "codebuild.amazonaws.com",
];

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const ACCOUNT: &str = "123456789012";

fn role_name(i: usize, teams: usize) -> String {
    let t = i % teams.max(1);
    let svc = SERVICES[i % SERVICES.len()]
        .split('.')
        .next()
        .unwrap_or("svc");
    format!("team-{t}-{svc}-{i}")
}

fn policy_doc(rng: &mut Rng, i: usize, size: &Size) -> String {
    let team = rng.below(size.teams);
    if i.is_multiple_of(1000) {
        return r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#.to_owned();
    }
    match i % 100 {
        0 => r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#.to_owned(),
        1 => format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::{ACCOUNT}:role/team-{team}-*"}}]}}"#
        ),
        2..=28 => {
            let svc = SERVICES[rng.below(SERVICES.len())];
            format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["iam:PassRole","iam:GetRole"],"Resource":"arn:aws:iam::{ACCOUNT}:role/team-{team}-*","Condition":{{"StringEquals":{{"iam:PassedToService":"{svc}"}}}}}},{{"Effect":"Allow","Action":["ec2:RunInstances","lambda:CreateFunction","ecs:RunTask"],"Resource":"*"}}]}}"#
            )
        }
        29..=38 => {
            let roles: Vec<String> = (0..5).map(|_| format!("\"arn:aws:iam::{ACCOUNT}:role/{}\"", role_name(rng.below(size.roles), size.teams))).collect();
            format!(r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"iam:PassRole","Resource":[{}]}}]}}"#, roles.join(","))
        }
        39 => format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","NotAction":"s3:*","Resource":"*"}},{{"Effect":"Deny","Action":"iam:PassRole","Resource":"arn:aws:iam::{ACCOUNT}:role/team-{team}-*"}}]}}"#
        ),
        _ => {
            let svc = ["s3", "dynamodb", "sqs", "sns", "logs", "cloudwatch", "kms"][rng.below(7)];
            format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["{svc}:Get*","{svc}:List*","{svc}:Put*"],"Resource":"arn:aws:{svc}:::team-{team}-*"}}]}}"#
            )
        }
    }
}

/// Writes a snapshot of the given size as JSON text.
#[must_use]
pub fn snapshot(size: Size, seed: u64) -> String {
    let mut rng = Rng(seed);
    let mut s = String::with_capacity(size.users * 400 + size.roles * 600 + size.policies * 500);
    let pol_arn = |i: usize| format!("arn:aws:iam::{ACCOUNT}:policy/p{i}");
    s.push_str("{\n\"UserDetailList\": [\n");
    for u in 0..size.users {
        if u > 0 {
            s.push_str(",\n");
        }
        // Users of one team share their team's group, and some are in one of a few shared groups.
        let team = u % size.teams.max(1);
        let mut groups = vec![format!("\"g{}\"", team % size.groups.max(1))];
        if rng.below(4) == 0 {
            groups.push(format!("\"g{}\"", rng.below(3.min(size.groups))));
        }
        // A few users hold policies of their own.
        let attached: Vec<String> = (0..usize::from(rng.below(10) == 0))
            .map(|_| {
                let p = rng.below(size.policies);
                format!(r#"{{"PolicyName":"p{p}","PolicyArn":"{}"}}"#, pol_arn(p))
            })
            .collect();
        let inline = if u % 10 == 0 {
            format!(
                r#"{{"PolicyName":"pass","PolicyDocument":{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::{ACCOUNT}:role/{}"}}}}}}"#,
                role_name(rng.below(size.roles), size.teams)
            )
        } else {
            String::new()
        };
        let _ = write!(
            s,
            r#"{{"Path":"/","UserName":"user{u}","UserId":"AIDA{u:016}","Arn":"arn:aws:iam::{ACCOUNT}:user/user{u}","GroupList":[{}],"UserPolicyList":[{inline}],"AttachedManagedPolicies":[{}]}}"#,
            groups.join(","),
            attached.join(",")
        );
    }
    s.push_str("\n],\n\"GroupDetailList\": [\n");
    for g in 0..size.groups {
        if g > 0 {
            s.push_str(",\n");
        }
        let attached: Vec<String> = (0..2 + rng.below(3))
            .map(|_| {
                let p = rng.below(size.policies);
                format!(r#"{{"PolicyName":"p{p}","PolicyArn":"{}"}}"#, pol_arn(p))
            })
            .collect();
        let _ = write!(
            s,
            r#"{{"Path":"/","GroupName":"g{g}","GroupId":"AGPA{g:017}","Arn":"arn:aws:iam::{ACCOUNT}:group/g{g}","GroupPolicyList":[],"AttachedManagedPolicies":[{}]}}"#,
            attached.join(",")
        );
    }
    s.push_str("\n],\n\"RoleDetailList\": [\n");
    for r in 0..size.roles {
        if r > 0 {
            s.push_str(",\n");
        }
        let name = role_name(r, size.teams);
        let svc = SERVICES[r % SERVICES.len()];
        let principal = match r % 50 {
            0 => format!(r#"{{"AWS":"arn:aws:iam::{ACCOUNT}:root"}}"#),
            1 => format!(
                r#"{{"AWS":"arn:aws:iam::{ACCOUNT}:user/user{}"}}"#,
                rng.below(size.users)
            ),
            _ => format!(r#"{{"Service":"{svc}"}}"#),
        };
        let attached: Vec<String> = (0..1 + rng.below(3))
            .map(|_| {
                let p = rng.below(size.policies);
                format!(r#"{{"PolicyName":"p{p}","PolicyArn":"{}"}}"#, pol_arn(p))
            })
            .collect();
        let profiles = if svc.starts_with("ec2") {
            format!(
                r#"{{"Path":"/","InstanceProfileName":"{name}","Arn":"arn:aws:iam::{ACCOUNT}:instance-profile/{name}","Roles":[{{"RoleName":"{name}"}}]}}"#
            )
        } else {
            String::new()
        };
        let _ = write!(
            s,
            r#"{{"Path":"/","RoleName":"{name}","RoleId":"AROA{r:017}","Arn":"arn:aws:iam::{ACCOUNT}:role/{name}","AssumeRolePolicyDocument":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{principal},"Action":"sts:AssumeRole"}}]}},"InstanceProfileList":[{profiles}],"RolePolicyList":[],"AttachedManagedPolicies":[{}]}}"#,
            attached.join(",")
        );
    }
    s.push_str("\n],\n\"Policies\": [\n");
    for p in 0..size.policies {
        if p > 0 {
            s.push_str(",\n");
        }
        let doc = policy_doc(&mut rng, p, &size);
        let _ = write!(
            s,
            r#"{{"PolicyName":"p{p}","PolicyId":"ANPA{p:017}","Arn":"{}","Path":"/","DefaultVersionId":"v1","PolicyVersionList":[{{"Document":{doc},"VersionId":"v1","IsDefaultVersion":true}}]}}"#,
            pol_arn(p)
        );
    }
    s.push_str("\n]\n}\n");
    s
}
