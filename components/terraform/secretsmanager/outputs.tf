# Secret values are never output (they are not even in the state: see secret_values).

output "secret_arns" {
  description = "Secret ARNs by key."
  value       = { for k, s in aws_secretsmanager_secret.this : k => s.arn }
}

output "secret_names" {
  description = "Secret names by key."
  value       = { for k, s in aws_secretsmanager_secret.this : k => s.name }
}

output "kms_key_arn" {
  description = "ARN of the customer-managed KMS key encrypting the secrets."
  value       = module.kms.key_arn
}

output "rotated_secret_keys" {
  description = "Keys of the secrets that rotate automatically."
  value       = sort(keys(local.rotated))
}
