# ---------------------------------------------------------------------------------------
# Customer-managed keys: one for the state (bucket + lock table), one for the backup vault
# and its notification topic, so a backup operator never needs the state key and back.
# Key use by the account's principals (Terraform, the AWS Backup role) is delegated to IAM
# through the account root statement (modules/kms-key adds it).
# ---------------------------------------------------------------------------------------

module "state_kms" {
  source = "../../../modules/kms-key"

  alias                   = "${local.name_prefix}-state"
  description             = "${local.name_prefix} Terraform state bucket and lock table"
  deletion_window_in_days = var.kms_key_deletion_window_in_days
  tags                    = merge(local.tags, { Name = "${local.name_prefix}-state" })
}

module "backup_kms" {
  source = "../../../modules/kms-key"
  count  = local.create_backup ? 1 : 0

  alias                   = "${local.name_prefix}-backup"
  description             = "${local.name_prefix} AWS Backup vault and notifications"
  deletion_window_in_days = var.kms_key_deletion_window_in_days

  # EventBridge, CloudWatch alarms and AWS Backup notifications publish to the encrypted
  # topic. Which account may publish is decided by the topic policy (aws:SourceAccount);
  # the services' KMS calls do not all carry that key, so it is not repeated here.
  service_statements = [
    {
      sid     = "NotificationPublishers"
      actions = ["kms:Decrypt", "kms:GenerateDataKey*"]
      principals = [
        {
          type        = "Service"
          identifiers = ["events.amazonaws.com", "backup.amazonaws.com", "cloudwatch.amazonaws.com"]
        },
      ]
    },
  ]

  tags = merge(local.tags, { Name = "${local.name_prefix}-backup" })
}
