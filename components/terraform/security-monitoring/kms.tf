# One customer-managed key for the component's data at rest: the logs bucket (CloudTrail, Config),
# the CloudTrail log group and the findings topic. Each service gets only what it needs.

module "kms" {
  source = "../../../modules/kms-key"

  alias                   = "${local.name_prefix}-security"
  description             = "${local.name_prefix} security monitoring (CloudTrail, Config, findings)"
  deletion_window_in_days = var.kms_key_deletion_window_in_days
  tags                    = merge(local.tags, { Name = "${local.name_prefix}-security" })

  # CloudWatchLogsUse: CloudWatch Logs may use the key for the log groups of this account and
  # region (the CloudTrail log group among them).
  log_group_names = ["*"]
  # ServicesPublishToEncryptedTopics: EventBridge (findings rules) and CloudWatch (composite
  # alarm) publish to the encrypted findings topic, for this account only.
  publishing_services = ["events.amazonaws.com", "cloudwatch.amazonaws.com"]

  # Config delivers to the logs bucket, not to a topic: ConfigEncryptsDeliveries stays its own
  # statement (kms:GenerateDataKey for the S3 objects).
  service_statements = [
    # https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
    {
      sid        = "CloudTrailEncryptsLogs"
      actions    = ["kms:GenerateDataKey*"]
      principals = [{ type = "Service", identifiers = ["cloudtrail.amazonaws.com"] }]
      conditions = [
        {
          test     = "StringLike"
          variable = "kms:EncryptionContext:aws:cloudtrail:arn"
          values   = ["arn:${local.partition}:cloudtrail:*:${local.account_id}:trail/*"]
        },
        {
          test     = "StringEquals"
          variable = "aws:SourceArn"
          values   = [local.trail_arn]
        },
      ]
    },
    {
      sid        = "CloudTrailDescribesKey"
      actions    = ["kms:DescribeKey"]
      principals = [{ type = "Service", identifiers = ["cloudtrail.amazonaws.com"] }]
    },
    {
      sid        = "ConfigEncryptsDeliveries"
      actions    = ["kms:Decrypt", "kms:GenerateDataKey"]
      principals = [{ type = "Service", identifiers = ["config.amazonaws.com"] }]
      conditions = [{ test = "StringEquals", variable = "aws:SourceAccount", values = [local.account_id] }]
    },
  ]
}
