# ---------------------------------------------------------------------------------------------
# Function
# ---------------------------------------------------------------------------------------------

variable "function_name" {
  type        = string
  default     = null
  description = "Function name; null uses \"<name>-<environment>\"."

  validation {
    condition     = var.function_name == null || can(regex("^[A-Za-z0-9_-]{1,64}$", coalesce(var.function_name, "-")))
    error_message = "function_name must be 1-64 letters, digits, '-' or '_', or null."
  }
}

variable "description" {
  type        = string
  default     = "Managed by the lambda component."
  description = "Description of the function."
}

variable "package_path" {
  type        = string
  default     = "build/function.zip"
  description = "Zip package of the function: absolute, or relative to the component root. The default is what lambda/build.py writes from lambda/src/."

  validation {
    condition     = endswith(var.package_path, ".zip")
    error_message = "package_path must point to a .zip archive (build it with lambda/build.py)."
  }
}

variable "handler" {
  type        = string
  default     = "handler.handler"
  description = "Function entry point (module.function for Python)."
}

variable "runtime" {
  type        = string
  default     = "python3.12"
  description = "Lambda runtime identifier."

  validation {
    condition     = !contains(["python2.7", "python3.6", "python3.7", "python3.8", "nodejs12.x", "nodejs14.x", "nodejs16.x", "go1.x", "ruby2.7", "java8", "dotnet6", "provided"], var.runtime)
    error_message = "runtime is deprecated and no longer patched by AWS: use a supported runtime such as python3.12 or nodejs20.x."
  }
}

variable "architectures" {
  type        = list(string)
  default     = ["arm64"]
  description = "Instruction set of the function: [\"arm64\"] or [\"x86_64\"]."

  validation {
    condition     = length(var.architectures) == 1 && contains(["arm64", "x86_64"], var.architectures[0])
    error_message = "architectures must be [\"arm64\"] or [\"x86_64\"]."
  }
}

variable "memory_size" {
  type        = number
  default     = 128
  description = "Memory in MB (128-10240)."

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240
    error_message = "memory_size must be between 128 and 10240 MB."
  }
}

variable "timeout" {
  type        = number
  default     = 30
  description = "Timeout in seconds (1-900)."

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 900
    error_message = "timeout must be between 1 and 900 seconds."
  }
}

variable "reserved_concurrent_executions" {
  type        = number
  default     = 10
  description = "Concurrency reserved for the function (and its ceiling). -1 removes the reservation; 0 is refused because it throttles every invocation."

  validation {
    condition     = var.reserved_concurrent_executions == -1 || var.reserved_concurrent_executions >= 1
    error_message = "reserved_concurrent_executions must be -1 (unreserved) or at least 1: 0 would throttle every invocation."
  }
}

variable "environment_variables" {
  type        = map(string)
  default     = {}
  nullable    = false
  description = "Environment variables of the function, encrypted at rest with the component's KMS key. Never put secrets here: read them from Secrets Manager."
}

variable "enable_tracing" {
  type        = bool
  default     = true
  description = "X-Ray active tracing (mode Active); false uses PassThrough."
}

variable "vpc_config" {
  type = object({
    subnet_ids         = list(string)
    security_group_ids = list(string)
  })
  default     = null
  description = "Run the function in these private subnets with these security groups; null runs it outside a VPC."

  validation {
    condition     = var.vpc_config == null || (length(try(var.vpc_config.subnet_ids, [])) > 0 && length(try(var.vpc_config.security_group_ids, [])) > 0)
    error_message = "vpc_config needs at least one subnet_id and one security_group_id, or set vpc_config = null."
  }
}

variable "execution_role_policy_json" {
  type        = string
  default     = null
  description = "Optional extra IAM policy (JSON) for what the function's own code calls; keep it least-privilege."
}

variable "execution_role_permissions_boundary_arn" {
  type        = string
  default     = null
  description = "Optional permissions boundary of the execution role."
}

# ---------------------------------------------------------------------------------------------
# KMS
# ---------------------------------------------------------------------------------------------

variable "kms_key_deletion_window_in_days" {
  type        = number
  default     = 30
  description = "Days KMS waits before deleting the component's keys once deletion is scheduled (7-30)."
}

# ---------------------------------------------------------------------------------------------
# Logs
# ---------------------------------------------------------------------------------------------

variable "log_retention_days" {
  type        = number
  default     = 30
  description = "Retention of the function's log group, in days (a CloudWatch Logs value); at least 90 in prod."

  validation {
    condition     = var.environment != "prod" || var.log_retention_days >= 90
    error_message = "Prod function logs must be kept at least 90 days: set log_retention_days = 90 or more."
  }
}

variable "log_format" {
  type        = string
  default     = "JSON"
  description = "Log format of the function: JSON (structured, queryable) or Text."

  validation {
    condition     = contains(["JSON", "Text"], var.log_format)
    error_message = "log_format must be JSON or Text."
  }
}

# ---------------------------------------------------------------------------------------------
# Dead-letter queue
# ---------------------------------------------------------------------------------------------

variable "enable_dlq" {
  type        = bool
  default     = true
  description = "Send events that fail every asynchronous retry to an SQS dead-letter queue (KMS-encrypted). Required in prod."

  validation {
    condition     = var.environment != "prod" || var.enable_dlq
    error_message = "Failed asynchronous events must not be dropped in prod: set enable_dlq = true."
  }
}

variable "dlq_message_retention_seconds" {
  type        = number
  default     = 1209600
  description = "How long the dead-letter queue keeps a message (60-1209600 seconds; default 14 days, the SQS maximum; modules/sqs-queue checks the range)."
}

# ---------------------------------------------------------------------------------------------
# Alarms
# ---------------------------------------------------------------------------------------------

variable "enable_alarms" {
  type        = bool
  default     = true
  description = "Create CloudWatch alarms on errors and throttles (and on the dead-letter queue's depth)."
}

variable "alarm_actions" {
  type        = list(string)
  default     = []
  description = "ARNs notified when an alarm fires or recovers (SNS topics)."
}

variable "alarm_period_seconds" {
  type        = number
  default     = 300
  description = "Period of the alarms' metrics, in seconds (a multiple of 60)."

  validation {
    condition     = var.alarm_period_seconds >= 60 && var.alarm_period_seconds % 60 == 0
    error_message = "alarm_period_seconds must be a multiple of 60 (60, 300, ...)."
  }
}

variable "alarm_errors_threshold" {
  type        = number
  default     = 1
  description = "Alarm when the function's Errors sum in a period reaches this."

  validation {
    condition     = var.alarm_errors_threshold >= 1
    error_message = "alarm_errors_threshold must be at least 1."
  }
}

variable "alarm_throttles_threshold" {
  type        = number
  default     = 1
  description = "Alarm when the function's Throttles sum in a period reaches this."

  validation {
    condition     = var.alarm_throttles_threshold >= 1
    error_message = "alarm_throttles_threshold must be at least 1."
  }
}

# ---------------------------------------------------------------------------------------------
# Code signing
# ---------------------------------------------------------------------------------------------

variable "enable_code_signing" {
  type        = bool
  default     = false
  description = "Create a code-signing configuration: only packages signed by code_signing_signing_profile_version_arns deploy."
}

variable "code_signing_signing_profile_version_arns" {
  type        = list(string)
  default     = []
  description = "AWS Signer signing-profile version ARNs trusted to sign the package (required with enable_code_signing)."
}

variable "code_signing_untrusted_artifact_action" {
  type        = string
  default     = "Enforce"
  description = "What happens when a package fails the signature check: Enforce (refuse) or Warn."

  validation {
    condition     = contains(["Enforce", "Warn"], var.code_signing_untrusted_artifact_action)
    error_message = "code_signing_untrusted_artifact_action must be Enforce or Warn."
  }
}

variable "function_tags" {
  type        = map(string)
  default     = {}
  description = "Extra tags for the function."
}
