//! SAM (`Transform: AWS::Serverless-2016-10-31`): the execution role that SAM generates for a
//! serverless function or state machine without `Role`.
//!
//! SAM's translator is not run; its output for roles is modelled instead, as
//! `samtranslator` writes it: a role with logical id `<Id>Role` and a generated name, trusting
//! `lambda.amazonaws.com` (or `states.amazonaws.com`), with `AWSLambdaBasicExecutionRole`
//! attached to functions (plus the X-Ray and VPC policies when `Tracing: Active` / `VpcConfig`
//! are set), and the function's `Policies`: AWS managed policy names or ARNs, inline documents,
//! and SAM policy templates ([`POLICY_TEMPLATES`]). The function hands the role to its service.

use passgraph_model::{
    Account, AttachedPolicy, Attachment, Code, InlinePolicy, Level, Node, NodeKind, Origin,
    PolicyRef, PrincipalTarget, Role, RoleTarget, RoleUse, Str,
};

use crate::doc::policy_document;
use crate::iam::{items, unknown_document};
use crate::resolve::Ctx;
use crate::template::Resource;

/// AWS managed policies that live under a path, for SAM's bare policy names.
const MANAGED_PATHS: &[(&str, &str)] = &[
    ("AWSBatchServiceRole", "service-role/"),
    ("AWSCodeDeployRole", "service-role/"),
    ("AWSCodeDeployRoleForECS", "service-role/"),
    ("AWSCodeDeployRoleForLambda", "service-role/"),
    ("AWSConfigRulesExecutionRole", "service-role/"),
    ("AWSDataPipelineRole", "service-role/"),
    ("AWSElasticBeanstalkEnhancedHealth", "service-role/"),
    ("AWSElasticBeanstalkService", "service-role/"),
    ("AWSGlueServiceRole", "service-role/"),
    ("AWSIoTLogging", "service-role/"),
    ("AWSIoTRuleActions", "service-role/"),
    ("AWSLambdaBasicExecutionRole", "service-role/"),
    ("AWSLambdaDynamoDBExecutionRole", "service-role/"),
    ("AWSLambdaENIManagementAccess", "service-role/"),
    ("AWSLambdaKinesisExecutionRole", "service-role/"),
    ("AWSLambdaMSKExecutionRole", "service-role/"),
    ("AWSLambdaRole", "service-role/"),
    ("AWSLambdaSQSQueueExecutionRole", "service-role/"),
    ("AWSLambdaVPCAccessExecutionRole", "service-role/"),
    ("AWS_ConfigRole", "service-role/"),
    ("AmazonAPIGatewayPushToCloudWatchLogs", "service-role/"),
    ("AmazonEC2ContainerServiceRole", "service-role/"),
    ("AmazonEC2ContainerServiceforEC2Role", "service-role/"),
    ("AmazonEC2RoleforDataPipelineRole", "service-role/"),
    ("AmazonEC2RoleforSSM", "service-role/"),
    ("AmazonEC2SpotFleetTaggingRole", "service-role/"),
    ("AmazonECSTaskExecutionRolePolicy", "service-role/"),
    ("AmazonElasticMapReduceRole", "service-role/"),
    ("AmazonElasticMapReduceforAutoScalingRole", "service-role/"),
    ("AmazonElasticMapReduceforEC2Role", "service-role/"),
    ("AmazonRDSEnhancedMonitoringRole", "service-role/"),
    ("AmazonSSMAutomationRole", "service-role/"),
    ("AWSAppSyncPushToCloudWatchLogs", "service-role/"),
    ("Billing", "job-function/"),
    ("DataScientist", "job-function/"),
    ("DatabaseAdministrator", "job-function/"),
    ("NetworkAdministrator", "job-function/"),
    ("SupportUser", "job-function/"),
    ("SystemAdministrator", "job-function/"),
    ("ViewOnlyAccess", "job-function/"),
];

/// A statement of a SAM policy template: actions, and resources as `Fn::Sub` strings over the
/// template's parameters.
type TemplateStatement = (&'static [&'static str], &'static [&'static str]);

macro_rules! arn {
    ($rest:literal) => {
        concat!("arn:${AWS::Partition}:", $rest)
    };
}

/// The SAM policy templates modelled, from `samtranslator/policy_templates_data/policy_templates.json`.
/// An unknown template gives an `unknown-policy` diagnostic and an unknown document.
pub(crate) const POLICY_TEMPLATES: &[(&str, &[TemplateStatement])] = &[
    ("AMIDescribePolicy", &[(&["ec2:DescribeImages"], &["*"])]),
    (
        "AWSSecretsManagerGetSecretValuePolicy",
        &[(&["secretsmanager:GetSecretValue"], &["${SecretArn}"])],
    ),
    (
        "AWSSecretsManagerRotationPolicy",
        &[
            (
                &[
                    "secretsmanager:DescribeSecret",
                    "secretsmanager:GetSecretValue",
                    "secretsmanager:PutSecretValue",
                    "secretsmanager:UpdateSecretVersionStage",
                ],
                &[arn!(
                    "secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:*"
                )],
            ),
            (&["secretsmanager:GetRandomPassword"], &["*"]),
        ],
    ),
    (
        "AcmGetCertificatePolicy",
        &[(&["acm:GetCertificate"], &["${CertificateArn}"])],
    ),
    (
        "AthenaQueryPolicy",
        &[
            (
                &[
                    "athena:ListWorkGroups",
                    "athena:GetExecutionEngine",
                    "athena:GetExecutionEngines",
                    "athena:GetNamespace",
                    "athena:GetCatalogs",
                    "athena:GetNamespaces",
                    "athena:GetTables",
                    "athena:GetTable",
                ],
                &["*"],
            ),
            (
                &[
                    "athena:StartQueryExecution",
                    "athena:GetQueryResults",
                    "athena:DeleteNamedQuery",
                    "athena:GetNamedQuery",
                    "athena:ListQueryExecutions",
                    "athena:StopQueryExecution",
                    "athena:GetQueryResultsStream",
                    "athena:ListNamedQueries",
                    "athena:CreateNamedQuery",
                    "athena:GetQueryExecution",
                    "athena:BatchGetNamedQuery",
                    "athena:BatchGetQueryExecution",
                    "athena:GetWorkGroup",
                ],
                &[arn!(
                    "athena:${AWS::Region}:${AWS::AccountId}:workgroup/${WorkGroupName}"
                )],
            ),
        ],
    ),
    (
        "CloudFormationDescribeStacksPolicy",
        &[(
            &["cloudformation:DescribeStacks"],
            &[arn!(
                "cloudformation:${AWS::Region}:${AWS::AccountId}:stack/*"
            )],
        )],
    ),
    (
        "CloudWatchDescribeAlarmHistoryPolicy",
        &[(&["cloudwatch:DescribeAlarmHistory"], &["*"])],
    ),
    (
        "CloudWatchPutMetricPolicy",
        &[(&["cloudwatch:PutMetricData"], &["*"])],
    ),
    (
        "CodePipelineLambdaExecutionPolicy",
        &[(
            &[
                "codepipeline:PutJobSuccessResult",
                "codepipeline:PutJobFailureResult",
            ],
            &["*"],
        )],
    ),
    (
        "ComprehendBasicAccessPolicy",
        &[(
            &[
                "comprehend:BatchDetectKeyPhrases",
                "comprehend:DetectDominantLanguage",
                "comprehend:DetectEntities",
                "comprehend:BatchDetectEntities",
                "comprehend:DetectKeyPhrases",
                "comprehend:DetectSentiment",
                "comprehend:BatchDetectDominantLanguage",
                "comprehend:BatchDetectSentiment",
            ],
            &["*"],
        )],
    ),
    (
        "CostExplorerReadOnlyPolicy",
        &[(
            &[
                "ce:GetCostAndUsage",
                "ce:GetDimensionValues",
                "ce:GetReservationCoverage",
                "ce:GetReservationPurchaseRecommendation",
                "ce:GetReservationUtilization",
                "ce:GetTags",
            ],
            &["*"],
        )],
    ),
    (
        "DynamoDBCrudPolicy",
        &[(
            &[
                "dynamodb:GetItem",
                "dynamodb:DeleteItem",
                "dynamodb:PutItem",
                "dynamodb:Scan",
                "dynamodb:Query",
                "dynamodb:UpdateItem",
                "dynamodb:BatchWriteItem",
                "dynamodb:BatchGetItem",
                "dynamodb:DescribeTable",
                "dynamodb:ConditionCheckItem",
            ],
            &[
                arn!("dynamodb:${AWS::Region}:${AWS::AccountId}:table/${TableName}"),
                arn!("dynamodb:${AWS::Region}:${AWS::AccountId}:table/${TableName}/index/*"),
            ],
        )],
    ),
    (
        "DynamoDBReadPolicy",
        &[(
            &[
                "dynamodb:GetItem",
                "dynamodb:Scan",
                "dynamodb:Query",
                "dynamodb:BatchGetItem",
                "dynamodb:DescribeTable",
            ],
            &[
                arn!("dynamodb:${AWS::Region}:${AWS::AccountId}:table/${TableName}"),
                arn!("dynamodb:${AWS::Region}:${AWS::AccountId}:table/${TableName}/index/*"),
            ],
        )],
    ),
    (
        "DynamoDBReconfigurePolicy",
        &[(
            &["dynamodb:UpdateTable"],
            &[arn!(
                "dynamodb:${AWS::Region}:${AWS::AccountId}:table/${TableName}"
            )],
        )],
    ),
    (
        "DynamoDBStreamReadPolicy",
        &[
            (
                &[
                    "dynamodb:DescribeStream",
                    "dynamodb:GetRecords",
                    "dynamodb:GetShardIterator",
                ],
                &[arn!(
                    "dynamodb:${AWS::Region}:${AWS::AccountId}:table/${TableName}/stream/${StreamName}"
                )],
            ),
            (
                &["dynamodb:ListStreams"],
                &[arn!(
                    "dynamodb:${AWS::Region}:${AWS::AccountId}:table/${TableName}/stream/*"
                )],
            ),
        ],
    ),
    (
        "DynamoDBWritePolicy",
        &[(
            &[
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:BatchWriteItem",
            ],
            &[
                arn!("dynamodb:${AWS::Region}:${AWS::AccountId}:table/${TableName}"),
                arn!("dynamodb:${AWS::Region}:${AWS::AccountId}:table/${TableName}/index/*"),
            ],
        )],
    ),
    (
        "EC2DescribePolicy",
        &[(&["ec2:DescribeRegions", "ec2:DescribeInstances"], &["*"])],
    ),
    (
        "EKSDescribePolicy",
        &[(&["eks:DescribeCluster", "eks:ListClusters"], &["*"])],
    ),
    (
        "EcsRunTaskPolicy",
        &[(
            &["ecs:RunTask"],
            &[arn!(
                "ecs:${AWS::Region}:${AWS::AccountId}:task-definition/${TaskDefinition}"
            )],
        )],
    ),
    (
        "ElasticsearchHttpPostPolicy",
        &[(
            &["es:ESHttpPost", "es:ESHttpPut"],
            &[arn!(
                "es:${AWS::Region}:${AWS::AccountId}:domain/${DomainName}/*"
            )],
        )],
    ),
    (
        "EventBridgePutEventsPolicy",
        &[(
            &["events:PutEvents"],
            &[arn!(
                "events:${AWS::Region}:${AWS::AccountId}:event-bus/${EventBusName}"
            )],
        )],
    ),
    (
        "FilterLogEventsPolicy",
        &[(
            &["logs:FilterLogEvents"],
            &[arn!(
                "logs:${AWS::Region}:${AWS::AccountId}:log-group:${LogGroupName}:log-stream:*"
            )],
        )],
    ),
    (
        "FirehoseCrudPolicy",
        &[(
            &[
                "firehose:CreateDeliveryStream",
                "firehose:DeleteDeliveryStream",
                "firehose:DescribeDeliveryStream",
                "firehose:PutRecord",
                "firehose:PutRecordBatch",
                "firehose:UpdateDestination",
            ],
            &[arn!(
                "firehose:${AWS::Region}:${AWS::AccountId}:deliverystream/${DeliveryStreamName}"
            )],
        )],
    ),
    (
        "FirehoseWritePolicy",
        &[(
            &["firehose:PutRecord", "firehose:PutRecordBatch"],
            &[arn!(
                "firehose:${AWS::Region}:${AWS::AccountId}:deliverystream/${DeliveryStreamName}"
            )],
        )],
    ),
    (
        "KMSDecryptPolicy",
        &[(
            &["kms:Decrypt"],
            &[arn!("kms:${AWS::Region}:${AWS::AccountId}:key/${KeyId}")],
        )],
    ),
    (
        "KMSEncryptPolicy",
        &[(
            &["kms:Encrypt"],
            &[arn!("kms:${AWS::Region}:${AWS::AccountId}:key/${KeyId}")],
        )],
    ),
    (
        "KinesisCrudPolicy",
        &[(
            &[
                "kinesis:AddTagsToStream",
                "kinesis:CreateStream",
                "kinesis:DecreaseStreamRetentionPeriod",
                "kinesis:DeleteStream",
                "kinesis:DescribeStream",
                "kinesis:DescribeStreamSummary",
                "kinesis:GetShardIterator",
                "kinesis:IncreaseStreamRetentionPeriod",
                "kinesis:ListTagsForStream",
                "kinesis:MergeShards",
                "kinesis:PutRecord",
                "kinesis:PutRecords",
                "kinesis:SplitShard",
                "kinesis:RemoveTagsFromStream",
            ],
            &[arn!(
                "kinesis:${AWS::Region}:${AWS::AccountId}:stream/${StreamName}"
            )],
        )],
    ),
    (
        "KinesisStreamReadPolicy",
        &[
            (
                &["kinesis:ListStreams", "kinesis:DescribeLimits"],
                &[arn!("kinesis:${AWS::Region}:${AWS::AccountId}:stream/*")],
            ),
            (
                &[
                    "kinesis:DescribeStream",
                    "kinesis:DescribeStreamSummary",
                    "kinesis:GetRecords",
                    "kinesis:GetShardIterator",
                ],
                &[arn!(
                    "kinesis:${AWS::Region}:${AWS::AccountId}:stream/${StreamName}"
                )],
            ),
        ],
    ),
    (
        "LambdaInvokePolicy",
        &[(
            &["lambda:InvokeFunction"],
            &[arn!(
                "lambda:${AWS::Region}:${AWS::AccountId}:function:${FunctionName}*"
            )],
        )],
    ),
    (
        "OrganizationsListAccountsPolicy",
        &[(&["organizations:ListAccounts"], &["*"])],
    ),
    (
        "PollyFullAccessPolicy",
        &[
            (
                &["polly:GetLexicon", "polly:DeleteLexicon"],
                &[arn!(
                    "polly:${AWS::Region}:${AWS::AccountId}:lexicon/${LexiconName}"
                )],
            ),
            (
                &[
                    "polly:DescribeVoices",
                    "polly:ListLexicons",
                    "polly:PutLexicon",
                    "polly:SynthesizeSpeech",
                ],
                &[arn!("polly:${AWS::Region}:${AWS::AccountId}:lexicon/*")],
            ),
        ],
    ),
    (
        "RekognitionDetectOnlyPolicy",
        &[(
            &[
                "rekognition:DetectFaces",
                "rekognition:DetectLabels",
                "rekognition:DetectModerationLabels",
                "rekognition:DetectText",
            ],
            &["*"],
        )],
    ),
    (
        "Route53ChangeResourceRecordSetsPolicy",
        &[(
            &["route53:ChangeResourceRecordSets"],
            &[arn!("route53:::hostedzone/${HostedZoneId}")],
        )],
    ),
    (
        "S3CrudPolicy",
        &[(
            &[
                "s3:GetObject",
                "s3:ListBucket",
                "s3:GetBucketLocation",
                "s3:GetObjectVersion",
                "s3:PutObject",
                "s3:PutObjectAcl",
                "s3:GetLifecycleConfiguration",
                "s3:PutLifecycleConfiguration",
                "s3:DeleteObject",
            ],
            &[arn!("s3:::${BucketName}"), arn!("s3:::${BucketName}/*")],
        )],
    ),
    (
        "S3FullAccessPolicy",
        &[
            (
                &[
                    "s3:GetObject",
                    "s3:GetObjectAcl",
                    "s3:GetObjectVersion",
                    "s3:PutObject",
                    "s3:PutObjectAcl",
                    "s3:DeleteObject",
                    "s3:DeleteObjectTagging",
                    "s3:DeleteObjectVersionTagging",
                    "s3:GetObjectTagging",
                    "s3:GetObjectVersionTagging",
                    "s3:PutObjectTagging",
                    "s3:PutObjectVersionTagging",
                ],
                &[arn!("s3:::${BucketName}/*")],
            ),
            (
                &[
                    "s3:ListBucket",
                    "s3:GetBucketLocation",
                    "s3:GetLifecycleConfiguration",
                    "s3:PutLifecycleConfiguration",
                ],
                &[arn!("s3:::${BucketName}")],
            ),
        ],
    ),
    (
        "S3ReadPolicy",
        &[(
            &[
                "s3:GetObject",
                "s3:ListBucket",
                "s3:GetBucketLocation",
                "s3:GetObjectVersion",
                "s3:GetLifecycleConfiguration",
            ],
            &[arn!("s3:::${BucketName}"), arn!("s3:::${BucketName}/*")],
        )],
    ),
    (
        "S3WritePolicy",
        &[(
            &[
                "s3:PutObject",
                "s3:PutObjectAcl",
                "s3:PutLifecycleConfiguration",
            ],
            &[arn!("s3:::${BucketName}"), arn!("s3:::${BucketName}/*")],
        )],
    ),
    (
        "SESBulkTemplatedCrudPolicy",
        &[(
            &[
                "ses:GetIdentityVerificationAttributes",
                "ses:SendEmail",
                "ses:SendRawEmail",
                "ses:SendTemplatedEmail",
                "ses:SendBulkTemplatedEmail",
                "ses:VerifyEmailIdentity",
            ],
            &[arn!(
                "ses:${AWS::Region}:${AWS::AccountId}:identity/${IdentityName}"
            )],
        )],
    ),
    (
        "SESCrudPolicy",
        &[(
            &[
                "ses:GetIdentityVerificationAttributes",
                "ses:SendEmail",
                "ses:SendRawEmail",
                "ses:VerifyEmailIdentity",
            ],
            &[arn!(
                "ses:${AWS::Region}:${AWS::AccountId}:identity/${IdentityName}"
            )],
        )],
    ),
    (
        "SESSendBouncePolicy",
        &[(
            &["ses:SendBounce"],
            &[arn!(
                "ses:${AWS::Region}:${AWS::AccountId}:identity/${IdentityName}"
            )],
        )],
    ),
    (
        "SNSCrudPolicy",
        &[(
            &[
                "sns:ListSubscriptionsByTopic",
                "sns:CreateTopic",
                "sns:SetTopicAttributes",
                "sns:Subscribe",
                "sns:Publish",
            ],
            &[arn!("sns:${AWS::Region}:${AWS::AccountId}:${TopicName}*")],
        )],
    ),
    (
        "SNSPublishMessagePolicy",
        &[(
            &["sns:Publish"],
            &[arn!("sns:${AWS::Region}:${AWS::AccountId}:${TopicName}")],
        )],
    ),
    (
        "SQSPollerPolicy",
        &[(
            &[
                "sqs:ChangeMessageVisibility",
                "sqs:ChangeMessageVisibilityBatch",
                "sqs:DeleteMessage",
                "sqs:DeleteMessageBatch",
                "sqs:GetQueueAttributes",
                "sqs:ReceiveMessage",
            ],
            &[arn!("sqs:${AWS::Region}:${AWS::AccountId}:${QueueName}")],
        )],
    ),
    (
        "SQSSendMessagePolicy",
        &[(
            &["sqs:SendMessage*"],
            &[arn!("sqs:${AWS::Region}:${AWS::AccountId}:${QueueName}")],
        )],
    ),
    (
        "SSMParameterReadPolicy",
        &[
            (&["ssm:DescribeParameters"], &["*"]),
            (
                &[
                    "ssm:GetParameters",
                    "ssm:GetParameter",
                    "ssm:GetParametersByPath",
                ],
                &[arn!(
                    "ssm:${AWS::Region}:${AWS::AccountId}:parameter/${ParameterName}"
                )],
            ),
        ],
    ),
    (
        "SSMParameterWithSlashPrefixReadPolicy",
        &[
            (&["ssm:DescribeParameters"], &["*"]),
            (
                &[
                    "ssm:GetParameters",
                    "ssm:GetParameter",
                    "ssm:GetParametersByPath",
                ],
                &[arn!(
                    "ssm:${AWS::Region}:${AWS::AccountId}:parameter${ParameterName}"
                )],
            ),
        ],
    ),
    (
        "StepFunctionsExecutionPolicy",
        &[(
            &["states:StartExecution"],
            &[arn!(
                "states:${AWS::Region}:${AWS::AccountId}:stateMachine:${StateMachineName}"
            )],
        )],
    ),
    ("TextractPolicy", &[(&["textract:*"], &["*"])]),
    (
        "VPCAccessPolicy",
        &[(
            &[
                "ec2:CreateNetworkInterface",
                "ec2:DeleteNetworkInterface",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DetachNetworkInterface",
            ],
            &["*"],
        )],
    ),
];

/// The ARN of an AWS managed policy named as SAM allows: a bare name or an ARN.
fn managed_arn(ctx: &Ctx<'_>, s: Str) -> Str {
    let Some(name) = s.as_known() else { return s };
    if name.starts_with("arn:") {
        return s;
    }
    let path = MANAGED_PATHS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, p)| *p);
    ctx.aws_managed_arn(&format!("{path}{name}"))
}

fn string(s: &str, o: &Origin) -> Node {
    Node::new(NodeKind::String(Str::lit(s)), o.clone())
}

fn object(entries: Vec<(&str, Node)>, o: &Origin) -> Node {
    Node::new(
        NodeKind::Object(
            entries
                .into_iter()
                .map(|(k, v)| (Str::lit(k), o.clone(), v))
                .collect(),
        ),
        o.clone(),
    )
}

/// The document of a SAM policy template, before resolution: `Fn::Sub` over its parameters.
fn template_document(statements: &[TemplateStatement], params: &Node, o: &Origin) -> Node {
    let params = match params.kind {
        NodeKind::Object(_) => params.clone(),
        _ => Node::new(NodeKind::Object(Vec::new()), o.clone()),
    };
    let statements = statements
        .iter()
        .map(|(actions, resources)| {
            let actions = Node::new(
                NodeKind::Array(actions.iter().map(|a| string(a, o)).collect()),
                o.clone(),
            );
            let resources = resources
                .iter()
                .map(|r| {
                    let sub = Node::new(
                        NodeKind::Array(vec![string(r, o), params.clone()]),
                        o.clone(),
                    );
                    object(vec![("Fn::Sub", sub)], o)
                })
                .collect();
            object(
                vec![
                    ("Effect", string("Allow", o)),
                    ("Action", actions),
                    ("Resource", Node::new(NodeKind::Array(resources), o.clone())),
                ],
                o,
            )
        })
        .collect();
    object(
        vec![
            ("Version", string("2012-10-17", o)),
            (
                "Statement",
                Node::new(NodeKind::Array(statements), o.clone()),
            ),
        ],
        o,
    )
}

fn trust_document(service: &str, o: &Origin) -> Node {
    let principal = object(
        vec![(
            "Service",
            Node::new(NodeKind::Array(vec![string(service, o)]), o.clone()),
        )],
        o,
    );
    let statement = object(
        vec![
            ("Effect", string("Allow", o)),
            ("Principal", principal),
            (
                "Action",
                Node::new(
                    NodeKind::Array(vec![string("sts:AssumeRole", o)]),
                    o.clone(),
                ),
            ),
        ],
        o,
    );
    object(
        vec![
            ("Version", string("2012-10-17", o)),
            (
                "Statement",
                Node::new(NodeKind::Array(vec![statement]), o.clone()),
            ),
        ],
        o,
    )
}

/// A resolved property of the serverless resource a role is generated for.
fn fprop(ctx: &mut Ctx<'_>, f: &Resource, name: &str) -> Option<Node> {
    let node = f.props.as_ref()?.get(name)?.clone();
    ctx.resolve(&node)
}

/// The role SAM generates for a function or state machine, and its use.
pub(crate) fn generated_role(
    ctx: &mut Ctx<'_>,
    acc: &mut Account,
    i: usize,
    r: &Resource,
    uncertain: bool,
) {
    let Some(f) = r
        .generated_for
        .and_then(|fi| ctx.tpl.resources.get(fi))
        .cloned()
    else {
        return;
    };
    let function = f.ty == "AWS::Serverless::Function";
    let service = if function {
        "lambda.amazonaws.com"
    } else {
        "states.amazonaws.com"
    };
    let o = f.origin.clone();
    let ident = ctx.ident(i);
    let arn = ctx.arn("role", &ident);
    let trust_node =
        fprop(ctx, &f, "AssumeRolePolicyDocument").unwrap_or_else(|| trust_document(service, &o));
    let trust = policy_document(ctx, &trust_node);
    let target = PrincipalTarget::Role(ident.name.clone());
    let mut attached = Vec::new();
    if function {
        attached.push(PolicyRef {
            arn: ctx.aws_managed_arn("service-role/AWSLambdaBasicExecutionRole"),
            origin: o.clone(),
        });
        if let Some(t) = fprop(ctx, &f, "Tracing")
            && ctx.alts(&t).iter().any(|s| s.as_known() == Some("Active"))
        {
            attached.push(PolicyRef {
                arn: ctx.aws_managed_arn("AWSXrayWriteOnlyAccess"),
                origin: t.origin.clone(),
            });
        }
        if let Some(v) = fprop(ctx, &f, "VpcConfig") {
            attached.push(PolicyRef {
                arn: ctx.aws_managed_arn("service-role/AWSLambdaVPCAccessExecutionRole"),
                origin: v.origin.clone(),
            });
        }
    }
    let mut inline = Vec::new();
    if let Some(policies) = fprop(ctx, &f, "Policies") {
        let mut list = Vec::new();
        items(&policies, false, &mut list);
        for (n, (item, conditional)) in list.into_iter().enumerate() {
            let policy_name = format!("{}RolePolicy{n}", f.id);
            match sam_policy(ctx, &item, &policy_name) {
                Some(SamPolicy::Managed(pref)) if conditional => acc.attachments.push(Attachment {
                    target: target.clone(),
                    origin: pref.origin.clone(),
                    policy: AttachedPolicy::Managed(pref),
                    uncertain: true,
                }),
                Some(SamPolicy::Managed(pref)) => attached.push(pref),
                Some(SamPolicy::Inline(p)) if conditional => acc.attachments.push(Attachment {
                    target: target.clone(),
                    origin: p.origin.clone(),
                    policy: AttachedPolicy::Inline(p),
                    uncertain: true,
                }),
                Some(SamPolicy::Inline(p)) => inline.push(p),
                None => {}
            }
        }
    }
    let boundary = fprop(ctx, &f, "PermissionsBoundary").and_then(|b| {
        ctx.single_str(&b).map(|arn| PolicyRef {
            arn,
            origin: b.origin.clone(),
        })
    });
    acc.roles.push(Role {
        name: ident.name,
        path: ident.path,
        arn: arn.clone(),
        trust,
        inline,
        attached,
        boundary,
        tags: Vec::new(),
        uncertain,
        origin: o.clone(),
    });
    acc.role_uses.push(RoleUse {
        resource: f.id.clone(),
        resource_type: f.ty.clone(),
        attribute: "Role".to_owned(),
        service: service.to_owned(),
        target: RoleTarget::Role(arn),
        uncertain,
        origin: o,
    });
}

enum SamPolicy {
    Managed(PolicyRef),
    Inline(InlinePolicy),
}

/// One item of SAM `Policies`.
fn sam_policy(ctx: &mut Ctx<'_>, item: &Node, name: &str) -> Option<SamPolicy> {
    let o = item.origin.clone();
    match &item.kind {
        NodeKind::String(s) => Some(SamPolicy::Managed(PolicyRef {
            arn: managed_arn(ctx, s.clone()),
            origin: o,
        })),
        NodeKind::Unknown(reason) => Some(SamPolicy::Managed(PolicyRef {
            arn: Str::hole(reason.clone()),
            origin: o,
        })),
        NodeKind::Object(_) if item.get("Statement").is_some() => {
            Some(SamPolicy::Inline(InlinePolicy {
                name: Str::lit(name),
                document: policy_document(ctx, item),
                origin: o,
            }))
        }
        NodeKind::Object(entries) => {
            let [(template, ko, params)] = entries.as_slice() else {
                ctx.warn(Code::Shape, "an item of Policies must be a policy name, a document or one SAM policy template".to_owned(), &o);
                return None;
            };
            let template_name = template.to_string();
            let document = match POLICY_TEMPLATES.iter().find(|(n, _)| *n == template_name) {
                Some((_, statements)) => {
                    let raw = template_document(statements, params, ko);
                    let resolved = ctx.resolve(&raw).unwrap_or(raw);
                    policy_document(ctx, &resolved)
                }
                None => {
                    ctx.once(
                        &format!("sam-template:{template_name}"),
                        Level::Warning,
                        Code::UnknownPolicy,
                        format!("SAM policy template {template_name} is not modelled; its document is unknown"),
                        ko,
                    );
                    unknown_document(ctx, &format!("sam:{template_name}"), ko)
                }
            };
            Some(SamPolicy::Inline(InlinePolicy {
                name: Str::lit(name),
                document,
                origin: o,
            }))
        }
        _ => {
            ctx.warn(Code::Shape, format!("an item of Policies must be a policy name, a document or a SAM policy template, found {}", item.kind_name()), &o);
            None
        }
    }
}

/// A function with `Role` ignores `Policies`: say so, as SAM does not.
pub(crate) fn ignored_policies(ctx: &mut Ctx<'_>, r: &Resource) {
    if !matches!(
        r.ty.as_str(),
        "AWS::Serverless::Function" | "AWS::Serverless::StateMachine"
    ) {
        return;
    }
    let Some(props) = &r.props else { return };
    if let (Some(_), Some(p)) = (props.get("Role"), props.get("Policies")) {
        let origin = p.origin.clone();
        ctx.diags.push(passgraph_model::Diagnostic::note(
            Code::Shape,
            format!("{} sets Role, so SAM ignores its Policies", r.id),
            Some(origin),
        ));
    }
}
