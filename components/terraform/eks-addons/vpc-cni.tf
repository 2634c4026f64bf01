# Service-account role of the VPC CNI (aws-node) so the node role does not need AmazonEKS_CNI_Policy.
# https://docs.aws.amazon.com/eks/latest/userguide/cni-iam-role.html

locals {
  create_vpc_cni_role = var.enable_vpc_cni && var.enable_vpc_cni_irsa
}

data "aws_iam_policy_document" "vpc_cni_assume" {
  count = local.create_vpc_cni_role ? 1 : 0

  statement {
    sid     = "AwsNodeServiceAccount"
    effect  = "Allow"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [var.oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:sub"
      values   = ["system:serviceaccount:kube-system:aws-node"]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "vpc_cni" {
  count = local.create_vpc_cni_role ? 1 : 0

  name                 = "${local.name_prefix}-vpc-cni"
  description          = "VPC CNI of cluster ${var.cluster_name} (kube-system/aws-node)"
  assume_role_policy   = data.aws_iam_policy_document.vpc_cni_assume[0].json
  permissions_boundary = var.addon_roles_permissions_boundary_arn
  tags                 = merge(local.tags, { Name = "${local.name_prefix}-vpc-cni" })
}

resource "aws_iam_role_policy_attachment" "vpc_cni" {
  count = local.create_vpc_cni_role ? 1 : 0

  role       = aws_iam_role.vpc_cni[0].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AmazonEKS_CNI_Policy"
}
