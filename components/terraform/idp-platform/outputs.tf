output "kms_key_arn" {
  description = "ARN of the portal's KMS key (TechDocs, image repository, database secret)."
  value       = module.kms.key_arn
}

output "techdocs_bucket_name" {
  description = "TechDocs bucket (techdocs.publisher.awsS3.bucketName), or null when not created."
  value       = try(module.techdocs_bucket[0].id, null)
}

output "techdocs_bucket_arn" {
  description = "ARN of the TechDocs bucket, or null when not created."
  value       = try(module.techdocs_bucket[0].arn, null)
}

output "ecr_repository_url" {
  description = "URL of the portal image repository, or null when not created."
  value       = lookup(module.ecr.repository_urls, "portal", null)
}

output "database_secret_arn" {
  description = "ARN of the database connection secret (never its value), or null when not created."
  value       = try(aws_secretsmanager_secret.database[0].arn, null)
}

output "database_secret_name" {
  description = "Name of the database connection secret, or null when not created."
  value       = try(aws_secretsmanager_secret.database[0].name, null)
}

output "portal_role_arn" {
  description = "ARN of the portal's role: annotate its service account with eks.amazonaws.com/role-arn set to this."
  value       = try(module.portal_role[0].arn, null)
}
