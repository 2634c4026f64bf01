variable "name" {
  type        = string
  description = "Role name, e.g. core-dev-backup."

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.name))
    error_message = "name must be 1-64 letters, digits or +=,.@_- (IAM role names)."
  }
}

variable "description" {
  type        = string
  default     = null
  description = "What the role is for, or null."
}

variable "services" {
  type        = list(string)
  description = "Service principals that may assume the role, e.g. [\"backup.amazonaws.com\"]."

  validation {
    condition     = length(var.services) > 0 && alltrue([for s in var.services : can(regex("^[a-z0-9][a-z0-9.-]*\\.amazonaws\\.com(\\.cn)?$", s))])
    error_message = "services: name at least one AWS service principal such as backup.amazonaws.com (no wildcards, no account or role ARNs: those are not services)."
  }
}

variable "source_account" {
  type        = string
  default     = null
  description = "Account ID the service must act for (aws:SourceAccount, the confused-deputy protection). Null only where the service does not send the key when it assumes the role, as for EC2 instance roles."

  validation {
    condition     = var.source_account == null || can(regex("^[0-9]{12}$", coalesce(var.source_account, "-")))
    error_message = "source_account must be a 12-digit AWS account ID, or null."
  }
}

variable "source_arns" {
  type        = list(string)
  default     = []
  description = "ARN patterns of the resources the service must act for (aws:SourceArn, ArnLike), e.g. arn:aws:ec2:us-east-1:123456789012:vpc-flow-log/*."

  validation {
    condition     = alltrue([for a in var.source_arns : can(regex("^arn:aws[a-z-]*:[a-z0-9-]+:", a))])
    error_message = "source_arns must be ARNs or ARN patterns (arn:aws:<service>:...)."
  }
}

variable "inline_policies" {
  type        = map(string)
  default     = {}
  description = "Inline policies of the role: name (known at plan time) -> JSON policy document. Scope every statement to the resources the service works on."
}

variable "inline_policy_names" {
  type        = map(string)
  default     = {}
  description = "Policy names that differ from their inline_policies key: key -> name. For a name built from the stack (rotate-<name>-<environment>): the key, and so the resource address, stays the same in every stack."

  validation {
    condition     = alltrue([for k, n in var.inline_policy_names : contains(keys(var.inline_policies), k) && can(regex("^[A-Za-z0-9+=,.@_-]{1,128}$", n))])
    error_message = "inline_policy_names: every key must be a key of inline_policies, and every name 1-128 letters, digits or +=,.@_- (IAM policy names)."
  }
}

variable "managed_policy_arns" {
  type        = map(string)
  default     = {}
  description = "Managed policies to attach: a key known at plan time -> policy ARN."
}

variable "create_instance_profile" {
  type        = bool
  default     = false
  description = "Also create an instance profile of the same name (for EC2 instances)."
}

variable "permissions_boundary_arn" {
  type        = string
  default     = null
  description = "Permissions boundary of the role, or null."
}

variable "max_session_duration" {
  type        = number
  default     = 3600
  description = "Longest session the role's credentials last, in seconds (3600-43200)."

  validation {
    condition     = var.max_session_duration >= 3600 && var.max_session_duration <= 43200
    error_message = "max_session_duration must be between 3600 and 43200 seconds (IAM's limits)."
  }
}

variable "tags" {
  type        = map(string)
  default     = {}
  description = "Tags of the role and instance profile (the provider's default tags are added)."
}
