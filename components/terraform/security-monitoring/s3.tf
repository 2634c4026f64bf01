# Security logs bucket: CloudTrail (cloudtrail/) and AWS Config (config/) deliveries. The shared
# module makes it private, versioned, SSE-KMS and TLS-only; this file adds the lifecycle and the
# delivery services' write access. It is the log destination itself, so it has no access logs
# (enable them at organisation level); replication is an organisation log-archive concern.

module "logs_bucket" {
  source = "../../../modules/s3-bucket"
  count  = local.create_logs_bucket ? 1 : 0

  bucket        = local.logs_bucket_name
  kms_key_arn   = module.kms.key_arn
  force_destroy = var.logs_bucket_force_destroy
  tags          = merge(local.tags, { Name = local.logs_bucket_name })

  # The module refuses transitions that come after expiration (logs_glacier_transition_days
  # must stay below logs_retention_days).
  lifecycle_rules = [
    {
      id                                 = "security-logs"
      transitions                        = [{ days = var.logs_glacier_transition_days, storage_class = "GLACIER" }]
      expiration_days                    = var.logs_retention_days
      noncurrent_version_expiration_days = 30
    },
  ]

  policy_documents = [data.aws_iam_policy_document.logs_delivery[0].json]
}

# What AWS Config and CloudTrail need to deliver, each for this account (Config) or this trail
# (CloudTrail) only: confused-deputy conditions on every statement.
locals {
  config_delivery = {
    service   = "config.amazonaws.com"
    condition = { variable = "aws:SourceAccount", value = local.account_id }
  }
  cloudtrail_delivery = {
    service   = "cloudtrail.amazonaws.com"
    condition = { variable = "aws:SourceArn", value = local.trail_arn }
  }
  logs_delivery_statements = merge(
    local.create_config ? {
      AWSConfigBucketPermissionsCheck = merge(local.config_delivery, { actions = ["s3:GetBucketAcl"], resources = [local.logs_bucket_arn] })
      AWSConfigBucketExistenceCheck   = merge(local.config_delivery, { actions = ["s3:ListBucket"], resources = [local.logs_bucket_arn] })
      AWSConfigBucketDelivery         = merge(local.config_delivery, { actions = ["s3:PutObject"], resources = ["${local.logs_bucket_arn}/config/AWSLogs/${local.account_id}/Config/*"] })
    } : {},
    local.create_cloudtrail ? {
      AWSCloudTrailAclCheck = merge(local.cloudtrail_delivery, { actions = ["s3:GetBucketAcl"], resources = [local.logs_bucket_arn] })
      AWSCloudTrailWrite    = merge(local.cloudtrail_delivery, { actions = ["s3:PutObject"], resources = ["${local.logs_bucket_arn}/cloudtrail/AWSLogs/${local.account_id}/*"] })
    } : {},
  )
}

data "aws_iam_policy_document" "logs_delivery" {
  count = local.create_logs_bucket ? 1 : 0

  dynamic "statement" {
    for_each = local.logs_delivery_statements
    content {
      sid       = statement.key
      actions   = statement.value.actions
      resources = statement.value.resources
      principals {
        type        = "Service"
        identifiers = [statement.value.service]
      }
      condition {
        test     = "StringEquals"
        variable = statement.value.condition.variable
        values   = [statement.value.condition.value]
      }
    }
  }
}
