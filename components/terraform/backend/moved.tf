# Addresses before the shared modules (issue 17): every resource a deployed stack has keeps
# its object.

# kms.tf: the state key and the backup key (modules/kms-key)
moved {
  from = aws_kms_key.state
  to   = module.state_kms.aws_kms_key.this
}

moved {
  from = aws_kms_alias.state
  to   = module.state_kms.aws_kms_alias.this
}

moved {
  from = aws_kms_key.backup[0]
  to   = module.backup_kms[0].aws_kms_key.this
}

moved {
  from = aws_kms_alias.backup[0]
  to   = module.backup_kms[0].aws_kms_alias.this
}

# s3-state.tf: the state bucket and its satellite resources (modules/s3-bucket)
moved {
  from = aws_s3_bucket.state
  to   = module.state_bucket.aws_s3_bucket.this
}

moved {
  from = aws_s3_bucket_ownership_controls.state
  to   = module.state_bucket.aws_s3_bucket_ownership_controls.this
}

moved {
  from = aws_s3_bucket_public_access_block.state
  to   = module.state_bucket.aws_s3_bucket_public_access_block.this
}

moved {
  from = aws_s3_bucket_versioning.state
  to   = module.state_bucket.aws_s3_bucket_versioning.this
}

moved {
  from = aws_s3_bucket_server_side_encryption_configuration.state
  to   = module.state_bucket.aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.state
  to   = module.state_bucket.aws_s3_bucket_lifecycle_configuration.this[0]
}

moved {
  from = aws_s3_bucket_logging.state[0]
  to   = module.state_bucket.aws_s3_bucket_logging.this[0]
}

moved {
  from = aws_s3_bucket_policy.state
  to   = module.state_bucket.aws_s3_bucket_policy.this
}

# alarms.tf: the created backup topic and its policy (modules/sns-topic)
moved {
  from = aws_sns_topic.backup[0]
  to   = module.backup_topic[0].aws_sns_topic.this
}

moved {
  from = aws_sns_topic_policy.backup[0]
  to   = module.backup_topic[0].aws_sns_topic_policy.this
}

# Service roles (modules/iam-role)
moved {
  from = aws_iam_role.backup[0]
  to   = module.backup_role[0].aws_iam_role.this
}

moved {
  from = aws_iam_role_policy_attachment.backup
  to   = module.backup_role[0].aws_iam_role_policy_attachment.this
}
