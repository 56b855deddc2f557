# The VPC: private subnets for the nodes (one /20 per zone), public subnets for the load balancers,
# and isolated database / cache subnets (no route to the internet) for RDS and ElastiCache.
module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.21.0"

  name = var.name
  cidr = var.cidr
  azs  = var.azs

  private_subnets     = [for i, _ in var.azs : cidrsubnet(var.cidr, 4, i)]
  public_subnets      = [for i, _ in var.azs : cidrsubnet(var.cidr, 8, 160 + i)]
  database_subnets    = [for i, _ in var.azs : cidrsubnet(var.cidr, 8, 176 + i)]
  elasticache_subnets = [for i, _ in var.azs : cidrsubnet(var.cidr, 8, 192 + i)]

  create_database_subnet_group       = true
  create_database_subnet_route_table = true
  create_elasticache_subnet_group    = true

  enable_nat_gateway     = true
  single_nat_gateway     = var.single_nat_gateway
  one_nat_gateway_per_az = !var.single_nat_gateway
  enable_dns_hostnames   = true
  enable_dns_support     = true

  manage_default_security_group  = true
  default_security_group_ingress = []
  default_security_group_egress  = []

  enable_flow_log                                 = true
  create_flow_log_cloudwatch_log_group            = true
  create_flow_log_cloudwatch_iam_role             = true
  flow_log_cloudwatch_log_group_retention_in_days = var.flow_log_retention_days

  public_subnet_tags = {
    "kubernetes.io/role/elb"                    = "1"
    "kubernetes.io/cluster/${var.cluster_name}" = "shared"
  }
  private_subnet_tags = {
    "kubernetes.io/role/internal-elb"           = "1"
    "kubernetes.io/cluster/${var.cluster_name}" = "shared"
  }

  tags = var.tags
}
