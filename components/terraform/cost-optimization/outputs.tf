output "sns_topic_arn" {
  description = "ARN of the KMS-encrypted cost alerts topic."
  value       = module.alerts_topic.arn
}

output "kms_key_arn" {
  description = "ARN of the customer-managed KMS key encrypting the topic."
  value       = module.alerts_kms.key_arn
}

output "budget_names" {
  description = "Budget names by key (total, service-<service name>)."
  value       = { for k, b in aws_budgets_budget.this : k => b.name }
}

output "anomaly_monitor_arn" {
  description = "ARN of the Cost Anomaly Detection monitor, or null."
  value       = try(aws_ce_anomaly_monitor.services[0].arn, null)
}

output "anomaly_subscription_arn" {
  description = "ARN of the anomaly alert subscription, or null."
  value       = try(aws_ce_anomaly_subscription.this[0].arn, null)
}
