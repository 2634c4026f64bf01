locals {
  is_rest = var.api_type == "REST"
  is_http = var.api_type == "HTTP"

  stage_name = coalesce(var.stage_name, local.is_rest ? var.environment : "$default")

  create_execution_log_group = local.is_rest && var.rest_logging_level != "OFF"
  associate_waf              = local.is_rest && var.waf_web_acl_arn != null
  create_custom_domain       = var.custom_domain != null

  api_description = coalesce(var.description, "${local.name_prefix} ${var.api_type} API")

  # A REST API needs at least one method before it can be deployed: a mock health check.
  default_rest_body = jsonencode({
    openapi = "3.0.1"
    info    = { title = local.name_prefix, version = "1.0" }
    paths = {
      "/health" = {
        get = {
          responses = { "200" = { description = "Healthy" } }
          "x-amazon-apigateway-integration" = {
            type                = "mock"
            requestTemplates    = { "application/json" = "{\"statusCode\": 200}" }
            responses           = { default = { statusCode = "200" } }
            passthroughBehavior = "when_no_match"
          }
        }
      }
    }
  })
  rest_body = coalesce(var.openapi_body, local.default_rest_body)
}
