# ---------------------------------------------------------------------------------------
# State bucket
# ---------------------------------------------------------------------------------------

variable "state_bucket_name" {
  type        = string
  default     = null
  description = "Name of the S3 state bucket. Null: \"<name>-<environment>-tfstate-<account id>\"."

  validation {
    condition     = var.state_bucket_name == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket_name))
    error_message = "state_bucket_name must be 3-63 lower-case letters, digits, dots or hyphens: set a valid S3 bucket name or null."
  }
}

variable "state_noncurrent_version_expiration_days" {
  type        = number
  default     = 90
  description = "Days a non-current (overwritten) state version is kept before it is deleted."

  validation {
    condition     = var.state_noncurrent_version_expiration_days >= 1
    error_message = "state_noncurrent_version_expiration_days must be at least 1."
  }

  validation {
    condition     = var.environment != "prod" || var.state_noncurrent_version_expiration_days >= 30
    error_message = "Production keeps old state versions at least 30 days: set state_noncurrent_version_expiration_days >= 30."
  }
}

variable "state_bucket_access_log_bucket" {
  type        = string
  default     = null
  description = "Existing bucket that receives the state bucket's server access logs. Null: access logging off."
}

variable "state_bucket_tags" {
  type        = map(string)
  default     = {}
  description = "Extra tags for the state bucket."
}

# ---------------------------------------------------------------------------------------
# Lock table
# ---------------------------------------------------------------------------------------

variable "lock_table_name" {
  type        = string
  default     = null
  description = "Name of the DynamoDB lock table. Null: \"<name>-<environment>-tflock\"."
}

variable "lock_table_deletion_protection" {
  type        = bool
  default     = null
  description = "Deletion protection on the lock table. Null: on in prod, off elsewhere."

  validation {
    condition     = var.environment != "prod" || var.lock_table_deletion_protection != false
    error_message = "Deletion protection must be enabled for the production lock table: set lock_table_deletion_protection = true (or leave it null)."
  }
}

variable "lock_table_tags" {
  type        = map(string)
  default     = {}
  description = "Extra tags for the lock table."
}

# ---------------------------------------------------------------------------------------
# KMS
# ---------------------------------------------------------------------------------------

variable "kms_key_deletion_window_in_days" {
  type        = number
  default     = 30
  description = "Days KMS waits before deleting the component's keys once deletion is scheduled (7-30)."
}

# ---------------------------------------------------------------------------------------
# AWS Backup (seed section 4)
# ---------------------------------------------------------------------------------------

variable "enable_backup_vault" {
  type        = bool
  default     = true
  description = "Create the AWS Backup vault, plan and selection that back up the lock table."
}

variable "backup_retention_days_daily" {
  type        = number
  default     = 30
  description = "Days a recovery point of the daily rule is kept (every environment)."

  validation {
    condition     = var.backup_retention_days_daily >= 1 && var.backup_retention_days_daily <= 36500
    error_message = "backup_retention_days_daily must be between 1 and 36500 days (AWS Backup's 100-year limit)."
  }

  validation {
    condition = (
      var.backup_cold_storage_after_days == null ||
      !contains(var.backup_cold_storage_rules, "daily") ||
      var.backup_retention_days_daily >= coalesce(var.backup_cold_storage_after_days, 0) + 90
    )
    error_message = "The daily rule moves recovery points to cold storage after ${coalesce(var.backup_cold_storage_after_days, 0)} days, and AWS Backup keeps them there at least 90 days: set backup_retention_days_daily >= ${coalesce(var.backup_cold_storage_after_days, 0) + 90}, or remove \"daily\" from backup_cold_storage_rules."
  }
}

variable "backup_retention_days_weekly" {
  type        = number
  default     = 90
  description = "Days a recovery point of the weekly rule is kept (prod only)."

  validation {
    condition     = var.backup_retention_days_weekly >= 1 && var.backup_retention_days_weekly <= 36500
    error_message = "backup_retention_days_weekly must be between 1 and 36500 days (AWS Backup's 100-year limit)."
  }

  validation {
    condition = (
      var.environment != "prod" ||
      var.backup_cold_storage_after_days == null ||
      !contains(var.backup_cold_storage_rules, "weekly") ||
      var.backup_retention_days_weekly >= coalesce(var.backup_cold_storage_after_days, 0) + 90
    )
    error_message = "The weekly rule moves recovery points to cold storage after ${coalesce(var.backup_cold_storage_after_days, 0)} days, and AWS Backup keeps them there at least 90 days: set backup_retention_days_weekly >= ${coalesce(var.backup_cold_storage_after_days, 0) + 90}, or remove \"weekly\" from backup_cold_storage_rules."
  }
}

variable "backup_retention_days_monthly" {
  type        = number
  default     = 365
  description = "Days a recovery point of the monthly rule is kept (prod only)."

  validation {
    condition     = var.backup_retention_days_monthly >= 1 && var.backup_retention_days_monthly <= 36500
    error_message = "backup_retention_days_monthly must be between 1 and 36500 days (AWS Backup's 100-year limit)."
  }

  validation {
    condition = (
      var.environment != "prod" ||
      var.backup_cold_storage_after_days == null ||
      !contains(var.backup_cold_storage_rules, "monthly") ||
      var.backup_retention_days_monthly >= coalesce(var.backup_cold_storage_after_days, 0) + 90
    )
    error_message = "The monthly rule moves recovery points to cold storage after ${coalesce(var.backup_cold_storage_after_days, 0)} days, and AWS Backup keeps them there at least 90 days: set backup_retention_days_monthly >= ${coalesce(var.backup_cold_storage_after_days, 0) + 90}, or remove \"monthly\" from backup_cold_storage_rules."
  }
}

variable "backup_cold_storage_after_days" {
  type        = number
  default     = 7
  description = "Days after creation a recovery point of a rule listed in backup_cold_storage_rules moves to cold storage. Null: no cold storage at all."

  validation {
    condition     = var.backup_cold_storage_after_days == null || try(var.backup_cold_storage_after_days >= 1, false)
    error_message = "backup_cold_storage_after_days must be at least 1, or null to keep every recovery point in warm storage."
  }
}

variable "backup_cold_storage_rules" {
  type        = set(string)
  default     = ["monthly"]
  description = "Backup rules (daily, weekly, monthly) whose recovery points move to cold storage after backup_cold_storage_after_days. Each listed rule must keep its points at least 90 days past the transition."

  validation {
    condition     = length(setsubtract(var.backup_cold_storage_rules, ["daily", "weekly", "monthly"])) == 0
    error_message = "backup_cold_storage_rules may only contain \"daily\", \"weekly\" and \"monthly\"."
  }
}

variable "backup_dynamodb_advanced_features_enabled" {
  type        = bool
  default     = true
  description = "AWS Backup's advanced DynamoDB backup features are on in this account and region (the default for accounts whose first vault is from after November 2021). Without them DynamoDB recovery points never move to cold storage."
}

variable "backup_manage_region_settings" {
  type        = bool
  default     = false
  description = "Manage the region-wide AWS Backup settings (service opt-in and full AWS Backup management of DynamoDB, which turns on the advanced DynamoDB features). One component per account and region may do this."
}

variable "backup_region_opt_in_preference" {
  type = map(bool)
  default = {
    "Aurora"          = true
    "CloudFormation"  = true
    "DocumentDB"      = true
    "DynamoDB"        = true
    "EBS"             = true
    "EC2"             = true
    "EFS"             = true
    "FSx"             = true
    "Neptune"         = true
    "RDS"             = true
    "Redshift"        = true
    "S3"              = true
    "Storage Gateway" = true
    "VirtualMachine"  = true
  }
  description = "Service opt-in of the region when backup_manage_region_settings is true; the map replaces the region's whole list, so name every type the account backs up."

  validation {
    condition     = lookup(var.backup_region_opt_in_preference, "DynamoDB", false)
    error_message = "The lock table is a DynamoDB table: backup_region_opt_in_preference must contain \"DynamoDB\" = true."
  }
}

variable "backup_schedule_daily" {
  type        = string
  default     = "cron(0 5 ? * * *)"
  description = "Schedule (cron in UTC) of the daily rule."
}

variable "backup_schedule_weekly" {
  type        = string
  default     = "cron(0 5 ? * SUN *)"
  description = "Schedule (cron in UTC) of the weekly rule (prod only)."
}

variable "backup_schedule_monthly" {
  type        = string
  default     = "cron(0 5 1 * ? *)"
  description = "Schedule (cron in UTC) of the monthly rule (prod only)."
}

variable "backup_start_window_minutes" {
  type        = number
  default     = 60
  description = "Minutes after the scheduled time a backup job may start before it is cancelled."

  validation {
    condition     = var.backup_start_window_minutes >= 60
    error_message = "AWS Backup needs a start window of at least 60 minutes: set backup_start_window_minutes >= 60."
  }
}

variable "backup_completion_window_minutes" {
  type        = number
  default     = 180
  description = "Minutes after it starts a backup job must complete before AWS Backup cancels it."

  validation {
    condition     = var.backup_completion_window_minutes >= var.backup_start_window_minutes + 60
    error_message = "AWS Backup needs the completion window to end at least 60 minutes after the start window: set backup_completion_window_minutes >= backup_start_window_minutes + 60."
  }
}

variable "backup_selection_tag" {
  type = object({
    key   = string
    value = string
  })
  default     = null
  description = "Also back up every resource carrying this tag (key and value) with the same plan. Null: only the lock table."
}

variable "backup_vault_policy_exempt_principal_arns" {
  type        = list(string)
  default     = []
  description = "IAM principals (break-glass or the deploy role) exempt from the vault policy's deny of destructive actions. Empty: nobody may delete recovery points or change the vault policy."

  validation {
    condition     = alltrue([for arn in var.backup_vault_policy_exempt_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:", arn))])
    error_message = "backup_vault_policy_exempt_principal_arns must hold IAM ARNs (arn:aws:iam::<account>:role/...)."
  }
}

variable "enable_backup_vault_policy" {
  type        = bool
  default     = true
  description = "Attach the vault access policy that denies destructive actions. False only for emulators without vault access policies (README \"Emulator switches\")."
}

variable "enable_backup_selections" {
  type        = bool
  default     = true
  description = "Assign the lock table (and backup_selection_tag) to the backup plan. False only for emulators without backup selections (README \"Emulator switches\")."
}

variable "enable_backup_vault_notifications" {
  type        = bool
  default     = true
  description = "Send the vault's backup_vault_notification_events to the backup topic. False only for emulators without vault notifications (README \"Emulator switches\")."
}

variable "enable_backup_vault_lock" {
  type        = bool
  default     = false
  description = "Lock the vault (WORM): recovery points cannot be deleted before their retention ends. Intended for prod."
}

variable "backup_vault_lock_min_retention_days" {
  type        = number
  default     = 7
  description = "Shortest retention the vault lock accepts for a recovery point."

  validation {
    condition     = var.backup_vault_lock_min_retention_days >= 1 && var.backup_vault_lock_min_retention_days <= var.backup_vault_lock_max_retention_days
    error_message = "backup_vault_lock_min_retention_days must be at least 1 and no more than backup_vault_lock_max_retention_days."
  }
}

variable "backup_vault_lock_max_retention_days" {
  type        = number
  default     = 400
  description = "Longest retention the vault lock accepts for a recovery point."

  validation {
    condition     = var.backup_vault_lock_max_retention_days <= 36500
    error_message = "backup_vault_lock_max_retention_days must be at most 36500 (100 years)."
  }
}

variable "backup_vault_lock_changeable_for_days" {
  type        = number
  default     = null
  description = "Grace days before the vault lock becomes immutable (compliance mode). Null: governance mode, removable by principals with backup:DeleteBackupVaultLockConfiguration."

  validation {
    condition     = var.backup_vault_lock_changeable_for_days == null || try(var.backup_vault_lock_changeable_for_days >= 3, false)
    error_message = "AWS Backup needs at least 3 grace days before a compliance-mode lock takes effect: set backup_vault_lock_changeable_for_days >= 3, or null for governance mode."
  }
}

variable "backup_vault_tags" {
  type        = map(string)
  default     = {}
  description = "Extra tags for the backup vault."
}

# ---------------------------------------------------------------------------------------
# Backup monitoring
# ---------------------------------------------------------------------------------------

variable "enable_backup_alarms" {
  type        = bool
  default     = true
  description = "Alarms on failed and missing backup jobs, the EventBridge rule on failed/aborted/expired jobs and the vault notifications."
}

variable "backup_sns_topic_arn" {
  type        = string
  default     = null
  description = "Existing SNS topic for backup alarms and events. Null: the component creates a KMS-encrypted topic. A passed-in topic must allow events.amazonaws.com, backup.amazonaws.com and cloudwatch.amazonaws.com to publish."
}

variable "backup_missing_window_hours" {
  type        = number
  default     = 26
  description = "Hours without a completed backup job after which the missing-backup alarm fires: the daily schedule plus the start and completion windows."

  validation {
    condition     = var.backup_missing_window_hours >= 24 && var.backup_missing_window_hours <= 168
    error_message = "backup_missing_window_hours must be between 24 (the daily schedule) and 168 (CloudWatch evaluates at most 7 days)."
  }
}

variable "backup_vault_notification_events" {
  type        = list(string)
  default     = ["BACKUP_JOB_COMPLETED", "RESTORE_JOB_COMPLETED", "RECOVERY_POINT_MODIFIED", "COPY_JOB_FAILED"]
  description = "Vault events AWS Backup publishes to the SNS topic."

  validation {
    condition = alltrue([for e in var.backup_vault_notification_events : contains([
      "BACKUP_JOB_STARTED", "BACKUP_JOB_COMPLETED", "COPY_JOB_STARTED", "COPY_JOB_SUCCESSFUL", "COPY_JOB_FAILED",
      "RESTORE_JOB_STARTED", "RESTORE_JOB_COMPLETED", "RECOVERY_POINT_MODIFIED", "S3_BACKUP_OBJECT_FAILED",
      "S3_RESTORE_OBJECT_FAILED",
    ], e)])
    error_message = "backup_vault_notification_events accepts BACKUP_JOB_STARTED, BACKUP_JOB_COMPLETED, COPY_JOB_STARTED, COPY_JOB_SUCCESSFUL, COPY_JOB_FAILED, RESTORE_JOB_STARTED, RESTORE_JOB_COMPLETED, RECOVERY_POINT_MODIFIED, S3_BACKUP_OBJECT_FAILED and S3_RESTORE_OBJECT_FAILED."
  }
}
