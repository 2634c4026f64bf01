# Addresses before the shared modules (issue 17): every resource a deployed stack has keeps its object.
moved {
  from = aws_kms_key.ebs[0]
  to   = module.ebs_kms[0].aws_kms_key.this
}

moved {
  from = aws_kms_alias.ebs[0]
  to   = module.ebs_kms[0].aws_kms_alias.this
}
