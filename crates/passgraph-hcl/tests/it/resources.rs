//! Every IAM resource type and every role-taking resource type, read into the model.

use passgraph_model::{AttachedPolicy, PrincipalTarget, RoleTarget, Str};

use crate::support::{at, load_mem};

const IAM: &str = r#"
provider "aws" { region = "us-east-1" }

resource "aws_iam_user" "alice" {
  name                 = "alice"
  path                 = "/staff/"
  permissions_boundary = aws_iam_policy.boundary.arn
  tags = { team = "ops" }
}

resource "aws_iam_group" "ops" {
  name = "ops"
}

resource "aws_iam_group_membership" "ops" {
  name  = "ops-members"
  group = aws_iam_group.ops.name
  users = [aws_iam_user.alice.name, "bob"]
}

resource "aws_iam_user_group_membership" "alice" {
  user   = aws_iam_user.alice.name
  groups = [aws_iam_group.ops.name, "auditors"]
}

resource "aws_iam_role" "web" {
  name = "web"
  path = "/svc/"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
  inline_policy {
    name = "inline-a"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }]
    })
  }
  inline_policy {}
  managed_policy_arns  = ["arn:aws:iam::aws:policy/ReadOnlyAccess", aws_iam_policy.deploy.arn]
  permissions_boundary = aws_iam_policy.boundary.arn
}

resource "aws_iam_role" "gen" {
  name_prefix        = "gen-"
  assume_role_policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"}}]}"
}

resource "aws_iam_policy" "deploy" {
  name   = "deploy"
  path   = "/"
  policy = data.aws_iam_policy_document.deploy.json
}

resource "aws_iam_policy" "boundary" {
  name   = "boundary"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
}

data "aws_iam_policy_document" "deploy" {
  statement {
    actions   = ["iam:PassRole"]
    resources = [aws_iam_role.web.arn]
  }
}

resource "aws_iam_role_policy" "rp" {
  name   = "rp"
  role   = aws_iam_role.web.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = "*" }] })
}

resource "aws_iam_user_policy" "up" {
  name   = "up"
  user   = aws_iam_user.alice.name
  policy = data.aws_iam_policy_document.deploy.json
}

resource "aws_iam_group_policy" "gp" {
  name   = "gp"
  group  = aws_iam_group.ops.name
  policy = data.aws_iam_policy_document.deploy.json
}

resource "aws_iam_role_policy_attachment" "a1" {
  role       = aws_iam_role.web.name
  policy_arn = aws_iam_policy.deploy.arn
}

resource "aws_iam_user_policy_attachment" "a2" {
  user       = aws_iam_user.alice.name
  policy_arn = aws_iam_policy.deploy.arn
}

resource "aws_iam_group_policy_attachment" "a3" {
  group      = aws_iam_group.ops.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_policy_attachment" "a4" {
  name       = "a4"
  users      = [aws_iam_user.alice.name]
  roles      = [aws_iam_role.web.name]
  groups     = [aws_iam_group.ops.name]
  policy_arn = aws_iam_policy.deploy.arn
}

resource "aws_iam_role_policy_attachments_exclusive" "x1" {
  role_name   = aws_iam_role.web.name
  policy_arns = [aws_iam_policy.deploy.arn]
}

resource "aws_iam_user_policy_attachments_exclusive" "x2" {
  user_name   = aws_iam_user.alice.name
  policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
}

resource "aws_iam_group_policy_attachments_exclusive" "x3" {
  group_name  = aws_iam_group.ops.name
  policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
}

resource "aws_iam_instance_profile" "web" {
  name = "web-profile"
  role = aws_iam_role.web.name
}

data "aws_iam_policy" "ssm" {
  arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_role_policy_attachment" "ssm" {
  role       = aws_iam_role.web.name
  policy_arn = data.aws_iam_policy.ssm.arn
}
"#;

fn s(x: &str) -> Str {
    Str::lit(x)
}

#[test]
fn iam_resources() {
    let (p, src) = load_mem(&[("main.tf", IAM)]);
    assert!(p.diagnostics.is_empty(), "{:#?}", p.diagnostics);
    let acc = &p.account;

    let alice = &acc.users[0];
    assert_eq!(alice.name, s("alice"));
    assert_eq!(
        alice.arn.to_string(),
        "arn:aws:iam::${aws:account}:user/staff/alice"
    );
    assert_eq!(
        alice
            .boundary
            .as_ref()
            .map(|b| b.arn.to_string())
            .as_deref(),
        Some("arn:aws:iam::${aws:account}:policy/boundary")
    );
    assert_eq!(alice.tags.len(), 1);
    assert_eq!(at(&src.map, &alice.origin), "main.tf:4:1");
    assert_eq!(alice.origin.address.as_deref(), Some("aws_iam_user.alice"));

    assert_eq!(acc.groups.len(), 1);
    assert_eq!(
        acc.groups[0].arn.to_string(),
        "arn:aws:iam::${aws:account}:group/ops"
    );

    let m: Vec<(String, String)> = acc
        .memberships
        .iter()
        .map(|m| (m.user.to_string(), m.group.to_string()))
        .collect();
    assert_eq!(
        m,
        [
            ("alice", "ops"),
            ("bob", "ops"),
            ("alice", "ops"),
            ("alice", "auditors")
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );

    let web = acc.roles.iter().find(|r| r.name == s("web")).unwrap();
    assert_eq!(
        web.arn.to_string(),
        "arn:aws:iam::${aws:account}:role/svc/web"
    );
    assert_eq!(web.trust.statements.len(), 1);
    assert_eq!(
        at(&src.map, &web.trust.statements[0].origin),
        "main.tf:31:18"
    );
    assert_eq!(
        web.inline.len(),
        1,
        "an empty inline_policy block is no policy"
    );
    assert_eq!(web.inline[0].name, s("inline-a"));
    let attached: Vec<String> = web.attached.iter().map(|a| a.arn.to_string()).collect();
    assert_eq!(
        attached,
        [
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            "arn:aws:iam::${aws:account}:policy/deploy"
        ]
    );
    assert!(web.boundary.is_some());

    let generated = acc.roles.iter().find(|r| r.name != s("web")).unwrap();
    assert_eq!(generated.name.to_string(), "gen-${aws_iam_role.gen.name}");
    assert_eq!(
        generated.arn.to_string(),
        "arn:aws:iam::${aws:account}:role/gen-${aws_iam_role.gen.name}"
    );
    assert_eq!(generated.trust.statements.len(), 1);

    let deploy = acc.policies.iter().find(|x| x.name == s("deploy")).unwrap();
    let st = &deploy.document.statements[0];
    assert_eq!(
        format!("{:?}", st.resources),
        "Resource([Str { parts: [Lit(\"arn:aws:iam::\"), Hole(\"aws:account\"), Lit(\":role/svc/web\")] }])"
    );
    assert_eq!(at(&src.map, &st.origin), "main.tf:66:3");
    assert_eq!(st.origin.address.as_deref(), Some("aws_iam_policy.deploy"));

    let targets: Vec<String> = acc
        .attachments
        .iter()
        .map(|a| {
            let t = match &a.target {
                PrincipalTarget::User(x) => format!("user:{x}"),
                PrincipalTarget::Group(x) => format!("group:{x}"),
                PrincipalTarget::Role(x) => format!("role:{x}"),
            };
            let what = match &a.policy {
                AttachedPolicy::Managed(r) => r
                    .arn
                    .to_string()
                    .rsplit('/')
                    .next()
                    .unwrap_or("")
                    .to_owned(),
                AttachedPolicy::Inline(i) => format!("inline:{}", i.name),
                AttachedPolicy::Boundary(r) => format!("boundary:{}", r.arn),
            };
            format!("{t} {what}")
        })
        .collect();
    assert_eq!(
        targets,
        [
            "role:web inline:rp",
            "user:alice inline:up",
            "group:ops inline:gp",
            "role:web deploy",
            "user:alice deploy",
            "group:ops AdministratorAccess",
            "user:alice deploy",
            "role:web deploy",
            "group:ops deploy",
            "role:web deploy",
            "user:alice ReadOnlyAccess",
            "group:ops ReadOnlyAccess",
            "role:web AmazonSSMManagedInstanceCore",
        ]
    );

    assert_eq!(acc.instance_profiles.len(), 1);
    assert_eq!(
        acc.instance_profiles[0].arn.to_string(),
        "arn:aws:iam::${aws:account}:instance-profile/web-profile"
    );
    assert_eq!(acc.instance_profiles[0].roles, vec![s("web")]);
}

#[test]
fn account_id_option_makes_arns_known() {
    let mut src = crate::support::MemSource::new(&[("main.tf", IAM)]);
    let opts = passgraph_hcl::Options {
        account_id: Some("123456789012".into()),
        ..Default::default()
    };
    let p = passgraph_hcl::load(std::path::Path::new("/m"), &mut src, &opts);
    assert_eq!(p.account.account_id.as_deref(), Some("123456789012"));
    assert_eq!(
        p.account.users[0].arn.as_known(),
        Some("arn:aws:iam::123456789012:user/staff/alice")
    );
}

const USES: &str = r#"
resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = "{}"
}
resource "aws_iam_instance_profile" "ip" {
  name = "ip"
  role = aws_iam_role.r.name
}
resource "aws_instance" "i" { iam_instance_profile = aws_iam_instance_profile.ip.name }
resource "aws_launch_template" "lt" {
  iam_instance_profile { name = aws_iam_instance_profile.ip.name }
}
resource "aws_launch_template" "lt2" {
  iam_instance_profile { arn = aws_iam_instance_profile.ip.arn }
}
resource "aws_launch_configuration" "lc" { iam_instance_profile = aws_iam_instance_profile.ip.name }
resource "aws_db_instance" "db" {
  monitoring_interval = 60
  monitoring_role_arn = aws_iam_role.r.arn
}
resource "aws_lambda_function" "f" { role = aws_iam_role.r.arn }
resource "aws_ecs_task_definition" "t" {
  task_role_arn      = aws_iam_role.r.arn
  execution_role_arn = aws_iam_role.r.arn
}
resource "aws_glue_job" "g" { role_arn = aws_iam_role.r.arn }
resource "aws_glue_crawler" "c" { role = aws_iam_role.r.arn }
resource "aws_sagemaker_notebook_instance" "n" { role_arn = aws_iam_role.r.arn }
resource "aws_codebuild_project" "cb" { service_role = aws_iam_role.r.arn }
resource "aws_cloudformation_stack" "cf" { iam_role_arn = aws_iam_role.r.arn }
resource "aws_sfn_state_machine" "sfn" { role_arn = aws_iam_role.r.arn }
resource "aws_cloudwatch_event_target" "et" { role_arn = aws_iam_role.r.arn }
resource "aws_emr_cluster" "emr" {
  service_role = aws_iam_role.r.arn
  ec2_attributes { instance_profile = aws_iam_instance_profile.ip.arn }
}
resource "aws_batch_compute_environment" "b" {
  service_role = aws_iam_role.r.arn
  compute_resources { instance_role = aws_iam_instance_profile.ip.arn }
}
resource "aws_codepipeline" "cp" { role_arn = aws_iam_role.r.arn }
resource "aws_eks_cluster" "eks" { role_arn = aws_iam_role.r.arn }
resource "aws_eks_node_group" "ng" { node_role_arn = aws_iam_role.r.arn }
resource "aws_datasync_location_s3" "ds" {
  s3_config { bucket_access_role_arn = aws_iam_role.r.arn }
}
resource "aws_kinesis_firehose_delivery_stream" "fh" {
  extended_s3_configuration { role_arn = aws_iam_role.r.arn }
}
resource "aws_config_configuration_recorder" "cr" { role_arn = aws_iam_role.r.arn }
resource "aws_scheduler_schedule" "s" {
  target { role_arn = aws_iam_role.r.arn }
}
resource "aws_pipes_pipe" "p" { role_arn = aws_iam_role.r.arn }
resource "aws_api_gateway_account" "api" { cloudwatch_role_arn = aws_iam_role.r.arn }
resource "aws_lambda_function" "dyn" {
  for_each = { a = aws_iam_role.r.arn }
  role     = each.value
}
"#;

#[test]
fn role_taking_resources() {
    let (p, src) = load_mem(&[("main.tf", USES)]);
    let uses: Vec<String> = p
        .account
        .role_uses
        .iter()
        .map(|u| {
            let t = match &u.target {
                RoleTarget::Role(x) => format!("role {x}"),
                RoleTarget::InstanceProfile(x) => format!("profile {x}"),
            };
            format!("{} {} {} {t}", u.resource, u.attribute, u.service)
        })
        .collect();
    let role = "role arn:${aws:partition}:iam::${aws:account}:role/r";
    let expect = [
        "aws_instance.i iam_instance_profile ec2.amazonaws.com profile ip".to_owned(),
        "aws_launch_template.lt iam_instance_profile.name ec2.amazonaws.com profile ip".to_owned(),
        "aws_launch_template.lt2 iam_instance_profile.arn ec2.amazonaws.com profile arn:${aws:partition}:iam::${aws:account}:instance-profile/ip".to_owned(),
        "aws_launch_configuration.lc iam_instance_profile ec2.amazonaws.com profile ip".to_owned(),
        format!("aws_db_instance.db monitoring_role_arn monitoring.rds.amazonaws.com {role}"),
        format!("aws_lambda_function.f role lambda.amazonaws.com {role}"),
        format!("aws_ecs_task_definition.t execution_role_arn ecs-tasks.amazonaws.com {role}"),
        format!("aws_ecs_task_definition.t task_role_arn ecs-tasks.amazonaws.com {role}"),
        format!("aws_glue_job.g role_arn glue.amazonaws.com {role}"),
        format!("aws_glue_crawler.c role glue.amazonaws.com {role}"),
        format!("aws_sagemaker_notebook_instance.n role_arn sagemaker.amazonaws.com {role}"),
        format!("aws_codebuild_project.cb service_role codebuild.amazonaws.com {role}"),
        format!("aws_cloudformation_stack.cf iam_role_arn cloudformation.amazonaws.com {role}"),
        format!("aws_sfn_state_machine.sfn role_arn states.amazonaws.com {role}"),
        format!("aws_cloudwatch_event_target.et role_arn events.amazonaws.com {role}"),
        "aws_emr_cluster.emr ec2_attributes.instance_profile ec2.amazonaws.com profile arn:${aws:partition}:iam::${aws:account}:instance-profile/ip".to_owned(),
        format!("aws_emr_cluster.emr service_role elasticmapreduce.amazonaws.com {role}"),
        "aws_batch_compute_environment.b compute_resources.instance_role ec2.amazonaws.com profile arn:${aws:partition}:iam::${aws:account}:instance-profile/ip".to_owned(),
        format!("aws_batch_compute_environment.b service_role batch.amazonaws.com {role}"),
        format!("aws_codepipeline.cp role_arn codepipeline.amazonaws.com {role}"),
        format!("aws_eks_cluster.eks role_arn eks.amazonaws.com {role}"),
        format!("aws_eks_node_group.ng node_role_arn ec2.amazonaws.com {role}"),
        format!("aws_datasync_location_s3.ds s3_config.bucket_access_role_arn datasync.amazonaws.com {role}"),
        format!("aws_kinesis_firehose_delivery_stream.fh extended_s3_configuration.role_arn firehose.amazonaws.com {role}"),
        format!("aws_config_configuration_recorder.cr role_arn config.amazonaws.com {role}"),
        format!("aws_scheduler_schedule.s target.role_arn scheduler.amazonaws.com {role}"),
        format!("aws_pipes_pipe.p role_arn pipes.amazonaws.com {role}"),
        format!("aws_api_gateway_account.api cloudwatch_role_arn apigateway.amazonaws.com {role}"),
        format!("aws_lambda_function.dyn[\"a\"] role lambda.amazonaws.com {role}"),
    ];
    assert_eq!(uses, expect);
    let lambda = p
        .account
        .role_uses
        .iter()
        .find(|u| u.resource == "aws_lambda_function.f")
        .unwrap();
    assert_eq!(at(&src.map, &lambda.origin), "main.tf:22:45");
}

#[test]
fn role_use_table_is_sorted_and_unique() {
    let t = passgraph_hcl::ROLE_USES;
    for w in t.windows(2) {
        assert!(
            (w[0].resource_type, w[0].attribute) < (w[1].resource_type, w[1].attribute),
            "{w:?}"
        );
    }
}
