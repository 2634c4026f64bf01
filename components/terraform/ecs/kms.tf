# One customer-managed key for ECS Exec: it encrypts the session data between the client and
# the container, and the session log group.
# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html#ecs-exec-logging
data "aws_iam_policy_document" "exec_key" {
  #checkov:skip=CKV_AWS_111:Key policy: resource "*" is this key only; the root statement is the default key policy that delegates to IAM.
  #checkov:skip=CKV_AWS_356:Key policy: resource "*" is this key only.
  #checkov:skip=CKV_AWS_109:Key policy: resource "*" is this key only; the root statement keeps the key manageable by account administrators.
  statement {
    sid       = "AccountAdministration"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchLogsUse"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["logs.${var.region}.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:${local.exec_log_group_name}"]
    }
  }
}

resource "aws_kms_key" "exec" {
  description             = "${local.name_prefix} ECS Exec sessions and logs"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.exec_key.json
  tags                    = merge(local.tags, { Name = "${local.name_prefix}-ecs-exec" })
}

resource "aws_kms_alias" "exec" {
  name          = "alias/${local.name_prefix}-ecs-exec"
  target_key_id = aws_kms_key.exec.key_id
}
