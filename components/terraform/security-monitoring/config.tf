# AWS Config: recorder, delivery to the encrypted bucket, and managed rules matching the controls
# the other components enforce (EBS/RDS encryption, RDS Multi-AZ, IMDSv2, flow logs, SSH, CloudTrail).

locals {
  config_baseline_rules = {
    encrypted-volumes     = { source_identifier = "ENCRYPTED_VOLUMES", input_parameters = {} }
    rds-storage-encrypted = { source_identifier = "RDS_STORAGE_ENCRYPTED", input_parameters = {} }
    rds-multi-az-support  = { source_identifier = "RDS_MULTI_AZ_SUPPORT", input_parameters = {} }
    ec2-imdsv2-check      = { source_identifier = "EC2_IMDSV2_CHECK", input_parameters = {} }
    vpc-flow-logs-enabled = { source_identifier = "VPC_FLOW_LOGS_ENABLED", input_parameters = { trafficType = "ALL" } }
    restricted-ssh        = { source_identifier = "INCOMING_SSH_DISABLED", input_parameters = {} }
    cloudtrail-enabled    = { source_identifier = "CLOUD_TRAIL_ENABLED", input_parameters = {} }
  }
  config_rules = local.create_config ? merge(
    { for k, r in local.config_baseline_rules : k => r if !contains(var.config_disabled_rules, k) },
    var.config_additional_rules,
  ) : {}
}

data "aws_iam_policy_document" "config_delivery" {
  statement {
    sid       = "DeliverToBucket"
    actions   = ["s3:PutObject"]
    resources = ["${local.logs_bucket_arn}/config/AWSLogs/${local.account_id}/Config/*"]
  }
  statement {
    sid       = "CheckBucket"
    actions   = ["s3:GetBucketAcl", "s3:ListBucket"]
    resources = [local.logs_bucket_arn]
  }
  statement {
    sid       = "EncryptDeliveries"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [module.kms.key_arn]
  }
}

# The recorder's role, for this account only: the AWS managed policy for Config's reads, and
# delivery to the bucket and key.
module "config_role" {
  source = "../../../modules/iam-role"
  count  = local.create_config ? 1 : 0

  name           = "${local.name_prefix}-config"
  services       = ["config.amazonaws.com"]
  source_account = local.account_id
  managed_policy_arns = {
    "AWS_ConfigRole" = "arn:${local.partition}:iam::aws:policy/service-role/AWS_ConfigRole"
  }
  inline_policies = {
    "delivery" = data.aws_iam_policy_document.config_delivery.json
  }

  tags = merge(local.tags, { Name = "${local.name_prefix}-config" })
}

resource "aws_config_configuration_recorder" "this" {
  count = local.create_config ? 1 : 0

  name     = local.name_prefix
  role_arn = module.config_role[0].arn

  recording_group {
    all_supported                 = true
    include_global_resource_types = var.config_include_global_resource_types
  }
}

resource "aws_config_delivery_channel" "this" {
  count = local.create_config ? 1 : 0

  name           = local.name_prefix
  s3_bucket_name = local.logs_bucket_name
  s3_key_prefix  = "config"
  s3_kms_key_arn = module.kms.key_arn

  snapshot_delivery_properties {
    delivery_frequency = var.config_snapshot_frequency
  }

  # The bucket policy must let Config deliver first.
  depends_on = [aws_config_configuration_recorder.this, module.logs_bucket]
}

resource "aws_config_configuration_recorder_status" "this" {
  count = local.create_config ? 1 : 0

  name       = aws_config_configuration_recorder.this[0].name
  is_enabled = true

  depends_on = [aws_config_delivery_channel.this]
}

resource "aws_config_config_rule" "this" {
  for_each = local.config_rules

  name             = "${local.name_prefix}-${each.key}"
  input_parameters = length(each.value.input_parameters) > 0 ? jsonencode(each.value.input_parameters) : null

  source {
    owner             = "AWS"
    source_identifier = each.value.source_identifier
  }

  tags = merge(local.tags, { Name = "${local.name_prefix}-${each.key}" })

  depends_on = [aws_config_configuration_recorder.this]
}
