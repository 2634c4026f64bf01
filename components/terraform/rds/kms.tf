################################################################################
# Customer-managed key: storage, Performance Insights, the credentials secret, the
# rotation function's environment and logs, and the rotation topic.
################################################################################

data "aws_iam_policy_document" "kms" {
  #checkov:skip=CKV_AWS_111:This is a key policy: Resource "*" means this key only, and write access is limited to the account and named services.
  #checkov:skip=CKV_AWS_356:This is a key policy: Resource "*" means the key the policy is attached to.
  #checkov:skip=CKV_AWS_109:This is a key policy: the account root statement is the AWS default that delegates key management to IAM.
  # Account administrators manage the key through IAM (the AWS default key policy).
  statement {
    sid       = "AccountAdministration"
    actions   = ["kms:*"]
    resources = ["*"] # in a key policy "*" means this key
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid = "CloudWatchLogsOfThisComponent"
    actions = [
      "kms:Encrypt*",
      "kms:Decrypt*",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:Describe*",
    ]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["logs.${var.region}.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values = [
        "arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:/aws/lambda/${local.rotation_function_name}",
        "arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:/aws/rds/instance/${local.name_prefix}/*",
      ]
    }
  }

  # EventBridge and CloudWatch alarms publish to the encrypted rotation topic.
  dynamic "statement" {
    for_each = local.create_rotation_topic ? [1] : []
    content {
      sid       = "PublishToEncryptedTopic"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
      resources = ["*"]
      principals {
        type        = "Service"
        identifiers = ["events.amazonaws.com", "cloudwatch.amazonaws.com"]
      }
      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [local.account_id]
      }
    }
  }
}

resource "aws_kms_key" "this" {
  description             = "${local.name_prefix} RDS storage, Performance Insights, credentials secret and rotation"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_key_deletion_window_in_days
  policy                  = data.aws_iam_policy_document.kms.json
  tags                    = merge(local.tags, { Name = "${local.name_prefix}-rds" })
}

resource "aws_kms_alias" "this" {
  name          = "alias/${local.name_prefix}-rds"
  target_key_id = aws_kms_key.this.key_id
}
