output "arns" {
  description = "ARN of each queue, by key of queues."
  value       = { for k, q in aws_sqs_queue.this : k => q.arn }
}

output "urls" {
  description = "URL of each queue, by key of queues."
  value       = { for k, q in aws_sqs_queue.this : k => q.url }
}

output "names" {
  description = "Name of each queue, by key of queues (what CloudWatch's QueueName dimension takes)."
  value       = { for k, q in aws_sqs_queue.this : k => q.name }
}

output "dead_letter_arns" {
  description = "ARN of each dead-letter queue, by key of the queue it serves (queues without one are absent)."
  value       = { for k, q in aws_sqs_queue.dlq : k => q.arn }
}

output "dead_letter_urls" {
  description = "URL of each dead-letter queue, by key of the queue it serves (queues without one are absent)."
  value       = { for k, q in aws_sqs_queue.dlq : k => q.url }
}
