# ---------------------------------------------------------------------------------------
# Customer-managed keys: one for the state (bucket + lock table), one for the backup vault
# and its notification topic, so a backup operator never needs the state key and back.
# Key use by the account's principals (Terraform, the AWS Backup role) is delegated to IAM
# through the account root statement.
# ---------------------------------------------------------------------------------------

data "aws_iam_policy_document" "state_key" {
  #checkov:skip=CKV_AWS_109:A key policy's "*" resource means this key only; the account root statement is the standard delegation to IAM.
  #checkov:skip=CKV_AWS_111:A key policy's "*" resource means this key only.
  #checkov:skip=CKV_AWS_356:A key policy's "*" resource means this key only.
  statement {
    sid       = "AccountAdministration"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }
}

resource "aws_kms_key" "state" {
  description             = "${local.name_prefix} Terraform state bucket and lock table"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_in_days
  policy                  = data.aws_iam_policy_document.state_key.json
  tags                    = merge(local.tags, { Name = "${local.name_prefix}-state" })
}

resource "aws_kms_alias" "state" {
  name          = "alias/${local.name_prefix}-state"
  target_key_id = aws_kms_key.state.key_id
}

data "aws_iam_policy_document" "backup_key" {
  count = local.create_backup ? 1 : 0

  #checkov:skip=CKV_AWS_109:A key policy's "*" resource means this key only; the account root statement is the standard delegation to IAM.
  #checkov:skip=CKV_AWS_111:A key policy's "*" resource means this key only.
  #checkov:skip=CKV_AWS_356:A key policy's "*" resource means this key only.
  statement {
    sid       = "AccountAdministration"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  # EventBridge, CloudWatch alarms and AWS Backup notifications publish to the encrypted
  # topic. Which account may publish is decided by the topic policy (aws:SourceAccount);
  # the services' KMS calls do not all carry that key, so it is not repeated here.
  statement {
    sid       = "NotificationPublishers"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com", "backup.amazonaws.com", "cloudwatch.amazonaws.com"]
    }
  }
}

resource "aws_kms_key" "backup" {
  count = local.create_backup ? 1 : 0

  description             = "${local.name_prefix} AWS Backup vault and notifications"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_in_days
  policy                  = data.aws_iam_policy_document.backup_key[0].json
  tags                    = merge(local.tags, { Name = "${local.name_prefix}-backup" })
}

resource "aws_kms_alias" "backup" {
  count = local.create_backup ? 1 : 0

  name          = "alias/${local.name_prefix}-backup"
  target_key_id = aws_kms_key.backup[0].key_id
}
