# An IAM role that something outside the account's people assumes: AWS services on the
# account's behalf (AWS Backup, VPC Flow Logs, CloudTrail, Config, Lambda, EC2, EKS, RDS,
# API Gateway ...), or the named service accounts of one EKS cluster (IRSA). The trust names
# exactly those: with source_account (and source_arns) a service may use the role only for this
# account's own resources, the confused-deputy protection AWS recommends; a service account
# only with the STS audience.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
# https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html

locals {
  issuer = trimsuffix(trimprefix(coalesce(var.oidc_provider_url, "-"), "https://"), "/")
}

data "aws_iam_policy_document" "assume" {
  dynamic "statement" {
    for_each = length(var.services) > 0 ? [var.services] : []
    content {
      actions = ["sts:AssumeRole"]

      principals {
        type        = "Service"
        identifiers = statement.value
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

  dynamic "statement" {
    for_each = length(var.service_accounts) > 0 ? [var.service_accounts] : []
    content {
      sid     = "ServiceAccountsOfThisCluster"
      effect  = "Allow"
      actions = ["sts:AssumeRoleWithWebIdentity"]

      principals {
        type        = "Federated"
        identifiers = [var.oidc_provider_arn]
      }

      condition {
        test     = "StringEquals"
        variable = "${local.issuer}:sub"
        values   = [for sa in statement.value : "system:serviceaccount:${sa.namespace}:${sa.name}"]
      }

      condition {
        test     = "StringEquals"
        variable = "${local.issuer}:aud"
        values   = ["sts.amazonaws.com"]
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
