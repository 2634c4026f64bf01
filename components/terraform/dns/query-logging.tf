# ---------------------------------------------------------------------------------------
# Query logging for public zones. Route 53 delivers query logs only to log groups in
# us-east-1, so these resources use the aws.us_east_1 provider (providers-global.tf):
# https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/query-logs.html
# ---------------------------------------------------------------------------------------
locals {
  query_log_group_prefix = "/aws/route53/${local.name_prefix}"
}

data "aws_iam_policy_document" "query_logs_key" {
  count = local.enable_logs ? 1 : 0

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
      identifiers = ["logs.us-east-1.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:us-east-1:${local.account_id}:log-group:${local.query_log_group_prefix}/*"]
    }
  }
}

resource "aws_kms_key" "query_logs" {
  count    = local.enable_logs ? 1 : 0
  provider = aws.us_east_1

  description             = "${local.name_prefix} Route 53 query logs"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.query_logs_key[0].json
  tags                    = merge(local.tags, { Name = "${local.name_prefix}-route53-query-logs" })
}

resource "aws_kms_alias" "query_logs" {
  count    = local.enable_logs ? 1 : 0
  provider = aws.us_east_1

  name          = "alias/${local.name_prefix}-route53-query-logs"
  target_key_id = aws_kms_key.query_logs[0].key_id
}

resource "aws_cloudwatch_log_group" "query_logs" {
  for_each = local.logged_zones
  provider = aws.us_east_1

  name              = "${local.query_log_group_prefix}/${each.key}"
  retention_in_days = var.query_log_retention_days
  kms_key_id        = aws_kms_key.query_logs[0].arn
  tags              = merge(local.tags, { Name = "${local.name_prefix}-${each.key}-query-logs" })
}

# Route 53 writes with its service principal, allowed only for this account's zones.
data "aws_iam_policy_document" "query_logs_delivery" {
  count = local.enable_logs ? 1 : 0

  statement {
    sid       = "Route53QueryLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:${local.partition}:logs:us-east-1:${local.account_id}:log-group:${local.query_log_group_prefix}/*"]
    principals {
      type        = "Service"
      identifiers = ["route53.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:route53:::hostedzone/*"]
    }
  }
}

resource "aws_cloudwatch_log_resource_policy" "query_logs" {
  count    = local.enable_logs ? 1 : 0
  provider = aws.us_east_1

  policy_name     = "${local.name_prefix}-route53-query-logs"
  policy_document = data.aws_iam_policy_document.query_logs_delivery[0].json
}

resource "aws_route53_query_log" "this" {
  for_each = local.logged_zones

  zone_id = aws_route53_zone.this[each.key].zone_id
  # Emulator switch (README, "Emulator switches"): the plain ARN outside emulators.
  cloudwatch_log_group_arn = "${aws_cloudwatch_log_group.query_logs[each.key].arn}${var.query_log_group_arn_wildcard ? ":*" : ""}"

  depends_on = [aws_cloudwatch_log_resource_policy.query_logs]
}
