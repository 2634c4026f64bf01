# ---------------------------------------------------------------------------------------------
# Cluster identity (IRSA)
# ---------------------------------------------------------------------------------------------

variable "oidc_provider_arn" {
  type        = string
  description = "ARN of the EKS cluster's IAM OIDC provider (output of the eks component; modules/iam-role validates it)."
}

variable "oidc_provider_url" {
  type        = string
  description = "Issuer URL of the cluster's OIDC provider, with or without https:// (oidc.eks.<region>.amazonaws.com/id/<ID>; modules/iam-role validates it)."
}

# ---------------------------------------------------------------------------------------------
# Services
# ---------------------------------------------------------------------------------------------

variable "services" {
  type = map(object({
    namespace       = string
    service_account = optional(string)
    queues = optional(map(object({
      fifo                       = optional(bool, false)
      visibility_timeout_seconds = optional(number, 30)
      message_retention_seconds  = optional(number, 345600)
      max_receive_count          = optional(number, 5)
    })), {})
    topics                = optional(list(string), [])
    bucket_names          = optional(list(string), [])
    secret_names          = optional(list(string), [])
    create_ecr_repository = optional(bool, true)
  }))
  default     = {}
  description = <<-EOT
    Backend services running on EKS, by service name. Each gets an IAM role for its service
    account (namespace/service_account; service_account defaults to the service name) that may
    use only its own SQS queues (created here, each with a dead-letter queue), its own SNS topics
    (created here), the listed existing S3 buckets and Secrets Manager secrets (exact names), and
    an ECR repository for its image (create_ecr_repository, default true).
  EOT

  validation {
    condition     = alltrue([for name, _ in var.services : can(regex("^[a-z][a-z0-9-]{0,29}[a-z0-9]$", name))])
    error_message = "services keys must be 2-31 lower-case letters, digits or hyphens, starting with a letter (they name roles, queues and repositories)."
  }

  validation {
    condition = alltrue([for s in var.services : can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", s.namespace)) && (
    s.service_account == null || can(regex("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$", coalesce(s.service_account, "x"))))])
    error_message = "Each service's namespace and service_account must be Kubernetes names (lower-case letters, digits, '-'), without wildcards: the role trusts exactly that service account."
  }

  validation {
    condition     = alltrue(flatten([for s in var.services : [for q, _ in s.queues : can(regex("^[a-z0-9][a-z0-9-_]{0,29}$", q))]]))
    error_message = "Each queue's key under queues must be 1-30 characters (a-z, 0-9, - or _, starting with a letter or digit): it names the queue and its dead-letter queue. modules/sqs-queue checks the numbers (max_receive_count 1-1000, visibility_timeout_seconds 0-43200, message_retention_seconds 60-1209600)."
  }

  validation {
    condition     = alltrue(flatten([for s in var.services : [for t in s.topics : can(regex("^[a-zA-Z0-9_-]{1,40}$", t))]]))
    error_message = "Topic names must be 1-40 letters, digits, '-' or '_'."
  }

  validation {
    condition     = alltrue(flatten([for s in var.services : [for b in s.bucket_names : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", b))]]))
    error_message = "bucket_names must be exact S3 bucket names (3-63 lower-case letters, digits, '.' or '-'); wildcards are not allowed."
  }

  validation {
    condition     = alltrue(flatten([for s in var.services : [for n in s.secret_names : can(regex("^[A-Za-z0-9/_+=.@-]{1,512}$", n))]]))
    error_message = "secret_names must be exact Secrets Manager secret names (letters, digits and /_+=.@-); wildcards such as * or ? are not allowed."
  }
}

variable "role_permissions_boundary_arn" {
  type        = string
  default     = null
  description = "Optional permissions boundary attached to every service role."
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
# Queues
# ---------------------------------------------------------------------------------------------

variable "dlq_message_retention_seconds" {
  type        = number
  default     = 1209600
  description = "How long dead-letter queues keep messages (60-1209600 seconds, default 14 days, the SQS maximum; modules/sqs-queue checks the range)."
}

# ---------------------------------------------------------------------------------------------
# ECR
# ---------------------------------------------------------------------------------------------

variable "ecr_image_retention_count" {
  type        = number
  default     = 30
  description = "Lifecycle policy: keep at most this many images per repository (at least 1; modules/ecr-repository validates it)."
}

variable "ecr_untagged_image_expiry_days" {
  type        = number
  default     = 7
  description = "Lifecycle policy: expire untagged images after this many days (at least 1; modules/ecr-repository validates it)."
}

variable "ecr_force_delete" {
  type        = bool
  default     = false
  description = "Delete repositories even when they still hold images. Never in prod."

  validation {
    condition     = var.environment != "prod" || !var.ecr_force_delete
    error_message = "Prod repositories must not be deleted with their images: set ecr_force_delete = false."
  }
}

variable "enable_dlq_redrive_allow_policy" {
  type        = bool
  default     = true
  description = "Restrict each dead-letter queue to its own source queue (an SQS redrive allow policy). Keep it on; only an emulator that does not implement RedriveAllowPolicy (moto) needs false: the provider would wait for the attribute until it times out."
}
