//! The account as `aws iam get-account-authorization-details` prints it.
//!
//! AWS managed policies are named in `AttachedManagedPolicies` but not listed in `Policies`
//! (as with `--filter LocalManagedPolicy`): their documents come from passgraph's built-in
//! table, as they do for the IaC formats. A snapshot carries no resources, so the database
//! instance that uses an RDS monitoring role is not in it.

use serde_json::{Value, json};

use super::model::{ACCOUNT, Account, Inline, PolicyRef};
use super::with_account;

fn attached(a: &Account, refs: &[PolicyRef]) -> Value {
    refs.iter()
        .map(|r| {
            let arn = a.policy_arn(r);
            let name = arn.rsplit('/').next().unwrap_or_default().to_owned();
            json!({"PolicyName": name, "PolicyArn": arn})
        })
        .collect()
}

/// A document as the IAM API returns it: URL-encoded JSON text (RFC 3986). The AWS CLI prints
/// it decoded; tools that keep the raw API answer keep it encoded.
fn url_encoded(doc: &Value, id: &str) -> Value {
    let text = with_account(doc, id).to_string();
    let mut out = String::with_capacity(text.len() * 2);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Value::String(out)
}

fn inline(list: &[Inline], encoded: Option<&str>) -> Value {
    list.iter()
        .map(|p| {
            let doc = match encoded {
                Some(id) => url_encoded(&p.doc, id),
                None => p.doc.clone(),
            };
            json!({"PolicyName": p.name, "PolicyDocument": doc})
        })
        .collect()
}

fn boundary(a: &Account, b: Option<&PolicyRef>, entry: &mut serde_json::Map<String, Value>) {
    if let Some(b) = b {
        entry.insert(
            "PermissionsBoundary".to_owned(),
            json!({"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": a.policy_arn(b)}),
        );
    }
}

/// Renders the snapshot as JSON text.
#[must_use]
pub fn render(a: &Account) -> String {
    let users: Vec<Value> = a
        .users
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let mut e = serde_json::Map::new();
            e.insert("Path".into(), json!(u.path));
            e.insert("UserName".into(), json!(u.name));
            e.insert("UserId".into(), json!(format!("AIDA{i:017}")));
            e.insert("Arn".into(), json!(a.user_arn(i)));
            e.insert("CreateDate".into(), json!("2024-01-01T00:00:00Z"));
            e.insert("UserPolicyList".into(), inline(&u.inline, None));
            let groups: Vec<&str> = u
                .groups
                .iter()
                .map(|&g| a.groups[g].name.as_str())
                .collect();
            e.insert("GroupList".into(), json!(groups));
            e.insert("AttachedManagedPolicies".into(), attached(a, &u.attached));
            boundary(a, u.boundary.as_ref(), &mut e);
            e.insert("Tags".into(), json!([]));
            Value::Object(e)
        })
        .collect();
    let groups: Vec<Value> = a
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            json!({"Path": g.path, "GroupName": g.name, "GroupId": format!("AGPA{i:017}"),
                "Arn": format!("arn:aws:iam::{ACCOUNT}:group{}{}", g.path, g.name),
                "CreateDate": "2024-01-01T00:00:00Z",
                "GroupPolicyList": inline(&g.inline, None),
                "AttachedManagedPolicies": attached(a, &g.attached)})
        })
        .collect();
    let roles: Vec<Value> = a
        .roles
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let arn = a.role_arn(i);
            let id = format!("AROA{i:017}");
            let profiles: Vec<Value> = if r.instance_profile {
                vec![json!({"Path": r.path, "InstanceProfileName": r.name,
                    "InstanceProfileId": format!("AIPA{i:017}"),
                    "Arn": format!("arn:aws:iam::{ACCOUNT}:instance-profile{}{}", r.path, r.name),
                    "CreateDate": "2024-01-01T00:00:00Z",
                    "Roles": [{"Path": r.path, "RoleName": r.name, "RoleId": id, "Arn": arn,
                        "CreateDate": "2024-01-01T00:00:00Z",
                        "AssumeRolePolicyDocument": a.stored_trust_doc(i)}]})]
            } else {
                Vec::new()
            };
            let mut e = serde_json::Map::new();
            e.insert("Path".into(), json!(r.path));
            e.insert("RoleName".into(), json!(r.name));
            e.insert("RoleId".into(), json!(id));
            e.insert("Arn".into(), json!(arn));
            e.insert("CreateDate".into(), json!("2024-01-01T00:00:00Z"));
            e.insert("AssumeRolePolicyDocument".into(), a.stored_trust_doc(i));
            e.insert("InstanceProfileList".into(), json!(profiles));
            e.insert(
                "RolePolicyList".into(),
                inline(&r.inline, (i % 4 == 3).then_some(a.id.as_str())),
            );
            e.insert("AttachedManagedPolicies".into(), attached(a, &r.attached));
            boundary(a, r.boundary.as_ref(), &mut e);
            e.insert("Tags".into(), json!([]));
            e.insert("RoleLastUsed".into(), json!({}));
            Value::Object(e)
        })
        .collect();
    let policies: Vec<Value> = a
        .policies
        .iter()
        .enumerate()
        .map(|(i, p)| {
            // Some policies have an older, broader version that is not the default: only the
            // default version counts.
            let (default, versions) = if i % 4 == 2 {
                let old = json!({"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": "*", "Resource": "*"}]});
                (
                    "v2",
                    json!([
                    {"Document": p.doc, "VersionId": "v2", "IsDefaultVersion": true,
                        "CreateDate": "2024-02-01T00:00:00Z"},
                    {"Document": old, "VersionId": "v1", "IsDefaultVersion": false,
                        "CreateDate": "2024-01-01T00:00:00Z"}]),
                )
            } else if i % 5 == 1 {
                (
                    "v1",
                    json!([{"Document": url_encoded(&p.doc, &a.id), "VersionId": "v1",
                    "IsDefaultVersion": true, "CreateDate": "2024-01-01T00:00:00Z"}]),
                )
            } else {
                (
                    "v1",
                    json!([{"Document": p.doc, "VersionId": "v1",
                    "IsDefaultVersion": true, "CreateDate": "2024-01-01T00:00:00Z"}]),
                )
            };
            json!({"PolicyName": p.name, "PolicyId": format!("ANPA{i:017}"),
                "Arn": a.policy_arn(&PolicyRef::Customer(i)), "Path": p.path,
                "DefaultVersionId": default, "AttachmentCount": 1,
                "PermissionsBoundaryUsageCount": 0, "IsAttachable": true,
                "CreateDate": "2024-01-01T00:00:00Z", "UpdateDate": "2024-02-01T00:00:00Z",
                "PolicyVersionList": versions})
        })
        .collect();
    let root = json!({"UserDetailList": users, "GroupDetailList": groups,
        "RoleDetailList": roles, "Policies": policies});
    let root = with_account(&root, &a.id);
    serde_json::to_string_pretty(&root).unwrap_or_default()
}
