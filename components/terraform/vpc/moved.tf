# Addresses before the shared modules (issue 17): every resource a deployed stack has keeps
# its object.

# KMS key and alias (modules/kms-key)
moved {
  from = aws_kms_key.flow_logs[0]
  to   = module.flow_logs_kms[0].aws_kms_key.this
}

moved {
  from = aws_kms_alias.flow_logs[0]
  to   = module.flow_logs_kms[0].aws_kms_alias.this
}

# Log group (modules/log-group)
moved {
  from = aws_cloudwatch_log_group.flow_logs[0]
  to   = module.flow_logs_log_group[0].aws_cloudwatch_log_group.this
}

# Alarm topic (modules/sns-topic; its topic policy is new)
moved {
  from = aws_sns_topic.flow_logs_alarms[0]
  to   = module.flow_logs_alarm_topic[0].aws_sns_topic.this
}

# S3 archive (modules/s3-bucket)
moved {
  from = aws_s3_bucket.flow_logs[0]
  to   = module.flow_logs_archive[0].aws_s3_bucket.this
}

moved {
  from = aws_s3_bucket_ownership_controls.flow_logs[0]
  to   = module.flow_logs_archive[0].aws_s3_bucket_ownership_controls.this
}

moved {
  from = aws_s3_bucket_public_access_block.flow_logs[0]
  to   = module.flow_logs_archive[0].aws_s3_bucket_public_access_block.this
}

moved {
  from = aws_s3_bucket_versioning.flow_logs[0]
  to   = module.flow_logs_archive[0].aws_s3_bucket_versioning.this
}

moved {
  from = aws_s3_bucket_server_side_encryption_configuration.flow_logs[0]
  to   = module.flow_logs_archive[0].aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.flow_logs[0]
  to   = module.flow_logs_archive[0].aws_s3_bucket_lifecycle_configuration.this[0]
}

moved {
  from = aws_s3_bucket_policy.flow_logs[0]
  to   = module.flow_logs_archive[0].aws_s3_bucket_policy.this
}

# Service roles (modules/iam-role)
moved {
  from = aws_iam_role.flow_logs[0]
  to   = module.flow_logs_role[0].aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.flow_logs[0]
  to   = module.flow_logs_role[0].aws_iam_role_policy.this["publish-flow-logs"]
}
