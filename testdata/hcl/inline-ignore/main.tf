# Written for passgraph's tests: two deployers that may pass the app role to EC2. The team
# accepted the first one's exposure where the user is defined; the second suppression has no
# reason, so it suppresses nothing.
resource "aws_iam_role" "app" {
  name = "app-web"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

locals {
  pass_app = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = "arn:aws:iam::111122223333:role/app-*" }]
  })
}

# passgraph:ignore role=app-* service=ec2 reason="the release pipeline launches the app's instances"
resource "aws_iam_user" "release" {
  name = "release"
}

resource "aws_iam_user_policy" "release" {
  name   = "pass-app"
  user   = aws_iam_user.release.name
  policy = local.pass_app
}

# passgraph:ignore role=app-* service=ec2
resource "aws_iam_user" "intern" {
  name = "intern"
}

resource "aws_iam_user_policy" "intern" {
  name   = "pass-app"
  user   = aws_iam_user.intern.name
  policy = local.pass_app
}
