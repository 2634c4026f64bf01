################################################################################
# Certificate expiry alarms
#
# ACM renews DNS-validated certificates from 60 days before expiry; a certificate
# still under certificate_expiry_warning_days has failed renewal (or is imported)
# and needs a person. ACM publishes DaysToExpiry once a day.
# https://docs.aws.amazon.com/acm/latest/userguide/cloudwatch-metrics.html
################################################################################

resource "aws_cloudwatch_metric_alarm" "certificate_expiry" {
  for_each = local.certificate_alarms

  alarm_name          = local.certificate_alarm_names[each.key]
  alarm_description   = "ACM certificate ${each.value.arn} expires in fewer than ${var.certificate_expiry_warning_days} days: check its renewal status in ACM."
  namespace           = "AWS/CertificateManager"
  metric_name         = "DaysToExpiry"
  dimensions          = { CertificateArn = each.value.arn }
  statistic           = "Minimum"
  period              = 86400
  evaluation_periods  = 1
  comparison_operator = "LessThanThreshold"
  threshold           = var.certificate_expiry_warning_days
  treat_missing_data  = "missing"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = merge(local.tags, { Name = local.certificate_alarm_names[each.key] }, var.alarm_tags)

  lifecycle {
    precondition {
      condition     = !local.is_prod || length(var.alarm_actions) > 0
      error_message = "A prod certificate expiry alarm must notify someone: set alarm_actions to an SNS topic ARN, or enable_certificate_expiry_alarms = false."
    }
  }
}
