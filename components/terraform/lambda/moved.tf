# Addresses before the shared modules (issue 17): every resource a deployed stack has keeps
# its object.

moved {
  from = aws_kms_key.this
  to   = module.kms.aws_kms_key.this
}

moved {
  from = aws_kms_alias.this
  to   = module.kms.aws_kms_alias.this
}

moved {
  from = aws_cloudwatch_log_group.this
  to   = module.log_group.aws_cloudwatch_log_group.this
}

# Service roles (modules/iam-role)
moved {
  from = aws_iam_role.this
  to   = module.execution_role.aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.this
  to   = module.execution_role.aws_iam_role_policy.this["least-privilege"]
}

moved {
  from = aws_iam_role_policy.dlq_kms[0]
  to   = module.execution_role.aws_iam_role_policy.this["dead-letter-queue-key"]
}

moved {
  from = aws_iam_role_policy.extra[0]
  to   = module.execution_role.aws_iam_role_policy.this["function-code"]
}

# The dead-letter queue (modules/sqs-queue): the queue and its TLS-only policy, key "dlq".
moved {
  from = aws_sqs_queue.dlq[0]
  to   = module.dlq[0].aws_sqs_queue.this["dlq"]
}

moved {
  from = aws_sqs_queue_policy.dlq[0]
  to   = module.dlq[0].aws_sqs_queue_policy.tls["dlq"]
}
