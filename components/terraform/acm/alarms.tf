# ACM publishes DaysToExpiry once a day per certificate, in the certificate's region:
# https://docs.aws.amazon.com/acm/latest/userguide/cloudwatch-metrics.html
resource "aws_cloudwatch_metric_alarm" "days_to_expiry" {
  count = local.create_expiry_alarm ? 1 : 0

  alarm_name          = "${local.name_prefix}-acm-days-to-expiry"
  alarm_description   = "Certificate ${var.domain_name} expires in fewer than ${var.expiry_alarm_days_threshold} days: ACM could not renew it. Check its DNS validation records."
  namespace           = "AWS/CertificateManager"
  metric_name         = "DaysToExpiry"
  dimensions          = { CertificateArn = aws_acm_certificate.this.arn }
  statistic           = "Minimum"
  period              = 86400
  evaluation_periods  = 1
  comparison_operator = "LessThanThreshold"
  threshold           = var.expiry_alarm_days_threshold
  # The metric exists only once the certificate is issued; no data is not a finding.
  treat_missing_data = "notBreaching"
  alarm_actions      = var.expiry_alarm_actions
  ok_actions         = var.expiry_alarm_actions

  tags = merge(local.tags, { Name = "${local.name_prefix}-acm-days-to-expiry" })
}
