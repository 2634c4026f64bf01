# ---------------------------------------------------------------------------------------
# AWS Backup for the lock table (seed section 4).
#
# Lifecycle rules AWS enforces (see README "Backup lifecycle rules"):
# - a recovery point moved to cold storage stays there at least 90 days, so
#   delete_after >= cold_storage_after + 90 (variable validations);
# - DynamoDB recovery points move to cold storage only with AWS Backup's advanced
#   DynamoDB features; otherwise AWS ignores the transition (precondition below);
# - a locked vault refuses recovery points whose retention is outside its min/max
#   (preconditions on the lock).
# https://docs.aws.amazon.com/aws-backup/latest/devguide/API_Lifecycle.html
# https://docs.aws.amazon.com/aws-backup/latest/devguide/advanced-ddb-backup.html
# ---------------------------------------------------------------------------------------

resource "aws_backup_vault" "this" {
  count = local.create_backup ? 1 : 0

  name          = local.backup_vault_name
  kms_key_arn   = module.backup_kms[0].key_arn
  force_destroy = false
  tags          = merge(local.tags, { Name = local.backup_vault_name }, var.backup_vault_tags)
}

# Nobody (except the listed break-glass principals) may delete or shorten recovery points,
# or loosen this policy. "*" as resource in a vault policy means this vault and its points.
data "aws_iam_policy_document" "backup_vault" {
  count = local.create_backup ? 1 : 0

  statement {
    sid    = "DenyDestructiveActions"
    effect = "Deny"
    actions = [
      "backup:DeleteRecoveryPoint",
      "backup:UpdateRecoveryPointLifecycle",
      "backup:DeleteBackupVault",
      "backup:PutBackupVaultAccessPolicy",
      "backup:DeleteBackupVaultAccessPolicy",
      "backup:DeleteBackupVaultLockConfiguration",
      "backup:DeleteBackupVaultNotifications",
    ]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    dynamic "condition" {
      for_each = length(var.backup_vault_policy_exempt_principal_arns) > 0 ? [1] : []
      content {
        test     = "ArnNotLike"
        variable = "aws:PrincipalArn"
        values   = var.backup_vault_policy_exempt_principal_arns
      }
    }
  }
}

resource "aws_backup_vault_policy" "this" {
  count = local.create_vault_policy ? 1 : 0

  backup_vault_name = aws_backup_vault.this[0].name
  policy            = data.aws_iam_policy_document.backup_vault[0].json
}

resource "aws_backup_vault_lock_configuration" "this" {
  count = local.create_vault_lock ? 1 : 0

  backup_vault_name   = aws_backup_vault.this[0].name
  min_retention_days  = var.backup_vault_lock_min_retention_days
  max_retention_days  = var.backup_vault_lock_max_retention_days
  changeable_for_days = var.backup_vault_lock_changeable_for_days

  lifecycle {
    # A locked vault fails every backup job whose retention is outside [min, max].
    precondition {
      condition     = local.backup_retention_min >= var.backup_vault_lock_min_retention_days
      error_message = "The vault lock refuses recovery points kept less than ${var.backup_vault_lock_min_retention_days} days, but the ${local.backup_shortest_rule} rule keeps them ${local.backup_retention_min}: set backup_vault_lock_min_retention_days <= ${local.backup_retention_min}, or raise the rule's retention."
    }
    precondition {
      condition     = local.backup_retention_max <= var.backup_vault_lock_max_retention_days
      error_message = "The vault lock refuses recovery points kept more than ${var.backup_vault_lock_max_retention_days} days, but the ${local.backup_longest_rule} rule keeps them ${local.backup_retention_max}: set backup_vault_lock_max_retention_days >= ${local.backup_retention_max}, or lower the rule's retention."
    }
  }
}

# Region-wide: opt-in per service and full AWS Backup management of DynamoDB (which is
# what turns on the advanced DynamoDB backup features, cold storage included).
resource "aws_backup_region_settings" "this" {
  count = local.manage_region_settings ? 1 : 0

  resource_type_opt_in_preference = var.backup_region_opt_in_preference
  resource_type_management_preference = {
    DynamoDB = true
  }
}

# The role AWS Backup assumes for the selections (modules/iam-role: only
# backup.amazonaws.com, for this account only). The AWS managed policies are what AWS
# documents for advanced DynamoDB backup and restore; keyed by policy name, as before.
module "backup_role" {
  source = "../../../modules/iam-role"
  count  = local.create_backup ? 1 : 0

  name           = local.backup_role_name
  services       = ["backup.amazonaws.com"]
  source_account = local.account_id
  managed_policy_arns = {
    for name in ["AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores"] :
    name => "arn:${local.partition}:iam::aws:policy/service-role/${name}"
  }
  tags = merge(local.tags, { Name = local.backup_role_name })
}

resource "aws_backup_plan" "this" {
  count = local.create_backup ? 1 : 0

  name = "${local.name_prefix}-backend"

  dynamic "rule" {
    for_each = local.backup_rules
    content {
      rule_name           = "${local.name_prefix}-${rule.key}"
      target_vault_name   = aws_backup_vault.this[0].name
      schedule            = rule.value.schedule
      start_window        = var.backup_start_window_minutes
      completion_window   = var.backup_completion_window_minutes
      recovery_point_tags = merge(local.tags, { BackupRule = rule.key })

      lifecycle {
        delete_after       = rule.value.retention
        cold_storage_after = rule.value.cold_storage_after
      }
    }
  }

  tags = merge(local.tags, { Name = "${local.name_prefix}-backend" })

  lifecycle {
    precondition {
      condition     = length(local.backup_cold_rules) == 0 || local.dynamodb_advanced_backup
      error_message = "The ${join(", ", local.backup_cold_rules)} rule(s) move the lock table's recovery points to cold storage, which DynamoDB supports only with AWS Backup's advanced DynamoDB features: set backup_dynamodb_advanced_features_enabled = true (when they are on in this region) or backup_manage_region_settings = true, or remove those rules from backup_cold_storage_rules."
    }
  }
}

resource "aws_backup_selection" "locks" {
  count = local.create_selections ? 1 : 0

  name         = "${local.name_prefix}-locks"
  plan_id      = aws_backup_plan.this[0].id
  iam_role_arn = module.backup_role[0].arn
  resources    = [aws_dynamodb_table.locks.arn]
}

resource "aws_backup_selection" "tagged" {
  count = local.create_tag_selection ? 1 : 0

  name         = "${local.name_prefix}-tagged"
  plan_id      = aws_backup_plan.this[0].id
  iam_role_arn = module.backup_role[0].arn

  selection_tag {
    type  = "STRINGEQUALS"
    key   = var.backup_selection_tag.key
    value = var.backup_selection_tag.value
  }
}
