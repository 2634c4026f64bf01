# ---------------------------------------------------------------------------------------------
# The security group
# ---------------------------------------------------------------------------------------------

variable "vpc_id" {
  type        = string
  description = "ID of the VPC the security group belongs to (the vpc component's vpc_id output)."

  validation {
    condition     = can(regex("^vpc-[0-9a-f]{8,17}$", var.vpc_id))
    error_message = "vpc_id must be a VPC ID such as vpc-0123456789abcdef0."
  }
}

variable "vpc_cidr_block" {
  type        = string
  default     = null
  description = "CIDR of the VPC: the default source of the *_from_vpc templates when an entry gives no source of its own."

  validation {
    condition     = var.vpc_cidr_block == null || can(cidrhost(var.vpc_cidr_block, 0))
    error_message = "vpc_cidr_block must be an IPv4 CIDR such as 10.0.0.0/16, or null."
  }
}

variable "security_group_name" {
  type        = string
  default     = null
  description = "Name of the security group. Null: <name>-<environment>."
}

variable "security_group_description" {
  type        = string
  default     = null
  description = "Description of the security group (immutable: changing it replaces the group). Null: a generated one."
}

variable "security_group_tags" {
  type        = map(string)
  default     = {}
  description = "Extra tags for the security group and its rules."
}

# ---------------------------------------------------------------------------------------------
# Rules (see rules.tf for the templates)
# ---------------------------------------------------------------------------------------------

variable "ingress_templates" {
  type = list(object({
    template                 = string
    cidr_blocks              = optional(list(string))
    ipv6_cidr_blocks         = optional(list(string))
    source_security_group_id = optional(string)
    description              = optional(string)
  }))
  default     = []
  description = "Ingress rules from named templates (rules.tf). Sources given here replace the template's default source; one rule is created per CIDR or security group."

  validation {
    condition     = alltrue([for t in var.ingress_templates : contains(keys(local.rule_templates), t.template)])
    error_message = "Unknown ingress template(s) ${join(", ", [for t in var.ingress_templates : t.template if !contains(keys(local.rule_templates), t.template)])}. Valid templates: ${join(", ", sort(keys(local.rule_templates)))}."
  }

  validation {
    condition = alltrue(flatten([
      for t in var.ingress_templates : [
        for c in concat(coalesce(t.cidr_blocks, []), coalesce(t.ipv6_cidr_blocks, [])) : can(cidrhost(c, 0))
      ]
    ]))
    error_message = "Every cidr_blocks and ipv6_cidr_blocks entry of ingress_templates must be a CIDR such as 10.0.0.0/16 or 2001:db8::/32."
  }

  validation {
    condition     = alltrue([for t in var.ingress_templates : t.source_security_group_id == null || can(regex("^sg-[0-9a-f]{8,17}$", t.source_security_group_id))])
    error_message = "source_security_group_id in ingress_templates must be a security group ID such as sg-0123456789abcdef0."
  }
}

variable "custom_ingress_rules" {
  type = list(object({
    from_port                = number
    to_port                  = number
    protocol                 = string
    cidr_blocks              = optional(list(string))
    ipv6_cidr_blocks         = optional(list(string))
    source_security_group_id = optional(string)
    description              = optional(string)
  }))
  default     = []
  description = "Ingress rules no template covers. protocol is tcp, udp, icmp, icmpv6 or -1 (all; ports ignored). Each needs a source."

  validation {
    condition     = alltrue([for r in var.custom_ingress_rules : contains(["tcp", "udp", "icmp", "icmpv6", "-1"], r.protocol)])
    error_message = "custom_ingress_rules protocol must be tcp, udp, icmp, icmpv6 or -1."
  }

  validation {
    condition     = alltrue([for r in var.custom_ingress_rules : r.protocol == "-1" || (r.from_port >= -1 && r.to_port <= 65535 && r.from_port <= r.to_port)])
    error_message = "custom_ingress_rules ports must satisfy -1 <= from_port <= to_port <= 65535."
  }

  validation {
    condition = alltrue([
      for r in var.custom_ingress_rules :
      length(concat(coalesce(r.cidr_blocks, []), coalesce(r.ipv6_cidr_blocks, []))) > 0 || r.source_security_group_id != null
    ])
    error_message = "Each custom_ingress_rules entry needs a source: cidr_blocks, ipv6_cidr_blocks or source_security_group_id."
  }
}

variable "egress_rules" {
  type = list(object({
    from_port                     = number
    to_port                       = number
    protocol                      = string
    cidr_blocks                   = optional(list(string))
    ipv6_cidr_blocks              = optional(list(string))
    destination_security_group_id = optional(string)
    prefix_list_id                = optional(string)
    description                   = optional(string)
  }))
  default     = null
  description = "Egress rules. Null: HTTPS (tcp/443) to anywhere only. [] : no egress at all. (DNS to the VPC resolver and NTP to 169.254.169.123 are never filtered by security groups.)"

  validation {
    condition     = var.egress_rules == null || alltrue([for r in coalesce(var.egress_rules, []) : contains(["tcp", "udp", "icmp", "icmpv6", "-1"], r.protocol)])
    error_message = "egress_rules protocol must be tcp, udp, icmp, icmpv6 or -1."
  }

  validation {
    condition = var.egress_rules == null || alltrue([
      for r in coalesce(var.egress_rules, []) :
      length(concat(coalesce(r.cidr_blocks, []), coalesce(r.ipv6_cidr_blocks, []))) > 0 || r.destination_security_group_id != null || r.prefix_list_id != null
    ])
    error_message = "Each egress_rules entry needs a destination: cidr_blocks, ipv6_cidr_blocks, destination_security_group_id or prefix_list_id."
  }
}

variable "enforce_no_public_ingress" {
  type        = bool
  default     = false
  description = "Refuse to plan when any ingress rule is open to the whole internet (0.0.0.0/0 or ::/0). Detection and alarms work either way."
}

# ---------------------------------------------------------------------------------------------
# Audit logging and alarms (seed section 7)
# ---------------------------------------------------------------------------------------------

variable "enable_security_group_logging" {
  type        = bool
  default     = true
  description = "Record every security-group API call of the account and region (via CloudTrail events in EventBridge) in an encrypted log group. Enable it in one securitygroup instance per account and region."
}

variable "enable_security_group_alarms" {
  type        = bool
  default     = true
  description = "Alarm when an ingress rule open to the internet is created anywhere in the account (needs enable_security_group_logging)."
}

variable "log_retention_days" {
  type        = number
  default     = 90
  description = "Days the security-group audit log groups keep events. One of the values CloudWatch accepts (the log-group module validates it)."

  validation {
    condition     = var.environment != "prod" || var.log_retention_days >= 365
    error_message = "Security-group audit logs must be kept at least a year in prod: set log_retention_days = 365 or more."
  }
}

variable "kms_key_deletion_window_in_days" {
  type        = number
  default     = 30
  description = "Days KMS waits before deleting the component's keys once deletion is scheduled (7-30)."
}

variable "alarm_sns_topic_arn" {
  type        = string
  default     = null
  description = "Existing SNS topic for the public-ingress alarm. Null creates a KMS-encrypted topic."

  validation {
    condition     = var.alarm_sns_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_.-]+$", var.alarm_sns_topic_arn))
    error_message = "alarm_sns_topic_arn must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>) or null."
  }
}

variable "alarm_subscriptions" {
  type = list(object({
    protocol = string
    endpoint = string
  }))
  default     = []
  description = "Who the public-ingress alarm notifies: SNS subscriptions ({protocol, endpoint}) added to the alarm topic (created or given). Email endpoints must confirm the subscription before they receive anything."

  validation {
    condition     = alltrue([for s in var.alarm_subscriptions : contains(["email", "email-json", "http", "https", "sqs", "lambda", "sms"], s.protocol)])
    error_message = "alarm_subscriptions: protocol must be one of email, email-json, http, https, sqs, lambda, sms."
  }

  validation {
    condition     = length(distinct([for s in var.alarm_subscriptions : "${s.protocol}:${s.endpoint}"])) == length(var.alarm_subscriptions)
    error_message = "alarm_subscriptions: list each {protocol, endpoint} once."
  }
}

variable "alarm_period" {
  type        = number
  default     = 300
  description = "Seconds over which the public-ingress alarm sums its metric (a multiple of 60)."

  validation {
    condition     = var.alarm_period >= 60 && var.alarm_period % 60 == 0
    error_message = "alarm_period must be a multiple of 60 seconds, at least 60."
  }
}
