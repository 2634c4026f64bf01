# One customer-managed key for the function's logs, dead-letter queue and environment variables.
# modules/kms-key adds the account root statement (AccountAdministration) and rotation.

module "kms" {
  source = "../../../modules/kms-key"

  alias                   = "lambda/${local.function_name}"
  description             = "${local.function_name} function: logs, dead-letter queue, environment"
  deletion_window_in_days = var.kms_key_deletion_window_in_days

  service_statements = [
    {
      sid        = "CloudWatchLogsForOwnLogGroup"
      actions    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
      principals = [{ type = "Service", identifiers = ["logs.${var.region}.amazonaws.com"] }]
      conditions = [{ test = "ArnEquals", variable = "kms:EncryptionContext:aws:logs:arn", values = [local.log_group_arn] }]
    },
  ]

  tags = merge(local.tags, { Name = local.function_name })
}
