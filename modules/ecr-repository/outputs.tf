output "arns" {
  description = "ARN of each repository, by key of repositories."
  value       = { for k, r in aws_ecr_repository.this : k => r.arn }
}

output "names" {
  description = "Name of each repository, by key of repositories."
  value       = { for k, r in aws_ecr_repository.this : k => r.name }
}

output "repository_urls" {
  description = "URL of each repository (<account>.dkr.ecr.<region>.amazonaws.com/<name>, what docker push takes), by key of repositories."
  value       = { for k, r in aws_ecr_repository.this : k => r.repository_url }
}
