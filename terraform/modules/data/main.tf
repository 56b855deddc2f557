locals {
  prod = var.environment == "prod"
}

data "aws_caller_identity" "current" {}

# One customer-managed key per store family, rotated yearly: RDS (storage, Performance Insights,
# the master password secret), ElastiCache, and the backup bucket.
module "kms" {
  source   = "terraform-aws-modules/kms/aws"
  version  = "3.1.1"
  for_each = toset(["rds", "elasticache", "backups"])

  description             = "${var.name} ${each.key} encryption"
  aliases                 = ["${var.name}/${each.key}"]
  enable_key_rotation     = true
  deletion_window_in_days = local.prod ? 30 : 7
  key_administrators      = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"]

  tags = var.tags
}

resource "aws_security_group" "postgres" {
  name_prefix = "${var.name}-postgres-"
  description = "PostgreSQL: connections from the EKS nodes only"
  vpc_id      = var.vpc_id
  tags        = var.tags
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "postgres" {
  for_each                     = toset(var.client_security_group_ids)
  security_group_id            = aws_security_group.postgres.id
  referenced_security_group_id = each.value
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "PostgreSQL from ${each.value}"
}

# PostgreSQL 15: encrypted, TLS forced, multi-AZ in prod, the master password generated and kept
# in Secrets Manager by RDS (never in state); each service's own login role is created by its
# migrations' bootstrap (deploy/k8s/README.md: secrets af-<service>-database).
module "postgres" {
  source  = "terraform-aws-modules/rds/aws"
  version = "6.12.0"

  identifier = "${var.name}-postgres"

  engine               = "postgres"
  engine_version       = var.postgres_engine_version
  family               = "postgres15"
  major_engine_version = "15"
  instance_class       = var.db_instance_class

  allocated_storage     = var.db_allocated_storage_gb
  max_allocated_storage = var.db_max_allocated_storage_gb
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = module.kms["rds"].key_arn

  db_name                       = "agent_factory"
  username                      = "af_admin"
  port                          = 5432
  manage_master_user_password   = true
  master_user_secret_kms_key_id = module.kms["rds"].key_arn

  multi_az               = local.prod
  create_db_subnet_group = false
  db_subnet_group_name   = var.database_subnet_group_name
  vpc_security_group_ids = [aws_security_group.postgres.id]
  publicly_accessible    = false

  backup_retention_period          = var.db_backup_retention_days
  backup_window                    = "03:00-04:00"
  maintenance_window               = "Sun:04:30-Sun:05:30"
  copy_tags_to_snapshot            = true
  deletion_protection              = local.prod
  skip_final_snapshot              = !local.prod
  final_snapshot_identifier_prefix = "${var.name}-postgres-final"

  performance_insights_enabled        = true
  performance_insights_kms_key_id     = module.kms["rds"].key_arn
  enabled_cloudwatch_logs_exports     = ["postgresql", "upgrade"]
  iam_database_authentication_enabled = true

  parameters = [
    { name = "rds.force_ssl", value = "1" },
    { name = "log_min_duration_statement", value = "1000" },
  ]

  tags = var.tags
}

# Redis 7: a replication group, encrypted at rest (KMS) and in transit, AUTH token; in prod a
# replica in another zone with automatic failover.
module "redis" {
  source  = "terraform-aws-modules/elasticache/aws"
  version = "1.6.0"

  replication_group_id = "${var.name}-redis"
  description          = "Agent Factory Redis (${var.environment})"

  engine_version = var.redis_engine_version
  node_type      = var.redis_node_type
  port           = 6379

  num_cache_clusters         = local.prod ? 2 : 1
  automatic_failover_enabled = local.prod
  multi_az_enabled           = local.prod

  at_rest_encryption_enabled = true
  kms_key_arn                = module.kms["elasticache"].key_arn
  transit_encryption_enabled = true
  auth_token                 = var.redis_auth_token

  snapshot_retention_limit = local.prod ? 7 : 1
  maintenance_window       = "sun:05:30-sun:06:30"
  apply_immediately        = !local.prod

  vpc_id = var.vpc_id
  security_group_rules = {
    for i, sg in var.client_security_group_ids : "ingress_clients_${i}" => {
      description                  = "Redis from the EKS nodes"
      referenced_security_group_id = sg
    }
  }

  create_subnet_group = false
  subnet_group_name   = var.elasticache_subnet_group_name

  create_parameter_group = true
  parameter_group_family = "redis7"
  parameters = [
    { name = "maxmemory-policy", value = "noeviction" },
  ]

  tags = var.tags
}

# Backups from `npm run backup` (scripts/backup.mjs): KMS-encrypted, versioned, TLS-only, never
# public; archives go to Glacier Instant Retrieval after backup_transition_days and expire after
# backup_expiration_days (noncurrent versions 30 days later).
module "backup_bucket" {
  source  = "terraform-aws-modules/s3-bucket/aws"
  version = "4.6.0"

  bucket        = var.backup_bucket_name
  force_destroy = false

  versioning = { enabled = true }

  server_side_encryption_configuration = {
    rule = {
      apply_server_side_encryption_by_default = {
        sse_algorithm     = "aws:kms"
        kms_master_key_id = module.kms["backups"].key_arn
      }
      bucket_key_enabled = true
    }
  }

  block_public_acls                     = true
  block_public_policy                   = true
  ignore_public_acls                    = true
  restrict_public_buckets               = true
  control_object_ownership              = true
  object_ownership                      = "BucketOwnerEnforced"
  attach_deny_insecure_transport_policy = true
  attach_require_latest_tls_policy      = true

  lifecycle_rule = [
    {
      id      = "backups"
      enabled = true
      filter  = { prefix = "" }
      transition = [
        { days = var.backup_transition_days, storage_class = "GLACIER_IR" },
      ]
      expiration                             = { days = var.backup_expiration_days }
      noncurrent_version_expiration          = { days = 30 }
      abort_incomplete_multipart_upload_days = 7
    },
  ]

  tags = var.tags
}

# What the backup job's IRSA role may do: write and read archives, nothing else.
data "aws_iam_policy_document" "backup_access" {
  statement {
    sid       = "ListBackups"
    actions   = ["s3:ListBucket"]
    resources = [module.backup_bucket.s3_bucket_arn]
  }
  statement {
    sid       = "ReadWriteBackups"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"]
    resources = ["${module.backup_bucket.s3_bucket_arn}/*"]
  }
  statement {
    sid       = "UseBackupKey"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"]
    resources = [module.kms["backups"].key_arn]
  }
}

resource "aws_iam_policy" "backup_access" {
  name_prefix = "${var.name}-backup-"
  description = "Read/write Agent Factory backup archives"
  policy      = data.aws_iam_policy_document.backup_access.json
  tags        = var.tags
}
