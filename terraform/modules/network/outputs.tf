output "vpc_id" {
  description = "ID of the VPC."
  value       = module.vpc.vpc_id
}

output "vpc_cidr_block" {
  description = "CIDR block of the VPC."
  value       = module.vpc.vpc_cidr_block
}

output "private_subnet_ids" {
  description = "Private subnets (EKS nodes and pods)."
  value       = module.vpc.private_subnets
}

output "public_subnet_ids" {
  description = "Public subnets (internet-facing load balancers: the Istio ingress gateway)."
  value       = module.vpc.public_subnets
}

output "database_subnet_group_name" {
  description = "DB subnet group over the isolated database subnets (RDS)."
  value       = module.vpc.database_subnet_group_name
}

output "elasticache_subnet_group_name" {
  description = "ElastiCache subnet group over the isolated cache subnets."
  value       = module.vpc.elasticache_subnet_group_name
}
