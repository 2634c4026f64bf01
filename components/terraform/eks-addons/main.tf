# EKS managed add-ons. Kubernetes objects are managed by EKS, not by a Kubernetes provider.
# https://docs.aws.amazon.com/eks/latest/userguide/eks-add-ons.html

locals {
  all_addons = {
    "vpc-cni" = {
      enabled              = var.enable_vpc_cni
      version              = var.vpc_cni_version
      configuration_values = var.vpc_cni_configuration_values
    }
    "coredns" = {
      enabled              = var.enable_coredns
      version              = var.coredns_version
      configuration_values = null
    }
    "kube-proxy" = {
      enabled              = var.enable_kube_proxy
      version              = var.kube_proxy_version
      configuration_values = null
    }
    "aws-ebs-csi-driver" = {
      enabled              = var.enable_ebs_csi_driver
      version              = var.ebs_csi_driver_version
      configuration_values = null
    }
    "eks-pod-identity-agent" = {
      enabled              = var.enable_pod_identity_agent
      version              = var.pod_identity_agent_version
      configuration_values = null
    }
  }

  addons          = { for name, addon in local.all_addons : name => addon if addon.enabled }
  unpinned_addons = sort([for name, addon in local.addons : name if addon.version == null])

  create_ebs_csi_role = var.enable_ebs_csi_driver

  addon_role_arns = merge(
    local.create_ebs_csi_role ? { "aws-ebs-csi-driver" = module.ebs_csi_role[0].arn } : {},
    local.create_vpc_cni_role ? { "vpc-cni" = module.vpc_cni_role[0].arn } : {},
  )
}

resource "aws_eks_addon" "this" {
  for_each = local.addons

  cluster_name                = var.cluster_name
  addon_name                  = each.key
  addon_version               = each.value.version
  configuration_values        = each.value.configuration_values
  resolve_conflicts_on_create = var.resolve_conflicts_on_create
  resolve_conflicts_on_update = var.resolve_conflicts_on_update
  service_account_role_arn    = lookup(local.addon_role_arns, each.key, null)
  preserve                    = var.preserve_on_delete

  tags = merge(local.tags, { Name = "${var.cluster_name}-${each.key}" }, var.addon_tags)

  lifecycle {
    precondition {
      condition     = !local.is_prod || length(local.unpinned_addons) == 0
      error_message = "Pin every add-on version in prod (aws eks describe-addon-versions): set the *_version input of ${join(", ", local.unpinned_addons)}."
    }
  }
}
