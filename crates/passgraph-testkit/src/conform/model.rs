//! The abstract account: what every renderer writes, defined once, and its seeded generator.

use serde_json::{Value, json};

/// Where an ARN holds the account id. Renderers replace it: the snapshot and the plan with the
/// literal id, CloudFormation with `${AWS::AccountId}`, Terraform with
/// `${data.aws_caller_identity.current.account_id}` (or the literal id, for some documents).
pub const ACCOUNT: &str = "{{ACCOUNT}}";

/// Sizes of a generated account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size {
    /// Users.
    pub users: usize,
    /// Groups.
    pub groups: usize,
    /// Roles.
    pub roles: usize,
    /// Customer managed policies.
    pub policies: usize,
    /// Teams (role name prefixes that policies grant by wildcard).
    pub teams: usize,
}

impl Size {
    /// The size of the test suite: a few of everything, every construct present.
    #[must_use]
    pub fn small() -> Size {
        Size {
            users: 10,
            groups: 3,
            roles: 14,
            policies: 12,
            teams: 3,
        }
    }

    /// The size of the benchmark.
    #[must_use]
    pub fn medium() -> Size {
        Size {
            users: 300,
            groups: 20,
            roles: 300,
            policies: 120,
            teams: 12,
        }
    }
}

/// A policy held by a principal (or used as its permissions boundary).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PolicyRef {
    /// A customer managed policy of the account (index into [`Account::policies`]).
    Customer(usize),
    /// An AWS managed policy: its path and name (`/service-role/AmazonRDSEnhancedMonitoringRole`).
    Aws(&'static str),
}

/// A customer managed policy.
#[derive(Clone, Debug)]
pub struct Managed {
    /// Name.
    pub name: String,
    /// Path (`/` or `/x/`).
    pub path: String,
    /// The document; ARNs hold [`ACCOUNT`].
    pub doc: Value,
}

/// An inline policy.
#[derive(Clone, Debug)]
pub struct Inline {
    /// Name.
    pub name: String,
    /// The document; ARNs hold [`ACCOUNT`].
    pub doc: Value,
}

/// A user.
#[derive(Clone, Debug)]
pub struct User {
    /// Name.
    pub name: String,
    /// Path.
    pub path: String,
    /// Groups (indices into [`Account::groups`]).
    pub groups: Vec<usize>,
    /// Attached managed policies.
    pub attached: Vec<PolicyRef>,
    /// Inline policies.
    pub inline: Vec<Inline>,
    /// Permissions boundary.
    pub boundary: Option<PolicyRef>,
}

/// A group.
#[derive(Clone, Debug)]
pub struct Group {
    /// Name.
    pub name: String,
    /// Path.
    pub path: String,
    /// Attached managed policies.
    pub attached: Vec<PolicyRef>,
    /// Inline policies.
    pub inline: Vec<Inline>,
}

/// Who a role's trust policy lets in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trustee {
    /// A service principal (`ec2.amazonaws.com`).
    Service(&'static str),
    /// A user of the account (index).
    User(usize),
    /// The account itself (`arn:aws:iam::ID:root`): any principal its policies allow.
    Root,
    /// The account by its bare id (`"AWS": "123456789012"`), which IAM stores as the root ARN.
    AccountId,
}

/// A role.
#[derive(Clone, Debug)]
pub struct Role {
    /// Name.
    pub name: String,
    /// Path.
    pub path: String,
    /// The trust policy's principals, one `sts:AssumeRole` statement each.
    pub trust: Vec<Trustee>,
    /// Trust statements carry a condition: `aws:SourceAccount` for services, `sts:ExternalId`
    /// for AWS principals.
    pub trust_condition: bool,
    /// A user the trust policy denies (`Effect: Deny`), whatever the allows say.
    pub trust_deny: Option<usize>,
    /// Attached managed policies.
    pub attached: Vec<PolicyRef>,
    /// Inline policies.
    pub inline: Vec<Inline>,
    /// Permissions boundary.
    pub boundary: Option<PolicyRef>,
    /// In an instance profile of the same name.
    pub instance_profile: bool,
    /// The monitoring role of a database instance (`MonitoringInterval` 60).
    pub rds_monitoring: bool,
}

/// One account, format-neutral.
#[derive(Clone, Debug)]
pub struct Account {
    /// The 12-digit account id.
    pub id: String,
    /// Users.
    pub users: Vec<User>,
    /// Groups.
    pub groups: Vec<Group>,
    /// Roles.
    pub roles: Vec<Role>,
    /// Customer managed policies.
    pub policies: Vec<Managed>,
}

impl Account {
    /// `path` + `name` of a managed policy reference, and whether it is AWS managed.
    #[must_use]
    pub fn policy_arn(&self, r: &PolicyRef) -> String {
        match r {
            PolicyRef::Customer(i) => {
                let p = &self.policies[*i];
                format!("arn:aws:iam::{ACCOUNT}:policy{}{}", p.path, p.name)
            }
            PolicyRef::Aws(path_name) => format!("arn:aws:iam::aws:policy{path_name}"),
        }
    }

    /// A role's ARN, with [`ACCOUNT`].
    #[must_use]
    pub fn role_arn(&self, r: usize) -> String {
        let role = &self.roles[r];
        format!("arn:aws:iam::{ACCOUNT}:role{}{}", role.path, role.name)
    }

    /// A user's ARN, with [`ACCOUNT`].
    #[must_use]
    pub fn user_arn(&self, u: usize) -> String {
        let user = &self.users[u];
        format!("arn:aws:iam::{ACCOUNT}:user{}{}", user.path, user.name)
    }

    /// The trust policy of a role as IAM stores it (a bare account id becomes the root ARN),
    /// with [`ACCOUNT`].
    #[must_use]
    pub fn stored_trust_doc(&self, r: usize) -> Value {
        self.trust_doc_as(r, true)
    }

    /// The trust policy of a role as written, with [`ACCOUNT`].
    #[must_use]
    pub fn trust_doc(&self, r: usize) -> Value {
        self.trust_doc_as(r, false)
    }

    fn trust_doc_as(&self, r: usize, stored: bool) -> Value {
        let statements: Vec<Value> = self.roles[r]
            .trust
            .iter()
            .map(|t| {
                let principal = match t {
                    Trustee::Service(s) => json!({ "Service": s }),
                    Trustee::User(u) => json!({ "AWS": self.user_arn(*u) }),
                    Trustee::Root => json!({ "AWS": format!("arn:aws:iam::{ACCOUNT}:root") }),
                    Trustee::AccountId if stored => {
                        json!({ "AWS": format!("arn:aws:iam::{ACCOUNT}:root") })
                    }
                    Trustee::AccountId => json!({ "AWS": ACCOUNT }),
                };
                let mut st = json!({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"});
                if self.roles[r].trust_condition {
                    st["Condition"] = match t {
                        Trustee::Service(_) => {
                            json!({"StringEquals": {"aws:SourceAccount": ACCOUNT}})
                        }
                        _ => json!({"StringEquals": {"sts:ExternalId": format!("ext-{r}")}}),
                    };
                }
                st
            })
            .chain(self.roles[r].trust_deny.map(|u| {
                json!({"Effect": "Deny", "Principal": {"AWS": self.user_arn(u)}, "Action": "sts:AssumeRole"})
            }))
            .collect();
        json!({"Version": "2012-10-17", "Statement": statements})
    }

    /// The same account with every bare account id in trust policies written as the root ARN
    /// (what IAM stores): a reader must give both the same findings.
    #[must_use]
    pub fn with_root_arns_for_account_ids(&self) -> Account {
        let mut a = self.clone();
        for r in &mut a.roles {
            for t in &mut r.trust {
                if *t == Trustee::AccountId {
                    *t = Trustee::Root;
                }
            }
        }
        a
    }

    /// The same account where every customer managed policy also allows `iam:PassRole` on
    /// `arn:aws:iam:::role/*`: an ARN whose account field is empty (as AWS's RDS monitoring
    /// example writes it) names no role of any account, so the findings do not change.
    #[must_use]
    pub fn with_empty_account_grants(&self) -> Account {
        let mut a = self.clone();
        for p in &mut a.policies {
            if let Some(st) = p.doc["Statement"].as_array_mut() {
                st.push(
                    json!({"Sid": "EmptyAccount", "Effect": "Allow", "Action": "iam:PassRole",
                    "Resource": "arn:aws:iam:::role/*"}),
                );
            }
        }
        a
    }

    /// Whether some policy of the account is attached anywhere (to users, groups, roles).
    #[must_use]
    pub fn attached_to(&self, p: usize) -> (Vec<usize>, Vec<usize>, Vec<usize>) {
        let r = PolicyRef::Customer(p);
        let users = (0..self.users.len())
            .filter(|&u| self.users[u].attached.contains(&r))
            .collect();
        let groups = (0..self.groups.len())
            .filter(|&g| self.groups[g].attached.contains(&r))
            .collect();
        let roles = (0..self.roles.len())
            .filter(|&x| self.roles[x].attached.contains(&r))
            .collect();
        (users, groups, roles)
    }
}

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
    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

/// The services roles are made for, with the short name used in role names.
const SERVICES: &[(&str, &str)] = &[
    ("ec2.amazonaws.com", "ec2"),
    ("lambda.amazonaws.com", "lambda"),
    ("ecs-tasks.amazonaws.com", "ecs"),
    ("monitoring.rds.amazonaws.com", "rdsmon"),
    ("glue.amazonaws.com", "glue"),
];

fn role_pattern(team: usize, app_path: bool) -> String {
    if app_path {
        format!("arn:aws:iam::{ACCOUNT}:role/app/team-{team}-*")
    } else {
        format!("arn:aws:iam::{ACCOUNT}:role/team-{team}-*")
    }
}

fn doc(statements: Vec<Value>) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// One of the policy shapes the generator knows; `roles` are ARNs of existing roles.
fn policy_doc(rng: &mut Rng, kind: usize, size: &Size, roles: &[String]) -> Value {
    let team = rng.below(size.teams.max(1));
    let svc = SERVICES[rng.below(SERVICES.len())].0;
    let some_role = |rng: &mut Rng| roles[rng.below(roles.len())].clone();
    match kind % 10 {
        // PassRole on a team's prefix, to one service (AWS's Example 1).
        0 => doc(vec![
            json!({"Sid": "PassTeamRoles", "Effect": "Allow", "Action": ["iam:GetRole", "iam:PassRole"],
                "Resource": role_pattern(team, rng.chance(2)),
                "Condition": {"StringEquals": {"iam:PassedToService": svc}}}),
            json!({"Effect": "Allow", "Action": ["ec2:RunInstances", "lambda:CreateFunction", "ecs:RunTask"], "Resource": "*"}),
        ]),
        // PassRole on a few exact roles, no condition (AWS's Example 2).
        1 => {
            let n = 2 + rng.below(2);
            let rs: Vec<String> = (0..n).map(|_| some_role(rng)).collect();
            doc(vec![
                json!({"Effect": "Allow", "Action": "iam:PassRole", "Resource": rs}),
                json!({"Effect": "Allow", "Action": "rds:CreateDBInstance", "Resource": "*"}),
            ])
        }
        // Everything in IAM, but a deny on a team's roles.
        2 => doc(vec![
            json!({"Effect": "Allow", "Action": "iam:*", "Resource": "*"}),
            json!({"Sid": "NoTeamRoles", "Effect": "Deny", "Action": "iam:PassRole", "Resource": role_pattern(team, false)}),
        ]),
        // NotAction: everything but storage and compute (so PassRole and AssumeRole too).
        3 => doc(vec![
            json!({"Effect": "Allow", "NotAction": ["s3:*", "ec2:*"], "Resource": "*"}),
        ]),
        // NotResource: every role but a team's.
        4 => doc(vec![json!({"Effect": "Allow", "Action": "iam:PassRole",
            "NotResource": [role_pattern(team, false), role_pattern(team, true)]})]),
        // Assuming a team's roles (chains).
        5 => doc(vec![json!({"Effect": "Allow", "Action": "sts:AssumeRole",
            "Resource": [role_pattern(team, false), role_pattern(team, true)]})]),
        // A condition not known offline: possible findings.
        6 => doc(vec![
            json!({"Effect": "Allow", "Action": "iam:PassRole", "Resource": role_pattern(team, false),
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}),
        ]),
        // Action wildcards and StringLike on the service.
        7 => doc(vec![
            json!({"Effect": "Allow", "Action": "iam:Pass*", "Resource": format!("arn:aws:iam::{ACCOUNT}:role/*"),
            "Condition": {"StringLike": {"iam:PassedToService": ["lambda.*", "ecs-tasks.*"]}}}),
        ]),
        // A deny unless the service is EC2, beside a broad allow.
        8 => doc(vec![
            json!({"Effect": "Allow", "Action": ["iam:PassRole", "sts:AssumeRole"], "Resource": "*"}),
            json!({"Sid": "OnlyEc2", "Effect": "Deny", "Action": "iam:PassRole", "Resource": "*",
                "Condition": {"StringNotEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}}),
        ]),
        // Nothing about roles.
        _ => doc(vec![
            json!({"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"],
            "Resource": [format!("arn:aws:s3:::team-{team}-data"), format!("arn:aws:s3:::team-{team}-data/*")]}),
        ]),
    }
}

/// The boundary document: passing and assuming a team's roles, and launching.
fn boundary_doc(team: usize) -> Value {
    doc(vec![
        json!({"Effect": "Allow", "Action": ["iam:PassRole", "sts:AssumeRole"],
            "Resource": [role_pattern(team, false), role_pattern(team, true)]}),
        json!({"Effect": "Allow", "Action": ["ec2:*", "lambda:*", "ecs:*", "rds:*"], "Resource": "*"}),
    ])
}

/// Generates an account of the given size, the same for the same seed.
#[must_use]
pub fn generate(size: Size, seed: u64) -> Account {
    let mut rng = Rng(seed ^ 0x5EED);
    let teams = size.teams.max(1);
    let groups = size.groups.max(1);
    let n_policies = size.policies.max(2);
    // Roles first (names only), so policies can name them.
    let mut roles: Vec<Role> = (0..size.roles.max(1))
        .map(|r| {
            let team = r % teams;
            let kind = r % (SERVICES.len() + 1);
            let (trust, short) = match SERVICES.get(kind) {
                Some((svc, short)) => (vec![Trustee::Service(svc)], *short),
                None => (vec![], "ops"),
            };
            Role {
                // Names use every character IAM allows (`+=,.@_-`), except for database
                // monitoring roles, whose database is named after them.
                name: if r % 5 == 3 && kind != 3 {
                    format!("team-{team}-{short}-{r}.v2+ops=a,b@x_y")
                } else if r % 9 == 7 && kind != 3 {
                    // A role named after a user of group 0 (which lets its members pass the
                    // roles named after them, through `${aws:username}`).
                    format!(
                        "user-{}-{short}-{r}",
                        (r / 9) * size.groups.max(1) % size.users.max(1)
                    )
                } else {
                    format!("team-{team}-{short}-{r}")
                },
                path: match r % 8 {
                    1 | 3 => "/app/",
                    5 => "/app/team-x/",
                    _ => "/",
                }
                .to_owned(),
                trust,
                trust_condition: r % 5 == 4,
                trust_deny: None,
                attached: Vec::new(),
                inline: Vec::new(),
                boundary: None,
                instance_profile: kind == 0,
                rds_monitoring: kind == 3,
            }
        })
        .collect();
    let acct = Account {
        id: format!("{:012}", 100_000_000_000 + seed % 900_000_000_000),
        users: Vec::new(),
        groups: Vec::new(),
        roles: Vec::new(),
        policies: Vec::new(),
    };
    let role_arns: Vec<String> = roles
        .iter()
        .map(|r| format!("arn:aws:iam::{ACCOUNT}:role{}{}", r.path, r.name))
        .collect();
    // Policies: the last two are boundaries.
    let mut policies: Vec<Managed> = (0..n_policies - 2)
        .map(|p| Managed {
            name: format!("policy-{p}"),
            path: if p % 5 == 4 { "/team/" } else { "/" }.to_owned(),
            doc: policy_doc(&mut rng, p, &size, &role_arns),
        })
        .collect();
    let boundaries = [n_policies - 2, n_policies - 1];
    for (i, _) in boundaries.iter().enumerate() {
        policies.push(Managed {
            name: format!("boundary-{i}"),
            path: "/".to_owned(),
            doc: boundary_doc(i % teams),
        });
    }
    let customer = |rng: &mut Rng| PolicyRef::Customer(rng.below(n_policies - 2));
    let users_n = size.users.max(1);
    let mut users: Vec<User> = (0..users_n)
        .map(|u| {
            let mut gs = vec![u % groups];
            if rng.chance(3) {
                let g = rng.below(groups);
                if !gs.contains(&g) {
                    gs.push(g);
                }
            }
            let mut attached = Vec::new();
            if rng.chance(3) {
                attached.push(customer(&mut rng));
            }
            if u % 11 == 5 {
                attached.push(PolicyRef::Aws("/IAMFullAccess"));
            }
            let inline = if u % 3 == 0 {
                let kind = [0, 1, 6, 8][rng.below(4)];
                vec![Inline {
                    name: "pass".to_owned(),
                    doc: policy_doc(&mut rng, kind, &size, &role_arns),
                }]
            } else {
                Vec::new()
            };
            let boundary = (u % 7 == 3).then(|| PolicyRef::Customer(boundaries[u % 2]));
            User {
                name: if u % 6 == 4 {
                    format!("user-{u}.ops+ci@corp")
                } else {
                    format!("user-{u}")
                },
                path: if u % 5 == 2 { "/ops/" } else { "/" }.to_owned(),
                groups: gs,
                attached,
                inline,
                boundary,
            }
        })
        .collect();
    users.iter_mut().for_each(|u| u.attached.dedup());
    let groups_v: Vec<Group> = (0..groups)
        .map(|g| {
            let mut attached = vec![customer(&mut rng)];
            if rng.chance(2) {
                let p = customer(&mut rng);
                if !attached.contains(&p) {
                    attached.push(p);
                }
            }
            let mut inline = if g % 2 == 1 {
                vec![Inline {
                    name: format!("group-{g}-assume"),
                    doc: policy_doc(&mut rng, 5, &size, &role_arns),
                }]
            } else {
                Vec::new()
            };
            if g % 3 == 0 {
                // Every member may pass the roles named after them (a policy variable).
                inline.push(Inline {
                    name: format!("group-{g}-own-roles"),
                    doc: doc(vec![json!({"Effect": "Allow", "Action": "iam:PassRole",
                        "Resource": format!("arn:aws:iam::{ACCOUNT}:role/${{aws:username}}-*")})]),
                });
            }
            Group {
                name: format!("group-{g}"),
                path: if g % 3 == 2 { "/eng/" } else { "/" }.to_owned(),
                attached,
                inline,
            }
        })
        .collect();
    // Role policies, trust of the operator roles (chains), boundaries.
    for (r, role) in roles.iter_mut().enumerate() {
        if role.trust.is_empty() {
            role.trust = match r % 4 {
                0 | 2 => vec![Trustee::User(rng.below(users_n))],
                1 => {
                    role.trust_deny = Some(rng.below(users_n));
                    vec![Trustee::Root]
                }
                _ => vec![Trustee::AccountId],
            };
            // An operator role passes roles: chains end in its findings.
            let kind = [0, 1, 4, 7][rng.below(4)];
            role.inline.push(Inline {
                name: "operate".to_owned(),
                doc: policy_doc(&mut rng, kind, &size, &role_arns),
            });
            if (r / 6) % 2 == 0 {
                role.boundary = Some(PolicyRef::Customer(boundaries[r % 2]));
            }
        } else if r % 7 == 2 {
            role.boundary = Some(PolicyRef::Customer(boundaries[r % 2]));
        } else if rng.chance(4) {
            role.trust.push(if r % 2 == 0 {
                Trustee::Root
            } else {
                Trustee::AccountId
            });
        }
        if role.rds_monitoring {
            role.attached.push(PolicyRef::Aws(
                "/service-role/AmazonRDSEnhancedMonitoringRole",
            ));
        }
        if rng.chance(2) {
            let p = customer(&mut rng);
            if !role.attached.contains(&p) {
                role.attached.push(p);
            }
        }
    }
    Account {
        users,
        groups: groups_v,
        roles,
        policies,
        ..acct
    }
}
