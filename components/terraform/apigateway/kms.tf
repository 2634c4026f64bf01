# Customer-managed key for the API's log groups. CloudWatch Logs may use it only for log
# groups of this API: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
module "logs_kms" {
  source = "../../../modules/kms-key"

  alias                   = "${local.name_prefix}-apigateway-logs"
  description             = "${local.name_prefix} API Gateway logs"
  deletion_window_in_days = var.kms_key_deletion_window_in_days
  service_statements = [{
    sid = "CloudWatchLogsUse"
    actions = [
      "kms:Encrypt*",
      "kms:Decrypt*",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:Describe*",
    ]
    principals = [{ type = "Service", identifiers = ["logs.${var.region}.amazonaws.com"] }]
    conditions = [{
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values = [
        "arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:${local.access_log_group_name}",
        "arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:API-Gateway-Execution-Logs_*",
      ]
    }]
  }]
  tags = merge(local.tags, { Name = "${local.name_prefix}-apigateway-logs" })
}
