output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "cluster_arn" {
  description = "ARN of the ECS cluster."
  value       = aws_ecs_cluster.this.arn
}

output "kms_key_arn" {
  description = "ARN of the customer-managed key encrypting ECS Exec sessions and their logs."
  value       = module.exec_kms.key_arn
}

output "exec_log_group_name" {
  description = "Name of the ECS Exec session log group, or null when exec logging is off."
  value       = try(module.exec_log_group[0].name, null)
}

output "exec_policy_arn" {
  description = "ARN of the IAM policy task roles attach to use ECS Exec, or null when not created."
  value       = try(aws_iam_policy.exec[0].arn, null)
}

output "capacity_providers" {
  description = "Capacity providers available on the cluster."
  value       = aws_ecs_cluster_capacity_providers.this.capacity_providers
}
