variable "name" {
  type        = string
  description = "Role name, e.g. core-dev-ebs-csi-driver."

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.name))
    error_message = "name must be 1-64 letters, digits or +=,.@_- (IAM role names)."
  }
}

variable "description" {
  type        = string
  description = "What the role is for: which workload in which cluster."
}

variable "oidc_provider_arn" {
  type        = string
  description = "ARN of the EKS cluster's IAM OIDC provider (output of the eks component)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/.+$", var.oidc_provider_arn))
    error_message = "oidc_provider_arn must be an IAM OIDC provider ARN: arn:aws:iam::<account>:oidc-provider/<issuer host and path>."
  }
}

variable "oidc_provider_url" {
  type        = string
  description = "Issuer URL of the cluster's OIDC provider, with or without https:// (oidc.eks.<region>.amazonaws.com/id/<ID>)."

  validation {
    condition     = length(trimprefix(var.oidc_provider_url, "https://")) > 0 && !strcontains(var.oidc_provider_url, "*")
    error_message = "oidc_provider_url must be the cluster's OIDC issuer (oidc.eks.<region>.amazonaws.com/id/<ID>), without wildcards."
  }
}

variable "service_accounts" {
  type = list(object({
    namespace = string
    name      = string
  }))
  description = "Kubernetes service accounts that may assume the role (exact names: the trust policy never uses wildcards)."

  validation {
    condition     = length(var.service_accounts) > 0 && alltrue([for sa in var.service_accounts : can(regex("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", sa.namespace)) && can(regex("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", sa.name))])
    error_message = "service_accounts: name at least one, each with a Kubernetes namespace and service-account name (lower-case letters, digits, '-' and '.'; no wildcards)."
  }
}

variable "inline_policies" {
  type        = map(string)
  default     = {}
  description = "Inline policies of the role: name -> JSON policy document (least privilege: scope every statement to the workload's resources)."
}

variable "managed_policy_arns" {
  type        = map(string)
  default     = {}
  description = "Managed policies to attach: a key known at plan time -> policy ARN."
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
  description = "Tags of the role (the provider's default tags are added)."
}
