variable "name" {
  type        = string
  description = "Name prefix for the VPC and its subnets (e.g. af-prod)."
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "name must be 2-31 lowercase letters, digits or dashes, starting with a letter."
  }
}

variable "cidr" {
  type        = string
  description = "IPv4 CIDR of the VPC; a /16 leaves room for the /20 private and /24 public, database and cache subnets carved from it."
  default     = "10.40.0.0/16"
  validation {
    condition     = can(cidrhost(var.cidr, 0)) && tonumber(split("/", var.cidr)[1]) <= 18
    error_message = "cidr must be a valid IPv4 CIDR of size /18 or larger."
  }
}

variable "azs" {
  type        = list(string)
  description = "Availability zones to spread subnets over; prod needs 3 (multi-AZ RDS, zone anti-affinity of the pods)."
  validation {
    condition     = length(var.azs) >= 2 && length(var.azs) <= 4
    error_message = "azs must list 2 to 4 availability zones."
  }
}

variable "single_nat_gateway" {
  type        = bool
  description = "One NAT gateway for all zones (cheaper, dev) instead of one per zone (zone-failure tolerant, prod)."
  default     = false
}

variable "flow_log_retention_days" {
  type        = number
  description = "Retention of the VPC flow logs in CloudWatch, in days."
  default     = 30
  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1827, 3653], var.flow_log_retention_days)
    error_message = "flow_log_retention_days must be a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ...)."
  }
}

variable "cluster_name" {
  type        = string
  description = "Name of the EKS cluster that will use these subnets (subnet discovery tags for load balancers)."
}

variable "tags" {
  type        = map(string)
  description = "Tags added to every resource."
  default     = {}
}
