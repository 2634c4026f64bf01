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

# EventBridge publishes only for the rules below; CloudWatch (the composite alarm) for this
# account. The module adds the source-account condition to both and denies plain HTTP.
module "findings_topic" {
  source = "../../../modules/sns-topic"
  count  = local.create_findings ? 1 : 0

  name        = local.findings_topic
  kms_key_arn = module.kms.key_arn
  tags        = merge(local.tags, { Name = local.findings_topic })

  publishers = concat(
    length(local.findings_rules) > 0 ? [
      {
        sid         = "EventBridgeRulesPublish"
        services    = ["events.amazonaws.com"]
        source_arns = [for k in sort(keys(local.findings_rules)) : "${local.rule_arn_prefix}${local.name_prefix}-${k}-findings"]
      },
    ] : [],
    [
      {
        sid      = "CloudWatchAlarmsPublish"
        services = ["cloudwatch.amazonaws.com"]
      },
    ],
  )
}

resource "aws_sns_topic_subscription" "email" {
  for_each = local.create_findings ? toset(var.notification_emails) : toset([])

  topic_arn = module.findings_topic[0].arn
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
  arn       = module.findings_topic[0].arn
}
