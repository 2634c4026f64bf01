# Addresses before the shared modules (issue 17): every resource a deployed stack has keeps its object.
moved {
  from = aws_kms_key.logs
  to   = module.logs_kms.aws_kms_key.this
}

moved {
  from = aws_kms_alias.logs
  to   = module.logs_kms.aws_kms_alias.this
}

moved {
  from = aws_cloudwatch_log_group.access
  to   = module.access_log_group.aws_cloudwatch_log_group.this
}

moved {
  from = aws_cloudwatch_log_group.execution[0]
  to   = module.execution_log_group[0].aws_cloudwatch_log_group.this
}

# Service roles (modules/iam-role)
moved {
  from = aws_iam_role.cloudwatch[0]
  to   = module.cloudwatch_role[0].aws_iam_role.this
}

moved {
  from = aws_iam_role_policy_attachment.cloudwatch[0]
  to   = module.cloudwatch_role[0].aws_iam_role_policy_attachment.this["AmazonAPIGatewayPushToCloudWatchLogs"]
}
