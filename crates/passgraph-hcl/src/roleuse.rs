//! The table of resource attributes that hand a role to a service, and how they are read.

use passgraph_model::{Account, Origin, RoleTarget, RoleUse};

use crate::config::BodyRef;
use crate::eval::{Evaluator, Scope};
use crate::extract::{Ctx, collect_strings};
use crate::value::{V, Value};

/// One kind of resource attribute that hands a role to a service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RoleUseSpec {
    /// The Terraform resource type.
    pub resource_type: &'static str,
    /// The attribute, with nested blocks separated by dots (`target.role_arn`).
    pub attribute: &'static str,
    /// The service principal that assumes the role.
    pub service: &'static str,
    /// The value names an instance profile (by name or ARN), not a role.
    pub instance_profile: bool,
}

const fn ru(
    resource_type: &'static str,
    attribute: &'static str,
    service: &'static str,
) -> RoleUseSpec {
    RoleUseSpec {
        resource_type,
        attribute,
        service,
        instance_profile: false,
    }
}

const fn ip(resource_type: &'static str, attribute: &'static str) -> RoleUseSpec {
    RoleUseSpec {
        resource_type,
        attribute,
        service: "ec2.amazonaws.com",
        instance_profile: true,
    }
}

/// Every resource attribute that hands a role to a service, sorted by resource type.
pub const ROLE_USES: &[RoleUseSpec] = &[
    ru(
        "aws_api_gateway_account",
        "cloudwatch_role_arn",
        "apigateway.amazonaws.com",
    ),
    ru(
        "aws_appautoscaling_target",
        "role_arn",
        "application-autoscaling.amazonaws.com",
    ),
    ru(
        "aws_apprunner_service",
        "instance_configuration.instance_role_arn",
        "tasks.apprunner.amazonaws.com",
    ),
    ru(
        "aws_apprunner_service",
        "source_configuration.authentication_configuration.access_role_arn",
        "build.apprunner.amazonaws.com",
    ),
    ru(
        "aws_appsync_datasource",
        "service_role_arn",
        "appsync.amazonaws.com",
    ),
    ru(
        "aws_autoscaling_group",
        "service_linked_role_arn",
        "autoscaling.amazonaws.com",
    ),
    ru(
        "aws_backup_selection",
        "iam_role_arn",
        "backup.amazonaws.com",
    ),
    ip(
        "aws_batch_compute_environment",
        "compute_resources.instance_role",
    ),
    ru(
        "aws_batch_compute_environment",
        "compute_resources.spot_iam_fleet_role",
        "spotfleet.amazonaws.com",
    ),
    ru(
        "aws_batch_compute_environment",
        "service_role",
        "batch.amazonaws.com",
    ),
    ru(
        "aws_batch_job_definition",
        "ecs_properties.task_properties.task_role_arn",
        "ecs-tasks.amazonaws.com",
    ),
    ru(
        "aws_cloudformation_stack",
        "iam_role_arn",
        "cloudformation.amazonaws.com",
    ),
    ru(
        "aws_cloudformation_stack_set",
        "administration_role_arn",
        "cloudformation.amazonaws.com",
    ),
    ru(
        "aws_cloudtrail",
        "cloud_watch_logs_role_arn",
        "cloudtrail.amazonaws.com",
    ),
    ru(
        "aws_cloudwatch_event_target",
        "role_arn",
        "events.amazonaws.com",
    ),
    ru(
        "aws_cloudwatch_log_destination",
        "role_arn",
        "logs.amazonaws.com",
    ),
    ru(
        "aws_cloudwatch_log_subscription_filter",
        "role_arn",
        "logs.amazonaws.com",
    ),
    ru(
        "aws_codebuild_project",
        "service_role",
        "codebuild.amazonaws.com",
    ),
    ru(
        "aws_codedeploy_deployment_group",
        "service_role_arn",
        "codedeploy.amazonaws.com",
    ),
    ru("aws_codepipeline", "role_arn", "codepipeline.amazonaws.com"),
    ru(
        "aws_config_configuration_recorder",
        "role_arn",
        "config.amazonaws.com",
    ),
    ru(
        "aws_datasync_location_s3",
        "s3_config.bucket_access_role_arn",
        "datasync.amazonaws.com",
    ),
    ru("aws_dax_cluster", "iam_role_arn", "dax.amazonaws.com"),
    ru(
        "aws_db_instance",
        "monitoring_role_arn",
        "monitoring.rds.amazonaws.com",
    ),
    ru(
        "aws_dms_endpoint",
        "service_access_role_arn",
        "dms.amazonaws.com",
    ),
    ru(
        "aws_ecs_task_definition",
        "execution_role_arn",
        "ecs-tasks.amazonaws.com",
    ),
    ru(
        "aws_ecs_task_definition",
        "task_role_arn",
        "ecs-tasks.amazonaws.com",
    ),
    ru("aws_eks_cluster", "role_arn", "eks.amazonaws.com"),
    ru(
        "aws_eks_fargate_profile",
        "pod_execution_role_arn",
        "eks-fargate-pods.amazonaws.com",
    ),
    ru("aws_eks_node_group", "node_role_arn", "ec2.amazonaws.com"),
    ru(
        "aws_emr_cluster",
        "autoscaling_role",
        "application-autoscaling.amazonaws.com",
    ),
    ip("aws_emr_cluster", "ec2_attributes.instance_profile"),
    ru(
        "aws_emr_cluster",
        "service_role",
        "elasticmapreduce.amazonaws.com",
    ),
    ru(
        "aws_flow_log",
        "iam_role_arn",
        "vpc-flow-logs.amazonaws.com",
    ),
    ru("aws_glue_crawler", "role", "glue.amazonaws.com"),
    ru("aws_glue_dev_endpoint", "role_arn", "glue.amazonaws.com"),
    ru("aws_glue_job", "role_arn", "glue.amazonaws.com"),
    ip("aws_instance", "iam_instance_profile"),
    ru(
        "aws_iot_role_alias",
        "role_arn",
        "credentials.iot.amazonaws.com",
    ),
    ru(
        "aws_kinesis_firehose_delivery_stream",
        "elasticsearch_configuration.role_arn",
        "firehose.amazonaws.com",
    ),
    ru(
        "aws_kinesis_firehose_delivery_stream",
        "extended_s3_configuration.role_arn",
        "firehose.amazonaws.com",
    ),
    ru(
        "aws_kinesis_firehose_delivery_stream",
        "http_endpoint_configuration.role_arn",
        "firehose.amazonaws.com",
    ),
    ru(
        "aws_kinesis_firehose_delivery_stream",
        "kinesis_source_configuration.role_arn",
        "firehose.amazonaws.com",
    ),
    ru(
        "aws_kinesis_firehose_delivery_stream",
        "opensearch_configuration.role_arn",
        "firehose.amazonaws.com",
    ),
    ru(
        "aws_kinesis_firehose_delivery_stream",
        "redshift_configuration.role_arn",
        "firehose.amazonaws.com",
    ),
    ru(
        "aws_kinesis_firehose_delivery_stream",
        "s3_configuration.role_arn",
        "firehose.amazonaws.com",
    ),
    ru("aws_lambda_function", "role", "lambda.amazonaws.com"),
    ip("aws_launch_configuration", "iam_instance_profile"),
    ip("aws_launch_template", "iam_instance_profile.arn"),
    ip("aws_launch_template", "iam_instance_profile.name"),
    ru("aws_pipes_pipe", "role_arn", "pipes.amazonaws.com"),
    ru(
        "aws_rds_cluster_instance",
        "monitoring_role_arn",
        "monitoring.rds.amazonaws.com",
    ),
    ru(
        "aws_sagemaker_model",
        "execution_role_arn",
        "sagemaker.amazonaws.com",
    ),
    ru(
        "aws_sagemaker_notebook_instance",
        "role_arn",
        "sagemaker.amazonaws.com",
    ),
    ru(
        "aws_scheduler_schedule",
        "target.role_arn",
        "scheduler.amazonaws.com",
    ),
    ru("aws_sfn_state_machine", "role_arn", "states.amazonaws.com"),
    ip("aws_spot_instance_request", "iam_instance_profile"),
    ru(
        "aws_ssm_maintenance_window_task",
        "service_role_arn",
        "ssm.amazonaws.com",
    ),
];

/// The values at a dotted attribute path, through nested blocks (or object attributes).
fn path_values(
    ev: &mut Evaluator<'_>,
    sc: &Scope,
    body: BodyRef<'_>,
    path: &str,
    out: &mut Vec<(Value, Origin, bool)>,
    uncertain: bool,
) {
    match path.split_once('.') {
        None => {
            if let Some((e, r)) = body.attr(path) {
                let v = ev.eval_or_unknown(sc, e, path);
                let o = Origin::new(sc.file, e.range().unwrap_or(r));
                out.push((v, o, uncertain));
            }
        }
        Some((head, rest)) => {
            for b in ev.block_insts(sc, body, head) {
                path_values(ev, &b.sc, b.body, rest, out, uncertain || b.uncertain);
            }
            if let Some((e, r)) = body.attr(head) {
                // Written as an attribute: `iam_instance_profile = { name = ... }`.
                let v = ev.eval_or_unknown(sc, e, head);
                let v = ev.force_deep(v, 0);
                let items = match &v.v {
                    V::List(items) => items.as_ref().clone(),
                    _ => vec![v.clone()],
                };
                let o = Origin::new(sc.file, e.range().unwrap_or(r));
                for it in items {
                    let mut cur = Some(it);
                    for seg in rest.split('.') {
                        cur = cur.and_then(|x| x.get(seg).cloned());
                    }
                    if let Some(x) = cur {
                        out.push((x, o.clone(), uncertain));
                    }
                }
            }
        }
    }
}

pub(crate) fn role_use(ev: &mut Evaluator<'_>, c: &Ctx<'_>, acc: &mut Account, spec: &RoleUseSpec) {
    let mut vals = Vec::new();
    path_values(ev, &c.sc, c.body, spec.attribute, &mut vals, false);
    for (v, o, unc) in vals {
        let v = ev.force_deep(v, 0);
        let mut names = Vec::new();
        collect_strings(ev, c, &v, unc, &mut names, 0);
        for (s, u, _) in names {
            if s.is_empty() {
                continue;
            }
            let target = if spec.instance_profile {
                RoleTarget::InstanceProfile(s)
            } else {
                RoleTarget::Role(s)
            };
            acc.role_uses.push(RoleUse {
                resource: c.addr.to_string(),
                resource_type: c.rtype.to_owned(),
                attribute: spec.attribute.to_owned(),
                service: spec.service.to_owned(),
                target,
                uncertain: c.uncertain || u,
                origin: o.clone().with_address(c.addr.clone()),
            });
        }
    }
}
