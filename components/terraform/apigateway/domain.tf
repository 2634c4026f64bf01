# ---------------------------------------------------------------------------------------
# Custom domain: TLS 1.2 minimum (the TLS_1_0 policy still accepts TLS 1.0 and 1.1).
# ---------------------------------------------------------------------------------------
locals {
  rest_domain_is_edge = local.is_rest && var.rest_endpoint_type == "EDGE"
}

resource "aws_api_gateway_domain_name" "this" {
  count = local.create_custom_domain && local.is_rest ? 1 : 0

  domain_name              = var.custom_domain.domain_name
  security_policy          = "TLS_1_2"
  certificate_arn          = local.rest_domain_is_edge ? var.custom_domain.certificate_arn : null
  regional_certificate_arn = local.rest_domain_is_edge ? null : var.custom_domain.certificate_arn

  endpoint_configuration {
    types = [local.rest_domain_is_edge ? "EDGE" : "REGIONAL"]
  }

  tags = merge(local.tags, { Name = var.custom_domain.domain_name })
}

resource "aws_api_gateway_base_path_mapping" "this" {
  count = local.create_custom_domain && local.is_rest ? 1 : 0

  api_id      = aws_api_gateway_rest_api.this[0].id
  stage_name  = aws_api_gateway_stage.this[0].stage_name
  domain_name = aws_api_gateway_domain_name.this[0].domain_name
  base_path   = var.custom_domain.base_path
}

resource "aws_apigatewayv2_domain_name" "this" {
  count = local.create_custom_domain && local.is_http ? 1 : 0

  domain_name = var.custom_domain.domain_name

  domain_name_configuration {
    certificate_arn = var.custom_domain.certificate_arn
    endpoint_type   = "REGIONAL"
    security_policy = "TLS_1_2"
  }

  tags = merge(local.tags, { Name = var.custom_domain.domain_name })
}

resource "aws_apigatewayv2_api_mapping" "this" {
  count = local.create_custom_domain && local.is_http ? 1 : 0

  api_id          = aws_apigatewayv2_api.this[0].id
  domain_name     = aws_apigatewayv2_domain_name.this[0].id
  stage           = aws_apigatewayv2_stage.this[0].id
  api_mapping_key = var.custom_domain.base_path
}
