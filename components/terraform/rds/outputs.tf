output "db_instance_endpoint" {
  description = "Connection endpoint of the instance (host:port)."
  value       = aws_db_instance.this.endpoint
}

output "db_instance_address" {
  description = "Host name of the instance."
  value       = aws_db_instance.this.address
}

output "db_instance_port" {
  description = "Port the database listens on."
  value       = local.port
}

output "db_instance_id" {
  description = "Identifier of the instance."
  value       = aws_db_instance.this.identifier
}

output "db_instance_arn" {
  description = "ARN of the instance."
  value       = aws_db_instance.this.arn
}

output "db_instance_resource_id" {
  description = "Resource ID of the instance (for IAM database authentication policies)."
  value       = aws_db_instance.this.resource_id
}

output "db_subnet_group_name" {
  description = "Name of the DB subnet group."
  value       = aws_db_subnet_group.this.name
}

output "db_parameter_group_name" {
  description = "Name of the DB parameter group."
  value       = aws_db_parameter_group.this.name
}

output "security_group_id" {
  description = "ID of the database security group (add ingress from clients here)."
  value       = aws_security_group.this.id
}

output "secret_arn" {
  description = "ARN of the Secrets Manager secret holding the connection document (engine, host, port, username, password, dbname). The password itself is never an output."
  value       = aws_secretsmanager_secret.this.arn
}

output "kms_key_arn" {
  description = "ARN of the customer-managed key encrypting storage, Performance Insights, the secret and the rotation logs."
  value       = module.kms.key_arn
}

output "rotation_lambda_arn" {
  description = "ARN of the rotation function, or null when rotation is disabled."
  value       = try(aws_lambda_function.rotation[0].arn, null)
}

output "rotation_security_group_id" {
  description = "ID of the rotation function's security group, or null when rotation is disabled."
  value       = try(aws_security_group.rotation[0].id, null)
}

output "rotation_sns_topic_arn" {
  description = "SNS topic receiving rotation events and alarms (created or passed in), or null."
  value       = local.rotation_topic_arn
}
