//! The adapters over a view held in maps: what each resource type means, whatever the front end.

use std::collections::BTreeMap;

use passgraph_model::{
    Account, AttachedPolicy, FileId, Node, NodeKind, PrincipalTarget, RoleTarget, TextRange,
};

use super::*;

/// A resource whose arguments are lists of known strings.
struct Fake {
    rtype: &'static str,
    attrs: BTreeMap<&'static str, Vec<&'static str>>,
    numbers: BTreeMap<&'static str, f64>,
    docs: BTreeMap<&'static str, PolicyDocument>,
    unset: Vec<&'static str>,
    diags: Vec<Diagnostic>,
}

fn o() -> Origin {
    Origin::new(FileId(0), TextRange::new(0, 0))
}

fn fake(rtype: &'static str, attrs: &[(&'static str, &[&'static str])]) -> Fake {
    Fake {
        rtype,
        attrs: attrs.iter().map(|(k, v)| (*k, v.to_vec())).collect(),
        numbers: BTreeMap::new(),
        docs: BTreeMap::new(),
        unset: Vec::new(),
        diags: Vec::new(),
    }
}

fn allow_all() -> PolicyDocument {
    let node = Node::new(
        NodeKind::Object(vec![(
            Str::lit("Statement"),
            o(),
            Node::new(
                NodeKind::Object(vec![
                    (
                        Str::lit("Effect"),
                        o(),
                        Node::new(NodeKind::String(Str::lit("Allow")), o()),
                    ),
                    (
                        Str::lit("Action"),
                        o(),
                        Node::new(NodeKind::String(Str::lit("*")), o()),
                    ),
                ]),
                o(),
            ),
        )]),
        o(),
    );
    PolicyDocument::from_node(&node).0
}

impl ResourceView for Fake {
    fn resource_type(&self) -> &str {
        self.rtype
    }
    fn address(&self) -> Arc<str> {
        Arc::from(format!("{}.x", self.rtype))
    }
    fn origin(&self) -> Origin {
        o()
    }
    fn uncertain(&self) -> bool {
        false
    }
    fn name(&mut self) -> Str {
        self.attrs
            .get("name")
            .and_then(|v| v.first())
            .map_or_else(|| Str::hole("generated"), |n| Str::lit(*n))
    }
    fn path(&mut self) -> Str {
        Str::lit("/")
    }
    fn arn(&mut self) -> Str {
        Str::lit("arn:aws:iam::111122223333:x/y")
    }
    fn strings(&mut self, attr: &str, _want: Want, _arity: Arity) -> Vec<Item> {
        self.at_path(attr, Want::Any)
    }
    fn at_path(&mut self, path: &str, _want: Want) -> Vec<Item> {
        self.attrs
            .get(path)
            .map(|v| {
                v.iter()
                    .map(|s| Item {
                        value: Str::lit(*s),
                        uncertain: false,
                        origin: o(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
    fn attr_origin(&self, _attr: &str) -> Origin {
        o()
    }
    fn is_set(&self, attr: &str) -> bool {
        !self.unset.contains(&attr)
    }
    fn number(&mut self, attr: &str) -> Option<f64> {
        self.numbers.get(attr).copied()
    }
    fn document(&mut self, attr: &str) -> Option<PolicyDocument> {
        self.docs.get(attr).cloned()
    }
    fn inline_policies(&mut self) -> Vec<InlinePolicy> {
        vec![InlinePolicy {
            name: Str::lit("inline"),
            document: allow_all(),
            origin: o(),
        }]
    }
    fn tags(&mut self) -> Vec<Tag> {
        Vec::new()
    }
    fn diag(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }
}

fn run(mut f: Fake) -> (Account, Vec<Diagnostic>) {
    let mut acc = Account::default();
    adapt(&mut f, &mut acc);
    (acc, f.diags)
}

#[test]
fn a_role_reads_its_trust_boundary_and_configured_policies() {
    let mut f = fake(
        "aws_iam_role",
        &[
            ("name", &["app"]),
            ("permissions_boundary", &[""]),
            (
                "managed_policy_arns",
                &["arn:aws:iam::aws:policy/ReadOnlyAccess"],
            ),
        ],
    );
    f.docs.insert("assume_role_policy", allow_all());
    let (acc, diags) = run(f);
    let r = &acc.roles[0];
    assert_eq!(r.name, Str::lit("app"));
    // Provider docs: an empty `permissions_boundary` sets none.
    assert!(r.boundary.is_none());
    assert_eq!(r.inline.len(), 1);
    assert_eq!(r.attached.len(), 1);
    assert!(r.trust.unknown.is_none());
    assert!(diags.is_empty());

    // Without a trust policy (hand-written plans): an unknown one, said once. Inline and
    // managed policies that the configuration does not set are what AWS has, not new ones.
    let mut f = fake(
        "aws_iam_role",
        &[
            ("name", &["app"]),
            ("permissions_boundary", &["arn:aws:iam::1:policy/b"]),
        ],
    );
    f.unset = vec!["inline_policy", "managed_policy_arns"];
    let (acc, diags) = run(f);
    let r = &acc.roles[0];
    assert!(r.trust.unknown.is_some());
    assert!(r.inline.is_empty() && r.attached.is_empty());
    assert_eq!(
        r.boundary.as_ref().map(|b| b.arn.to_string()).as_deref(),
        Some("arn:aws:iam::1:policy/b")
    );
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].message, "aws_iam_role.x has no assume_role_policy");
}

#[test]
fn a_boundary_that_may_be_empty_is_unknown() {
    // `permissions_boundary = var.strict ? local.boundary : ""` with `var.strict` unknown: a
    // boundary or none, so whatever it blocks is only possibly blocked.
    let f = fake(
        "aws_iam_user",
        &[
            ("name", &["u"]),
            ("permissions_boundary", &["arn:aws:iam::1:policy/b", ""]),
        ],
    );
    let (acc, _) = run(f);
    let b = acc.users[0].boundary.as_ref().map(|b| b.arn.clone());
    assert_eq!(b, Some(Str::hole("aws_iam_user.x.permissions_boundary")));
}

#[test]
fn attachments_name_principals_by_name() {
    // Provider docs, `aws_iam_role_policy_attachment`: `role` is "the name of the IAM role";
    // an ARN given instead is reduced to its last path segment, with a diagnostic.
    let f = fake(
        "aws_iam_role_policy_attachment",
        &[
            ("role", &["arn:aws:iam::111122223333:role/team/app"]),
            ("policy_arn", &["arn:aws:iam::aws:policy/PowerUserAccess"]),
        ],
    );
    let (acc, diags) = run(f);
    assert_eq!(acc.attachments.len(), 1);
    assert_eq!(
        acc.attachments[0].target,
        PrincipalTarget::Role(Str::lit("app"))
    );
    assert_eq!(diags.len(), 1);
    // An empty policy ARN attaches nothing.
    let (acc, _) = run(fake(
        "aws_iam_user_policy_attachment",
        &[("user", &["u"]), ("policy_arn", &[""])],
    ));
    assert!(acc.attachments.is_empty());
    // `aws_iam_policy_attachment` attaches one policy to every user, role and group listed.
    let (acc, _) = run(fake(
        "aws_iam_policy_attachment",
        &[
            ("users", &["u1", "u2"]),
            ("roles", &["r"]),
            ("groups", &[]),
            ("policy_arn", &["arn:aws:iam::1:policy/p"]),
        ],
    ));
    let targets: Vec<&PrincipalTarget> = acc.attachments.iter().map(|a| &a.target).collect();
    assert_eq!(
        targets,
        [
            &PrincipalTarget::User(Str::lit("u1")),
            &PrincipalTarget::User(Str::lit("u2")),
            &PrincipalTarget::Role(Str::lit("r")),
        ]
    );
    assert!(
        acc.attachments
            .iter()
            .all(|a| matches!(&a.policy, AttachedPolicy::Managed(p) if p.arn == Str::lit("arn:aws:iam::1:policy/p")))
    );
}

#[test]
fn memberships_and_inline_policies() {
    let (acc, _) = run(fake(
        "aws_iam_group_membership",
        &[("group", &["devs"]), ("users", &["a", "b"])],
    ));
    let m: Vec<(String, String)> = acc
        .memberships
        .iter()
        .map(|m| (m.user.to_string(), m.group.to_string()))
        .collect();
    assert_eq!(
        m,
        [("a".into(), "devs".into()), ("b".into(), "devs".into())]
    );
    // An inline policy whose owner is empty belongs to nobody.
    let mut f = fake("aws_iam_user_policy", &[("user", &[""]), ("name", &["p"])]);
    f.docs.insert("policy", allow_all());
    assert!(run(f).0.attachments.is_empty());
}

#[test]
fn rds_hands_its_monitoring_role_over_only_when_monitoring_is_on() {
    let role = "arn:aws:iam::111122223333:role/rds-monitoring";
    let mut f = fake("aws_db_instance", &[("monitoring_role_arn", &[role])]);
    f.numbers.insert("monitoring_interval", 0.0);
    assert!(run(f).0.role_uses.is_empty());
    let mut f = fake("aws_db_instance", &[("monitoring_role_arn", &[role])]);
    f.numbers.insert("monitoring_interval", 60.0);
    let (acc, _) = run(f);
    assert_eq!(acc.role_uses[0].service, "monitoring.rds.amazonaws.com");
    assert_eq!(acc.role_uses[0].target, RoleTarget::Role(Str::lit(role)));
    // An instance profile hands its role to EC2.
    let (acc, _) = run(fake("aws_instance", &[("iam_instance_profile", &["web"])]));
    assert_eq!(acc.role_uses[0].service, "ec2.amazonaws.com");
    assert_eq!(
        acc.role_uses[0].target,
        RoleTarget::InstanceProfile(Str::lit("web"))
    );
    assert!(is_mapped("aws_instance") && is_mapped("aws_iam_role") && !is_mapped("aws_s3_bucket"));
}
