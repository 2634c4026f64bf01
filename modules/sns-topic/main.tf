# An SNS topic encrypted with a customer-managed key, whose policy lets the named AWS services
# publish for this account only and refuses publishing over plain HTTP.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  # Built from its parts so the policy is known at plan time.
  arn = "arn:${data.aws_partition.current.partition}:sns:${data.aws_region.current.name}:${local.account_id}:${var.name}"
}

resource "aws_sns_topic" "this" {
  name              = var.name
  kms_master_key_id = var.kms_key_arn
  tags              = var.tags
}

data "aws_iam_policy_document" "this" {
  dynamic "statement" {
    for_each = var.publishers

    content {
      sid       = statement.value.sid
      actions   = ["SNS:Publish"]
      resources = [local.arn]

      principals {
        type        = "Service"
        identifiers = statement.value.services
      }

      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [local.account_id]
      }

      dynamic "condition" {
        for_each = length(statement.value.source_arns) > 0 ? [statement.value.source_arns] : []

        content {
          test     = "ArnLike"
          variable = "aws:SourceArn"
          values   = condition.value
        }
      }
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["SNS:Publish"]
    resources = [local.arn]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sns_topic_policy" "this" {
  arn    = aws_sns_topic.this.arn
  policy = data.aws_iam_policy_document.this.json
}
