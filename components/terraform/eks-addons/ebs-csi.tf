# Service-account role of the EBS CSI controller (IRSA, modules/iam-role).
# https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html

locals {
  ebs_csi_namespace      = "kube-system"
  ebs_csi_serviceaccount = "ebs-csi-controller-sa"
  create_ebs_csi_kms     = local.create_ebs_csi_role && length(var.ebs_csi_driver_kms_key_arns) > 0
}

module "ebs_csi_role" {
  source = "../../../modules/iam-role"
  count  = local.create_ebs_csi_role ? 1 : 0

  name                     = "${local.name_prefix}-ebs-csi-driver"
  description              = "EBS CSI controller of cluster ${var.cluster_name} (${local.ebs_csi_namespace}/${local.ebs_csi_serviceaccount})"
  oidc_provider_arn        = var.oidc_provider_arn
  oidc_provider_url        = var.oidc_provider_url
  service_accounts         = [{ namespace = local.ebs_csi_namespace, name = local.ebs_csi_serviceaccount }]
  permissions_boundary_arn = var.addon_roles_permissions_boundary_arn
  tags                     = merge(local.tags, { Name = "${local.name_prefix}-ebs-csi-driver" })

  # The AWS-managed policy the driver is documented with; it scopes its writes by tags the driver sets.
  managed_policy_arns = {
    AmazonEBSCSIDriverPolicy = "arn:${local.partition}:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"
  }

  inline_policies = local.create_ebs_csi_kms ? {
    "ebs-volume-keys" = data.aws_iam_policy_document.ebs_csi_kms[0].json
  } : {}
}

# Volumes encrypted with a customer-managed key need grants on that key, only through EC2.
data "aws_iam_policy_document" "ebs_csi_kms" {
  count = local.create_ebs_csi_kms ? 1 : 0

  statement {
    sid       = "UseVolumeKeysViaEc2"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"]
    resources = var.ebs_csi_driver_kms_key_arns

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["ec2.${var.region}.amazonaws.com"]
    }
  }

  statement {
    sid       = "GrantVolumeKeysToAwsResources"
    effect    = "Allow"
    actions   = ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"]
    resources = var.ebs_csi_driver_kms_key_arns

    condition {
      test     = "Bool"
      variable = "kms:GrantIsForAWSResource"
      values   = ["true"]
    }
  }
}
