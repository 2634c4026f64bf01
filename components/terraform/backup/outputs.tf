output "backup_vault_arn" {
  description = "ARN of the backup vault."
  value       = aws_backup_vault.this.arn
}

output "backup_vault_name" {
  description = "Name of the backup vault."
  value       = aws_backup_vault.this.name
}

output "kms_key_arn" {
  description = "ARN of the customer-managed KMS key encrypting the vault and the notification topic."
  value       = module.backup_kms.key_arn
}

output "backup_plan_ids" {
  description = "Backup plan IDs by tier name."
  value       = { for k, p in aws_backup_plan.this : k => p.id }
}

output "backup_plan_arns" {
  description = "Backup plan ARNs by tier name."
  value       = { for k, p in aws_backup_plan.this : k => p.arn }
}

output "backup_selection_tag" {
  description = "How to opt a resource in: the tag key and the values (plan names) it may take."
  value       = { key = var.backup_selection_tag_key, values = keys(var.backup_plans) }
}

output "backup_role_arn" {
  description = "ARN of the IAM role AWS Backup uses."
  value       = module.backup_role.arn
}

output "sns_topic_arn" {
  description = "ARN of the notification topic, or null."
  value       = try(module.notifications_topic[0].arn, null)
}

output "restore_testing_plan_arn" {
  description = "ARN of the restore testing plan, or null."
  value       = try(aws_backup_restore_testing_plan.this[0].arn, null)
}
