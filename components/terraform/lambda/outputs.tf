output "function_name" {
  description = "Name of the function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the function."
  value       = aws_lambda_function.this.arn
}

output "function_invoke_arn" {
  description = "ARN to use as an API Gateway integration URI."
  value       = aws_lambda_function.this.invoke_arn
}

output "function_source_code_hash" {
  description = "Base64 SHA-256 of the deployed package."
  value       = aws_lambda_function.this.source_code_hash
}

output "execution_role_arn" {
  description = "ARN of the execution role."
  value       = module.execution_role.arn
}

output "execution_role_name" {
  description = "Name of the execution role (attach more policies to it from other components if needed)."
  value       = module.execution_role.name
}

output "log_group_name" {
  description = "Name of the function's log group."
  value       = module.log_group.name
}

output "kms_key_arn" {
  description = "ARN of the KMS key for logs, dead-letter queue and environment variables."
  value       = module.kms.key_arn
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue, or null when it is off."
  value       = try(module.dlq[0].arns["dlq"], null)
}

output "dlq_url" {
  description = "URL of the dead-letter queue, or null when it is off."
  value       = try(module.dlq[0].urls["dlq"], null)
}

output "alarm_arns" {
  description = "ARNs of the alarms, by name (errors, throttles, dlq)."
  value = merge(
    { for key, alarm in aws_cloudwatch_metric_alarm.function : key => alarm.arn },
    local.create_dlq_alarm ? { dlq = aws_cloudwatch_metric_alarm.dlq[0].arn } : {},
  )
}

output "code_signing_config_arn" {
  description = "ARN of the code-signing configuration, or null when code signing is off."
  value       = try(aws_lambda_code_signing_config.this[0].arn, null)
}
