# Vault job events -> encrypted SNS topic -> email subscribers.

locals {
  create_vault_notifications = local.create_notifications && var.create_vault_notifications
  notifications_topic_name   = "${local.name_prefix}-backup-events"
}

# modules/sns-topic: encrypted with the backup key; only AWS Backup of this account may
# publish, over TLS only.
module "notifications_topic" {
  source = "../../../modules/sns-topic"
  count  = local.create_notifications ? 1 : 0

  name        = local.notifications_topic_name
  kms_key_arn = module.backup_kms.key_arn
  publishers = [
    {
      sid      = "BackupPublishes"
      services = ["backup.amazonaws.com"]
    },
  ]
  tags = merge(local.tags, { Name = "${local.name_prefix}-backup-events" })
}

resource "aws_backup_vault_notifications" "this" {
  count = local.create_vault_notifications ? 1 : 0

  backup_vault_name   = aws_backup_vault.this.name
  sns_topic_arn       = module.notifications_topic[0].arn
  backup_vault_events = var.notification_events
}

resource "aws_sns_topic_subscription" "email" {
  for_each = local.create_notifications ? toset(var.notification_emails) : toset([])

  topic_arn = module.notifications_topic[0].arn
  protocol  = "email"
  endpoint  = each.value
}
