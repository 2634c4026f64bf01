variable "container_insights" {
  type        = string
  default     = "enabled"
  description = "CloudWatch Container Insights for the cluster: enabled, enhanced (task- and container-level metrics, higher cost) or disabled."

  validation {
    condition     = contains(["enabled", "enhanced", "disabled"], var.container_insights)
    error_message = "container_insights must be enabled, enhanced or disabled."
  }

  validation {
    condition     = var.environment != "prod" || var.container_insights != "disabled"
    error_message = "Container Insights must stay on in prod: set container_insights = \"enabled\" or \"enhanced\"."
  }
}

variable "enable_exec_logging" {
  type        = bool
  default     = true
  description = "Log ECS Exec sessions (commands and output) to a KMS-encrypted CloudWatch log group. Sessions are always encrypted with the cluster's KMS key."
}

variable "exec_log_retention_days" {
  type        = number
  default     = 365
  description = "Retention in days of the ECS Exec session log group."
}

variable "kms_key_deletion_window_in_days" {
  type        = number
  default     = 30
  description = "Days KMS waits before deleting the component's keys once deletion is scheduled (7-30)."
}

variable "default_capacity_provider_strategy" {
  type = list(object({
    capacity_provider = string
    weight            = number
    base              = optional(number, 0)
  }))
  default = [
    { capacity_provider = "FARGATE", weight = 1, base = 1 },
    { capacity_provider = "FARGATE_SPOT", weight = 3 },
  ]
  description = "Default capacity provider strategy of services that do not set their own: base tasks run first on that provider, the rest are spread by weight. Default: one task on FARGATE, then 1:3 FARGATE:FARGATE_SPOT."

  validation {
    condition = length(var.default_capacity_provider_strategy) > 0 && alltrue([
      for item in var.default_capacity_provider_strategy : contains(["FARGATE", "FARGATE_SPOT"], item.capacity_provider)
    ])
    error_message = "default_capacity_provider_strategy must list FARGATE and/or FARGATE_SPOT only."
  }

  validation {
    condition = alltrue([
      for item in var.default_capacity_provider_strategy :
      item.weight >= 0 && item.weight <= 1000 && item.base >= 0 && item.base <= 100000
    ]) && sum([for item in var.default_capacity_provider_strategy : item.weight]) > 0 && length([for item in var.default_capacity_provider_strategy : item if item.base > 0]) <= 1
    error_message = "default_capacity_provider_strategy needs weights 0-1000 with at least one above 0, and a base above 0 on at most one provider."
  }

  validation {
    condition = var.environment != "prod" || anytrue([
      for item in var.default_capacity_provider_strategy : item.capacity_provider == "FARGATE" && (item.base > 0 || item.weight > 0)
    ])
    error_message = "Prod services must not run on Spot alone (Spot tasks can all be reclaimed at once): give FARGATE a base or weight in default_capacity_provider_strategy."
  }
}

variable "create_exec_policy" {
  type        = bool
  default     = true
  description = "Create an IAM policy that task roles attach to allow ECS Exec (SSM channels, the cluster KMS key, the exec log group)."
}

variable "cluster_tags" {
  type        = map(string)
  default     = {}
  description = "Extra tags for the cluster."
}
