variable "region" {
  type        = string
  description = "AWS region (e.g. eu-west-1)."
  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-west-1."
  }
}

variable "environment" {
  type        = string
  description = "dev or prod (see dev.tfvars / prod.tfvars)."
  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "environment must be dev or prod."
  }
}

variable "azs" {
  type        = list(string)
  description = "Availability zones (prod: 3, matching the 3 replicas spread over zones in deploy/k8s/overlays/prod)."
  validation {
    condition     = length(var.azs) >= 2
    error_message = "At least two availability zones are needed."
  }
}

variable "vpc_cidr" {
  type        = string
  description = "IPv4 CIDR of the VPC."
  default     = "10.40.0.0/16"
}

variable "kubernetes_version" {
  type        = string
  description = "EKS Kubernetes minor version."
  default     = "1.31"
}

variable "api_public_access_cidrs" {
  type        = list(string)
  description = "CIDRs that may reach the Kubernetes API publicly; empty keeps the endpoint private."
  default     = []
}

variable "node_groups" {
  type = map(object({
    instance_types = list(string)
    capacity_type  = optional(string, "ON_DEMAND")
    min_size       = number
    max_size       = number
    desired_size   = number
    disk_size_gb   = optional(number, 50)
    labels         = optional(map(string), {})
    taints = optional(list(object({
      key    = string
      value  = string
      effect = string
    })), [])
  }))
  description = "EKS managed node groups (see modules/eks)."
}

variable "db_instance_class" {
  type        = string
  description = "RDS instance class for PostgreSQL."
}

variable "redis_node_type" {
  type        = string
  description = "ElastiCache node type for Redis."
}

variable "redis_auth_token" {
  type        = string
  description = "Redis AUTH token: pass as TF_VAR_redis_auth_token from your secret store, never in a tfvars file."
  sensitive   = true
}

variable "backup_bucket_name" {
  type        = string
  description = "Globally unique S3 bucket name for backups."
}

variable "namespace" {
  type        = string
  description = "Kubernetes namespace of the platform (deploy/k8s/base/namespace.yaml)."
  default     = "agent-factory"
}
