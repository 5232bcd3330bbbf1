//! Data of the SAM model: the AWS managed policies that live under a path (SAM accepts bare
//! names) and the SAM policy templates, from
//! `samtranslator/policy_templates_data/policy_templates.json`.
/// AWS managed policies that live under a path, for SAM's bare policy names.
pub(super) const MANAGED_PATHS: &[(&str, &str)] = &[
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
pub(super) type TemplateStatement = (&'static [&'static str], &'static [&'static str]);

macro_rules! arn {
    ($rest:literal) => {
        concat!("arn:${AWS::Partition}:", $rest)
    };
}

/// The SAM policy templates modelled, from `samtranslator/policy_templates_data/policy_templates.json`.
/// An unknown template gives an `unknown-policy` diagnostic and an unknown document.
pub(super) const POLICY_TEMPLATES: &[(&str, &[TemplateStatement])] = &[
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
