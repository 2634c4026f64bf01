output "security_group_id" {
  description = "ID of the security group."
  value       = aws_security_group.this.id
}

output "security_group_arn" {
  description = "ARN of the security group."
  value       = aws_security_group.this.arn
}

output "security_group_name" {
  description = "Name of the security group."
  value       = aws_security_group.this.name
}

output "ingress_rule_ids" {
  description = "IDs of the ingress rules, by rule key (<template or custom.proto.ports>.<source>)."
  value       = { for k, r in aws_vpc_security_group_ingress_rule.this : k => r.security_group_rule_id }
}

output "egress_rule_ids" {
  description = "IDs of the egress rules, by rule key (<proto>.<ports>.<destination>)."
  value       = { for k, r in aws_vpc_security_group_egress_rule.this : k => r.security_group_rule_id }
}

output "public_ingress_rules" {
  description = "Keys of the ingress rules open to the whole internet (0.0.0.0/0 or ::/0); empty when none."
  value       = local.public_ingress_rules
}

output "rule_template_names" {
  description = "Names of the ingress templates ingress_templates accepts."
  value       = sort(keys(local.rule_templates))
}

output "audit_log_group_name" {
  description = "Log group of all security-group API calls, or null when logging is off."
  value       = try(module.audit_log_groups["changes"].name, null)
}

output "audit_log_group_arn" {
  description = "ARN of the log group of all security-group API calls, or null."
  value       = try(module.audit_log_groups["changes"].arn, null)
}

output "public_ingress_log_group_name" {
  description = "Log group of the calls that opened ingress to the internet, or null."
  value       = try(module.audit_log_groups["public_ingress"].name, null)
}

output "event_rule_arn" {
  description = "ARN of the EventBridge rule capturing the six security-group API calls, or null."
  value       = try(aws_cloudwatch_event_rule.security_group_changes[0].arn, null)
}

output "public_ingress_event_rule_arn" {
  description = "ARN of the EventBridge rule capturing ingress opened to the internet, or null."
  value       = try(aws_cloudwatch_event_rule.public_ingress[0].arn, null)
}

output "audit_kms_key_arn" {
  description = "ARN of the KMS key encrypting the audit log groups, or null."
  value       = try(module.audit_kms[0].key_arn, null)
}

output "public_ingress_alarm_name" {
  description = "Name of the alarm on ingress opened to the internet, or null."
  value       = try(aws_cloudwatch_metric_alarm.public_ingress[0].alarm_name, null)
}

output "alarm_sns_topic_arn" {
  description = "ARN of the SNS topic the alarm notifies (created or given), or null."
  value       = local.alarm_topic_arn
}
