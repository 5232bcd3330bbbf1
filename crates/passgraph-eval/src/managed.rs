//! The built-in table of AWS managed policies.
//!
//! IaC inputs attach AWS managed policies by ARN but never carry their documents, so passgraph
//! ships the ones that matter for PassRole. The statements that grant `iam:PassRole` are written
//! verbatim from the AWS managed policy reference (default versions, March 2026); a test checks
//! them against every PassRole statement AWS publishes (shared/data). The rest of each document
//! is reduced to what passgraph asks about: service-wide actions, `sts:AssumeRole`, the actions
//! that hand roles to services, and IAM writes. Read-only policies (`ReadOnlyAccess`,
//! `SecurityAudit`, `ViewOnlyAccess`) are reduced to their read-only verbs.
//! `--aws-managed-policies` loads complete documents that take precedence.

/// One built-in AWS managed policy.
#[derive(Clone, Copy, Debug)]
pub struct BuiltinPolicy {
    /// Policy name.
    pub name: &'static str,
    /// Path (`/`, `/service-role/`, `/job-function/`).
    pub path: &'static str,
    /// The default version's document (possibly reduced, see the module docs).
    pub document: &'static str,
}

impl BuiltinPolicy {
    /// `arn:aws:iam::aws:policy<path><name>`.
    #[must_use]
    pub fn arn(&self) -> String {
        format!("arn:aws:iam::aws:policy{}{}", self.path, self.name)
    }
}

macro_rules! p {
    ($name:literal, $path:literal, $doc:literal) => {
        BuiltinPolicy {
            name: $name,
            path: $path,
            document: $doc,
        }
    };
}

const READ_VERBS: &str =
    r#"["*:Describe*", "*:Get*", "*:List*", "*:BatchGet*", "*:Search*", "*:View*", "*:Lookup*"]"#;

/// The table, sorted by name.
pub const BUILTIN: &[BuiltinPolicy] = &[
    p!(
        "AWSAppRunnerFullAccess",
        "/",
        r#"{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":"apprunner:*","Resource":"*"},
{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringLike":{"iam:PassedToService":"apprunner.amazonaws.com"}}}]}"#
    ),
    p!(
        "AWSBackupFullAccess",
        "/",
        r#"{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":"backup:*","Resource":"*"},
{"Sid":"IamPassRolePermissions","Effect":"Allow","Action":"iam:PassRole","Resource":["arn:aws:iam::*:role/*AwsBackup*","arn:aws:iam::*:role/*AWSBackup*"],"Condition":{"StringEquals":{"iam:PassedToService":["backup.amazonaws.com","restore-testing.backup.amazonaws.com"]}}},
{"Sid":"IamPassRolePermissionsForGuardDuty","Effect":"Allow","Action":"iam:PassRole","Resource":["arn:aws:iam::*:role/*AwsBackupGuardDuty*","arn:aws:iam::*:role/*AWSBackupGuardDuty*"],"Condition":{"StringEquals":{"iam:PassedToService":"malware-protection.guardduty.amazonaws.com"}}}]}"#
    ),
    p!(
        "AWSBatchFullAccess",
        "/",
        r#"{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["batch:*","cloudwatch:GetMetricStatistics","ec2:DescribeSubnets","ec2:DescribeSecurityGroups","ecs:DescribeClusters","iam:GetInstanceProfile","iam:ListInstanceProfiles","iam:ListRoles","logs:Describe*","logs:Get*"],"Resource":"*"},
{"Effect":"Allow","Action":["iam:PassRole"],"Resource":["arn:aws:iam::*:role/AWSBatchServiceRole","arn:aws:iam::*:role/service-role/AWSBatchServiceRole","arn:aws:iam::*:role/ecsInstanceRole","arn:aws:iam::*:instance-profile/ecsInstanceRole","arn:aws:iam::*:role/iaws-ec2-spot-fleet-role","arn:aws:iam::*:role/aws-ec2-spot-fleet-role","arn:aws:iam::*:role/AWSBatchJobRole*"]}]}"#
    ),
    p!(
        "AWSBatchServiceRole",
        "/service-role/",
        r#"{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["ec2:Describe*","ec2:RunInstances","ec2:RequestSpotFleet","ec2:CreateLaunchTemplate","ecs:*","autoscaling:*","iam:GetInstanceProfile","iam:GetRole","logs:*"],"Resource":"*"},
{"Sid":"AWSBatchPolicyStatement3","Effect":"Allow","Action":"iam:PassRole","Resource":["*"],"Condition":{"StringEquals":{"iam:PassedToService":["ec2.amazonaws.com","ec2.amazonaws.com.cn","ecs-tasks.amazonaws.com"]}}}]}"#
    ),
    p!(
        "AWSCloudFormationFullAccess",
        "/",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["cloudformation:*"],"Resource":"*"}]}"#
    ),
    p!(
        "AWSCloudTrailFullAccess",
        "/",
        r#"{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["cloudtrail:*","s3:*","sns:*","logs:*","iam:ListRoles","iam:GetRolePolicy","iam:GetUser"],"Resource":"*"},
{"Effect":"Allow","Action":["iam:PassRole"],"Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"cloudtrail.amazonaws.com"}}}]}"#
    ),
    p!(
        "AWSCloudTrail_FullAccess",
        "/",
        r#"{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":"cloudtrail:*","Resource":"*"},
{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"cloudtrail.amazonaws.com"}}}]}"#
    ),
    p!(
        "AWSCodeBuildAdminAccess",
        "/",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["codebuild:*","iam:ListRoles","logs:GetLogEvents"],"Resource":"*"}]}"#
    ),
    p!(
        "AWSCodePipeline_FullAccess",
        "/",
        r#"{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["codepipeline:*","iam:ListRoles","events:PutRule","events:PutTargets","events:DescribeRule"],"Resource":"*"},
{"Sid":"EventsIAMPassRole","Effect":"Allow","Action":["iam:PassRole"],"Resource":["arn:aws:iam::*:role/service-role/cwe-role-*"],"Condition":{"StringEquals":{"iam:PassedToService":["events.amazonaws.com"]}}},
{"Sid":"CodePipelineIAMPassRole","Effect":"Allow","Action":["iam:PassRole"],"Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":["codepipeline.amazonaws.com"]}}}]}"#
    ),
    p!(
        "AWSDataPipeline_FullAccess",
        "/",
        r#"{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["datapipeline:*","iam:ListRoles","iam:GetInstanceProfile","iam:GetRole","iam:GetRolePolicy","iam:ListInstanceProfiles","iam:ListRolePolicies"],"Resource":"*"},
{"Effect":"Allow","Action":"iam:PassRole","Resource":["arn:aws:iam::*:role/DataPipelineDefaultResourceRole","arn:aws:iam::*:role/DataPipelineDefaultRole"]}]}"#
    ),
    p!(
        "AWSDataSyncFullAccess",
        "/",
        r#"{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["datasync:*","iam:GetRole","iam:ListRoles"],"Resource":"*"},
{"Sid":"DataSyncPassRolePermissions","Effect":"Allow","Action":["iam:PassRole"],"Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":["datasync.amazonaws.com"]}}}]}"#
    ),
    p!(
        "AWSDenyAll",
        "/",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyAll","Effect":"Deny","Action":["*"],"Resource":"*"}]}"#
    ),
    p!(
        "AWSElasticBeanstalkFullAccess",
        "/",
        r#"{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["elasticbeanstalk:*","ec2:*","ecs:*","ecr:*","elasticloadbalancing:*","autoscaling:*","cloudwatch:*","s3:*","sns:*","cloudformation:*","dynamodb:*","rds:*","sqs:*","logs:*","iam:GetPolicyVersion","iam:GetRole","iam:PassRole","iam:ListRolePolicies","iam:ListAttachedRolePolicies","iam:ListInstanceProfiles","iam:ListRoles","iam:ListServerCertificates","acm:DescribeCertificate","acm:ListCertificates","codebuild:CreateProject","codebuild:DeleteProject","codebuild:BatchGetBuilds","codebuild:StartBuild"],"Resource":"*"}]}"#
    ),
    p!(
        "AWSGlueConsoleFullAccess",
        "/",
        r#"{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["glue:*","iam:ListRoles","iam:ListUsers","iam:ListGroups","iam:ListRolePolicies","iam:GetRole","iam:GetRolePolicy","iam:ListAttachedRolePolicies","ec2:DescribeSecurityGroups","ec2:DescribeSubnets","ec2:DescribeVpcs","ec2:DescribeKeyPairs","cloudformation:DescribeStacks","cloudformation:GetTemplateSummary"],"Resource":"*"},
{"Effect":"Allow","Action":["ec2:RunInstances"],"Resource":["arn:aws:ec2:*:*:instance/*","arn:aws:ec2:*:*:key-pair/*","arn:aws:ec2:*:*:image/*","arn:aws:ec2:*:*:security-group/*","arn:aws:ec2:*:*:network-interface/*","arn:aws:ec2:*:*:subnet/*","arn:aws:ec2:*:*:volume/*"]},
{"Effect":"Allow","Action":["iam:PassRole"],"Resource":"arn:aws:iam::*:role/AWSGlueServiceRole*","Condition":{"StringLike":{"iam:PassedToService":["glue.amazonaws.com"]}}},
{"Effect":"Allow","Action":["iam:PassRole"],"Resource":"arn:aws:iam::*:role/AWSGlueServiceNotebookRole*","Condition":{"StringLike":{"iam:PassedToService":["ec2.amazonaws.com"]}}},
{"Effect":"Allow","Action":["iam:PassRole"],"Resource":["arn:aws:iam::*:role/service-role/AWSGlueServiceRole*"],"Condition":{"StringLike":{"iam:PassedToService":["glue.amazonaws.com"]}}}]}"#
    ),
    p!(
        "AWSLambdaBasicExecutionRole",
        "/service-role/",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#
    ),
    p!(
        "AWSLambdaFullAccess",
        "/",
        r#"{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["cloudformation:DescribeChangeSet","cloudformation:DescribeStackResources","cloudformation:DescribeStacks","cloudformation:GetTemplate","cloudformation:ListStackResources","cloudwatch:*","cognito-identity:ListIdentityPools","cognito-sync:GetCognitoEvents","cognito-sync:SetCognitoEvents","dynamodb:*","ec2:DescribeSecurityGroups","ec2:DescribeSubnets","ec2:DescribeVpcs","events:*","iam:GetPolicy","iam:GetPolicyVersion","iam:GetRole","iam:GetRolePolicy","iam:ListAttachedRolePolicies","iam:ListRolePolicies","iam:ListRoles","iam:PassRole","iot:*","kinesis:*","kms:ListAliases","lambda:*","logs:*","s3:*","sns:*","sqs:*","tag:GetResources","xray:PutTelemetryRecords","xray:PutTraceSegments"],"Resource":"*"}]}"#
    ),
    p!(
        "AWSLambdaVPCAccessExecutionRole",
        "/service-role/",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents","ec2:CreateNetworkInterface","ec2:DescribeNetworkInterfaces","ec2:DescribeSubnets","ec2:DeleteNetworkInterface","ec2:AssignPrivateIpAddresses","ec2:UnassignPrivateIpAddresses"],"Resource":"*"}]}"#
    ),
    p!(
        "AWSLambda_FullAccess",
        "/",
        r#"{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["cloudformation:DescribeStacks","cloudformation:ListStackResources","cloudwatch:ListMetrics","cloudwatch:GetMetricData","ec2:DescribeSecurityGroups","ec2:DescribeSubnets","ec2:DescribeVpcs","kms:ListAliases","iam:GetPolicy","iam:GetPolicyVersion","iam:GetRole","iam:GetRolePolicy","iam:ListAttachedRolePolicies","iam:ListRolePolicies","iam:ListRoles","lambda:*","logs:DescribeLogGroups","states:DescribeStateMachine","states:ListStateMachines","tag:GetResources","xray:GetTraceSummaries","xray:BatchGetTraces"],"Resource":"*"},
{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}},
{"Effect":"Allow","Action":["logs:DescribeLogStreams","logs:GetLogEvents","logs:FilterLogEvents"],"Resource":"arn:aws:logs:*:*:log-group:/aws/lambda/*"}]}"#
    ),
    p!(
        "AWSStepFunctionsConsoleFullAccess",
        "/",
        r#"{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["states:*","iam:ListRoles","iam:CreateRole","iam:CreatePolicy","iam:AttachRolePolicy"],"Resource":"*"},
{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::*:role/service-role/StatesExecutionRole*"}]}"#
    ),
    p!(
        "AWSStepFunctionsFullAccess",
        "/",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"states:*","Resource":"*"}]}"#
    ),
    p!(
        "AdministratorAccess",
        "/",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
    ),
    p!(
        "AdministratorAccess-AWSElasticBeanstalk",
        "/",
        r#"{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["elasticbeanstalk:*","ec2:*","ecs:*","ecr:*","elasticloadbalancing:*","autoscaling:*","cloudwatch:*","s3:*","sns:*","cloudformation:*","rds:*","sqs:*","logs:*","iam:GetPolicyVersion","iam:GetRole","iam:ListRolePolicies","iam:ListAttachedRolePolicies","iam:ListInstanceProfiles","iam:ListRoles","iam:ListServerCertificates"],"Resource":"*"},
{"Effect":"Allow","Action":["iam:PassRole"],"Resource":"arn:aws:iam::*:role/*","Condition":{"StringEquals":{"iam:PassedToService":["elasticbeanstalk.amazonaws.com","ec2.amazonaws.com","ec2.amazonaws.com.cn","autoscaling.amazonaws.com","elasticloadbalancing.amazonaws.com","ecs.amazonaws.com","cloudformation.amazonaws.com"]}}}]}"#
    ),
    p!(
        "AmazonDynamoDBFullAccess",
        "/",
        r#"{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["dynamodb:*","dax:*","application-autoscaling:*","cloudwatch:GetMetricStatistics","iam:GetRole","iam:ListRoles"],"Resource":"*"},
{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringLike":{"iam:PassedToService":["application-autoscaling.amazonaws.com","application-autoscaling.amazonaws.com.cn","dax.amazonaws.com"]}}}]}"#
    ),
    p!(
        "AmazonEC2ContainerServiceFullAccess",
        "/",
        r#"{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["autoscaling:Describe*","autoscaling:UpdateAutoScalingGroup","cloudformation:CreateStack","cloudformation:DeleteStack","cloudformation:DescribeStack*","cloudformation:UpdateStack","cloudwatch:GetMetricStatistics","ec2:Describe*","elasticloadbalancing:*","ecs:*","events:DescribeRule","events:DeleteRule","events:ListRuleNamesByTarget","events:ListTargetsByRule","events:PutRule","events:PutTargets","events:RemoveTargets","iam:ListInstanceProfiles","iam:ListRoles","iam:PassRole"],"Resource":"*"}]}"#
    ),
    p!(
        "AmazonEC2FullAccess",
        "/",
        r#"{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":"ec2:*","Resource":"*"},
{"Effect":"Allow","Action":"elasticloadbalancing:*","Resource":"*"},
{"Effect":"Allow","Action":"cloudwatch:*","Resource":"*"},
{"Effect":"Allow","Action":"autoscaling:*","Resource":"*"},
{"Effect":"Allow","Action":"iam:CreateServiceLinkedRole","Resource":"*","Condition":{"StringEquals":{"iam:AWSServiceName":["autoscaling.amazonaws.com","ec2scheduled.amazonaws.com","elasticloadbalancing.amazonaws.com","spot.amazonaws.com","spotfleet.amazonaws.com","transitgateway.amazonaws.com"]}}}]}"#
    ),
    p!(
        "AmazonEC2SpotFleetTaggingRole",
        "/service-role/",
        r#"{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["ec2:DescribeImages","ec2:DescribeSubnets","ec2:RequestSpotInstances","ec2:TerminateInstances","ec2:DescribeInstanceStatus","ec2:CreateTags","ec2:RunInstances"],"Resource":"*"},
{"Effect":"Allow","Action":"iam:PassRole","Resource":["*"],"Condition":{"StringEquals":{"iam:PassedToService":["ec2.amazonaws.com","ec2.amazonaws.com.cn"]}}}]}"#
    ),
    p!(
        "AmazonECS_FullAccess",
        "/",
        r#"{"Version":"2012-10-17","Statement":[
{"Sid":"ECSIntegrationsManagementPolicy","Effect":"Allow","Action":["application-autoscaling:*","autoscaling:CreateAutoScalingGroup","autoscaling:CreateLaunchConfiguration","autoscaling:UpdateAutoScalingGroup","cloudformation:CreateStack","cloudformation:UpdateStack","ec2:CreateLaunchTemplate","ec2:Describe*","ecs:*","elasticloadbalancing:*","events:PutRule","events:PutTargets","iam:ListRoles","iam:ListInstanceProfiles","logs:CreateLogGroup","servicediscovery:*"],"Resource":"*"},
{"Sid":"TasksPassRolePolicy","Effect":"Allow","Action":["iam:PassRole"],"Resource":["*"],"Condition":{"StringLike":{"iam:PassedToService":"ecs-tasks.amazonaws.com"}}},
{"Sid":"InfrastructurePassRolePolicy","Effect":"Allow","Action":["iam:PassRole"],"Resource":["arn:aws:iam::*:role/ecsInfrastructureRole"],"Condition":{"StringEquals":{"iam:PassedToService":"ecs.amazonaws.com"}}},
{"Sid":"InstancePassRolePolicy","Effect":"Allow","Action":["iam:PassRole"],"Resource":["arn:aws:iam::*:role/ecsInstanceRole*"],"Condition":{"StringLike":{"iam:PassedToService":["ec2.amazonaws.com","ec2.amazonaws.com.cn"]}}},
{"Sid":"AutoScalingPassRolePolicy","Effect":"Allow","Action":["iam:PassRole"],"Resource":["arn:aws:iam::*:role/ecsAutoscaleRole*"],"Condition":{"StringLike":{"iam:PassedToService":["application-autoscaling.amazonaws.com","application-autoscaling.amazonaws.com.cn"]}}}]}"#
    ),
    p!(
        "AmazonEMRFullAccessPolicy_v2",
        "/",
        r#"{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["elasticmapreduce:*","ec2:Describe*","ec2:CreateSecurityGroup","iam:GetRole","iam:ListRoles","iam:ListInstanceProfiles"],"Resource":"*"},
{"Sid":"PassRoleForElasticMapReduce","Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::*:role/EMR_DefaultRole_V2","Condition":{"StringLike":{"iam:PassedToService":"elasticmapreduce.amazonaws.com*"}}},
{"Sid":"PassRoleForEC2","Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::*:role/EMR_EC2_DefaultRole","Condition":{"StringLike":{"iam:PassedToService":"ec2.amazonaws.com*"}}},
{"Sid":"PassRoleForAutoScaling","Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::*:role/EMR_AutoScaling_DefaultRole","Condition":{"StringLike":{"iam:PassedToService":"application-autoscaling.amazonaws.com*"}}}]}"#
    ),
    p!(
        "AmazonElasticMapReduceFullAccess",
        "/",
        r#"{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["cloudwatch:*","cloudformation:CreateStack","cloudformation:DescribeStackEvents","ec2:*","elasticmapreduce:*","iam:GetInstanceProfile","iam:GetRole","iam:GetPolicy","iam:GetPolicyVersion","iam:ListRoles","iam:PassRole","kms:List*","s3:*","sdb:*","support:CreateCase","support:DescribeServices","support:DescribeSeverityLevels"],"Resource":"*"}]}"#
    ),
    p!(
        "AmazonElasticMapReduceRole",
        "/service-role/",
        r#"{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["ec2:AuthorizeSecurityGroupEgress","ec2:AuthorizeSecurityGroupIngress","ec2:CancelSpotInstanceRequests","ec2:CreateFleet","ec2:CreateLaunchTemplate","ec2:CreateNetworkInterface","ec2:CreateSecurityGroup","ec2:CreateTags","ec2:Describe*","ec2:RequestSpotInstances","ec2:RunInstances","ec2:TerminateInstances","iam:GetRole","iam:GetRolePolicy","iam:ListInstanceProfiles","iam:ListRolePolicies","iam:PassRole","s3:CreateBucket","s3:Get*","s3:List*","sdb:*","sqs:*","cloudwatch:*","application-autoscaling:*"],"Resource":"*"}]}"#
    ),
    p!(
        "AmazonEventBridgeFullAccess",
        "/",
        r#"{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["events:*","schemas:*","scheduler:*","pipes:*"],"Resource":"*"},
{"Sid":"IAMPassRoleAccessForEventBridge","Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::*:role/*","Condition":{"StringLike":{"iam:PassedToService":"events.amazonaws.com"}}},
{"Sid":"IAMPassRoleAccessForScheduler","Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::*:role/*","Condition":{"StringLike":{"iam:PassedToService":"scheduler.amazonaws.com"}}},
{"Sid":"IAMPassRoleAccessForPipes","Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::*:role/*","Condition":{"StringLike":{"iam:PassedToService":"pipes.amazonaws.com"}}}]}"#
    ),
    p!(
        "AmazonKinesisAnalyticsFullAccess",
        "/",
        r#"{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["kinesisanalytics:*","kinesis:*","firehose:*","iam:ListRoles"],"Resource":"*"},
{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::*:role/service-role/kinesis-analytics*"}]}"#
    ),
    p!(
        "AmazonRDSEnhancedMonitoringRole",
        "/service-role/",
        r#"{"Version":"2012-10-17","Statement":[
{"Sid":"EnableCreationAndManagementOfRDSCloudwatchLogGroups","Effect":"Allow","Action":["logs:CreateLogGroup","logs:PutRetentionPolicy"],"Resource":["arn:aws:logs:*:*:log-group:RDS*"]},
{"Sid":"EnableCreationAndManagementOfRDSCloudwatchLogStreams","Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents","logs:DescribeLogStreams","logs:GetLogEvents"],"Resource":["arn:aws:logs:*:*:log-group:RDS*:log-stream:*"]}]}"#
    ),
    p!(
        "AmazonRDSFullAccess",
        "/",
        r#"{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["rds:*","application-autoscaling:*","cloudwatch:*","ec2:Describe*","logs:*","sns:*"],"Resource":"*"},
{"Effect":"Allow","Action":"iam:CreateServiceLinkedRole","Resource":"*","Condition":{"StringLike":{"iam:AWSServiceName":["rds.amazonaws.com","rds.application-autoscaling.amazonaws.com"]}}}]}"#
    ),
    p!(
        "AmazonS3FullAccess",
        "/",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","s3-object-lambda:*"],"Resource":"*"}]}"#
    ),
    p!(
        "AmazonS3ReadOnlyAccess",
        "/",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*","s3:Describe*","s3-object-lambda:Get*","s3-object-lambda:List*"],"Resource":"*"}]}"#
    ),
    p!(
        "AmazonSSMManagedInstanceCore",
        "/",
        r#"{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["ssm:DescribeAssociation","ssm:GetDeployablePatchSnapshotForInstance","ssm:GetDocument","ssm:DescribeDocument","ssm:GetManifest","ssm:GetParameter","ssm:GetParameters","ssm:ListAssociations","ssm:ListInstanceAssociations","ssm:PutInventory","ssm:PutComplianceItems","ssm:PutConfigurePackageResult","ssm:UpdateAssociationStatus","ssm:UpdateInstanceAssociationStatus","ssm:UpdateInstanceInformation"],"Resource":"*"},
{"Effect":"Allow","Action":["ssmmessages:CreateControlChannel","ssmmessages:CreateDataChannel","ssmmessages:OpenControlChannel","ssmmessages:OpenDataChannel","ec2messages:*"],"Resource":"*"}]}"#
    ),
    p!(
        "AmazonSSMServiceRolePolicy",
        "/aws-service-role/",
        r#"{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["ssm:*","ec2:DescribeInstances","lambda:InvokeFunction","states:DescribeExecution","states:StartExecution","resource-groups:ListGroupResources","tag:GetResources"],"Resource":"*"},
{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":["ssm.amazonaws.com"]}}}]}"#
    ),
    p!(
        "AmazonSageMakerFullAccess",
        "/",
        r#"{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["sagemaker:*","application-autoscaling:*","cloudwatch:*","ecr:*","logs:*","iam:ListRoles","iam:GetRole"],"Resource":"*"},
{"Sid":"AllowPassRoleForSageMakerRoles","Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::*:role/*AmazonSageMaker*","Condition":{"StringEquals":{"iam:PassedToService":["glue.amazonaws.com","robomaker.amazonaws.com","states.amazonaws.com"]}}},
{"Sid":"AllowPassRoleToSageMaker","Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::*:role/*","Condition":{"StringEquals":{"iam:PassedToService":"sagemaker.amazonaws.com"}}}]}"#
    ),
    p!(
        "CloudWatchEventsFullAccess",
        "/",
        r#"{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["events:*","schemas:*","scheduler:*","pipes:*"],"Resource":"*"},
{"Sid":"IAMPassRoleForCloudWatchEvents","Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::*:role/AWS_Events_Invoke_Targets"},
{"Sid":"IAMPassRoleAccessForScheduler","Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::*:role/*","Condition":{"StringEquals":{"iam:PassedToService":"scheduler.amazonaws.com"}}},
{"Sid":"IAMPassRoleAccessForPipes","Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::*:role/*","Condition":{"StringEquals":{"iam:PassedToService":"pipes.amazonaws.com"}}}]}"#
    ),
    p!(
        "DataScientist",
        "/job-function/",
        r#"{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["sagemaker:*","datapipeline:*","elasticmapreduce:*","glue:*","kinesis:*","athena:*","s3:*","iam:GetRole","iam:ListRoles"],"Resource":"*"},
{"Effect":"Allow","Action":["iam:PassRole"],"Resource":["arn:aws:iam::*:role/DataPipelineDefaultRole","arn:aws:iam::*:role/DataPipelineDefaultResourceRole","arn:aws:iam::*:role/EMR_EC2_DefaultRole","arn:aws:iam::*:role/EMR_DefaultRole","arn:aws:iam::*:role/kinesis-*"]},
{"Effect":"Allow","Action":["iam:PassRole"],"Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"sagemaker.amazonaws.com"}}}]}"#
    ),
    p!(
        "DatabaseAdministrator",
        "/job-function/",
        r#"{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["rds:*","dynamodb:*","redshift:*","elasticache:*","datapipeline:*","lambda:CreateFunction","lambda:UpdateFunctionConfiguration","iam:GetRole","iam:ListRoles","iam:CreateRole","iam:AttachRolePolicy"],"Resource":"*"},
{"Effect":"Allow","Action":["iam:PassRole"],"Resource":["arn:aws:iam::*:role/rds-monitoring-role","arn:aws:iam::*:role/rdbms-lambda-access","arn:aws:iam::*:role/lambda_exec_role","arn:aws:iam::*:role/lambda-dynamodb-*","arn:aws:iam::*:role/lambda-vpc-execution-role","arn:aws:iam::*:role/DataPipelineDefaultRole","arn:aws:iam::*:role/DataPipelineDefaultResourceRole"]}]}"#
    ),
    p!(
        "IAMFullAccess",
        "/",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","organizations:DescribeAccount","organizations:DescribeOrganization","organizations:DescribeOrganizationalUnit","organizations:DescribePolicy","organizations:ListChildren","organizations:ListParents","organizations:ListPoliciesForTarget","organizations:ListRoots","organizations:ListPolicies","organizations:ListTargetsForPolicy"],"Resource":"*"}]}"#
    ),
    p!(
        "NetworkAdministrator",
        "/job-function/",
        r#"{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["ec2:*Vpc*","ec2:*Subnet*","ec2:*Route*","ec2:*Gateway*","ec2:*FlowLogs*","ec2:Describe*","directconnect:*","route53:*","elasticloadbalancing:*","cloudfront:*"],"Resource":"*"},
{"Sid":"DiscoverFlowLogRoles","Effect":"Allow","Action":["iam:GetRole","iam:ListRoles","iam:PassRole"],"Resource":"arn:aws:iam::*:role/flow-logs-*"}]}"#
    ),
    p!(
        "PowerUserAccess",
        "/",
        r#"{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"},
{"Effect":"Allow","Action":["account:GetAccountInformation","account:GetPrimaryEmail","account:ListRegions","iam:CreateServiceLinkedRole","iam:DeleteServiceLinkedRole","iam:ListRoles","organizations:DescribeOrganization"],"Resource":"*"}]}"#
    ),
    p!(
        "ReadOnlyAccess",
        "/",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":READ_VERBS,"Resource":"*"}]}"#
    ),
    p!(
        "SecurityAudit",
        "/",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":READ_VERBS,"Resource":"*"}]}"#
    ),
    p!(
        "SystemAdministrator",
        "/job-function/",
        r#"{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["ec2:*","autoscaling:*","cloudformation:*","cloudwatch:*","lambda:*","logs:*","rds:Describe*","rds:ModifyDBInstance","rds:CreateDBInstance","s3:*","ssm:*","iam:GetRole","iam:ListRoles","iam:ListInstanceProfiles","iam:CreateInstanceProfile","iam:AddRoleToInstanceProfile"],"Resource":"*"},
{"Effect":"Allow","Action":["iam:GetRole","iam:ListRoles","iam:PassRole"],"Resource":["arn:aws:iam::*:role/rds-monitoring-role","arn:aws:iam::*:role/ec2-sysadmin-*","arn:aws:iam::*:role/ecr-sysadmin-*","arn:aws:iam::*:role/lambda-sysadmin-*"]}]}"#
    ),
    p!(
        "ViewOnlyAccess",
        "/job-function/",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":READ_VERBS,"Resource":"*"}]}"#
    ),
];

/// The text of a built-in document with the shared read-only verb list filled in.
#[must_use]
pub fn document_text(p: &BuiltinPolicy) -> String {
    p.document.replace("READ_VERBS", READ_VERBS)
}

/// Finds a built-in policy by ARN (any partition) or by bare name.
#[must_use]
pub fn lookup(arn_or_name: &str) -> Option<&'static BuiltinPolicy> {
    let name_path = arn_or_name
        .split_once(":iam::aws:policy")
        .map(|(_, rest)| rest)
        .filter(|_| arn_or_name.starts_with("arn:"));
    BUILTIN.iter().find(|p| match name_path {
        Some(rest) => rest == format!("{}{}", p.path, p.name),
        None => p.name == arn_or_name,
    })
}

/// The built-in policy as a model entity, its document read from `file` (which the caller
/// registered with the text of [`document_text`]).
#[must_use]
pub fn to_managed_policy(
    p: &BuiltinPolicy,
    file: passgraph_model::FileId,
) -> passgraph_model::ManagedPolicy {
    use passgraph_model::{ManagedPolicy, Origin, PolicyDocument, Str, TextRange};
    let text = document_text(p);
    let origin = Origin::new(file, TextRange::new(0, text.len()))
        .with_address(format!("aws-managed:{}", p.name));
    let document = match passgraph_json::parse(file, &text) {
        Ok(node) => PolicyDocument::from_node(&node).0,
        // The table is tested to parse; an error here is a bug, and an unknown document is the
        // sound way to carry on.
        Err(_) => PolicyDocument::unknown("built-in document", origin.clone()),
    };
    ManagedPolicy {
        name: Str::lit(p.name),
        path: Str::lit(p.path),
        arn: Str::lit(p.arn()),
        document,
        uncertain: false,
        origin,
    }
}

/// Adds the built-in documents of the AWS managed policies that the account attaches (as
/// policies, boundaries or attachments) and does not define itself. `register` records a
/// built-in document's text as a source file (so positions can be shown) and returns its id.
/// Returns the names added.
pub fn add_builtins(
    account: &mut passgraph_model::Account,
    register: &mut dyn FnMut(&str, String) -> passgraph_model::FileId,
) -> Vec<&'static str> {
    use passgraph_model::account::AttachedPolicy;
    // References may carry the partition as a hole (`arn:${aws:partition}:iam::aws:policy/...`):
    // the policy is the same in every partition.
    let mut wanted: Vec<passgraph_model::Str> = Vec::new();
    let mut want = |r: &passgraph_model::PolicyRef| {
        if r.arn.to_string().contains(":iam::aws:policy/") {
            wanted.push(r.arn.clone());
        }
    };
    for u in &account.users {
        u.attached
            .iter()
            .chain(u.boundary.iter())
            .for_each(&mut want);
    }
    for g in &account.groups {
        g.attached.iter().for_each(&mut want);
    }
    for r in &account.roles {
        r.attached
            .iter()
            .chain(r.boundary.iter())
            .for_each(&mut want);
    }
    for a in &account.attachments {
        if let AttachedPolicy::Managed(r) | AttachedPolicy::Boundary(r) = &a.policy {
            want(r);
        }
    }
    wanted.sort();
    wanted.dedup();
    let mut added = Vec::new();
    for arn in wanted {
        if account.policies.iter().any(|p| p.arn == arn) {
            continue;
        }
        let Some(b) = lookup(&arn.to_string()) else {
            continue;
        };
        let file = register(
            &format!("builtin:aws-managed-policies/{}.json", b.name),
            document_text(b),
        );
        let mut p = to_managed_policy(b, file);
        // The reference may name another partition; the policy answers to the ARN used.
        p.arn = arn;
        account.policies.push(p);
        added.push(b.name);
    }
    added
}

/// AWS managed policies, by name, that grant no `iam:PassRole` (a test checks the list against
/// every PassRole statement AWS publishes). Their documents are not built in; what they grant
/// besides PassRole is taken as possible.
pub const NO_PASSROLE: &[&str] = &[
    "AWSAccountUsageReportAccess",
    "AWSCloudFormationReadOnlyAccess",
    "AWSCloudTrailReadOnlyAccess",
    "AWSCodeBuildReadOnlyAccess",
    "AWSCodeCommitFullAccess",
    "AWSCodeCommitPowerUser",
    "AWSCodeCommitReadOnly",
    "AWSCodeDeployReadOnlyAccess",
    "AWSCodeDeployRole",
    "AWSCodePipelineReadOnlyAccess",
    "AWSConfigRole",
    "AWSConfigRulesExecutionRole",
    "AWSConfigServiceRolePolicy",
    "AWSElasticLoadBalancingServiceRolePolicy",
    "AWSGlueServiceRole",
    "AWSKeyManagementServicePowerUser",
    "AWSLambdaDynamoDBExecutionRole",
    "AWSLambdaExecute",
    "AWSLambdaKinesisExecutionRole",
    "AWSLambdaReadOnlyAccess",
    "AWSLambdaRole",
    "AWSLambdaSQSQueueExecutionRole",
    "AWSLambda_ReadOnlyAccess",
    "AWSSupportAccess",
    "AWSSupportServiceRolePolicy",
    "AWSTrustedAdvisorServiceRolePolicy",
    "AWSXRayDaemonWriteAccess",
    "AWSXrayReadOnlyAccess",
    "AWSXrayWriteOnlyAccess",
    "AWS_ConfigRole",
    "AmazonAPIGatewayPushToCloudWatchLogs",
    "AmazonChimeReadOnly",
    "AmazonCognitoReadOnly",
    "AmazonDMSCloudWatchLogsRole",
    "AmazonDMSVPCManagementRole",
    "AmazonDynamoDBReadOnlyAccess",
    "AmazonEC2ContainerRegistryFullAccess",
    "AmazonEC2ContainerRegistryPowerUser",
    "AmazonEC2ContainerRegistryReadOnly",
    "AmazonEC2ContainerServiceforEC2Role",
    "AmazonEC2ReadOnlyAccess",
    "AmazonEC2RoleforAWSCodeDeploy",
    "AmazonEC2RoleforSSM",
    "AmazonECSTaskExecutionRolePolicy",
    "AmazonEKSClusterPolicy",
    "AmazonEKSServicePolicy",
    "AmazonEKSVPCResourceController",
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonElastiCacheReadOnlyAccess",
    "AmazonElasticFileSystemClientReadWriteAccess",
    "AmazonElasticMapReduceforEC2Role",
    "AmazonKinesisFullAccess",
    "AmazonKinesisReadOnlyAccess",
    "AmazonRDSReadOnlyAccess",
    "AmazonRoute53FullAccess",
    "AmazonSESFullAccess",
    "AmazonSNSFullAccess",
    "AmazonSNSReadOnlyAccess",
    "AmazonSQSFullAccess",
    "AmazonSQSReadOnlyAccess",
    "AmazonSSMDirectoryServiceAccess",
    "AmazonSSMReadOnlyAccess",
    "AmazonVPCFullAccess",
    "AmazonVPCReadOnlyAccess",
    "AutoScalingConsoleReadOnlyAccess",
    "Billing",
    "CloudWatchAgentServerPolicy",
    "CloudWatchLambdaInsightsExecutionRolePolicy",
    "CloudWatchLogsFullAccess",
    "CloudWatchLogsReadOnlyAccess",
    "CloudWatchReadOnlyAccess",
    "IAMReadOnlyAccess",
    "IAMUserChangePassword",
];

/// AWS managed policies that are known to hold Deny statements and are not built in: an
/// approximation for them may deny too.
pub const MAY_DENY: &[&str] = &[
    "AWSCompromisedKeyQuarantine",
    "AWSCompromisedKeyQuarantineV2",
    "AWSCompromisedKeyQuarantineV3",
];

/// How an AWS managed policy that is not built in is approximated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Approximation {
    /// Known to grant no `iam:PassRole`: it may allow anything else, and denies nothing.
    NoPassRole,
    /// Not known: it may allow anything, and denies nothing (AWS managed policies hold no
    /// Deny statements, except the few in [`MAY_DENY`] and the built-in `AWSDenyAll`).
    MayAllow,
    /// Not known and may deny: the whole document is unknown.
    Unknown,
}

/// The approximation of an AWS managed policy (`arn:<partition>:iam::aws:policy/...`) that is
/// neither built in nor loaded; `None` for a policy that is not AWS managed.
#[must_use]
pub fn approximate(
    arn: &str,
    origin: &passgraph_model::Origin,
) -> Option<(passgraph_model::PolicyDocument, Approximation)> {
    use passgraph_model::{ActionSpec, Effect, PolicyDocument, ResourceSpec, Statement, Str};
    let (_, rest) = arn.split_once(":iam::aws:policy/")?;
    let name = rest.rsplit('/').next().unwrap_or(rest);
    let kind = if NO_PASSROLE.contains(&name) {
        Approximation::NoPassRole
    } else if MAY_DENY.contains(&name) {
        Approximation::Unknown
    } else {
        Approximation::MayAllow
    };
    let hole = Str::hole(format!("the document of AWS managed policy {name}"));
    let actions = match kind {
        Approximation::NoPassRole => ActionSpec::NotAction(vec![Str::lit("iam:PassRole")]),
        Approximation::MayAllow => ActionSpec::Action(vec![hole.clone()]),
        Approximation::Unknown => {
            return Some((
                PolicyDocument::unknown(format!("AWS managed policy {name}"), origin.clone()),
                kind,
            ));
        }
    };
    let statement = Statement {
        sid: Some("approximation".to_owned()),
        effect: Effect::Allow,
        actions,
        resources: ResourceSpec::Resource(vec![hole]),
        principals: None,
        conditions: Vec::new(),
        uncertain: true,
        index: 0,
        origin: origin.clone(),
    };
    Some((
        PolicyDocument::with_statements(
            Some("2012-10-17".to_owned()),
            vec![statement],
            origin.clone(),
        ),
        kind,
    ))
}
