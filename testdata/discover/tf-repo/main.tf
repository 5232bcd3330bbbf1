# The module at the top of the repository: an application role for EC2, and the deployer
# module that may pass it.

variable "name" {
  type = string
}

resource "aws_iam_role" "app" {
  name = "${var.name}-app"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

module "deployer" {
  source    = "./modules/deployer"
  user_name = "${var.name}-deployer"
  role_arn  = aws_iam_role.app.arn
}

output "role_arn" {
  value = aws_iam_role.app.arn
}
