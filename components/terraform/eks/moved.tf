# Addresses before the shared modules (issue 17): every resource a deployed stack has keeps
# its object.

moved {
  from = aws_kms_key.secrets
  to   = module.secrets_kms.aws_kms_key.this
}

moved {
  from = aws_kms_alias.secrets
  to   = module.secrets_kms.aws_kms_alias.this
}

moved {
  from = aws_kms_key.logs
  to   = module.logs_kms.aws_kms_key.this
}

moved {
  from = aws_kms_alias.logs
  to   = module.logs_kms.aws_kms_alias.this
}

moved {
  from = aws_kms_key.nodes[0]
  to   = module.nodes_kms[0].aws_kms_key.this
}

moved {
  from = aws_kms_alias.nodes[0]
  to   = module.nodes_kms[0].aws_kms_alias.this
}

moved {
  from = aws_cloudwatch_log_group.cluster
  to   = module.cluster_log_group.aws_cloudwatch_log_group.this
}
