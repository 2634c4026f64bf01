# Customer-managed key for the API's log groups. CloudWatch Logs may use it only for log
# groups of this API: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
data "aws_iam_policy_document" "logs_key" {
  #checkov:skip=CKV_AWS_111:Key policy: resource "*" is this key only; the root statement is the default key policy that delegates to IAM.
  #checkov:skip=CKV_AWS_356:Key policy: resource "*" is this key only.
  #checkov:skip=CKV_AWS_109:Key policy: resource "*" is this key only; the root statement keeps the key manageable by account administrators.
  statement {
    sid       = "AccountAdministration"
    actions   = ["kms:*"]
    resources = ["*"] # in a key policy "*" means this key
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid = "CloudWatchLogsUse"
    actions = [
      "kms:Encrypt*",
      "kms:Decrypt*",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:Describe*",
    ]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["logs.${var.region}.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values = [
        "arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:${local.access_log_group_name}",
        "arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:API-Gateway-Execution-Logs_*",
      ]
    }
  }
}

resource "aws_kms_key" "logs" {
  description             = "${local.name_prefix} API Gateway logs"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.logs_key.json
  tags                    = merge(local.tags, { Name = "${local.name_prefix}-apigateway-logs" })
}

resource "aws_kms_alias" "logs" {
  name          = "alias/${local.name_prefix}-apigateway-logs"
  target_key_id = aws_kms_key.logs.key_id
}
