# One alarm over the other components' security alarms (flow-logs SSH/RDP/rejects, security group
# changes, rotation failures...), so on-call pages on a single signal.

resource "aws_cloudwatch_composite_alarm" "security" {
  count = local.create_composite ? 1 : 0

  alarm_name        = "${local.name_prefix}-security"
  alarm_description = "Any of the platform's security alarms is in ALARM."
  alarm_rule        = local.composite_alarm_rule
  actions_enabled   = true
  alarm_actions     = local.create_findings ? [module.findings_topic[0].arn] : []
  ok_actions        = local.create_findings ? [module.findings_topic[0].arn] : []
  tags              = merge(local.tags, { Name = "${local.name_prefix}-security" })

  lifecycle {
    precondition {
      condition     = length(local.composite_alarm_rule) <= 10240
      error_message = "The composite alarm rule exceeds 10240 characters: combine fewer alarms in composite_alarm_names."
    }
  }
}
