# One customer-managed key for the function's logs, dead-letter queue and environment variables.
# modules/kms-key adds the account root statement (AccountAdministration), rotation and, from
# log_group_names, CloudWatchLogsUse: CloudWatch Logs may use the key for the function's own
# log group only.

module "kms" {
  source = "../../../modules/kms-key"

  alias                   = "lambda/${local.function_name}"
  description             = "${local.function_name} function: logs, dead-letter queue, environment"
  deletion_window_in_days = var.kms_key_deletion_window_in_days

  log_group_names = [local.log_group_name]

  tags = merge(local.tags, { Name = local.function_name })
}
