# ---------------------------------------------------------------------------------------
# Query logging for public zones. Route 53 delivers query logs only to log groups in
# us-east-1, so these resources (and the kms-key and log-group modules, through their providers
# argument) use the aws.us_east_1 provider (providers-global.tf):
# https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/query-logs.html
# ---------------------------------------------------------------------------------------
locals {
  query_log_group_prefix = "/aws/route53/${local.name_prefix}"
}

module "query_logs_kms" {
  source    = "../../../modules/kms-key"
  count     = local.enable_logs ? 1 : 0
  providers = { aws = aws.us_east_1 }

  alias                   = "${local.name_prefix}-route53-query-logs"
  description             = "${local.name_prefix} Route 53 query logs"
  deletion_window_in_days = var.kms_key_deletion_window_in_days
  service_statements = [{
    sid        = "CloudWatchLogsUse"
    actions    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    principals = [{ type = "Service", identifiers = ["logs.us-east-1.amazonaws.com"] }]
    conditions = [{
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:us-east-1:${local.account_id}:log-group:${local.query_log_group_prefix}/*"]
    }]
  }]
  tags = merge(local.tags, { Name = "${local.name_prefix}-route53-query-logs" })
}

module "query_logs_log_group" {
  source    = "../../../modules/log-group"
  for_each  = local.logged_zones
  providers = { aws = aws.us_east_1 }

  name              = "${local.query_log_group_prefix}/${each.key}"
  retention_in_days = var.query_log_retention_days
  kms_key_arn       = module.query_logs_kms[0].key_arn
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
  cloudwatch_log_group_arn = "${module.query_logs_log_group[each.key].arn}${var.query_log_group_arn_wildcard ? ":*" : ""}"

  depends_on = [aws_cloudwatch_log_resource_policy.query_logs]
}
