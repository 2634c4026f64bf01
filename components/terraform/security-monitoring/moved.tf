# Addresses before the shared modules (issue 17): every resource a deployed stack has keeps its object.

# Key (kms.tf)
moved {
  from = aws_kms_key.this
  to   = module.kms.aws_kms_key.this
}

moved {
  from = aws_kms_alias.this
  to   = module.kms.aws_kms_alias.this
}

# Logs bucket (s3.tf)
moved {
  from = aws_s3_bucket.logs[0]
  to   = module.logs_bucket[0].aws_s3_bucket.this
}

moved {
  from = aws_s3_bucket_public_access_block.logs[0]
  to   = module.logs_bucket[0].aws_s3_bucket_public_access_block.this
}

moved {
  from = aws_s3_bucket_ownership_controls.logs[0]
  to   = module.logs_bucket[0].aws_s3_bucket_ownership_controls.this
}

moved {
  from = aws_s3_bucket_versioning.logs[0]
  to   = module.logs_bucket[0].aws_s3_bucket_versioning.this
}

moved {
  from = aws_s3_bucket_server_side_encryption_configuration.logs[0]
  to   = module.logs_bucket[0].aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.logs[0]
  to   = module.logs_bucket[0].aws_s3_bucket_lifecycle_configuration.this[0]
}

moved {
  from = aws_s3_bucket_policy.logs[0]
  to   = module.logs_bucket[0].aws_s3_bucket_policy.this
}

# CloudTrail log group (cloudtrail.tf)
moved {
  from = aws_cloudwatch_log_group.cloudtrail[0]
  to   = module.cloudtrail_log_group[0].aws_cloudwatch_log_group.this
}

# Findings topic (findings.tf)
moved {
  from = aws_sns_topic.findings[0]
  to   = module.findings_topic[0].aws_sns_topic.this
}

moved {
  from = aws_sns_topic_policy.findings[0]
  to   = module.findings_topic[0].aws_sns_topic_policy.this
}

# Service roles (modules/iam-role)
moved {
  from = aws_iam_role.cloudtrail[0]
  to   = module.cloudtrail_role[0].aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.cloudtrail[0]
  to   = module.cloudtrail_role[0].aws_iam_role_policy.this["cloudwatch-logs"]
}

moved {
  from = aws_iam_role.config[0]
  to   = module.config_role[0].aws_iam_role.this
}

moved {
  from = aws_iam_role_policy_attachment.config[0]
  to   = module.config_role[0].aws_iam_role_policy_attachment.this["AWS_ConfigRole"]
}

moved {
  from = aws_iam_role_policy.config_delivery[0]
  to   = module.config_role[0].aws_iam_role_policy.this["delivery"]
}
