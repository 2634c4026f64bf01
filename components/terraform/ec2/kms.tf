# ---------------------------------------------------------------------------------------
# Customer-managed key for the templates' EBS volumes (optional; see create_ebs_kms_key).
# ---------------------------------------------------------------------------------------

data "aws_iam_policy_document" "ebs_key" {
  count = local.create_ebs_kms_key ? 1 : 0

  #checkov:skip=CKV_AWS_109:A key policy's "*" resource means this key only; the account root statement is the standard delegation to IAM.
  #checkov:skip=CKV_AWS_111:A key policy's "*" resource means this key only.
  #checkov:skip=CKV_AWS_356:A key policy's "*" resource means this key only.
  statement {
    sid       = "AccountAdministration"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  # EC2 Auto Scaling launches encrypted volumes with its service-linked role.
  statement {
    sid       = "AutoScalingUse"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"]
    }
  }

  statement {
    sid       = "AutoScalingGrants"
    actions   = ["kms:CreateGrant"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"]
    }
    condition {
      test     = "Bool"
      variable = "kms:GrantIsForAWSResource"
      values   = ["true"]
    }
  }
}

resource "aws_kms_key" "ebs" {
  count = local.create_ebs_kms_key ? 1 : 0

  description             = "${local.name_prefix} EBS volumes of the launch templates"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_in_days
  policy                  = data.aws_iam_policy_document.ebs_key[0].json
  tags                    = merge(local.tags, { Name = "${local.name_prefix}-ebs" })
}

resource "aws_kms_alias" "ebs" {
  count = local.create_ebs_kms_key ? 1 : 0

  name          = "alias/${local.name_prefix}-ebs"
  target_key_id = aws_kms_key.ebs[0].key_id
}
