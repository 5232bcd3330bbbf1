//! The built-in table of AWS managed policies.
//!
//! IaC inputs attach AWS managed policies by ARN but never carry their documents, so passgraph
//! ships every one of them (1,523 default versions, deprecated ones included) in a compact table,
//! `aws_managed_policies.tsv`, derived from the AWS managed policy reference (a mirror of it,
//! `shared/data/aws-managed-policies.json`) by `examples/gen-managed-policies.rs`
//! (`gen/managed_policies.rs` holds the reduction; a test checks that regenerating gives the
//! same bytes). Each document keeps every statement that can answer a question the analysis
//! asks ([`asked_actions`]: `iam:PassRole`, `sts:AssumeRole*`, the launch actions of the service
//! catalogue, instance-profile actions, the admin-equivalent IAM writes) and every `Deny` and
//! `NotAction` statement verbatim; an Allow statement keeps only its action patterns that may
//! match an asked action. The table is parsed once, on first use.
//! `--aws-managed-policies` loads complete documents that take precedence.

use std::sync::LazyLock;

/// One built-in AWS managed policy.
#[derive(Clone, Copy, Debug)]
pub struct BuiltinPolicy {
    /// Policy name.
    pub name: &'static str,
    /// Path (`/`, `/service-role/`, `/job-function/`, `/aws-service-role/`).
    pub path: &'static str,
    /// The default version's document, reduced (see the module docs), as compact JSON.
    pub document: &'static str,
}

impl BuiltinPolicy {
    /// `arn:aws:iam::aws:policy<path><name>`.
    #[must_use]
    pub fn arn(&self) -> String {
        format!("arn:aws:iam::aws:policy{}{}", self.path, self.name)
    }
}

/// The generated table (see the module docs).
pub const TABLE: &str = include_str!("aws_managed_policies.tsv");

/// Actions the analysis evaluates against identity policies, besides the launch actions of the
/// service catalogue: the table keeps every statement that may match one of them. A test in
/// `passgraph-graph` checks that every action the graph asks is here.
pub const ASKED_ACTIONS: &[&str] = &[
    // Passing and assuming roles.
    "iam:PassRole",
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "sts:SetSourceIdentity",
    "sts:TagSession",
    // Instance profiles (how EC2 receives a role).
    "iam:AddRoleToInstanceProfile",
    "iam:CreateInstanceProfile",
    "iam:DeleteInstanceProfile",
    "iam:RemoveRoleFromInstanceProfile",
    "ec2:AssociateIamInstanceProfile",
    "ec2:ReplaceIamInstanceProfileAssociation",
    // Admin-equivalent IAM writes (the severity rule) and their close relatives.
    "iam:AddUserToGroup",
    "iam:AttachGroupPolicy",
    "iam:AttachRolePolicy",
    "iam:AttachUserPolicy",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:CreatePolicy",
    "iam:CreatePolicyVersion",
    "iam:CreateRole",
    "iam:DeleteRolePermissionsBoundary",
    "iam:DeleteUserPermissionsBoundary",
    "iam:PutGroupPolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:PutRolePolicy",
    "iam:PutUserPermissionsBoundary",
    "iam:PutUserPolicy",
    "iam:SetDefaultPolicyVersion",
    "iam:UpdateAssumeRolePolicy",
    "iam:UpdateLoginProfile",
];

/// Every action the table answers for: [`ASKED_ACTIONS`] and the catalogue's launch actions,
/// sorted and deduplicated.
#[must_use]
pub fn asked_actions() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = ASKED_ACTIONS.to_vec();
    for s in passgraph_model::service::CATALOGUE {
        v.extend_from_slice(s.launch_actions);
    }
    v.sort_unstable();
    v.dedup();
    v
}

/// Whether the built-in table answers `action` exactly as AWS's full documents would.
#[must_use]
pub fn answers_for(action: &str) -> bool {
    asked_actions()
        .iter()
        .any(|a| a.eq_ignore_ascii_case(action))
}

struct Table {
    policies: Vec<BuiltinPolicy>,
    date: &'static str,
    source: &'static str,
}

static PARSED: LazyLock<Table> = LazyLock::new(|| {
    let mut t = Table {
        policies: Vec::new(),
        date: "unknown",
        source: "unknown",
    };
    for line in TABLE.lines() {
        if let Some(h) = line.strip_prefix("# date: ") {
            t.date = h;
        } else if let Some(h) = line.strip_prefix("# source: ") {
            t.source = h;
        } else if line.starts_with('#') || line.is_empty() {
        } else if let Some((path_name, document)) = line.split_once('\t') {
            let cut = path_name.rfind('/').map_or(0, |i| i + 1);
            let (path, name) = path_name.split_at(cut);
            t.policies.push(BuiltinPolicy {
                name,
                path,
                document,
            });
        }
    }
    t.policies.sort_by(|a, b| a.name.cmp(b.name));
    t
});

/// Every built-in policy, sorted by name.
#[must_use]
pub fn builtin() -> &'static [BuiltinPolicy] {
    &PARSED.policies
}

/// The date of the AWS managed policy data the table was derived from (`YYYY-MM-DD`).
#[must_use]
pub fn data_date() -> &'static str {
    PARSED.date
}

/// Where the table's data comes from.
#[must_use]
pub fn data_source() -> &'static str {
    PARSED.source
}

/// The text of a built-in document.
#[must_use]
pub fn document_text(p: &BuiltinPolicy) -> String {
    p.document.to_owned()
}

/// Finds a built-in policy by ARN (any partition) or by bare name.
#[must_use]
pub fn lookup(arn_or_name: &str) -> Option<&'static BuiltinPolicy> {
    let name_path = arn_or_name
        .split_once(":iam::aws:policy")
        .map(|(_, rest)| rest)
        .filter(|_| arn_or_name.starts_with("arn:"));
    let name = match name_path {
        Some(rest) => rest.rsplit('/').next().unwrap_or(rest),
        None => arn_or_name,
    };
    let table = builtin();
    let p = table
        .binary_search_by(|p| p.name.cmp(name))
        .ok()
        .and_then(|i| table.get(i))?;
    match name_path {
        Some(rest) if rest.strip_suffix(p.name) != Some(p.path) => None,
        _ => Some(p),
    }
}

/// The built-in policy as a model entity, its document read from `file` (which the caller
/// registered with the text of [`document_text`]).
#[must_use]
pub fn to_managed_policy(
    p: &BuiltinPolicy,
    file: passgraph_model::FileId,
) -> passgraph_model::ManagedPolicy {
    use passgraph_model::{ManagedPolicy, Origin, PolicyDocument, Str, TextRange};
    let text = document_text(p);
    let origin = Origin::new(file, TextRange::new(0, text.len()))
        .with_address(format!("aws-managed:{}", p.name));
    let document = match passgraph_json::parse(file, &text) {
        Ok(node) => PolicyDocument::from_node(&node).0,
        // The table is tested to parse; an error here is a bug, and an unknown document is the
        // sound way to carry on.
        Err(_) => PolicyDocument::unknown("built-in document", origin.clone()),
    };
    ManagedPolicy {
        name: Str::lit(p.name),
        path: Str::lit(p.path),
        arn: Str::lit(p.arn()),
        document,
        uncertain: false,
        origin,
    }
}

/// Adds the built-in documents of the AWS managed policies that the account attaches (as
/// policies, boundaries or attachments) and does not define itself. `register` records a
/// built-in document's text as a source file (so positions can be shown) and returns its id.
/// Returns the names added.
pub fn add_builtins(
    account: &mut passgraph_model::Account,
    register: &mut dyn FnMut(&str, String) -> passgraph_model::FileId,
) -> Vec<&'static str> {
    use passgraph_model::account::AttachedPolicy;
    // References may carry the partition as a hole (`arn:${aws:partition}:iam::aws:policy/...`):
    // the policy is the same in every partition.
    let mut wanted: Vec<passgraph_model::Str> = Vec::new();
    let mut want = |r: &passgraph_model::PolicyRef| {
        if r.arn.to_string().contains(":iam::aws:policy/") {
            wanted.push(r.arn.clone());
        }
    };
    for u in &account.users {
        u.attached
            .iter()
            .chain(u.boundary.iter())
            .for_each(&mut want);
    }
    for g in &account.groups {
        g.attached.iter().for_each(&mut want);
    }
    for r in &account.roles {
        r.attached
            .iter()
            .chain(r.boundary.iter())
            .for_each(&mut want);
    }
    for a in &account.attachments {
        if let AttachedPolicy::Managed(r) | AttachedPolicy::Boundary(r) = &a.policy {
            want(r);
        }
    }
    wanted.sort();
    wanted.dedup();
    let mut added = Vec::new();
    for arn in wanted {
        if account.policies.iter().any(|p| p.arn == arn) {
            continue;
        }
        let Some(b) = lookup(&arn.to_string()) else {
            continue;
        };
        let file = register(
            &format!("builtin:aws-managed-policies/{}.json", b.name),
            document_text(b),
        );
        let mut p = to_managed_policy(b, file);
        // The reference may name another partition; the policy answers to the ARN used.
        p.arn = arn;
        account.policies.push(p);
        added.push(b.name);
    }
    added
}

/// How an AWS managed policy that is not built in is approximated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Approximation {
    /// Not known: the whole document is unknown (it may allow and may deny anything).
    Unknown,
}

/// The stand-in for an AWS managed policy (`arn:<partition>:iam::aws:policy/...`) that is
/// neither built in nor loaded: an unknown document, since the table holds every AWS managed
/// policy of its date and a name outside it is newer, misspelt or withdrawn. `None` for a
/// policy that is not AWS managed.
#[must_use]
pub fn approximate(
    arn: &str,
    origin: &passgraph_model::Origin,
) -> Option<(passgraph_model::PolicyDocument, Approximation)> {
    let (_, rest) = arn.split_once(":iam::aws:policy/")?;
    let name = rest.rsplit('/').next().unwrap_or(rest);
    Some((
        passgraph_model::PolicyDocument::unknown(
            format!(
                "AWS managed policy {name}, not in the built-in table of {}",
                data_date()
            ),
            origin.clone(),
        ),
        Approximation::Unknown,
    ))
}
