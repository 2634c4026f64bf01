variable "secrets" {
  type = map(object({
    description                  = optional(string, "")
    recovery_window_in_days      = optional(number, 30)
    manage_value                 = optional(bool, false)
    value_version                = optional(number, 1)
    rotation_lambda_arn          = optional(string)
    rotation_days                = optional(number)
    rotation_schedule_expression = optional(string)
    replicas = optional(list(object({
      region     = string
      kms_key_id = string
    })), [])
    read_principal_arns = optional(list(string), [])
    tags                = optional(map(string), {})
  }))
  default     = {}
  description = <<-EOT
    Secrets by key; each is named <name>-<environment>/<key>. manage_value = true writes the value from
    secret_values (write-only: never in plan or state; bump value_version to write a new one); otherwise
    the value is set outside Terraform (console, CLI, rotation). rotation_lambda_arn with rotation_days
    or rotation_schedule_expression turns on rotation; replicas copy the secret to other regions
    (kms_key_id: a key in that region); read_principal_arns may read it (in the account or organisation).
  EOT

  validation {
    condition     = alltrue([for k in keys(var.secrets) : can(regex("^[A-Za-z0-9/_+=.@-]{1,200}$", k))])
    error_message = "secrets keys must be 1-200 letters, digits or /_+=.@- (they become part of the secret name)."
  }

  validation {
    condition     = alltrue([for s in var.secrets : s.recovery_window_in_days == 0 || (s.recovery_window_in_days >= 7 && s.recovery_window_in_days <= 30)])
    error_message = "recovery_window_in_days must be 0 (delete immediately) or between 7 and 30."
  }

  validation {
    condition     = var.environment != "prod" || alltrue([for s in var.secrets : s.recovery_window_in_days >= 7])
    error_message = "Prod secrets must be recoverable after deletion: set recovery_window_in_days to 7-30."
  }

  validation {
    condition     = alltrue([for s in var.secrets : s.rotation_lambda_arn == null || can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$", coalesce(s.rotation_lambda_arn, "x")))])
    error_message = "rotation_lambda_arn must be a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>)."
  }

  validation {
    condition     = alltrue([for s in var.secrets : s.rotation_lambda_arn == null || ((s.rotation_days == null) != (s.rotation_schedule_expression == null))])
    error_message = "A rotated secret needs exactly one of rotation_days or rotation_schedule_expression."
  }

  validation {
    condition     = alltrue([for s in var.secrets : s.rotation_lambda_arn != null || (s.rotation_days == null && s.rotation_schedule_expression == null)])
    error_message = "rotation_days / rotation_schedule_expression need a rotation_lambda_arn: set it or remove the schedule."
  }

  validation {
    condition     = alltrue([for s in var.secrets : s.rotation_days == null || try(s.rotation_days >= 1 && s.rotation_days <= 1000, false)])
    error_message = "rotation_days must be between 1 and 1000."
  }

  validation {
    condition     = alltrue([for s in var.secrets : s.rotation_schedule_expression == null || can(regex("^(cron|rate)\\(.+\\)$", coalesce(s.rotation_schedule_expression, "x")))])
    error_message = "rotation_schedule_expression must be a cron(...) or rate(...) expression, e.g. rate(30 days)."
  }

  validation {
    condition     = alltrue(flatten([for s in var.secrets : [for r in s.replicas : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", r.region)) && length(r.kms_key_id) > 0]]))
    error_message = "Each replica needs a region name (e.g. us-west-2) and a kms_key_id (a customer-managed key in that region)."
  }

  validation {
    condition     = alltrue(flatten([for s in var.secrets : [for a in s.read_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(root|role/.+|user/.+)$", a))]]))
    error_message = "read_principal_arns must be IAM role, user or account root ARNs, never \"*\"."
  }
}

variable "secret_values" {
  type        = map(string)
  default     = {}
  sensitive   = true
  ephemeral   = true
  description = "Values of the secrets with manage_value = true, by secret key. Ephemeral and written write-only: never stored in the plan or the state. Pass them at plan and apply time (e.g. TF_VAR_secret_values)."

  validation {
    condition     = alltrue([for key, secret in var.secrets : !secret.manage_value || contains(keys(var.secret_values), key)])
    error_message = "Every secret with manage_value = true needs its value in secret_values (e.g. TF_VAR_secret_values); set the value or set manage_value = false."
  }
}

variable "organization_id" {
  type        = string
  default     = null
  description = "AWS Organizations ID (o-...). When set, principals of the organisation may be granted access; principals outside both the account and the organisation are always denied."

  validation {
    condition     = var.organization_id == null || can(regex("^o-[a-z0-9]{10,32}$", coalesce(var.organization_id, "x")))
    error_message = "organization_id must look like o-abc123defg (10-32 lower-case letters or digits after o-)."
  }
}

variable "allowed_account_ids" {
  type        = list(string)
  default     = []
  description = "Other AWS account IDs whose principals are not denied by the resource policies (besides this account)."

  validation {
    condition     = alltrue([for a in var.allowed_account_ids : can(regex("^[0-9]{12}$", a))])
    error_message = "allowed_account_ids must be 12-digit AWS account IDs."
  }
}

variable "rotation_grant_lambda_permission" {
  type        = bool
  default     = true
  description = "Add a Lambda permission letting Secrets Manager invoke each secret's rotation function (for that secret only)."
}

variable "kms_key_deletion_window_in_days" {
  type        = number
  default     = 30
  description = "Days KMS waits before deleting the component's keys once deletion is scheduled (7-30)."
}
