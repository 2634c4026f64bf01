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
data "aws_iam_policy_document" "cloudwatch_assume" {
  count = var.create_cloudwatch_role ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["apigateway.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "cloudwatch" {
  count = var.create_cloudwatch_role ? 1 : 0

  name               = "${local.name_prefix}-apigateway-cloudwatch"
  assume_role_policy = data.aws_iam_policy_document.cloudwatch_assume[0].json
  tags               = local.tags
}

resource "aws_iam_role_policy_attachment" "cloudwatch" {
  count = var.create_cloudwatch_role ? 1 : 0

  role       = aws_iam_role.cloudwatch[0].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
}

resource "aws_api_gateway_account" "this" {
  count = var.create_cloudwatch_role ? 1 : 0

  cloudwatch_role_arn = aws_iam_role.cloudwatch[0].arn
  depends_on          = [aws_iam_role_policy_attachment.cloudwatch]
}
