output "kms_key_arn" {
  description = "ARN of the customer-managed KMS key (logs bucket, CloudTrail, log group, findings topic)."
  value       = module.kms.key_arn
}

output "guardduty_detector_id" {
  description = "ID of the GuardDuty detector, or null."
  value       = try(aws_guardduty_detector.this[0].id, null)
}

output "securityhub_standards_arns" {
  description = "ARNs of the Security Hub standards subscribed to, by key."
  value       = { for k, s in aws_securityhub_standards_subscription.this : k => s.standards_arn }
}

output "config_recorder_name" {
  description = "Name of the AWS Config recorder, or null."
  value       = try(aws_config_configuration_recorder.this[0].name, null)
}

output "config_rule_names" {
  description = "Names of the AWS Config rules created."
  value       = sort([for r in aws_config_config_rule.this : r.name])
}

output "logs_bucket_name" {
  description = "Name of the security logs bucket, or null."
  value       = try(module.logs_bucket[0].id, null)
}

output "cloudtrail_arn" {
  description = "ARN of the CloudTrail trail, or null."
  value       = try(aws_cloudtrail.this[0].arn, null)
}

output "cloudtrail_log_group_name" {
  description = "Name of the CloudWatch Logs group receiving CloudTrail events (for metric filters), or null."
  value       = try(module.cloudtrail_log_group[0].name, null)
}

output "findings_topic_arn" {
  description = "ARN of the encrypted findings topic, or null."
  value       = try(module.findings_topic[0].arn, null)
}

output "composite_alarm_arn" {
  description = "ARN of the composite security alarm, or null when composite_alarm_names is empty."
  value       = try(aws_cloudwatch_composite_alarm.security[0].arn, null)
}
