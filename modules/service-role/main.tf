# An IAM role that AWS services assume on the account's behalf (AWS Backup, VPC Flow Logs,
# CloudTrail, Config, Lambda, EC2, EKS, RDS Enhanced Monitoring, API Gateway ...). Only the
# named service principals may assume it; with source_account (and source_arns) only on behalf
# of this account's resources: the confused-deputy protection AWS recommends.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = var.services
    }

    dynamic "condition" {
      for_each = var.source_account == null ? [] : [var.source_account]
      content {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [condition.value]
      }
    }

    dynamic "condition" {
      for_each = length(var.source_arns) == 0 ? [] : [var.source_arns]
      content {
        test     = "ArnLike"
        variable = "aws:SourceArn"
        values   = condition.value
      }
    }
  }
}

resource "aws_iam_role" "this" {
  name                 = var.name
  description          = var.description
  assume_role_policy   = data.aws_iam_policy_document.assume.json
  max_session_duration = var.max_session_duration
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags
}

resource "aws_iam_role_policy" "this" {
  for_each = var.inline_policies

  name   = lookup(var.inline_policy_names, each.key, each.key)
  role   = aws_iam_role.this.id
  policy = each.value
}

resource "aws_iam_role_policy_attachment" "this" {
  for_each = var.managed_policy_arns

  role       = aws_iam_role.this.name
  policy_arn = each.value
}

# EC2 reaches a role through an instance profile of the same name.
resource "aws_iam_instance_profile" "this" {
  count = var.create_instance_profile ? 1 : 0

  name = var.name
  role = aws_iam_role.this.name
  tags = var.tags
}
