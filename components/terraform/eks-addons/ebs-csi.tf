# Service-account role of the EBS CSI controller (IRSA).
# https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html

locals {
  oidc_issuer            = trimsuffix(trimprefix(var.oidc_provider_url, "https://"), "/")
  ebs_csi_namespace      = "kube-system"
  ebs_csi_serviceaccount = "ebs-csi-controller-sa"
  create_ebs_csi_kms     = local.create_ebs_csi_role && length(var.ebs_csi_driver_kms_key_arns) > 0
}

data "aws_iam_policy_document" "ebs_csi_assume" {
  count = local.create_ebs_csi_role ? 1 : 0

  statement {
    sid     = "EbsCsiControllerServiceAccount"
    effect  = "Allow"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [var.oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:sub"
      values   = ["system:serviceaccount:${local.ebs_csi_namespace}:${local.ebs_csi_serviceaccount}"]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "ebs_csi" {
  count = local.create_ebs_csi_role ? 1 : 0

  name                 = "${local.name_prefix}-ebs-csi-driver"
  description          = "EBS CSI controller of cluster ${var.cluster_name} (${local.ebs_csi_namespace}/${local.ebs_csi_serviceaccount})"
  assume_role_policy   = data.aws_iam_policy_document.ebs_csi_assume[0].json
  permissions_boundary = var.addon_roles_permissions_boundary_arn
  tags                 = merge(local.tags, { Name = "${local.name_prefix}-ebs-csi-driver" })
}

# The AWS-managed policy the driver is documented with; it scopes its writes by tags the driver sets.
resource "aws_iam_role_policy_attachment" "ebs_csi" {
  count = local.create_ebs_csi_role ? 1 : 0

  role       = aws_iam_role.ebs_csi[0].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"
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

resource "aws_iam_role_policy" "ebs_csi_kms" {
  count = local.create_ebs_csi_kms ? 1 : 0

  name   = "ebs-volume-keys"
  role   = aws_iam_role.ebs_csi[0].id
  policy = data.aws_iam_policy_document.ebs_csi_kms[0].json
}
