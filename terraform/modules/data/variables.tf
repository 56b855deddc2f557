variable "name" {
  type        = string
  description = "Name prefix for the data stores (e.g. af-prod)."
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "name must be 2-31 lowercase letters, digits or dashes, starting with a letter."
  }
}

variable "environment" {
  type        = string
  description = "dev or prod: prod makes PostgreSQL multi-AZ, Redis replicated with automatic failover, and deletion-protected."
  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "environment must be dev or prod."
  }
}

variable "vpc_id" {
  type        = string
  description = "VPC of the data stores (network module output vpc_id)."
}

variable "database_subnet_group_name" {
  type        = string
  description = "DB subnet group for RDS (network module output database_subnet_group_name)."
}

variable "elasticache_subnet_group_name" {
  type        = string
  description = "ElastiCache subnet group (network module output elasticache_subnet_group_name)."
}

variable "client_security_group_ids" {
  type        = list(string)
  description = "Security groups allowed to connect to PostgreSQL (5432) and Redis (6379): the EKS node security group."
  validation {
    condition     = length(var.client_security_group_ids) > 0
    error_message = "At least one client security group is needed, otherwise nothing can reach the data stores."
  }
}

variable "postgres_engine_version" {
  type        = string
  description = "PostgreSQL engine version (major 15: the version the services' migrations are tested on)."
  default     = "15.12"
  validation {
    condition     = can(regex("^15\\.[0-9]+$", var.postgres_engine_version))
    error_message = "postgres_engine_version must be a PostgreSQL 15 minor version (e.g. 15.12)."
  }
}

variable "db_instance_class" {
  type        = string
  description = "RDS instance class."
  default     = "db.t4g.medium"
  validation {
    condition     = startswith(var.db_instance_class, "db.")
    error_message = "db_instance_class must be an RDS instance class (db.*)."
  }
}

variable "db_allocated_storage_gb" {
  type        = number
  description = "Initial storage of the database in GiB (storage autoscaling grows it up to db_max_allocated_storage_gb)."
  default     = 50
  validation {
    condition     = var.db_allocated_storage_gb >= 20 && var.db_allocated_storage_gb <= 65536
    error_message = "db_allocated_storage_gb must be between 20 and 65536."
  }
}

variable "db_max_allocated_storage_gb" {
  type        = number
  description = "Upper bound of storage autoscaling in GiB."
  default     = 500
  validation {
    condition     = var.db_max_allocated_storage_gb >= 20 && var.db_max_allocated_storage_gb <= 65536
    error_message = "db_max_allocated_storage_gb must be between 20 and 65536."
  }
}

variable "db_backup_retention_days" {
  type        = number
  description = "Days of automated RDS backups (point-in-time recovery window)."
  default     = 14
  validation {
    condition     = var.db_backup_retention_days >= 1 && var.db_backup_retention_days <= 35
    error_message = "db_backup_retention_days must be between 1 and 35 (RDS limits)."
  }
}

variable "redis_node_type" {
  type        = string
  description = "ElastiCache node type."
  default     = "cache.t4g.small"
  validation {
    condition     = startswith(var.redis_node_type, "cache.")
    error_message = "redis_node_type must be an ElastiCache node type (cache.*)."
  }
}

variable "redis_engine_version" {
  type        = string
  description = "Redis engine version (7.x: what the services are tested on)."
  default     = "7.1"
  validation {
    condition     = can(regex("^7\\.[0-9]+$", var.redis_engine_version))
    error_message = "redis_engine_version must be a Redis 7 version (e.g. 7.1)."
  }
}

variable "redis_auth_token" {
  type        = string
  description = "AUTH token of the Redis replication group (16-128 printable characters); pass it from a secret store (TF_VAR_redis_auth_token), never a tfvars file."
  sensitive   = true
  validation {
    condition     = length(var.redis_auth_token) >= 16 && length(var.redis_auth_token) <= 128 && !can(regex("[ @\"/]", var.redis_auth_token))
    error_message = "redis_auth_token must be 16-128 characters without spaces, @, \" or /."
  }
}

variable "backup_bucket_name" {
  type        = string
  description = "Globally unique name of the S3 bucket for `npm run backup` archives."
  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.backup_bucket_name))
    error_message = "backup_bucket_name must be a valid S3 bucket name (3-63 lowercase letters, digits, dots, dashes)."
  }
}

variable "backup_transition_days" {
  type        = number
  description = "Days after which backup archives move to S3 Glacier Instant Retrieval."
  default     = 30
  validation {
    condition     = var.backup_transition_days >= 30
    error_message = "backup_transition_days must be at least 30 (S3's minimum before a storage-class transition)."
  }
}

variable "backup_expiration_days" {
  type        = number
  description = "Days after which backup archives (and their noncurrent versions) are deleted."
  default     = 365
  validation {
    condition     = var.backup_expiration_days >= 60
    error_message = "backup_expiration_days must be at least 60 (30 days past the earliest transition)."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource."
  default     = {}
}
