################################################################################
# Engine and instance
################################################################################

variable "engine" {
  type        = string
  default     = "postgres"
  description = "Database engine: postgres or mysql. The rotation function supports both."

  validation {
    condition     = contains(["postgres", "mysql"], var.engine)
    error_message = "engine must be postgres or mysql."
  }
}

variable "engine_version" {
  type        = string
  default     = null
  description = "Engine version (major or major.minor, e.g. \"16\" or \"8.0\"). Null picks 16 for postgres and 8.0 for mysql."
}

variable "instance_class" {
  type        = string
  default     = "db.t4g.medium"
  description = "Instance class. In prod it must be a production-grade class (see README: accepted instance classes)."

  validation {
    condition     = can(regex("^db\\.[a-z0-9]+\\.[a-z0-9.]+$", var.instance_class))
    error_message = "instance_class must look like db.<family>.<size>, e.g. db.m7g.large."
  }

  # Production-grade classes (README, "Accepted instance classes"): general purpose (m) and
  # memory optimized (r) from generation 5 on with any attribute letters (g = Graviton,
  # i = Intel, a = AMD, d = local NVMe, n = network, b = EBS), the x2 and z1d families, and
  # burstable t3/t4g (and later) from medium up. Previous generations and burstable
  # micro/small classes are refused.
  # prod-instance-class-regex-begin
  validation {
    condition = var.environment != "prod" || can(regex(
      "^db\\.(((m|r)([5-9]|[1-9][0-9])[a-z]*|x2[a-z]*|z1d)\\.(large|metal|[0-9]*xlarge)(\\.tpc[0-9]+\\.mem[0-9]+x)?|t([3-9]|[1-9][0-9])[a-z]*\\.(medium|large|xlarge|2xlarge))$",
      var.instance_class
    ))
    error_message = "Production requires a production-grade instance class (db.t3/db.t4g medium or larger, or a current m/r/x2/z1d family such as db.m7g.large or db.r6i.xlarge): set instance_class accordingly."
  }
  # prod-instance-class-regex-end
}

variable "allocated_storage" {
  type        = number
  default     = 20
  description = "Initial storage in GiB."

  validation {
    condition     = var.allocated_storage >= 20 && var.allocated_storage <= 65536
    error_message = "allocated_storage must be between 20 and 65536 GiB."
  }
}

variable "max_allocated_storage" {
  type        = number
  default     = 100
  description = "Upper limit in GiB for storage autoscaling; 0 disables autoscaling."
}

variable "storage_type" {
  type        = string
  default     = "gp3"
  description = "Storage type: gp3, gp2, io1 or io2."

  validation {
    condition     = contains(["gp3", "gp2", "io1", "io2"], var.storage_type)
    error_message = "storage_type must be one of gp3, gp2, io1 or io2."
  }
}

variable "storage_encrypted" {
  type        = bool
  default     = true
  description = "Encrypt storage with the component's KMS key. Always required, in every environment."

  validation {
    condition     = var.storage_encrypted == true
    error_message = "Storage encryption must be enabled for every RDS instance: set storage_encrypted = true."
  }
}

variable "multi_az" {
  type        = bool
  default     = false
  description = "Run a standby in a second availability zone. Required in prod."

  validation {
    condition     = var.environment != "prod" || var.multi_az == true
    error_message = "Multi-AZ must be enabled in prod: set multi_az = true."
  }
}

variable "publicly_accessible" {
  type        = bool
  default     = false
  description = "Give the instance a public address. Never allowed in prod."

  validation {
    condition     = var.environment != "prod" || var.publicly_accessible == false
    error_message = "RDS instances must not be publicly accessible in prod: set publicly_accessible = false."
  }
}

variable "backup_retention_period" {
  type        = number
  default     = 7
  description = "Days automated backups are kept (0-35). At least 7 in prod."

  validation {
    condition     = var.backup_retention_period >= 0 && var.backup_retention_period <= 35
    error_message = "backup_retention_period must be between 0 and 35 days."
  }

  validation {
    condition     = var.environment != "prod" || var.backup_retention_period >= 7
    error_message = "Production needs at least 7 days of backups: set backup_retention_period = 7 or more."
  }
}

variable "deletion_protection" {
  type        = bool
  default     = true
  description = "Refuse to delete the instance until this is turned off. Required in prod."

  validation {
    condition     = var.environment != "prod" || var.deletion_protection == true
    error_message = "Deletion protection must be enabled in prod: set deletion_protection = true."
  }
}

variable "skip_final_snapshot" {
  type        = bool
  default     = false
  description = "Delete without a final snapshot. Keep false outside throw-away environments."
}

variable "db_name" {
  type        = string
  default     = "app"
  description = "Name of the database created on the instance."

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9_]{0,62}$", var.db_name))
    error_message = "db_name must start with a letter and hold only letters, digits and underscores (max 63)."
  }
}

variable "master_username" {
  type        = string
  default     = "dbadmin"
  description = "Master user name. Its password is generated, stored in Secrets Manager and rotated; it is never an input or an output."

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9_]{0,15}$", var.master_username)) && !contains(["admin", "postgres", "root", "rdsadmin"], lower(var.master_username))
    error_message = "master_username must be 1-16 letters, digits or underscores starting with a letter, and not a reserved name (admin, postgres, root, rdsadmin)."
  }
}

variable "master_password_version" {
  type        = number
  default     = 1
  description = "Bump to make Terraform generate and set a new master password (write-only; it never enters state)."
}

variable "port" {
  type        = number
  default     = null
  description = "Port the database listens on. Null uses the engine default (5432 postgres, 3306 mysql)."
}

variable "parameters" {
  type = list(object({
    name         = string
    value        = string
    apply_method = optional(string, "pending-reboot")
  }))
  default     = []
  description = "Extra DB parameter group settings, added to the secure defaults (TLS required, slow query logging)."
}

variable "enable_parameter_group_parameters" {
  type        = bool
  default     = true
  description = "Set the parameter group's parameters (the secure defaults plus parameters). False leaves the group at the engine family's defaults; only for emulators that cannot read parameters back (README \"Emulator switches\")."
}

################################################################################
# Network
################################################################################

variable "vpc_id" {
  type        = string
  description = "VPC the instance and the rotation function run in."

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must be a VPC ID such as vpc-0123456789abcdef0."
  }
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets (at least two, in different AZs) for the DB subnet group."

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "RDS needs subnets in at least two availability zones: give subnet_ids two or more subnets."
  }
}

variable "allowed_security_group_ids" {
  type        = list(string)
  default     = []
  description = "Security groups allowed to connect to the database port."
}

variable "allowed_cidr_blocks" {
  type        = list(string)
  default     = []
  description = "CIDR blocks allowed to connect to the database port. 0.0.0.0/0 is refused."

  validation {
    condition     = alltrue([for c in var.allowed_cidr_blocks : can(cidrhost(c, 0)) && c != "0.0.0.0/0"])
    error_message = "allowed_cidr_blocks must be valid CIDR blocks and must not include 0.0.0.0/0: list the client networks instead."
  }
}

################################################################################
# Operations
################################################################################

variable "backup_window" {
  type        = string
  default     = "03:00-04:00"
  description = "Daily backup window (UTC, hh24:mi-hh24:mi); must not overlap the maintenance window."
}

variable "maintenance_window" {
  type        = string
  default     = "sun:04:30-sun:05:30"
  description = "Weekly maintenance window (UTC, ddd:hh24:mi-ddd:hh24:mi)."
}

variable "auto_minor_version_upgrade" {
  type        = bool
  default     = true
  description = "Apply minor engine upgrades in the maintenance window."
}

variable "enabled_cloudwatch_logs_exports" {
  type        = list(string)
  default     = null
  description = "Logs exported to CloudWatch. Null: postgresql+upgrade for postgres, error+slowquery+audit for mysql."
}

variable "monitoring_interval" {
  type        = number
  default     = 60
  description = "Enhanced Monitoring interval in seconds (0 disables it)."

  validation {
    condition     = contains([0, 1, 5, 10, 15, 30, 60], var.monitoring_interval)
    error_message = "monitoring_interval must be one of 0, 1, 5, 10, 15, 30 or 60."
  }
}

variable "performance_insights_enabled" {
  type        = bool
  default     = true
  description = "Enable Performance Insights, encrypted with the component's KMS key."
}

variable "performance_insights_retention_period" {
  type        = number
  default     = 7
  description = "Performance Insights retention in days: 7 (free), 731 (two years), or 31 to 713 in steps of 31 (1-23 months)."

  validation {
    condition     = contains([7, 731], var.performance_insights_retention_period) || (var.performance_insights_retention_period % 31 == 0 && var.performance_insights_retention_period >= 31 && var.performance_insights_retention_period <= 713)
    error_message = "performance_insights_retention_period must be 7, 731, or a multiple of 31 from 31 to 713 (1-23 months)."
  }
}

variable "kms_key_deletion_window_in_days" {
  type        = number
  default     = 30
  description = "Days KMS waits before deleting the component's keys once deletion is scheduled (7-30)."
}

variable "secret_recovery_window_in_days" {
  type        = number
  default     = 30
  description = "Days a deleted credentials secret can still be restored (0 or 7-30)."

  validation {
    condition     = var.secret_recovery_window_in_days == 0 || (var.secret_recovery_window_in_days >= 7 && var.secret_recovery_window_in_days <= 30)
    error_message = "secret_recovery_window_in_days must be 0 or between 7 and 30."
  }
}

variable "db_instance_tags" {
  type        = map(string)
  default     = {}
  description = "Extra tags for the DB instance only."
}

################################################################################
# Secrets rotation (seed section 2)
################################################################################

variable "enable_secrets_rotation" {
  type        = bool
  default     = true
  description = "Rotate the master password with the bundled Lambda function (single-user strategy)."
}

variable "rotation_days" {
  type        = number
  default     = 30
  description = "Days between automatic rotations (1-1000)."

  validation {
    condition     = var.rotation_days >= 1 && var.rotation_days <= 1000
    error_message = "rotation_days must be between 1 and 1000."
  }
}

variable "rotation_rotate_immediately" {
  type        = bool
  default     = true
  description = "Rotate once as soon as rotation is configured, so the password Terraform generated stops working."
}

variable "enable_rotation_alarms" {
  type        = bool
  default     = true
  description = "Create CloudWatch alarms on rotation failures and on rotations that run close to the function timeout."
}

variable "rotation_logs_retention_days" {
  type        = number
  default     = 7
  description = "Retention in days of the rotation function's log group."
}

variable "rotation_lambda_timeout" {
  type        = number
  default     = 60
  description = "Timeout of the rotation function in seconds (each rotation step is one invocation)."

  validation {
    condition     = var.rotation_lambda_timeout >= 10 && var.rotation_lambda_timeout <= 900
    error_message = "rotation_lambda_timeout must be between 10 and 900 seconds."
  }
}

variable "rotation_duration_alarm_threshold_percent" {
  type        = number
  default     = 80
  description = "Alarm when a rotation step runs longer than this percentage of the function timeout."

  validation {
    condition     = var.rotation_duration_alarm_threshold_percent > 0 && var.rotation_duration_alarm_threshold_percent < 100
    error_message = "rotation_duration_alarm_threshold_percent must be greater than 0 and less than 100."
  }
}

variable "rotation_subnet_ids" {
  type        = list(string)
  default     = null
  description = "Subnets for the rotation function; null uses subnet_ids. They need a route to Secrets Manager (VPC endpoint or NAT)."
}

variable "rotation_password_length" {
  type        = number
  default     = 32
  description = "Length of passwords generated by GetRandomPassword (initial and rotated)."

  validation {
    condition     = var.rotation_password_length >= 16 && var.rotation_password_length <= 41
    error_message = "rotation_password_length must be between 16 and 41 (the MySQL master password limit)."
  }
}

variable "create_rotation_sns_topic" {
  type        = bool
  default     = true
  description = "Create a KMS-encrypted SNS topic for rotation events and alarms. Set false to use rotation_sns_topic_arn or no topic."
}

variable "rotation_sns_topic_arn" {
  type        = string
  default     = null
  description = "Existing SNS topic for rotation events and alarms (used when create_rotation_sns_topic = false)."

  validation {
    condition     = var.rotation_sns_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", var.rotation_sns_topic_arn))
    error_message = "rotation_sns_topic_arn must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)."
  }
}

variable "cloudwatch_logs_retention_days" {
  type        = number
  default     = 30
  description = "Retention in days of the exported database log groups."
}
