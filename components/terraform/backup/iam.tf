# The role AWS Backup assumes to back up and restore the selected resources.

data "aws_iam_policy_document" "backup_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["backup.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "backup" {
  name               = "${local.name_prefix}-backup"
  assume_role_policy = data.aws_iam_policy_document.backup_assume.json
  tags               = merge(local.tags, { Name = "${local.name_prefix}-backup" })
}

locals {
  backup_managed_policies = concat(
    [
      "arn:${local.partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
      "arn:${local.partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    ],
    local.selects_s3 ? [
      "arn:${local.partition}:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
      "arn:${local.partition}:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
    ] : [],
  )
}

resource "aws_iam_role_policy_attachment" "backup" {
  for_each = toset(local.backup_managed_policies)

  role       = aws_iam_role.backup.name
  policy_arn = each.value
}
