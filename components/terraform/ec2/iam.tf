# ---------------------------------------------------------------------------------------
# Instance role and profile: Systems Manager access (Session Manager, Patch Manager)
# instead of SSH keys. Pass instance_profile_name to use an existing profile.
# modules/iam-role with an instance profile of the same name. No source_account:
# EC2 sends no aws:SourceAccount when it assumes an instance role.
# ---------------------------------------------------------------------------------------

module "instance_role" {
  source = "../../../modules/iam-role"
  count  = local.create_instance_profile ? 1 : 0

  name     = "${local.name_prefix}-instance"
  services = ["ec2.amazonaws.com"]
  # Keyed by ARN, as the attachments were before the module.
  managed_policy_arns = {
    for arn in toset(concat(
      ["arn:${local.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"],
      var.instance_role_policy_arns,
    )) : arn => arn
  }
  create_instance_profile = true
  tags                    = merge(local.tags, { Name = "${local.name_prefix}-instance" })
}
