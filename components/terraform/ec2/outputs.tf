output "launch_template_ids" {
  description = "IDs of the launch templates, by key of launch_templates."
  value       = { for k, t in aws_launch_template.this : k => t.id }
}

output "launch_template_arns" {
  description = "ARNs of the launch templates, by key."
  value       = { for k, t in aws_launch_template.this : k => t.arn }
}

output "launch_template_latest_versions" {
  description = "Latest version of each launch template, by key."
  value       = { for k, t in aws_launch_template.this : k => t.latest_version }
}

output "instance_ids" {
  description = "IDs of the instances launched from the templates (empty unless create_instances_from_templates)."
  value       = { for k, i in aws_instance.this : k => i.id }
}

output "instance_private_ips" {
  description = "Private IPs of the launched instances, by key."
  value       = { for k, i in aws_instance.this : k => i.private_ip }
}

output "instance_profile_name" {
  description = "Instance profile attached to the templates (created or passed in)."
  value       = local.instance_profile_name
}

output "instance_role_arn" {
  description = "ARN of the created instance role (null when a profile is passed in)."
  value       = try(module.instance_role[0].arn, null)
}

output "ebs_kms_key_arn" {
  description = "KMS key encrypting the templates' volumes (null: the AWS managed aws/ebs key)."
  value       = local.ebs_kms_key_arn
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard (null when create_dashboard is false)."
  value       = try(aws_cloudwatch_dashboard.this[0].dashboard_name, null)
}

output "patch_baseline_id" {
  description = "ID of the SSM patch baseline (null unless enable_patch_management)."
  value       = try(aws_ssm_patch_baseline.this[0].id, null)
}

output "patch_group" {
  description = "Patch group the templates tag their instances with (PatchGroup tag; null unless enable_patch_management)."
  value       = local.create_patching ? local.patch_group : null
}

output "maintenance_window_id" {
  description = "ID of the patch maintenance window (null unless enable_patch_management)."
  value       = try(aws_ssm_maintenance_window.patch[0].id, null)
}
