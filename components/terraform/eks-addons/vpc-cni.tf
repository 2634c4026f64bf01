# Service-account role of the VPC CNI (aws-node) so the node role does not need AmazonEKS_CNI_Policy
# (IRSA, modules/iam-role).
# https://docs.aws.amazon.com/eks/latest/userguide/cni-iam-role.html

locals {
  create_vpc_cni_role = var.enable_vpc_cni && var.enable_vpc_cni_irsa
}

module "vpc_cni_role" {
  source = "../../../modules/iam-role"
  count  = local.create_vpc_cni_role ? 1 : 0

  name                     = "${local.name_prefix}-vpc-cni"
  description              = "VPC CNI of cluster ${var.cluster_name} (kube-system/aws-node)"
  oidc_provider_arn        = var.oidc_provider_arn
  oidc_provider_url        = var.oidc_provider_url
  service_accounts         = [{ namespace = "kube-system", name = "aws-node" }]
  permissions_boundary_arn = var.addon_roles_permissions_boundary_arn
  tags                     = merge(local.tags, { Name = "${local.name_prefix}-vpc-cni" })

  managed_policy_arns = {
    AmazonEKS_CNI_Policy = "arn:${local.partition}:iam::aws:policy/AmazonEKS_CNI_Policy"
  }
}
