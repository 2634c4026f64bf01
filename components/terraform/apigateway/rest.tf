# ---------------------------------------------------------------------------------------
# REST API (API Gateway v1)
# ---------------------------------------------------------------------------------------
resource "aws_api_gateway_rest_api" "this" {
  count = local.is_rest ? 1 : 0

  name                         = local.name_prefix
  description                  = local.api_description
  body                         = local.rest_body
  policy                       = var.rest_api_policy
  disable_execute_api_endpoint = var.disable_execute_api_endpoint

  endpoint_configuration {
    types            = [var.rest_endpoint_type]
    vpc_endpoint_ids = var.rest_endpoint_type == "PRIVATE" ? var.rest_vpc_endpoint_ids : null
  }

  tags = merge(local.tags, { Name = local.name_prefix }, var.api_tags)

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_deployment" "this" {
  count = local.is_rest ? 1 : 0

  rest_api_id = aws_api_gateway_rest_api.this[0].id
  description = "${local.name_prefix} deployment"

  triggers = {
    redeployment = sha1(local.rest_body)
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_stage" "this" {
  count = local.is_rest ? 1 : 0

  #checkov:skip=CKV_AWS_120:Response caching is an application choice (it costs per hour and can serve stale or per-user data); enable it per API when wanted.
  #checkov:skip=CKV2_AWS_51:Client certificates authenticate API Gateway to HTTP backends; this component's default API has a mock integration and no backend.
  #checkov:skip=CKV2_AWS_77:The web ACL is owned outside this component (waf_web_acl_arn); its managed rule groups, Log4j included, are chosen there.
  #checkov:skip=CKV2_AWS_29:WAF is associated by aws_wafv2_web_acl_association.this when waf_web_acl_arn is set, and required by validation for public prod REST APIs.
  rest_api_id          = aws_api_gateway_rest_api.this[0].id
  deployment_id        = aws_api_gateway_deployment.this[0].id
  stage_name           = local.stage_name
  description          = "${local.name_prefix} ${local.stage_name}"
  xray_tracing_enabled = var.enable_xray_tracing

  access_log_settings {
    destination_arn = module.access_log_group.arn
    format          = local.access_log_format
  }

  tags = merge(local.tags, { Name = "${local.name_prefix}-${local.stage_name}" }, var.api_tags)

  depends_on = [module.execution_log_group, aws_api_gateway_account.this]
}

resource "aws_api_gateway_method_settings" "all" {
  count = local.is_rest ? 1 : 0

  rest_api_id = aws_api_gateway_rest_api.this[0].id
  stage_name  = aws_api_gateway_stage.this[0].stage_name
  method_path = "*/*"
  #checkov:skip=CKV_AWS_225:Response caching is off on purpose (cost, stale or per-user responses); when enabled per API, cache_data_encrypted is already true.

  settings {
    metrics_enabled        = true
    logging_level          = var.rest_logging_level
    data_trace_enabled     = false # would log full request and response bodies, secrets included
    throttling_rate_limit  = var.throttling_rate_limit
    throttling_burst_limit = var.throttling_burst_limit
    caching_enabled        = false
    cache_data_encrypted   = true
  }
}

resource "aws_wafv2_web_acl_association" "this" {
  count = local.associate_waf ? 1 : 0

  resource_arn = aws_api_gateway_stage.this[0].arn
  web_acl_arn  = var.waf_web_acl_arn
}
