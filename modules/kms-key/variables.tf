variable "alias" {
  type        = string
  description = "Alias of the key without the alias/ prefix, e.g. core-dev-flow-logs (alias/core-dev-flow-logs)."

  validation {
    condition     = can(regex("^[a-zA-Z0-9/_-]{1,250}$", var.alias)) && !startswith(var.alias, "aws/") && !startswith(var.alias, "alias/")
    error_message = "alias must be 1-250 letters, digits, /, _ or -, given without the alias/ prefix (the module adds it), and must not start with aws/ (reserved for AWS managed keys)."
  }
}

variable "description" {
  type        = string
  description = "What the key encrypts, shown in the KMS console."
}

variable "deletion_window_in_days" {
  type        = number
  default     = 30
  description = "Days KMS waits before deleting the key once deletion is scheduled (7-30). Components pass their kms_key_deletion_window_in_days."

  validation {
    condition     = var.deletion_window_in_days >= 7 && var.deletion_window_in_days <= 30
    error_message = "kms_key_deletion_window_in_days must be between 7 and 30 (the waiting period AWS KMS allows before a key is deleted)."
  }
}

variable "log_group_names" {
  type        = list(string)
  default     = []
  description = "CloudWatch Logs groups (names, * allowed) that may encrypt with the key: adds the statement CloudWatchLogsUse for logs.<region>.amazonaws.com, scoped by the kms:EncryptionContext:aws:logs:arn of these groups in this account and region."
}

variable "publishing_services" {
  type        = list(string)
  default     = []
  description = "AWS services (e.g. cloudwatch.amazonaws.com, events.amazonaws.com) that publish to SNS topics or queues encrypted with the key: adds the statement ServicesPublishToEncryptedTopics (kms:GenerateDataKey*, kms:Decrypt) for this account only (aws:SourceAccount)."

  validation {
    condition     = alltrue([for s in var.publishing_services : endswith(s, ".amazonaws.com")])
    error_message = "publishing_services must be AWS service principals such as cloudwatch.amazonaws.com."
  }
}

variable "service_statements" {
  type = list(object({
    sid     = string
    actions = list(string)
    principals = list(object({
      type        = string
      identifiers = list(string)
    }))
    conditions = optional(list(object({
      test     = string
      variable = string
      values   = list(string)
    })), [])
  }))
  default     = []
  description = "Further statements, added after the account root statement and the log_group_names / publishing_services ones, each granting key use to a principal (a service such as logs.<region>.amazonaws.com) under conditions that scope it to this account and its resources. Resource is always this key (\"*\" in a key policy)."

  validation {
    condition     = length(distinct([for s in var.service_statements : s.sid])) == length(var.service_statements)
    error_message = "service_statements: every statement needs its own sid (a repeated sid would silently replace the earlier statement)."
  }

  validation {
    condition     = alltrue([for s in var.service_statements : !contains(s.actions, "kms:*")])
    error_message = "service_statements must name the KMS actions they need: kms:* is reserved for the account root statement."
  }
}

variable "tags" {
  type        = map(string)
  default     = {}
  description = "Tags of the key (the provider's default tags are added)."
}
