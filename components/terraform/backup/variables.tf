# ---------------------------------------------------------------------------------------------
# Backup plans: one plan per tier, resources selected by tag (backup = daily | weekly | monthly)
# ---------------------------------------------------------------------------------------------

variable "backup_selection_tag_key" {
  type        = string
  default     = "backup"
  description = "Tag key that selects resources into a plan: a resource tagged <key> = <plan name> (e.g. backup = daily) is backed up by that plan."

  validation {
    condition     = can(regex("^[A-Za-z0-9_.:/=+@-]{1,128}$", var.backup_selection_tag_key))
    error_message = "backup_selection_tag_key must be a valid tag key (1-128 letters, digits or _.:/=+@-)."
  }
}

variable "backup_resource_types" {
  type        = list(string)
  default     = ["Aurora", "DynamoDB", "EBS", "EC2", "EFS", "RDS"]
  description = "Resource types a plan selects by default (a plan may narrow them with its own resource_types). One of Aurora, DynamoDB, EBS, EC2, EFS, FSx, RDS, S3."

  validation {
    condition     = length(var.backup_resource_types) > 0 && alltrue([for t in var.backup_resource_types : contains(["Aurora", "DynamoDB", "EBS", "EC2", "EFS", "FSx", "RDS", "S3"], t)])
    error_message = "backup_resource_types must list at least one of Aurora, DynamoDB, EBS, EC2, EFS, FSx, RDS, S3."
  }
}

variable "dynamodb_advanced_backup_enabled" {
  type        = bool
  default     = false
  description = "Whether the account has AWS Backup advanced features for DynamoDB turned on (Backup settings). Only then can DynamoDB recovery points move to cold storage."
}

variable "backup_plans" {
  type = map(object({
    schedule                 = string
    delete_after             = number
    cold_storage_after       = optional(number)
    resource_types           = optional(list(string))
    start_window             = optional(number, 60)
    completion_window        = optional(number, 360)
    enable_continuous_backup = optional(bool, false)
  }))
  default = {
    daily = {
      schedule     = "cron(0 5 * * ? *)"
      delete_after = 35
    }
    weekly = {
      schedule     = "cron(0 5 ? * SUN *)"
      delete_after = 90
    }
    monthly = {
      schedule     = "cron(0 5 1 * ? *)"
      delete_after = 365
    }
  }
  description = "Backup plans by tier name (the value of the selection tag). delete_after and cold_storage_after are days; resource_types narrows backup_resource_types for this plan."

  validation {
    condition     = length(var.backup_plans) > 0 && alltrue([for k, p in var.backup_plans : can(regex("^[a-z0-9-]{1,32}$", k))])
    error_message = "backup_plans needs at least one plan, named with 1-32 lower-case letters, digits or hyphens (the value of the selection tag)."
  }

  validation {
    condition     = alltrue([for p in var.backup_plans : can(regex("^cron\\(.+\\)$|^rate\\(.+\\)$", p.schedule))])
    error_message = "Each backup plan schedule must be a cron(...) or rate(...) expression, e.g. cron(0 5 * * ? *)."
  }

  validation {
    condition     = alltrue([for p in var.backup_plans : p.delete_after >= 1 && (p.cold_storage_after == null || try(p.cold_storage_after >= 1, false))])
    error_message = "delete_after and cold_storage_after must be at least 1 day."
  }

  validation {
    condition     = alltrue([for p in var.backup_plans : p.cold_storage_after == null || p.delete_after >= coalesce(p.cold_storage_after, 0) + 90])
    error_message = "A recovery point moved to cold storage must stay there at least 90 days: set delete_after >= cold_storage_after + 90 in every backup plan (plans: ${join(", ", [for k, p in var.backup_plans : k if p.cold_storage_after != null && p.delete_after < coalesce(p.cold_storage_after, 0) + 90])})."
  }

  validation {
    condition = alltrue(flatten([for p in var.backup_plans : [
      for t in coalesce(p.resource_types, var.backup_resource_types) :
      p.cold_storage_after == null || contains(["EBS", "EFS"], t) || (t == "DynamoDB" && var.dynamodb_advanced_backup_enabled)
    ]]))
    error_message = "Cold storage is supported only for EBS, EFS and DynamoDB with advanced backup features: limit the plan's resource_types to those (and set dynamodb_advanced_backup_enabled = true for DynamoDB) or remove cold_storage_after (plans: ${join(", ", sort([for k, p in var.backup_plans : k if p.cold_storage_after != null && !alltrue([for t in coalesce(p.resource_types, var.backup_resource_types) : contains(["EBS", "EFS"], t) || (t == "DynamoDB" && var.dynamodb_advanced_backup_enabled)])]))})."
  }

  validation {
    condition     = alltrue([for p in var.backup_plans : p.resource_types == null || alltrue([for t in coalesce(p.resource_types, []) : contains(["Aurora", "DynamoDB", "EBS", "EC2", "EFS", "FSx", "RDS", "S3"], t)])])
    error_message = "A backup plan's resource_types may list only Aurora, DynamoDB, EBS, EC2, EFS, FSx, RDS, S3."
  }

  validation {
    condition     = alltrue([for p in var.backup_plans : p.start_window >= 60 && p.completion_window >= p.start_window + 60])
    error_message = "start_window must be at least 60 minutes and completion_window at least start_window + 60 minutes."
  }

  validation {
    condition     = alltrue([for p in var.backup_plans : !p.enable_continuous_backup || p.delete_after <= 35])
    error_message = "Continuous backups are kept at most 35 days: set delete_after <= 35 on plans with enable_continuous_backup = true."
  }
}

# ---------------------------------------------------------------------------------------------
# Vault, lock and cross-region copy
# ---------------------------------------------------------------------------------------------

variable "kms_key_deletion_window_in_days" {
  type        = number
  default     = 30
  description = "Days KMS waits before deleting the component's keys once deletion is scheduled (7-30)."
}

variable "vault_force_destroy" {
  type        = bool
  default     = false
  description = "Allow destroying the vault while it still holds recovery points (dev only)."

  validation {
    condition     = !(var.vault_force_destroy && var.environment == "prod")
    error_message = "A prod vault must keep its recovery points: set vault_force_destroy = false."
  }
}

variable "vault_deletion_admin_arns" {
  type        = list(string)
  default     = []
  description = "IAM principal ARNs still allowed to delete recovery points and change their lifecycle; every other principal is denied by the vault policy."

  validation {
    condition     = alltrue([for a in var.vault_deletion_admin_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$", a))])
    error_message = "vault_deletion_admin_arns must be IAM role or user ARNs (arn:aws:iam::123456789012:role/name)."
  }
}

variable "enable_vault_lock" {
  type        = bool
  default     = false
  description = "Apply AWS Backup Vault Lock (WORM) to the vault. Required in prod."

  validation {
    condition     = var.enable_vault_lock || var.environment != "prod"
    error_message = "Vault lock is required in prod: set enable_vault_lock = true."
  }
}

variable "vault_lock_min_retention_days" {
  type        = number
  default     = 7
  description = "Vault lock: the shortest retention a recovery point in the vault may have."

  validation {
    condition     = var.vault_lock_min_retention_days >= 1
    error_message = "vault_lock_min_retention_days must be at least 1."
  }
}

variable "vault_lock_max_retention_days" {
  type        = number
  default     = 3650
  description = "Vault lock: the longest retention a recovery point in the vault may have."

  validation {
    condition     = var.vault_lock_max_retention_days >= var.vault_lock_min_retention_days
    error_message = "vault_lock_max_retention_days must be at least vault_lock_min_retention_days."
  }
}

variable "vault_lock_changeable_for_days" {
  type        = number
  default     = null
  description = "Vault lock grace period in days before the lock becomes immutable (compliance mode, >= 3). null keeps governance mode (removable by authorised principals)."

  validation {
    condition     = var.vault_lock_changeable_for_days == null || try(var.vault_lock_changeable_for_days >= 3, false)
    error_message = "vault_lock_changeable_for_days must be at least 3 (AWS minimum) or null for governance mode."
  }
}

variable "copy_destination_vault_arn" {
  type        = string
  default     = null
  description = "ARN of a vault in another region (or account) that every rule copies its recovery points to; null disables cross-region copy."

  validation {
    condition     = var.copy_destination_vault_arn == null || can(regex("^arn:aws[a-z-]*:backup:[a-z0-9-]+:[0-9]{12}:backup-vault:[A-Za-z0-9_.-]+$", coalesce(var.copy_destination_vault_arn, "x")))
    error_message = "copy_destination_vault_arn must be a backup vault ARN: arn:aws:backup:<region>:<account>:backup-vault:<name>."
  }

  validation {
    condition     = var.copy_destination_vault_arn == null || !strcontains(coalesce(var.copy_destination_vault_arn, "x"), ":backup:${var.region}:")
    error_message = "The copy destination vault must be in another region than var.region: pick a vault ARN in the disaster-recovery region."
  }
}

variable "copy_delete_after" {
  type        = number
  default     = null
  description = "Retention, in days, of the copies in the destination vault; null keeps each plan's delete_after."

  validation {
    condition     = var.copy_delete_after == null || try(var.copy_delete_after >= 1, false)
    error_message = "copy_delete_after must be at least 1 day, or null."
  }
}

# ---------------------------------------------------------------------------------------------
# Restore testing
# ---------------------------------------------------------------------------------------------

variable "enable_restore_testing" {
  type        = bool
  default     = false
  description = "Create an AWS Backup restore testing plan that restores the latest recovery points on a schedule."
}

variable "restore_testing_schedule" {
  type        = string
  default     = "cron(0 8 ? * MON *)"
  description = "When restore tests run (cron expression)."

  validation {
    condition     = can(regex("^cron\\(.+\\)$|^rate\\(.+\\)$", var.restore_testing_schedule))
    error_message = "restore_testing_schedule must be a cron(...) or rate(...) expression."
  }
}

variable "restore_testing_resource_types" {
  type        = list(string)
  default     = ["EBS", "DynamoDB"]
  description = "Protected resource types restore-tested (one selection each), chosen among resources carrying the plan tag restore_testing_plan_tag_value."

  validation {
    condition     = alltrue([for t in var.restore_testing_resource_types : contains(["Aurora", "DocumentDB", "DynamoDB", "EBS", "EC2", "EFS", "FSx", "Neptune", "RDS", "S3"], t)])
    error_message = "restore_testing_resource_types may list only Aurora, DocumentDB, DynamoDB, EBS, EC2, EFS, FSx, Neptune, RDS, S3."
  }
}

variable "restore_testing_plan_tag_value" {
  type        = string
  default     = "daily"
  description = "Restore-test resources whose selection tag has this value (a backup plan name)."
}

variable "restore_testing_selection_window_days" {
  type        = number
  default     = 7
  description = "Restore testing picks the latest recovery point created within this many days."

  validation {
    condition     = var.restore_testing_selection_window_days >= 1 && var.restore_testing_selection_window_days <= 365
    error_message = "restore_testing_selection_window_days must be between 1 and 365."
  }
}

# ---------------------------------------------------------------------------------------------
# Notifications
# ---------------------------------------------------------------------------------------------

variable "enable_notifications" {
  type        = bool
  default     = true
  description = "Create an encrypted SNS topic and send the vault's job events to it."
}

variable "notification_events" {
  type        = list(string)
  default     = ["BACKUP_JOB_FAILED", "BACKUP_JOB_EXPIRED", "COPY_JOB_FAILED", "RESTORE_JOB_FAILED", "RESTORE_JOB_COMPLETED", "S3_BACKUP_OBJECT_FAILED"]
  description = "AWS Backup vault events sent to the topic."

  validation {
    condition = length(var.notification_events) > 0 && alltrue([for e in var.notification_events : contains([
      "BACKUP_JOB_STARTED", "BACKUP_JOB_COMPLETED", "BACKUP_JOB_SUCCESSFUL", "BACKUP_JOB_FAILED", "BACKUP_JOB_EXPIRED",
      "RESTORE_JOB_STARTED", "RESTORE_JOB_COMPLETED", "RESTORE_JOB_SUCCESSFUL", "RESTORE_JOB_FAILED",
      "COPY_JOB_STARTED", "COPY_JOB_SUCCESSFUL", "COPY_JOB_FAILED", "RECOVERY_POINT_MODIFIED",
      "BACKUP_PLAN_CREATED", "BACKUP_PLAN_MODIFIED", "S3_BACKUP_OBJECT_FAILED", "S3_RESTORE_OBJECT_FAILED",
    ], e)])
    error_message = "notification_events must list AWS Backup vault events such as BACKUP_JOB_FAILED, COPY_JOB_FAILED, RESTORE_JOB_COMPLETED."
  }
}

variable "notification_emails" {
  type        = list(string)
  default     = []
  description = "Email addresses subscribed to the notification topic (each must confirm)."

  validation {
    condition     = alltrue([for e in var.notification_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "notification_emails must be valid email addresses."
  }
}

variable "vault_tags" {
  type        = map(string)
  default     = {}
  description = "Extra tags for the backup vault."
}

# ---------------------------------------------------------------------------------------------
# Emulator switches: leave on in AWS; the integration tier turns off what its emulator lacks
# ---------------------------------------------------------------------------------------------

variable "create_vault_policy" {
  type        = bool
  default     = true
  description = "Attach the vault access policy that denies recovery point deletion. Leave true in AWS; false only for targets without PutBackupVaultAccessPolicy (e.g. moto)."
}

variable "create_backup_selections" {
  type        = bool
  default     = true
  description = "Create the tag-based backup selections of the plans. Leave true in AWS (without them the plans back nothing up); false only for targets without backup selections (e.g. moto)."
}

variable "create_vault_notifications" {
  type        = bool
  default     = true
  description = "Send the vault's events to the notification topic (with enable_notifications). Leave true in AWS; false only for targets without PutBackupVaultNotifications (e.g. moto)."
}
