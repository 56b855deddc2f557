# What the Kubernetes layer reads (`terraform output -json`); the list is checked by
# tools/terraform-checks against k8s-outputs.json in this directory.
output "cluster_name" {
  description = "EKS cluster name (aws eks update-kubeconfig --name <this>)."
  value       = module.eks.cluster_name
}

output "cluster_endpoint" {
  description = "Kubernetes API endpoint."
  value       = module.eks.cluster_endpoint
}

output "cluster_certificate_authority_data" {
  description = "Base64 CA certificate of the Kubernetes API."
  value       = module.eks.cluster_certificate_authority_data
}

output "oidc_provider_arn" {
  description = "IAM OIDC provider of the cluster (IRSA trust for further roles)."
  value       = module.eks.oidc_provider_arn
}

output "backup_role_arn" {
  description = "IRSA role of the af-backup ServiceAccount (annotation eks.amazonaws.com/role-arn)."
  value       = module.eks.irsa_role_arns["backup"]
}

output "db_endpoint" {
  description = "PostgreSQL host:port for the af-<service>-database secrets."
  value       = module.data.db_endpoint
}

output "db_master_secret_arn" {
  description = "Secrets Manager ARN of the PostgreSQL master password (bootstrap of the per-service roles)."
  value       = module.data.db_master_secret_arn
}

output "redis_endpoint" {
  description = "Redis primary endpoint (TLS) for the af-redis secret."
  value       = module.data.redis_endpoint
}

output "backup_bucket" {
  description = "S3 bucket for npm run backup archives."
  value       = module.data.backup_bucket
}
