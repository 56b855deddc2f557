output "db_endpoint" {
  description = "PostgreSQL host:port (writer); the services' DATABASE_URL host."
  value       = module.postgres.db_instance_endpoint
}

output "db_address" {
  description = "PostgreSQL host name."
  value       = module.postgres.db_instance_address
}

output "db_master_secret_arn" {
  description = "Secrets Manager ARN of the generated master password (bootstrap of the per-service login roles)."
  value       = module.postgres.db_instance_master_user_secret_arn
}

output "redis_endpoint" {
  description = "Redis primary endpoint address (TLS, port 6379); the services' REDIS_URL is rediss://:<token>@<this>:6379."
  value       = module.redis.replication_group_primary_endpoint_address
}

output "backup_bucket" {
  description = "Name of the S3 backup bucket."
  value       = module.backup_bucket.s3_bucket_id
}

output "backup_bucket_arn" {
  description = "ARN of the S3 backup bucket."
  value       = module.backup_bucket.s3_bucket_arn
}

output "backup_access_policy_arn" {
  description = "IAM policy granting read/write on the backup bucket and its key (attach to the backup job's IRSA role)."
  value       = aws_iam_policy.backup_access.arn
}

output "kms_key_arns" {
  description = "KMS key ARNs by store family (rds, elasticache, backups)."
  value       = { for k, m in module.kms : k => m.key_arn }
}
