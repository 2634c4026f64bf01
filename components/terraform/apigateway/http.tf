# ---------------------------------------------------------------------------------------
# HTTP API (API Gateway v2). No X-Ray and no WAF: AWS supports neither for HTTP APIs.
# ---------------------------------------------------------------------------------------
resource "aws_apigatewayv2_api" "this" {
  count = local.is_http ? 1 : 0

  name                         = local.name_prefix
  description                  = local.api_description
  protocol_type                = "HTTP"
  body                         = var.openapi_body
  disable_execute_api_endpoint = var.disable_execute_api_endpoint

  tags = merge(local.tags, { Name = local.name_prefix }, var.api_tags)
}

resource "aws_apigatewayv2_stage" "this" {
  count = local.is_http ? 1 : 0

  api_id      = aws_apigatewayv2_api.this[0].id
  name        = local.stage_name
  auto_deploy = true

  access_log_settings {
    destination_arn = module.access_log_group.arn
    format          = local.access_log_format
  }

  default_route_settings {
    detailed_metrics_enabled = true
    throttling_rate_limit    = var.throttling_rate_limit
    throttling_burst_limit   = var.throttling_burst_limit
  }

  tags = merge(local.tags, { Name = "${local.name_prefix}-stage" }, var.api_tags)
}
