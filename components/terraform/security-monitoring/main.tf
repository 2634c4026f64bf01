locals {
  create_guardduty = var.enable_guardduty
  # Emulator switch: features are explicit in AWS; off only where the target cannot read them.
  create_guardduty_features = local.create_guardduty && var.create_guardduty_features
  create_securityhub        = var.enable_securityhub
  create_config             = var.enable_config
  create_cloudtrail         = var.enable_cloudtrail
  create_logs_bucket        = local.create_config || local.create_cloudtrail
  create_findings           = var.enable_findings_notifications
  route_guardduty           = local.create_findings && local.create_guardduty
  route_securityhub         = local.create_findings && local.create_securityhub
  create_composite          = length(var.composite_alarm_names) > 0
  composite_alarm_rule      = join(" OR ", [for n in var.composite_alarm_names : "ALARM(\"${n}\")"])

  # Names and ARNs built from their parts so that policies are known at plan time.
  trail_name       = local.name_prefix
  trail_arn        = "arn:${local.partition}:cloudtrail:${var.region}:${local.account_id}:trail/${local.trail_name}"
  logs_bucket_name = "${local.name_prefix}-security-logs-${local.account_id}"
  logs_bucket_arn  = "arn:${local.partition}:s3:::${local.logs_bucket_name}"
  findings_topic   = "${local.name_prefix}-security-findings"
  rule_arn_prefix  = "arn:${local.partition}:events:${var.region}:${local.account_id}:rule/"
}
