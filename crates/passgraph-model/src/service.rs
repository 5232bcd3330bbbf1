//! The service catalogue: which services take a passed role, the service principal their roles
//! trust, the `iam:PassedToService` value(s) they put in the request, and the actions that hand
//! them a role. Data, kept in one table (sources: shared/spec/semantics.md §3).

/// One service principal that roles trust and that receives passed roles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServiceInfo {
    /// The service principal named in trust policies.
    pub principal: &'static str,
    /// A short human name.
    pub name: &'static str,
    /// Candidate values of `iam:PassedToService` when a role is passed to this service.
    pub passed_to_service: &'static [&'static str],
    /// True when AWS does not document which candidate is used: a grant must allow every
    /// candidate to be definite; a grant that allows only some is possible.
    pub value_uncertain: bool,
    /// Actions that hand the service a role (any one of them makes the exposure exploitable).
    pub launch_actions: &'static [&'static str],
}

/// The service an instance profile hands its role to: a role reaches EC2 through an instance
/// profile, and only EC2 takes one. Every reader and the graph ask here.
pub const INSTANCE_PROFILE_SERVICE: &str = "ec2.amazonaws.com";

impl ServiceInfo {
    /// True when the role reaches the service through an instance profile
    /// ([`INSTANCE_PROFILE_SERVICE`]).
    #[must_use]
    pub fn via_instance_profile(&self) -> bool {
        self.principal == INSTANCE_PROFILE_SERVICE
    }
}

const fn svc(
    principal: &'static str,
    name: &'static str,
    passed_to_service: &'static [&'static str],
    launch_actions: &'static [&'static str],
) -> ServiceInfo {
    ServiceInfo {
        principal,
        name,
        passed_to_service,
        value_uncertain: false,
        launch_actions,
    }
}

/// The catalogue, sorted by principal.
pub const CATALOGUE: &[ServiceInfo] = &[
    // MWAA: the Service Authorization Reference's operations table (list_mwaa) gives
    // CreateEnvironment → iam:PassRole with iam:PassedToService `airflow.amazonaws.com`; the
    // execution role (`ExecutionRoleArn`) is trusted by `airflow.amazonaws.com` and
    // `airflow-env.amazonaws.com`, so both principals get the documented value.
    svc(
        "airflow-env.amazonaws.com",
        "Managed Workflows for Apache Airflow",
        &["airflow.amazonaws.com"],
        &["airflow:CreateEnvironment", "airflow:UpdateEnvironment"],
    ),
    svc(
        "airflow.amazonaws.com",
        "Managed Workflows for Apache Airflow",
        &["airflow.amazonaws.com"],
        &["airflow:CreateEnvironment", "airflow:UpdateEnvironment"],
    ),
    // Amplify: the service role and the SSR compute role trust `amplify.amazonaws.com`
    // (Amplify Hosting user guide); CreateApp/UpdateApp carry `iamServiceRoleArn`. The
    // PassedToService value is not documented (AdministratorAccess-Amplify passes roles
    // without a condition): inferred from the trust principal [UNVERIFIED].
    svc(
        "amplify.amazonaws.com",
        "Amplify",
        &["amplify.amazonaws.com"],
        &["amplify:CreateApp", "amplify:UpdateApp"],
    ),
    svc(
        "apigateway.amazonaws.com",
        "API Gateway",
        &["apigateway.amazonaws.com"],
        &["apigateway:UpdateAccount", "apigateway:PutIntegration"],
    ),
    svc(
        "application-autoscaling.amazonaws.com",
        "Application Auto Scaling",
        &["application-autoscaling.amazonaws.com"],
        &["application-autoscaling:RegisterScalableTarget"],
    ),
    // AppStream 2.0: SAR operations table (list_appstream): CreateFleet → iam:PassedToService
    // `appstream.amazonaws.com`; fleet machine roles trust `appstream.amazonaws.com` (AppStream
    // guide, confused-deputy example); CreateImageBuilder/UpdateFleet carry `IamRoleArn`.
    svc(
        "appstream.amazonaws.com",
        "AppStream 2.0",
        &["appstream.amazonaws.com"],
        &[
            "appstream:CreateFleet",
            "appstream:UpdateFleet",
            "appstream:CreateImageBuilder",
        ],
    ),
    svc(
        "appsync.amazonaws.com",
        "AppSync",
        &["appsync.amazonaws.com"],
        &["appsync:CreateDataSource", "appsync:UpdateDataSource"],
    ),
    svc(
        "autoscaling.amazonaws.com",
        "EC2 Auto Scaling",
        &["autoscaling.amazonaws.com"],
        &[
            "autoscaling:CreateAutoScalingGroup",
            "autoscaling:UpdateAutoScalingGroup",
        ],
    ),
    svc(
        "backup.amazonaws.com",
        "AWS Backup",
        &["backup.amazonaws.com"],
        &[
            "backup:StartBackupJob",
            "backup:StartRestoreJob",
            "backup:CreateBackupSelection",
        ],
    ),
    svc(
        "batch.amazonaws.com",
        "AWS Batch",
        &["batch.amazonaws.com"],
        &[
            "batch:CreateComputeEnvironment",
            "batch:UpdateComputeEnvironment",
        ],
    ),
    svc(
        "bedrock.amazonaws.com",
        "Amazon Bedrock",
        &["bedrock.amazonaws.com"],
        &[
            "bedrock:CreateModelCustomizationJob",
            "bedrock:CreateAgent",
            "bedrock:CreateKnowledgeBase",
        ],
    ),
    svc(
        "build.apprunner.amazonaws.com",
        "App Runner (access role)",
        &["apprunner.amazonaws.com"],
        &["apprunner:CreateService", "apprunner:UpdateService"],
    ),
    svc(
        "cloudformation.amazonaws.com",
        "CloudFormation",
        &["cloudformation.amazonaws.com"],
        &[
            "cloudformation:CreateStack",
            "cloudformation:UpdateStack",
            "cloudformation:CreateChangeSet",
            "cloudformation:CreateStackSet",
        ],
    ),
    svc(
        "cloudtrail.amazonaws.com",
        "CloudTrail",
        &["cloudtrail.amazonaws.com"],
        &["cloudtrail:CreateTrail", "cloudtrail:UpdateTrail"],
    ),
    svc(
        "codebuild.amazonaws.com",
        "CodeBuild",
        &["codebuild.amazonaws.com"],
        &[
            "codebuild:CreateProject",
            "codebuild:UpdateProject",
            "codebuild:StartBuild",
            "codebuild:StartBuildBatch",
        ],
    ),
    // PassedToService value inferred from the trust principal, not documented by AWS
    // [UNVERIFIED] (semantics.md §3 row 21).
    svc(
        "codedeploy.amazonaws.com",
        "CodeDeploy",
        &["codedeploy.amazonaws.com"],
        &[
            "codedeploy:CreateDeploymentGroup",
            "codedeploy:UpdateDeploymentGroup",
        ],
    ),
    svc(
        "codepipeline.amazonaws.com",
        "CodePipeline",
        &["codepipeline.amazonaws.com"],
        &["codepipeline:CreatePipeline", "codepipeline:UpdatePipeline"],
    ),
    // Cognito user pools: the SMS role (`SmsConfiguration.SnsCallerArn`), a request parameter
    // of CreateUserPool, UpdateUserPool and SetUserPoolMfaConfig (API reference,
    // SmsConfigurationType), is trusted by `cognito-idp.amazonaws.com`. No AWS page or managed
    // policy gives the PassedToService value: inferred [UNVERIFIED].
    svc(
        "cognito-idp.amazonaws.com",
        "Cognito user pools",
        &["cognito-idp.amazonaws.com"],
        &[
            "cognito-idp:CreateUserPool",
            "cognito-idp:UpdateUserPool",
            "cognito-idp:SetUserPoolMfaConfig",
        ],
    ),
    svc(
        "config.amazonaws.com",
        "AWS Config",
        &["config.amazonaws.com"],
        &[
            "config:PutConfigurationRecorder",
            "config:PutConfigurationAggregator",
        ],
    ),
    svc(
        "credentials.iot.amazonaws.com",
        "IoT role alias",
        &["credentials.iot.amazonaws.com"],
        &["iot:CreateRoleAlias", "iot:UpdateRoleAlias"],
    ),
    // DataBrew: `databrew.amazonaws.com` is AWS's own value (AwsGlueDataBrewFullAccessPolicy).
    svc(
        "databrew.amazonaws.com",
        "Glue DataBrew",
        &["databrew.amazonaws.com"],
        &[
            "databrew:CreateProfileJob",
            "databrew:CreateRecipeJob",
            "databrew:UpdateProfileJob",
            "databrew:UpdateRecipeJob",
        ],
    ),
    // PassedToService value inferred from the trust principal, not documented by AWS
    // [UNVERIFIED] (semantics.md §3 row 16).
    svc(
        "datapipeline.amazonaws.com",
        "Data Pipeline",
        &["datapipeline.amazonaws.com"],
        &[
            "datapipeline:CreatePipeline",
            "datapipeline:PutPipelineDefinition",
            "datapipeline:ActivatePipeline",
        ],
    ),
    svc(
        "datasync.amazonaws.com",
        "DataSync",
        &["datasync.amazonaws.com"],
        &["datasync:CreateLocationS3", "datasync:CreateTask"],
    ),
    svc(
        "dax.amazonaws.com",
        "DynamoDB Accelerator",
        &["dax.amazonaws.com"],
        &["dax:CreateCluster"],
    ),
    // DLM: SAR operations table (list_dlm): CreateLifecyclePolicy → iam:PassedToService
    // `dlm.amazonaws.com`; the default roles trust `dlm.amazonaws.com` (EBS user guide).
    svc(
        "dlm.amazonaws.com",
        "Data Lifecycle Manager",
        &["dlm.amazonaws.com"],
        &["dlm:CreateLifecyclePolicy", "dlm:UpdateLifecyclePolicy"],
    ),
    // PassedToService value inferred from the trust principal, not documented by AWS
    // [UNVERIFIED] (semantics.md §3 row 32).
    svc(
        "dms.amazonaws.com",
        "Database Migration Service",
        &["dms.amazonaws.com"],
        &[
            "dms:CreateEndpoint",
            "dms:ModifyEndpoint",
            "dms:CreateReplicationInstance",
        ],
    ),
    ServiceInfo {
        principal: "ec2.amazonaws.com",
        name: "EC2",
        passed_to_service: &["ec2.amazonaws.com"],
        value_uncertain: false,
        launch_actions: &[
            "ec2:RunInstances",
            "ec2:AssociateIamInstanceProfile",
            "ec2:ReplaceIamInstanceProfileAssociation",
            "ec2:RequestSpotInstances",
        ],
    },
    svc(
        "ecs-tasks.amazonaws.com",
        "ECS tasks",
        &["ecs-tasks.amazonaws.com"],
        &["ecs:RegisterTaskDefinition", "ecs:RunTask", "ecs:StartTask"],
    ),
    svc(
        "ecs.amazonaws.com",
        "ECS infrastructure",
        &["ecs.amazonaws.com"],
        &[
            "ecs:CreateService",
            "ecs:UpdateService",
            "ecs:CreateExpressGatewayService",
        ],
    ),
    // Lambda@Edge roles are handed over by lambda:CreateFunction, whose value is
    // `lambda.amazonaws.com` (AWSLambda_FullAccess); whether a role trusted (also) by
    // `edgelambda.amazonaws.com` is passed with that value or with `edgelambda.amazonaws.com`
    // is not documented: uncertain, so a grant allowing only one of them is possible.
    ServiceInfo {
        principal: "edgelambda.amazonaws.com",
        name: "Lambda@Edge",
        passed_to_service: &["lambda.amazonaws.com", "edgelambda.amazonaws.com"],
        value_uncertain: true,
        launch_actions: &[
            "lambda:CreateFunction",
            "lambda:UpdateFunctionConfiguration",
        ],
    },
    // EKS Fargate pod execution role (`podExecutionRoleArn` of CreateFargateProfile): the
    // PassedToService value is not documented; candidates are the trust principal and EKS
    // itself: uncertain (semantics.md §3 row 37).
    ServiceInfo {
        principal: "eks-fargate-pods.amazonaws.com",
        name: "EKS Fargate",
        passed_to_service: &["eks-fargate-pods.amazonaws.com", "eks.amazonaws.com"],
        value_uncertain: true,
        launch_actions: &["eks:CreateFargateProfile"],
    },
    // PassedToService value inferred from the trust principal, not documented by AWS
    // [UNVERIFIED] (semantics.md §3 row 37).
    svc(
        "eks.amazonaws.com",
        "EKS",
        &["eks.amazonaws.com"],
        &["eks:CreateCluster"],
    ),
    svc(
        "elasticbeanstalk.amazonaws.com",
        "Elastic Beanstalk",
        &["elasticbeanstalk.amazonaws.com"],
        &[
            "elasticbeanstalk:CreateEnvironment",
            "elasticbeanstalk:UpdateEnvironment",
        ],
    ),
    svc(
        "elasticmapreduce.amazonaws.com",
        "EMR",
        &["elasticmapreduce.amazonaws.com"],
        &["elasticmapreduce:RunJobFlow"],
    ),
    svc(
        "emr-serverless.amazonaws.com",
        "EMR Serverless",
        &["emr-serverless.amazonaws.com"],
        &["emr-serverless:StartJobRun"],
    ),
    // OpenSearch Service: the Cognito role (`CognitoOptions.RoleArn` of CreateDomain /
    // UpdateDomainConfig and their Elasticsearch-era names) is trusted by the service. No AWS
    // page or managed policy found gives the PassedToService value (the developer guide's
    // Cognito page; AmazonOpenSearchServiceCognitoAccess is the role's own policy and passes on
    // to `cognito-identity.amazonaws.com`); the service also goes by
    // `opensearchservice.amazonaws.com` (its service-linked role's principal): uncertain
    // between the two.
    ServiceInfo {
        principal: "es.amazonaws.com",
        name: "OpenSearch Service",
        passed_to_service: &["es.amazonaws.com", "opensearchservice.amazonaws.com"],
        value_uncertain: true,
        launch_actions: &[
            "es:CreateDomain",
            "es:UpdateDomainConfig",
            "es:CreateElasticsearchDomain",
            "es:UpdateElasticsearchDomainConfig",
        ],
    },
    svc(
        "events.amazonaws.com",
        "EventBridge",
        &["events.amazonaws.com"],
        &["events:PutTargets", "events:PutRule"],
    ),
    svc(
        "firehose.amazonaws.com",
        "Kinesis Data Firehose",
        &["firehose.amazonaws.com"],
        &[
            "firehose:CreateDeliveryStream",
            "firehose:UpdateDestination",
        ],
    ),
    // FIS: experiment roles trust `fis.amazonaws.com` (FIS user guide, experiment role); the
    // template's `roleArn` is set by Create/UpdateExperimentTemplate. PassedToService value not
    // documented: inferred [UNVERIFIED].
    svc(
        "fis.amazonaws.com",
        "Fault Injection Service",
        &["fis.amazonaws.com"],
        &[
            "fis:CreateExperimentTemplate",
            "fis:UpdateExperimentTemplate",
        ],
    ),
    // GameLift: the FleetIQ user policy in AWS's guide passes roles with iam:PassedToService
    // `gamelift.amazonaws.com`.
    svc(
        "gamelift.amazonaws.com",
        "GameLift",
        &["gamelift.amazonaws.com"],
        &[
            "gamelift:CreateBuild",
            "gamelift:CreateContainerFleet",
            "gamelift:CreateFleet",
            "gamelift:CreateGameServerGroup",
            "gamelift:CreateScript",
            "gamelift:UpdateGameServerGroup",
            "gamelift:UpdateScript",
        ],
    ),
    svc(
        "glue.amazonaws.com",
        "Glue",
        &["glue.amazonaws.com"],
        &[
            "glue:CreateJob",
            "glue:UpdateJob",
            "glue:CreateDevEndpoint",
            "glue:CreateCrawler",
            "glue:UpdateCrawler",
            "glue:CreateSession",
        ],
    ),
    svc(
        "iot.amazonaws.com",
        "IoT",
        &["iot.amazonaws.com"],
        &["iot:CreateTopicRule", "iot:ReplaceTopicRule"],
    ),
    // Kendra: `kendra.amazonaws.com` is AWS's own value (AmazonKendraFullAccess).
    svc(
        "kendra.amazonaws.com",
        "Kendra",
        &["kendra.amazonaws.com"],
        &[
            "kendra:CreateIndex",
            "kendra:UpdateIndex",
            "kendra:CreateDataSource",
            "kendra:UpdateDataSource",
        ],
    ),
    // PassedToService value inferred from the trust principal, not documented by AWS
    // [UNVERIFIED] (semantics.md §3 row 33).
    svc(
        "kinesisanalytics.amazonaws.com",
        "Kinesis Data Analytics",
        &["kinesisanalytics.amazonaws.com"],
        &["kinesisanalytics:CreateApplication"],
    ),
    // Lake Formation: RegisterResource/UpdateResource carry `RoleArn`; AWS's own value
    // `lakeformation.amazonaws.com` (AmazonDataZone* managed policies).
    svc(
        "lakeformation.amazonaws.com",
        "Lake Formation",
        &["lakeformation.amazonaws.com"],
        &[
            "lakeformation:RegisterResource",
            "lakeformation:UpdateResource",
        ],
    ),
    svc(
        "lambda.amazonaws.com",
        "Lambda",
        &["lambda.amazonaws.com"],
        &[
            "lambda:CreateFunction",
            "lambda:UpdateFunctionConfiguration",
        ],
    ),
    svc(
        "logs.amazonaws.com",
        "CloudWatch Logs",
        &["logs.amazonaws.com"],
        &["logs:PutSubscriptionFilter", "logs:PutDestination"],
    ),
    ServiceInfo {
        principal: "monitoring.rds.amazonaws.com",
        name: "RDS Enhanced Monitoring",
        passed_to_service: &["monitoring.rds.amazonaws.com", "rds.amazonaws.com"],
        value_uncertain: true,
        launch_actions: &[
            "rds:CreateDBInstance",
            "rds:ModifyDBInstance",
            "rds:CreateDBCluster",
            "rds:ModifyDBCluster",
        ],
    },
    // OpsWorks Stacks: `opsworks.amazonaws.com` is AWS's own value (AWSOpsWorks_FullAccess).
    svc(
        "opsworks.amazonaws.com",
        "OpsWorks",
        &["opsworks.amazonaws.com"],
        &[
            "opsworks:CreateStack",
            "opsworks:UpdateStack",
            "opsworks:CloneStack",
        ],
    ),
    svc(
        "pipes.amazonaws.com",
        "EventBridge Pipes",
        &["pipes.amazonaws.com"],
        &["pipes:CreatePipe", "pipes:UpdatePipe"],
    ),
    svc(
        "pods.eks.amazonaws.com",
        "EKS Pod Identity",
        &["pods.eks.amazonaws.com"],
        &[
            "eks:CreatePodIdentityAssociation",
            "eks:UpdatePodIdentityAssociation",
        ],
    ),
    svc(
        "rds.amazonaws.com",
        "RDS",
        &["rds.amazonaws.com"],
        &[
            "rds:AddRoleToDBInstance",
            "rds:AddRoleToDBCluster",
            "rds:CreateDBProxy",
            "rds:StartExportTask",
        ],
    ),
    // Redshift: `redshift.amazonaws.com` is AWS's own value (AmazonRedshiftAllCommandsFullAccess);
    // cluster roles are set by CreateCluster, RestoreFromClusterSnapshot (`IamRoles`,
    // `DefaultIamRoleArn`) and ModifyClusterIamRoles.
    svc(
        "redshift.amazonaws.com",
        "Redshift",
        &["redshift.amazonaws.com"],
        &[
            "redshift:CreateCluster",
            "redshift:ModifyClusterIamRoles",
            "redshift:RestoreFromClusterSnapshot",
        ],
    ),
    svc(
        "sagemaker.amazonaws.com",
        "SageMaker",
        &["sagemaker.amazonaws.com"],
        &[
            "sagemaker:CreateNotebookInstance",
            "sagemaker:CreateTrainingJob",
            "sagemaker:CreateProcessingJob",
            "sagemaker:CreateModel",
            "sagemaker:CreateDomain",
            "sagemaker:CreatePipeline",
        ],
    ),
    svc(
        "scheduler.amazonaws.com",
        "EventBridge Scheduler",
        &["scheduler.amazonaws.com"],
        &["scheduler:CreateSchedule", "scheduler:UpdateSchedule"],
    ),
    // Service Catalog launch constraints: `servicecatalog.amazonaws.com` is AWS's own value
    // (AWSServiceCatalogAdminFullAccess).
    svc(
        "servicecatalog.amazonaws.com",
        "Service Catalog",
        &["servicecatalog.amazonaws.com"],
        &[
            "servicecatalog:CreateConstraint",
            "servicecatalog:UpdateConstraint",
        ],
    ),
    // PassedToService value inferred from the trust principal, not documented by AWS
    // [UNVERIFIED] (semantics.md §3 row 36).
    svc(
        "sns.amazonaws.com",
        "SNS",
        &["sns.amazonaws.com"],
        &[
            "sns:CreateTopic",
            "sns:SetTopicAttributes",
            "sns:CreatePlatformApplication",
        ],
    ),
    svc(
        "spotfleet.amazonaws.com",
        "EC2 Spot Fleet",
        &["spotfleet.amazonaws.com"],
        &["ec2:RequestSpotFleet"],
    ),
    svc(
        "ssm.amazonaws.com",
        "Systems Manager",
        &["ssm.amazonaws.com"],
        &[
            "ssm:StartAutomationExecution",
            "ssm:RegisterTaskWithMaintenanceWindow",
            "ssm:CreateAssociation",
        ],
    ),
    svc(
        "states.amazonaws.com",
        "Step Functions",
        &["states.amazonaws.com"],
        &["states:CreateStateMachine", "states:UpdateStateMachine"],
    ),
    // CloudWatch metric streams: the role must trust `streams.metrics.cloudwatch.amazonaws.com`
    // (CloudWatch guide, metric streams trust policy) and PutMetricStream needs iam:PassRole
    // (API reference). PassedToService value not documented: inferred [UNVERIFIED].
    svc(
        "streams.metrics.cloudwatch.amazonaws.com",
        "CloudWatch metric streams",
        &["streams.metrics.cloudwatch.amazonaws.com"],
        &["cloudwatch:PutMetricStream"],
    ),
    svc(
        "tasks.apprunner.amazonaws.com",
        "App Runner (instance role)",
        &["apprunner.amazonaws.com"],
        &["apprunner:CreateService", "apprunner:UpdateService"],
    ),
    svc(
        "transfer.amazonaws.com",
        "Transfer Family",
        &["transfer.amazonaws.com"],
        &[
            "transfer:CreateServer",
            "transfer:CreateUser",
            "transfer:UpdateServer",
            "transfer:UpdateUser",
        ],
    ),
    // PassedToService value inferred from the trust principal, not documented by AWS
    // [UNVERIFIED] (semantics.md §3 row 2).
    svc(
        "vpc-flow-logs.amazonaws.com",
        "VPC Flow Logs",
        &["vpc-flow-logs.amazonaws.com"],
        &["ec2:CreateFlowLogs"],
    ),
];

/// What a service principal that is not in the catalogue is taken to be: it receives roles with
/// `iam:PassedToService` equal to its own name, and no launch action is known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Service {
    /// The service principal, as the trust policy names it.
    pub principal: String,
    /// The catalogue entry, when there is one.
    pub info: Option<&'static ServiceInfo>,
}

impl Service {
    /// Looks up a trust-policy service principal. China-partition principals
    /// (`ec2.amazonaws.com.cn`) share the entry of their global name.
    #[must_use]
    pub fn lookup(principal: &str) -> Service {
        let base = principal.strip_suffix(".cn").unwrap_or(principal);
        let info = CATALOGUE
            .iter()
            .find(|s| s.principal.eq_ignore_ascii_case(base));
        Service {
            principal: principal.to_owned(),
            info,
        }
    }

    /// The candidate `iam:PassedToService` values, and whether all of them must be allowed.
    #[must_use]
    pub fn passed_to_service(&self) -> (Vec<String>, bool) {
        let cn = self.principal.ends_with(".cn");
        match self.info {
            Some(i) => (
                i.passed_to_service
                    .iter()
                    .map(|v| {
                        if cn {
                            format!("{v}.cn")
                        } else {
                            (*v).to_owned()
                        }
                    })
                    .collect(),
                i.value_uncertain,
            ),
            None => (vec![self.principal.clone()], false),
        }
    }

    /// Actions that hand this service a role.
    #[must_use]
    pub fn launch_actions(&self) -> &'static [&'static str] {
        self.info.map_or(&[], |i| i.launch_actions)
    }
}

/// Whether `filter` names the service principal `service`, as users write it on the command
/// line and in configuration: the principal itself (`ec2.amazonaws.com`), without its suffix
/// (`ec2`, `monitoring.rds`), or its last label before the suffix (`rds` for
/// `monitoring.rds.amazonaws.com`). `*` in a finding's service (a role trusting everyone) is
/// named only by `*`.
#[must_use]
pub fn names_service(filter: &str, service: &str) -> bool {
    if filter == service {
        return true;
    }
    let short = service
        .strip_suffix(".amazonaws.com")
        .or_else(|| service.strip_suffix(".amazonaws.com.cn"));
    short.is_some_and(|s| s == filter || s.ends_with(&format!(".{filter}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_are_named_as_users_write_them() {
        let rds = "monitoring.rds.amazonaws.com";
        for f in [rds, "monitoring.rds", "rds"] {
            assert!(names_service(f, rds), "{f}");
        }
        for f in ["monitoring", "ds", "ec2", "amazonaws.com", ""] {
            assert!(!names_service(f, rds), "{f}");
        }
        assert!(names_service("ec2", "ec2.amazonaws.com.cn"));
        assert!(names_service("*", "*"));
        assert!(!names_service("ec2", "*"));
    }

    #[test]
    fn catalogue_is_sorted_unique_and_large_enough() {
        let names: Vec<&str> = CATALOGUE.iter().map(|s| s.principal).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted, "sorted and unique by principal");
        assert!(CATALOGUE.len() >= 35);
        assert!(
            CATALOGUE
                .iter()
                .all(|s| !s.passed_to_service.is_empty() && !s.launch_actions.is_empty())
        );
    }

    /// One row per reviewed entry: the trust principal, the PassedToService candidates, whether
    /// they are uncertain, and a launch action the entry must hold (sources in the comments on
    /// the catalogue entries).
    #[test]
    fn reviewed_entries_carry_the_documented_values() {
        let rows: &[(&str, &[&str], bool, &str)] = &[
            // SAR list_mwaa: CreateEnvironment passes to airflow.amazonaws.com; the execution
            // role trusts both principals.
            (
                "airflow-env.amazonaws.com",
                &["airflow.amazonaws.com"],
                false,
                "airflow:CreateEnvironment",
            ),
            (
                "airflow.amazonaws.com",
                &["airflow.amazonaws.com"],
                false,
                "airflow:UpdateEnvironment",
            ),
            // SAR list_appstream: CreateFleet passes to appstream.amazonaws.com.
            (
                "appstream.amazonaws.com",
                &["appstream.amazonaws.com"],
                false,
                "appstream:CreateFleet",
            ),
            // SmsConfigurationType is a parameter of SetUserPoolMfaConfig too.
            (
                "cognito-idp.amazonaws.com",
                &["cognito-idp.amazonaws.com"],
                false,
                "cognito-idp:SetUserPoolMfaConfig",
            ),
            // SAR list_dlm.
            (
                "dlm.amazonaws.com",
                &["dlm.amazonaws.com"],
                false,
                "dlm:CreateLifecyclePolicy",
            ),
            // Undocumented values: every candidate must be allowed for a definite grant.
            (
                "edgelambda.amazonaws.com",
                &["lambda.amazonaws.com", "edgelambda.amazonaws.com"],
                true,
                "lambda:CreateFunction",
            ),
            (
                "eks-fargate-pods.amazonaws.com",
                &["eks-fargate-pods.amazonaws.com", "eks.amazonaws.com"],
                true,
                "eks:CreateFargateProfile",
            ),
            (
                "es.amazonaws.com",
                &["es.amazonaws.com", "opensearchservice.amazonaws.com"],
                true,
                "es:CreateDomain",
            ),
            // GameLift FleetIQ guide policy.
            (
                "gamelift.amazonaws.com",
                &["gamelift.amazonaws.com"],
                false,
                "gamelift:CreateGameServerGroup",
            ),
            // AmazonRedshiftAllCommandsFullAccess; a restore sets cluster roles too.
            (
                "redshift.amazonaws.com",
                &["redshift.amazonaws.com"],
                false,
                "redshift:RestoreFromClusterSnapshot",
            ),
        ];
        for (principal, values, uncertain, action) in rows {
            let s = Service::lookup(principal);
            let info = s
                .info
                .unwrap_or_else(|| panic!("{principal} is catalogued"));
            let want: Vec<String> = values.iter().map(|v| (*v).to_owned()).collect();
            assert_eq!(s.passed_to_service(), (want, *uncertain), "{principal}");
            assert!(
                info.launch_actions.contains(action),
                "{principal}: {action}"
            );
        }
        // An uncertain entry has more than one candidate (one candidate cannot be uncertain).
        for s in CATALOGUE.iter().filter(|s| s.value_uncertain) {
            assert!(s.passed_to_service.len() > 1, "{}", s.principal);
        }
    }

    #[test]
    fn lookups() {
        let rds = Service::lookup("monitoring.rds.amazonaws.com");
        assert_eq!(
            rds.passed_to_service(),
            (
                vec![
                    "monitoring.rds.amazonaws.com".to_owned(),
                    "rds.amazonaws.com".to_owned()
                ],
                true
            )
        );
        let cn = Service::lookup("ec2.amazonaws.com.cn");
        assert_eq!(
            cn.passed_to_service().0,
            vec!["ec2.amazonaws.com.cn".to_owned()]
        );
        let other = Service::lookup("example.amazonaws.com");
        assert!(other.info.is_none());
        assert_eq!(
            other.passed_to_service().0,
            vec!["example.amazonaws.com".to_owned()]
        );
        let ar = Service::lookup("tasks.apprunner.amazonaws.com");
        assert_eq!(
            ar.passed_to_service().0,
            vec!["apprunner.amazonaws.com".to_owned()]
        );
    }
}
