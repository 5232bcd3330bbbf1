# A user that may pass one role.

variable "user_name" {
  type = string
}

variable "role_arn" {
  type = string
}

resource "aws_iam_user" "this" {
  name = var.user_name
}

resource "aws_iam_user_policy" "pass" {
  name = "pass-app-role"
  user = aws_iam_user.this.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "PassAppRole"
      Effect   = "Allow"
      Action   = "iam:PassRole"
      Resource = var.role_arn
    }]
  })
}
