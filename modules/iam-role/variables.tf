variable "name" {
  type        = string
  description = "Role name, e.g. core-dev-backup or core-dev-ebs-csi-driver."

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.name))
    error_message = "name must be 1-64 letters, digits or +=,.@_- (IAM role names)."
  }
}

variable "description" {
  type        = string
  default     = null
  description = "What the role is for (which service or workload, in which stack or cluster), or null."
}

# Who assumes the role: AWS services, or Kubernetes service accounts of one cluster.

variable "services" {
  type        = list(string)
  default     = []
  description = "AWS service principals that may assume the role, e.g. [\"backup.amazonaws.com\"]. Either these or service_accounts."

  validation {
    condition     = alltrue([for s in var.services : can(regex("^[a-z0-9][a-z0-9.-]*\\.amazonaws\\.com(\\.cn)?$", s))])
    error_message = "services must be AWS service principals such as backup.amazonaws.com (no wildcards, no account or role ARNs: those are not services)."
  }

  validation {
    condition     = (length(var.services) > 0) != (length(var.service_accounts) > 0)
    error_message = "Say who assumes the role, one of the two: services (AWS service principals) or service_accounts (Kubernetes service accounts, with oidc_provider_arn and oidc_provider_url)."
  }
}

variable "source_account" {
  type        = string
  default     = null
  description = "Account ID the service must act for (aws:SourceAccount, the confused-deputy protection). Null only where the service does not send the key when it assumes the role, as for EC2 instance roles."

  validation {
    condition     = var.source_account == null || can(regex("^[0-9]{12}$", coalesce(var.source_account, "-")))
    error_message = "source_account must be a 12-digit AWS account ID, or null."
  }

  validation {
    condition     = var.source_account == null || length(var.services) > 0
    error_message = "source_account and source_arns narrow a service's trust: they go with services, not with service_accounts."
  }
}

variable "source_arns" {
  type        = list(string)
  default     = []
  description = "ARN patterns of the resources the service must act for (aws:SourceArn, ArnLike), e.g. arn:aws:ec2:us-east-1:123456789012:vpc-flow-log/*."

  validation {
    condition     = alltrue([for a in var.source_arns : can(regex("^arn:aws[a-z-]*:[a-z0-9-]+:", a))])
    error_message = "source_arns must be ARNs or ARN patterns (arn:aws:<service>:...)."
  }

  validation {
    condition     = length(var.source_arns) == 0 || length(var.services) > 0
    error_message = "source_account and source_arns narrow a service's trust: they go with services, not with service_accounts."
  }
}

variable "service_accounts" {
  type = list(object({
    namespace = string
    name      = string
  }))
  default     = []
  description = "Kubernetes service accounts that may assume the role through the cluster's OIDC provider (exact names: the trust never uses wildcards). Either these or services."

  validation {
    condition     = alltrue([for sa in var.service_accounts : can(regex("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", sa.namespace)) && can(regex("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", sa.name))])
    error_message = "service_accounts: each needs a Kubernetes namespace and service-account name (lower-case letters, digits, '-' and '.'; no wildcards)."
  }
}

variable "oidc_provider_arn" {
  type        = string
  default     = null
  description = "With service_accounts: ARN of the EKS cluster's IAM OIDC provider (output of the eks component)."

  validation {
    condition     = var.oidc_provider_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/.+$", coalesce(var.oidc_provider_arn, "-")))
    error_message = "oidc_provider_arn must be an IAM OIDC provider ARN: arn:aws:iam::<account>:oidc-provider/<issuer host and path>."
  }

  validation {
    condition     = (var.oidc_provider_arn != null && var.oidc_provider_url != null) == (length(var.service_accounts) > 0)
    error_message = "oidc_provider_arn and oidc_provider_url go with service_accounts: give all three for a Kubernetes service-account role, none for a service role."
  }
}

variable "oidc_provider_url" {
  type        = string
  default     = null
  description = "With service_accounts: issuer URL of the cluster's OIDC provider, with or without https:// (oidc.eks.<region>.amazonaws.com/id/<ID>)."

  validation {
    condition     = var.oidc_provider_url == null || (length(trimprefix(coalesce(var.oidc_provider_url, "-"), "https://")) > 0 && !strcontains(coalesce(var.oidc_provider_url, "-"), "*"))
    error_message = "oidc_provider_url must be the cluster's OIDC issuer (oidc.eks.<region>.amazonaws.com/id/<ID>), without wildcards."
  }
}

variable "inline_policies" {
  type        = map(string)
  default     = {}
  description = "Inline policies of the role: name (known at plan time) -> JSON policy document. Scope every statement to the resources the service works on."
}

variable "inline_policy_names" {
  type        = map(string)
  default     = {}
  description = "Policy names that differ from their inline_policies key: key -> name. For a name built from the stack (rotate-<name>-<environment>): the key, and so the resource address, stays the same in every stack."

  validation {
    condition     = alltrue([for k, n in var.inline_policy_names : contains(keys(var.inline_policies), k) && can(regex("^[A-Za-z0-9+=,.@_-]{1,128}$", n))])
    error_message = "inline_policy_names: every key must be a key of inline_policies, and every name 1-128 letters, digits or +=,.@_- (IAM policy names)."
  }
}

variable "managed_policy_arns" {
  type        = map(string)
  default     = {}
  description = "Managed policies to attach: a key known at plan time -> policy ARN."
}

variable "create_instance_profile" {
  type        = bool
  default     = false
  description = "Also create an instance profile of the same name (for EC2 instances)."
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
  description = "Tags of the role and instance profile (the provider's default tags are added)."
}
