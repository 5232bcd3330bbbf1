# RDS Enhanced Monitoring: the DBA may pass any role named RDS-* (the AWS documentation example,
# written with the account id of the caller); the module creates RDS-Monitoring-Role and an
# instance that uses it.

provider "aws" {
  region = "eu-west-1"
}

data "aws_caller_identity" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
}

resource "aws_iam_user" "dba" {
  name = "dba"
}

resource "aws_iam_user_policy" "dba_pass" {
  name   = "pass-rds-monitoring"
  user   = aws_iam_user.dba.name
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "PassMonitoringRole",
      "Effect": "Allow",
      "Action": "iam:PassRole",
      "Resource": "arn:aws:iam::${local.account_id}:role/RDS-*"
    },
    {
      "Effect": "Allow",
      "Action": ["rds:CreateDBInstance", "rds:ModifyDBInstance"],
      "Resource": "*"
    }
  ]
}
EOF
}

# The old developer role, no longer deployed:
# resource "aws_iam_role_policy_attachment" "dev_admin" {
#   role       = "developer"
#   policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
# }

module "monitoring" {
  source    = "./modules/monitoring"
  role_name = "RDS-Monitoring-Role"
}

resource "aws_db_instance" "main" {
  identifier          = "main"
  monitoring_interval = 60
  monitoring_role_arn = module.monitoring.role_arn
}
