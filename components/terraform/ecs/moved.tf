# Addresses before the shared modules (issue 17): every resource a deployed stack has keeps its object.
moved {
  from = aws_kms_key.exec
  to   = module.exec_kms.aws_kms_key.this
}

moved {
  from = aws_kms_alias.exec
  to   = module.exec_kms.aws_kms_alias.this
}

moved {
  from = aws_cloudwatch_log_group.exec[0]
  to   = module.exec_log_group[0].aws_cloudwatch_log_group.this
}
