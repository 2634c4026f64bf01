# Addresses before the shared modules (issue 17): every resource a deployed stack has keeps
# its object.

# kms.tf: the alerts topic key (modules/kms-key)
moved {
  from = aws_kms_key.this
  to   = module.alerts_kms.aws_kms_key.this
}

moved {
  from = aws_kms_alias.this
  to   = module.alerts_kms.aws_kms_alias.this
}

# sns.tf: the alerts topic and its policy (modules/sns-topic)
moved {
  from = aws_sns_topic.this
  to   = module.alerts_topic.aws_sns_topic.this
}

moved {
  from = aws_sns_topic_policy.this
  to   = module.alerts_topic.aws_sns_topic_policy.this
}
