# Addresses before the shared modules (issue 17): every resource a deployed stack has keeps
# its object.

# The key (kms.tf).
moved {
  from = aws_kms_key.this
  to   = module.kms.aws_kms_key.this
}

moved {
  from = aws_kms_alias.this
  to   = module.kms.aws_kms_alias.this
}

# The exported database log groups (main.tf), one per log type RDS can export: postgres
# postgresql, upgrade, iam-db-auth-error; mysql audit, error, general, slowquery,
# iam-db-auth-error. A block whose old address is not in the state does nothing.
moved {
  from = aws_cloudwatch_log_group.db["postgresql"]
  to   = module.db_log_group["postgresql"].aws_cloudwatch_log_group.this
}

moved {
  from = aws_cloudwatch_log_group.db["upgrade"]
  to   = module.db_log_group["upgrade"].aws_cloudwatch_log_group.this
}

moved {
  from = aws_cloudwatch_log_group.db["iam-db-auth-error"]
  to   = module.db_log_group["iam-db-auth-error"].aws_cloudwatch_log_group.this
}

moved {
  from = aws_cloudwatch_log_group.db["audit"]
  to   = module.db_log_group["audit"].aws_cloudwatch_log_group.this
}

moved {
  from = aws_cloudwatch_log_group.db["error"]
  to   = module.db_log_group["error"].aws_cloudwatch_log_group.this
}

moved {
  from = aws_cloudwatch_log_group.db["general"]
  to   = module.db_log_group["general"].aws_cloudwatch_log_group.this
}

moved {
  from = aws_cloudwatch_log_group.db["slowquery"]
  to   = module.db_log_group["slowquery"].aws_cloudwatch_log_group.this
}

# The rotation function's log group and the rotation topic (secrets-rotation.tf).
moved {
  from = aws_cloudwatch_log_group.rotation[0]
  to   = module.rotation_log_group[0].aws_cloudwatch_log_group.this
}

moved {
  from = aws_sns_topic.rotation[0]
  to   = module.rotation_topic[0].aws_sns_topic.this
}

moved {
  from = aws_sns_topic_policy.rotation[0]
  to   = module.rotation_topic[0].aws_sns_topic_policy.this
}

# Service roles (modules/iam-role)
moved {
  from = aws_iam_role.monitoring[0]
  to   = module.monitoring_role[0].aws_iam_role.this
}

moved {
  from = aws_iam_role_policy_attachment.monitoring[0]
  to   = module.monitoring_role[0].aws_iam_role_policy_attachment.this["AmazonRDSEnhancedMonitoringRole"]
}

moved {
  from = aws_iam_role.rotation[0]
  to   = module.rotation_role[0].aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.rotation[0]
  to   = module.rotation_role[0].aws_iam_role_policy.this["rotate"]
}

moved {
  from = aws_iam_role_policy_attachment.rotation_vpc[0]
  to   = module.rotation_role[0].aws_iam_role_policy_attachment.this["vpc"]
}
