# The log group Lambda writes to, created before the function so it is encrypted and retained.

locals {
  log_group_name = "/aws/lambda/${local.function_name}"
  log_group_arn  = "arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:${local.log_group_name}"
}

module "log_group" {
  source = "../../../modules/log-group"

  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_arn       = module.kms.key_arn
  tags              = merge(local.tags, { Name = local.log_group_name })
}
