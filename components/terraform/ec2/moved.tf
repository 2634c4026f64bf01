# Addresses before the shared modules (issue 17): every resource a deployed stack has keeps its object.
moved {
  from = aws_kms_key.ebs[0]
  to   = module.ebs_kms[0].aws_kms_key.this
}

moved {
  from = aws_kms_alias.ebs[0]
  to   = module.ebs_kms[0].aws_kms_alias.this
}

# Service roles (modules/iam-role)
moved {
  from = aws_iam_role.instance[0]
  to   = module.instance_role[0].aws_iam_role.this
}

moved {
  from = aws_iam_role_policy_attachment.instance
  to   = module.instance_role[0].aws_iam_role_policy_attachment.this
}

moved {
  from = aws_iam_instance_profile.this[0]
  to   = module.instance_role[0].aws_iam_instance_profile.this[0]
}
