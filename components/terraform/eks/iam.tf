# ---------------------------------------------------------------------------------------
# Cluster role (modules/iam-role): AmazonEKSClusterPolicy, plus use of the secrets key
# only; EKS may assume it for this account only.
# https://docs.aws.amazon.com/eks/latest/userguide/cluster-iam-role.html
# ---------------------------------------------------------------------------------------
module "cluster_role" {
  source = "../../../modules/iam-role"

  name           = "${local.cluster_name}-eks-cluster"
  services       = ["eks.amazonaws.com"]
  source_account = local.account_id
  inline_policies = {
    "secrets-encryption" = data.aws_iam_policy_document.cluster_secrets_key.json
  }
  managed_policy_arns = {
    cluster = "arn:${local.partition}:iam::aws:policy/AmazonEKSClusterPolicy"
  }
  tags = local.tags
}

data "aws_iam_policy_document" "cluster_secrets_key" {
  statement {
    sid       = "SecretsEnvelopeEncryption"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"]
    resources = [module.secrets_kms.key_arn]
  }
}

# ---------------------------------------------------------------------------------------
# Node role (modules/iam-role): the AWS managed policies a managed node needs, nothing
# else. EC2 sends no aws:SourceAccount when an instance assumes its role: no source_account.
# https://docs.aws.amazon.com/eks/latest/userguide/create-node-role.html
# ---------------------------------------------------------------------------------------
module "node_role" {
  source = "../../../modules/iam-role"
  count  = var.create_node_group ? 1 : 0

  name                = "${local.cluster_name}-eks-node"
  services            = ["ec2.amazonaws.com"]
  managed_policy_arns = local.node_policies
  tags                = local.tags
}
