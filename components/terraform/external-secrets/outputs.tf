output "iam_role_arn" {
  description = "ARN of the operator's role: annotate its service account with eks.amazonaws.com/role-arn set to this."
  value       = module.role.arn
}

output "iam_role_name" {
  description = "Name of the operator's role."
  value       = module.role.name
}

output "secrets_arn_pattern" {
  description = "The only Secrets Manager ARNs the role may read."
  value       = local.secret_arn_pattern
}

output "ssm_parameter_path_arn" {
  description = "ARN of the SSM parameter path the role may read, or null when SSM access is off."
  value       = local.ssm_path_arn
}

output "service_account_annotation" {
  description = "Annotation to put on the operator's service account (map of key to value)."
  value       = { "eks.amazonaws.com/role-arn" = module.role.arn }
}
