# ---------------------------------------------------------------------------------------
# Customer-managed key for the templates' EBS volumes (optional; see create_ebs_kms_key).
# ---------------------------------------------------------------------------------------

locals {
  autoscaling_service_role_arn = "arn:${local.partition}:iam::${local.account_id}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
}

module "ebs_kms" {
  source = "../../../modules/kms-key"
  count  = local.create_ebs_kms_key ? 1 : 0

  alias                   = "${local.name_prefix}-ebs"
  description             = "${local.name_prefix} EBS volumes of the launch templates"
  deletion_window_in_days = var.kms_key_deletion_window_in_days
  service_statements = [
    # EC2 Auto Scaling launches encrypted volumes with its service-linked role.
    {
      sid        = "AutoScalingUse"
      actions    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
      principals = [{ type = "AWS", identifiers = [local.autoscaling_service_role_arn] }]
    },
    {
      sid        = "AutoScalingGrants"
      actions    = ["kms:CreateGrant"]
      principals = [{ type = "AWS", identifiers = [local.autoscaling_service_role_arn] }]
      conditions = [{ test = "Bool", variable = "kms:GrantIsForAWSResource", values = ["true"] }]
    },
  ]
  tags = merge(local.tags, { Name = "${local.name_prefix}-ebs" })
}
