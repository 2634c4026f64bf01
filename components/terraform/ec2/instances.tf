# ---------------------------------------------------------------------------------------
# Optional instances, one per template (create_instances_from_templates, default false).
# Everything but placement comes from the template.
# ---------------------------------------------------------------------------------------

resource "aws_instance" "this" {
  for_each = local.instances

  #checkov:skip=CKV_AWS_8:Block devices come from the launch template, where every one is encrypted.
  #checkov:skip=CKV_AWS_79:Metadata options come from the launch template (IMDSv2 required when enforce_imdsv2).
  #checkov:skip=CKV_AWS_126:Detailed monitoring comes from the launch template (enable_detailed_monitoring).
  #checkov:skip=CKV_AWS_135:EBS optimization comes from the launch template.
  #checkov:skip=CKV2_AWS_41:The instance profile comes from the launch template.
  launch_template {
    id      = aws_launch_template.this[each.key].id
    version = aws_launch_template.this[each.key].latest_version
  }

  # Without network interfaces the template leaves the subnet to the launch.
  subnet_id = length(each.value.network_interfaces) == 0 ? each.value.subnet_id : null

  tags = local.resource_tags[each.key]

  lifecycle {
    precondition {
      condition     = each.value.instance_requirements == null
      error_message = "launch_templates[\"${each.key}\"] selects instance types by instance_requirements, which only Auto Scaling and EC2 Fleet can launch: set instance_type, or create_instances_from_templates = false."
    }
    precondition {
      condition     = each.value.subnet_id != null || anytrue([for n in each.value.network_interfaces : n.subnet_id != null])
      error_message = "An instance launched from launch_templates[\"${each.key}\"] needs a subnet: set its subnet_id or a network interface's subnet_id."
    }
  }
}
