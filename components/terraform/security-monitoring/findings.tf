# High-severity findings -> EventBridge -> encrypted SNS topic -> email (or any subscriber).

locals {
  findings_rules = merge(
    local.route_guardduty ? {
      guardduty = {
        description = "GuardDuty findings with severity >= ${var.guardduty_min_severity}"
        pattern = {
          source        = ["aws.guardduty"]
          "detail-type" = ["GuardDuty Finding"]
          detail        = { severity = [{ numeric = [">=", var.guardduty_min_severity] }] }
        }
      }
    } : {},
    local.route_securityhub ? {
      securityhub = {
        description = "New active Security Hub findings labelled ${join("/", var.securityhub_severity_labels)}"
        pattern = {
          source        = ["aws.securityhub"]
          "detail-type" = ["Security Hub Findings - Imported"]
          detail = {
            findings = {
              Severity    = { Label = var.securityhub_severity_labels }
              Workflow    = { Status = ["NEW"] }
              RecordState = ["ACTIVE"]
            }
          }
        }
      }
    } : {},
  )
}

resource "aws_sns_topic" "findings" {
  count = local.create_findings ? 1 : 0

  name              = local.findings_topic
  kms_master_key_id = aws_kms_key.this.arn
  tags              = merge(local.tags, { Name = local.findings_topic })
}

data "aws_iam_policy_document" "findings_topic" {
  dynamic "statement" {
    for_each = length(local.findings_rules) > 0 ? [1] : []
    content {
      sid       = "EventBridgeRulesPublish"
      actions   = ["SNS:Publish"]
      resources = [local.findings_topic_arn]
      principals {
        type        = "Service"
        identifiers = ["events.amazonaws.com"]
      }
      condition {
        test     = "ArnEquals"
        variable = "aws:SourceArn"
        values   = [for k in sort(keys(local.findings_rules)) : "${local.rule_arn_prefix}${local.name_prefix}-${k}-findings"]
      }
    }
  }

  statement {
    sid       = "CloudWatchAlarmsPublish"
    actions   = ["SNS:Publish"]
    resources = [local.findings_topic_arn]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["SNS:Publish"]
    resources = [local.findings_topic_arn]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sns_topic_policy" "findings" {
  count = local.create_findings ? 1 : 0

  arn    = aws_sns_topic.findings[0].arn
  policy = data.aws_iam_policy_document.findings_topic.json
}

resource "aws_sns_topic_subscription" "email" {
  for_each = local.create_findings ? toset(var.notification_emails) : toset([])

  topic_arn = aws_sns_topic.findings[0].arn
  protocol  = "email"
  endpoint  = each.value
}

resource "aws_cloudwatch_event_rule" "findings" {
  for_each = local.findings_rules

  name          = "${local.name_prefix}-${each.key}-findings"
  description   = each.value.description
  event_pattern = jsonencode(each.value.pattern)
  tags          = merge(local.tags, { Name = "${local.name_prefix}-${each.key}-findings" })
}

resource "aws_cloudwatch_event_target" "findings" {
  for_each = local.findings_rules

  rule      = aws_cloudwatch_event_rule.findings[each.key].name
  target_id = "sns"
  arn       = aws_sns_topic.findings[0].arn
}
