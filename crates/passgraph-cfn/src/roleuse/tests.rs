use passgraph_model::{FileId, RoleTarget};

use passgraph_model::RoleTargetKind;

use super::{ROLE_USES, Step, steps};
use crate::{Options, parse};

/// (resource, attribute, service, target, uncertain) of every role use of a template.
fn uses(text: &str) -> Vec<(String, String, String, String, bool)> {
    let parsed = parse(FileId(0), text, &Options::default());
    parsed
        .account
        .role_uses
        .iter()
        .map(|u| {
            let target = match &u.target {
                RoleTarget::Role(s) => format!("role {s}"),
                RoleTarget::InstanceProfile(s) => format!("profile {s}"),
            };
            (
                u.resource.clone(),
                u.attribute.clone(),
                u.service.clone(),
                target,
                u.uncertain,
            )
        })
        .collect()
}

fn one(
    resource: &str,
    attribute: &str,
    service: &str,
    target: &str,
    uncertain: bool,
) -> (String, String, String, String, bool) {
    (
        resource.to_owned(),
        attribute.to_owned(),
        service.to_owned(),
        target.to_owned(),
        uncertain,
    )
}

#[test]
fn the_table_is_sorted_unique_and_names_service_principals() {
    let keys: Vec<(&str, &str)> = ROLE_USES
        .iter()
        .map(|s| (s.resource_type, s.attribute))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort_by_key(|(ty, _)| *ty);
    assert_eq!(
        keys.iter().map(|k| k.0).collect::<Vec<_>>(),
        sorted.iter().map(|k| k.0).collect::<Vec<_>>(),
        "sorted by type"
    );
    let mut dedup = keys.clone();
    dedup.sort_unstable();
    dedup.dedup();
    assert_eq!(dedup.len(), keys.len(), "no (type, path) twice");
    for s in ROLE_USES {
        assert!(s.resource_type.starts_with("AWS::"), "{}", s.resource_type);
        assert!(s.service.ends_with(".amazonaws.com"), "{}", s.service);
        assert!(!steps(s.attribute).is_empty());
        if s.target == RoleTargetKind::InstanceProfile {
            assert_eq!(s.service, "ec2.amazonaws.com");
        }
    }
    // Every service of the issue's list has an entry.
    for ty in [
        "AWS::EC2::Instance",
        "AWS::EC2::LaunchTemplate",
        "AWS::RDS::DBInstance",
        "AWS::Lambda::Function",
        "AWS::ECS::TaskDefinition",
        "AWS::Glue::Job",
        "AWS::Glue::Crawler",
        "AWS::CodeBuild::Project",
        "AWS::StepFunctions::StateMachine",
        "AWS::Events::Rule",
        "AWS::SageMaker::NotebookInstance",
        "AWS::AutoScaling::LaunchConfiguration",
        "AWS::DataPipeline::Pipeline",
        "AWS::EMR::Cluster",
        "AWS::Batch::ComputeEnvironment",
        "AWS::CodePipeline::Pipeline",
        "AWS::Scheduler::Schedule",
        "AWS::Pipes::Pipe",
        "AWS::KinesisFirehose::DeliveryStream",
        "AWS::Config::ConfigurationRecorder",
        "AWS::EKS::Cluster",
        "AWS::EKS::Nodegroup",
        "AWS::ApiGateway::Account",
        "AWS::Serverless::Function",
    ] {
        assert!(ROLE_USES.iter().any(|s| s.resource_type == ty), "{ty}");
    }
}

#[test]
fn paths_parse() {
    assert_eq!(steps("A.B"), [Step::Key("A"), Step::Key("B")]);
    assert_eq!(
        steps("Targets[].RoleArn"),
        [Step::Items("Targets", vec![]), Step::Key("RoleArn")]
    );
    assert_eq!(
        steps("O[Namespace=aws:x:y,OptionName=P].Value"),
        [
            Step::Items("O", vec![("Namespace", "aws:x:y"), ("OptionName", "P")]),
            Step::Key("Value")
        ]
    );
    assert_eq!(
        steps("A[].*.RoleArn"),
        [Step::Items("A", vec![]), Step::Any, Step::Key("RoleArn")]
    );
}

#[test]
fn role_taking_properties() {
    let text = r#"
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Role: arn:aws:iam::111122223333:role/fn
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      TaskRoleArn: arn:aws:iam::111122223333:role/task
      ExecutionRoleArn: arn:aws:iam::111122223333:role/exec
  Template:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        IamInstanceProfile:
          Arn: arn:aws:iam::111122223333:instance-profile/web
  Template2:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        IamInstanceProfile:
          Name: web
  Rule:
    Type: AWS::Events::Rule
    Properties:
      Targets:
        - Id: a
          RoleArn: arn:aws:iam::111122223333:role/events-a
        - Id: b
        - Id: c
          RoleArn: arn:aws:iam::111122223333:role/events-c
  Pipeline:
    Type: AWS::DataPipeline::Pipeline
    Properties:
      PipelineObjects:
        - Id: Default
          Fields:
            - Key: role
              StringValue: DataPipelineDefaultRole
            - Key: resourceRole
              StringValue: DataPipelineDefaultResourceRole
            - Key: type
              StringValue: Default
  Env:
    Type: AWS::ElasticBeanstalk::Environment
    Properties:
      OptionSettings:
        - Namespace: aws:autoscaling:launchconfiguration
          OptionName: IamInstanceProfile
          Value: eb-profile
        - Namespace: aws:elasticbeanstalk:environment
          OptionName: ServiceRole
          Value: eb-service
        - Namespace: aws:elasticbeanstalk:environment
          OptionName: EnvironmentType
          Value: LoadBalanced
  TopicRule:
    Type: AWS::IoT::TopicRule
    Properties:
      TopicRulePayload:
        Actions:
          - Kinesis:
              RoleArn: arn:aws:iam::111122223333:role/iot-kinesis
          - Lambda:
              FunctionArn: arn:aws:lambda:us-east-1:111122223333:function:x
  Emr:
    Type: AWS::EMR::Cluster
    Properties:
      JobFlowRole: EMR_EC2_DefaultRole
      ServiceRole: EMR_DefaultRole
  Schedule:
    Type: AWS::Scheduler::Schedule
    Properties:
      Target:
        RoleArn: arn:aws:iam::111122223333:role/scheduler
"#;
    let a = "arn:aws:iam::111122223333:";
    assert_eq!(
        uses(text),
        [
            one(
                "Fn",
                "Role",
                "lambda.amazonaws.com",
                &format!("role {a}role/fn"),
                false
            ),
            one(
                "Task",
                "TaskRoleArn",
                "ecs-tasks.amazonaws.com",
                &format!("role {a}role/task"),
                false
            ),
            one(
                "Task",
                "ExecutionRoleArn",
                "ecs-tasks.amazonaws.com",
                &format!("role {a}role/exec"),
                false
            ),
            one(
                "Template",
                "LaunchTemplateData.IamInstanceProfile.Arn",
                "ec2.amazonaws.com",
                &format!("profile {a}instance-profile/web"),
                false
            ),
            one(
                "Template2",
                "LaunchTemplateData.IamInstanceProfile.Name",
                "ec2.amazonaws.com",
                "profile web",
                false
            ),
            one(
                "Rule",
                "Targets[].RoleArn",
                "events.amazonaws.com",
                &format!("role {a}role/events-a"),
                false
            ),
            one(
                "Rule",
                "Targets[].RoleArn",
                "events.amazonaws.com",
                &format!("role {a}role/events-c"),
                false
            ),
            one(
                "Pipeline",
                "PipelineObjects[].Fields[Key=role].StringValue",
                "datapipeline.amazonaws.com",
                "role DataPipelineDefaultRole",
                false
            ),
            one(
                "Pipeline",
                "PipelineObjects[].Fields[Key=resourceRole].StringValue",
                "ec2.amazonaws.com",
                "profile DataPipelineDefaultResourceRole",
                false
            ),
            one(
                "Env",
                "OptionSettings[Namespace=aws:autoscaling:launchconfiguration,OptionName=IamInstanceProfile].Value",
                "ec2.amazonaws.com",
                "profile eb-profile",
                false
            ),
            one(
                "Env",
                "OptionSettings[Namespace=aws:elasticbeanstalk:environment,OptionName=ServiceRole].Value",
                "elasticbeanstalk.amazonaws.com",
                "role eb-service",
                false
            ),
            one(
                "TopicRule",
                "TopicRulePayload.Actions[].*.RoleArn",
                "iot.amazonaws.com",
                &format!("role {a}role/iot-kinesis"),
                false
            ),
            one(
                "Emr",
                "ServiceRole",
                "elasticmapreduce.amazonaws.com",
                "role EMR_DefaultRole",
                false
            ),
            one(
                "Emr",
                "JobFlowRole",
                "ec2.amazonaws.com",
                "profile EMR_EC2_DefaultRole",
                false
            ),
            one(
                "Schedule",
                "Target.RoleArn",
                "scheduler.amazonaws.com",
                &format!("role {a}role/scheduler"),
                false
            ),
        ]
    );
}

#[test]
fn conditional_roles_are_uncertain_uses() {
    let text = r#"
Parameters:
  UseA:
    Type: String
Conditions:
  A: !Equals [!Ref UseA, "yes"]
  Never: !Equals [a, b]
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Role: !If [A, arn:aws:iam::1:role/a, arn:aws:iam::1:role/b]
  Maybe:
    Type: AWS::Lambda::Function
    Condition: A
    Properties:
      Role: arn:aws:iam::1:role/c
  Gone:
    Type: AWS::Lambda::Function
    Condition: Never
    Properties:
      Role: arn:aws:iam::1:role/d
  Rule:
    Type: AWS::Events::Rule
    Properties:
      Targets:
        - !If [A, {Id: x, RoleArn: arn:aws:iam::1:role/e}, !Ref AWS::NoValue]
"#;
    assert_eq!(
        uses(text),
        [
            one(
                "Fn",
                "Role",
                "lambda.amazonaws.com",
                "role arn:aws:iam::1:role/a",
                true
            ),
            one(
                "Fn",
                "Role",
                "lambda.amazonaws.com",
                "role arn:aws:iam::1:role/b",
                true
            ),
            one(
                "Maybe",
                "Role",
                "lambda.amazonaws.com",
                "role arn:aws:iam::1:role/c",
                true
            ),
            one(
                "Rule",
                "Targets[].RoleArn",
                "events.amazonaws.com",
                "role arn:aws:iam::1:role/e",
                true
            ),
        ]
    );
}

#[test]
fn a_use_points_at_its_property() {
    let text = "Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      MonitoringInterval: 60\n      MonitoringRoleArn: !ImportValue monitoring-role-arn\n";
    let parsed = parse(FileId(0), text, &Options::default());
    let [u] = parsed.account.role_uses.as_slice() else {
        panic!("one use expected: {:?}", parsed.account.role_uses)
    };
    assert_eq!(
        text.get(u.origin.range.start as usize..u.origin.range.end as usize),
        Some("MonitoringRoleArn")
    );
    assert_eq!(
        u.target,
        RoleTarget::Role(passgraph_model::Str::hole("cfn:import:monitoring-role-arn"))
    );
}

/// A resource of a role-using type without the property that hands the role (an SNS topic
/// without delivery-status logging) is not read: its condition, on a parameter without a
/// value, is no warning (aws-cloudformation-templates' Neptune.yaml warned about an SNS topic
/// ARN parameter). One with the property is read, and so is one whose properties are behind
/// `Fn::If` (they may hold it).
#[test]
fn a_resource_that_hands_no_role_is_not_read() {
    let quiet = r#"
Parameters:
  TopicArn:
    Type: String
Conditions:
  Create: !Equals [!Ref TopicArn, ""]
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Condition: Create
    Properties:
      DisplayName: alarms
"#;
    let parsed = parse(FileId(0), quiet, &Options::default());
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let logging = quiet.replace(
        "      DisplayName: alarms",
        "      DeliveryStatusLogging:\n        - Protocol: sqs\n          SuccessFeedbackRoleArn: arn:aws:iam::1:role/log",
    );
    let parsed = parse(FileId(0), &logging, &Options::default());
    assert!(
        parsed
            .diagnostics
            .iter()
            .any(|d| d.message.contains("TopicArn")),
        "{:?}",
        parsed.diagnostics
    );
    assert_eq!(parsed.account.role_uses.len(), 1);
    let behind_if = quiet.replace(
        "    Properties:\n      DisplayName: alarms",
        "    Properties: !If [Create, {DeliveryStatusLogging: [{Protocol: sqs, SuccessFeedbackRoleArn: arn:aws:iam::1:role/log}]}, !Ref AWS::NoValue]",
    );
    let parsed = parse(FileId(0), &behind_if, &Options::default());
    assert!(
        parsed
            .diagnostics
            .iter()
            .any(|d| d.message.contains("TopicArn")),
        "read: {:?}",
        parsed.diagnostics
    );
}
