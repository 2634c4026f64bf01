# ---------------------------------------------------------------------------------------
# Customer-managed keys (modules/kms-key: rotation on, the account root statement plus the
# service statements below): Kubernetes secrets (envelope encryption), control-plane logs,
# and node volumes.
# ---------------------------------------------------------------------------------------
module "secrets_kms" {
  source = "../../../modules/kms-key"

  alias                   = "${local.cluster_name}-eks-secrets"
  description             = "${local.cluster_name} EKS secrets envelope encryption"
  deletion_window_in_days = var.kms_key_deletion_window_in_days
  tags                    = merge(local.tags, { Name = "${local.cluster_name}-eks-secrets" })
}

module "logs_kms" {
  source = "../../../modules/kms-key"

  alias                   = "${local.cluster_name}-eks-logs"
  description             = "${local.cluster_name} EKS control-plane logs"
  deletion_window_in_days = var.kms_key_deletion_window_in_days
  tags                    = merge(local.tags, { Name = "${local.cluster_name}-eks-logs" })

  # CloudWatchLogsUse: logs.<region>.amazonaws.com, for the control-plane log group only.
  log_group_names = [local.cluster_log_group_name]
}

# EC2 Auto Scaling launches the managed nodes and attaches their volumes as its
# service-linked role, which must be allowed in the key policy (it cannot take IAM policies):
# https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html
# The role must exist before this key is created (it does once any Auto Scaling group has been
# made in the account; otherwise: aws iam create-service-linked-role --aws-service-name autoscaling.amazonaws.com).
module "nodes_kms" {
  source = "../../../modules/kms-key"
  count  = local.create_nodes_key ? 1 : 0

  alias                   = "${local.cluster_name}-eks-nodes"
  description             = "${local.cluster_name} EKS node volumes"
  deletion_window_in_days = var.kms_key_deletion_window_in_days
  tags                    = merge(local.tags, { Name = "${local.cluster_name}-eks-nodes" })

  service_statements = [
    {
      sid        = "AutoScalingVolumeEncryption"
      actions    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
      principals = [{ type = "AWS", identifiers = [local.autoscaling_service_role_arn] }]
    },
    {
      sid        = "AutoScalingAttachVolumes"
      actions    = ["kms:CreateGrant"]
      principals = [{ type = "AWS", identifiers = [local.autoscaling_service_role_arn] }]
      conditions = [{ test = "Bool", variable = "kms:GrantIsForAWSResource", values = ["true"] }]
    },
  ]
}
