output "permissions_boundary_arn" {
  description = "ARN of the permissions boundary policy applied to the roles (apply it to other roles too)."
  value       = aws_iam_policy.boundary.arn
}

output "readonly_role_arn" {
  description = "ARN of the read-only role, or null."
  value       = try(aws_iam_role.readonly[0].arn, null)
}

output "break_glass_role_arn" {
  description = "ARN of the break-glass role, or null."
  value       = try(aws_iam_role.break_glass[0].arn, null)
}

output "ci_deploy_role_arn" {
  description = "ARN of the CI deploy role (use it as role-to-assume in GitHub Actions), or null."
  value       = try(aws_iam_role.ci_deploy[0].arn, null)
}

output "github_oidc_provider_arn" {
  description = "ARN of the GitHub Actions OIDC provider in use, or null."
  value       = local.create_ci_deploy_role ? local.github_oidc_provider_arn : null
}

output "access_analyzer_arn" {
  description = "ARN of the account Access Analyzer, or null."
  value       = try(aws_accessanalyzer_analyzer.account[0].arn, null)
}
