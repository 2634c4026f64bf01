# Addresses before the shared modules (issue 17): every resource a deployed stack has keeps
# its object.

# KMS key and alias (modules/kms-key)
moved {
  from = aws_kms_key.audit[0]
  to   = module.audit_kms[0].aws_kms_key.this
}

moved {
  from = aws_kms_alias.audit[0]
  to   = module.audit_kms[0].aws_kms_alias.this
}

# The two audit log groups (modules/log-group, one call per group)
moved {
  from = aws_cloudwatch_log_group.audit["changes"]
  to   = module.audit_log_groups["changes"].aws_cloudwatch_log_group.this
}

moved {
  from = aws_cloudwatch_log_group.audit["public_ingress"]
  to   = module.audit_log_groups["public_ingress"].aws_cloudwatch_log_group.this
}

# Alarm topic (modules/sns-topic; its topic policy is new)
moved {
  from = aws_sns_topic.alarms[0]
  to   = module.alarm_topic[0].aws_sns_topic.this
}
