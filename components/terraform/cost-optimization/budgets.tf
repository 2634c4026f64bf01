# Monthly cost budgets: the whole account, and one per service.

locals {
  budgets = merge(
    {
      total = { name = "${local.name_prefix}-monthly-total", amount = var.monthly_budget_amount, service = null }
    },
    {
      for service, amount in var.service_budgets : "service-${service}" => {
        name    = "${local.name_prefix}-${substr(replace(lower(service), "/[^a-z0-9]+/", "-"), 0, 60)}"
        amount  = amount
        service = service
      }
    },
  )
}

resource "aws_budgets_budget" "this" {
  for_each = local.budgets

  name         = each.value.name
  budget_type  = "COST"
  limit_amount = format("%.2f", each.value.amount)
  limit_unit   = var.budget_currency
  time_unit    = "MONTHLY"

  dynamic "cost_filter" {
    for_each = each.value.service != null ? [each.value.service] : []
    content {
      name   = "Service"
      values = [cost_filter.value]
    }
  }

  dynamic "notification" {
    for_each = var.budget_notifications
    content {
      comparison_operator        = "GREATER_THAN"
      threshold                  = notification.value.threshold
      threshold_type             = notification.value.threshold_type
      notification_type          = notification.value.notification_type
      subscriber_email_addresses = var.notification_emails
      subscriber_sns_topic_arns  = [module.alerts_topic.arn]
    }
  }

  tags = merge(local.tags, { Name = each.value.name })

  # The topic policy must exist before Budgets validates it can publish.
  depends_on = [module.alerts_topic]
}
