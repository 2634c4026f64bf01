# ---------------------------------------------------------------------------------------
# Gates and derived values. Every count / for_each of the component reads these.
# ---------------------------------------------------------------------------------------

locals {
  launch_templates = var.enable_launch_templates ? var.launch_templates : {}
  instances        = var.create_instances_from_templates ? local.launch_templates : {}

  create_ebs_kms_key      = var.enable_launch_templates && var.create_ebs_kms_key && var.ebs_kms_key_arn == null
  create_instance_profile = var.enable_launch_templates && var.create_instance_profile
  create_dashboard        = var.create_dashboard && length(local.launch_templates) > 0
  create_patching         = var.enable_patch_management && length(local.launch_templates) > 0

  # Null: the AWS managed aws/ebs key (volumes are encrypted either way).
  ebs_kms_key_arn = var.ebs_kms_key_arn != null ? var.ebs_kms_key_arn : (
    local.create_ebs_kms_key ? module.ebs_kms[0].key_arn : null
  )

  instance_profile_name = local.create_instance_profile ? module.instance_role[0].instance_profile_name : var.instance_profile_name

  patch_group = coalesce(var.patch_group, local.name_prefix)
  # "PatchGroup" (no space) rather than "Patch Group": Patch Manager accepts both, and only
  # the former is allowed when tags are exposed in instance metadata.
  patch_tags = var.enable_patch_management ? { PatchGroup = local.patch_group } : {}

  # Tags of each template's instances, volumes and network interfaces.
  resource_tags = {
    for key, t in local.launch_templates : key => merge(
      local.tags,
      { Name = "${local.name_prefix}-${key}", LaunchTemplate = "${local.name_prefix}-${key}" },
      local.patch_tags,
      t.tags,
    )
  }

  # Instance metadata tags refuse keys with spaces or "/" (EC2 fails the launch).
  metadata_tag_key_problems = {
    for key, tags in local.resource_tags : key => [for k in keys(tags) : k if can(regex("[ /]", k))]
  }

  user_data_defaults = {
    name_prefix = local.name_prefix
    environment = var.environment
    region      = var.region
  }
}
