# ---------------------------------------------------------------------------------------------
# Budgets
# ---------------------------------------------------------------------------------------------

variable "monthly_budget_amount" {
  type        = number
  description = "Monthly cost budget for the whole account, in budget_currency."

  validation {
    condition     = var.monthly_budget_amount > 0
    error_message = "monthly_budget_amount must be greater than 0 (e.g. 1000)."
  }
}

variable "budget_currency" {
  type        = string
  default     = "USD"
  description = "Currency of the budget amounts (the account's billing currency)."

  validation {
    condition     = can(regex("^[A-Z]{3}$", var.budget_currency))
    error_message = "budget_currency must be a 3-letter ISO currency code such as USD."
  }
}

variable "service_budgets" {
  type        = map(number)
  default     = {}
  description = "Monthly cost budget per AWS service, keyed by the Cost Explorer service name (e.g. \"Amazon Elastic Compute Cloud - Compute\" = 500)."

  validation {
    condition     = alltrue([for v in values(var.service_budgets) : v > 0])
    error_message = "Every service_budgets amount must be greater than 0."
  }

  validation {
    condition     = alltrue([for k in keys(var.service_budgets) : length(k) > 0 && length(k) <= 100])
    error_message = "service_budgets keys must be Cost Explorer service names such as \"Amazon Relational Database Service\"."
  }
}

variable "budget_notifications" {
  type = list(object({
    threshold         = number
    notification_type = string
    threshold_type    = optional(string, "PERCENTAGE")
  }))
  default = [
    { threshold = 80, notification_type = "ACTUAL" },
    { threshold = 100, notification_type = "ACTUAL" },
    { threshold = 100, notification_type = "FORECASTED" },
  ]
  description = "Notifications of every budget: a threshold (percent of the budget unless threshold_type = ABSOLUTE_VALUE) on ACTUAL or FORECASTED spend."

  validation {
    condition     = length(var.budget_notifications) > 0 && length(var.budget_notifications) <= 5
    error_message = "budget_notifications must have 1 to 5 entries (AWS allows 5 notifications per budget)."
  }

  validation {
    condition     = alltrue([for n in var.budget_notifications : contains(["ACTUAL", "FORECASTED"], n.notification_type)])
    error_message = "notification_type must be ACTUAL or FORECASTED."
  }

  validation {
    condition     = alltrue([for n in var.budget_notifications : contains(["PERCENTAGE", "ABSOLUTE_VALUE"], n.threshold_type) && n.threshold > 0 && (n.threshold_type != "PERCENTAGE" || n.threshold <= 1000)])
    error_message = "Each threshold must be > 0 with threshold_type PERCENTAGE (at most 1000) or ABSOLUTE_VALUE."
  }

  validation {
    condition     = length(distinct([for n in var.budget_notifications : "${n.notification_type}/${n.threshold_type}/${n.threshold}"])) == length(var.budget_notifications)
    error_message = "budget_notifications must not repeat the same threshold and notification_type."
  }
}

variable "notification_emails" {
  type        = list(string)
  default     = []
  description = "Email addresses notified directly by the budgets (at most 10) and by daily/weekly anomaly summaries."

  validation {
    condition     = length(var.notification_emails) <= 10 && alltrue([for e in var.notification_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "notification_emails must be at most 10 valid email addresses (the AWS Budgets limit per notification)."
  }
}

# ---------------------------------------------------------------------------------------------
# SNS topic
# ---------------------------------------------------------------------------------------------

variable "sns_topic_subscription_emails" {
  type        = list(string)
  default     = []
  description = "Email addresses subscribed to the cost alerts SNS topic (they receive budget and immediate anomaly alerts)."

  validation {
    condition     = alltrue([for e in var.sns_topic_subscription_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "sns_topic_subscription_emails must be valid email addresses."
  }
}

variable "kms_key_deletion_window_in_days" {
  type        = number
  default     = 30
  description = "Days KMS waits before deleting the component's keys once deletion is scheduled (7-30)."
}

# ---------------------------------------------------------------------------------------------
# Cost Anomaly Detection
# ---------------------------------------------------------------------------------------------

variable "enable_anomaly_detection" {
  type        = bool
  default     = true
  description = "Create a Cost Anomaly Detection monitor (per AWS service) and an alert subscription."
}

variable "anomaly_subscription_frequency" {
  type        = string
  default     = "IMMEDIATE"
  description = "How anomaly alerts are sent: IMMEDIATE (to the SNS topic) or DAILY / WEEKLY summaries (to notification_emails)."

  validation {
    condition     = contains(["IMMEDIATE", "DAILY", "WEEKLY"], var.anomaly_subscription_frequency)
    error_message = "anomaly_subscription_frequency must be IMMEDIATE, DAILY or WEEKLY."
  }

  validation {
    condition     = var.anomaly_subscription_frequency == "IMMEDIATE" || length(var.notification_emails) > 0
    error_message = "DAILY and WEEKLY anomaly summaries are sent by email only: set notification_emails or use anomaly_subscription_frequency = IMMEDIATE."
  }
}

variable "anomaly_threshold_amount" {
  type        = number
  default     = 100
  description = "Alert when an anomaly's total impact is at least this amount (absolute, in USD)."

  validation {
    condition     = var.anomaly_threshold_amount > 0
    error_message = "anomaly_threshold_amount must be greater than 0."
  }
}

variable "anomaly_threshold_percentage" {
  type        = number
  default     = null
  description = "Optionally also alert when the impact is at least this percentage of expected spend (either condition is enough)."

  validation {
    condition     = var.anomaly_threshold_percentage == null || try(var.anomaly_threshold_percentage > 0, false)
    error_message = "anomaly_threshold_percentage must be greater than 0, or null."
  }
}
