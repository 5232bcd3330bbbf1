//! The Terraform AWS provider's resource attributes that hand a role to a service, in one
//! table read by both front ends (`.tf` folders and plans).
//!
//! Each entry was checked against the provider's resource documentation (argument reference):
//! the attribute takes a role ARN (or, for `aws_lambda_function.role`, `aws_glue_crawler.role`,
//! `aws_codebuild_project.service_role`, `aws_emr_cluster.service_role`/`autoscaling_role`,
//! `aws_batch_compute_environment.service_role`, a role ARN or name), or an instance profile
//! name or ARN (`aws_instance.iam_instance_profile`, `aws_launch_template.iam_instance_profile`,
//! `aws_emr_cluster.ec2_attributes.instance_profile`,
//! `aws_batch_compute_environment.compute_resources.instance_role`,
//! `aws_imagebuilder_infrastructure_configuration.instance_profile_name`). Nested blocks are
//! separated by dots. The service is the principal the role must trust (semantics.md section 3;
//! the CloudFormation table names the same services for the same resources).
//!
//! Not read (FIXME): roles inside JSON-string arguments (`aws_batch_job_definition`
//! `container_properties.jobRoleArn`, `ecs_properties.taskProperties[].taskRoleArn`) and
//! setting lists keyed by name (`aws_elastic_beanstalk_environment` `setting` with
//! `IamInstanceProfile`).

use passgraph_model::RoleUseSpec;

/// Every resource attribute that hands a role to a service, sorted by resource type.
pub const ROLE_USES: &[RoleUseSpec] = &[
    RoleUseSpec::role(
        "aws_amplify_app",
        "iam_service_role_arn",
        "amplify.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_api_gateway_account",
        "cloudwatch_role_arn",
        "apigateway.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_api_gateway_integration",
        "credentials",
        "apigateway.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_apigatewayv2_integration",
        "credentials_arn",
        "apigateway.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_appautoscaling_target",
        "role_arn",
        "application-autoscaling.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_apprunner_service",
        "instance_configuration.instance_role_arn",
        "tasks.apprunner.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_apprunner_service",
        "source_configuration.authentication_configuration.access_role_arn",
        "build.apprunner.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_appstream_fleet",
        "iam_role_arn",
        "appstream.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_appstream_image_builder",
        "iam_role_arn",
        "appstream.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_appsync_datasource",
        "service_role_arn",
        "appsync.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_autoscaling_group",
        "service_linked_role_arn",
        "autoscaling.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_backup_selection",
        "iam_role_arn",
        "backup.amazonaws.com",
    ),
    RoleUseSpec::instance_profile(
        "aws_batch_compute_environment",
        "compute_resources.instance_role",
    ),
    RoleUseSpec::role(
        "aws_batch_compute_environment",
        "compute_resources.spot_iam_fleet_role",
        "spotfleet.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_batch_compute_environment",
        "service_role",
        "batch.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_bedrockagent_agent",
        "agent_resource_role_arn",
        "bedrock.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_cloudformation_stack",
        "iam_role_arn",
        "cloudformation.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_cloudformation_stack_set",
        "administration_role_arn",
        "cloudformation.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_cloudtrail",
        "cloud_watch_logs_role_arn",
        "cloudtrail.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_cloudwatch_event_target",
        "role_arn",
        "events.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_cloudwatch_log_destination",
        "role_arn",
        "logs.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_cloudwatch_log_subscription_filter",
        "role_arn",
        "logs.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_cloudwatch_metric_stream",
        "role_arn",
        "streams.metrics.cloudwatch.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_codebuild_project",
        "service_role",
        "codebuild.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_codedeploy_deployment_group",
        "service_role_arn",
        "codedeploy.amazonaws.com",
    ),
    RoleUseSpec::role("aws_codepipeline", "role_arn", "codepipeline.amazonaws.com"),
    RoleUseSpec::role(
        "aws_cognito_user_pool",
        "sms_configuration.sns_caller_arn",
        "cognito-idp.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_config_configuration_aggregator",
        "organization_aggregation_source.role_arn",
        "config.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_config_configuration_recorder",
        "role_arn",
        "config.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_datasync_location_s3",
        "s3_config.bucket_access_role_arn",
        "datasync.amazonaws.com",
    ),
    RoleUseSpec::role("aws_dax_cluster", "iam_role_arn", "dax.amazonaws.com"),
    RoleUseSpec::role(
        "aws_db_instance",
        "monitoring_role_arn",
        "monitoring.rds.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_db_instance_role_association",
        "role_arn",
        "rds.amazonaws.com",
    ),
    RoleUseSpec::role("aws_db_proxy", "role_arn", "rds.amazonaws.com"),
    RoleUseSpec::role(
        "aws_dlm_lifecycle_policy",
        "execution_role_arn",
        "dlm.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_dms_endpoint",
        "service_access_role_arn",
        "dms.amazonaws.com",
    ),
    RoleUseSpec::role("aws_ecs_service", "iam_role", "ecs.amazonaws.com"),
    RoleUseSpec::role(
        "aws_ecs_task_definition",
        "execution_role_arn",
        "ecs-tasks.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_ecs_task_definition",
        "task_role_arn",
        "ecs-tasks.amazonaws.com",
    ),
    RoleUseSpec::role("aws_eks_cluster", "role_arn", "eks.amazonaws.com"),
    RoleUseSpec::role(
        "aws_eks_fargate_profile",
        "pod_execution_role_arn",
        "eks-fargate-pods.amazonaws.com",
    ),
    RoleUseSpec::role("aws_eks_node_group", "node_role_arn", "ec2.amazonaws.com"),
    RoleUseSpec::role(
        "aws_eks_pod_identity_association",
        "role_arn",
        "pods.eks.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_elasticsearch_domain",
        "cognito_options.role_arn",
        "es.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_emr_cluster",
        "autoscaling_role",
        "application-autoscaling.amazonaws.com",
    ),
    RoleUseSpec::instance_profile("aws_emr_cluster", "ec2_attributes.instance_profile"),
    RoleUseSpec::role(
        "aws_emr_cluster",
        "service_role",
        "elasticmapreduce.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_fis_experiment_template",
        "role_arn",
        "fis.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_flow_log",
        "iam_role_arn",
        "vpc-flow-logs.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_gamelift_build",
        "storage_location.role_arn",
        "gamelift.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_gamelift_fleet",
        "instance_role_arn",
        "gamelift.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_gamelift_script",
        "storage_location.role_arn",
        "gamelift.amazonaws.com",
    ),
    RoleUseSpec::role("aws_glue_crawler", "role", "glue.amazonaws.com"),
    RoleUseSpec::role("aws_glue_dev_endpoint", "role_arn", "glue.amazonaws.com"),
    RoleUseSpec::role("aws_glue_job", "role_arn", "glue.amazonaws.com"),
    RoleUseSpec::instance_profile(
        "aws_imagebuilder_infrastructure_configuration",
        "instance_profile_name",
    ),
    RoleUseSpec::instance_profile("aws_instance", "iam_instance_profile"),
    RoleUseSpec::role(
        "aws_iot_role_alias",
        "role_arn",
        "credentials.iot.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_iot_topic_rule",
        "cloudwatch_logs.role_arn",
        "iot.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_iot_topic_rule",
        "cloudwatch_metric.role_arn",
        "iot.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_iot_topic_rule",
        "dynamodb.role_arn",
        "iot.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_iot_topic_rule",
        "firehose.role_arn",
        "iot.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_iot_topic_rule",
        "kinesis.role_arn",
        "iot.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_iot_topic_rule",
        "republish.role_arn",
        "iot.amazonaws.com",
    ),
    RoleUseSpec::role("aws_iot_topic_rule", "s3.role_arn", "iot.amazonaws.com"),
    RoleUseSpec::role("aws_iot_topic_rule", "sns.role_arn", "iot.amazonaws.com"),
    RoleUseSpec::role("aws_iot_topic_rule", "sqs.role_arn", "iot.amazonaws.com"),
    RoleUseSpec::role(
        "aws_iot_topic_rule",
        "step_functions.role_arn",
        "iot.amazonaws.com",
    ),
    RoleUseSpec::role("aws_kendra_data_source", "role_arn", "kendra.amazonaws.com"),
    RoleUseSpec::role("aws_kendra_index", "role_arn", "kendra.amazonaws.com"),
    RoleUseSpec::role(
        "aws_kinesis_firehose_delivery_stream",
        "elasticsearch_configuration.role_arn",
        "firehose.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_kinesis_firehose_delivery_stream",
        "extended_s3_configuration.role_arn",
        "firehose.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_kinesis_firehose_delivery_stream",
        "http_endpoint_configuration.role_arn",
        "firehose.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_kinesis_firehose_delivery_stream",
        "kinesis_source_configuration.role_arn",
        "firehose.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_kinesis_firehose_delivery_stream",
        "opensearch_configuration.role_arn",
        "firehose.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_kinesis_firehose_delivery_stream",
        "redshift_configuration.role_arn",
        "firehose.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_kinesis_firehose_delivery_stream",
        "s3_configuration.role_arn",
        "firehose.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_kinesisanalyticsv2_application",
        "service_execution_role",
        "kinesisanalytics.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_lakeformation_resource",
        "role_arn",
        "lakeformation.amazonaws.com",
    ),
    RoleUseSpec::role("aws_lambda_function", "role", "lambda.amazonaws.com"),
    RoleUseSpec::instance_profile("aws_launch_configuration", "iam_instance_profile"),
    RoleUseSpec::instance_profile("aws_launch_template", "iam_instance_profile.arn"),
    RoleUseSpec::instance_profile("aws_launch_template", "iam_instance_profile.name"),
    RoleUseSpec::role(
        "aws_mwaa_environment",
        "execution_role_arn",
        "airflow-env.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_opensearch_domain",
        "cognito_options.role_arn",
        "es.amazonaws.com",
    ),
    RoleUseSpec::instance_profile("aws_opsworks_stack", "default_instance_profile_arn"),
    RoleUseSpec::role(
        "aws_opsworks_stack",
        "service_role_arn",
        "opsworks.amazonaws.com",
    ),
    RoleUseSpec::role("aws_pipes_pipe", "role_arn", "pipes.amazonaws.com"),
    RoleUseSpec::role(
        "aws_rds_cluster_instance",
        "monitoring_role_arn",
        "monitoring.rds.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_rds_cluster_role_association",
        "role_arn",
        "rds.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_redshift_cluster",
        "default_iam_role_arn",
        "redshift.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_redshift_cluster",
        "iam_roles",
        "redshift.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_sagemaker_domain",
        "default_user_settings.execution_role",
        "sagemaker.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_sagemaker_model",
        "execution_role_arn",
        "sagemaker.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_sagemaker_notebook_instance",
        "role_arn",
        "sagemaker.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_sagemaker_user_profile",
        "user_settings.execution_role",
        "sagemaker.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_scheduler_schedule",
        "target.role_arn",
        "scheduler.amazonaws.com",
    ),
    RoleUseSpec::role("aws_sfn_state_machine", "role_arn", "states.amazonaws.com"),
    RoleUseSpec::role(
        "aws_sns_topic",
        "application_failure_feedback_role_arn",
        "sns.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_sns_topic",
        "application_success_feedback_role_arn",
        "sns.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_sns_topic",
        "firehose_failure_feedback_role_arn",
        "sns.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_sns_topic",
        "firehose_success_feedback_role_arn",
        "sns.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_sns_topic",
        "http_failure_feedback_role_arn",
        "sns.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_sns_topic",
        "http_success_feedback_role_arn",
        "sns.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_sns_topic",
        "lambda_failure_feedback_role_arn",
        "sns.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_sns_topic",
        "lambda_success_feedback_role_arn",
        "sns.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_sns_topic",
        "sqs_failure_feedback_role_arn",
        "sns.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_sns_topic",
        "sqs_success_feedback_role_arn",
        "sns.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_spot_fleet_request",
        "iam_fleet_role",
        "spotfleet.amazonaws.com",
    ),
    RoleUseSpec::instance_profile(
        "aws_spot_fleet_request",
        "launch_specification.iam_instance_profile",
    ),
    RoleUseSpec::instance_profile(
        "aws_spot_fleet_request",
        "launch_specification.iam_instance_profile_arn",
    ),
    RoleUseSpec::instance_profile("aws_spot_instance_request", "iam_instance_profile"),
    RoleUseSpec::role(
        "aws_ssm_maintenance_window_task",
        "service_role_arn",
        "ssm.amazonaws.com",
    ),
    RoleUseSpec::role(
        "aws_transfer_server",
        "logging_role",
        "transfer.amazonaws.com",
    ),
    RoleUseSpec::role("aws_transfer_user", "role", "transfer.amazonaws.com"),
];

/// The role-use entries of one resource type.
pub fn role_uses_of(resource_type: &str) -> impl Iterator<Item = &'static RoleUseSpec> + '_ {
    ROLE_USES
        .iter()
        .filter(move |s| s.resource_type == resource_type)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_unique() {
        let keys: Vec<(&str, &str)> = ROLE_USES
            .iter()
            .map(|s| (s.resource_type, s.attribute))
            .collect();
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(keys, sorted);
    }

    #[test]
    fn every_service_is_in_the_catalogue() {
        assert_eq!(
            passgraph_model::roleuse::unknown_services(ROLE_USES),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn emr_hands_its_service_role_to_emr() {
        let emr: Vec<_> = role_uses_of("aws_emr_cluster").collect();
        assert!(emr.iter().any(
            |s| s.attribute == "service_role" && s.service == "elasticmapreduce.amazonaws.com"
        ));
    }
}
