output "cluster_name" {
  description = "Name of the EKS cluster."
  value       = aws_eks_cluster.this.name
}

output "cluster_arn" {
  description = "ARN of the EKS cluster."
  value       = aws_eks_cluster.this.arn
}

output "cluster_endpoint" {
  description = "Endpoint of the Kubernetes API server."
  value       = aws_eks_cluster.this.endpoint
}

output "cluster_certificate_authority_data" {
  description = "Base64 CA certificate of the API server, for kubeconfig."
  value       = aws_eks_cluster.this.certificate_authority[0].data
}

output "cluster_version" {
  description = "Kubernetes version of the control plane."
  value       = aws_eks_cluster.this.version
}

output "cluster_security_group_id" {
  description = "ID of the security group EKS created for the control plane and managed nodes."
  value       = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
}

output "cluster_role_arn" {
  description = "ARN of the cluster IAM role."
  value       = module.cluster_role.arn
}

output "cluster_oidc_issuer_url" {
  description = "OIDC issuer URL of the cluster."
  value       = aws_eks_cluster.this.identity[0].oidc[0].issuer
}

output "oidc_provider_arn" {
  description = "ARN of the IAM OIDC provider for IRSA trust policies, or null when not created."
  value       = try(aws_iam_openid_connect_provider.this[0].arn, null)
}

output "secrets_kms_key_arn" {
  description = "ARN of the key that envelope-encrypts Kubernetes secrets."
  value       = module.secrets_kms.key_arn
}

output "cluster_log_group_name" {
  description = "Name of the control-plane log group."
  value       = module.cluster_log_group.name
}

output "node_group_arn" {
  description = "ARN of the managed node group, or null when not created."
  value       = try(aws_eks_node_group.default[0].arn, null)
}

output "node_role_arn" {
  description = "ARN of the node IAM role, or null when no node group is created."
  value       = try(module.node_role[0].arn, null)
}

output "launch_template_id" {
  description = "ID of the nodes' launch template, or null when no node group is created."
  value       = try(aws_launch_template.nodes[0].id, null)
}
