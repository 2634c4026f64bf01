# Addresses before the shared modules (issue 17): every resource a deployed stack has keeps
# its object.

# kms.tf: the vault and topic key (modules/kms-key)
moved {
  from = aws_kms_key.backup
  to   = module.backup_kms.aws_kms_key.this
}

moved {
  from = aws_kms_alias.backup
  to   = module.backup_kms.aws_kms_alias.this
}

# notifications.tf: the notification topic and its policy (modules/sns-topic)
moved {
  from = aws_sns_topic.notifications[0]
  to   = module.notifications_topic[0].aws_sns_topic.this
}

moved {
  from = aws_sns_topic_policy.notifications[0]
  to   = module.notifications_topic[0].aws_sns_topic_policy.this
}

# Service roles (modules/iam-role)
moved {
  from = aws_iam_role.backup
  to   = module.backup_role.aws_iam_role.this
}

moved {
  from = aws_iam_role_policy_attachment.backup
  to   = module.backup_role.aws_iam_role_policy_attachment.this
}
