output "addon_arns" {
  description = "ARN of each installed add-on, by add-on name."
  value       = { for name, addon in aws_eks_addon.this : name => addon.arn }
}

output "addon_versions" {
  description = "Version of each installed add-on, by add-on name (known after apply when not pinned)."
  value       = { for name, addon in aws_eks_addon.this : name => addon.addon_version }
}

output "ebs_csi_driver_role_arn" {
  description = "ARN of the EBS CSI controller's service-account role, or null when the driver is off."
  value       = try(module.ebs_csi_role[0].arn, null)
}

output "ebs_csi_driver_role_name" {
  description = "Name of the EBS CSI controller's service-account role, or null when the driver is off."
  value       = try(module.ebs_csi_role[0].name, null)
}

output "vpc_cni_role_arn" {
  description = "ARN of the VPC CNI's service-account role, or null when off."
  value       = try(module.vpc_cni_role[0].arn, null)
}
