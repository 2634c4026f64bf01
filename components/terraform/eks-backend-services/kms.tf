# One customer-managed key for the services' queues, topics and repositories.

data "aws_iam_policy_document" "kms" {
  count = local.create_kms_key ? 1 : 0
  #checkov:skip=CKV_AWS_111:This is a KMS key policy: "*" resource means this key only, and the account-root statement is what lets IAM policies grant use of it.
  #checkov:skip=CKV_AWS_356:This is a KMS key policy: "*" resource means this key only.
  #checkov:skip=CKV_AWS_109:This is a KMS key policy: the account root administers the key (AWS default key policy); services use it through IAM roles scoped below.

  statement {
    sid       = "AccountAdministers"
    effect    = "Allow"
    actions   = ["kms:*"] # key policy administrator statement: IAM policies decide who may use the key
    resources = ["*"]     # in a key policy "*" means this key

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  # SNS delivering to encrypted queues, and publishing to encrypted topics from AWS services.
  statement {
    sid       = "SnsDeliversToEncryptedQueues"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["sns.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_kms_key" "this" {
  count = local.create_kms_key ? 1 : 0

  description             = "${local.name_prefix} backend services: queues, topics, repositories"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_in_days
  policy                  = data.aws_iam_policy_document.kms[0].json
  tags                    = merge(local.tags, { Name = "${local.name_prefix}-backend-services" })
}

resource "aws_kms_alias" "this" {
  count = local.create_kms_key ? 1 : 0

  name          = "alias/${local.name_prefix}-backend-services"
  target_key_id = aws_kms_key.this[0].key_id
}
