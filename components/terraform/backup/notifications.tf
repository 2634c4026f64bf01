# Vault job events -> encrypted SNS topic -> email subscribers.

locals {
  create_vault_notifications = local.create_notifications && var.create_vault_notifications

  # Built from its parts so the topic policy is known at plan time.
  notifications_topic_name = "${local.name_prefix}-backup-events"
  notifications_topic_arn  = "arn:${local.partition}:sns:${var.region}:${local.account_id}:${local.notifications_topic_name}"
}

resource "aws_sns_topic" "notifications" {
  count = local.create_notifications ? 1 : 0

  name              = local.notifications_topic_name
  kms_master_key_id = aws_kms_key.backup.arn
  tags              = merge(local.tags, { Name = "${local.name_prefix}-backup-events" })
}

data "aws_iam_policy_document" "notifications" {
  count = local.create_notifications ? 1 : 0

  statement {
    sid       = "BackupPublishes"
    actions   = ["SNS:Publish"]
    resources = [local.notifications_topic_arn]
    principals {
      type        = "Service"
      identifiers = ["backup.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["SNS:Publish"]
    resources = [local.notifications_topic_arn]
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

resource "aws_sns_topic_policy" "notifications" {
  count = local.create_notifications ? 1 : 0

  arn    = aws_sns_topic.notifications[0].arn
  policy = data.aws_iam_policy_document.notifications[0].json
}

resource "aws_backup_vault_notifications" "this" {
  count = local.create_vault_notifications ? 1 : 0

  backup_vault_name   = aws_backup_vault.this.name
  sns_topic_arn       = aws_sns_topic.notifications[0].arn
  backup_vault_events = var.notification_events
}

resource "aws_sns_topic_subscription" "email" {
  for_each = local.create_notifications ? toset(var.notification_emails) : toset([])

  topic_arn = aws_sns_topic.notifications[0].arn
  protocol  = "email"
  endpoint  = each.value
}
