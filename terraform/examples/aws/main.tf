# Agent Factory on AWS: VPC → EKS → data stores. `terraform apply -var-file=prod.tfvars`, then
# the Kubernetes layer reads `terraform output -json` (README.md in this directory).
locals {
  name = "af-${var.environment}"
  tags = {
    Project     = "agent-factory"
    Environment = var.environment
    ManagedBy   = "terraform"
  }
}

module "network" {
  source = "../../modules/network"

  name               = local.name
  cidr               = var.vpc_cidr
  azs                = var.azs
  cluster_name       = local.name
  single_nat_gateway = var.environment != "prod"
  tags               = local.tags
}

module "eks" {
  source = "../../modules/eks"

  cluster_name                 = local.name
  kubernetes_version           = var.kubernetes_version
  vpc_id                       = module.network.vpc_id
  private_subnet_ids           = module.network.private_subnet_ids
  endpoint_public_access       = length(var.api_public_access_cidrs) > 0
  endpoint_public_access_cidrs = var.api_public_access_cidrs
  node_groups                  = var.node_groups

  irsa_roles = {
    backup = {
      service_accounts = ["${var.namespace}:af-backup"]
      policy_arns      = { backup = module.data.backup_access_policy_arn }
    }
  }

  tags = local.tags
}

module "data" {
  source = "../../modules/data"

  name                          = local.name
  environment                   = var.environment
  vpc_id                        = module.network.vpc_id
  database_subnet_group_name    = module.network.database_subnet_group_name
  elasticache_subnet_group_name = module.network.elasticache_subnet_group_name
  client_security_group_ids     = [module.eks.node_security_group_id]
  db_instance_class             = var.db_instance_class
  redis_node_type               = var.redis_node_type
  redis_auth_token              = var.redis_auth_token
  backup_bucket_name            = var.backup_bucket_name
  tags                          = local.tags
}
