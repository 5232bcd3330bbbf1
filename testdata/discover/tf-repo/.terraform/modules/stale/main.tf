resource "aws_iam_user" "stale" {
  name = "never-read"
}
