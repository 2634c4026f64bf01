# Addresses before the shared modules (issue 17): every resource a deployed stack has keeps
# its object.

moved {
  from = aws_iam_role.ebs_csi[0]
  to   = module.ebs_csi_role[0].aws_iam_role.this
}

moved {
  from = aws_iam_role_policy_attachment.ebs_csi[0]
  to   = module.ebs_csi_role[0].aws_iam_role_policy_attachment.this["AmazonEBSCSIDriverPolicy"]
}

moved {
  from = aws_iam_role_policy.ebs_csi_kms[0]
  to   = module.ebs_csi_role[0].aws_iam_role_policy.this["ebs-volume-keys"]
}

moved {
  from = aws_iam_role.vpc_cni[0]
  to   = module.vpc_cni_role[0].aws_iam_role.this
}

moved {
  from = aws_iam_role_policy_attachment.vpc_cni[0]
  to   = module.vpc_cni_role[0].aws_iam_role_policy_attachment.this["AmazonEKS_CNI_Policy"]
}
