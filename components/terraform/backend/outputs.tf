output "state_bucket_id" {
  description = "Name of the Terraform state bucket."
  value       = module.state_bucket.id
}

output "state_bucket_arn" {
  description = "ARN of the Terraform state bucket."
  value       = module.state_bucket.arn
}

output "state_kms_key_arn" {
  description = "ARN of the KMS key encrypting the state bucket and the lock table."
  value       = module.state_kms.key_arn
}

output "lock_table_name" {
  description = "Name of the DynamoDB lock table (the S3 backend's dynamodb_table)."
  value       = aws_dynamodb_table.locks.name
}

output "lock_table_arn" {
  description = "ARN of the DynamoDB lock table."
  value       = aws_dynamodb_table.locks.arn
}

output "backup_vault_name" {
  description = "Name of the AWS Backup vault (null when enable_backup_vault is false)."
  value       = try(aws_backup_vault.this[0].name, null)
}

output "backup_vault_arn" {
  description = "ARN of the AWS Backup vault."
  value       = try(aws_backup_vault.this[0].arn, null)
}

output "backup_kms_key_arn" {
  description = "ARN of the KMS key encrypting the backup vault and the notification topic."
  value       = try(module.backup_kms[0].key_arn, null)
}

output "backup_plan_id" {
  description = "ID of the backup plan."
  value       = try(aws_backup_plan.this[0].id, null)
}

output "backup_plan_arn" {
  description = "ARN of the backup plan."
  value       = try(aws_backup_plan.this[0].arn, null)
}

output "backup_plan_rules" {
  description = "Rules of the backup plan: schedule, retention days and cold-storage days (null: never) per rule."
  value       = local.backup_rules
}

output "backup_role_arn" {
  description = "ARN of the IAM role AWS Backup uses for the selections."
  value       = try(module.backup_role[0].arn, null)
}

output "backup_sns_topic_arn" {
  description = "ARN of the SNS topic receiving backup alarms, events and vault notifications."
  value       = local.create_backup_alarms ? local.backup_sns_topic_arn : null
}

output "backup_event_rule_arn" {
  description = "ARN of the EventBridge rule on failed, aborted and expired backup jobs."
  value       = try(aws_cloudwatch_event_rule.backup_job_problems[0].arn, null)
}
