//! The account as one CloudFormation template, written as JSON and as YAML from one tree.
//!
//! ARNs use `Fn::Sub` with `${AWS::Partition}` and `${AWS::AccountId}` (some documents name the
//! account id literally, as hand-written templates do); relations use `Ref` and `Fn::GetAtt`.
//! The forms vary with the index of each entity: policies attached from the principal
//! (`ManagedPolicyArns`) or from the policy (`Users`/`Groups`/`Roles`); inline policies in
//! `Policies` or as `AWS::IAM::Policy`/`AWS::IAM::RolePolicy`/`AWS::IAM::UserPolicy`/
//! `AWS::IAM::GroupPolicy`; memberships in `Groups` or `AWS::IAM::UserToGroupAddition`.

use std::fmt::Write;

use serde_json::{Map, Value, json};

use super::model::{ACCOUNT, Account, Inline, PolicyRef, Trustee};

fn reference(id: &str) -> Value {
    json!({ "Ref": id })
}

fn arn_of(id: &str) -> Value {
    json!({ "Fn::GetAtt": [id, "Arn"] })
}

fn user_id(u: usize) -> String {
    format!("User{u}")
}
fn group_id(g: usize) -> String {
    format!("Group{g}")
}
fn role_id(r: usize) -> String {
    format!("Role{r}")
}
fn policy_id(p: usize) -> String {
    format!("Policy{p}")
}

/// How a document names the account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    /// `Fn::Sub` with `${AWS::Partition}` and `${AWS::AccountId}`; a role's exact ARN is
    /// `Fn::GetAtt Role.Arn`.
    Sub,
    /// `Fn::Join` of literal parts and `Ref AWS::Partition`/`Ref AWS::AccountId`.
    Join,
    /// The account id written literally, as hand-written templates do.
    Literal,
}

fn form(i: usize) -> Form {
    match i % 3 {
        0 => Form::Sub,
        1 => Form::Literal,
        _ => Form::Join,
    }
}

fn join(s: &str) -> Value {
    let mut parts: Vec<Value> = Vec::new();
    let rest = s.strip_prefix("arn:aws:").map_or(s, |r| {
        parts.push(json!("arn:"));
        parts.push(reference("AWS::Partition"));
        parts.push(json!(":"));
        r
    });
    for (i, p) in rest.split(ACCOUNT).enumerate() {
        if i > 0 {
            parts.push(reference("AWS::AccountId"));
        }
        if !p.is_empty() {
            parts.push(json!(p));
        }
    }
    json!({"Fn::Join": ["", parts]})
}

/// Strings holding the account written in `form`.
fn subst(a: &Account, v: &Value, form: Form) -> Value {
    match v {
        Value::String(s) if s.contains(ACCOUNT) => match form {
            Form::Literal => Value::String(s.replace(ACCOUNT, &a.id)),
            Form::Join => join(s),
            Form::Sub => match (0..a.roles.len()).find(|&r| a.role_arn(r) == *s) {
                Some(r) => arn_of(&role_id(r)),
                // `${!x}` is how `Fn::Sub` writes a literal `${x}` (a policy variable).
                None => {
                    json!({"Fn::Sub": s.replace("${", "${!").replace(ACCOUNT, "${AWS::AccountId}").replace("arn:aws:", "arn:${AWS::Partition}:")})
                }
            },
        },
        Value::Array(x) => Value::Array(x.iter().map(|x| subst(a, x, form)).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| (k.clone(), subst(a, x, form)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn policy_value(a: &Account, r: &PolicyRef) -> Value {
    match r {
        // `Ref` of a managed policy is its ARN, and so is its `PolicyArn` attribute.
        PolicyRef::Customer(p) if p % 2 == 0 => reference(&policy_id(*p)),
        PolicyRef::Customer(p) => json!({"Fn::GetAtt": [policy_id(*p), "PolicyArn"]}),
        PolicyRef::Aws(n) if n.len() % 2 == 0 => json!({"Fn::Sub": a
            .policy_arn(r)
            .replacen("arn:aws:", "arn:${AWS::Partition}:", 1)}),
        PolicyRef::Aws(_) => json!(a.policy_arn(r)),
    }
}

/// Customer policies attached from the policy's side (`Users`/`Groups`/`Roles`).
fn from_policy_side(p: usize) -> bool {
    p.is_multiple_of(3)
}

fn principal_attached(a: &Account, refs: &[PolicyRef]) -> Option<Value> {
    let v: Vec<Value> = refs
        .iter()
        .filter(|r| !matches!(r, PolicyRef::Customer(p) if from_policy_side(*p)))
        .map(|r| policy_value(a, r))
        .collect();
    (!v.is_empty()).then_some(Value::Array(v))
}

fn trust(a: &Account, r: usize) -> Value {
    let statements: Vec<Value> = a.roles[r]
        .trust
        .iter()
        .map(|t| {
            let principal = match t {
                Trustee::Service(s) => json!({ "Service": s }),
                Trustee::User(u) => json!({ "AWS": arn_of(&user_id(*u)) }),
                Trustee::AccountId => json!({"AWS": reference("AWS::AccountId")}),
                Trustee::Root => {
                    json!({"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}})
                }
            };
            let mut st = json!({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"});
            if a.roles[r].trust_condition {
                st["Condition"] = match t {
                    Trustee::Service(_) => json!({"StringEquals": {"aws:SourceAccount": reference("AWS::AccountId")}}),
                    _ => json!({"StringEquals": {"sts:ExternalId": format!("ext-{r}")}}),
                };
            }
            st
        })
        .chain(a.roles[r].trust_deny.map(|u| {
            json!({"Effect": "Deny", "Principal": {"AWS": arn_of(&user_id(u))}, "Action": "sts:AssumeRole"})
        }))
        .collect();
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// Inline policies written in the principal's `Policies` (the others become resources).
fn in_principal(i: usize) -> bool {
    i.is_multiple_of(2)
}

fn inline_list(a: &Account, owner: usize, list: &[Inline]) -> Option<Value> {
    let v: Vec<Value> = list
        .iter()
        .filter(|_| in_principal(owner))
        .map(|p| json!({"PolicyName": p.name, "PolicyDocument": subst(a, &p.doc, form(owner))}))
        .collect();
    (!v.is_empty()).then_some(Value::Array(v))
}

fn put(m: &mut Map<String, Value>, k: &str, v: Option<Value>) {
    if let Some(v) = v {
        m.insert(k.to_owned(), v);
    }
}

/// The template as a tree (intrinsics in their JSON long form).
#[must_use]
pub fn template(a: &Account) -> Value {
    let mut res = Map::new();
    for (i, u) in a.users.iter().enumerate() {
        let mut p = Map::new();
        p.insert("UserName".into(), json!(u.name));
        p.insert("Path".into(), json!(u.path));
        if i % 2 == 0 {
            let gs: Vec<Value> = u.groups.iter().map(|&g| reference(&group_id(g))).collect();
            p.insert("Groups".into(), Value::Array(gs));
        }
        put(
            &mut p,
            "ManagedPolicyArns",
            principal_attached(a, &u.attached),
        );
        put(&mut p, "Policies", inline_list(a, i, &u.inline));
        put(
            &mut p,
            "PermissionsBoundary",
            u.boundary.as_ref().map(|b| policy_value(a, b)),
        );
        res.insert(
            user_id(i),
            json!({"Type": "AWS::IAM::User", "Properties": p}),
        );
        if !in_principal(i) {
            for (k, pol) in u.inline.iter().enumerate() {
                res.insert(
                    format!("User{i}Inline{k}"),
                    json!({"Type": "AWS::IAM::UserPolicy", "Properties": {
                        "UserName": reference(&user_id(i)), "PolicyName": pol.name,
                        "PolicyDocument": subst(a, &pol.doc, form(i + k))}}),
                );
            }
        }
    }
    for (g, grp) in a.groups.iter().enumerate() {
        let mut p = Map::new();
        p.insert("GroupName".into(), json!(grp.name));
        p.insert("Path".into(), json!(grp.path));
        put(
            &mut p,
            "ManagedPolicyArns",
            principal_attached(a, &grp.attached),
        );
        put(&mut p, "Policies", inline_list(a, g, &grp.inline));
        res.insert(
            group_id(g),
            json!({"Type": "AWS::IAM::Group", "Properties": p}),
        );
        if !in_principal(g) {
            for (k, pol) in grp.inline.iter().enumerate() {
                res.insert(
                    format!("Group{g}Inline{k}"),
                    json!({"Type": "AWS::IAM::GroupPolicy", "Properties": {
                        "GroupName": reference(&group_id(g)), "PolicyName": pol.name,
                        "PolicyDocument": subst(a, &pol.doc, form(g + k))}}),
                );
            }
        }
        let added: Vec<Value> = a
            .users
            .iter()
            .enumerate()
            .filter(|(i, u)| i % 2 == 1 && u.groups.contains(&g))
            .map(|(i, _)| reference(&user_id(i)))
            .collect();
        if !added.is_empty() {
            res.insert(
                format!("Group{g}Additions"),
                json!({"Type": "AWS::IAM::UserToGroupAddition", "Properties": {
                    "GroupName": reference(&group_id(g)), "Users": added}}),
            );
        }
    }
    for (r, role) in a.roles.iter().enumerate() {
        let mut p = Map::new();
        p.insert("RoleName".into(), json!(role.name));
        p.insert("Path".into(), json!(role.path));
        p.insert("AssumeRolePolicyDocument".into(), trust(a, r));
        put(
            &mut p,
            "ManagedPolicyArns",
            principal_attached(a, &role.attached),
        );
        put(&mut p, "Policies", inline_list(a, r, &role.inline));
        put(
            &mut p,
            "PermissionsBoundary",
            role.boundary.as_ref().map(|b| policy_value(a, b)),
        );
        res.insert(
            role_id(r),
            json!({"Type": "AWS::IAM::Role", "Properties": p}),
        );
        if !in_principal(r) {
            for (k, pol) in role.inline.iter().enumerate() {
                // Both forms CloudFormation has for one role's inline policy.
                let body = if r % 4 == 1 {
                    json!({"Type": "AWS::IAM::Policy", "Properties": {
                        "Roles": [reference(&role_id(r))], "PolicyName": pol.name,
                        "PolicyDocument": subst(a, &pol.doc, form(r + k))}})
                } else {
                    json!({"Type": "AWS::IAM::RolePolicy", "Properties": {
                        "RoleName": reference(&role_id(r)), "PolicyName": pol.name,
                        "PolicyDocument": subst(a, &pol.doc, form(r + k))}})
                };
                res.insert(format!("Role{r}Inline{k}"), body);
            }
        }
        if role.instance_profile {
            res.insert(
                format!("Profile{r}"),
                json!({"Type": "AWS::IAM::InstanceProfile", "Properties": {
                    "InstanceProfileName": role.name, "Path": role.path,
                    "Roles": [reference(&role_id(r))]}}),
            );
        }
        if role.rds_monitoring {
            res.insert(
                format!("Database{r}"),
                json!({"Type": "AWS::RDS::DBInstance", "Properties": {
                    "DBInstanceClass": "db.t3.micro", "Engine": "postgres",
                    "AllocatedStorage": "20", "MasterUsername": "admin",
                    "ManageMasterUserPassword": true,
                    "MonitoringInterval": 60, "MonitoringRoleArn": arn_of(&role_id(r))}}),
            );
        }
    }
    for (i, pol) in a.policies.iter().enumerate() {
        let mut p = Map::new();
        p.insert("ManagedPolicyName".into(), json!(pol.name));
        p.insert("Path".into(), json!(pol.path));
        p.insert("PolicyDocument".into(), subst(a, &pol.doc, form(i)));
        if from_policy_side(i) {
            let (us, gs, rs) = a.attached_to(i);
            let refs = |ids: Vec<String>| -> Option<Value> {
                (!ids.is_empty()).then(|| ids.iter().map(|x| reference(x)).collect())
            };
            put(&mut p, "Users", refs(us.into_iter().map(user_id).collect()));
            put(
                &mut p,
                "Groups",
                refs(gs.into_iter().map(group_id).collect()),
            );
            put(&mut p, "Roles", refs(rs.into_iter().map(role_id).collect()));
        }
        res.insert(
            policy_id(i),
            json!({"Type": "AWS::IAM::ManagedPolicy", "Properties": p}),
        );
    }
    json!({"AWSTemplateFormatVersion": "2010-09-09",
        "Description": "passgraph conformance account", "Resources": res})
}

/// The template as JSON text.
#[must_use]
pub fn render_json(a: &Account) -> String {
    serde_json::to_string_pretty(&template(a)).unwrap_or_default()
}

/// The template as YAML text, with the short-form tags (`!Ref`, `!GetAtt`, `!Sub`).
#[must_use]
pub fn render_yaml(a: &Account) -> String {
    let mut out = String::new();
    yaml_map_body(&template(a), 0, &mut out);
    out
}

/// Whether a string can be written as a plain YAML scalar and still read back as the same
/// string (as hand-written templates do: `Version: 2012-10-17`, `Action: iam:PassRole`).
fn plain(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./:*@+-".contains(c))
        && !s.contains(": ")
        && !s.ends_with(':')
        && !["true", "false", "null", "yes", "no", "on", "off", "y", "n"].contains(&lower.as_str())
}

/// A YAML scalar: plain when that reads back the same, quoted otherwise.
fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) if plain(s) => s.clone(),
        Value::String(s) if s.starts_with("2012-10-17") => s.clone(),
        Value::String(s) => serde_json::to_string(s).unwrap_or_default(),
        Value::Null => "null".to_owned(),
        other => other.to_string(),
    }
}

/// A short-form intrinsic, when `v` is one written as a scalar.
fn tag(v: &Value) -> Option<String> {
    let o = v.as_object()?;
    if o.len() != 1 {
        return None;
    }
    let (k, x) = o.iter().next()?;
    match (k.as_str(), x) {
        ("Ref", Value::String(s)) => Some(format!("!Ref {s}")),
        ("Fn::Sub", Value::String(s)) => {
            Some(format!("!Sub {}", scalar(&Value::String(s.clone()))))
        }
        ("Fn::GetAtt", Value::Array(p)) if p.len() == 2 => {
            Some(format!("!GetAtt {}.{}", p[0].as_str()?, p[1].as_str()?))
        }
        _ => None,
    }
}

fn is_inline(v: &Value) -> bool {
    tag(v).is_some()
        || !matches!(v, Value::Object(_) | Value::Array(_))
        || matches!(v, Value::Array(a) if a.is_empty())
        || matches!(v, Value::Object(o) if o.is_empty())
}

fn inline_text(v: &Value) -> String {
    if let Some(t) = tag(v) {
        return t;
    }
    match v {
        Value::Array(_) => "[]".to_owned(),
        Value::Object(_) => "{}".to_owned(),
        other => scalar(other),
    }
}

fn yaml_map_body(v: &Value, indent: usize, out: &mut String) {
    let Some(o) = v.as_object() else { return };
    for (k, x) in o {
        let _ = write!(out, "{:indent$}{}:", "", scalar(&Value::String(k.clone())));
        yaml_value_after_key(x, indent, out);
    }
}

fn yaml_value_after_key(x: &Value, indent: usize, out: &mut String) {
    if is_inline(x) {
        let _ = writeln!(out, " {}", inline_text(x));
    } else if x.is_array() {
        out.push('\n');
        yaml_seq_body(x, indent + 2, out);
    } else {
        out.push('\n');
        yaml_map_body(x, indent + 2, out);
    }
}

fn yaml_seq_body(v: &Value, indent: usize, out: &mut String) {
    let Some(a) = v.as_array() else { return };
    for x in a {
        if is_inline(x) {
            let _ = writeln!(out, "{:indent$}- {}", "", inline_text(x));
        } else if x.is_array() {
            let _ = writeln!(out, "{:indent$}-", "");
            yaml_seq_body(x, indent + 2, out);
        } else if let Some(o) = x.as_object() {
            // `- key: value` then the other keys aligned under the first.
            let mut first = true;
            for (k, y) in o {
                if first {
                    let _ = write!(
                        out,
                        "{:indent$}- {}:",
                        "",
                        scalar(&Value::String(k.clone()))
                    );
                    first = false;
                } else {
                    let _ = write!(
                        out,
                        "{:w$}{}:",
                        "",
                        scalar(&Value::String(k.clone())),
                        w = indent + 2
                    );
                }
                yaml_value_after_key(y, indent + 2, out);
            }
        }
    }
}
