output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "IPv4 CIDR block of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "availability_zones" {
  description = "Availability zones the subnets are in, in subnet order."
  value       = local.azs
}

output "public_subnet_ids" {
  description = "IDs of the public subnets, one per availability zone."
  value       = aws_subnet.public[*].id
}

output "public_subnet_cidr_blocks" {
  description = "CIDR blocks of the public subnets."
  value       = local.public_subnet_cidrs
}

output "private_subnet_ids" {
  description = "IDs of the private subnets, one per availability zone."
  value       = aws_subnet.private[*].id
}

output "private_subnet_cidr_blocks" {
  description = "CIDR blocks of the private subnets."
  value       = local.private_subnet_cidrs
}

output "public_route_table_id" {
  description = "ID of the public route table."
  value       = aws_route_table.public.id
}

output "private_route_table_ids" {
  description = "IDs of the private route tables, one per availability zone."
  value       = aws_route_table.private[*].id
}

output "internet_gateway_id" {
  description = "ID of the internet gateway."
  value       = aws_internet_gateway.this.id
}

output "nat_gateway_ids" {
  description = "IDs of the NAT gateways (empty when enable_nat_gateway is false)."
  value       = aws_nat_gateway.this[*].id
}

output "default_security_group_id" {
  description = "ID of the VPC's default security group (locked down: no rules)."
  value       = aws_default_security_group.this.id
}

output "flow_log_id" {
  description = "ID of the CloudWatch Logs flow log, or null when flow logs are off."
  value       = try(aws_flow_log.this[0].id, null)
}

output "flow_log_s3_id" {
  description = "ID of the S3 archive flow log, or null when the archive is off."
  value       = try(aws_flow_log.s3[0].id, null)
}

output "flow_logs_log_format" {
  description = "The flow-log record format both flow logs use; the filter patterns are built from the same field list."
  value       = local.create_flow_logs ? local.flow_log_format : null
}

output "flow_logs_log_group_name" {
  description = "Name of the flow-logs log group, or null."
  value       = try(module.flow_logs_log_group[0].name, null)
}

output "flow_logs_log_group_arn" {
  description = "ARN of the flow-logs log group, or null."
  value       = try(module.flow_logs_log_group[0].arn, null)
}

output "flow_logs_kms_key_arn" {
  description = "ARN of the customer-managed KMS key encrypting the flow logs, or null."
  value       = try(module.flow_logs_kms[0].key_arn, null)
}

output "flow_logs_iam_role_arn" {
  description = "ARN of the IAM role the flow-logs service assumes, or null."
  value       = try(module.flow_logs_role[0].arn, null)
}

output "flow_logs_sns_topic_arn" {
  description = "ARN of the SNS topic the flow-log alarms notify (created or given), or null."
  value       = local.flow_logs_sns_topic_arn
}

output "flow_logs_alarm_names" {
  description = "Names of the flow-log security alarms, by detector (ssh_attempts, rdp_attempts, rejected_connections, large_transfers, port_scan)."
  value       = { for k, a in aws_cloudwatch_metric_alarm.flow_logs : k => a.alarm_name }
}

output "flow_logs_metric_filter_patterns" {
  description = "Filter pattern of each flow-log detector, by detector."
  value       = { for k, f in aws_cloudwatch_log_metric_filter.flow_logs : k => f.pattern }
}

output "flow_logs_metric_namespace" {
  description = "CloudWatch namespace of the flow-log metrics, or null when alarms are off."
  value       = local.create_flow_logs_alarms ? local.flow_logs_namespace : null
}

output "flow_logs_s3_bucket_name" {
  description = "Name of the flow-log archive bucket, or null."
  value       = try(module.flow_logs_archive[0].id, null)
}

output "flow_logs_s3_bucket_arn" {
  description = "ARN of the flow-log archive bucket, or null."
  value       = try(module.flow_logs_archive[0].arn, null)
}
