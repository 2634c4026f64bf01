# ---------------------------------------------------------------------------------------------
# Cluster identity (IRSA)
# ---------------------------------------------------------------------------------------------

variable "oidc_provider_arn" {
  type        = string
  description = "ARN of the EKS cluster's IAM OIDC provider (output of the eks component; modules/iam-role validates it)."
}

variable "oidc_provider_url" {
  type        = string
  description = "Issuer URL of the cluster's OIDC provider, with or without https:// (e.g. oidc.eks.us-east-1.amazonaws.com/id/ABC; modules/iam-role validates it)."
}

variable "namespace" {
  type        = string
  default     = "external-secrets"
  description = "Kubernetes namespace the External Secrets Operator runs in."

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", var.namespace))
    error_message = "namespace must be a Kubernetes DNS label: lower-case letters, digits and hyphens, at most 63 characters."
  }
}

variable "service_account" {
  type        = string
  default     = "external-secrets"
  description = "Name of the operator's Kubernetes service account (the one annotated with the role ARN)."

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$", var.service_account))
    error_message = "service_account must be a Kubernetes name: lower-case letters, digits, '-' and '.', no wildcards."
  }
}

variable "role_permissions_boundary_arn" {
  type        = string
  default     = null
  description = "Optional IAM permissions boundary attached to the role."
}

variable "role_max_session_duration" {
  type        = number
  default     = 3600
  description = "Maximum session duration of the role, in seconds (3600-43200)."

  validation {
    condition     = var.role_max_session_duration >= 3600 && var.role_max_session_duration <= 43200
    error_message = "role_max_session_duration must be between 3600 and 43200 seconds."
  }
}

# ---------------------------------------------------------------------------------------------
# What the operator may read
# ---------------------------------------------------------------------------------------------

variable "secrets_path_prefix" {
  type        = string
  description = "Secrets Manager name prefix the operator may read: it gets arn:...:secret:<prefix>/* and nothing else (e.g. \"dev/apps\")."

  validation {
    condition     = length(trim(var.secrets_path_prefix, "/ ")) > 0 && !strcontains(var.secrets_path_prefix, "*") && !strcontains(var.secrets_path_prefix, "?")
    error_message = "secrets_path_prefix must name a path such as \"dev/apps\": it must not be empty, \"/\" or contain * or ? (that would expose every secret of the account)."
  }
}

variable "secrets_region" {
  type        = string
  default     = null
  description = "Region of the secrets and parameters; null means var.region."
}

variable "ssm_parameter_path_prefix" {
  type        = string
  default     = null
  description = "Optional SSM Parameter Store path the operator may read (parameter/<prefix>/*); null grants no SSM access."

  validation {
    condition     = var.ssm_parameter_path_prefix == null || (length(trim(coalesce(var.ssm_parameter_path_prefix, "-"), "/ ")) > 0 && !strcontains(coalesce(var.ssm_parameter_path_prefix, "-"), "*") && !strcontains(coalesce(var.ssm_parameter_path_prefix, "-"), "?"))
    error_message = "ssm_parameter_path_prefix must name a path such as \"/dev/apps\" (not empty, \"/\", * or ?), or be null to grant no SSM access."
  }
}

variable "kms_key_arns" {
  type        = list(string)
  default     = []
  description = "ARNs of the customer-managed KMS keys that encrypt those secrets/parameters; the role may kms:Decrypt only with these, only via Secrets Manager/SSM. Empty: secrets use the AWS-managed key."

  validation {
    condition     = alltrue([for arn in var.kms_key_arns : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$", arn))])
    error_message = "kms_key_arns must be full key ARNs (arn:aws:kms:<region>:<account>:key/<id>); aliases and wildcards are not allowed."
  }
}
