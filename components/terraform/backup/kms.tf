# Customer-managed key for the vault's recovery points and the notification topic
# (modules/kms-key: rotation on, the account root statement delegates administration to IAM).

module "backup_kms" {
  source = "../../../modules/kms-key"

  alias                   = "${local.name_prefix}-backup"
  description             = "${local.name_prefix} AWS Backup vault and notifications"
  deletion_window_in_days = var.kms_key_deletion_window_in_days

  # ServicesPublishToEncryptedTopics: AWS Backup publishes vault events to the notification
  # topic the key encrypts, for this account only (aws:SourceAccount).
  publishing_services = ["backup.amazonaws.com"]

  tags = merge(local.tags, { Name = "${local.name_prefix}-backup" })
}
