locals {
  access_log_group_name = "/aws/apigateway/${local.name_prefix}/access"

  # One JSON line per request; fields from
  # https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html
  access_log_fields = {
    requestId          = "$context.requestId"
    extendedRequestId  = "$context.extendedRequestId"
    ip                 = "$context.identity.sourceIp"
    requestTime        = "$context.requestTime"
    httpMethod         = "$context.httpMethod"
    path               = "$context.path"
    routeKey           = "$context.routeKey"
    protocol           = "$context.protocol"
    status             = "$context.status"
    responseLength     = "$context.responseLength"
    integrationLatency = "$context.integrationLatency"
    integrationError   = "$context.integration.error"
    errorMessage       = "$context.error.message"
    userAgent          = "$context.identity.userAgent"
  }
  # $context.waf.* exists only for REST APIs (HTTP APIs have no WAF).
  access_log_format = jsonencode(merge(
    local.access_log_fields,
    local.is_rest ? { wafResponseCode = "$context.waf.status" } : {},
  ))
}

module "access_log_group" {
  source = "../../../modules/log-group"

  name              = local.access_log_group_name
  retention_in_days = var.access_log_retention_days
  kms_key_arn       = module.logs_kms.key_arn
  tags              = merge(local.tags, { Name = local.access_log_group_name })
}

# API Gateway creates the REST execution log group on first use, unencrypted and kept
# forever; creating it first under the name it expects gives it our key and retention.
module "execution_log_group" {
  source = "../../../modules/log-group"
  count  = local.create_execution_log_group ? 1 : 0

  name              = "API-Gateway-Execution-Logs_${aws_api_gateway_rest_api.this[0].id}/${local.stage_name}"
  retention_in_days = var.access_log_retention_days
  kms_key_arn       = module.logs_kms.key_arn
  tags              = merge(local.tags, { Name = "${local.name_prefix}-execution" })
}

# ---------------------------------------------------------------------------------------
# Account-level role API Gateway uses for execution logs (one per account and region).
# ---------------------------------------------------------------------------------------
# modules/iam-role: only apigateway.amazonaws.com, for this account only.
module "cloudwatch_role" {
  source = "../../../modules/iam-role"
  count  = var.create_cloudwatch_role ? 1 : 0

  name           = "${local.name_prefix}-apigateway-cloudwatch"
  services       = ["apigateway.amazonaws.com"]
  source_account = local.account_id
  managed_policy_arns = {
    "AmazonAPIGatewayPushToCloudWatchLogs" = "arn:${local.partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
  }
  tags = local.tags
}

resource "aws_api_gateway_account" "this" {
  count = var.create_cloudwatch_role ? 1 : 0

  cloudwatch_role_arn = module.cloudwatch_role[0].arn
  # The role must hold its policy before API Gateway accepts it.
  depends_on = [module.cloudwatch_role]
}
