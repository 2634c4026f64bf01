variable "name" {
  type        = string
  description = "Topic name, e.g. core-dev-backup-events."

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,256}$", var.name))
    error_message = "name must be 1-256 letters, digits, hyphens or underscores (SNS topic names; FIFO topics are not supported here)."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "ARN of the customer-managed KMS key that encrypts messages at rest. Every publishing service needs kms:GenerateDataKey* and kms:Decrypt on it."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be the ARN of a customer-managed KMS key (arn:aws:kms:<region>:<account>:key/<id>): topics are never left unencrypted or on the AWS managed key, which services cannot be granted."
  }
}

variable "publishers" {
  type = list(object({
    sid         = string
    services    = list(string)
    source_arns = optional(list(string), [])
  }))
  default     = []
  description = "AWS services allowed to publish, each in its own statement scoped to this account (aws:SourceAccount) and, when source_arns is set, to those resources (aws:SourceArn, wildcards allowed). Every other publisher needs IAM permissions in this account."

  validation {
    condition     = length(distinct([for p in var.publishers : p.sid])) == length(var.publishers)
    error_message = "publishers: every statement needs its own sid (a repeated sid would silently replace the earlier statement)."
  }

  validation {
    condition     = alltrue([for p in var.publishers : length(p.services) > 0 && alltrue([for s in p.services : endswith(s, ".amazonaws.com")])])
    error_message = "publishers: services must be AWS service principals such as cloudwatch.amazonaws.com; grant accounts and roles through IAM instead."
  }
}

variable "tags" {
  type        = map(string)
  default     = {}
  description = "Tags of the topic (the provider's default tags are added)."
}
