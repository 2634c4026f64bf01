variable "bucket" {
  type        = string
  description = "Bucket name (globally unique: components add the account ID)."

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket)) && !strcontains(var.bucket, "..")
    error_message = "bucket must be 3-63 lower-case letters, digits, dots or hyphens, starting and ending with a letter or digit (S3 bucket naming rules)."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "ARN of the customer-managed KMS key used as the bucket's default encryption (SSE-KMS with a bucket key)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be the ARN of a customer-managed KMS key (arn:aws:kms:<region>:<account>:key/<id>): buckets are never left on SSE-S3."
  }
}

variable "force_destroy" {
  type        = bool
  default     = false
  description = "Let Terraform delete the bucket while it still holds objects. Leave off for anything that must survive a mistaken destroy."
}

variable "lifecycle_rules" {
  type = list(object({
    id                                     = string
    prefix                                 = optional(string)
    transitions                            = optional(list(object({ days = number, storage_class = string })), [])
    expiration_days                        = optional(number)
    noncurrent_version_expiration_days     = optional(number)
    abort_incomplete_multipart_upload_days = optional(number, 7)
  }))
  default     = []
  description = "Lifecycle rules, each enabled, applied to the whole bucket or to prefix. Transitions move current versions to another storage class; expiration_days deletes them; noncurrent_version_expiration_days removes replaced versions."

  validation {
    condition = alltrue([
      for rule in var.lifecycle_rules : rule.expiration_days == null || alltrue([
        for transition in rule.transitions : transition.days < rule.expiration_days
      ])
    ])
    error_message = "lifecycle_rules: every transition must happen before the objects expire (transition days below expiration_days), or the objects are deleted before they move."
  }
}

variable "access_logs" {
  type = object({
    bucket = string
    prefix = string
  })
  default     = null
  description = "Where S3 writes server access logs for this bucket (a log bucket that grants logging.s3.amazonaws.com), or null for none."
}

variable "policy_documents" {
  type        = list(string)
  default     = []
  description = "Further bucket-policy statements as JSON policy documents (for example a log delivery service's write access), added after the bucket's own TLS and encryption rules. Their sids must be unique."
}

variable "tags" {
  type        = map(string)
  default     = {}
  description = "Tags of the bucket (the provider's default tags are added)."
}
