# Multi-region CloudTrail: log file validation, KMS encryption, delivery to the logs bucket and to an
# encrypted CloudWatch Logs group (for metric filters and alarms in other components).

module "cloudtrail_log_group" {
  source = "../../../modules/log-group"
  count  = local.create_cloudtrail ? 1 : 0

  name              = "/aws/cloudtrail/${local.trail_name}"
  retention_in_days = var.cloudtrail_log_group_retention_days
  kms_key_arn       = module.kms.key_arn
  tags              = merge(local.tags, { Name = "/aws/cloudtrail/${local.trail_name}" })
}

data "aws_iam_policy_document" "cloudtrail_logs" {
  statement {
    actions = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [
      "arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:/aws/cloudtrail/${local.trail_name}:log-stream:*",
    ]
  }
}

# CloudTrail delivers to the log group through this role, for this account only.
module "cloudtrail_role" {
  source = "../../../modules/iam-role"
  count  = local.create_cloudtrail ? 1 : 0

  name           = "${local.name_prefix}-cloudtrail-logs"
  services       = ["cloudtrail.amazonaws.com"]
  source_account = local.account_id
  inline_policies = {
    "cloudwatch-logs" = data.aws_iam_policy_document.cloudtrail_logs.json
  }

  tags = merge(local.tags, { Name = "${local.name_prefix}-cloudtrail-logs" })
}

resource "aws_cloudtrail" "this" {
  #checkov:skip=CKV_AWS_252:Delivery notifications per log file are noise; findings and alarms go through EventBridge and the findings topic.
  count = local.create_cloudtrail ? 1 : 0

  name                          = local.trail_name
  s3_bucket_name                = local.logs_bucket_name
  s3_key_prefix                 = "cloudtrail"
  is_multi_region_trail         = true
  include_global_service_events = true
  enable_log_file_validation    = true
  kms_key_id                    = module.kms.key_arn
  cloud_watch_logs_group_arn    = "${module.cloudtrail_log_group[0].arn}:*"
  cloud_watch_logs_role_arn     = module.cloudtrail_role[0].arn

  event_selector {
    read_write_type           = "All"
    include_management_events = true
  }

  tags = merge(local.tags, { Name = local.trail_name })

  # The bucket policy must let CloudTrail write before the trail is created (the bucket is named
  # from its parts above so that the plan shows it).
  depends_on = [module.logs_bucket, module.cloudtrail_role]
}
