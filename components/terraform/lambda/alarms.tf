# Alarms on the function's errors and throttles, and on messages waiting in its dead-letter queue.

locals {
  function_alarms = local.create_alarms ? {
    errors = {
      metric    = "Errors"
      threshold = var.alarm_errors_threshold
      what      = "invocations failed"
    }
    throttles = {
      metric    = "Throttles"
      threshold = var.alarm_throttles_threshold
      what      = "invocations were throttled (reserved concurrency reached)"
    }
  } : {}
}

resource "aws_cloudwatch_metric_alarm" "function" {
  for_each = local.function_alarms

  alarm_name          = "${local.function_name}-${each.key}"
  alarm_description   = "${local.function_name}: ${each.value.what}."
  namespace           = "AWS/Lambda"
  metric_name         = each.value.metric
  dimensions          = { FunctionName = aws_lambda_function.this.function_name }
  statistic           = "Sum"
  period              = var.alarm_period_seconds
  evaluation_periods  = 1
  threshold           = each.value.threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = merge(local.tags, { Name = "${local.function_name}-${each.key}" })
}

resource "aws_cloudwatch_metric_alarm" "dlq" {
  count = local.create_dlq_alarm ? 1 : 0

  alarm_name          = "${local.function_name}-dlq-messages"
  alarm_description   = "${local.function_name}: events failed every retry and wait in the dead-letter queue."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = module.dlq[0].names["dlq"] }
  statistic           = "Maximum"
  period              = var.alarm_period_seconds
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = merge(local.tags, { Name = "${local.function_name}-dlq-messages" })
}
