# ---------------------------------------------------------------------------------------------
# Cluster identity (IRSA) of the portal
# ---------------------------------------------------------------------------------------------

# The iam-role module validates both (an IAM OIDC provider ARN; an issuer without wildcards).
variable "oidc_provider_arn" {
  type        = string
  description = "ARN of the EKS cluster's IAM OIDC provider (output of the eks component)."
}

variable "oidc_provider_url" {
  type        = string
  description = "Issuer URL of the cluster's OIDC provider, with or without https:// (oidc.eks.<region>.amazonaws.com/id/<ID>)."
}

variable "create_portal_role" {
  type        = bool
  default     = true
  description = "Create the portal's IAM role for its service account (reads the database secret, reads/writes TechDocs)."
}

variable "portal_namespace" {
  type        = string
  default     = "backstage"
  description = "Kubernetes namespace the portal runs in."

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", var.portal_namespace))
    error_message = "portal_namespace must be a Kubernetes DNS label (lower-case letters, digits, '-'), without wildcards."
  }
}

variable "portal_service_account" {
  type        = string
  default     = "backstage"
  description = "Name of the portal's Kubernetes service account."

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$", var.portal_service_account))
    error_message = "portal_service_account must be a Kubernetes name (lower-case letters, digits, '-', '.'), without wildcards."
  }
}

variable "portal_role_permissions_boundary_arn" {
  type        = string
  default     = null
  description = "Optional permissions boundary of the portal's role."
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
# TechDocs bucket
# ---------------------------------------------------------------------------------------------

variable "create_techdocs_bucket" {
  type        = bool
  default     = true
  description = "Create the private S3 bucket TechDocs publishes generated documentation to."
}

variable "techdocs_bucket_name" {
  type        = string
  default     = null
  description = "Bucket name; null uses \"<name>-<environment>-techdocs-<account id>\"."

  validation {
    condition     = var.techdocs_bucket_name == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", coalesce(var.techdocs_bucket_name, "xxx")))
    error_message = "techdocs_bucket_name must be a valid S3 bucket name (3-63 lower-case letters, digits, '.' or '-'), or null."
  }
}

variable "techdocs_noncurrent_version_expiration_days" {
  type        = number
  default     = 30
  description = "Days after which replaced (noncurrent) documentation objects are deleted."

  validation {
    condition     = var.techdocs_noncurrent_version_expiration_days >= 1
    error_message = "techdocs_noncurrent_version_expiration_days must be at least 1."
  }
}

variable "techdocs_access_logs_bucket" {
  type        = string
  default     = null
  description = "Optional existing bucket receiving S3 server access logs of the TechDocs bucket."
}

variable "techdocs_force_destroy" {
  type        = bool
  default     = false
  description = "Allow deleting the bucket with its objects. Never in prod."

  validation {
    condition     = var.environment != "prod" || !var.techdocs_force_destroy
    error_message = "The prod TechDocs bucket must not be destroyed with its contents: set techdocs_force_destroy = false."
  }
}

# ---------------------------------------------------------------------------------------------
# ECR repository for the portal image
# ---------------------------------------------------------------------------------------------

variable "create_ecr_repository" {
  type        = bool
  default     = true
  description = "Create the ECR repository for the portal's container image."
}

variable "ecr_image_retention_count" {
  type        = number
  default     = 30
  description = "Lifecycle policy: keep at most this many portal images (at least 1; modules/ecr-repository validates it)."
}

variable "ecr_untagged_image_expiry_days" {
  type        = number
  default     = 7
  description = "Lifecycle policy: expire untagged images after this many days (at least 1; modules/ecr-repository validates it)."
}

# ---------------------------------------------------------------------------------------------
# Database connection secret
# ---------------------------------------------------------------------------------------------

variable "create_database_secret" {
  type        = bool
  default     = true
  description = "Create the Secrets Manager secret holding the portal's PostgreSQL connection (host, port, dbname, username, password)."
}

variable "database_secret_recovery_window_in_days" {
  type        = number
  default     = 30
  description = "Days a deleted secret can be restored: 0 (delete at once, dev only) or 7-30."

  validation {
    condition     = var.database_secret_recovery_window_in_days == 0 || (var.database_secret_recovery_window_in_days >= 7 && var.database_secret_recovery_window_in_days <= 30)
    error_message = "database_secret_recovery_window_in_days must be 0 or between 7 and 30."
  }

  validation {
    condition     = var.environment != "prod" || var.database_secret_recovery_window_in_days >= 7
    error_message = "A prod secret must be recoverable after deletion: set database_secret_recovery_window_in_days between 7 and 30."
  }
}

variable "database_credentials" {
  type = object({
    host     = string
    port     = optional(number, 5432)
    dbname   = string
    username = string
    password = string
  })
  default     = null
  sensitive   = true
  description = "Optional connection to store as the secret's value. Null (recommended) leaves the value to be set out of band (the rds component, or aws secretsmanager put-secret-value) so no password enters this state."

  validation {
    condition     = var.database_credentials == null || try(var.database_credentials.port >= 1 && var.database_credentials.port <= 65535 && length(var.database_credentials.password) >= 16, false)
    error_message = "database_credentials needs a port between 1 and 65535 and a password of at least 16 characters."
  }

  validation {
    condition     = var.database_credentials == null || var.create_database_secret
    error_message = "database_credentials has nowhere to go: set create_database_secret = true or database_credentials = null."
  }
}

variable "database_secret_rotation_lambda_arn" {
  type        = string
  default     = null
  description = "Optional ARN of a rotation function (e.g. the rds component's); null leaves rotation to the database's owner."
}

variable "database_secret_rotation_days" {
  type        = number
  default     = 30
  description = "Rotate the secret every this many days when a rotation function is given."

  validation {
    condition     = var.database_secret_rotation_days >= 1 && var.database_secret_rotation_days <= 365
    error_message = "database_secret_rotation_days must be between 1 and 365."
  }
}
