variable "zones" {
  type = map(object({
    domain_name          = string
    comment              = optional(string)
    private              = optional(bool, false)
    vpc_ids              = optional(list(string), [])
    enable_query_logging = optional(bool)
    enable_dnssec        = optional(bool, false)
    force_destroy        = optional(bool, false)
  }))
  default     = {}
  description = <<-EOT
    Hosted zones, keyed by a short name used in resource names and by records[*].zone.
    domain_name: the zone's domain. private: a private zone associated with vpc_ids (in var.region).
    enable_query_logging: public zones only; null means on. enable_dnssec: public zones only.
    force_destroy: delete the zone's records on destroy (default false).
  EOT

  validation {
    condition     = alltrue([for key in keys(var.zones) : can(regex("^[a-z0-9][a-z0-9_-]{0,39}$", key))])
    error_message = "zones keys must be 1-40 lower-case letters, digits, hyphens or underscores (they are used in resource names)."
  }

  validation {
    condition = alltrue([
      for zone in values(var.zones) :
      can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z][a-z0-9-]{0,62}\\.?$", zone.domain_name))
    ])
    error_message = "Every zones[*].domain_name must be a lower-case domain name such as example.com."
  }

  validation {
    condition     = alltrue([for zone in values(var.zones) : zone.private == (length(zone.vpc_ids) > 0)])
    error_message = "A private zone needs at least one VPC and a public zone none: set vpc_ids only on zones with private = true."
  }

  validation {
    condition = alltrue([
      for zone in values(var.zones) :
      !zone.private || (!zone.enable_dnssec && zone.enable_query_logging != true)
    ])
    error_message = "Route 53 supports DNSSEC signing and public query logging only on public zones: set enable_dnssec = false and leave enable_query_logging null on private zones (use Resolver query logging for VPCs)."
  }

  validation {
    condition = var.environment != "prod" || alltrue([
      for zone in values(var.zones) : zone.private || zone.enable_query_logging != false
    ])
    error_message = "Public zones in prod must log DNS queries: remove enable_query_logging = false from every public zone."
  }
}

variable "records" {
  type = map(object({
    zone    = string
    name    = string
    type    = string
    ttl     = optional(number, 300)
    records = optional(list(string))
    alias = optional(object({
      name                   = string
      zone_id                = string
      evaluate_target_health = optional(bool, false)
    }))
  }))
  default     = {}
  description = <<-EOT
    DNS records, keyed by any stable name. zone: a key of var.zones. name: relative to the zone
    ("www") or fully qualified; "" is the apex. Set either records (with ttl) or alias (an AWS
    target such as a load balancer or CloudFront distribution), not both.
  EOT

  validation {
    condition     = alltrue([for record in values(var.records) : contains(keys(var.zones), record.zone)])
    error_message = "Every records[*].zone must be a key of var.zones."
  }

  validation {
    condition     = alltrue([for record in values(var.records) : (record.records == null) != (record.alias == null)])
    error_message = "Each record needs exactly one of records (a list of values) or alias (an AWS target)."
  }

  validation {
    condition = alltrue([
      for record in values(var.records) :
      contains(["A", "AAAA", "CAA", "CNAME", "DS", "HTTPS", "MX", "NAPTR", "NS", "PTR", "SPF", "SRV", "SSHFP", "SVCB", "TLSA", "TXT"], record.type)
    ])
    error_message = "records[*].type must be a Route 53 record type: A, AAAA, CAA, CNAME, DS, HTTPS, MX, NAPTR, NS, PTR, SPF, SRV, SSHFP, SVCB, TLSA or TXT."
  }
}

variable "query_log_retention_days" {
  type        = number
  default     = 365
  description = "Retention in days of the query log groups."
}

variable "kms_key_deletion_window_in_days" {
  type        = number
  default     = 30
  description = "Days KMS waits before deleting the component's keys once deletion is scheduled (7-30)."
}

variable "zone_tags" {
  type        = map(string)
  default     = {}
  description = "Extra tags for the hosted zones."
}

variable "query_log_group_arn_wildcard" {
  type        = bool
  default     = false
  description = "Give Route 53 the query log group's ARN with the \":*\" suffix DescribeLogGroups shows. False (default): the plain log group ARN. True only for emulators: moto 5.2.5 recognises a log group only in that form."
}
