//! Resources that hand a role to a service, in one table ([`ROLE_USES`]), and the walk that
//! finds the role in a resource's resolved properties.
//!
//! Sources: shared/spec/semantics.md §5.2 (CloudFormation properties) and §3 (services and the
//! principals their roles trust).

use passgraph_model::{Account, Node, NodeKind, Origin, RoleUse, RoleUseSpec, Str};

use crate::resolve::Ctx;
use crate::template::Resource;

const fn role(ty: &'static str, path: &'static str, service: &'static str) -> RoleUseSpec {
    RoleUseSpec::role(ty, path, service)
}

const fn profile(ty: &'static str, path: &'static str) -> RoleUseSpec {
    RoleUseSpec::instance_profile(ty, path)
}

/// Every resource property that hands a role to a service, sorted by type. The `attribute`
/// is a path from `Properties`: `.`-separated keys; `Key[]` walks every item of a list,
/// `Key[Field=value,...]` only the items whose fields have these values, `*` every key of a
/// mapping.
pub const ROLE_USES: &[RoleUseSpec] = &[
    role(
        "AWS::Amplify::App",
        "IAMServiceRole",
        "amplify.amazonaws.com",
    ),
    role(
        "AWS::ApiGateway::Account",
        "CloudWatchRoleArn",
        "apigateway.amazonaws.com",
    ),
    role(
        "AWS::AppRunner::Service",
        "InstanceConfiguration.InstanceRoleArn",
        "tasks.apprunner.amazonaws.com",
    ),
    role(
        "AWS::AppRunner::Service",
        "SourceConfiguration.AuthenticationConfiguration.AccessRoleArn",
        "build.apprunner.amazonaws.com",
    ),
    role(
        "AWS::AppStream::Fleet",
        "IamRoleArn",
        "appstream.amazonaws.com",
    ),
    role(
        "AWS::AppSync::DataSource",
        "ServiceRoleArn",
        "appsync.amazonaws.com",
    ),
    role(
        "AWS::AppSync::GraphQLApi",
        "LogConfig.CloudWatchLogsRoleArn",
        "appsync.amazonaws.com",
    ),
    role(
        "AWS::ApplicationAutoScaling::ScalableTarget",
        "RoleARN",
        "application-autoscaling.amazonaws.com",
    ),
    role(
        "AWS::AutoScaling::AutoScalingGroup",
        "ServiceLinkedRoleARN",
        "autoscaling.amazonaws.com",
    ),
    profile(
        "AWS::AutoScaling::LaunchConfiguration",
        "IamInstanceProfile",
    ),
    role(
        "AWS::AutoScaling::LifecycleHook",
        "RoleARN",
        "autoscaling.amazonaws.com",
    ),
    role(
        "AWS::Backup::BackupSelection",
        "BackupSelection.IamRoleArn",
        "backup.amazonaws.com",
    ),
    role(
        "AWS::Batch::ComputeEnvironment",
        "ServiceRole",
        "batch.amazonaws.com",
    ),
    profile(
        "AWS::Batch::ComputeEnvironment",
        "ComputeResources.InstanceRole",
    ),
    role(
        "AWS::Batch::ComputeEnvironment",
        "ComputeResources.SpotIamFleetRole",
        "spotfleet.amazonaws.com",
    ),
    role(
        "AWS::Batch::JobDefinition",
        "ContainerProperties.JobRoleArn",
        "ecs-tasks.amazonaws.com",
    ),
    role(
        "AWS::Batch::JobDefinition",
        "ContainerProperties.ExecutionRoleArn",
        "ecs-tasks.amazonaws.com",
    ),
    role(
        "AWS::Bedrock::Agent",
        "AgentResourceRoleArn",
        "bedrock.amazonaws.com",
    ),
    role(
        "AWS::Bedrock::KnowledgeBase",
        "RoleArn",
        "bedrock.amazonaws.com",
    ),
    role(
        "AWS::CloudFormation::StackSet",
        "AdministrationRoleARN",
        "cloudformation.amazonaws.com",
    ),
    role(
        "AWS::CloudTrail::Trail",
        "CloudWatchLogsRoleArn",
        "cloudtrail.amazonaws.com",
    ),
    role(
        "AWS::CloudWatch::MetricStream",
        "RoleArn",
        "streams.metrics.cloudwatch.amazonaws.com",
    ),
    role(
        "AWS::CodeBuild::Project",
        "ServiceRole",
        "codebuild.amazonaws.com",
    ),
    role(
        "AWS::CodeDeploy::DeploymentGroup",
        "ServiceRoleArn",
        "codedeploy.amazonaws.com",
    ),
    role(
        "AWS::CodePipeline::Pipeline",
        "RoleArn",
        "codepipeline.amazonaws.com",
    ),
    role(
        "AWS::Cognito::UserPool",
        "SmsConfiguration.SnsCallerArn",
        "cognito-idp.amazonaws.com",
    ),
    role(
        "AWS::Config::ConfigurationAggregator",
        "OrganizationAggregationSource.RoleArn",
        "config.amazonaws.com",
    ),
    role(
        "AWS::Config::ConfigurationRecorder",
        "RoleARN",
        "config.amazonaws.com",
    ),
    role("AWS::DAX::Cluster", "IAMRoleARN", "dax.amazonaws.com"),
    role(
        "AWS::DLM::LifecyclePolicy",
        "ExecutionRoleArn",
        "dlm.amazonaws.com",
    ),
    role(
        "AWS::DMS::Endpoint",
        "ServiceAccessRoleArn",
        "dms.amazonaws.com",
    ),
    role(
        "AWS::DMS::Endpoint",
        "S3Settings.ServiceAccessRoleArn",
        "dms.amazonaws.com",
    ),
    role(
        "AWS::DMS::Endpoint",
        "DynamoDbSettings.ServiceAccessRoleArn",
        "dms.amazonaws.com",
    ),
    role(
        "AWS::DMS::Endpoint",
        "KinesisSettings.ServiceAccessRoleArn",
        "dms.amazonaws.com",
    ),
    role("AWS::DataBrew::Job", "RoleArn", "databrew.amazonaws.com"),
    role(
        "AWS::DataPipeline::Pipeline",
        "PipelineObjects[].Fields[Key=role].StringValue",
        "datapipeline.amazonaws.com",
    ),
    profile(
        "AWS::DataPipeline::Pipeline",
        "PipelineObjects[].Fields[Key=resourceRole].StringValue",
    ),
    role(
        "AWS::DataSync::LocationS3",
        "S3Config.BucketAccessRoleArn",
        "datasync.amazonaws.com",
    ),
    role(
        "AWS::EC2::FlowLog",
        "DeliverLogsPermissionArn",
        "vpc-flow-logs.amazonaws.com",
    ),
    profile("AWS::EC2::Instance", "IamInstanceProfile"),
    profile(
        "AWS::EC2::LaunchTemplate",
        "LaunchTemplateData.IamInstanceProfile.Arn",
    ),
    profile(
        "AWS::EC2::LaunchTemplate",
        "LaunchTemplateData.IamInstanceProfile.Name",
    ),
    role(
        "AWS::EC2::SpotFleet",
        "SpotFleetRequestConfigData.IamFleetRole",
        "spotfleet.amazonaws.com",
    ),
    profile(
        "AWS::EC2::SpotFleet",
        "SpotFleetRequestConfigData.LaunchSpecifications[].IamInstanceProfile.Arn",
    ),
    role("AWS::ECS::Service", "Role", "ecs.amazonaws.com"),
    role(
        "AWS::ECS::TaskDefinition",
        "TaskRoleArn",
        "ecs-tasks.amazonaws.com",
    ),
    role(
        "AWS::ECS::TaskDefinition",
        "ExecutionRoleArn",
        "ecs-tasks.amazonaws.com",
    ),
    role("AWS::EKS::Cluster", "RoleArn", "eks.amazonaws.com"),
    role(
        "AWS::EKS::FargateProfile",
        "PodExecutionRoleArn",
        "eks-fargate-pods.amazonaws.com",
    ),
    role("AWS::EKS::Nodegroup", "NodeRole", "ec2.amazonaws.com"),
    role(
        "AWS::EMR::Cluster",
        "ServiceRole",
        "elasticmapreduce.amazonaws.com",
    ),
    profile("AWS::EMR::Cluster", "JobFlowRole"),
    role(
        "AWS::EMR::Cluster",
        "AutoScalingRole",
        "application-autoscaling.amazonaws.com",
    ),
    role(
        "AWS::EMR::Studio",
        "ServiceRole",
        "elasticmapreduce.amazonaws.com",
    ),
    profile(
        "AWS::ElasticBeanstalk::ConfigurationTemplate",
        "OptionSettings[Namespace=aws:autoscaling:launchconfiguration,OptionName=IamInstanceProfile].Value",
    ),
    role(
        "AWS::ElasticBeanstalk::ConfigurationTemplate",
        "OptionSettings[Namespace=aws:elasticbeanstalk:environment,OptionName=ServiceRole].Value",
        "elasticbeanstalk.amazonaws.com",
    ),
    profile(
        "AWS::ElasticBeanstalk::Environment",
        "OptionSettings[Namespace=aws:autoscaling:launchconfiguration,OptionName=IamInstanceProfile].Value",
    ),
    role(
        "AWS::ElasticBeanstalk::Environment",
        "OptionSettings[Namespace=aws:elasticbeanstalk:environment,OptionName=ServiceRole].Value",
        "elasticbeanstalk.amazonaws.com",
    ),
    role(
        "AWS::Elasticsearch::Domain",
        "CognitoOptions.RoleArn",
        "es.amazonaws.com",
    ),
    role("AWS::Events::Rule", "RoleArn", "events.amazonaws.com"),
    role(
        "AWS::Events::Rule",
        "Targets[].RoleArn",
        "events.amazonaws.com",
    ),
    role(
        "AWS::FIS::ExperimentTemplate",
        "RoleArn",
        "fis.amazonaws.com",
    ),
    role(
        "AWS::GameLift::Build",
        "StorageLocation.RoleArn",
        "gamelift.amazonaws.com",
    ),
    role(
        "AWS::GameLift::Fleet",
        "InstanceRoleARN",
        "gamelift.amazonaws.com",
    ),
    role(
        "AWS::GameLift::Script",
        "StorageLocation.RoleArn",
        "gamelift.amazonaws.com",
    ),
    role("AWS::Glue::Crawler", "Role", "glue.amazonaws.com"),
    role("AWS::Glue::DevEndpoint", "RoleArn", "glue.amazonaws.com"),
    role("AWS::Glue::Job", "Role", "glue.amazonaws.com"),
    profile(
        "AWS::ImageBuilder::InfrastructureConfiguration",
        "InstanceProfileName",
    ),
    role(
        "AWS::IoT::RoleAlias",
        "RoleArn",
        "credentials.iot.amazonaws.com",
    ),
    role(
        "AWS::IoT::TopicRule",
        "TopicRulePayload.Actions[].*.RoleArn",
        "iot.amazonaws.com",
    ),
    role("AWS::Kendra::DataSource", "RoleArn", "kendra.amazonaws.com"),
    role("AWS::Kendra::Index", "RoleArn", "kendra.amazonaws.com"),
    role(
        "AWS::KinesisAnalytics::Application",
        "Inputs[].KinesisFirehoseInput.RoleARN",
        "kinesisanalytics.amazonaws.com",
    ),
    role(
        "AWS::KinesisAnalytics::Application",
        "Inputs[].KinesisStreamsInput.RoleARN",
        "kinesisanalytics.amazonaws.com",
    ),
    role(
        "AWS::KinesisAnalyticsV2::Application",
        "ServiceExecutionRole",
        "kinesisanalytics.amazonaws.com",
    ),
    role(
        "AWS::KinesisFirehose::DeliveryStream",
        "AmazonopensearchserviceDestinationConfiguration.RoleARN",
        "firehose.amazonaws.com",
    ),
    role(
        "AWS::KinesisFirehose::DeliveryStream",
        "ElasticsearchDestinationConfiguration.RoleARN",
        "firehose.amazonaws.com",
    ),
    role(
        "AWS::KinesisFirehose::DeliveryStream",
        "ExtendedS3DestinationConfiguration.RoleARN",
        "firehose.amazonaws.com",
    ),
    role(
        "AWS::KinesisFirehose::DeliveryStream",
        "HttpEndpointDestinationConfiguration.RoleARN",
        "firehose.amazonaws.com",
    ),
    role(
        "AWS::KinesisFirehose::DeliveryStream",
        "KinesisStreamSourceConfiguration.RoleARN",
        "firehose.amazonaws.com",
    ),
    role(
        "AWS::KinesisFirehose::DeliveryStream",
        "RedshiftDestinationConfiguration.RoleARN",
        "firehose.amazonaws.com",
    ),
    role(
        "AWS::KinesisFirehose::DeliveryStream",
        "S3DestinationConfiguration.RoleARN",
        "firehose.amazonaws.com",
    ),
    role(
        "AWS::KinesisFirehose::DeliveryStream",
        "SplunkDestinationConfiguration.S3Configuration.RoleARN",
        "firehose.amazonaws.com",
    ),
    role(
        "AWS::LakeFormation::Resource",
        "RoleArn",
        "lakeformation.amazonaws.com",
    ),
    role("AWS::Lambda::Function", "Role", "lambda.amazonaws.com"),
    role("AWS::Logs::Destination", "RoleArn", "logs.amazonaws.com"),
    role(
        "AWS::Logs::SubscriptionFilter",
        "RoleArn",
        "logs.amazonaws.com",
    ),
    role(
        "AWS::MWAA::Environment",
        "ExecutionRoleArn",
        "airflow-env.amazonaws.com",
    ),
    role(
        "AWS::Neptune::DBCluster",
        "AssociatedRoles[].RoleArn",
        "rds.amazonaws.com",
    ),
    role(
        "AWS::OpenSearchService::Domain",
        "CognitoOptions.RoleArn",
        "es.amazonaws.com",
    ),
    role(
        "AWS::OpsWorks::Stack",
        "ServiceRoleArn",
        "opsworks.amazonaws.com",
    ),
    profile("AWS::OpsWorks::Stack", "DefaultInstanceProfileArn"),
    role("AWS::Pipes::Pipe", "RoleArn", "pipes.amazonaws.com"),
    role(
        "AWS::RDS::DBCluster",
        "MonitoringRoleArn",
        "monitoring.rds.amazonaws.com",
    ),
    role(
        "AWS::RDS::DBCluster",
        "AssociatedRoles[].RoleArn",
        "rds.amazonaws.com",
    ),
    role(
        "AWS::RDS::DBInstance",
        "MonitoringRoleArn",
        "monitoring.rds.amazonaws.com",
    ),
    role(
        "AWS::RDS::DBInstance",
        "AssociatedRoles[].RoleArn",
        "rds.amazonaws.com",
    ),
    role("AWS::RDS::DBProxy", "RoleArn", "rds.amazonaws.com"),
    role(
        "AWS::Redshift::Cluster",
        "IamRoles[]",
        "redshift.amazonaws.com",
    ),
    role(
        "AWS::SNS::Topic",
        "DeliveryStatusLogging[].SuccessFeedbackRoleArn",
        "sns.amazonaws.com",
    ),
    role(
        "AWS::SNS::Topic",
        "DeliveryStatusLogging[].FailureFeedbackRoleArn",
        "sns.amazonaws.com",
    ),
    role(
        "AWS::SSM::MaintenanceWindowTask",
        "ServiceRoleArn",
        "ssm.amazonaws.com",
    ),
    role(
        "AWS::SageMaker::Domain",
        "DefaultUserSettings.ExecutionRole",
        "sagemaker.amazonaws.com",
    ),
    role(
        "AWS::SageMaker::Model",
        "ExecutionRoleArn",
        "sagemaker.amazonaws.com",
    ),
    role(
        "AWS::SageMaker::NotebookInstance",
        "RoleArn",
        "sagemaker.amazonaws.com",
    ),
    role(
        "AWS::SageMaker::Pipeline",
        "RoleArn",
        "sagemaker.amazonaws.com",
    ),
    role(
        "AWS::SageMaker::UserProfile",
        "UserSettings.ExecutionRole",
        "sagemaker.amazonaws.com",
    ),
    role(
        "AWS::Scheduler::Schedule",
        "Target.RoleArn",
        "scheduler.amazonaws.com",
    ),
    role("AWS::Serverless::Function", "Role", "lambda.amazonaws.com"),
    role(
        "AWS::Serverless::StateMachine",
        "Role",
        "states.amazonaws.com",
    ),
    role(
        "AWS::ServiceCatalog::LaunchRoleConstraint",
        "RoleArn",
        "servicecatalog.amazonaws.com",
    ),
    role(
        "AWS::StepFunctions::StateMachine",
        "RoleArn",
        "states.amazonaws.com",
    ),
    role(
        "AWS::Synthetics::Canary",
        "ExecutionRoleArn",
        "lambda.amazonaws.com",
    ),
    role(
        "AWS::Transfer::Server",
        "LoggingRole",
        "transfer.amazonaws.com",
    ),
    role("AWS::Transfer::User", "Role", "transfer.amazonaws.com"),
];

/// One step of a [`RoleUseSpec::attribute`] path.
#[derive(Debug, PartialEq, Eq)]
enum Step<'p> {
    Key(&'p str),
    Any,
    Items(&'p str, Vec<(&'p str, &'p str)>),
}

fn steps(path: &str) -> Vec<Step<'_>> {
    path.split('.')
        .map(|seg| {
            if seg == "*" {
                return Step::Any;
            }
            match seg.split_once('[') {
                Some((key, filter)) => {
                    let filter = filter.trim_end_matches(']');
                    let pairs = filter
                        .split(',')
                        .filter_map(|p| p.split_once('='))
                        .collect();
                    Step::Items(key, pairs)
                }
                None => Step::Key(seg),
            }
        })
        .collect()
}

/// Finds the values at `steps` under `node`: (value, origin of its key, depends on a condition).
fn walk(
    node: &Node,
    steps: &[Step<'_>],
    key_origin: &Origin,
    uncertain: bool,
    out: &mut Vec<(Node, Origin, bool)>,
) {
    if let NodeKind::Choice(alts) = &node.kind {
        for a in alts {
            walk(a, steps, key_origin, true, out);
        }
        return;
    }
    let Some((step, rest)) = steps.split_first() else {
        out.push((node.clone(), key_origin.clone(), uncertain));
        return;
    };
    match step {
        Step::Key(k) => {
            if let Some((_, ko, v)) = node
                .entries()
                .iter()
                .rev()
                .find(|(e, _, _)| e.as_known() == Some(k))
            {
                walk(v, rest, ko, uncertain, out);
            }
        }
        Step::Any => {
            for (_, ko, v) in node.entries() {
                walk(v, rest, ko, uncertain, out);
            }
        }
        Step::Items(k, filter) => {
            let Some((_, ko, list)) = node
                .entries()
                .iter()
                .rev()
                .find(|(e, _, _)| e.as_known() == Some(k))
            else {
                return;
            };
            let mut items: Vec<(&Node, bool)> = Vec::new();
            let lists: Vec<(&Node, bool)> = match &list.kind {
                NodeKind::Choice(alts) => alts.iter().map(|a| (a, true)).collect(),
                _ => vec![(list, uncertain)],
            };
            for (l, u) in lists {
                for item in l.items() {
                    match &item.kind {
                        NodeKind::Choice(alts) => items.extend(alts.iter().map(|a| (a, true))),
                        _ => items.push((item, u)),
                    }
                }
            }
            for (item, u) in items {
                let selected = filter
                    .iter()
                    .all(|(fk, fv)| item.get(fk).and_then(Node::as_known_str) == Some(fv));
                if selected {
                    walk(item, rest, ko, u, out);
                }
            }
        }
    }
}

/// Whether a resource has a property through which the role-use table says it hands a role to
/// a service (an SNS topic without delivery-status logging hands none). Properties that are
/// not a plain mapping (`Fn::If` around them) or a key not known offline may hold one.
pub(crate) fn may_use_roles(r: &Resource) -> bool {
    let Some(props) = &r.props else { return false };
    let NodeKind::Object(entries) = &props.kind else {
        return true;
    };
    let keys: Vec<Option<&str>> = entries.iter().map(|(e, _, _)| e.as_known()).collect();
    ROLE_USES
        .iter()
        .filter(|s| s.resource_type == r.ty)
        .any(|spec| match steps(spec.attribute).first() {
            Some(Step::Key(k) | Step::Items(k, _)) => keys
                .iter()
                .any(|e| e.is_none_or(|e| e == *k || e.starts_with("Fn::"))),
            _ => true,
        })
}

/// Adds the role uses of one resource (resolving only the properties the table names).
pub(crate) fn role_uses(ctx: &mut Ctx<'_>, acc: &mut Account, r: &Resource, uncertain: bool) {
    let Some(props) = &r.props else { return };
    for spec in ROLE_USES.iter().filter(|s| s.resource_type == r.ty) {
        let steps = steps(spec.attribute);
        // Resolve only the top-level property the path starts with.
        let top = match steps.first() {
            Some(Step::Key(k) | Step::Items(k, _)) => *k,
            _ => continue,
        };
        let Some((k, ko, v)) = props
            .entries()
            .iter()
            .rev()
            .find(|(e, _, _)| e.as_known() == Some(top))
        else {
            continue;
        };
        let Some(v) = ctx.resolve(v) else { continue };
        let holder = Node::new(
            NodeKind::Object(vec![(k.clone(), ko.clone(), v)]),
            props.origin.clone(),
        );
        let mut found = Vec::new();
        walk(&holder, &steps, &r.origin, uncertain, &mut found);
        for (value, origin, unc) in found {
            let alts = ctx.alts(&value);
            let several = alts.len() > 1;
            for s in alts {
                if s.is_empty() {
                    continue;
                }
                acc.role_uses
                    .push(use_of(r, spec, s, unc || several, origin.clone()));
            }
        }
    }
}

fn use_of(r: &Resource, spec: &RoleUseSpec, s: Str, uncertain: bool, origin: Origin) -> RoleUse {
    RoleUse {
        resource: r.id.clone(),
        resource_type: r.ty.clone(),
        attribute: spec.attribute.to_owned(),
        service: spec.service.to_owned(),
        target: spec.target_of(s),
        uncertain,
        origin,
    }
}

#[cfg(test)]
mod tests;
