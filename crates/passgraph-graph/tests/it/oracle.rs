//! A differential oracle: a brute-force evaluator written for clarity, not speed, from the AWS
//! rules (../shared/spec/semantics.md §1.6, §1.7, §2.8), against [`passgraph_graph::analyze`]
//! on random small accounts. Both must find the same (principal, role, service) triples with the
//! same certainty.
//!
//! The oracle shares nothing with the engine but the input: it has its own three-valued type,
//! its own wildcard matcher and its own reading of the generated account (the description
//! below, not the model). For every principal × role × service it walks every statement of
//! every policy the principal holds; assume-role chains are followed breadth-first, once over
//! definite edges and once over all.
//!
//! The accounts cover groups (memberships certain or not), managed and inline policies,
//! permissions boundaries, SCPs, denies, `NotAction`/`NotResource`, conditions (known keys,
//! a key absent from the request, keys not known offline), a resource with a hole, principals
//! that exist only possibly, and trust policies naming services, users, roles, the account and
//! everyone.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use passgraph_graph::{Options, analyze};
use passgraph_model::{
    Account, FileId, Group, InlinePolicy, ManagedPolicy, Membership, Origin, PolicyDocument,
    PolicyRef, ResourceSpec, Role, Str, TextRange, Tri, User,
};
use proptest::prelude::*;

const ACCOUNT: &str = "123456789012";

// ---------------------------------------------------------------------------------------------
// The oracle's own three-valued logic and wildcard matcher.

/// No < Maybe < Yes: `and` is the minimum, `or` the maximum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum T {
    No,
    Maybe,
    Yes,
}

impl T {
    fn and(self, o: T) -> T {
        self.min(o)
    }
    fn or(self, o: T) -> T {
        self.max(o)
    }
    fn not(self) -> T {
        match self {
            T::No => T::Yes,
            T::Maybe => T::Maybe,
            T::Yes => T::No,
        }
    }
    fn weaken(self) -> T {
        self.min(T::Maybe)
    }
    fn of(b: bool) -> T {
        if b { T::Yes } else { T::No }
    }
}

/// IAM wildcards: `*` any run (`/` and `:` included), `?` exactly one character; anchored.
fn wildcard(pattern: &str, text: &str) -> bool {
    fn go(p: &[char], s: &[char]) -> bool {
        match p.split_first() {
            None => s.is_empty(),
            Some(('*', rest)) => (0..=s.len()).any(|i| go(rest, &s[i..])),
            Some(('?', rest)) => !s.is_empty() && go(rest, &s[1..]),
            Some((c, rest)) => s.first() == Some(c) && go(rest, &s[1..]),
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let s: Vec<char> = text.chars().collect();
    go(&p, &s)
}

#[test]
fn oracle_wildcards_follow_the_aws_examples() {
    // IAM-UG reference_identifiers: `user/*` covers paths, `division_abc*` only that branch.
    let all = "arn:aws:iam::111122223333:user/*";
    assert!(wildcard(all, "arn:aws:iam::111122223333:user/JohnDoe"));
    assert!(wildcard(
        all,
        "arn:aws:iam::111122223333:user/division_abc/subdivision_xyz/JaneDoe"
    ));
    let branch = "arn:aws:iam::111122223333:user/division_abc*";
    assert!(!wildcard(branch, "arn:aws:iam::111122223333:user/JohnDoe"));
    // semantics.md §2.2: `role/MyRole` does not cover `role/service-role/MyRole`.
    assert!(!wildcard(
        "arn:aws:iam::1:role/MyRole",
        "arn:aws:iam::1:role/service-role/MyRole"
    ));
    assert!(wildcard("r?", "r1") && !wildcard("r?", "r") && !wildcard("r?", "r12"));
    assert_eq!(T::Yes.and(T::Maybe), T::Maybe);
    assert_eq!(T::No.or(T::Maybe), T::Maybe);
}

// ---------------------------------------------------------------------------------------------
// The account description, its rendering for the engine, and the oracle's reading of it.

const ACTIONS: &[&str] = &[
    "iam:PassRole",
    "iam:*",
    "*",
    "sts:AssumeRole",
    "ec2:RunInstances",
    "iam:Pass*",
    "sts:*",
    "IAM:passrole",
];

/// The last entry is a role ARN whose name is a hole (`…:role/<unknown>`).
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:iam::123456789012:role/r0",
    "arn:aws:iam::123456789012:role/r*",
    "arn:aws:iam::123456789012:role/svc/*",
    "arn:aws:iam::123456789012:role/r?",
    "arn:aws:iam::123456789012:role/r2",
    HOLE,
];
const HOLE: &str = "arn:aws:iam::123456789012:role/@hole";
const HOLE_PREFIX: &str = "arn:aws:iam::123456789012:role/";

/// (operator, key, value) of an identity statement's condition; `None` is no condition.
const CONDITIONS: &[Option<(&str, &str, &str)>] = &[
    None,
    Some(("StringEquals", "iam:PassedToService", "ec2.amazonaws.com")),
    Some(("StringLike", "iam:PassedToService", "lambda.*")),
    Some(("Bool", "aws:MultiFactorAuthPresent", "true")),
    Some((
        "StringNotEquals",
        "iam:PassedToService",
        "ec2.amazonaws.com",
    )),
    Some(("StringEquals", "aws:username", "u0")),
];

const SERVICES: &[&str] = &["ec2.amazonaws.com", "lambda.amazonaws.com"];
const TRUST_ACTIONS: &[&str] = &["sts:AssumeRole", "sts:*", "sts:TagSession"];

#[derive(Clone, Debug)]
struct Stmt {
    deny: bool,
    not_action: bool,
    action: usize,
    not_resource: bool,
    resource: usize,
    condition: usize,
}

#[derive(Clone, Debug)]
enum Trusted {
    Service(usize),
    User(usize),
    Role(usize),
    Account,
    Everyone,
}

#[derive(Clone, Debug)]
struct TrustStmt {
    /// A Deny (never naming the account: AWS leaves open whether that denies every principal).
    deny: bool,
    who: Trusted,
    action: usize,
    /// A condition on a key not known offline (`aws:MultiFactorAuthPresent`).
    unknown_condition: bool,
}

#[derive(Clone, Debug)]
struct UserD {
    inline: Vec<Stmt>,
    attached: Vec<usize>,
    /// (group, membership only possible)
    groups: Vec<(usize, bool)>,
    boundary: Option<usize>,
    uncertain: bool,
}

#[derive(Clone, Debug)]
struct GroupD {
    inline: Vec<Stmt>,
    attached: Vec<usize>,
}

#[derive(Clone, Debug)]
struct RoleD {
    inline: Vec<Stmt>,
    attached: Vec<usize>,
    boundary: Option<usize>,
    trust: Vec<TrustStmt>,
    uncertain: bool,
}

#[derive(Clone, Debug)]
struct Desc {
    users: Vec<UserD>,
    groups: Vec<GroupD>,
    roles: Vec<RoleD>,
    /// Managed policies: statements, or `None` for a document not known offline.
    managed: Vec<Option<Vec<Stmt>>>,
    scps: Vec<Vec<Stmt>>,
}

fn user_arn(i: usize) -> String {
    format!("arn:aws:iam::{ACCOUNT}:user/u{i}")
}

/// Role 2 lives under the path `/svc/`.
fn role_path(j: usize) -> &'static str {
    if j == 2 { "/svc/" } else { "/" }
}

fn role_arn(j: usize) -> String {
    format!("arn:aws:iam::{ACCOUNT}:role{}r{j}", role_path(j))
}

fn policy_arn(k: usize) -> String {
    format!("arn:aws:iam::{ACCOUNT}:policy/p{k}")
}

// --- Rendering for the engine: policy JSON through the model's policy reader, entities built
// directly.

fn origin() -> Origin {
    Origin::new(FileId(0), TextRange::default())
}

fn stmt_json(s: &Stmt) -> String {
    let cond = CONDITIONS[s.condition].map_or(String::new(), |(op, k, v)| {
        format!(r#","Condition":{{"{op}":{{"{k}":"{v}"}}}}"#)
    });
    format!(
        r#"{{"Effect":"{}","{}":"{}","{}":"{}"{cond}}}"#,
        if s.deny { "Deny" } else { "Allow" },
        if s.not_action { "NotAction" } else { "Action" },
        ACTIONS[s.action],
        if s.not_resource {
            "NotResource"
        } else {
            "Resource"
        },
        RESOURCES[s.resource],
    )
}

fn document(json: &str) -> PolicyDocument {
    let node = passgraph_json::parse(FileId(0), json).expect("generated JSON parses");
    let (mut doc, diags) = PolicyDocument::from_node(&node);
    assert!(diags.is_empty(), "{json}: {diags:?}");
    // The hole marker becomes a role ARN whose name is not known offline.
    for s in &mut doc.statements {
        if let ResourceSpec::Resource(v) | ResourceSpec::NotResource(v) = &mut s.resources {
            for r in v.iter_mut() {
                if r.as_known() == Some(HOLE) {
                    let mut h = Str::lit(HOLE_PREFIX);
                    h.append(&Str::hole("aws_iam_role.generated.name"));
                    *r = h;
                }
            }
        }
    }
    doc
}

fn policy(stmts: &[Stmt]) -> PolicyDocument {
    let s: Vec<String> = stmts.iter().map(stmt_json).collect();
    document(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        s.join(",")
    ))
}

fn trust_json(stmts: &[TrustStmt]) -> String {
    let s: Vec<String> = stmts
        .iter()
        .map(|t| {
            let principal = match t.who {
                Trusted::Service(s) => format!(r#"{{"Service":"{}"}}"#, SERVICES[s]),
                Trusted::User(i) => format!(r#"{{"AWS":"{}"}}"#, user_arn(i)),
                Trusted::Role(j) => format!(r#"{{"AWS":"{}"}}"#, role_arn(j)),
                Trusted::Account => format!(r#"{{"AWS":"arn:aws:iam::{ACCOUNT}:root"}}"#),
                Trusted::Everyone => r#""*""#.to_owned(),
            };
            let cond = if t.unknown_condition {
                r#","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#
            } else {
                ""
            };
            format!(
                r#"{{"Effect":"{}","Principal":{principal},"Action":"{}"{cond}}}"#,
                if t.deny { "Deny" } else { "Allow" },
                TRUST_ACTIONS[t.action]
            )
        })
        .collect();
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        s.join(",")
    )
}

fn inline(stmts: &[Stmt]) -> Vec<InlinePolicy> {
    if stmts.is_empty() {
        return Vec::new();
    }
    vec![InlinePolicy {
        name: Str::lit("p"),
        document: policy(stmts),
        origin: origin(),
    }]
}

fn refs(ks: &[usize]) -> Vec<PolicyRef> {
    ks.iter()
        .map(|k| PolicyRef {
            arn: Str::lit(policy_arn(*k)),
            origin: origin(),
        })
        .collect()
}

fn render(d: &Desc) -> (Account, Options) {
    let mut a = Account {
        account_id: Some(ACCOUNT.to_owned()),
        ..Account::default()
    };
    for (i, u) in d.users.iter().enumerate() {
        a.users.push(User {
            name: Str::lit(format!("u{i}")),
            path: Str::lit("/"),
            arn: Str::lit(user_arn(i)),
            inline: inline(&u.inline),
            attached: refs(&u.attached),
            groups: u
                .groups
                .iter()
                .filter(|(_, maybe)| !maybe)
                .map(|(g, _)| Str::lit(format!("g{g}")))
                .collect(),
            boundary: u.boundary.and_then(|k| refs(&[k]).pop()),
            tags: Vec::new(),
            uncertain: u.uncertain,
            origin: origin(),
        });
        for (g, _) in u.groups.iter().filter(|(_, maybe)| *maybe) {
            a.memberships.push(Membership {
                user: Str::lit(format!("u{i}")),
                group: Str::lit(format!("g{g}")),
                uncertain: true,
                origin: origin(),
            });
        }
    }
    for (g, x) in d.groups.iter().enumerate() {
        a.groups.push(Group {
            name: Str::lit(format!("g{g}")),
            path: Str::lit("/"),
            arn: Str::lit(format!("arn:aws:iam::{ACCOUNT}:group/g{g}")),
            inline: inline(&x.inline),
            attached: refs(&x.attached),
            uncertain: false,
            origin: origin(),
        });
    }
    for (j, r) in d.roles.iter().enumerate() {
        a.roles.push(Role {
            name: Str::lit(format!("r{j}")),
            path: Str::lit(role_path(j)),
            arn: Str::lit(role_arn(j)),
            trust: document(&trust_json(&r.trust)),
            inline: inline(&r.inline),
            attached: refs(&r.attached),
            boundary: r.boundary.and_then(|k| refs(&[k]).pop()),
            tags: Vec::new(),
            uncertain: r.uncertain,
            origin: origin(),
        });
    }
    for (k, p) in d.managed.iter().enumerate() {
        a.policies.push(ManagedPolicy {
            name: Str::lit(format!("p{k}")),
            path: Str::lit("/"),
            arn: Str::lit(policy_arn(k)),
            document: match p {
                Some(p) => policy(p),
                None => PolicyDocument::unknown("jsonencode(var.document)", origin()),
            },
            uncertain: false,
            origin: origin(),
        });
    }
    let options = Options {
        scps: d.scps.iter().map(|s| policy(s)).collect(),
        ..Options::default()
    };
    (a, options)
}

// --- The oracle.

/// A principal of the description.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum P {
    User(usize),
    Role(usize),
}

/// A policy's statements, or `None` when its document is not known offline.
type Held<'a> = Option<&'a [Stmt]>;

/// What the request carries besides action and resource.
#[derive(Clone, Copy)]
enum Passed<'a> {
    /// Not a PassRole request: `iam:PassedToService` is absent (it applies only to PassRole).
    Absent,
    /// PassRole to this service.
    Known(&'a str),
    /// PassRole to whichever service the caller picks (a role that trusts everyone).
    Any,
}

struct Oracle<'a> {
    d: &'a Desc,
}

impl Oracle<'_> {
    fn arn(&self, p: P) -> String {
        match p {
            P::User(i) => user_arn(i),
            P::Role(j) => role_arn(j),
        }
    }

    fn uncertain(&self, p: P) -> bool {
        match p {
            P::User(i) => self.d.users[i].uncertain,
            P::Role(j) => self.d.roles[j].uncertain,
        }
    }

    fn principals(&self) -> Vec<P> {
        let users = (0..self.d.users.len()).map(P::User);
        users.chain((0..self.d.roles.len()).map(P::Role)).collect()
    }

    /// The identity policies `p` holds, each with whether it is held only possibly.
    fn identity(&self, p: P) -> Vec<(Held<'_>, bool)> {
        let mut out: Vec<(Held<'_>, bool)> = Vec::new();
        let managed = |k: &usize| self.d.managed[*k].as_deref();
        match p {
            P::User(i) => {
                let u = &self.d.users[i];
                out.push((Some(&u.inline), false));
                out.extend(u.attached.iter().map(|k| (managed(k), false)));
                for (g, maybe) in &u.groups {
                    let g = &self.d.groups[*g];
                    out.push((Some(&g.inline), *maybe));
                    out.extend(g.attached.iter().map(|k| (managed(k), *maybe)));
                }
            }
            P::Role(j) => {
                let r = &self.d.roles[j];
                out.push((Some(&r.inline), false));
                out.extend(r.attached.iter().map(|k| (managed(k), false)));
            }
        }
        out
    }

    fn boundary(&self, p: P) -> Option<Held<'_>> {
        let b = match p {
            P::User(i) => self.d.users[i].boundary,
            P::Role(j) => self.d.roles[j].boundary,
        };
        b.map(|k| self.d.managed[k].as_deref())
    }

    /// Whether one statement applies to the request.
    fn applies(&self, s: &Stmt, p: P, action: &str, resource: &str, passed: Passed<'_>) -> T {
        let a = T::of(wildcard(
            &ACTIONS[s.action].to_lowercase(),
            &action.to_lowercase(),
        ));
        let a = if s.not_action { a.not() } else { a };
        let pattern = RESOURCES[s.resource];
        let r = if pattern == HOLE {
            // The hole may be any name: every role ARN with that prefix, possibly.
            if resource.starts_with(HOLE_PREFIX) {
                T::Maybe
            } else {
                T::No
            }
        } else {
            T::of(wildcard(pattern, resource))
        };
        let r = if s.not_resource { r.not() } else { r };
        let c = match CONDITIONS[s.condition] {
            None => T::Yes,
            Some((op, key, value)) => {
                // The request's value of the key: Some(Some(v)) known, Some(None) absent,
                // None not known offline.
                let v: Option<Option<String>> = match key {
                    "iam:PassedToService" => match passed {
                        Passed::Absent => Some(None),
                        Passed::Known(s) => Some(Some(s.to_owned())),
                        Passed::Any => None,
                    },
                    "aws:username" => match p {
                        P::User(i) => Some(Some(format!("u{i}"))),
                        P::Role(_) => Some(None),
                    },
                    _ => None,
                };
                match (op, v) {
                    (_, None) => T::Maybe,
                    ("StringEquals", Some(v)) => T::of(v.as_deref() == Some(value)),
                    ("StringLike", Some(v)) => T::of(v.is_some_and(|v| wildcard(value, &v))),
                    // A negated operator holds when the key is absent.
                    ("StringNotEquals", Some(v)) => T::of(v.as_deref() != Some(value)),
                    (op, _) => unreachable!("operator {op}"),
                }
            }
        };
        a.and(r).and(c)
    }

    /// Whether some statement of one effect applies; a document not known offline may allow
    /// and may deny anything.
    fn any(
        &self,
        policies: &[(Held<'_>, bool)],
        deny: bool,
        p: P,
        action: &str,
        resource: &str,
        passed: Passed<'_>,
    ) -> T {
        let mut t = T::No;
        for (stmts, maybe) in policies {
            let Some(stmts) = stmts else {
                t = t.or(T::Maybe);
                continue;
            };
            for s in stmts.iter().filter(|s| s.deny == deny) {
                let x = self.applies(s, p, action, resource, passed);
                t = t.or(if *maybe { x.weaken() } else { x });
            }
        }
        t
    }

    /// semantics.md §1.6: an explicit deny anywhere wins; an identity Allow is needed (unless
    /// `granted`: a trust policy grants on its own); the boundary and the SCPs must allow.
    fn decide(&self, p: P, action: &str, resource: &str, passed: Passed<'_>, granted: bool) -> T {
        let identity = self.identity(p);
        let boundary: Vec<(Held<'_>, bool)> =
            self.boundary(p).map(|b| (b, false)).into_iter().collect();
        let scps: Vec<(Held<'_>, bool)> = self
            .d
            .scps
            .iter()
            .map(|s| (Some(s.as_slice()), false))
            .collect();
        let mut deny = T::No;
        for set in [&identity, &boundary, &scps] {
            deny = deny.or(self.any(set, true, p, action, resource, passed));
        }
        let allow = if granted {
            T::Yes
        } else {
            self.any(&identity, false, p, action, resource, passed)
        };
        let b = if boundary.is_empty() {
            T::Yes
        } else {
            self.any(&boundary, false, p, action, resource, passed)
        };
        let scp = if scps.is_empty() {
            T::Yes
        } else {
            self.any(&scps, false, p, action, resource, passed)
        };
        allow.and(b).and(scp).and(deny.not())
    }

    /// A trust statement's own part for a caller: its action covers `sts:AssumeRole` and its
    /// condition holds.
    fn trust_stmt(t: &TrustStmt) -> T {
        let a = T::of(wildcard(
            &TRUST_ACTIONS[t.action].to_lowercase(),
            "sts:assumerole",
        ));
        a.and(if t.unknown_condition {
            T::Maybe
        } else {
            T::Yes
        })
    }

    /// The services role `j` trusts: the named ones, and `*` when it trusts everyone.
    fn services(&self, j: usize) -> BTreeMap<String, T> {
        let mut allow: BTreeMap<String, T> = BTreeMap::new();
        let mut deny: BTreeMap<String, T> = BTreeMap::new();
        for t in &self.d.roles[j].trust {
            let name = match t.who {
                Trusted::Service(s) => SERVICES[s],
                // A Deny naming everyone is not read as naming each service by name.
                Trusted::Everyone if !t.deny => "*",
                _ => continue,
            };
            let side = if t.deny { &mut deny } else { &mut allow };
            let e = side.entry(name.to_owned()).or_insert(T::No);
            *e = e.or(Oracle::trust_stmt(t));
        }
        allow
            .into_iter()
            .map(|(s, a)| {
                let d = deny.get(&s).copied().unwrap_or(T::No);
                (s, a.and(d.not()))
            })
            .collect()
    }

    /// semantics.md §1.7: may `p` assume role `j`?
    fn assume(&self, p: P, j: usize) -> T {
        if p == P::Role(j) {
            return T::No;
        }
        let target = role_arn(j);
        let names = |who: &Trusted| match *who {
            Trusted::User(i) => p == P::User(i),
            Trusted::Role(k) => p == P::Role(k),
            Trusted::Everyone => true,
            Trusted::Service(_) | Trusted::Account => false,
        };
        // A Deny in the trust policy that names the caller stops it, whatever grants.
        let denied = self.d.roles[j]
            .trust
            .iter()
            .filter(|s| s.deny && names(&s.who))
            .fold(T::No, |acc, s| acc.or(Oracle::trust_stmt(s)));
        let mut t = T::No;
        for s in self.d.roles[j].trust.iter().filter(|s| !s.deny) {
            let x = if names(&s.who) {
                // The trust policy names the caller: no identity grant needed.
                self.decide(p, "sts:AssumeRole", &target, Passed::Absent, true)
            } else if matches!(s.who, Trusted::Account) {
                // It names the account: the caller needs an identity Allow too.
                self.decide(p, "sts:AssumeRole", &target, Passed::Absent, false)
            } else {
                T::No
            };
            t = t.or(Oracle::trust_stmt(s).and(x));
        }
        t = t.and(denied.not());
        if self.uncertain(p) || self.d.roles[j].uncertain {
            t = t.weaken();
        }
        t
    }

    /// semantics.md §2.8: may `h`, by its own policies, pass role `j` to `service`?
    fn pass(&self, h: P, j: usize, service: &str, trusted: T) -> T {
        let passed = if service == "*" {
            Passed::Any
        } else {
            Passed::Known(service)
        };
        let mut t = self
            .decide(h, "iam:PassRole", &role_arn(j), passed, false)
            .and(trusted);
        if self.uncertain(h) || self.d.roles[j].uncertain {
            t = t.weaken();
        }
        t
    }

    /// The roles `p` reaches over edges at least as sure as `floor`, breadth-first.
    fn reach(&self, p: P, edges: &BTreeMap<(P, usize), T>, floor: T) -> BTreeSet<usize> {
        let mut seen = BTreeSet::new();
        let mut queue = VecDeque::from([p]);
        while let Some(x) = queue.pop_front() {
            for j in 0..self.d.roles.len() {
                if edges.get(&(x, j)).copied().unwrap_or(T::No) >= floor && seen.insert(j) {
                    queue.push_back(P::Role(j));
                }
            }
        }
        seen
    }

    /// Every (principal ARN, role ARN, service) with how surely it holds.
    fn findings(&self) -> BTreeMap<(String, String, String), T> {
        let ps = self.principals();
        let mut edges = BTreeMap::new();
        for &p in &ps {
            for j in 0..self.d.roles.len() {
                edges.insert((p, j), self.assume(p, j));
            }
        }
        let mut out = BTreeMap::new();
        for &p in &ps {
            // How surely p acts as each holder: itself surely, the roles it reaches.
            let mut holders: Vec<(P, T)> = vec![(p, T::Yes)];
            let sure = self.reach(p, &edges, T::Yes);
            for j in self.reach(p, &edges, T::Maybe) {
                holders.push((
                    P::Role(j),
                    if sure.contains(&j) { T::Yes } else { T::Maybe },
                ));
            }
            for j in 0..self.d.roles.len() {
                for (service, trusted) in self.services(j) {
                    if trusted == T::No {
                        continue;
                    }
                    let mut best = T::No;
                    for &(h, via) in &holders {
                        best = best.or(via.and(self.pass(h, j, &service, trusted)));
                    }
                    if best != T::No {
                        out.insert((self.arn(p), role_arn(j), service), best);
                    }
                }
            }
        }
        out
    }
}

fn engine(d: &Desc) -> BTreeMap<(String, String, String), T> {
    let (account, options) = render(d);
    let a = analyze(&account, &options);
    a.findings
        .iter()
        .map(|f| {
            let t = match f.certainty {
                Tri::Yes => T::Yes,
                Tri::Maybe => T::Maybe,
                Tri::No => T::No,
            };
            (
                (
                    a.principals[f.principal].arn.to_string(),
                    a.principals[f.role].arn.to_string(),
                    f.service.to_string(),
                ),
                t,
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Generation.

fn stmt() -> impl Strategy<Value = Stmt> {
    (
        any::<bool>(),
        prop::bool::weighted(0.15),
        0..ACTIONS.len(),
        prop::bool::weighted(0.15),
        0..RESOURCES.len(),
        prop_oneof![3 => Just(0usize), 2 => 1..CONDITIONS.len()],
    )
        .prop_map(
            |(deny, not_action, action, not_resource, resource, condition)| Stmt {
                // Denies are rarer than allows, as in real accounts.
                deny: deny && action % 3 == 0,
                not_action,
                action,
                not_resource,
                resource,
                condition,
            },
        )
}

fn stmts(max: usize) -> impl Strategy<Value = Vec<Stmt>> {
    prop::collection::vec(stmt(), 0..=max)
}

fn trust_stmt(users: usize, roles: usize) -> impl Strategy<Value = TrustStmt> {
    let deny = prop::bool::weighted(0.1);
    let who = prop_oneof![
        4 => (0..SERVICES.len()).prop_map(Trusted::Service),
        2 => (0..users).prop_map(Trusted::User),
        2 => (0..roles).prop_map(Trusted::Role),
        1 => Just(Trusted::Account),
        1 => Just(Trusted::Everyone),
    ];
    (
        deny,
        who,
        prop_oneof![4 => Just(0usize), 1 => 1..TRUST_ACTIONS.len()],
        prop::bool::weighted(0.2),
    )
        .prop_map(|(deny, who, action, unknown_condition)| TrustStmt {
            deny: deny && !matches!(who, Trusted::Account),
            who,
            action,
            unknown_condition,
        })
}

fn desc() -> impl Strategy<Value = Desc> {
    (1..=3usize, 0..=2usize, 1..=4usize).prop_flat_map(|(nu, ng, nr)| {
        let managed = prop::collection::vec(prop::option::weighted(0.9, stmts(2)), 2);
        let policy_refs = || prop::collection::vec(0..2usize, 0..=1);
        let boundary = || prop::option::weighted(0.2, 0..2usize);
        let user = (
            stmts(3),
            policy_refs(),
            if ng == 0 {
                Just(Vec::new()).boxed()
            } else {
                prop::collection::vec((0..ng, prop::bool::weighted(0.25)), 0..=2).boxed()
            },
            boundary(),
            prop::bool::weighted(0.1),
        )
            .prop_map(|(inline, attached, groups, boundary, uncertain)| UserD {
                inline,
                attached,
                groups,
                boundary,
                uncertain,
            });
        let group =
            (stmts(2), policy_refs()).prop_map(|(inline, attached)| GroupD { inline, attached });
        let role = (
            stmts(2),
            policy_refs(),
            boundary(),
            prop::collection::vec(trust_stmt(nu, nr), 1..=3),
            prop::bool::weighted(0.1),
        )
            .prop_map(|(inline, attached, boundary, trust, uncertain)| RoleD {
                inline,
                attached,
                boundary,
                trust,
                uncertain,
            });
        (
            prop::collection::vec(user, nu),
            prop::collection::vec(group, ng),
            prop::collection::vec(role, nr),
            managed,
            prop::collection::vec(stmts(2), 0..=1),
        )
            .prop_map(|(users, groups, roles, managed, scps)| Desc {
                users,
                groups,
                roles,
                managed,
                scps,
            })
    })
}

/// 1,000 accounts in the suite; `PASSGRAPH_ORACLE_CASES=100000` for a longer hunt by hand.
fn cases() -> u32 {
    std::env::var("PASSGRAPH_ORACLE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn engine_agrees_with_the_brute_force_oracle(d in desc()) {
        let want = Oracle { d: &d }.findings();
        let got = engine(&d);
        // Only the triples on which they differ: (triple, engine, oracle).
        let keys: BTreeSet<_> = got.keys().chain(want.keys()).collect();
        let diff: Vec<_> = keys
            .into_iter()
            .filter(|k| got.get(*k) != want.get(*k))
            .map(|k| (k, got.get(k), want.get(k)))
            .collect();
        prop_assert!(diff.is_empty(), "engine vs oracle: {:#?}", diff);
    }
}

#[test]
fn the_generator_reaches_every_feature() {
    // The oracle is only as good as what it is run on: a fixed sample of generated accounts
    // must exercise findings of both certainties and chains.
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, TestRunner};
    let mut runner = TestRunner::new(Config::default());
    let (mut yes, mut maybe, mut chained) = (0, 0, 0);
    for _ in 0..300 {
        let d = desc().new_tree(&mut runner).expect("a tree").current();
        let o = Oracle { d: &d };
        for ((p, r, _), t) in o.findings() {
            match t {
                T::Yes => yes += 1,
                _ => maybe += 1,
            }
            // A user's finding on a role no own statement of theirs can pass is chained.
            let direct = o
                .principals()
                .into_iter()
                .find(|x| o.arn(*x) == p)
                .map(|x| o.decide(x, "iam:PassRole", &r, Passed::Any, false));
            if direct == Some(T::No) {
                chained += 1;
            }
        }
    }
    assert!(
        yes > 50 && maybe > 50 && chained > 10,
        "{yes} {maybe} {chained}"
    );
}
