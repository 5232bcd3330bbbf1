# Written for passgraph's tests: a configuration for AWS GovCloud (US). The provider's region
# decides the partition, so the deployer's grant, written for aws-us-gov, covers the role.
provider "aws" {
  region = "us-gov-west-1"
}

data "aws_partition" "current" {}

resource "aws_iam_role" "app" {
  name = "gov-app"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_user" "deployer" {
  name = "gov-deployer"
}

resource "aws_iam_user_policy" "pass" {
  name = "pass-gov-app"
  user = aws_iam_user.deployer.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:PassRole"
      Resource = "arn:aws-us-gov:iam::*:role/gov-*"
    }]
  })
}
