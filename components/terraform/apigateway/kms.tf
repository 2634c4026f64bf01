# Customer-managed key for the API's log groups. CloudWatch Logs may use it only for log
# groups of this API (modules/kms-key writes the statement CloudWatchLogsUse):
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
module "logs_kms" {
  source = "../../../modules/kms-key"

  alias                   = "${local.name_prefix}-apigateway-logs"
  description             = "${local.name_prefix} API Gateway logs"
  deletion_window_in_days = var.kms_key_deletion_window_in_days
  log_group_names         = [local.access_log_group_name, "API-Gateway-Execution-Logs_*"]
  tags                    = merge(local.tags, { Name = "${local.name_prefix}-apigateway-logs" })
}
