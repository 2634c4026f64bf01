locals {
  cluster_name           = local.name_prefix
  cluster_log_group_name = "/aws/eks/${local.cluster_name}/cluster"

  create_oidc_provider = var.create_oidc_provider
  create_node_group    = var.create_node_group
  create_nodes_key     = var.create_node_group && var.node_volume_kms_key_arn == null
  node_volume_kms_key  = local.create_nodes_key ? try(module.nodes_kms[0].key_arn, null) : var.node_volume_kms_key_arn
  node_subnet_ids      = coalesce(var.node_subnet_ids, var.subnet_ids)

  autoscaling_service_role_arn = "arn:${local.partition}:iam::${local.account_id}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"

  node_policies = merge(
    {
      worker = "arn:${local.partition}:iam::aws:policy/AmazonEKSWorkerNodePolicy"
      ecr    = "arn:${local.partition}:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"
    },
    var.node_attach_cni_policy ? { cni = "arn:${local.partition}:iam::aws:policy/AmazonEKS_CNI_Policy" } : {},
    var.node_enable_ssm ? { ssm = "arn:${local.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore" } : {},
  )
}

# EKS creates this group itself, unencrypted and kept forever, unless it already exists:
# creating it first gives it the CMK and a retention (modules/log-group validates the retention).
module "cluster_log_group" {
  source = "../../../modules/log-group"

  name              = local.cluster_log_group_name
  retention_in_days = var.cluster_log_retention_days
  kms_key_arn       = module.logs_kms.key_arn
  tags              = merge(local.tags, { Name = local.cluster_log_group_name })
}

resource "aws_eks_cluster" "this" {
  name                      = local.cluster_name
  version                   = var.kubernetes_version
  role_arn                  = module.cluster_role.arn
  enabled_cluster_log_types = var.cluster_log_types

  vpc_config {
    subnet_ids              = var.subnet_ids
    security_group_ids      = var.cluster_security_group_ids
    endpoint_private_access = true
    endpoint_public_access  = var.endpoint_public_access
    public_access_cidrs     = var.endpoint_public_access ? var.endpoint_public_access_cidrs : null
  }

  encryption_config {
    resources = ["secrets"]
    provider {
      key_arn = module.secrets_kms.key_arn
    }
  }

  # Emulator switch (README, "Emulator switches"): always on outside emulators.
  dynamic "access_config" {
    for_each = var.enable_cluster_access_and_upgrade_config ? [1] : []
    content {
      authentication_mode                         = var.authentication_mode
      bootstrap_cluster_creator_admin_permissions = var.bootstrap_cluster_creator_admin_permissions
    }
  }

  dynamic "upgrade_policy" {
    for_each = var.enable_cluster_access_and_upgrade_config ? [1] : []
    content {
      support_type = var.support_type
    }
  }

  tags = merge(local.tags, { Name = local.cluster_name }, var.cluster_tags)

  depends_on = [
    module.cluster_log_group,
    module.cluster_role,
  ]
}

resource "aws_eks_access_entry" "admin" {
  for_each = toset(var.cluster_admin_principal_arns)

  cluster_name  = aws_eks_cluster.this.name
  principal_arn = each.value
  type          = "STANDARD"
  tags          = local.tags
}

resource "aws_eks_access_policy_association" "admin" {
  for_each = toset(var.cluster_admin_principal_arns)

  cluster_name  = aws_eks_cluster.this.name
  principal_arn = aws_eks_access_entry.admin[each.value].principal_arn
  policy_arn    = "arn:${local.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"

  access_scope {
    type = "cluster"
  }
}

# IAM OIDC provider for IAM roles for service accounts (IRSA). No thumbprint by default: IAM
# secures EKS issuers with its own trusted root CAs, and this repository has no tls provider
# to compute one.
resource "aws_iam_openid_connect_provider" "this" {
  count = local.create_oidc_provider ? 1 : 0

  url             = aws_eks_cluster.this.identity[0].oidc[0].issuer
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = length(var.oidc_thumbprint_list) > 0 ? var.oidc_thumbprint_list : null
  tags            = merge(local.tags, { Name = "${local.cluster_name}-irsa" })
}
