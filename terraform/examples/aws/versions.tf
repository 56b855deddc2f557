terraform {
  required_version = ">= 1.5.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.83, < 6.0"
    }
  }
  # State in S3 with native locking; the bucket/key/region come from a backend config file per
  # environment: terraform init -backend-config=backend-prod.hcl
  backend "s3" {}
}

provider "aws" {
  region = var.region
  default_tags {
    tags = local.tags
  }
}
