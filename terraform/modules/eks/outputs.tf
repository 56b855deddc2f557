output "cluster_name" {
  description = "Name of the EKS cluster (aws eks update-kubeconfig --name ...)."
  value       = module.eks.cluster_name
}

output "cluster_endpoint" {
  description = "Endpoint of the Kubernetes API server."
  value       = module.eks.cluster_endpoint
}

output "cluster_certificate_authority_data" {
  description = "Base64 CA certificate of the Kubernetes API server."
  value       = module.eks.cluster_certificate_authority_data
}

output "oidc_provider_arn" {
  description = "ARN of the cluster's IAM OIDC provider (IRSA trust for further roles)."
  value       = module.eks.oidc_provider_arn
}

output "node_security_group_id" {
  description = "Security group shared by the nodes: the data stores admit connections from it."
  value       = module.eks.node_security_group_id
}

output "irsa_role_arns" {
  description = "IRSA role ARNs by name: annotate the matching ServiceAccount with eks.amazonaws.com/role-arn."
  value       = { for name, role in module.irsa : name => role.iam_role_arn }
}
