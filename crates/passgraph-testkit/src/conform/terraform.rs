//! The account as Terraform: one list of resources, written as a `.tf` folder and as the plan
//! JSON `terraform show -json` prints for it on an empty state (format 1.2).
//!
//! Relations use references (`aws_iam_user.user_0.name`, `aws_iam_policy.policy_3.arn`): names
//! are known at plan time, ARNs of resources to be created are not (`after_unknown`), and the
//! plan's `configuration` keeps the references. ARNs in documents interpolate
//! `data.aws_caller_identity.current.account_id` (some name the account literally); in the plan
//! the caller identity was read during planning, so documents are known and name the id.
//! Documents are written three ways: `jsonencode`, a heredoc, a `data "aws_iam_policy_document"`.
//! Attachments use the per-principal resources, `aws_iam_policy_attachment` (exclusive for its
//! policy) or the role's `managed_policy_arns`; inline policies the `aws_iam_*_policy` resources
//! or the role's `inline_policy` blocks; memberships `aws_iam_user_group_membership` or
//! `aws_iam_group_membership` (exclusive for its group).

use std::fmt::Write;

use serde_json::{Map, Value, json};

use super::Constructs;
use super::model::{ACCOUNT, Account, PolicyRef};

const CALLER: &str = "data.aws_caller_identity.current.account_id";
const PARTITION_REF: &str = "data.aws_partition.current.partition";
/// Where a Terraform string holds the partition (only in [`Tv::Acct`]).
const PARTITION: &str = "{{PARTITION}}";
const PROVIDER: &str = "registry.terraform.io/hashicorp/aws";

/// How a policy document is written in the configuration.
#[derive(Clone, Debug)]
enum Style {
    JsonEncode,
    /// `<<-EOT`, the text indented or flush.
    Heredoc {
        indented: bool,
    },
    /// `data "aws_iam_policy_document" "<name>"`.
    Data(String),
}

/// An argument value.
#[derive(Clone, Debug)]
enum Tv {
    Lit(String),
    Num(i64),
    Bool(bool),
    /// Another resource's attribute; its value when known at plan time.
    Ref {
        expr: String,
        known: Option<String>,
    },
    List(Vec<Tv>),
    /// A string holding [`ACCOUNT`] or [`PARTITION`], written with the caller identity and the
    /// `aws_partition` data source.
    Acct(String),
    /// An object (`{ key = value }`).
    Map(Vec<(String, Tv)>),
    Doc {
        doc: Value,
        style: Style,
        /// The account written literally instead of through the caller identity.
        literal: bool,
        /// Service principals written as `data.aws_service_principal.<x>.name`.
        services: bool,
    },
}

#[derive(Clone, Debug)]
struct Block {
    name: &'static str,
    attrs: Vec<(&'static str, Tv)>,
}

#[derive(Clone, Debug)]
struct Res {
    ty: &'static str,
    name: String,
    attrs: Vec<(&'static str, Tv)>,
    blocks: Vec<Block>,
    /// Computed attributes unknown until apply.
    unknown: Vec<&'static str>,
    /// Optional attributes not set (null in the plan).
    nulls: Vec<&'static str>,
    /// The file it is written to.
    file: &'static str,
    /// The module instance it belongs to (`role_4` for `module.role_4`); written by the module's
    /// own text, not from these attributes.
    module: Option<String>,
    /// Its instance key (`for_each` key or `count` index).
    index: Option<Value>,
}

/// A call of the local module `modules/service_role`.
#[derive(Clone, Debug)]
struct ModuleCall {
    name: String,
    args: Vec<(&'static str, Tv)>,
}

impl Res {
    fn new(ty: &'static str, name: String, file: &'static str) -> Res {
        Res {
            ty,
            name,
            attrs: Vec::new(),
            blocks: Vec::new(),
            unknown: vec!["id"],
            nulls: Vec::new(),
            file,
            module: None,
            index: None,
        }
    }
    fn address(&self) -> String {
        let index = match &self.index {
            Some(Value::String(k)) => format!("[{}]", Value::String(k.clone())),
            Some(i) => format!("[{i}]"),
            None => String::new(),
        };
        match &self.module {
            Some(m) => format!("module.{m}.{}.{}{index}", self.ty, self.name),
            None => format!("{}.{}{index}", self.ty, self.name),
        }
    }
}

fn tf_name(kind: &str, i: usize) -> String {
    format!("{kind}_{i}")
}

fn name_ref(ty: &str, local: &str, name: &str) -> Tv {
    Tv::Ref {
        expr: format!("{ty}.{local}.name"),
        known: Some(name.to_owned()),
    }
}

fn arn_ref(ty: &str, local: &str) -> Tv {
    Tv::Ref {
        expr: format!("{ty}.{local}.arn"),
        known: None,
    }
}

fn policy_tv(a: &Account, r: &PolicyRef) -> Tv {
    match r {
        PolicyRef::Customer(p) => arn_ref("aws_iam_policy", &tf_name("policy", *p)),
        // Some AWS managed policies are named through the partition data source.
        PolicyRef::Aws(n) if n.len() % 2 == 0 => Tv::Acct(a.policy_arn(r).replacen(
            "arn:aws:",
            &format!("arn:{PARTITION}:"),
            1,
        )),
        PolicyRef::Aws(_) => Tv::Lit(a.policy_arn(r)),
    }
}

fn style(kind: &str, i: usize, k: usize) -> Style {
    match (i + k) % 4 {
        0 => Style::JsonEncode,
        1 => Style::Heredoc { indented: false },
        2 => Style::Heredoc { indented: true },
        _ => Style::Data(format!("{kind}_{i}_{k}")),
    }
}

fn doc_tv(doc: &Value, kind: &str, i: usize, k: usize) -> Tv {
    Tv::Doc {
        doc: doc.clone(),
        style: style(kind, i, k),
        literal: (i + k) % 5 == 3,
        services: false,
    }
}

/// The `aws_service_principal` data source's local name and `service_name` for a service
/// principal (`monitoring.rds.amazonaws.com` → `monitoring_rds`, `monitoring.rds`).
fn service_data(principal: &str) -> Option<(String, String)> {
    let name = principal.strip_suffix(".amazonaws.com")?;
    Some((name.replace(['.', '-'], "_"), name.to_owned()))
}

const SVC: &str = "{{SVC:";

/// Service principals of a trust policy replaced by markers that [`hcl_string`] writes as
/// references to the `aws_service_principal` data source.
fn mark_services(doc: &Value) -> Value {
    let mut d = doc.clone();
    for st in d["Statement"].as_array_mut().into_iter().flatten() {
        if let Some(Value::String(s)) = st.pointer_mut("/Principal/Service")
            && let Some((local, _)) = service_data(s)
        {
            *s = format!("{SVC}{local}}}}}");
        }
    }
    d
}

fn services_of(doc: &Value) -> Vec<String> {
    doc["Statement"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|st| st.pointer("/Principal/Service")?.as_str())
        .map(str::to_owned)
        .collect()
}

/// Writes markers of [`mark_services`] as interpolations.
fn unmark(s: String) -> String {
    if !s.contains(SVC) {
        return s;
    }
    let mut out = String::new();
    let mut rest = s.as_str();
    while let Some(i) = rest.find(SVC) {
        out.push_str(&rest[..i]);
        let after = &rest[i + SVC.len()..];
        let Some(j) = after.find("}}") else { break };
        let _ = write!(out, "${{data.aws_service_principal.{}.name}}", &after[..j]);
        rest = &after[j + 2..];
    }
    out.push_str(rest);
    out
}

/// Customer policies attached through one exclusive `aws_iam_policy_attachment`.
fn exclusive(p: usize) -> bool {
    p.is_multiple_of(3)
}

/// Groups whose members are all listed by one `aws_iam_group_membership` (exclusive for its
/// group: no other resource may add members to it).
fn exclusive_members(g: usize) -> bool {
    g % 2 == 1
}

/// The resources of the account, in a fixed order.
/// Roles written through the local module `modules/service_role`, one call each.
fn in_module(extra: &Constructs, r: usize) -> bool {
    extra.modules && (r / 2) % 2 == 1
}

/// A role's name as other resources refer to it.
fn role_name_tv(a: &Account, r: usize, extra: &Constructs) -> Tv {
    if in_module(extra, r) {
        Tv::Ref {
            expr: format!("module.{}.name", tf_name("role", r)),
            known: Some(a.roles[r].name.clone()),
        }
    } else {
        name_ref("aws_iam_role", &tf_name("role", r), &a.roles[r].name)
    }
}

/// The module `modules/service_role`: a role, its attachments and inline policies (`for_each`
/// over maps), its instance profile and database instance (`count`).
const MODULE_TF: &str = r#"variable "name" {
  type = string
}

variable "path" {
  type = string
}

variable "assume_role_policy" {
  type = string
}

variable "permissions_boundary" {
  type    = string
  default = null
}

variable "policy_arns" {
  type    = map(string)
  default = {}
}

variable "inline_policies" {
  type    = map(string)
  default = {}
}

variable "instance_profile" {
  type    = bool
  default = false
}

variable "rds_monitoring" {
  type    = bool
  default = false
}

resource "aws_iam_role" "this" {
  name                 = var.name
  path                 = var.path
  assume_role_policy   = var.assume_role_policy
  permissions_boundary = var.permissions_boundary
}

resource "aws_iam_role_policy_attachment" "this" {
  for_each   = var.policy_arns
  role       = aws_iam_role.this.name
  policy_arn = each.value
}

resource "aws_iam_role_policy" "this" {
  for_each = var.inline_policies
  name     = each.key
  role     = aws_iam_role.this.name
  policy   = each.value
}

resource "aws_iam_instance_profile" "this" {
  count = var.instance_profile ? 1 : 0
  name  = var.name
  path  = var.path
  role  = aws_iam_role.this.name
}

resource "aws_db_instance" "this" {
  count                       = var.rds_monitoring ? 1 : 0
  identifier                  = "db-${var.name}"
  engine                      = "postgres"
  instance_class              = "db.t3.micro"
  allocated_storage           = 20
  username                    = "dbadmin"
  manage_master_user_password = true
  skip_final_snapshot         = true
  monitoring_interval         = 60
  monitoring_role_arn         = aws_iam_role.this.arn
}

output "name" {
  value = aws_iam_role.this.name
}

output "arn" {
  value = aws_iam_role.this.arn
}
"#;

/// The module's configuration representation, as the plan's `module_calls` hold it.
fn module_config() -> Value {
    let r = |refs: &[&str]| json!({ "references": refs });
    let c = |v: Value| json!({ "constant_value": v });
    let res = |ty: &str, exprs: Value, extra: Option<(&str, Value)>| {
        let mut o = json!({"address": format!("{ty}.this"), "mode": "managed", "type": ty,
            "name": "this", "provider_config_key": "aws", "expressions": exprs,
            "schema_version": 0});
        if let Some((k, v)) = extra {
            o[k] = v;
        }
        o
    };
    let role_name = r(&["aws_iam_role.this.name", "aws_iam_role.this"]);
    json!({
        "outputs": {
            "name": {"expression": role_name},
            "arn": {"expression": r(&["aws_iam_role.this.arn", "aws_iam_role.this"])}
        },
        "resources": [
            res("aws_iam_role", json!({"name": r(&["var.name"]), "path": r(&["var.path"]),
                "assume_role_policy": r(&["var.assume_role_policy"]),
                "permissions_boundary": r(&["var.permissions_boundary"])}), None),
            res("aws_iam_role_policy_attachment", json!({"role": role_name,
                "policy_arn": r(&["each.value"])}),
                Some(("for_each_expression", r(&["var.policy_arns"])))),
            res("aws_iam_role_policy", json!({"name": r(&["each.key"]), "role": role_name,
                "policy": r(&["each.value"])}),
                Some(("for_each_expression", r(&["var.inline_policies"])))),
            res("aws_iam_instance_profile", json!({"name": r(&["var.name"]),
                "path": r(&["var.path"]), "role": role_name}),
                Some(("count_expression", r(&["var.instance_profile"])))),
            res("aws_db_instance", json!({"identifier": r(&["var.name"]),
                "engine": c(json!("postgres")), "instance_class": c(json!("db.t3.micro")),
                "allocated_storage": c(json!(20)), "username": c(json!("dbadmin")),
                "manage_master_user_password": c(json!(true)),
                "skip_final_snapshot": c(json!(true)), "monitoring_interval": c(json!(60)),
                "monitoring_role_arn": r(&["aws_iam_role.this.arn", "aws_iam_role.this"])}),
                Some(("count_expression", r(&["var.rds_monitoring"])))),
        ],
        "variables": {
            "name": {}, "path": {}, "assume_role_policy": {},
            "permissions_boundary": {"default": null},
            "policy_arns": {"default": {}}, "inline_policies": {"default": {}},
            "instance_profile": {"default": false}, "rds_monitoring": {"default": false}
        }
    })
}

/// A role through the module: the call, and the instances the plan shows.
fn module_role(
    a: &Account,
    r: usize,
    extra: &Constructs,
    out: &mut Vec<Res>,
    calls: &mut Vec<ModuleCall>,
) {
    let role = &a.roles[r];
    let m = tf_name("role", r);
    let id = &a.id;
    let new = |ty: &'static str, index: Option<Value>| {
        let mut x = Res::new(ty, "this".to_owned(), "modules.tf");
        x.module = Some(m.clone());
        x.index = index;
        x
    };
    let mut trust = doc_tv(&a.trust_doc(r), "trust", r, 0);
    if let Tv::Doc { services, .. } = &mut trust {
        *services = extra.service_principal_data;
    }
    let mut args = vec![
        ("name", Tv::Lit(role.name.clone())),
        ("path", Tv::Lit(role.path.clone())),
        ("assume_role_policy", trust.clone()),
    ];
    let mut x = new("aws_iam_role", None);
    x.attrs.push(("name", Tv::Lit(role.name.clone())));
    x.attrs.push(("path", Tv::Lit(role.path.clone())));
    x.attrs.push(("assume_role_policy", trust));
    x.attrs.push(("max_session_duration", Tv::Num(3600)));
    x.attrs.push(("force_detach_policies", Tv::Bool(false)));
    match &role.boundary {
        Some(b) => {
            args.push(("permissions_boundary", policy_tv(a, b)));
            x.attrs.push(("permissions_boundary", policy_tv(a, b)));
        }
        None => x.nulls.push("permissions_boundary"),
    }
    x.nulls.extend(["description", "name_prefix", "tags"]);
    x.unknown.extend([
        "arn",
        "create_date",
        "unique_id",
        "tags_all",
        "managed_policy_arns",
        "inline_policy",
    ]);
    out.push(x);
    let me = Tv::Ref {
        expr: "aws_iam_role.this.name".to_owned(),
        known: Some(role.name.clone()),
    };
    // The map's values are ARNs written with the caller identity: known at plan time, as
    // `for_each` needs its keys to be.
    let mut arns = Vec::new();
    for p in &role.attached {
        if matches!(p, PolicyRef::Customer(i) if exclusive(*i)) {
            continue;
        }
        let arn = a.policy_arn(p);
        let key = arn.rsplit('/').next().unwrap_or_default().to_owned();
        arns.push((key.clone(), Tv::Acct(arn.clone())));
        let mut x = new("aws_iam_role_policy_attachment", Some(json!(key)));
        x.attrs.push(("role", me.clone()));
        x.attrs
            .push(("policy_arn", Tv::Lit(arn.replace(ACCOUNT, id))));
        out.push(x);
    }
    if !arns.is_empty() {
        args.push(("policy_arns", Tv::Map(arns)));
    }
    let mut inline = Vec::new();
    for (k, p) in role.inline.iter().enumerate() {
        let doc = doc_tv(&p.doc, "role", r, k + 1);
        inline.push((p.name.clone(), doc.clone()));
        let mut x = new("aws_iam_role_policy", Some(json!(p.name)));
        x.attrs.push(("name", Tv::Lit(p.name.clone())));
        x.attrs.push(("role", me.clone()));
        x.attrs.push(("policy", doc));
        x.nulls.push("name_prefix");
        out.push(x);
    }
    if !inline.is_empty() {
        args.push(("inline_policies", Tv::Map(inline)));
    }
    if role.instance_profile {
        args.push(("instance_profile", Tv::Bool(true)));
        let mut x = new("aws_iam_instance_profile", Some(json!(0)));
        x.attrs.push(("name", Tv::Lit(role.name.clone())));
        x.attrs.push(("path", Tv::Lit(role.path.clone())));
        x.attrs.push(("role", me.clone()));
        x.nulls.extend(["name_prefix", "tags"]);
        x.unknown
            .extend(["arn", "create_date", "unique_id", "tags_all"]);
        out.push(x);
    }
    if role.rds_monitoring {
        args.push(("rds_monitoring", Tv::Bool(true)));
        let mut x = new("aws_db_instance", Some(json!(0)));
        x.attrs
            .push(("identifier", Tv::Lit(format!("db-{}", role.name))));
        x.attrs.push(("engine", Tv::Lit("postgres".to_owned())));
        x.attrs
            .push(("instance_class", Tv::Lit("db.t3.micro".to_owned())));
        x.attrs.push(("allocated_storage", Tv::Num(20)));
        x.attrs.push(("username", Tv::Lit("dbadmin".to_owned())));
        x.attrs
            .push(("manage_master_user_password", Tv::Bool(true)));
        x.attrs.push(("skip_final_snapshot", Tv::Bool(true)));
        x.attrs.push(("monitoring_interval", Tv::Num(60)));
        x.attrs.push((
            "monitoring_role_arn",
            Tv::Ref {
                expr: "aws_iam_role.this.arn".to_owned(),
                known: None,
            },
        ));
        x.unknown
            .extend(["arn", "address", "endpoint", "resource_id"]);
        out.push(x);
    }
    calls.push(ModuleCall { name: m, args });
}

fn resources(a: &Account, extra: &Constructs) -> (Vec<Res>, Vec<ModuleCall>) {
    let mut out = Vec::new();
    let mut calls = Vec::new();
    let attach = |out: &mut Vec<Res>,
                  ty: &'static str,
                  key: &'static str,
                  owner: Tv,
                  local: &str,
                  refs: &[PolicyRef],
                  file| {
        for (k, r) in refs.iter().enumerate() {
            if matches!(r, PolicyRef::Customer(p) if exclusive(*p)) {
                continue;
            }
            let mut x = Res::new(ty, format!("{local}_{k}"), file);
            x.attrs.push((key, owner.clone()));
            x.attrs.push(("policy_arn", policy_tv(a, r)));
            out.push(x);
        }
    };
    for (i, u) in a.users.iter().enumerate() {
        let local = tf_name("user", i);
        let mut x = Res::new("aws_iam_user", local.clone(), "users.tf");
        x.attrs.push(("name", Tv::Lit(u.name.clone())));
        x.attrs.push(("path", Tv::Lit(u.path.clone())));
        x.attrs.push(("force_destroy", Tv::Bool(false)));
        match &u.boundary {
            Some(b) => x.attrs.push(("permissions_boundary", policy_tv(a, b))),
            None if extra.empty_boundary && i % 3 == 0 => {
                x.attrs
                    .push(("permissions_boundary", Tv::Lit(String::new())));
            }
            None => x.nulls.push("permissions_boundary"),
        }
        x.nulls.push("tags");
        x.unknown.extend(["arn", "unique_id", "tags_all"]);
        out.push(x);
        let me = name_ref("aws_iam_user", &local, &u.name);
        let gs: Vec<Tv> = u
            .groups
            .iter()
            .filter(|&&g| !exclusive_members(g))
            .map(|&g| name_ref("aws_iam_group", &tf_name("group", g), &a.groups[g].name))
            .collect();
        if !gs.is_empty() {
            let mut m = Res::new("aws_iam_user_group_membership", local.clone(), "users.tf");
            m.attrs.push(("user", me.clone()));
            m.attrs.push(("groups", Tv::List(gs)));
            out.push(m);
        }
        attach(
            &mut out,
            "aws_iam_user_policy_attachment",
            "user",
            me.clone(),
            &local,
            &u.attached,
            "users.tf",
        );
        for (k, p) in u.inline.iter().enumerate() {
            let mut x = Res::new("aws_iam_user_policy", format!("{local}_{k}"), "users.tf");
            x.attrs.push(("name", Tv::Lit(p.name.clone())));
            x.attrs.push(("user", me.clone()));
            x.attrs.push(("policy", doc_tv(&p.doc, "user", i, k)));
            x.nulls.push("name_prefix");
            out.push(x);
        }
    }
    for (g, grp) in a.groups.iter().enumerate() {
        let local = tf_name("group", g);
        let mut x = Res::new("aws_iam_group", local.clone(), "groups.tf");
        x.attrs.push(("name", Tv::Lit(grp.name.clone())));
        x.attrs.push(("path", Tv::Lit(grp.path.clone())));
        x.unknown.extend(["arn", "unique_id"]);
        out.push(x);
        let me = name_ref("aws_iam_group", &local, &grp.name);
        let members: Vec<Tv> = a
            .users
            .iter()
            .enumerate()
            .filter(|(_, u)| u.groups.contains(&g))
            .map(|(i, u)| name_ref("aws_iam_user", &tf_name("user", i), &u.name))
            .collect();
        if exclusive_members(g) && !members.is_empty() {
            let mut m = Res::new("aws_iam_group_membership", local.clone(), "groups.tf");
            m.attrs
                .push(("name", Tv::Lit(format!("{}-members", grp.name))));
            m.attrs.push(("group", me.clone()));
            m.attrs.push(("users", Tv::List(members)));
            out.push(m);
        }
        attach(
            &mut out,
            "aws_iam_group_policy_attachment",
            "group",
            me.clone(),
            &local,
            &grp.attached,
            "groups.tf",
        );
        for (k, p) in grp.inline.iter().enumerate() {
            let mut x = Res::new("aws_iam_group_policy", format!("{local}_{k}"), "groups.tf");
            x.attrs.push(("name", Tv::Lit(p.name.clone())));
            x.attrs.push(("group", me.clone()));
            x.attrs.push(("policy", doc_tv(&p.doc, "group", g, k)));
            x.nulls.push("name_prefix");
            out.push(x);
        }
    }
    for (r, role) in a.roles.iter().enumerate() {
        if in_module(extra, r) {
            module_role(a, r, extra, &mut out, &mut calls);
            continue;
        }
        let local = tf_name("role", r);
        let mut x = Res::new("aws_iam_role", local.clone(), "roles.tf");
        x.attrs.push(("name", Tv::Lit(role.name.clone())));
        x.attrs.push(("path", Tv::Lit(role.path.clone())));
        let mut trust = doc_tv(&a.trust_doc(r), "trust", r, 0);
        if let Tv::Doc { services, .. } = &mut trust {
            *services = extra.service_principal_data;
        }
        x.attrs.push(("assume_role_policy", trust));
        x.attrs.push(("max_session_duration", Tv::Num(3600)));
        x.attrs.push(("force_detach_policies", Tv::Bool(false)));
        match &role.boundary {
            Some(b) => x.attrs.push(("permissions_boundary", policy_tv(a, b))),
            None if extra.empty_boundary && r % 3 == 0 => {
                x.attrs
                    .push(("permissions_boundary", Tv::Lit(String::new())));
            }
            None => x.nulls.push("permissions_boundary"),
        }
        x.nulls.extend(["description", "name_prefix", "tags"]);
        x.unknown
            .extend(["arn", "create_date", "unique_id", "tags_all"]);
        let arns_list = r % 4 == 2
            && !role
                .attached
                .iter()
                .any(|p| matches!(p, PolicyRef::Customer(p) if exclusive(*p)));
        if arns_list {
            let l = role.attached.iter().map(|p| policy_tv(a, p)).collect();
            x.attrs.push(("managed_policy_arns", Tv::List(l)));
        } else {
            x.unknown.push("managed_policy_arns");
        }
        let blocks = r % 2 == 0 && !role.inline.is_empty();
        if blocks {
            for (k, p) in role.inline.iter().enumerate() {
                x.blocks.push(Block {
                    name: "inline_policy",
                    attrs: vec![
                        ("name", Tv::Lit(p.name.clone())),
                        ("policy", doc_tv(&p.doc, "role", r, k + 1)),
                    ],
                });
            }
        } else {
            x.unknown.push("inline_policy");
        }
        out.push(x);
        let me = name_ref("aws_iam_role", &local, &role.name);
        if !arns_list {
            attach(
                &mut out,
                "aws_iam_role_policy_attachment",
                "role",
                me.clone(),
                &local,
                &role.attached,
                "roles.tf",
            );
        }
        if !blocks {
            for (k, p) in role.inline.iter().enumerate() {
                let mut x = Res::new("aws_iam_role_policy", format!("{local}_{k}"), "roles.tf");
                x.attrs.push(("name", Tv::Lit(p.name.clone())));
                x.attrs.push(("role", me.clone()));
                x.attrs.push(("policy", doc_tv(&p.doc, "role", r, k + 1)));
                x.nulls.push("name_prefix");
                out.push(x);
            }
        }
        if role.instance_profile {
            let mut x = Res::new("aws_iam_instance_profile", local.clone(), "roles.tf");
            x.attrs.push(("name", Tv::Lit(role.name.clone())));
            x.attrs.push(("path", Tv::Lit(role.path.clone())));
            x.attrs.push(("role", me.clone()));
            x.nulls.extend(["name_prefix", "tags"]);
            x.unknown
                .extend(["arn", "create_date", "unique_id", "tags_all"]);
            out.push(x);
        }
        if role.rds_monitoring {
            let mut x = Res::new("aws_db_instance", local.clone(), "roles.tf");
            x.attrs.push(("identifier", Tv::Lit(format!("db-{r}"))));
            x.attrs.push(("engine", Tv::Lit("postgres".to_owned())));
            x.attrs
                .push(("instance_class", Tv::Lit("db.t3.micro".to_owned())));
            x.attrs.push(("allocated_storage", Tv::Num(20)));
            x.attrs.push(("username", Tv::Lit("dbadmin".to_owned())));
            x.attrs
                .push(("manage_master_user_password", Tv::Bool(true)));
            x.attrs.push(("skip_final_snapshot", Tv::Bool(true)));
            x.attrs.push(("monitoring_interval", Tv::Num(60)));
            x.attrs
                .push(("monitoring_role_arn", arn_ref("aws_iam_role", &local)));
            x.unknown
                .extend(["arn", "address", "endpoint", "resource_id"]);
            out.push(x);
        }
    }
    for (i, p) in a.policies.iter().enumerate() {
        let local = tf_name("policy", i);
        let mut x = Res::new("aws_iam_policy", local.clone(), "policies.tf");
        x.attrs.push(("name", Tv::Lit(p.name.clone())));
        x.attrs.push(("path", Tv::Lit(p.path.clone())));
        x.attrs.push(("policy", doc_tv(&p.doc, "policy", i, 0)));
        x.nulls.extend(["description", "name_prefix", "tags"]);
        x.unknown
            .extend(["arn", "attachment_count", "policy_id", "tags_all"]);
        out.push(x);
        if exclusive(i) {
            let (us, gs, rs) = a.attached_to(i);
            if us.is_empty() && gs.is_empty() && rs.is_empty() {
                continue;
            }
            let mut x = Res::new("aws_iam_policy_attachment", local.clone(), "policies.tf");
            x.attrs
                .push(("name", Tv::Lit(format!("{}-attachment", p.name))));
            x.attrs
                .push(("policy_arn", arn_ref("aws_iam_policy", &local)));
            let list = |v: Vec<Tv>| Tv::List(v);
            x.attrs.push((
                "users",
                list(
                    us.iter()
                        .map(|&u| name_ref("aws_iam_user", &tf_name("user", u), &a.users[u].name))
                        .collect(),
                ),
            ));
            x.attrs.push((
                "groups",
                list(
                    gs.iter()
                        .map(|&g| {
                            name_ref("aws_iam_group", &tf_name("group", g), &a.groups[g].name)
                        })
                        .collect(),
                ),
            ));
            x.attrs.push((
                "roles",
                list(rs.iter().map(|&r| role_name_tv(a, r, extra)).collect()),
            ));
            out.push(x);
        }
    }
    (out, calls)
}

// ---------------------------------------------------------------------------------------------
// HCL

fn hcl_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.replace("${", "$${").replace("%{", "%%{")
}

/// A quoted HCL string; [`ACCOUNT`] becomes the caller identity (or the literal id).
fn hcl_string(s: &str, id: &str, literal: bool) -> String {
    let parts: Vec<String> = s.split(ACCOUNT).map(hcl_escape).collect();
    let joint = if literal {
        id.to_owned()
    } else {
        format!("${{{CALLER}}}")
    };
    unmark(format!("\"{}\"", parts.join(&joint)))
}

fn is_ident(k: &str) -> bool {
    k.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// A JSON value as an HCL expression (for `jsonencode`).
fn hcl_json(v: &Value, id: &str, literal: bool, indent: usize, out: &mut String) {
    match v {
        Value::String(s) => out.push_str(&hcl_string(s, id, literal)),
        // Lists of role ARNs the way Terraform users write them: a `for` expression over the
        // role names, or `formatlist`.
        Value::Array(a) if !literal && a.len() > 1 && role_suffixes(a).is_some() => {
            let rest: Vec<String> = role_suffixes(a)
                .unwrap_or_default()
                .iter()
                .map(|r| hcl_string(r, id, true))
                .collect();
            if a.len() % 2 == 0 {
                let _ = write!(
                    out,
                    "formatlist(\"arn:aws:iam::%s:role%s\", {CALLER}, [{}])",
                    rest.join(", ")
                );
            } else {
                let _ = write!(
                    out,
                    "[for r in [{}] : \"arn:aws:iam::${{{CALLER}}}:role${{r}}\"]",
                    rest.join(", ")
                );
            }
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                hcl_json(x, id, literal, indent, out);
            }
            out.push(']');
        }
        Value::Object(o) => {
            out.push_str("{\n");
            for (k, x) in o {
                let key = if is_ident(k) {
                    k.clone()
                } else {
                    hcl_string(k, id, true)
                };
                let _ = write!(out, "{:w$}{key} = ", "", w = indent + 2);
                hcl_json(x, id, literal, indent + 2, out);
                out.push('\n');
            }
            let _ = write!(out, "{:indent$}}}", "");
        }
        other => out.push_str(&other.to_string()),
    }
}

/// The path and name of every role ARN of a list, when it is a list of role ARNs without
/// wildcards.
fn role_suffixes(a: &[Value]) -> Option<Vec<String>> {
    let prefix = format!("arn:aws:iam::{ACCOUNT}:role");
    a.iter()
        .map(|v| {
            let s = v.as_str()?.strip_prefix(&prefix)?;
            (!s.contains('*')).then(|| s.to_owned())
        })
        .collect()
}

/// `data "aws_iam_policy_document"` blocks for a document: one, or (for some documents of two
/// statements or more) a base holding the first statement that the document names in
/// `source_policy_documents` and adds the others to.
fn policy_document_blocks(name: &str, doc: &Value, id: &str, literal: bool) -> String {
    let statements = doc["Statement"].as_array().cloned().unwrap_or_default();
    if statements.len() < 2 || name.len() % 2 == 1 {
        return policy_document_block(name, doc, id, literal, None);
    }
    let base_name = format!("{name}_base");
    let mut base = doc.clone();
    base["Statement"] = Value::Array(statements[..1].to_vec());
    let mut rest = doc.clone();
    rest["Statement"] = Value::Array(statements[1..].to_vec());
    policy_document_block(&base_name, &base, id, literal, None)
        + &policy_document_block(name, &rest, id, literal, Some(&base_name))
}

/// A `data "aws_iam_policy_document"` block.
fn policy_document_block(
    name: &str,
    doc: &Value,
    id: &str,
    literal: bool,
    source: Option<&str>,
) -> String {
    let mut out = format!("data \"aws_iam_policy_document\" \"{name}\" {{\n");
    if let Some(src) = source {
        let _ = writeln!(
            out,
            "  source_policy_documents = [data.aws_iam_policy_document.{src}.json]"
        );
    }
    // The data source writes policy variables as `&{...}` (it turns them into `${...}`).
    let item = |s: &str| hcl_string(s, id, literal).replace("$${aws:", "&{aws:");
    let list = |v: &Value| -> String {
        let items: Vec<String> = match v {
            Value::Array(a) => a.iter().filter_map(Value::as_str).map(item).collect(),
            Value::String(s) => vec![item(s)],
            _ => Vec::new(),
        };
        format!("[{}]", items.join(", "))
    };
    for st in doc["Statement"].as_array().into_iter().flatten() {
        out.push_str("  statement {\n");
        if let Some(s) = st["Sid"].as_str() {
            let _ = writeln!(out, "    sid       = {}", hcl_string(s, id, literal));
        }
        let _ = writeln!(
            out,
            "    effect    = {}",
            hcl_string(st["Effect"].as_str().unwrap_or("Allow"), id, literal)
        );
        for (json_key, tf_key) in [
            ("Action", "actions"),
            ("NotAction", "not_actions"),
            ("Resource", "resources"),
            ("NotResource", "not_resources"),
        ] {
            if let Some(v) = st.get(json_key) {
                let _ = writeln!(out, "    {tf_key} = {}", list(v));
            }
        }
        if let Some(Value::Object(p)) = st.get("Principal") {
            for (ty, ids) in p {
                let _ = writeln!(
                    out,
                    "    principals {{\n      type        = {}\n      identifiers = {}\n    }}",
                    hcl_string(ty, id, literal),
                    list(ids)
                );
            }
        }
        if let Some(Value::Object(c)) = st.get("Condition") {
            for (test, kv) in c {
                for (var, values) in kv.as_object().into_iter().flatten() {
                    let _ = writeln!(
                        out,
                        "    condition {{\n      test     = {}\n      variable = {}\n      values   = {}\n    }}",
                        hcl_string(test, id, literal),
                        hcl_string(var, id, literal),
                        list(values)
                    );
                }
            }
        }
        out.push_str("  }\n");
    }
    out.push_str("}\n\n");
    out
}

fn hcl_value(v: &Tv, id: &str, data: &mut String) -> String {
    match v {
        Tv::Lit(s) => hcl_string(s, id, true),
        Tv::Num(n) => n.to_string(),
        Tv::Bool(b) => b.to_string(),
        Tv::Ref { expr, .. } => expr.clone(),
        Tv::Acct(s) => {
            hcl_string(s, id, false).replace(PARTITION, &format!("${{{PARTITION_REF}}}"))
        }
        Tv::Map(entries) => {
            let v: Vec<String> = entries
                .iter()
                .map(|(k, x)| {
                    format!(
                        "    {} = {}",
                        hcl_string(k, id, true),
                        hcl_value(x, id, data)
                    )
                })
                .collect();
            format!("{{\n{}\n  }}", v.join("\n"))
        }
        Tv::List(items) => {
            let v: Vec<String> = items.iter().map(|x| hcl_value(x, id, data)).collect();
            format!("[{}]", v.join(", "))
        }
        Tv::Doc {
            doc,
            style,
            literal,
            services,
        } => {
            let marked;
            let doc = if *services {
                marked = mark_services(doc);
                &marked
            } else {
                doc
            };
            match style {
                Style::JsonEncode => {
                    let mut out = "jsonencode(".to_owned();
                    hcl_json(doc, id, *literal, 2, &mut out);
                    out.push(')');
                    out
                }
                Style::Heredoc { indented } => {
                    let text = serde_json::to_string_pretty(doc).unwrap_or_default();
                    let joint = if *literal {
                        id.to_owned()
                    } else {
                        format!("${{{CALLER}}}")
                    };
                    let body: Vec<String> = text
                        .split(ACCOUNT)
                        .map(|p| p.replace("${", "$${").replace("%{", "%%{"))
                        .collect();
                    let body = unmark(body.join(&joint));
                    if *indented {
                        let ind: Vec<String> = body.lines().map(|l| format!("    {l}")).collect();
                        format!("<<-EOT\n{}\n  EOT", ind.join("\n"))
                    } else {
                        // Flush text in an indented heredoc: Terraform strips nothing.
                        format!("<<-EOT\n{body}\n  EOT")
                    }
                }
                Style::Data(name) => {
                    data.push_str(&policy_document_blocks(name, doc, id, *literal));
                    format!("data.aws_iam_policy_document.{name}.json")
                }
            }
        }
    }
}

/// The configuration as `.tf` files: (file name, text), sorted by name.
#[must_use]
pub fn render_tf(a: &Account) -> Vec<(String, String)> {
    render_tf_with(a, &Constructs::default())
}

/// The service principals the account's roles trust, each once.
fn trusted_services(a: &Account) -> Vec<String> {
    let mut v: Vec<String> = (0..a.roles.len())
        .flat_map(|r| services_of(&a.trust_doc(r)))
        .collect();
    v.sort();
    v.dedup();
    v
}

/// [`render_tf`] with the constructs of `extra`.
#[must_use]
pub fn render_tf_with(a: &Account, extra: &Constructs) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = vec![(
        "main.tf".to_owned(),
        "terraform {\n  required_providers {\n    aws = {\n      source  = \"hashicorp/aws\"\n      version = \"~> 5.0\"\n    }\n  }\n}\n\nprovider \"aws\" {\n  region = \"us-east-1\"\n}\n\ndata \"aws_caller_identity\" \"current\" {}\n\ndata \"aws_partition\" \"current\" {}\n".to_owned(),
    )];
    if extra.service_principal_data {
        for s in trusted_services(a) {
            if let Some((local, name)) = service_data(&s) {
                let _ = write!(
                    files[0].1,
                    "\ndata \"aws_service_principal\" \"{local}\" {{\n  service_name = \"{name}\"\n}}\n"
                );
            }
        }
    }
    let (res, calls) = resources(a, extra);
    if !calls.is_empty() {
        files.push((
            "modules/service_role/main.tf".to_owned(),
            MODULE_TF.to_owned(),
        ));
        let mut data = String::new();
        let mut text = String::new();
        for c in &calls {
            let _ = writeln!(
                text,
                "module \"{}\" {{\n  source = \"./modules/service_role\"",
                c.name
            );
            for (k, v) in &c.args {
                let _ = writeln!(text, "  {k} = {}", hcl_value(v, &a.id, &mut data));
            }
            text.push_str("}\n\n");
        }
        files.push(("modules.tf".to_owned(), data + &text));
    }
    for r in res.into_iter().filter(|r| r.module.is_none()) {
        let mut data = String::new();
        let mut text = format!("resource \"{}\" \"{}\" {{\n", r.ty, r.name);
        for (k, v) in &r.attrs {
            let _ = writeln!(text, "  {k} = {}", hcl_value(v, &a.id, &mut data));
        }
        for b in &r.blocks {
            let _ = writeln!(text, "  {} {{", b.name);
            for (k, v) in &b.attrs {
                let _ = writeln!(text, "    {k} = {}", hcl_value(v, &a.id, &mut data));
            }
            text.push_str("  }\n");
        }
        text.push_str("}\n\n");
        let file = match files.iter_mut().find(|(n, _)| n == r.file) {
            Some(f) => f,
            None => {
                files.push((r.file.to_owned(), String::new()));
                let last = files.len() - 1;
                &mut files[last]
            }
        };
        file.1.push_str(&data);
        file.1.push_str(&text);
    }
    files.sort();
    files
}

// ---------------------------------------------------------------------------------------------
// Plan JSON

/// The value in the plan's `after`, `None` when unknown until apply.
fn plan_value(v: &Tv, id: &str) -> Option<Value> {
    match v {
        Tv::Lit(s) => Some(json!(s)),
        Tv::Num(n) => Some(json!(n)),
        Tv::Bool(b) => Some(json!(b)),
        Tv::Ref { known, .. } => known.as_ref().map(|s| json!(s)),
        Tv::Acct(s) => Some(json!(s.replace(ACCOUNT, id).replace(PARTITION, "aws"))),
        Tv::Map(entries) => Some(Value::Object(
            entries
                .iter()
                .map(|(k, x)| (k.clone(), plan_value(x, id).unwrap_or(Value::Null)))
                .collect(),
        )),
        Tv::List(items) => Some(Value::Array(
            items
                .iter()
                .map(|x| plan_value(x, id).unwrap_or(Value::Null))
                .collect(),
        )),
        Tv::Doc { doc, .. } => Some(json!(super::with_account(doc, id).to_string())),
    }
}

/// The `after_unknown` entry of a value, when it has one.
fn plan_unknown(v: &Tv) -> Option<Value> {
    match v {
        Tv::Ref { known: None, .. } => Some(json!(true)),
        Tv::List(items) if items.iter().any(|x| plan_unknown(x).is_some()) => Some(Value::Array(
            items
                .iter()
                .map(|x| plan_unknown(x).unwrap_or(json!(false)))
                .collect(),
        )),
        _ => None,
    }
}

/// `a.b.c` gives `a.b.c` and `a.b`; `data.a.b.c` gives `data.a.b.c` and `data.a.b`.
fn push_ref(out: &mut Vec<String>, expr: &str) {
    out.push(expr.to_owned());
    let keep = if expr.starts_with("data.") { 3 } else { 2 };
    if expr.split('.').count() > keep {
        out.push(expr.split('.').take(keep).collect::<Vec<_>>().join("."));
    }
}

fn references(v: &Tv, out: &mut Vec<String>) {
    let push = |out: &mut Vec<String>, e: &str| push_ref(out, e);
    match v {
        Tv::Ref { expr, .. } => push(out, expr),
        Tv::List(items) => items.iter().for_each(|x| references(x, out)),
        Tv::Map(entries) => entries.iter().for_each(|(_, x)| references(x, out)),
        Tv::Acct(s) => {
            if s.contains(ACCOUNT) {
                push(out, CALLER);
            }
            if s.contains(PARTITION) {
                push(out, PARTITION_REF);
            }
        }
        Tv::Doc {
            style: Style::Data(name),
            ..
        } => push(out, &format!("data.aws_iam_policy_document.{name}.json")),
        Tv::Doc {
            doc,
            literal: false,
            ..
        } if doc.to_string().contains(ACCOUNT) => push(out, CALLER),
        _ => {}
    }
    if let Tv::Doc {
        doc,
        services: true,
        style: Style::JsonEncode | Style::Heredoc { .. },
        ..
    } = v
    {
        for s in services_of(doc) {
            if let Some((local, _)) = service_data(&s) {
                push(out, &format!("data.aws_service_principal.{local}.name"));
            }
        }
    }
}

/// The configuration representation of an expression.
fn expression(v: &Tv, id: &str) -> Value {
    let mut refs = Vec::new();
    references(v, &mut refs);
    if !refs.is_empty() {
        refs.dedup();
        return json!({ "references": refs });
    }
    match v {
        // `jsonencode(...)` is a function call: Terraform cannot evaluate it without context
        // and writes neither key.
        Tv::Doc {
            style: Style::JsonEncode,
            ..
        } => json!({}),
        Tv::Map(entries)
            if entries.iter().any(|(_, x)| {
                matches!(
                    x,
                    Tv::Doc {
                        style: Style::JsonEncode,
                        ..
                    }
                )
            }) =>
        {
            json!({})
        }
        Tv::Doc { doc, .. } => {
            json!({"constant_value": serde_json::to_string_pretty(&super::with_account(doc, id)).unwrap_or_default()})
        }
        other => json!({ "constant_value": plan_value(other, id) }),
    }
}

fn data_documents(v: &Tv, id: &str, out: &mut Vec<Value>) {
    match v {
        Tv::Doc {
            doc,
            style: Style::Data(name),
            ..
        } => {
            let text = super::with_account(doc, id).to_string();
            out.push(json!({
                "address": format!("data.aws_iam_policy_document.{name}"),
                "mode": "data", "type": "aws_iam_policy_document", "name": name,
                "provider_name": PROVIDER, "schema_version": 0,
                "values": {"id": format!("{}", text.len()), "json": text, "minified_json": text,
                    "override_policy_documents": null, "policy_id": null,
                    "source_policy_documents": null, "version": "2012-10-17"},
                "sensitive_values": {}
            }));
        }
        Tv::List(items) => items.iter().for_each(|x| data_documents(x, id, out)),
        Tv::Map(entries) => entries.iter().for_each(|(_, x)| data_documents(x, id, out)),
        _ => {}
    }
}

/// Whether a resource already exists (the plan shows it `no-op`): about half of them, by a hash
/// of the address.
fn exists(extra: &Constructs, address: &str) -> bool {
    let h = address.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    extra.existing && h % 2 == 0
}

fn lit(r: &Res, key: &str) -> String {
    r.attrs
        .iter()
        .find(|(k, _)| *k == key)
        .and_then(|(_, v)| match v {
            Tv::Lit(s) => Some(s.clone()),
            Tv::Ref { known, .. } => known.clone(),
            _ => None,
        })
        .unwrap_or_default()
}

/// The values an existing resource's computed attributes hold.
fn computed(a: &Account, r: &Res, attr: &str) -> Value {
    let id = &a.id;
    let iam = |kind: &str| {
        format!(
            "arn:aws:iam::{id}:{kind}{}{}",
            lit(r, "path"),
            lit(r, "name")
        )
    };
    let arn = match r.ty {
        "aws_iam_role" => iam("role"),
        "aws_iam_user" => iam("user"),
        "aws_iam_group" => iam("group"),
        "aws_iam_policy" => iam("policy"),
        "aws_iam_instance_profile" => iam("instance-profile"),
        "aws_db_instance" => format!("arn:aws:rds:us-east-1:{id}:db:{}", lit(r, "identifier")),
        _ => String::new(),
    };
    match attr {
        "arn" => json!(arn),
        "id" => match r.ty {
            "aws_iam_role" | "aws_iam_user" | "aws_iam_group" | "aws_iam_instance_profile" => {
                json!(lit(r, "name"))
            }
            "aws_iam_policy" => json!(arn),
            "aws_db_instance" => json!(lit(r, "identifier")),
            _ => json!(format!("{}-20240101000000000000000001", r.name)),
        },
        "unique_id" => json!(format!("AROA{:016X}", arn.len() * 7919)),
        "create_date" => json!("2024-01-01T00:00:00Z"),
        "tags_all" => json!({}),
        "attachment_count" => json!(1),
        "policy_id" => json!(format!("ANPA{:016X}", arn.len() * 104_729)),
        // What AWS holds for the role, whichever resources put it there: both arguments are
        // computed, and a plan shows them for an existing role even when they are not set.
        "managed_policy_arns" | "inline_policy" => {
            let Some(role) = a.roles.iter().find(|x| x.name == lit(r, "name")) else {
                return json!([]);
            };
            if attr == "managed_policy_arns" {
                let mut arns: Vec<String> = role
                    .attached
                    .iter()
                    .map(|p| a.policy_arn(p).replace(ACCOUNT, id))
                    .collect();
                arns.sort();
                json!(arns)
            } else {
                role.inline
                    .iter()
                    .map(|p| json!({"name": p.name, "policy": super::with_account(&p.doc, id).to_string()}))
                    .collect()
            }
        }
        _ => json!(format!("{}.example", r.name)),
    }
}

/// The ARN references of a resource that are unknown until apply, as (scope, expression):
/// `aws_iam_role.this` is the module's own role, the rest are in the root module.
fn unknown_refs(r: &Res) -> Vec<(Option<String>, String)> {
    fn walk(v: &Tv, scope: &Option<String>, out: &mut Vec<(Option<String>, String)>) {
        match v {
            Tv::Ref { expr, known: None } => {
                let scope = if expr.starts_with("aws_iam_role.this.") {
                    scope.clone()
                } else {
                    None
                };
                out.push((scope, expr.clone()));
            }
            Tv::List(items) => items.iter().for_each(|x| walk(x, scope, out)),
            Tv::Map(entries) => entries.iter().for_each(|(_, x)| walk(x, scope, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    r.attrs
        .iter()
        .for_each(|(_, v)| walk(v, &r.module, &mut out));
    out
}

fn arn_key(r: &Res) -> (Option<String>, String) {
    (r.module.clone(), format!("{}.{}.arn", r.ty, r.name))
}

/// The resources that already exist: those [`exists`] picks whose references all point at
/// existing resources (a resource that refers to one still to be created would change too).
fn existing_set(res: &[Res], extra: &Constructs) -> Vec<String> {
    let mut set: Vec<usize> = (0..res.len())
        .filter(|&i| exists(extra, &res[i].address()))
        .collect();
    loop {
        let keys: Vec<(Option<String>, String)> = set.iter().map(|&i| arn_key(&res[i])).collect();
        let before = set.len();
        set.retain(|&i| unknown_refs(&res[i]).iter().all(|k| keys.contains(k)));
        if set.len() == before {
            break;
        }
    }
    set.into_iter().map(|i| res[i].address()).collect()
}

/// Marks references to existing resources known, with their ARN.
fn resolve_existing(a: &Account, res: &mut [Res], existing: &[String]) {
    let known: Vec<((Option<String>, String), String)> = res
        .iter()
        .filter(|r| existing.contains(&r.address()))
        .map(|r| {
            let arn = computed(a, r, "arn")
                .as_str()
                .unwrap_or_default()
                .to_owned();
            (arn_key(r), arn)
        })
        .collect();
    fn fix(v: &mut Tv, scope: &Option<String>, known: &[((Option<String>, String), String)]) {
        match v {
            Tv::Ref {
                expr,
                known: k @ None,
            } => {
                let scope = if expr.starts_with("aws_iam_role.this.") {
                    scope.clone()
                } else {
                    None
                };
                *k = known
                    .iter()
                    .find(|((s, e), _)| *s == scope && e == expr)
                    .map(|(_, arn)| arn.clone());
            }
            Tv::List(items) => items.iter_mut().for_each(|x| fix(x, scope, known)),
            Tv::Map(entries) => entries.iter_mut().for_each(|(_, x)| fix(x, scope, known)),
            _ => {}
        }
    }
    for r in res.iter_mut() {
        let scope = r.module.clone();
        r.attrs.iter_mut().for_each(|(_, v)| fix(v, &scope, &known));
    }
}

/// The plan `terraform show -json` prints for this configuration on an empty state.
#[must_use]
pub fn render_plan(a: &Account) -> String {
    render_plan_with(a, &Constructs::default())
}

/// [`render_plan`] with the constructs of `extra`.
#[must_use]
pub fn render_plan_with(a: &Account, extra: &Constructs) -> String {
    let id = &a.id;
    let mut planned = Vec::new();
    let mut changes = Vec::new();
    let mut config = Vec::new();
    let mut data = vec![json!({
        "address": "data.aws_caller_identity.current", "mode": "data",
        "type": "aws_caller_identity", "name": "current", "provider_name": PROVIDER,
        "schema_version": 0,
        "values": {"account_id": id, "arn": format!("arn:aws:iam::{id}:user/terraform"),
            "id": id, "user_id": "AIDAEXAMPLEEXAMPLE"},
        "sensitive_values": {}
    })];
    data.push(json!({
        "address": "data.aws_partition.current", "mode": "data", "type": "aws_partition",
        "name": "current", "provider_name": PROVIDER, "schema_version": 0,
        "values": {"dns_suffix": "amazonaws.com", "id": "aws", "partition": "aws",
            "reverse_dns_prefix": "com.amazonaws"},
        "sensitive_values": {}
    }));
    config.push(
        json!({"address": "data.aws_partition.current", "mode": "data",
        "type": "aws_partition", "name": "current", "provider_config_key": "aws",
        "schema_version": 0}),
    );
    config.push(
        json!({"address": "data.aws_caller_identity.current", "mode": "data",
        "type": "aws_caller_identity", "name": "current", "provider_config_key": "aws",
        "schema_version": 0}),
    );
    if extra.service_principal_data {
        for s in trusted_services(a) {
            let Some((local, name)) = service_data(&s) else {
                continue;
            };
            let address = format!("data.aws_service_principal.{local}");
            data.push(
                json!({"address": address, "mode": "data", "type": "aws_service_principal",
                "name": local, "provider_name": PROVIDER, "schema_version": 0,
                "values": {"id": s, "name": s, "region": "us-east-1", "service_name": name,
                    "suffix": "amazonaws.com"},
                "sensitive_values": {}}),
            );
            config.push(
                json!({"address": address, "mode": "data", "type": "aws_service_principal",
                "name": local, "provider_config_key": "aws",
                "expressions": {"service_name": {"constant_value": name}}, "schema_version": 0}),
            );
        }
    }
    let (mut res, calls) = resources(a, extra);
    let existing_addresses = existing_set(&res, extra);
    resolve_existing(a, &mut res, &existing_addresses);
    let mut children: Vec<(String, Vec<Value>)> = Vec::new();
    let mut prior_children: Vec<(String, Vec<Value>)> = Vec::new();
    for r in res {
        let mut after = Map::new();
        let mut unknown = Map::new();
        let mut exprs = Map::new();
        for (k, v) in &r.attrs {
            if let Some(x) = plan_value(v, id) {
                after.insert((*k).to_owned(), x);
            }
            if let Some(u) = plan_unknown(v) {
                unknown.insert((*k).to_owned(), u);
            }
            exprs.insert((*k).to_owned(), expression(v, id));
            data_documents(v, id, &mut data);
        }
        let mut block_names: Vec<&str> = r.blocks.iter().map(|b| b.name).collect();
        block_names.dedup();
        for name in block_names {
            let (mut values, mut cfg) = (Vec::new(), Vec::new());
            for b in r.blocks.iter().filter(|b| b.name == name) {
                let mut bv = Map::new();
                let mut bc = Map::new();
                for (k, v) in &b.attrs {
                    bv.insert((*k).to_owned(), plan_value(v, id).unwrap_or(Value::Null));
                    bc.insert((*k).to_owned(), expression(v, id));
                    data_documents(v, id, &mut data);
                }
                values.push(Value::Object(bv));
                cfg.push(Value::Object(bc));
            }
            after.insert(name.to_owned(), Value::Array(values));
            exprs.insert(name.to_owned(), Value::Array(cfg));
        }
        for n in &r.nulls {
            after.insert((*n).to_owned(), Value::Null);
        }
        let address = r.address();
        let existing = existing_addresses.contains(&address);
        for u in &r.unknown {
            if existing {
                after.insert((*u).to_owned(), computed(a, &r, u));
            } else {
                unknown.insert((*u).to_owned(), json!(true));
            }
        }
        let mut value = json!({"address": address, "mode": "managed", "type": r.ty,
            "name": r.name, "provider_name": PROVIDER, "schema_version": 0,
            "values": after, "sensitive_values": {}});
        let mut change = if existing {
            json!({"address": address, "mode": "managed", "type": r.ty,
                "name": r.name, "provider_name": PROVIDER,
                "change": {"actions": ["no-op"], "before": after, "after": after,
                    "after_unknown": {}, "before_sensitive": {}, "after_sensitive": {}}})
        } else {
            json!({"address": address, "mode": "managed", "type": r.ty,
                "name": r.name, "provider_name": PROVIDER,
                "change": {"actions": ["create"], "before": null, "after": after,
                    "after_unknown": unknown, "before_sensitive": false, "after_sensitive": {}}})
        };
        if let Some(i) = &r.index {
            value["index"] = i.clone();
            change["index"] = i.clone();
        }
        if existing {
            match &r.module {
                Some(m) => {
                    let m = format!("module.{m}");
                    match prior_children.iter_mut().find(|(n, _)| *n == m) {
                        Some((_, v)) => v.push(value.clone()),
                        None => prior_children.push((m, vec![value.clone()])),
                    }
                }
                None => data.push(value.clone()),
            }
        }
        match &r.module {
            Some(m) => {
                let m = format!("module.{m}");
                change["module_address"] = json!(m);
                match children.iter_mut().find(|(n, _)| *n == m) {
                    Some((_, v)) => v.push(value),
                    None => children.push((m, vec![value])),
                }
            }
            None => {
                planned.push(value);
                config.push(json!({"address": address, "mode": "managed", "type": r.ty,
                    "name": r.name, "provider_config_key": "aws", "expressions": exprs,
                    "schema_version": 0}));
            }
        }
        changes.push(change);
    }
    let child_modules: Vec<Value> = children
        .into_iter()
        .map(|(address, resources)| json!({"address": address, "resources": resources}))
        .collect();
    let module_calls: Map<String, Value> = calls
        .iter()
        .map(|c| {
            let exprs: Map<String, Value> = c
                .args
                .iter()
                .map(|(k, v)| ((*k).to_owned(), expression(v, id)))
                .collect();
            (
                c.name.clone(),
                json!({"source": "./modules/service_role", "expressions": exprs,
                    "module": module_config()}),
            )
        })
        .collect();
    let mut prior = json!({ "resources": data });
    if !prior_children.is_empty() {
        prior["child_modules"] = prior_children
            .into_iter()
            .map(|(address, resources)| json!({"address": address, "resources": resources}))
            .collect();
    }
    let mut root_values = json!({ "resources": planned });
    if !child_modules.is_empty() {
        root_values["child_modules"] = json!(child_modules);
    }
    let mut root_config = json!({ "resources": config });
    if !module_calls.is_empty() {
        root_config["module_calls"] = Value::Object(module_calls);
    }
    let plan = json!({
        "format_version": "1.2",
        "terraform_version": "1.9.5",
        "planned_values": {"root_module": root_values},
        "resource_changes": changes,
        "prior_state": {"format_version": "1.0", "terraform_version": "1.9.5",
            "values": {"root_module": prior}},
        "configuration": {
            "provider_config": {"aws": {"name": "aws", "full_name": PROVIDER,
                "version_constraint": "~> 5.0",
                "expressions": {"region": {"constant_value": "us-east-1"}}}},
            "root_module": root_config},
        "timestamp": "2026-01-01T00:00:00Z",
        "applyable": true,
        "complete": true,
        "errored": false
    });
    serde_json::to_string_pretty(&plan).unwrap_or_default()
}
