variable "cluster_name" {
  type        = string
  description = "Name of the EKS cluster."
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,99}$", var.cluster_name))
    error_message = "cluster_name must be lowercase letters, digits or dashes, starting with a letter."
  }
}

variable "kubernetes_version" {
  type        = string
  description = "Kubernetes minor version of the control plane and the managed node groups (e.g. 1.31)."
  default     = "1.31"
  validation {
    condition     = can(regex("^1\\.(2[89]|3[0-9])$", var.kubernetes_version))
    error_message = "kubernetes_version must be a supported EKS minor version, 1.28 or later (e.g. 1.31)."
  }
}

variable "vpc_id" {
  type        = string
  description = "VPC the cluster runs in (network module output vpc_id)."
}

variable "private_subnet_ids" {
  type        = list(string)
  description = "Private subnets for the control-plane ENIs and the nodes (network module output private_subnet_ids)."
  validation {
    condition     = length(var.private_subnet_ids) >= 2
    error_message = "EKS needs subnets in at least two availability zones."
  }
}

variable "endpoint_public_access" {
  type        = bool
  description = "Expose the Kubernetes API endpoint publicly (restricted to endpoint_public_access_cidrs); the private endpoint is always on."
  default     = false
}

variable "endpoint_public_access_cidrs" {
  type        = list(string)
  description = "CIDRs allowed to reach the public API endpoint when endpoint_public_access is true."
  default     = []
  validation {
    condition     = alltrue([for c in var.endpoint_public_access_cidrs : can(cidrhost(c, 0)) && c != "0.0.0.0/0"])
    error_message = "endpoint_public_access_cidrs must be valid CIDRs and must not be 0.0.0.0/0."
  }
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
  description = "Managed node groups by name: the platform services run on 'platform', agent workers may get their own group (labels/taints)."
  validation {
    condition     = length(var.node_groups) > 0
    error_message = "At least one node group is needed."
  }
  validation {
    condition     = alltrue([for g in values(var.node_groups) : g.min_size <= g.desired_size && g.desired_size <= g.max_size && g.min_size >= 0])
    error_message = "Each node group needs 0 <= min_size <= desired_size <= max_size."
  }
  validation {
    condition     = alltrue([for g in values(var.node_groups) : contains(["ON_DEMAND", "SPOT"], g.capacity_type)])
    error_message = "capacity_type must be ON_DEMAND or SPOT."
  }
}

variable "irsa_roles" {
  type = map(object({
    service_accounts = list(string)
    policy_arns      = map(string)
  }))
  description = "IAM roles for Kubernetes service accounts (IRSA), by name: the 'namespace:serviceaccount' pairs allowed to assume each role and the IAM policies (name => ARN) attached to it."
  default     = {}
  validation {
    condition     = alltrue([for r in values(var.irsa_roles) : length(r.service_accounts) > 0 && alltrue([for sa in r.service_accounts : can(regex("^[a-z0-9-]+:[a-z0-9-]+$", sa))])])
    error_message = "Each IRSA role needs at least one service account written 'namespace:name'."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource."
  default     = {}
}
