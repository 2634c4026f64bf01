output "api_id" {
  description = "ID of the REST or HTTP API."
  value       = local.is_rest ? aws_api_gateway_rest_api.this[0].id : aws_apigatewayv2_api.this[0].id
}

output "api_execution_arn" {
  description = "Execution ARN of the API, for lambda permissions (source_arn = \"<this>/*\")."
  value       = local.is_rest ? aws_api_gateway_rest_api.this[0].execution_arn : aws_apigatewayv2_api.this[0].execution_arn
}

output "stage_name" {
  description = "Name of the stage."
  value       = local.stage_name
}

output "stage_arn" {
  description = "ARN of the stage."
  value       = local.is_rest ? aws_api_gateway_stage.this[0].arn : aws_apigatewayv2_stage.this[0].arn
}

output "stage_invoke_url" {
  description = "Invoke URL of the stage (on the execute-api endpoint)."
  value       = local.is_rest ? aws_api_gateway_stage.this[0].invoke_url : aws_apigatewayv2_stage.this[0].invoke_url
}

output "access_log_group_name" {
  description = "Name of the KMS-encrypted access log group."
  value       = module.access_log_group.name
}

output "kms_key_arn" {
  description = "ARN of the customer-managed key encrypting the API's log groups."
  value       = module.logs_kms.key_arn
}

output "custom_domain_target_domain_name" {
  description = "Domain name to alias the custom domain to in DNS, or null without a custom domain."
  value = try(coalesce(
    try(aws_api_gateway_domain_name.this[0].regional_domain_name, null),
    try(aws_api_gateway_domain_name.this[0].cloudfront_domain_name, null),
    try(aws_apigatewayv2_domain_name.this[0].domain_name_configuration[0].target_domain_name, null),
  ), null)
}

output "custom_domain_hosted_zone_id" {
  description = "Route 53 zone ID for an alias record to the custom domain, or null without a custom domain."
  value = try(coalesce(
    try(aws_api_gateway_domain_name.this[0].regional_zone_id, null),
    try(aws_api_gateway_domain_name.this[0].cloudfront_zone_id, null),
    try(aws_apigatewayv2_domain_name.this[0].domain_name_configuration[0].hosted_zone_id, null),
  ), null)
}
