# The deployer submodule alone, passing a role that exists outside this configuration.

module "deployer" {
  source    = "../../modules/deployer"
  user_name = "ci"
  role_arn  = "arn:aws:iam::111122223333:role/legacy-batch"
}
