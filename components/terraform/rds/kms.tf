################################################################################
# Customer-managed key: storage, Performance Insights, the credentials secret, the
# rotation function's environment and logs, and the rotation topic.
# modules/kms-key adds the account root statement (AccountAdministration), rotation,
# CloudWatchLogsUse (log_group_names) and ServicesPublishToEncryptedTopics (publishing_services).
################################################################################

module "kms" {
  source = "../../../modules/kms-key"

  alias                   = "${local.name_prefix}-rds"
  description             = "${local.name_prefix} RDS storage, Performance Insights, credentials secret and rotation"
  deletion_window_in_days = var.kms_key_deletion_window_in_days

  log_group_names = [
    "/aws/lambda/${local.rotation_function_name}",
    "/aws/rds/instance/${local.name_prefix}/*",
  ]

  # EventBridge and CloudWatch alarms publish to the encrypted rotation topic.
  publishing_services = local.create_rotation_topic ? ["events.amazonaws.com", "cloudwatch.amazonaws.com"] : []

  tags = merge(local.tags, { Name = "${local.name_prefix}-rds" })
}
