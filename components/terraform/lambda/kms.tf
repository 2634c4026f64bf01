# One customer-managed key for the function's logs, dead-letter queue and environment variables.

data "aws_iam_policy_document" "kms" {
  #checkov:skip=CKV_AWS_111:This is a KMS key policy: "*" resource means this key only, and the account-root statement is what lets IAM policies grant use of it.
  #checkov:skip=CKV_AWS_356:This is a KMS key policy: "*" resource means this key only.
  #checkov:skip=CKV_AWS_109:This is a KMS key policy: the account root administers the key (AWS default key policy), service use is limited by the log-group encryption context.
  statement {
    sid       = "AccountAdministers"
    effect    = "Allow"
    actions   = ["kms:*"] # the key policy's administrator statement: IAM policies decide who may use it
    resources = ["*"]     # in a key policy "*" means this key

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchLogsForOwnLogGroup"
    effect    = "Allow"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${var.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = [local.log_group_arn]
    }
  }
}

resource "aws_kms_key" "this" {
  description             = "${local.function_name} function: logs, dead-letter queue, environment"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_in_days
  policy                  = data.aws_iam_policy_document.kms.json
  tags                    = merge(local.tags, { Name = local.function_name })
}

resource "aws_kms_alias" "this" {
  name          = "alias/lambda/${local.function_name}"
  target_key_id = aws_kms_key.this.key_id
}
