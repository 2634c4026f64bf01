output "arn" {
  description = "ARN of the role (for a Kubernetes service account: its eks.amazonaws.com/role-arn annotation)."
  value       = aws_iam_role.this.arn
}

output "name" {
  description = "Name of the role."
  value       = aws_iam_role.this.name
}

output "instance_profile_name" {
  description = "Name of the instance profile, or null when none was created."
  value       = one(aws_iam_instance_profile.this[*].name)
}

output "instance_profile_arn" {
  description = "ARN of the instance profile, or null when none was created."
  value       = one(aws_iam_instance_profile.this[*].arn)
}
