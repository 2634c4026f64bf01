variable "name" {
  type        = string
  description = "Log group name, e.g. /aws/vpc-flow-logs/core-dev."
}

variable "retention_in_days" {
  type        = number
  description = "Days CloudWatch Logs keeps the events: one of the values CloudWatch accepts."

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.retention_in_days)
    error_message = "Log retention must be one of the values CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653 days."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "ARN of the customer-managed KMS key that encrypts the events. Its key policy must let logs.<region>.amazonaws.com use it for this log group."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be the ARN of a customer-managed KMS key (arn:aws:kms:<region>:<account>:key/<id>): log groups are never left with CloudWatch's default encryption."
  }
}

variable "tags" {
  type        = map(string)
  default     = {}
  description = "Tags of the log group (the provider's default tags are added)."
}
