//! One Terraform AWS provider below both Terraform readers (`passgraph-terraform`): the same
//! configuration read from a `.tf` folder and from a plan (in the shape `terraform show -json`
//! writes) means the same account and gives the same findings. Cases from the provider
//! documentation (`aws_iam_policy_document`, `aws_iam_role`, `aws_emr_cluster`,
//! `aws_service_principal`) and the AWS documentation (partitions, policy variables).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use passgraph_model::{FileId, Parsed, RoleTarget, SourceMap, Tri};

const ACCOUNT: &str = "123456789012";

/// `.tf` files held in memory under `/m`.
struct Mem {
    files: BTreeMap<PathBuf, String>,
    map: SourceMap,
}

impl passgraph_hcl::FileSource for Mem {
    fn list_dir(&mut self, dir: &Path) -> Vec<PathBuf> {
        self.files
            .keys()
            .filter(|p| p.parent() == Some(dir))
            .cloned()
            .collect()
    }

    fn read(&mut self, path: &Path) -> Option<(FileId, Arc<str>)> {
        let text: Arc<str> = Arc::from(self.files.get(path)?.as_str());
        let id = self
            .map
            .add(path.to_string_lossy().into_owned(), text.clone());
        Some((id, text))
    }
}

fn tf_with(main: &str, options: &passgraph_hcl::Options) -> Parsed {
    let mut src = Mem {
        files: BTreeMap::from([(PathBuf::from("/m/main.tf"), main.to_owned())]),
        map: SourceMap::default(),
    };
    passgraph_hcl::load(Path::new("/m"), &mut src, options)
}

/// A `.tf` folder read as `--account-id 123456789012` reads it, with the partition derived from
/// the provider's region when `partition` is `None`.
fn tf_in(main: &str, partition: Option<&str>) -> Parsed {
    tf_with(
        main,
        &passgraph_hcl::Options {
            account_id: Some(ACCOUNT.into()),
            partition: partition.map(str::to_owned),
            ..passgraph_hcl::Options::default()
        },
    )
}

fn tf(main: &str) -> Parsed {
    tf_in(main, Some("aws"))
}

fn plan_in(text: &str, partition: Option<&str>) -> Parsed {
    let options = passgraph_tfplan::Options {
        account_id: Some(ACCOUNT.into()),
        partition: partition.map(str::to_owned),
    };
    passgraph_tfplan::parse(FileId(0), text, &options)
}

fn plan(text: &str) -> Parsed {
    plan_in(text, Some("aws"))
}

/// `kind name -> role service certainty`, as the CLI computes them (built-in managed policies
/// added).
fn findings(p: &Parsed) -> Vec<String> {
    let mut account = p.account.clone();
    let mut sm = SourceMap::default();
    passgraph_eval::managed::add_builtins(&mut account, &mut |p, t| sm.add(p, t));
    let a = passgraph_graph::analyze(&account, &passgraph_graph::Options::default());
    a.findings
        .iter()
        .map(|f| {
            let c = if f.certainty == Tri::Yes {
                "definite"
            } else {
                "possible"
            };
            let pr = &a.principals[f.principal];
            format!(
                "{} {} -> {} {} {c}",
                pr.kind.as_str(),
                pr.name,
                a.principals[f.role].name,
                f.service
            )
        })
        .collect()
}

fn codes(p: &Parsed) -> Vec<String> {
    p.diagnostics
        .iter()
        .map(|d| format!("{:?} {}", d.code, d.message))
        .collect()
}

/// A plan of `resources`: `(address, type, after, after_unknown, expressions)`; data sources
/// (`data.` addresses) are read during apply. The configuration repeats each resource with
/// its expressions.
fn plan_json(resources: &[(&str, &str, &str, &str, &str)], prior: &str) -> String {
    let mut changes = Vec::new();
    let mut config = Vec::new();
    for (address, ty, after, unknown, expressions) in resources {
        let data = address.starts_with("data.");
        let name = address
            .rsplit('.')
            .next()
            .unwrap_or_default()
            .split('[')
            .next()
            .unwrap_or_default();
        let (mode, action) = if data {
            ("data", "read")
        } else {
            ("managed", "create")
        };
        changes.push(format!(
            r#"{{"address": "{address}", "mode": "{mode}", "type": "{ty}", "name": "{name}",
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "change": {{"actions": ["{action}"], "before": null, "after": {after},
                            "after_unknown": {unknown}, "before_sensitive": false, "after_sensitive": {{}}}}}}"#
        ));
        config.push(format!(
            r#"{{"address": "{address}", "mode": "{mode}", "type": "{ty}", "name": "{name}",
                "provider_config_key": "aws", "expressions": {expressions}, "schema_version": 0}}"#
        ));
    }
    format!(
        r#"{{"format_version": "1.2", "terraform_version": "1.9.8",
            "resource_changes": [{}],
            {prior}
            "configuration": {{"provider_config": {{"aws": {{"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws"}}}},
                               "root_module": {{"resources": [{}]}}}}}}"#,
        changes.join(","),
        config.join(",")
    )
}

const EC2_TRUST: &str = r#"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"#;

/// Provider docs, `aws_iam_policy_document`: "`&{aws:username}` ... interpolation syntax
/// `${...}` cannot be used ... use `&{...}`", rendered as `${aws:username}`. A user may pass the
/// role named after itself: the same finding from the `.tf` folder and from the plan, where
/// the data source is read during apply and the plan reader renders it.
#[test]
fn policy_variables_render_the_same_from_tf_and_from_a_plan() {
    let main = r#"
data "aws_iam_policy_document" "self" {
  statement {
    actions   = ["iam:PassRole"]
    resources = ["arn:aws:iam::123456789012:role/&{aws:username}"]
  }
}
resource "aws_iam_user" "alice" {
  name = "alice"
}
resource "aws_iam_user_policy" "self" {
  name   = "self"
  user   = aws_iam_user.alice.name
  policy = data.aws_iam_policy_document.self.json
}
resource "aws_iam_role" "alice" {
  name = "alice"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}
"#;
    let from_tf = tf(main);
    assert!(from_tf.diagnostics.is_empty(), "{:?}", from_tf.diagnostics);
    let text = plan_json(
        &[
            (
                "data.aws_iam_policy_document.self",
                "aws_iam_policy_document",
                r#"{"statement": [{"actions": ["iam:PassRole"], "condition": [], "effect": null, "not_actions": null,
                    "not_principals": [], "not_resources": null, "principals": [],
                    "resources": ["arn:aws:iam::123456789012:role/&{aws:username}"], "sid": null}],
                    "version": null, "policy_id": null, "source_policy_documents": null, "override_policy_documents": null}"#,
                r#"{"id": true, "json": true, "minified_json": true, "statement": [{"actions": [false], "condition": [], "not_principals": [], "principals": [], "resources": [false]}]}"#,
                r#"{"statement": [{"actions": {"constant_value": ["iam:PassRole"]}, "resources": {"constant_value": ["arn:aws:iam::123456789012:role/&{aws:username}"]}}]}"#,
            ),
            (
                "aws_iam_user.alice",
                "aws_iam_user",
                r#"{"name": "alice", "path": "/", "permissions_boundary": null, "tags": null}"#,
                r#"{"arn": true, "id": true, "unique_id": true}"#,
                r#"{"name": {"constant_value": "alice"}}"#,
            ),
            (
                "aws_iam_user_policy.self",
                "aws_iam_user_policy",
                r#"{"name": "self", "user": "alice"}"#,
                r#"{"id": true, "policy": true}"#,
                r#"{"name": {"constant_value": "self"}, "user": {"references": ["aws_iam_user.alice.name", "aws_iam_user.alice"]},
                    "policy": {"references": ["data.aws_iam_policy_document.self.json", "data.aws_iam_policy_document.self"]}}"#,
            ),
            (
                "aws_iam_role.alice",
                "aws_iam_role",
                &format!(
                    r#"{{"name": "alice", "path": "/", "assume_role_policy": "{EC2_TRUST}", "permissions_boundary": null}}"#
                ),
                r#"{"arn": true, "id": true, "unique_id": true, "inline_policy": true, "managed_policy_arns": true}"#,
                r#"{"name": {"constant_value": "alice"}, "assume_role_policy": {}}"#,
            ),
        ],
        "",
    );
    let from_plan = plan(&text);
    assert!(
        from_plan.diagnostics.is_empty(),
        "{:?}",
        from_plan.diagnostics
    );
    let expect = ["user alice -> alice ec2.amazonaws.com definite"];
    assert_eq!(findings(&from_tf), expect);
    assert_eq!(findings(&from_plan), expect);
    // Version 2008-10-17 knows no policy variables: `&{` stays as written and matches nothing.
    let old = main.replace("statement {", "version = \"2008-10-17\"\n  statement {");
    assert_eq!(findings(&tf(&old)), Vec::<String>::new());
}

/// Provider docs, `aws_emr_cluster`: `service_role` is the "IAM role that will be assumed by
/// the Amazon EMR service", `ec2_attributes.instance_profile` the "Instance Profile for EC2
/// instances of the cluster". Both front ends read them (the plan reader used to miss them).
#[test]
fn emr_roles_are_role_uses_from_tf_and_from_a_plan() {
    let main = r#"
resource "aws_emr_cluster" "c" {
  name          = "c"
  release_label = "emr-7.0.0"
  service_role  = "arn:aws:iam::123456789012:role/emr-service"
  ec2_attributes {
    subnet_id        = "subnet-1"
    instance_profile = "emr-profile"
  }
}
"#;
    let text = plan_json(
        &[(
            "aws_emr_cluster.c",
            "aws_emr_cluster",
            r#"{"name": "c", "release_label": "emr-7.0.0", "service_role": "arn:aws:iam::123456789012:role/emr-service",
                "autoscaling_role": null,
                "ec2_attributes": [{"subnet_id": "subnet-1", "instance_profile": "emr-profile"}]}"#,
            r#"{"id": true, "arn": true, "ec2_attributes": [{}]}"#,
            r#"{"name": {"constant_value": "c"}, "release_label": {"constant_value": "emr-7.0.0"},
                "service_role": {"constant_value": "arn:aws:iam::123456789012:role/emr-service"},
                "ec2_attributes": [{"subnet_id": {"constant_value": "subnet-1"}, "instance_profile": {"constant_value": "emr-profile"}}]}"#,
        )],
        "",
    );
    for p in [tf(main), plan(&text)] {
        let uses: Vec<(String, String, RoleTarget)> = p
            .account
            .role_uses
            .iter()
            .map(|u| (u.attribute.clone(), u.service.clone(), u.target.clone()))
            .collect();
        assert_eq!(
            uses,
            [
                (
                    "ec2_attributes.instance_profile".to_owned(),
                    "ec2.amazonaws.com".to_owned(),
                    RoleTarget::InstanceProfile("emr-profile".into())
                ),
                (
                    "service_role".to_owned(),
                    "elasticmapreduce.amazonaws.com".to_owned(),
                    RoleTarget::Role("arn:aws:iam::123456789012:role/emr-service".into())
                ),
            ]
        );
    }
}

/// IAM ARNs name their partition: `aws-iso-f` for `us-isof-*` regions, `aws-iso-e` for
/// `eu-isoe-*` ones (the two readers used to disagree), the same from `.tf` and from a plan.
#[test]
fn partitions_of_regions_are_the_same_from_tf_and_from_a_plan() {
    for (region, partition) in [
        ("us-east-1", "aws"),
        ("cn-north-1", "aws-cn"),
        ("us-gov-west-1", "aws-us-gov"),
        ("us-iso-east-1", "aws-iso"),
        ("us-isob-east-1", "aws-iso-b"),
        ("eu-isoe-west-1", "aws-iso-e"),
        ("us-isof-south-1", "aws-iso-f"),
    ] {
        let main = format!(
            "provider \"aws\" {{\n  region = \"{region}\"\n}}\nresource \"aws_iam_user\" \"u\" {{\n  name = \"u\"\n}}\n"
        );
        let from_tf = tf_in(&main, None);
        let text = format!(
            r#"{{"format_version": "1.2",
                "resource_changes": [{{"address": "aws_iam_user.u", "mode": "managed", "type": "aws_iam_user", "name": "u",
                  "change": {{"actions": ["create"], "after": {{"name": "u", "path": "/"}}, "after_unknown": {{"arn": true}}}}}}],
                "configuration": {{"provider_config": {{"aws": {{"name": "aws", "expressions": {{"region": {{"constant_value": "{region}"}}}}}}}}, "root_module": {{}}}}}}"#
        );
        let from_plan = plan_in(&text, None);
        let expect = format!("arn:{partition}:iam::{ACCOUNT}:user/u");
        assert_eq!(from_tf.account.users[0].arn.to_string(), expect, "{region}");
        assert_eq!(
            from_plan.account.users[0].arn.to_string(),
            expect,
            "{region}"
        );
    }
}

/// Provider docs, `aws_iam_role`/`aws_iam_user`: `permissions_boundary` is optional; `""` and
/// `null` set none, so a grant stays definite (it used to become an unknown boundary with a
/// blank name, and the finding possible).
#[test]
fn an_empty_or_null_permissions_boundary_is_no_boundary() {
    for boundary in ["\"\"", "null"] {
        let main = format!(
            r#"
resource "aws_iam_user" "dev" {{
  name                 = "dev"
  permissions_boundary = {boundary}
}}
resource "aws_iam_user_policy" "pass" {{
  name   = "pass"
  user   = aws_iam_user.dev.name
  policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = "iam:PassRole", Resource = "*" }}] }})
}}
resource "aws_iam_role" "app" {{
  name               = "app"
  permissions_boundary = {boundary}
  assume_role_policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ Service = "ec2.amazonaws.com" }} }}] }})
}}
"#
        );
        let p = tf(&main);
        assert!(p.account.users[0].boundary.is_none(), "{boundary}");
        assert!(p.account.roles[0].boundary.is_none(), "{boundary}");
        assert_eq!(
            findings(&p),
            ["user dev -> app ec2.amazonaws.com definite"],
            "{boundary}"
        );
    }
    let text = plan_json(
        &[(
            "aws_iam_user.dev",
            "aws_iam_user",
            r#"{"name": "dev", "path": "/", "permissions_boundary": ""}"#,
            r#"{"arn": true}"#,
            r#"{"name": {"constant_value": "dev"}, "permissions_boundary": {"constant_value": ""}}"#,
        )],
        "",
    );
    assert!(plan(&text).account.users[0].boundary.is_none());
}

const SERVICE_PRINCIPAL_TF: &str = r#"
data "aws_service_principal" "ec2" {
  count        = 1
  service_name = "ec2"
}
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = [data.aws_service_principal.ec2[0].name]
    }
  }
}
resource "aws_iam_role" "web" {
  name               = "web"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
resource "aws_iam_user" "dev" {
  name = "dev"
}
resource "aws_iam_user_policy" "pass" {
  name   = "pass"
  user   = aws_iam_user.dev.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = aws_iam_role.web.arn }] })
}
"#;

/// Provider docs, `aws_service_principal`: "Service Principal Names should always end in the
/// standard global format: `{servicename}.amazonaws.com`. However, in some AWS partitions, AWS
/// may expect a different format." The trust names `ec2.amazonaws.com` exactly (it used to be
/// the hole `${data.aws_service_principal.ec2[0].name}`, a possible finding).
#[test]
fn aws_service_principal_names_the_service_in_tf() {
    let p = tf(SERVICE_PRINCIPAL_TF);
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    assert_eq!(findings(&p), ["user dev -> web ec2.amazonaws.com definite"]);
    // In China, CloudWatch Logs' principal takes the partition's suffix; EC2's does not.
    let cn = |service: &str| {
        let main = format!(
            "provider \"aws\" {{\n  region = \"cn-north-1\"\n}}\n{}",
            SERVICE_PRINCIPAL_TF.replace("\"ec2\"\n}", &format!("\"{service}\"\n}}"))
        );
        let p = tf_in(&main, None);
        let trust = &p.account.roles[0].trust.statements[0];
        format!("{:?}", trust.principals)
    };
    assert!(
        cn("logs").contains("logs.amazonaws.com.cn"),
        "{}",
        cn("logs")
    );
    assert!(cn("ec2").contains("\"ec2.amazonaws.com\""), "{}", cn("ec2"));
}

/// The same from a plan: the data source read at plan time (its `name` in `prior_state`), and
/// read during apply (its `name` unknown, computed from `service_name` like the provider does).
#[test]
fn aws_service_principal_names_the_service_in_a_plan() {
    let rest = [
        (
            "aws_iam_role.web",
            "aws_iam_role",
            r#"{"name": "web", "path": "/", "permissions_boundary": null}"#,
            r#"{"arn": true, "assume_role_policy": true, "id": true, "inline_policy": true, "managed_policy_arns": true}"#,
            r#"{"name": {"constant_value": "web"},
                "assume_role_policy": {"references": ["data.aws_iam_policy_document.trust.json", "data.aws_iam_policy_document.trust"]}}"#,
        ),
        (
            "aws_iam_user.dev",
            "aws_iam_user",
            r#"{"name": "dev", "path": "/", "permissions_boundary": null}"#,
            r#"{"arn": true}"#,
            r#"{"name": {"constant_value": "dev"}}"#,
        ),
        (
            "aws_iam_user_policy.pass",
            "aws_iam_user_policy",
            r#"{"name": "pass", "user": "dev", "policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\",\"Resource\":\"*\"}]}"}"#,
            r#"{"id": true}"#,
            r#"{"name": {"constant_value": "pass"}, "user": {"references": ["aws_iam_user.dev.name", "aws_iam_user.dev"]}}"#,
        ),
    ];
    let trust_doc = (
        "data.aws_iam_policy_document.trust",
        "aws_iam_policy_document",
        r#"{"statement": [{"actions": ["sts:AssumeRole"], "condition": [], "effect": null, "not_actions": null, "not_principals": [],
            "not_resources": null, "resources": null, "sid": null,
            "principals": [{"type": "Service"}]}], "version": null}"#,
        r#"{"id": true, "json": true, "minified_json": true, "statement": [{"actions": [false], "principals": [{"identifiers": true}]}]}"#,
        r#"{"statement": [{"actions": {"constant_value": ["sts:AssumeRole"]},
            "principals": [{"type": {"constant_value": "Service"},
                            "identifiers": {"references": ["data.aws_service_principal.ec2[0].name", "data.aws_service_principal.ec2[0]", "data.aws_service_principal.ec2"]}}]}]}"#,
    );
    let principal_config = r#"{"service_name": {"constant_value": "ec2"}}"#;
    // Read during apply.
    let mut deferred = vec![
        (
            "data.aws_service_principal.ec2[0]",
            "aws_service_principal",
            r#"{"service_name": "ec2", "region": null}"#,
            r#"{"id": true, "name": true, "suffix": true}"#,
            principal_config,
        ),
        trust_doc,
    ];
    deferred.extend(rest);
    let p = plan(&plan_json(&deferred, ""));
    assert_eq!(
        findings(&p),
        ["user dev -> web ec2.amazonaws.com definite"],
        "{:?}",
        codes(&p)
    );
    // Read at plan time (it shows up only in prior_state): Terraform evaluated the document's
    // identifiers from it, and the document itself is read during apply (`depends_on`).
    let known_doc = (
        "data.aws_iam_policy_document.trust",
        "aws_iam_policy_document",
        r#"{"statement": [{"actions": ["sts:AssumeRole"], "condition": [], "effect": null, "not_actions": null, "not_principals": [],
            "not_resources": null, "resources": null, "sid": null,
            "principals": [{"type": "Service", "identifiers": ["ec2.amazonaws.com"]}]}], "version": null}"#,
        r#"{"id": true, "json": true, "minified_json": true}"#,
        trust_doc.4,
    );
    let mut read = vec![known_doc];
    read.extend(rest);
    let prior = r#""prior_state": {"format_version": "1.0", "terraform_version": "1.9.8", "values": {"root_module": {"resources": [
        {"address": "data.aws_service_principal.ec2[0]", "mode": "data", "type": "aws_service_principal", "name": "ec2", "index": 0,
         "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
         "values": {"id": "ec2.us-east-1.amazonaws.com", "name": "ec2.amazonaws.com", "region": "us-east-1", "service_name": "ec2", "suffix": "amazonaws.com"},
         "sensitive_values": {}}]}}},"#;
    let p = plan(&plan_json(&read, prior));
    assert_eq!(
        findings(&p),
        ["user dev -> web ec2.amazonaws.com definite"],
        "{:?}",
        codes(&p)
    );
    // The same with the China partition: EC2's principal keeps `amazonaws.com`, CloudWatch
    // Logs' takes `amazonaws.com.cn` (provider `servicePrincipalNameForPartition`).
    let mut logs = deferred.clone();
    logs[0].2 = r#"{"service_name": "logs", "region": "cn-north-1"}"#;
    let p = plan_in(&plan_json(&logs, ""), Some("aws-cn"));
    let trust = format!("{:?}", p.account.roles[0].trust.statements[0].principals);
    assert!(trust.contains("\"logs.amazonaws.com.cn\""), "{trust}");
}

/// A policy string that is not JSON: AWS refuses it, so what the policy will hold is not known.
/// Both readers make it an unknown document (possible findings and a diagnostic), never an
/// empty one (no findings: a false negative).
#[test]
fn a_policy_string_that_is_not_json_is_an_unknown_document() {
    let main = format!(
        r#"
resource "aws_iam_user" "dev" {{
  name = "dev"
}}
resource "aws_iam_user_policy" "bad" {{
  name   = "bad"
  user   = aws_iam_user.dev.name
  policy = "{{not json"
}}
resource "aws_iam_role" "app" {{
  name               = "app"
  assume_role_policy = "{EC2_TRUST}"
}}
"#
    );
    let from_tf = tf(&main);
    let text = plan_json(
        &[
            (
                "aws_iam_user.dev",
                "aws_iam_user",
                r#"{"name": "dev", "path": "/"}"#,
                r#"{"arn": true}"#,
                r#"{"name": {"constant_value": "dev"}}"#,
            ),
            (
                "aws_iam_user_policy.bad",
                "aws_iam_user_policy",
                r#"{"name": "bad", "user": "dev", "policy": "{not json"}"#,
                r#"{"id": true}"#,
                r#"{"name": {"constant_value": "bad"}, "policy": {"constant_value": "{not json"}, "user": {"references": ["aws_iam_user.dev.name", "aws_iam_user.dev"]}}"#,
            ),
            (
                "aws_iam_role.app",
                "aws_iam_role",
                &format!(r#"{{"name": "app", "path": "/", "assume_role_policy": "{EC2_TRUST}"}}"#),
                r#"{"arn": true}"#,
                r#"{"name": {"constant_value": "app"}}"#,
            ),
        ],
        "",
    );
    let from_plan = plan(&text);
    for p in [&from_tf, &from_plan] {
        let doc = p
            .account
            .attachments
            .iter()
            .find_map(|a| match &a.policy {
                passgraph_model::AttachedPolicy::Inline(i) => Some(&i.document),
                _ => None,
            })
            .expect("the inline policy");
        assert!(doc.unknown.is_some());
        assert!(!p.diagnostics.is_empty());
        assert_eq!(findings(p), ["user dev -> app ec2.amazonaws.com possible"]);
    }
}

/// Every role-use table (CloudFormation, the Terraform AWS provider) names services the
/// catalogue knows, in the one schema of `passgraph_model::RoleUseSpec`.
#[test]
fn every_role_use_table_names_catalogued_services() {
    let tables: [(&str, &[passgraph_model::RoleUseSpec]); 2] = [
        ("cloudformation", passgraph_cfn::ROLE_USES),
        ("terraform", passgraph_terraform::ROLE_USES),
    ];
    for (name, table) in tables {
        assert!(!table.is_empty(), "{name}");
        assert_eq!(
            passgraph_model::roleuse::unknown_services(table),
            Vec::<&str>::new(),
            "{name}"
        );
        for s in table {
            if s.target == passgraph_model::RoleTargetKind::InstanceProfile {
                assert_eq!(
                    s.service,
                    passgraph_model::service::INSTANCE_PROFILE_SERVICE
                );
            }
        }
    }
}

/// Provider docs, `aws_iam_role`: "`name` - (Optional, Forces new resource) Friendly name of
/// the role. If omitted, Terraform will assign a random, unique name"; `name_prefix` "Creates a
/// unique friendly name beginning with the specified prefix". The random name starts with
/// `terraform-`; both readers keep what is known of the name.
#[test]
fn generated_names_keep_their_known_prefix_from_tf_and_from_a_plan() {
    for (attr, prefix) in [("", "terraform-"), ("name_prefix = \"app-\"", "app-")] {
        let main = format!(
            "resource \"aws_iam_role\" \"r\" {{\n  {attr}\n  assume_role_policy = \"{EC2_TRUST}\"\n}}\n"
        );
        let expressions = if attr.is_empty() {
            r#"{"assume_role_policy": {"constant_value": "{}"}}"#.to_owned()
        } else {
            r#"{"assume_role_policy": {"constant_value": "{}"}, "name_prefix": {"constant_value": "app-"}}"#
                .to_owned()
        };
        let after = if attr.is_empty() {
            format!(r#"{{"path": "/", "assume_role_policy": "{EC2_TRUST}"}}"#)
        } else {
            format!(
                r#"{{"path": "/", "name_prefix": "app-", "assume_role_policy": "{EC2_TRUST}"}}"#
            )
        };
        let text = plan_json(
            &[(
                "aws_iam_role.r",
                "aws_iam_role",
                &after,
                r#"{"arn": true, "id": true, "name": true, "unique_id": true}"#,
                &expressions,
            )],
            "",
        );
        for p in [tf(&main), plan(&text)] {
            let name = &p.account.roles[0].name;
            assert_eq!(name.known_prefix(), prefix, "{name}");
            assert!(!name.is_known(), "{name}");
            assert_eq!(
                p.account.roles[0].arn.known_prefix(),
                format!("arn:aws:iam::{ACCOUNT}:role/{prefix}")
            );
        }
    }
}

/// Provider docs, `aws_db_instance`: `monitoring_role_arn` is the role "that permits RDS to
/// send enhanced monitoring metrics", used when `monitoring_interval` is not 0 (the default).
#[test]
fn rds_monitoring_roles_are_handed_over_only_when_monitoring_is_on() {
    for (interval, uses) in [("0", 0), ("60", 1)] {
        let main = format!(
            "resource \"aws_db_instance\" \"db\" {{\n  monitoring_interval = {interval}\n  monitoring_role_arn = \"arn:aws:iam::123456789012:role/rds-monitoring\"\n}}\n"
        );
        let text = plan_json(
            &[(
                "aws_db_instance.db",
                "aws_db_instance",
                &format!(
                    r#"{{"monitoring_interval": {interval}, "monitoring_role_arn": "arn:aws:iam::123456789012:role/rds-monitoring"}}"#
                ),
                r#"{"arn": true, "id": true}"#,
                &format!(
                    r#"{{"monitoring_interval": {{"constant_value": {interval}}}, "monitoring_role_arn": {{"constant_value": "arn:aws:iam::123456789012:role/rds-monitoring"}}}}"#
                ),
            )],
            "",
        );
        for p in [tf(&main), plan(&text)] {
            assert_eq!(p.account.role_uses.len(), uses, "interval {interval}");
        }
    }
}

/// Without `--partition`, a provider's literal region decides the partition of a `.tf` folder
/// (GovCloud here); `--partition` still overrides it.
#[test]
fn the_providers_region_decides_the_partition_on_the_command_line() {
    let v = crate::json(&[
        "audit",
        "testdata/hcl/govcloud",
        "--account-id",
        "111122223333",
    ]);
    assert_eq!(
        crate::triples(&v),
        ["user/gov-deployer -> gov-app -> ec2.amazonaws.com definite"]
    );
    assert_eq!(
        v["findings"][0]["role"]["arn"],
        "arn:aws-us-gov:iam::111122223333:role/gov-app"
    );
    let v = crate::json(&[
        "audit",
        "testdata/hcl/govcloud",
        "--account-id",
        "111122223333",
        "--partition",
        "aws",
    ]);
    assert!(crate::triples(&v).is_empty(), "{:?}", crate::triples(&v));
}

/// `# passgraph:ignore role=... service=... reason="..."` directly above a user's block accepts
/// its exposure (marked, counted, not failing); one without a reason suppresses nothing and
/// says so at its line.
#[test]
fn inline_suppressions_in_terraform_comments() {
    let args = [
        "audit",
        "testdata/hcl/inline-ignore",
        "--account-id",
        "111122223333",
    ];
    let o = crate::run(&[&args[..], &["-f", "json"]].concat(), None);
    assert_eq!(o.status.code(), Some(1), "intern's exposure still fails");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let marks: Vec<(String, serde_json::Value)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["principal"]["name"].as_str().unwrap_or("?").to_owned(),
                f["suppressed"].clone(),
            )
        })
        .collect();
    assert_eq!(
        marks,
        [
            ("intern".to_owned(), serde_json::Value::Null),
            (
                "release".to_owned(),
                serde_json::json!({"kind": "inline", "reason": "the release pipeline launches the app's instances"})
            )
        ]
    );
    assert_eq!(v["summary"]["suppressed"], 1);
    assert!(
        crate::stderr(&o).contains(
            "testdata/hcl/inline-ignore/main.tf:30:1: suppression without a reason suppresses nothing"
        ),
        "{}",
        crate::stderr(&o)
    );
    // Text hides the accepted one unless asked, principal and all.
    let text = crate::stdout(&crate::run(&args, None));
    assert!(!text.contains("user release"), "{text}");
    assert!(text.contains("user intern"), "{text}");
    let shown = crate::stdout(&crate::run(
        &[&args[..], &["--show-suppressed"]].concat(),
        None,
    ));
    assert!(shown.contains("user release"), "{shown}");
    // Markdown marks the accepted row with its reason.
    let md = crate::stdout(&crate::run(
        &[&args[..], &["-f", "markdown"]].concat(),
        None,
    ));
    assert!(
        md.contains("| user release | app-web | `ec2.amazonaws.com` | definite (accepted, inline: the release pipeline launches the app's instances) |"),
        "{md}"
    );
}

/// A trust that names its service through a value not known offline (the partition's DNS
/// suffix when the provider's region is unknown) makes the request's `iam:PassedToService`
/// unknown too: a grant limited to `ec2.amazonaws.com` may cover it, so the finding is possible,
/// never dropped (the text `ec2.${...}` is no service name to compare). The CLI binds the suffix
/// with the partition (`aws` unless `--partition` says otherwise), and a region written through
/// a local decides both. Found on terraform-aws-modules/terraform-aws-batch's examples
/// (`region = local.region`), whose instance roles went unreported.
#[test]
fn a_service_named_by_an_unknown_suffix_may_be_the_one_a_grant_allows() {
    let main = |provider: &str| {
        format!(
            r#"
{provider}
data "aws_partition" "current" {{}}
data "aws_iam_policy_document" "t" {{
  statement {{
    actions = ["sts:AssumeRole"]
    principals {{
      type        = "Service"
      identifiers = ["ec2.${{data.aws_partition.current.dns_suffix}}"]
    }}
  }}
}}
resource "aws_iam_role" "inst" {{
  name               = "inst"
  assume_role_policy = data.aws_iam_policy_document.t.json
}}
resource "aws_iam_user" "u" {{ name = "u" }}
resource "aws_iam_user_policy" "p" {{
  user   = aws_iam_user.u.name
  name   = "p"
  policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow",
    Action = "iam:PassRole", Resource = "*",
    Condition = {{ StringEquals = {{ "iam:PassedToService" = "ec2.amazonaws.com" }} }} }}] }})
}}
"#
        )
    };
    let unknown_region = main("variable \"region\" {}\nprovider \"aws\" { region = var.region }");
    assert_eq!(
        findings(&tf_in(&unknown_region, None)),
        ["user u -> inst ec2.${aws:dns_suffix} possible"]
    );
    let local_region =
        main("locals { region = \"eu-west-1\" }\nprovider \"aws\" { region = local.region }");
    assert_eq!(
        findings(&tf_in(&local_region, None)),
        ["user u -> inst ec2.amazonaws.com definite"]
    );
    // Through the CLI: the default partition decides the suffix; in China the trust names
    // ec2.amazonaws.com.cn, which the grant does not allow.
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::write(dir.path().join("main.tf"), &unknown_region).expect("write main.tf");
    let folder = dir.path().to_str().expect("UTF-8 path");
    assert_eq!(
        crate::triples(&crate::json(&["audit", folder])),
        ["user/u -> inst -> ec2.amazonaws.com definite"]
    );
    assert!(crate::triples(&crate::json(&["audit", "--partition", "aws-cn", folder])).is_empty());
}

/// CloudFormation's `AWS::URLSuffix` is the partition's DNS suffix, as `aws_partition.dns_suffix`
/// is: the same account written both ways gives the same answers in each partition. (It was
/// `amazonaws.com` whatever `--partition` said: in an ISO partition a grant limited to
/// `ec2.c2s.ic.gov` went unreported.)
#[test]
fn cloudformation_url_suffix_follows_the_partition_as_terraform_does() {
    let template = r#"
Resources:
  Inst:
    Type: AWS::IAM::Role
    Properties:
      RoleName: inst
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: !Sub "ec2.${AWS::URLSuffix}"}
            Action: sts:AssumeRole
  U:
    Type: AWS::IAM::User
    Properties:
      UserName: u
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: iam:PassRole
                Resource: "*"
                Condition: {StringEquals: {"iam:PassedToService": ec2.c2s.ic.gov}}
"#;
    let tf = r#"
data "aws_partition" "current" {}
resource "aws_iam_role" "inst" {
  name = "inst"
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole",
    Principal = { Service = "ec2.${data.aws_partition.current.dns_suffix}" } }] })
}
resource "aws_iam_user" "u" { name = "u" }
resource "aws_iam_user_policy" "p" {
  user   = aws_iam_user.u.name
  name   = "p"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = "*",
    Condition = { StringEquals = { "iam:PassedToService" = "ec2.c2s.ic.gov" } } }] })
}
"#;
    let dir = tempfile::tempdir().expect("temporary folder");
    let cfn = dir.path().join("template.yaml");
    std::fs::write(&cfn, template).expect("write template");
    let folder = dir.path().join("tf");
    std::fs::create_dir(&folder).expect("folder");
    std::fs::write(folder.join("main.tf"), tf).expect("write main.tf");
    for input in [
        cfn.to_str().expect("UTF-8"),
        folder.to_str().expect("UTF-8"),
    ] {
        assert!(
            crate::triples(&crate::json(&["audit", input])).is_empty(),
            "{input}: ec2.amazonaws.com is not ec2.c2s.ic.gov"
        );
        assert_eq!(
            crate::triples(&crate::json(&["audit", "--partition", "aws-iso", input])),
            ["user/u -> inst -> ec2.c2s.ic.gov definite"],
            "{input}"
        );
    }
}
