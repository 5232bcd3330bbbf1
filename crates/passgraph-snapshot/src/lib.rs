//! Account snapshots: the JSON of `aws iam get-account-authorization-details` → account model.
//!
//! Policy documents may be JSON objects (AWS CLI output), JSON strings, or URL-encoded JSON
//! strings (the raw IAM API); all three are accepted. Only the default version of a managed
//! policy applies. A page of a truncated listing (`IsTruncated: true`) gives a diagnostic: what
//! other pages hold is missing. Every entity points at its place in the file; statements of
//! embedded string documents point at the string. Reading never fails as a whole: a malformed
//! entity gives a diagnostic and is skipped, the rest is read.

use passgraph_model::arn::iam_arn;
use passgraph_model::diag::Code;
use passgraph_model::{
    Account, Diagnostic, FileId, Group, InlinePolicy, InstanceProfile, ManagedPolicy, Node,
    NodeKind, Origin, Parsed, PolicyDocument, PolicyRef, Role, Str, Tag, TextRange, User,
};

/// True when a parsed JSON value looks like an authorization-details snapshot.
#[must_use]
pub fn looks_like_snapshot(node: &Node) -> bool {
    [
        "UserDetailList",
        "GroupDetailList",
        "RoleDetailList",
        "Policies",
    ]
    .iter()
    .any(|k| node.get(k).is_some())
        && node.get("Resources").is_none()
        && node.get("format_version").is_none()
}

/// Reads a snapshot from its text.
#[must_use]
pub fn parse(file: FileId, text: &str) -> Parsed {
    match passgraph_json::parse(file, text) {
        Ok(node) => from_node(node),
        Err(e) => Parsed {
            account: Account::default(),
            diagnostics: vec![Diagnostic::error(
                Code::Syntax,
                format!("invalid JSON: {e}"),
                Some(Origin::new(file, TextRange::new(e.offset, e.offset))),
            )],
        },
    }
}

/// Reads a snapshot from a parsed JSON value. The value is taken: each entry of its lists is
/// freed once read, since the tree of a large snapshot is ten times its text and the model is
/// built beside it.
#[must_use]
pub fn from_node(mut root: Node) -> Parsed {
    let mut r = Reader {
        diags: Vec::new(),
        account: Account::default(),
        unknown_fields: std::collections::BTreeSet::new(),
    };
    if !matches!(root.kind, NodeKind::Object(_)) {
        r.shape(
            &root,
            "an authorization-details snapshot must be a JSON object",
        );
        return r.finish();
    }
    if root
        .get("IsTruncated")
        .is_some_and(|n| n.kind == NodeKind::Bool(true))
    {
        r.diags.push(Diagnostic::warning(
            Code::TruncatedSnapshot,
            "the snapshot is one page of a truncated listing (IsTruncated is true); entities on other pages are missing, so findings about them are missing too",
            Some(root.origin.clone()),
        ));
    }
    r.fields(&root, TOP_FIELDS, "the snapshot");
    for (i, u) in r.take_list(&mut root, "UserDetailList").enumerate() {
        r.user(&u, i);
    }
    for (i, g) in r.take_list(&mut root, "GroupDetailList").enumerate() {
        r.group(&g, i);
    }
    for (i, x) in r.take_list(&mut root, "RoleDetailList").enumerate() {
        r.role(&x, i);
    }
    for (i, p) in r.take_list(&mut root, "Policies").enumerate() {
        r.policy(&p, i);
    }
    r.finish()
}

struct Reader {
    diags: Vec<Diagnostic>,
    account: Account,
    unknown_fields: std::collections::BTreeSet<String>,
}

const TOP_FIELDS: &[&str] = &[
    "UserDetailList",
    "GroupDetailList",
    "RoleDetailList",
    "Policies",
    "IsTruncated",
    "Marker",
    "ResponseMetadata",
];
const USER_FIELDS: &[&str] = &[
    "Path",
    "UserName",
    "UserId",
    "Arn",
    "CreateDate",
    "UserPolicyList",
    "GroupList",
    "AttachedManagedPolicies",
    "PermissionsBoundary",
    "Tags",
];
const GROUP_FIELDS: &[&str] = &[
    "Path",
    "GroupName",
    "GroupId",
    "Arn",
    "CreateDate",
    "GroupPolicyList",
    "AttachedManagedPolicies",
];
const ROLE_FIELDS: &[&str] = &[
    "Path",
    "RoleName",
    "RoleId",
    "Arn",
    "CreateDate",
    "AssumeRolePolicyDocument",
    "InstanceProfileList",
    "RolePolicyList",
    "AttachedManagedPolicies",
    "PermissionsBoundary",
    "Tags",
    "RoleLastUsed",
    "Description",
    "MaxSessionDuration",
];
const POLICY_FIELDS: &[&str] = &[
    "PolicyName",
    "PolicyId",
    "Arn",
    "Path",
    "DefaultVersionId",
    "AttachmentCount",
    "PermissionsBoundaryUsageCount",
    "IsAttachable",
    "Description",
    "CreateDate",
    "UpdateDate",
    "PolicyVersionList",
    "Tags",
];

fn with_pointer(o: &Origin, pointer: String) -> Origin {
    o.clone().with_address(pointer)
}

impl Reader {
    fn finish(mut self) -> Parsed {
        // The account id is the one the entities' ARNs name.
        let id = self
            .account
            .users
            .iter()
            .map(|u| &u.arn)
            .chain(self.account.roles.iter().map(|r| &r.arn))
            .chain(self.account.groups.iter().map(|g| &g.arn))
            .filter_map(|a| a.as_known()?.parse::<passgraph_model::Arn>().ok())
            .map(|a| a.account)
            .find(|a| a.len() == 12);
        self.account.account_id = id;
        self.account
            .instance_profiles
            .sort_by_key(|p| p.arn.to_string());
        self.account
            .instance_profiles
            .dedup_by(|a, b| a.arn == b.arn);
        Parsed {
            account: self.account,
            diagnostics: self.diags,
        }
    }

    /// A note, once per field name, for fields the snapshot format does not have: they are
    /// ignored, and may mean the file is not what it seems.
    fn fields(&mut self, node: &Node, known: &[&str], what: &str) {
        for (k, origin, _) in node.entries() {
            let Some(name) = k.as_known() else { continue };
            if !known.contains(&name) && self.unknown_fields.insert(format!("{what}/{name}")) {
                self.diags.push(Diagnostic::note(
                    Code::Shape,
                    format!("unknown field {name:?} in {what} is ignored"),
                    Some(origin.clone()),
                ));
            }
        }
    }

    fn shape(&mut self, node: &Node, message: &str) {
        self.diags.push(Diagnostic::warning(
            Code::Shape,
            message.to_owned(),
            Some(node.origin.clone()),
        ));
    }

    /// Like [`Reader::list`], taking the entries out of `parent`: each is freed once the
    /// iterator has moved past it.
    fn take_list(&mut self, parent: &mut Node, key: &str) -> std::vec::IntoIter<Node> {
        let Some(n) = parent.get_mut(key) else {
            return Vec::new().into_iter();
        };
        let items = match &mut n.kind {
            NodeKind::Array(items) => std::mem::take(items),
            NodeKind::Object(_) => {
                let origin = n.origin.clone();
                vec![std::mem::replace(n, Node::new(NodeKind::Null, origin))]
            }
            NodeKind::Null => Vec::new(),
            _ => {
                self.shape(n, &format!("{key} must be a list, found {}", n.kind_name()));
                Vec::new()
            }
        };
        items.into_iter()
    }

    /// A list field; a single object where a list belongs is read as a one-item list (the AWS
    /// CLI documentation example does this).
    fn list<'n>(&mut self, parent: &'n Node, key: &str) -> Vec<&'n Node> {
        match parent.get(key) {
            None => Vec::new(),
            Some(n) => match &n.kind {
                NodeKind::Array(items) => items.iter().collect(),
                NodeKind::Object(_) => vec![n],
                NodeKind::Null => Vec::new(),
                _ => {
                    self.shape(n, &format!("{key} must be a list, found {}", n.kind_name()));
                    Vec::new()
                }
            },
        }
    }

    fn string(&mut self, parent: &Node, key: &str) -> Option<Str> {
        let n = parent.get(key)?;
        match &n.kind {
            NodeKind::String(s) => Some(s.clone()),
            _ => {
                self.shape(
                    n,
                    &format!("{key} must be a string, found {}", n.kind_name()),
                );
                None
            }
        }
    }

    fn name_path_arn(
        &mut self,
        n: &Node,
        name_key: &str,
        kind: &str,
        pointer: &str,
    ) -> Option<(Str, Str, Str)> {
        let arn = self.string(n, "Arn");
        let path = self.string(n, "Path").unwrap_or_else(|| Str::lit("/"));
        let name = self
            .string(n, name_key)
            .or_else(|| arn.as_ref().map(|a| a.last_segment("/")));
        let Some(name) = name else {
            self.diags.push(Diagnostic::warning(
                Code::Shape,
                format!("{pointer} has neither {name_key} nor Arn; it is skipped"),
                Some(n.origin.clone()),
            ));
            return None;
        };
        let arn = arn.unwrap_or_else(|| iam_arn(Some(&Str::lit("aws")), None, kind, &path, &name));
        Some((name, path, arn))
    }

    fn document(&mut self, n: &Node, what: &str) -> PolicyDocument {
        let node = match &n.kind {
            NodeKind::String(s) => {
                let raw = s.to_string();
                let decoded = if raw.trim_start().starts_with('{') {
                    raw
                } else {
                    match percent_encoding::percent_decode_str(&raw).decode_utf8() {
                        Ok(d) => d.into_owned(),
                        Err(_) => {
                            self.diags.push(Diagnostic::warning(
                                Code::PolicyGrammar,
                                format!(
                                    "{what} is a string that is neither JSON nor URL-encoded JSON"
                                ),
                                Some(n.origin.clone()),
                            ));
                            return PolicyDocument::unknown(
                                format!("{what} unreadable"),
                                n.origin.clone(),
                            );
                        }
                    }
                };
                match passgraph_json::parse_embedded(&n.origin, &decoded, false) {
                    Ok(node) => node,
                    Err(e) => {
                        self.diags.push(Diagnostic::warning(
                            Code::PolicyGrammar,
                            format!("{what} is not valid JSON: {e}"),
                            Some(n.origin.clone()),
                        ));
                        return PolicyDocument::unknown(
                            format!("{what} unreadable"),
                            n.origin.clone(),
                        );
                    }
                }
            }
            _ => n.clone(),
        };
        let (doc, d) = PolicyDocument::from_node(&node);
        self.diags.extend(d);
        doc
    }

    fn inline(&mut self, parent: &Node, key: &str, pointer: &str) -> Vec<InlinePolicy> {
        let mut out = Vec::new();
        for (i, p) in self.list(parent, key).iter().enumerate() {
            let ptr = format!("{pointer}/{key}/{i}");
            let name = self
                .string(p, "PolicyName")
                .unwrap_or_else(|| Str::lit(format!("#{i}")));
            let document = match p.get("PolicyDocument") {
                Some(d) => self.document(d, &format!("the document of inline policy {name}")),
                None => {
                    self.diags.push(Diagnostic::warning(
                        Code::UnknownPolicy,
                        format!(
                            "inline policy {name} has no PolicyDocument; what it grants is possible"
                        ),
                        Some(p.origin.clone()),
                    ));
                    PolicyDocument::unknown(
                        format!("inline policy {name} without document"),
                        p.origin.clone(),
                    )
                }
            };
            out.push(InlinePolicy {
                name,
                document,
                origin: with_pointer(&p.origin, ptr),
            });
        }
        out
    }

    fn attached(&mut self, parent: &Node) -> Vec<PolicyRef> {
        let mut out = Vec::new();
        for p in self.list(parent, "AttachedManagedPolicies") {
            match self.string(p, "PolicyArn") {
                Some(arn) => out.push(PolicyRef {
                    arn,
                    origin: p.origin.clone(),
                }),
                None => self.shape(p, "an attached managed policy has no PolicyArn"),
            }
        }
        out
    }

    fn boundary(&mut self, parent: &Node) -> Option<PolicyRef> {
        let b = parent.get("PermissionsBoundary")?;
        if b.kind == NodeKind::Null {
            return None;
        }
        match b.get("PermissionsBoundaryArn").and_then(Node::as_str) {
            Some(arn) => Some(PolicyRef {
                arn: arn.clone(),
                origin: b.origin.clone(),
            }),
            None => {
                // A boundary is set but cannot be read: it limits only possibly, never dropped.
                self.diags.push(Diagnostic::warning(
                    Code::UnknownPolicy,
                    "a permissions boundary without a readable PermissionsBoundaryArn; it is treated as unknown",
                    Some(b.origin.clone()),
                ));
                Some(PolicyRef {
                    arn: Str::hole("unreadable permissions boundary"),
                    origin: b.origin.clone(),
                })
            }
        }
    }

    fn tags(&mut self, parent: &Node) -> Vec<Tag> {
        let mut out = Vec::new();
        for t in self.list(parent, "Tags") {
            if let (Some(key), Some(value)) = (self.string(t, "Key"), self.string(t, "Value")) {
                out.push(Tag { key, value });
            }
        }
        out
    }

    fn user(&mut self, n: &Node, i: usize) {
        self.fields(n, USER_FIELDS, "a user");
        let ptr = format!("/UserDetailList/{i}");
        let Some((name, path, arn)) = self.name_path_arn(n, "UserName", "user", &ptr) else {
            return;
        };
        let mut groups = Vec::new();
        for g in self.list(n, "GroupList") {
            match g.as_str() {
                Some(s) => groups.push(s.clone()),
                None => self.shape(g, "GroupList entries must be group names"),
            }
        }
        let user = User {
            inline: self.inline(n, "UserPolicyList", &ptr),
            attached: self.attached(n),
            boundary: self.boundary(n),
            tags: self.tags(n),
            groups,
            name,
            path,
            arn,
            uncertain: false,
            origin: with_pointer(&n.origin, ptr),
        };
        self.account.users.push(user);
    }

    fn group(&mut self, n: &Node, i: usize) {
        self.fields(n, GROUP_FIELDS, "a group");
        let ptr = format!("/GroupDetailList/{i}");
        let Some((name, path, arn)) = self.name_path_arn(n, "GroupName", "group", &ptr) else {
            return;
        };
        let group = Group {
            inline: self.inline(n, "GroupPolicyList", &ptr),
            attached: self.attached(n),
            name,
            path,
            arn,
            uncertain: false,
            origin: with_pointer(&n.origin, ptr),
        };
        self.account.groups.push(group);
    }

    fn role(&mut self, n: &Node, i: usize) {
        self.fields(n, ROLE_FIELDS, "a role");
        let ptr = format!("/RoleDetailList/{i}");
        let Some((name, path, arn)) = self.name_path_arn(n, "RoleName", "role", &ptr) else {
            return;
        };
        let trust = match n.get("AssumeRolePolicyDocument") {
            Some(d) => self.document(d, &format!("the trust policy of role {name}")),
            None => {
                self.diags.push(Diagnostic::warning(
                    Code::UnknownPolicy,
                    format!("role {name} has no AssumeRolePolicyDocument"),
                    Some(n.origin.clone()),
                ));
                PolicyDocument::unknown(format!("trust policy of role {name}"), n.origin.clone())
            }
        };
        for ip in self.list(n, "InstanceProfileList") {
            let Some((pname, ppath, parn)) = self.name_path_arn(
                ip,
                "InstanceProfileName",
                "instance-profile",
                &format!("{ptr}/InstanceProfileList"),
            ) else {
                continue;
            };
            let mut roles: Vec<Str> = Vec::new();
            for r in self.list(ip, "Roles") {
                if let Some(a) = r.get("Arn").and_then(Node::as_str) {
                    roles.push(a.clone());
                } else if let Some(rn) = r.get("RoleName").and_then(Node::as_str) {
                    roles.push(rn.clone());
                }
            }
            if roles.is_empty() {
                roles.push(arn.clone());
            }
            self.account.instance_profiles.push(InstanceProfile {
                name: pname,
                path: ppath,
                arn: parn,
                roles,
                uncertain: false,
                origin: ip.origin.clone(),
            });
        }
        let role = Role {
            trust,
            inline: self.inline(n, "RolePolicyList", &ptr),
            attached: self.attached(n),
            boundary: self.boundary(n),
            tags: self.tags(n),
            name,
            path,
            arn,
            uncertain: false,
            origin: with_pointer(&n.origin, ptr),
        };
        self.account.roles.push(role);
    }

    fn policy(&mut self, n: &Node, i: usize) {
        self.fields(n, POLICY_FIELDS, "a managed policy");
        let ptr = format!("/Policies/{i}");
        let Some((name, path, arn)) = self.name_path_arn(n, "PolicyName", "policy", &ptr) else {
            return;
        };
        let default_id = n
            .get("DefaultVersionId")
            .and_then(Node::as_known_str)
            .map(str::to_owned);
        let versions = self.list(n, "PolicyVersionList");
        let chosen = versions
            .iter()
            .find(|v| {
                v.get("IsDefaultVersion")
                    .is_some_and(|b| b.kind == NodeKind::Bool(true))
            })
            .or_else(|| {
                versions.iter().find(|v| {
                    default_id.is_some()
                        && v.get("VersionId").and_then(Node::as_known_str) == default_id.as_deref()
                })
            })
            .copied();
        let document = match chosen.and_then(|v| v.get("Document")) {
            Some(d) => self.document(d, &format!("the document of managed policy {name}")),
            None => {
                self.diags.push(Diagnostic::warning(
                    Code::UnknownPolicy,
                    format!("managed policy {name} has no default version document in the snapshot; what it grants is possible"),
                    Some(n.origin.clone()),
                ));
                PolicyDocument::unknown(
                    format!("managed policy {name} without default version"),
                    n.origin.clone(),
                )
            }
        };
        self.account.policies.push(ManagedPolicy {
            name,
            path,
            arn,
            document,
            uncertain: false,
            origin: with_pointer(&n.origin, ptr),
        });
    }
}

#[cfg(test)]
mod tests;
