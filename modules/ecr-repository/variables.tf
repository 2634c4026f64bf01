variable "repositories" {
  type = map(object({
    name = string
    tags = optional(map(string), {})
  }))
  nullable    = false
  description = "Repositories to manage: a key known at plan time (a service name, \"portal\") -> the repository name (e.g. shop-dev/orders) and tags of its own, merged over tags. An empty map manages nothing."

  validation {
    condition     = alltrue([for r in values(var.repositories) : length(r.name) >= 2 && length(r.name) <= 256 && can(regex("^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$", r.name))])
    error_message = "repositories: every name must be an ECR repository name: 2-256 lower-case letters, digits, '.', '_', '-' and '/', each '/'-separated part starting and ending with a letter or digit (e.g. shop-dev/orders)."
  }

  validation {
    condition     = length(distinct([for r in values(var.repositories) : r.name])) == length(var.repositories)
    error_message = "repositories: two keys name the same repository; give every repository its own name."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "ARN of the customer-managed KMS key that encrypts the images (arn:aws:kms:<region>:<account>:key/<id>; ECR uses it through the caller's IAM, no key-policy statement is needed). Null only when repositories is empty."

  validation {
    condition     = var.kms_key_arn == null ? length(var.repositories) == 0 : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be the ARN of a customer-managed KMS key (arn:aws:kms:<region>:<account>:key/<id>), not an alias such as alias/aws/ecr: repositories are never left with ECR's default encryption. It may be null only when repositories is empty."
  }
}

variable "untagged_image_expiry_days" {
  type        = number
  default     = 7
  nullable    = false
  description = "Lifecycle policy: expire untagged images this many days after they were pushed (components pass their ecr_untagged_image_expiry_days)."

  validation {
    condition     = var.untagged_image_expiry_days >= 1 && floor(var.untagged_image_expiry_days) == var.untagged_image_expiry_days
    error_message = "untagged_image_expiry_days (a component's ecr_untagged_image_expiry_days) must be a whole number of days, at least 1: an ECR lifecycle rule counts days since the push, and 0 is not \"never\"."
  }
}

variable "image_retention_count" {
  type        = number
  default     = 30
  nullable    = false
  description = "Lifecycle policy: keep at most this many images per repository, the newest (components pass their ecr_image_retention_count)."

  validation {
    condition     = var.image_retention_count >= 1 && floor(var.image_retention_count) == var.image_retention_count
    error_message = "image_retention_count (a component's ecr_image_retention_count) must be a whole number, at least 1: keeping 0 images would let the lifecycle policy expire every image, the running one included."
  }
}

variable "force_delete" {
  type        = bool
  default     = false
  nullable    = false
  description = "Delete a repository even when it still holds images (its images are lost). Keep false outside throw-away stacks; a component refuses it in prod."
}

variable "tags" {
  type        = map(string)
  default     = {}
  nullable    = false
  description = "Tags of every repository (the provider's default tags are added; a repository's own tags are merged over these)."
}
