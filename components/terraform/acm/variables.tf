variable "domain_name" {
  type        = string
  description = "Primary domain of the certificate (for example app.example.com or *.example.com)."

  validation {
    condition     = can(regex("^(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain_name))
    error_message = "domain_name must be a lower-case fully qualified domain name, optionally starting with \"*.\" (for example app.example.com)."
  }
}

variable "subject_alternative_names" {
  type        = list(string)
  default     = []
  description = "Additional domains the certificate covers (SANs). The primary domain_name is added automatically."

  validation {
    condition = alltrue([
      for san in var.subject_alternative_names :
      can(regex("^(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", san))
    ])
    error_message = "Every subject_alternative_names entry must be a lower-case fully qualified domain name, optionally starting with \"*.\"."
  }
}

variable "key_algorithm" {
  type        = string
  default     = "RSA_2048"
  description = "Key algorithm of the certificate: RSA_2048, EC_prime256v1 or EC_secp384r1 (the ones ACM can issue for DNS-validated certificates)."

  validation {
    condition     = contains(["RSA_2048", "EC_prime256v1", "EC_secp384r1"], var.key_algorithm)
    error_message = "key_algorithm must be RSA_2048, EC_prime256v1 or EC_secp384r1."
  }
}

variable "zone_id" {
  type        = string
  default     = null
  description = "Route 53 hosted zone ID in which to create the DNS validation records. Null: records are not created (output validation_records and create them where the zone lives)."

  validation {
    condition     = var.zone_id == null || can(regex("^Z[A-Z0-9]{1,31}$", var.zone_id))
    error_message = "zone_id must be a Route 53 hosted zone ID such as Z0123456789ABCDEFGHIJ, or null to skip creating validation records."
  }
}

variable "validation_record_ttl" {
  type        = number
  default     = 60
  description = "TTL in seconds of the DNS validation records."
}

variable "wait_for_validation" {
  type        = bool
  default     = true
  description = "Wait (aws_acm_certificate_validation) until ACM has issued the certificate. Only used when zone_id is set."
}

variable "certificate_transparency_logging" {
  type        = bool
  default     = true
  description = "Log the certificate to public certificate transparency logs. Browsers reject certificates that are not logged; disable only for private names."
}

variable "enable_expiry_alarm" {
  type        = bool
  default     = true
  description = "Create a CloudWatch alarm on AWS/CertificateManager DaysToExpiry (catches certificates ACM cannot renew, e.g. a validation record was deleted)."
}

variable "expiry_alarm_days_threshold" {
  type        = number
  default     = 30
  description = "Alarm when the certificate expires in fewer than this many days. ACM starts renewing 60 days before expiry, so an issued, renewable certificate never gets this low."

  validation {
    condition     = var.expiry_alarm_days_threshold >= 1 && var.expiry_alarm_days_threshold <= 45
    error_message = "expiry_alarm_days_threshold must be between 1 and 45 days (ACM renews from 60 days before expiry; a higher value alarms during normal renewal)."
  }
}

variable "expiry_alarm_actions" {
  type        = list(string)
  default     = []
  description = "ARNs (SNS topics) notified when the expiry alarm fires and when it recovers. Required in prod."

  validation {
    condition     = var.environment != "prod" || !var.enable_expiry_alarm || length(var.expiry_alarm_actions) > 0
    error_message = "In prod the certificate expiry alarm must notify someone: set expiry_alarm_actions to an SNS topic ARN."
  }
}

variable "certificate_tags" {
  type        = map(string)
  default     = {}
  description = "Extra tags for the certificate."
}
