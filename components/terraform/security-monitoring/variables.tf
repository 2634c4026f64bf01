# ---------------------------------------------------------------------------------------------
# Switches
# ---------------------------------------------------------------------------------------------

variable "enable_guardduty" {
  type        = bool
  default     = true
  description = "Enable the GuardDuty detector and its protection features. Required in prod."

  validation {
    condition     = var.enable_guardduty || var.environment != "prod"
    error_message = "GuardDuty is required in prod: set enable_guardduty = true."
  }
}

variable "enable_securityhub" {
  type        = bool
  default     = true
  description = "Enable Security Hub with the AWS Foundational Security Best Practices and CIS standards."
}

variable "enable_config" {
  type        = bool
  default     = true
  description = "Enable the AWS Config recorder, its delivery channel and the managed rules. Required in prod."

  validation {
    condition     = var.enable_config || var.environment != "prod"
    error_message = "AWS Config is required in prod: set enable_config = true."
  }
}

variable "enable_cloudtrail" {
  type        = bool
  default     = true
  description = "Create a multi-region CloudTrail trail (set false when an organisation trail already covers the account)."
}

variable "enable_findings_notifications" {
  type        = bool
  default     = true
  description = "Route high-severity GuardDuty and Security Hub findings (and the composite alarm) to an encrypted SNS topic."
}

# ---------------------------------------------------------------------------------------------
# GuardDuty
# ---------------------------------------------------------------------------------------------

variable "guardduty_features" {
  type = object({
    s3_data_events         = optional(bool, true)
    eks_audit_logs         = optional(bool, true)
    ebs_malware_protection = optional(bool, true)
    rds_login_events       = optional(bool, true)
    lambda_network_logs    = optional(bool, true)
    runtime_monitoring     = optional(bool, false)
  })
  default     = {}
  description = "GuardDuty protection features. Runtime monitoring (EKS, ECS Fargate and EC2 agents managed by GuardDuty) is off by default: it is billed per vCPU."
}

variable "guardduty_finding_publishing_frequency" {
  type        = string
  default     = "FIFTEEN_MINUTES"
  description = "How often GuardDuty publishes updated findings to EventBridge."

  validation {
    condition     = contains(["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"], var.guardduty_finding_publishing_frequency)
    error_message = "guardduty_finding_publishing_frequency must be FIFTEEN_MINUTES, ONE_HOUR or SIX_HOURS."
  }
}

# ---------------------------------------------------------------------------------------------
# Security Hub
# ---------------------------------------------------------------------------------------------

variable "securityhub_cis_version" {
  type        = string
  default     = "3.0.0"
  description = "Version of the CIS AWS Foundations Benchmark standard to subscribe to."

  validation {
    condition     = contains(["1.2.0", "1.4.0", "3.0.0"], var.securityhub_cis_version)
    error_message = "securityhub_cis_version must be 1.2.0, 1.4.0 or 3.0.0."
  }
}

# ---------------------------------------------------------------------------------------------
# AWS Config
# ---------------------------------------------------------------------------------------------

variable "config_include_global_resource_types" {
  type        = bool
  default     = true
  description = "Record global resources (IAM) in this region; set true in exactly one region per account."
}

variable "config_disabled_rules" {
  type        = list(string)
  default     = []
  description = "Baseline Config rules to leave out: encrypted-volumes, rds-storage-encrypted, rds-multi-az-support, ec2-imdsv2-check, vpc-flow-logs-enabled, restricted-ssh, cloudtrail-enabled."

  validation {
    condition     = alltrue([for r in var.config_disabled_rules : contains(["encrypted-volumes", "rds-storage-encrypted", "rds-multi-az-support", "ec2-imdsv2-check", "vpc-flow-logs-enabled", "restricted-ssh", "cloudtrail-enabled"], r)])
    error_message = "config_disabled_rules may list only baseline rules: encrypted-volumes, rds-storage-encrypted, rds-multi-az-support, ec2-imdsv2-check, vpc-flow-logs-enabled, restricted-ssh, cloudtrail-enabled."
  }

  validation {
    condition     = var.environment != "prod" || length(var.config_disabled_rules) == 0
    error_message = "Prod keeps every baseline Config rule: empty config_disabled_rules."
  }
}

variable "config_additional_rules" {
  type = map(object({
    source_identifier = string
    input_parameters  = optional(map(string), {})
  }))
  default     = {}
  description = "More AWS managed Config rules by name, e.g. { s3-public-read = { source_identifier = \"S3_BUCKET_PUBLIC_READ_PROHIBITED\" } }."

  validation {
    condition     = alltrue([for k, r in var.config_additional_rules : can(regex("^[a-z0-9-]{1,64}$", k)) && can(regex("^[A-Z0-9_]+$", r.source_identifier))])
    error_message = "config_additional_rules keys must be 1-64 lower-case letters, digits or hyphens and source_identifier an AWS managed rule identifier such as S3_BUCKET_PUBLIC_READ_PROHIBITED."
  }
}

variable "config_snapshot_frequency" {
  type        = string
  default     = "TwentyFour_Hours"
  description = "How often Config delivers a configuration snapshot to the bucket."

  validation {
    condition     = contains(["One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours"], var.config_snapshot_frequency)
    error_message = "config_snapshot_frequency must be One_Hour, Three_Hours, Six_Hours, Twelve_Hours or TwentyFour_Hours."
  }
}

# ---------------------------------------------------------------------------------------------
# Logs: bucket, CloudTrail, CloudWatch Logs
# ---------------------------------------------------------------------------------------------

variable "logs_retention_days" {
  type        = number
  default     = 365
  description = "Days the security logs bucket keeps CloudTrail and Config objects."

  validation {
    condition     = var.logs_retention_days >= 90
    error_message = "logs_retention_days must be at least 90."
  }

  validation {
    condition     = var.environment != "prod" || var.logs_retention_days >= 365
    error_message = "Prod keeps security logs at least a year: set logs_retention_days = 365 or more."
  }
}

variable "logs_glacier_transition_days" {
  type        = number
  default     = 90
  description = "Days after which log objects move to Glacier Flexible Retrieval: below logs_retention_days (the s3-bucket module refuses a transition after expiry)."

  validation {
    condition     = var.logs_glacier_transition_days >= 30
    error_message = "logs_glacier_transition_days must be at least 30."
  }
}

variable "logs_bucket_force_destroy" {
  type        = bool
  default     = false
  description = "Allow destroying the security logs bucket while it holds objects (dev only)."

  validation {
    condition     = !(var.logs_bucket_force_destroy && var.environment == "prod")
    error_message = "Prod security logs must survive a destroy: set logs_bucket_force_destroy = false."
  }
}

variable "cloudtrail_log_group_retention_days" {
  type        = number
  default     = 365
  description = "Retention of the CloudTrail CloudWatch Logs group, in days: one of the values CloudWatch Logs accepts (the log-group module checks it)."
}

variable "kms_key_deletion_window_in_days" {
  type        = number
  default     = 30
  description = "Days KMS waits before deleting the component's keys once deletion is scheduled (7-30)."
}

# ---------------------------------------------------------------------------------------------
# Findings routing and composite alarm
# ---------------------------------------------------------------------------------------------

variable "guardduty_min_severity" {
  type        = number
  default     = 7
  description = "GuardDuty findings at or above this severity are sent to the topic (7-8.9 is High)."

  validation {
    condition     = var.guardduty_min_severity >= 1 && var.guardduty_min_severity <= 8.9
    error_message = "guardduty_min_severity must be between 1 and 8.9 (7 = High)."
  }
}

variable "securityhub_severity_labels" {
  type        = list(string)
  default     = ["CRITICAL", "HIGH"]
  description = "Security Hub finding severity labels sent to the topic."

  validation {
    condition     = length(var.securityhub_severity_labels) > 0 && alltrue([for l in var.securityhub_severity_labels : contains(["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL"], l)])
    error_message = "securityhub_severity_labels must list CRITICAL, HIGH, MEDIUM, LOW or INFORMATIONAL."
  }
}

variable "notification_emails" {
  type        = list(string)
  default     = []
  description = "Email addresses subscribed to the findings topic."

  validation {
    condition     = alltrue([for e in var.notification_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "notification_emails must be valid email addresses."
  }
}

variable "composite_alarm_names" {
  type        = list(string)
  default     = []
  description = "Names of the other components' security alarms (e.g. the vpc flow-logs SSH alarm) combined into one composite alarm: ALARM(\"a\") OR ALARM(\"b\")... Empty: no composite alarm."

  validation {
    condition     = length(var.composite_alarm_names) <= 100 && alltrue([for n in var.composite_alarm_names : length(n) >= 1 && length(n) <= 255 && !strcontains(n, "\"")])
    error_message = "composite_alarm_names must hold at most 100 alarm names of 1-255 characters without double quotes."
  }
}

# ---------------------------------------------------------------------------------------------
# Emulator switches: leave on in AWS; the integration tier turns off what its emulator lacks
# ---------------------------------------------------------------------------------------------

variable "create_guardduty_features" {
  type        = bool
  default     = true
  description = "Manage each GuardDuty protection feature explicitly (guardduty_features). Leave true in AWS; false only for targets that do not return detector features (e.g. moto), where the detector keeps the service defaults."
}
