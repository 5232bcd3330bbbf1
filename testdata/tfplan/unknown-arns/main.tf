# The configuration the plan was written for (not read by the tests).
provider "aws" {
  region = "eu-west-1"
}

data "aws_caller_identity" "current" {}

resource "aws_iam_policy" "deploy" {
  name = "deploy"
  path = "/ci/"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "iam:PassRole"
      Resource  = "arn:aws:iam::111122223333:role/app-*"
      Condition = { StringEquals = { "iam:PassedToService" = "lambda.amazonaws.com" } }
    }]
  })
}

resource "aws_iam_user" "ci" {
  name = "ci"
}

resource "aws_iam_user_policy_attachment" "ci" {
  user       = aws_iam_user.ci.name
  policy_arn = aws_iam_policy.deploy.arn
}

resource "aws_iam_role" "web" {
  name = "app-web"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_lambda_function" "web" {
  function_name = "web"
  role          = aws_iam_role.web.arn
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "web.zip"
}

resource "aws_iam_role" "worker" {
  name_prefix = "app-worker-"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_instance_profile" "worker" {
  name = "worker"
  role = aws_iam_role.worker.name
}

resource "aws_instance" "worker" {
  ami                  = "ami-0123456789abcdef0"
  instance_type        = "t3.micro"
  iam_instance_profile = aws_iam_instance_profile.worker.name
}

resource "aws_iam_role_policy" "worker" {
  name = "read-web"
  role = aws_iam_role.worker.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "iam:GetRole", Resource = aws_iam_role.web.arn }]
  })
}
