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

# Service roles (modules/iam-role)
moved {
  from = aws_iam_role.cluster
  to   = module.cluster_role.aws_iam_role.this
}

moved {
  from = aws_iam_role_policy_attachment.cluster
  to   = module.cluster_role.aws_iam_role_policy_attachment.this["cluster"]
}

moved {
  from = aws_iam_role_policy.cluster_secrets_key
  to   = module.cluster_role.aws_iam_role_policy.this["secrets-encryption"]
}

moved {
  from = aws_iam_role.node[0]
  to   = module.node_role[0].aws_iam_role.this
}

# Same keys as before (worker, ecr, cni, ssm): one block moves every attachment.
moved {
  from = aws_iam_role_policy_attachment.node
  to   = module.node_role[0].aws_iam_role_policy_attachment.this
}
