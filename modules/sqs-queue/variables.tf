variable "queues" {
  type = map(object({
    name                       = string
    fifo                       = optional(bool, false)
    visibility_timeout_seconds = optional(number, 30)
    message_retention_seconds  = optional(number, 345600)
    dead_letter = optional(object({
      name                      = string
      max_receive_count         = number
      message_retention_seconds = optional(number, 1209600)
    }))
    tags = optional(map(string), {})
  }))
  nullable    = false
  description = "Queues to manage: a key known at plan time (\"orders.events\", \"dlq\") -> the queue's name (with .fifo for a FIFO queue), its timeouts, tags of its own merged over tags, and optionally its dead-letter queue (name, how many receives before a message moves there, how long it is kept there; the dead-letter queue is FIFO when its queue is). An empty map manages nothing."

  validation {
    condition = alltrue(flatten([
      for q in values(var.queues) : [
        for name in compact([q.name, try(q.dead_letter.name, null)]) :
        can(regex("^[A-Za-z0-9_-]+(\\.fifo)?$", name)) && length(name) <= 80 && endswith(name, ".fifo") == q.fifo
      ]
    ]))
    error_message = "queues: every queue and dead-letter queue name must be 1-80 letters, digits, hyphens or underscores, ending in .fifo exactly when the queue is FIFO (fifo = true; its dead-letter queue is FIFO too)."
  }

  validation {
    condition     = length(distinct(flatten([for q in values(var.queues) : compact([q.name, try(q.dead_letter.name, null)])]))) == length(flatten([for q in values(var.queues) : compact([q.name, try(q.dead_letter.name, null)])]))
    error_message = "queues: two queues (or a queue and a dead-letter queue) have the same name; give every queue its own."
  }

  validation {
    condition = alltrue(flatten([
      for q in values(var.queues) : [
        for seconds in concat([q.message_retention_seconds], q.dead_letter == null ? [] : [q.dead_letter.message_retention_seconds]) :
        seconds >= 60 && seconds <= 1209600 && floor(seconds) == seconds
      ]
    ]))
    error_message = "queues: message_retention_seconds (a queue's or its dead-letter queue's; a component's dlq_message_retention_seconds) must be a whole number from 60 to 1209600 seconds: SQS keeps messages at least one minute and at most 14 days."
  }

  validation {
    condition     = alltrue([for q in values(var.queues) : q.visibility_timeout_seconds >= 0 && q.visibility_timeout_seconds <= 43200 && floor(q.visibility_timeout_seconds) == q.visibility_timeout_seconds])
    error_message = "queues: visibility_timeout_seconds must be a whole number from 0 to 43200 seconds (12 hours, the SQS maximum)."
  }

  validation {
    condition     = alltrue([for q in values(var.queues) : q.dead_letter == null || (try(q.dead_letter.max_receive_count >= 1 && q.dead_letter.max_receive_count <= 1000 && floor(q.dead_letter.max_receive_count) == q.dead_letter.max_receive_count, false))])
    error_message = "queues: a dead-letter queue's max_receive_count must be a whole number from 1 to 1000: the number of receives after which SQS moves a message there."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "ARN of the customer-managed KMS key that encrypts the messages (arn:aws:kms:<region>:<account>:key/<id>). A service that sends to the queues (SNS, EventBridge) needs kms:GenerateDataKey* and kms:Decrypt on it. Null only when queues is empty."

  validation {
    condition     = var.kms_key_arn == null ? length(var.queues) == 0 : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be the ARN of a customer-managed KMS key (arn:aws:kms:<region>:<account>:key/<id>), not an alias such as alias/aws/sqs or SQS-managed encryption, which services cannot be granted. It may be null only when queues is empty."
  }
}

variable "kms_data_key_reuse_period_seconds" {
  type        = number
  default     = 300
  nullable    = false
  description = "How long SQS reuses a data key before asking KMS again (60-86400 seconds). Longer means fewer KMS requests and a longer window for one data key."

  validation {
    condition     = var.kms_data_key_reuse_period_seconds >= 60 && var.kms_data_key_reuse_period_seconds <= 86400
    error_message = "kms_data_key_reuse_period_seconds must be from 60 to 86400 seconds (SQS's limits)."
  }
}

variable "restrict_dead_letter_sources" {
  type        = bool
  default     = true
  nullable    = false
  description = "Let only its own queue move messages to each dead-letter queue (an SQS redrive allow policy). Keep it on; only an emulator that does not implement RedriveAllowPolicy (moto) needs false."
}

variable "tags" {
  type        = map(string)
  default     = {}
  nullable    = false
  description = "Tags of every queue, under each queue's own tags and its Name (the provider's default tags are added)."
}
