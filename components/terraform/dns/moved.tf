# Addresses before the shared modules (issue 17): every resource a deployed stack has keeps its object.
moved {
  from = aws_kms_key.query_logs[0]
  to   = module.query_logs_kms[0].aws_kms_key.this
}

moved {
  from = aws_kms_alias.query_logs[0]
  to   = module.query_logs_kms[0].aws_kms_alias.this
}

# One log group per zone key with query logging, and moved blocks cannot iterate: there is one
# block per zone key the stacks in stacks/ deploy ("public"). A stack with other public zone
# keys adds one like it for each key (or runs `terraform state mv` once):
#   moved {
#     from = aws_cloudwatch_log_group.query_logs["<key>"]
#     to   = module.query_logs_log_group["<key>"].aws_cloudwatch_log_group.this
#   }
moved {
  from = aws_cloudwatch_log_group.query_logs["public"]
  to   = module.query_logs_log_group["public"].aws_cloudwatch_log_group.this
}

# The DNSSEC key-signing key and its alias, built with modules/kms-key since the module takes
# key_spec / key_usage. Its policy document was a data source: no state, no moved block.
moved {
  from = aws_kms_key.dnssec[0]
  to   = module.dnssec_kms[0].aws_kms_key.this
}

moved {
  from = aws_kms_alias.dnssec[0]
  to   = module.dnssec_kms[0].aws_kms_alias.this
}
