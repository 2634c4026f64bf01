# ---------------------------------------------------------------------------------------
# Customer-managed keys: Kubernetes secrets (envelope encryption), control-plane logs, and
# node volumes. In key policies resource "*" means the key itself.
# ---------------------------------------------------------------------------------------
data "aws_iam_policy_document" "secrets_key" {
  #checkov:skip=CKV_AWS_111:Key policy: resource "*" is this key only; the root statement is the default key policy that delegates to IAM.
  #checkov:skip=CKV_AWS_356:Key policy: resource "*" is this key only.
  #checkov:skip=CKV_AWS_109:Key policy: resource "*" is this key only; the root statement keeps the key manageable by account administrators.
  statement {
    sid       = "AccountAdministration"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }
}

resource "aws_kms_key" "secrets" {
  description             = "${local.cluster_name} EKS secrets envelope encryption"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.secrets_key.json
  tags                    = merge(local.tags, { Name = "${local.cluster_name}-eks-secrets" })
}

resource "aws_kms_alias" "secrets" {
  name          = "alias/${local.cluster_name}-eks-secrets"
  target_key_id = aws_kms_key.secrets.key_id
}

data "aws_iam_policy_document" "logs_key" {
  #checkov:skip=CKV_AWS_111:Key policy: resource "*" is this key only; the root statement is the default key policy that delegates to IAM.
  #checkov:skip=CKV_AWS_356:Key policy: resource "*" is this key only.
  #checkov:skip=CKV_AWS_109:Key policy: resource "*" is this key only; the root statement keeps the key manageable by account administrators.
  statement {
    sid       = "AccountAdministration"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchLogsUse"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["logs.${var.region}.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:${local.cluster_log_group_name}"]
    }
  }
}

resource "aws_kms_key" "logs" {
  description             = "${local.cluster_name} EKS control-plane logs"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.logs_key.json
  tags                    = merge(local.tags, { Name = "${local.cluster_name}-eks-logs" })
}

resource "aws_kms_alias" "logs" {
  name          = "alias/${local.cluster_name}-eks-logs"
  target_key_id = aws_kms_key.logs.key_id
}

# EC2 Auto Scaling launches the managed nodes and attaches their volumes as its
# service-linked role, which must be allowed in the key policy (it cannot take IAM policies):
# https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html
# The role must exist before this key is created (it does once any Auto Scaling group has been
# made in the account; otherwise: aws iam create-service-linked-role --aws-service-name autoscaling.amazonaws.com).
data "aws_iam_policy_document" "nodes_key" {
  count = local.create_nodes_key ? 1 : 0

  #checkov:skip=CKV_AWS_111:Key policy: resource "*" is this key only; the root statement is the default key policy that delegates to IAM.
  #checkov:skip=CKV_AWS_356:Key policy: resource "*" is this key only.
  #checkov:skip=CKV_AWS_109:Key policy: resource "*" is this key only; the root statement keeps the key manageable by account administrators.
  statement {
    sid       = "AccountAdministration"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "AutoScalingVolumeEncryption"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = [local.autoscaling_service_role_arn]
    }
  }

  statement {
    sid       = "AutoScalingAttachVolumes"
    actions   = ["kms:CreateGrant"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = [local.autoscaling_service_role_arn]
    }
    condition {
      test     = "Bool"
      variable = "kms:GrantIsForAWSResource"
      values   = ["true"]
    }
  }
}

resource "aws_kms_key" "nodes" {
  count = local.create_nodes_key ? 1 : 0

  description             = "${local.cluster_name} EKS node volumes"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.nodes_key[0].json
  tags                    = merge(local.tags, { Name = "${local.cluster_name}-eks-nodes" })
}

resource "aws_kms_alias" "nodes" {
  count = local.create_nodes_key ? 1 : 0

  name          = "alias/${local.cluster_name}-eks-nodes"
  target_key_id = aws_kms_key.nodes[0].key_id
}
