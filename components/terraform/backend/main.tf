# ---------------------------------------------------------------------------------------
# Gates and derived values. Every count / for_each of the component reads these.
# ---------------------------------------------------------------------------------------

locals {
  state_bucket_name = coalesce(var.state_bucket_name, "${local.name_prefix}-tfstate-${local.account_id}")
  lock_table_name   = coalesce(var.lock_table_name, "${local.name_prefix}-tflock")

  lock_table_deletion_protection = coalesce(var.lock_table_deletion_protection, local.is_prod)

  create_backup            = var.enable_backup_vault
  create_backup_alarms     = var.enable_backup_vault && var.enable_backup_alarms
  create_backup_topic      = local.create_backup_alarms && var.backup_sns_topic_arn == null
  create_vault_lock        = local.create_backup && var.enable_backup_vault_lock
  create_vault_policy      = local.create_backup && var.enable_backup_vault_policy
  create_selections        = local.create_backup && var.enable_backup_selections
  create_tag_selection     = local.create_selections && var.backup_selection_tag != null
  create_vault_notices     = local.create_backup_alarms && var.enable_backup_vault_notifications
  manage_region_settings   = local.create_backup && var.backup_manage_region_settings
  create_state_access_logs = var.state_bucket_access_log_bucket != null

  # Daily everywhere; weekly and monthly only in prod (seed section 4).
  backup_rules_all = {
    daily = {
      schedule  = var.backup_schedule_daily
      retention = var.backup_retention_days_daily
    }
    weekly = {
      schedule  = var.backup_schedule_weekly
      retention = var.backup_retention_days_weekly
    }
    monthly = {
      schedule  = var.backup_schedule_monthly
      retention = var.backup_retention_days_monthly
    }
  }
  backup_rule_names = local.is_prod ? ["daily", "weekly", "monthly"] : ["daily"]

  # A rule transitions to cold storage only when it is listed and cold storage is on at all.
  # AWS Backup requires 90 days in cold storage (delete_after >= cold_storage_after + 90);
  # the retention variables' validations enforce it for every rule that exists.
  backup_rules = {
    for name in local.backup_rule_names : name => merge(local.backup_rules_all[name], {
      cold_storage_after = (
        var.backup_cold_storage_after_days != null && contains(var.backup_cold_storage_rules, name)
        ? var.backup_cold_storage_after_days : null
      )
    }) if local.create_backup
  }
  backup_cold_rules = sort([for name, rule in local.backup_rules : name if rule.cold_storage_after != null])

  # DynamoDB recovery points reach cold storage only with the advanced DynamoDB features;
  # without them AWS Backup silently ignores the transition. Managing the region settings
  # here turns them on.
  dynamodb_advanced_backup = var.backup_dynamodb_advanced_features_enabled || var.backup_manage_region_settings

  backup_retentions    = [for rule in values(local.backup_rules) : rule.retention]
  backup_retention_min = length(local.backup_retentions) > 0 ? min(local.backup_retentions...) : 0
  backup_retention_max = length(local.backup_retentions) > 0 ? max(local.backup_retentions...) : 0
  backup_shortest_rule = try([for name, rule in local.backup_rules : name if rule.retention == local.backup_retention_min][0], "")
  backup_longest_rule  = try([for name, rule in local.backup_rules : name if rule.retention == local.backup_retention_max][0], "")
  backup_sns_topic_arn = local.create_backup_topic ? try(module.backup_topic[0].arn, null) : var.backup_sns_topic_arn
  backup_alarm_actions = local.backup_sns_topic_arn == null ? [] : [local.backup_sns_topic_arn]
  backup_vault_name    = "${local.name_prefix}-backup"
  backup_role_name     = "${local.name_prefix}-backup"
}
