# Cost Anomaly Detection (seed "future enhancement"): a monitor per AWS service, alerting when an
# anomaly's impact crosses the thresholds. IMMEDIATE alerts go to SNS; DAILY/WEEKLY summaries by email
# (AWS accepts SNS subscribers only for IMMEDIATE subscriptions).

locals {
  create_anomaly_detection = var.enable_anomaly_detection
  anomaly_immediate        = var.anomaly_subscription_frequency == "IMMEDIATE"
  anomaly_subscribers = local.anomaly_immediate ? [
    { type = "SNS", address = module.alerts_topic.arn }
  ] : [for e in var.notification_emails : { type = "EMAIL", address = e }]
}

resource "aws_ce_anomaly_monitor" "services" {
  count = local.create_anomaly_detection ? 1 : 0

  name              = "${local.name_prefix}-services"
  monitor_type      = "DIMENSIONAL"
  monitor_dimension = "SERVICE"
  tags              = merge(local.tags, { Name = "${local.name_prefix}-services" })
}

resource "aws_ce_anomaly_subscription" "this" {
  count = local.create_anomaly_detection ? 1 : 0

  name             = "${local.name_prefix}-anomalies"
  frequency        = var.anomaly_subscription_frequency
  monitor_arn_list = [aws_ce_anomaly_monitor.services[0].arn]

  dynamic "subscriber" {
    for_each = local.anomaly_subscribers
    content {
      type    = subscriber.value.type
      address = subscriber.value.address
    }
  }

  threshold_expression {
    # Absolute impact alone, or absolute OR percentage when a percentage is given.
    dynamic "dimension" {
      for_each = var.anomaly_threshold_percentage == null ? [1] : []
      content {
        key           = "ANOMALY_TOTAL_IMPACT_ABSOLUTE"
        match_options = ["GREATER_THAN_OR_EQUAL"]
        values        = [tostring(var.anomaly_threshold_amount)]
      }
    }

    dynamic "or" {
      for_each = var.anomaly_threshold_percentage != null ? {
        ANOMALY_TOTAL_IMPACT_ABSOLUTE   = var.anomaly_threshold_amount
        ANOMALY_TOTAL_IMPACT_PERCENTAGE = var.anomaly_threshold_percentage
      } : {}
      content {
        dimension {
          key           = or.key
          match_options = ["GREATER_THAN_OR_EQUAL"]
          values        = [tostring(or.value)]
        }
      }
    }
  }

  tags = merge(local.tags, { Name = "${local.name_prefix}-anomalies" })

  depends_on = [module.alerts_topic]
}
