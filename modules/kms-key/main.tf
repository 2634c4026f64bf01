# A customer-managed KMS key, one alias, and a key policy made of the account root statement
# (AWS's default policy: the account's IAM policies decide who administers the key) plus the
# service statements the caller passes. A symmetric encryption key (the default) always
# rotates; an asymmetric or HMAC key (key_spec / key_usage) never does, as KMS cannot rotate it.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
}

data "aws_iam_policy_document" "this" {
  #checkov:skip=CKV_AWS_111:A key policy's Resource "*" means this key only; the account root delegates to IAM.
  #checkov:skip=CKV_AWS_356:A key policy's Resource "*" means this key only.
  #checkov:skip=CKV_AWS_109:Key administration is delegated to the account's IAM policies (AWS's default key policy).
  statement {
    sid       = "AccountAdministration"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  # https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
  dynamic "statement" {
    for_each = length(var.log_group_names) > 0 ? [var.log_group_names] : []

    content {
      sid       = "CloudWatchLogsUse"
      actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
      resources = ["*"]

      principals {
        type        = "Service"
        identifiers = ["logs.${local.region}.amazonaws.com"]
      }

      condition {
        test     = "ArnLike"
        variable = "kms:EncryptionContext:aws:logs:arn"
        values   = [for name in statement.value : "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${name}"]
      }
    }
  }

  # Services publishing to encrypted SNS topics / SQS queues need a data key.
  dynamic "statement" {
    for_each = length(var.publishing_services) > 0 ? [var.publishing_services] : []

    content {
      sid       = "ServicesPublishToEncryptedTopics"
      actions   = ["kms:GenerateDataKey*", "kms:Decrypt"]
      resources = ["*"]

      principals {
        type        = "Service"
        identifiers = statement.value
      }

      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [local.account_id]
      }
    }
  }

  dynamic "statement" {
    for_each = var.service_statements

    content {
      sid       = statement.value.sid
      actions   = statement.value.actions
      resources = ["*"]

      dynamic "principals" {
        for_each = statement.value.principals

        content {
          type        = principals.value.type
          identifiers = principals.value.identifiers
        }
      }

      dynamic "condition" {
        for_each = statement.value.conditions

        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
    }
  }
}

# Rotation: KMS rotates symmetric encryption keys only (key_usage's rule makes every
# SYMMETRIC_DEFAULT key ENCRYPT_DECRYPT); asymmetric and HMAC keys cannot rotate. No input turns
# rotation off: it follows the key spec. It is spelt as a conditional in place (not a local, not
# the bare comparison) because that is the form checkov resolves, so CKV_AWS_7 still checks it.
resource "aws_kms_key" "this" {
  description              = var.description
  customer_master_key_spec = var.key_spec
  key_usage                = var.key_usage
  enable_key_rotation      = var.key_spec == "SYMMETRIC_DEFAULT" ? true : false
  deletion_window_in_days  = var.deletion_window_in_days
  policy                   = data.aws_iam_policy_document.this.json
  tags                     = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.alias}"
  target_key_id = aws_kms_key.this.key_id
}
