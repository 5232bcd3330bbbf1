//! The synthetic account of [`crate::synth`] in the other input forms: a CloudFormation JSON
//! template, a Terraform folder's `main.tf`, a Terraform plan JSON on one line (as
//! `terraform show -json` writes it, every value known). The template and the folder hold the
//! same users, groups, roles, policies and instance profiles as the snapshot, with
//! `${AWS::AccountId}` or `data.aws_caller_identity` in place of the account ID.

use std::fmt::Write as _;

use serde_json::{Map, Value, json};

const ACCOUNT: &str = "123456789012";

/// A snapshot (of [`crate::synth::snapshot`]) as a CloudFormation JSON template.
#[must_use]
pub fn cfn_template(snapshot: &str) -> String {
    cfn(&parse(snapshot))
}

/// A snapshot as the `main.tf` of a Terraform folder.
#[must_use]
pub fn tf_config(snapshot: &str) -> String {
    tf(&parse(snapshot))
}

/// A snapshot as a Terraform plan JSON on one line.
#[must_use]
pub fn tf_plan(snapshot: &str) -> String {
    plan(&parse(snapshot))
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v[key].as_array().map_or(&[], Vec::as_slice)
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or("")
}

fn policy_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

fn logical(prefix: &str, name: &str) -> String {
    let clean: String = name.chars().filter(char::is_ascii_alphanumeric).collect();
    format!("{prefix}{clean}")
}

fn default_document(p: &Value) -> Value {
    list(p, "PolicyVersionList")
        .iter()
        .find(|v| v["IsDefaultVersion"] == json!(true))
        .map_or(Value::Null, |v| v["Document"].clone())
}

/// Every string naming the account becomes an `Fn::Sub` with the account left unknown.
fn cfn_doc(v: &Value) -> Value {
    match v {
        Value::String(t) if t.contains(ACCOUNT) => {
            json!({"Fn::Sub": t.replace(ACCOUNT, "${AWS::AccountId}")})
        }
        Value::Array(a) => Value::Array(a.iter().map(cfn_doc).collect()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, x)| (k.clone(), cfn_doc(x))).collect()),
        x => x.clone(),
    }
}

fn cfn(acct: &Value) -> String {
    let mut res = Map::new();
    for p in list(acct, "Policies") {
        res.insert(
            logical("P", s(p, "PolicyName")),
            json!({"Type": "AWS::IAM::ManagedPolicy", "Properties": {
                "ManagedPolicyName": s(p, "PolicyName"),
                "PolicyDocument": cfn_doc(&default_document(p))}}),
        );
    }
    let refs = |x: &Value| -> Vec<Value> {
        list(x, "AttachedManagedPolicies")
            .iter()
            .map(|a| json!({"Ref": logical("P", policy_name(s(a, "PolicyArn")))}))
            .collect()
    };
    let inline = |x: &Value, key: &str| -> Vec<Value> {
        list(x, key)
            .iter()
            .map(|i| json!({"PolicyName": s(i, "PolicyName"), "PolicyDocument": cfn_doc(&i["PolicyDocument"])}))
            .collect()
    };
    for g in list(acct, "GroupDetailList") {
        res.insert(
            logical("G", s(g, "GroupName")),
            json!({"Type": "AWS::IAM::Group", "Properties": {
                "GroupName": s(g, "GroupName"), "ManagedPolicyArns": refs(g),
                "Policies": inline(g, "GroupPolicyList")}}),
        );
    }
    for u in list(acct, "UserDetailList") {
        let groups: Vec<Value> = list(u, "GroupList")
            .iter()
            .map(|g| json!({"Ref": logical("G", g.as_str().unwrap_or(""))}))
            .collect();
        res.insert(
            logical("U", s(u, "UserName")),
            json!({"Type": "AWS::IAM::User", "Properties": {
                "UserName": s(u, "UserName"), "Groups": groups, "ManagedPolicyArns": refs(u),
                "Policies": inline(u, "UserPolicyList")}}),
        );
    }
    for r in list(acct, "RoleDetailList") {
        let id = logical("R", s(r, "RoleName"));
        res.insert(
            id.clone(),
            json!({"Type": "AWS::IAM::Role", "Properties": {
                "RoleName": s(r, "RoleName"),
                "AssumeRolePolicyDocument": cfn_doc(&r["AssumeRolePolicyDocument"]),
                "ManagedPolicyArns": refs(r), "Policies": inline(r, "RolePolicyList")}}),
        );
        if !list(r, "InstanceProfileList").is_empty() {
            res.insert(
                logical("IP", s(r, "RoleName")),
                json!({"Type": "AWS::IAM::InstanceProfile", "Properties": {
                    "InstanceProfileName": s(r, "RoleName"), "Roles": [{"Ref": id}]}}),
            );
        }
    }
    serde_json::to_string_pretty(&json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": Value::Object(res)
    }))
    .unwrap_or_default()
}

/// A policy document as an HCL `jsonencode(...)` argument, the account from the caller
/// identity.
fn hcl_doc(v: &Value) -> String {
    let text = serde_json::to_string(v).unwrap_or_default();
    format!(
        "jsonencode({})",
        text.replace(ACCOUNT, "${data.aws_caller_identity.current.account_id}")
    )
}

fn tf(acct: &Value) -> String {
    let mut out = String::from("data \"aws_caller_identity\" \"current\" {}\n\n");
    let attach = |out: &mut String, kind: &str, id: &str, x: &Value| {
        for (i, a) in list(x, "AttachedManagedPolicies").iter().enumerate() {
            let p = logical("p", policy_name(s(a, "PolicyArn")));
            let _ = writeln!(
                out,
                "resource \"aws_iam_{kind}_policy_attachment\" \"{id}_{i}\" {{\n  {kind} = aws_iam_{kind}.{id}.name\n  policy_arn = aws_iam_policy.{p}.arn\n}}\n"
            );
        }
    };
    let inline = |out: &mut String, kind: &str, id: &str, x: &Value, key: &str| {
        for (i, p) in list(x, key).iter().enumerate() {
            let _ = writeln!(
                out,
                "resource \"aws_iam_{kind}_policy\" \"{id}_{i}\" {{\n  name = \"{}\"\n  {kind} = aws_iam_{kind}.{id}.name\n  policy = {}\n}}\n",
                s(p, "PolicyName"),
                hcl_doc(&p["PolicyDocument"])
            );
        }
    };
    for p in list(acct, "Policies") {
        let _ = writeln!(
            out,
            "resource \"aws_iam_policy\" \"{}\" {{\n  name = \"{}\"\n  policy = {}\n}}\n",
            logical("p", s(p, "PolicyName")),
            s(p, "PolicyName"),
            hcl_doc(&default_document(p))
        );
    }
    for g in list(acct, "GroupDetailList") {
        let id = logical("g", s(g, "GroupName"));
        let _ = writeln!(
            out,
            "resource \"aws_iam_group\" \"{id}\" {{\n  name = \"{}\"\n}}\n",
            s(g, "GroupName")
        );
        attach(&mut out, "group", &id, g);
        inline(&mut out, "group", &id, g, "GroupPolicyList");
    }
    for u in list(acct, "UserDetailList") {
        let id = logical("u", s(u, "UserName"));
        let groups: Vec<String> = list(u, "GroupList")
            .iter()
            .map(|g| {
                format!(
                    "aws_iam_group.{}.name",
                    logical("g", g.as_str().unwrap_or(""))
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "resource \"aws_iam_user\" \"{id}\" {{\n  name = \"{}\"\n}}\n\nresource \"aws_iam_user_group_membership\" \"{id}\" {{\n  user = aws_iam_user.{id}.name\n  groups = [{}]\n}}\n",
            s(u, "UserName"),
            groups.join(", ")
        );
        attach(&mut out, "user", &id, u);
        inline(&mut out, "user", &id, u, "UserPolicyList");
    }
    for r in list(acct, "RoleDetailList") {
        let id = logical("r", s(r, "RoleName"));
        let _ = writeln!(
            out,
            "resource \"aws_iam_role\" \"{id}\" {{\n  name = \"{}\"\n  assume_role_policy = {}\n}}\n",
            s(r, "RoleName"),
            hcl_doc(&r["AssumeRolePolicyDocument"])
        );
        attach(&mut out, "role", &id, r);
        inline(&mut out, "role", &id, r, "RolePolicyList");
        if !list(r, "InstanceProfileList").is_empty() {
            let _ = writeln!(
                out,
                "resource \"aws_iam_instance_profile\" \"{id}\" {{\n  name = \"{}\"\n  role = aws_iam_role.{id}.name\n}}\n",
                s(r, "RoleName")
            );
        }
    }
    out
}

fn plan(acct: &Value) -> String {
    let mut res: Vec<Value> = Vec::new();
    let mut add = |ty: &str, name: String, values: Value| {
        res.push(
            json!({"address": format!("{ty}.{name}"), "mode": "managed", "type": ty,
            "name": name, "provider_name": "registry.terraform.io/hashicorp/aws",
            "schema_version": 0, "values": values, "sensitive_values": {}}),
        );
    };
    let doc = |v: &Value| serde_json::to_string(v).unwrap_or_default();
    let attach =
        |add: &mut dyn FnMut(&str, String, Value), kind: &str, id: &str, who: &str, x: &Value| {
            for (i, a) in list(x, "AttachedManagedPolicies").iter().enumerate() {
                add(
                    &format!("aws_iam_{kind}_policy_attachment"),
                    format!("{id}_{i}"),
                    json!({kind: who, "policy_arn": s(a, "PolicyArn")}),
                );
            }
        };
    for p in list(acct, "Policies") {
        add(
            "aws_iam_policy",
            logical("p", s(p, "PolicyName")),
            json!({"name": s(p, "PolicyName"),
            "arn": s(p, "Arn"), "path": "/", "policy": doc(&default_document(p))}),
        );
    }
    for g in list(acct, "GroupDetailList") {
        let id = logical("g", s(g, "GroupName"));
        add(
            "aws_iam_group",
            id.clone(),
            json!({"name": s(g, "GroupName"), "arn": s(g, "Arn"), "path": "/"}),
        );
        attach(&mut add, "group", &id, s(g, "GroupName"), g);
    }
    for u in list(acct, "UserDetailList") {
        let id = logical("u", s(u, "UserName"));
        add(
            "aws_iam_user",
            id.clone(),
            json!({"name": s(u, "UserName"), "arn": s(u, "Arn"), "path": "/"}),
        );
        add(
            "aws_iam_user_group_membership",
            id.clone(),
            json!({"user": s(u, "UserName"), "groups": u["GroupList"].clone()}),
        );
        attach(&mut add, "user", &id, s(u, "UserName"), u);
        for (i, p) in list(u, "UserPolicyList").iter().enumerate() {
            add(
                "aws_iam_user_policy",
                format!("{id}_{i}"),
                json!({"name": s(p, "PolicyName"),
                "user": s(u, "UserName"), "policy": doc(&p["PolicyDocument"])}),
            );
        }
    }
    for r in list(acct, "RoleDetailList") {
        let id = logical("r", s(r, "RoleName"));
        add(
            "aws_iam_role",
            id.clone(),
            json!({"name": s(r, "RoleName"), "arn": s(r, "Arn"), "path": "/",
            "assume_role_policy": doc(&r["AssumeRolePolicyDocument"])}),
        );
        attach(&mut add, "role", &id, s(r, "RoleName"), r);
        if !list(r, "InstanceProfileList").is_empty() {
            add(
                "aws_iam_instance_profile",
                id.clone(),
                json!({"name": s(r, "RoleName"), "role": s(r, "RoleName"),
                "arn": s(r, "Arn").replace(":role/", ":instance-profile/")}),
            );
        }
    }
    let changes: Vec<Value> = res
        .iter()
        .map(|r| {
            let mut c = r.clone();
            if let Value::Object(o) = &mut c {
                let after = o.remove("values").unwrap_or(Value::Null);
                o.remove("schema_version");
                o.remove("sensitive_values");
                o.insert(
                    "change".into(),
                    json!({"actions": ["create"], "before": null, "after": after,
                    "after_unknown": {}, "before_sensitive": false, "after_sensitive": {}}),
                );
            }
            c
        })
        .collect();
    serde_json::to_string(
        &json!({"format_version": "1.2", "terraform_version": "1.9.0",
        "planned_values": {"root_module": {"resources": res}}, "resource_changes": changes}),
    )
    .unwrap_or_default()
}
