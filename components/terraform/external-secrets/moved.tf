# Addresses before the shared modules (issue 17): every resource a deployed stack has keeps
# its object.

moved {
  from = aws_iam_role.this
  to   = module.role.aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.read
  to   = module.role.aws_iam_role_policy.this["read-secrets"]
}
