# EKS with managed node groups, IRSA (the cluster's OIDC provider), secrets envelope-encrypted with
# a KMS key the module creates, control-plane audit logs, and the EBS CSI driver (NATS JetStream
# file storage uses gp3 volumes) whose controller gets its own IRSA role.
module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "20.37.1"

  cluster_name    = var.cluster_name
  cluster_version = var.kubernetes_version

  vpc_id     = var.vpc_id
  subnet_ids = var.private_subnet_ids

  cluster_endpoint_private_access      = true
  cluster_endpoint_public_access       = var.endpoint_public_access
  cluster_endpoint_public_access_cidrs = var.endpoint_public_access_cidrs

  enable_irsa                              = true
  enable_cluster_creator_admin_permissions = true
  authentication_mode                      = "API"

  cluster_encryption_config = { resources = ["secrets"] }
  cluster_enabled_log_types = ["api", "audit", "authenticator"]

  cluster_addons = {
    coredns                = { most_recent = true }
    kube-proxy             = { most_recent = true }
    vpc-cni                = { most_recent = true, before_compute = true }
    eks-pod-identity-agent = { most_recent = true }
    aws-ebs-csi-driver = {
      most_recent              = true
      service_account_role_arn = module.ebs_csi_irsa.iam_role_arn
    }
  }

  eks_managed_node_groups = {
    for name, g in var.node_groups : name => {
      ami_type       = "AL2023_x86_64_STANDARD"
      instance_types = g.instance_types
      capacity_type  = g.capacity_type
      min_size       = g.min_size
      max_size       = g.max_size
      desired_size   = g.desired_size
      disk_size      = g.disk_size_gb
      labels         = g.labels
      taints         = { for i, t in g.taints : tostring(i) => t }
      # IMDSv2 only, one hop: pods cannot borrow the node's role (they use IRSA).
      metadata_options = {
        http_endpoint               = "enabled"
        http_tokens                 = "required"
        http_put_response_hop_limit = 1
      }
    }
  }

  tags = var.tags
}

module "ebs_csi_irsa" {
  source  = "terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts-eks"
  version = "5.55.0"

  role_name             = "${var.cluster_name}-ebs-csi"
  attach_ebs_csi_policy = true
  oidc_providers = {
    main = {
      provider_arn               = module.eks.oidc_provider_arn
      namespace_service_accounts = ["kube-system:ebs-csi-controller-sa"]
    }
  }

  tags = var.tags
}

# The workloads' own roles (e.g. the backup job writing to the backup bucket).
module "irsa" {
  source   = "terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts-eks"
  version  = "5.55.0"
  for_each = var.irsa_roles

  role_name        = "${var.cluster_name}-${each.key}"
  role_policy_arns = each.value.policy_arns
  oidc_providers = {
    main = {
      provider_arn               = module.eks.oidc_provider_arn
      namespace_service_accounts = each.value.service_accounts
    }
  }

  tags = var.tags
}
