# The whole module, as a user of the repository would call it.

provider "aws" {
  region = "eu-west-1"
}

module "app" {
  source = "../.."
  name   = "shop"
}
