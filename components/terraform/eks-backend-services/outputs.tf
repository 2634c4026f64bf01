output "service_role_arns" {
  description = "IAM role ARN of each service, by service name: annotate its service account with eks.amazonaws.com/role-arn."
  value       = { for svc, role in module.service_role : svc => role.arn }
}

output "queue_urls" {
  description = "URL of each queue, by \"<service>.<queue>\"."
  value       = module.queues.urls
}

output "queue_arns" {
  description = "ARN of each queue, by \"<service>.<queue>\"."
  value       = module.queues.arns
}

output "dlq_arns" {
  description = "ARN of each queue's dead-letter queue, by \"<service>.<queue>\"."
  value       = module.queues.dead_letter_arns
}

output "topic_arns" {
  description = "ARN of each topic, by \"<service>.<topic>\"."
  value       = { for k, t in module.topic : k => t.arn }
}

output "ecr_repository_urls" {
  description = "URL of each service's image repository, by service name."
  value       = module.ecr.repository_urls
}

output "kms_key_arn" {
  description = "ARN of the KMS key encrypting queues, topics and repositories, or null when nothing needs it."
  value       = try(module.kms[0].key_arn, null)
}
