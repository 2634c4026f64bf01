# ---------------------------------------------------------------------------------------------
# Account password policy
# ---------------------------------------------------------------------------------------------

variable "enable_password_policy" {
  type        = bool
  default     = true
  description = "Manage the account password policy (one per account)."
}

variable "password_minimum_length" {
  type        = number
  default     = 14
  description = "Minimum IAM user password length (CIS AWS Foundations asks for 14 or more)."

  validation {
    condition     = var.password_minimum_length >= 14 && var.password_minimum_length <= 128
    error_message = "password_minimum_length must be between 14 and 128 (CIS 1.8): set password_minimum_length = 14 or more."
  }
}

variable "password_max_age_days" {
  type        = number
  default     = 90
  description = "Days before an IAM user password expires."

  validation {
    condition     = var.password_max_age_days >= 1 && var.password_max_age_days <= 365
    error_message = "password_max_age_days must be between 1 and 365."
  }
}

variable "password_reuse_prevention" {
  type        = number
  default     = 24
  description = "How many previous passwords a user cannot reuse."

  validation {
    condition     = var.password_reuse_prevention >= 5 && var.password_reuse_prevention <= 24
    error_message = "password_reuse_prevention must be between 5 and 24 (CIS asks for 24)."
  }
}

# ---------------------------------------------------------------------------------------------
# IAM Access Analyzer
# ---------------------------------------------------------------------------------------------

variable "enable_access_analyzer" {
  type        = bool
  default     = true
  description = "Create an IAM Access Analyzer (external access findings) for the account."
}

variable "enable_unused_access_analyzer" {
  type        = bool
  default     = false
  description = "Also create an unused-access analyzer (a paid feature) reporting unused roles, keys and permissions."
}

variable "unused_access_age_days" {
  type        = number
  default     = 90
  description = "Days without use after which the unused-access analyzer reports a permission."

  validation {
    condition     = var.unused_access_age_days >= 1 && var.unused_access_age_days <= 365
    error_message = "unused_access_age_days must be between 1 and 365."
  }
}

# ---------------------------------------------------------------------------------------------
# Baseline roles
# ---------------------------------------------------------------------------------------------

variable "trusted_principal_arns" {
  type        = list(string)
  default     = []
  description = "Principals (accounts' roots or roles of the identity/admin account) allowed to assume the read-only and break-glass roles with MFA; empty trusts this account."

  validation {
    condition     = alltrue([for a in var.trusted_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(root|role/.+|user/.+)$", a))])
    error_message = "trusted_principal_arns must be account root, role or user ARNs (arn:aws:iam::123456789012:root), never \"*\"."
  }
}

variable "enable_readonly_role" {
  type        = bool
  default     = true
  description = "Create the read-only role (ReadOnlyAccess), assumable with MFA."
}

variable "readonly_max_session_duration" {
  type        = number
  default     = 3600
  description = "Maximum session duration of the read-only role, in seconds."

  validation {
    condition     = var.readonly_max_session_duration >= 3600 && var.readonly_max_session_duration <= 43200
    error_message = "readonly_max_session_duration must be between 3600 and 43200 seconds."
  }
}

variable "enable_break_glass_role" {
  type        = bool
  default     = true
  description = "Create the break-glass administrator role, assumable only with a fresh MFA sign-in."
}

variable "break_glass_principal_arns" {
  type        = list(string)
  default     = []
  description = "Principals allowed to assume the break-glass role; empty uses trusted_principal_arns."

  validation {
    condition     = alltrue([for a in var.break_glass_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(root|role/.+|user/.+)$", a))])
    error_message = "break_glass_principal_arns must be account root, role or user ARNs, never \"*\"."
  }
}

variable "break_glass_max_session_duration" {
  type        = number
  default     = 3600
  description = "Maximum session duration of the break-glass role, in seconds (short on purpose)."

  validation {
    condition     = var.break_glass_max_session_duration >= 900 && var.break_glass_max_session_duration <= 3600
    error_message = "Break-glass sessions must be short: set break_glass_max_session_duration between 900 and 3600 seconds."
  }
}

variable "break_glass_mfa_max_age_seconds" {
  type        = number
  default     = 900
  description = "The break-glass role can be assumed only this many seconds after the MFA sign-in."

  validation {
    condition     = var.break_glass_mfa_max_age_seconds >= 60 && var.break_glass_mfa_max_age_seconds <= 3600
    error_message = "break_glass_mfa_max_age_seconds must be between 60 and 3600."
  }
}

# ---------------------------------------------------------------------------------------------
# CI deploy role (GitHub Actions OIDC)
# ---------------------------------------------------------------------------------------------

variable "enable_ci_deploy_role" {
  type        = bool
  default     = false
  description = "Create a deploy role for CI that GitHub Actions assumes through OIDC (no long-lived keys)."
}

variable "create_github_oidc_provider" {
  type        = bool
  default     = true
  description = "Create the GitHub Actions OIDC provider; false uses github_oidc_provider_arn (one provider per account)."
}

variable "github_oidc_provider_arn" {
  type        = string
  default     = null
  description = "ARN of an existing token.actions.githubusercontent.com OIDC provider, when create_github_oidc_provider = false."

  validation {
    condition     = var.github_oidc_provider_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token\\.actions\\.githubusercontent\\.com$", coalesce(var.github_oidc_provider_arn, "x")))
    error_message = "github_oidc_provider_arn must be arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com."
  }

  validation {
    condition     = var.create_github_oidc_provider || !var.enable_ci_deploy_role || var.github_oidc_provider_arn != null
    error_message = "The CI deploy role needs an OIDC provider: set create_github_oidc_provider = true or github_oidc_provider_arn."
  }
}

variable "github_oidc_thumbprints" {
  type        = list(string)
  default     = ["6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd"]
  description = "Certificate thumbprints of token.actions.githubusercontent.com (AWS no longer checks them for GitHub, the API still stores them)."

  validation {
    condition     = length(var.github_oidc_thumbprints) > 0 && alltrue([for t in var.github_oidc_thumbprints : can(regex("^[0-9a-f]{40}$", t))])
    error_message = "github_oidc_thumbprints must be 40-character lower-case hex SHA-1 thumbprints."
  }
}

variable "ci_deploy_subjects" {
  type        = list(string)
  default     = []
  description = "GitHub OIDC subjects (token sub claim) allowed to assume the CI role, e.g. repo:acme/infra:ref:refs/heads/main or repo:acme/infra:environment:prod."

  validation {
    condition     = alltrue([for s in var.ci_deploy_subjects : can(regex("^repo:[A-Za-z0-9_.-]+/[A-Za-z0-9_.*-]+:.+$", s)) && s != "*"])
    error_message = "Each ci_deploy_subjects entry must name a GitHub organisation and repository, never \"*\": \"repo:<org>/<repo>:<ref or environment>\", e.g. repo:acme/infra:ref:refs/heads/main."
  }

  validation {
    condition     = !var.enable_ci_deploy_role || length(var.ci_deploy_subjects) > 0
    error_message = "The CI deploy role must be limited to named repositories: set ci_deploy_subjects."
  }
}

variable "ci_deploy_policy_arns" {
  type        = list(string)
  default     = []
  description = "Managed policy ARNs attached to the CI deploy role (scoped deploy permissions)."

  validation {
    condition     = alltrue([for a in var.ci_deploy_policy_arns : can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", a))])
    error_message = "ci_deploy_policy_arns must be IAM policy ARNs (arn:aws:iam::<account or aws>:policy/<name>)."
  }

  validation {
    condition     = !anytrue([for a in var.ci_deploy_policy_arns : endswith(a, ":policy/AdministratorAccess")])
    error_message = "The CI deploy role must not be an administrator: replace AdministratorAccess with scoped policies in ci_deploy_policy_arns."
  }
}

variable "ci_deploy_max_session_duration" {
  type        = number
  default     = 3600
  description = "Maximum session duration of the CI deploy role, in seconds."

  validation {
    condition     = var.ci_deploy_max_session_duration >= 900 && var.ci_deploy_max_session_duration <= 7200
    error_message = "ci_deploy_max_session_duration must be between 900 and 7200 seconds."
  }
}

# ---------------------------------------------------------------------------------------------
# Permissions boundary
# ---------------------------------------------------------------------------------------------

variable "permissions_boundary_allowed_services" {
  type = list(string)
  default = [
    "acm", "apigateway", "application-autoscaling", "autoscaling", "backup", "budgets", "ce",
    "cloudformation", "cloudfront", "cloudtrail", "cloudwatch", "config", "dynamodb", "ec2", "ecr",
    "ecs", "eks", "elasticfilesystem", "elasticloadbalancing", "events", "guardduty", "iam", "kms",
    "lambda", "logs", "rds", "route53", "s3", "secretsmanager", "securityhub", "sns", "sqs", "ssm",
    "sts", "tag",
  ]
  description = "Service prefixes the permissions boundary allows (as <service>:*); anything else is out of bounds for the roles created here."

  validation {
    condition     = length(var.permissions_boundary_allowed_services) > 0 && alltrue([for s in var.permissions_boundary_allowed_services : can(regex("^[a-z0-9-]+$", s))])
    error_message = "permissions_boundary_allowed_services must be service prefixes such as ec2 or s3, never \"*\"."
  }
}

variable "permissions_boundary_deny_security_tampering" {
  type        = bool
  default     = true
  description = "The boundary denies stopping or deleting CloudTrail, GuardDuty, Config, Security Hub and Access Analyzer, and changing the password policy."
}
