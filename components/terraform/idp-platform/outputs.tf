output "kms_key_arn" {
  description = "ARN of the portal's KMS key (TechDocs, image repository, database secret)."
  value       = aws_kms_key.this.arn
}

output "techdocs_bucket_name" {
  description = "TechDocs bucket (techdocs.publisher.awsS3.bucketName), or null when not created."
  value       = try(aws_s3_bucket.techdocs[0].bucket, null)
}

output "techdocs_bucket_arn" {
  description = "ARN of the TechDocs bucket, or null when not created."
  value       = try(aws_s3_bucket.techdocs[0].arn, null)
}

output "ecr_repository_url" {
  description = "URL of the portal image repository, or null when not created."
  value       = try(aws_ecr_repository.portal[0].repository_url, null)
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
  value       = try(aws_iam_role.portal[0].arn, null)
}
