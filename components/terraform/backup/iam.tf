# The role AWS Backup assumes to back up and restore the selected resources
# (modules/iam-role: only backup.amazonaws.com, for this account only).

locals {
  backup_managed_policies = concat(
    [
      "arn:${local.partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
      "arn:${local.partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    ],
    local.selects_s3 ? [
      "arn:${local.partition}:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
      "arn:${local.partition}:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
    ] : [],
  )
}

module "backup_role" {
  source = "../../../modules/iam-role"

  name           = "${local.name_prefix}-backup"
  services       = ["backup.amazonaws.com"]
  source_account = local.account_id
  # Keyed by ARN, as the attachments were before the module.
  managed_policy_arns = { for arn in local.backup_managed_policies : arn => arn }
  tags                = merge(local.tags, { Name = "${local.name_prefix}-backup" })
}
