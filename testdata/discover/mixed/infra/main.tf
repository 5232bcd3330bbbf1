# A Terraform root module beside CloudFormation templates: an ECS task role and a CI user.

resource "aws_iam_role" "task" {
  name = "orders-task"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_user" "ci" {
  name = "orders-ci"
}

resource "aws_iam_user_policy" "ci" {
  name = "pass-task-role"
  user = aws_iam_user.ci.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:PassRole"
      Resource = aws_iam_role.task.arn
    }]
  })
}

# Network resources say nothing: their count cannot change who may pass which role.
variable "acl_count" {
  type = number
}

resource "aws_network_acl" "main" {
  count  = var.acl_count
  vpc_id = "vpc-0123456789abcdef0"
}
