# ---------------------------------------------------------------------------------------------
# Network
# ---------------------------------------------------------------------------------------------

variable "vpc_cidr_block" {
  type        = string
  default     = "10.0.0.0/16"
  description = "IPv4 CIDR block of the VPC, /16 to /24."

  validation {
    condition     = can(cidrhost(var.vpc_cidr_block, 0)) && try(tonumber(split("/", var.vpc_cidr_block)[1]) >= 16 && tonumber(split("/", var.vpc_cidr_block)[1]) <= 24, false)
    error_message = "vpc_cidr_block must be an IPv4 CIDR between /16 and /24, e.g. 10.0.0.0/16."
  }
}

variable "availability_zone_count" {
  type        = number
  default     = 2
  description = "Number of availability zones to spread the public and private subnets over (1-6)."

  validation {
    condition     = var.availability_zone_count >= 1 && var.availability_zone_count <= 6 && floor(var.availability_zone_count) == var.availability_zone_count
    error_message = "availability_zone_count must be a whole number from 1 to 6."
  }

  validation {
    condition     = var.environment != "prod" || var.availability_zone_count >= 2
    error_message = "A prod VPC must span at least two availability zones: set availability_zone_count = 2 or more."
  }
}

variable "subnet_newbits" {
  type        = number
  default     = 4
  description = "Bits added to the VPC prefix for each computed subnet (4 turns a /16 into /20 subnets). Ignored for subnets given explicitly."

  validation {
    condition     = var.subnet_newbits >= 2 && var.subnet_newbits <= 8
    error_message = "subnet_newbits must be from 2 to 8 (public subnets use indexes 0-5, private ones 2^(newbits-1) onwards)."
  }
}

variable "public_subnet_cidrs" {
  type        = list(string)
  default     = null
  description = "Explicit public subnet CIDRs, one per availability zone. Null computes them from vpc_cidr_block."

  validation {
    condition     = var.public_subnet_cidrs == null || try(length(var.public_subnet_cidrs) == var.availability_zone_count, false)
    error_message = "public_subnet_cidrs must list exactly one CIDR per availability zone (availability_zone_count), or be null."
  }
}

variable "private_subnet_cidrs" {
  type        = list(string)
  default     = null
  description = "Explicit private subnet CIDRs, one per availability zone. Null computes them from vpc_cidr_block."

  validation {
    condition     = var.private_subnet_cidrs == null || try(length(var.private_subnet_cidrs) == var.availability_zone_count, false)
    error_message = "private_subnet_cidrs must list exactly one CIDR per availability zone (availability_zone_count), or be null."
  }
}

variable "map_public_ip_on_launch" {
  type        = bool
  default     = false
  description = "Give instances launched in public subnets a public IPv4 address. Off: attach an EIP or use a load balancer instead."
}

variable "enable_nat_gateway" {
  type        = bool
  default     = true
  description = "Create NAT gateway(s) so private subnets reach the internet."
}

variable "single_nat_gateway" {
  type        = bool
  default     = false
  description = "One NAT gateway shared by every AZ (cheaper, but an AZ outage cuts egress for all). False: one per AZ."
}

variable "enable_dns_hostnames" {
  type        = bool
  default     = true
  description = "Enable DNS hostnames in the VPC (needed by interface endpoints and private hosted zones)."
}

variable "vpc_tags" {
  type        = map(string)
  default     = {}
  description = "Extra tags for the VPC."
}

variable "public_subnet_tags" {
  type        = map(string)
  default     = {}
  description = "Extra tags for public subnets (e.g. kubernetes.io/role/elb = 1)."
}

variable "private_subnet_tags" {
  type        = map(string)
  default     = {}
  description = "Extra tags for private subnets (e.g. kubernetes.io/role/internal-elb = 1)."
}

# ---------------------------------------------------------------------------------------------
# Flow logs (seed section 1)
# ---------------------------------------------------------------------------------------------

variable "enable_flow_logs" {
  type        = bool
  default     = true
  description = "Capture VPC Flow Logs (traffic type ALL) to an encrypted CloudWatch log group."

  validation {
    condition     = var.enable_flow_logs || var.environment != "prod"
    error_message = "Flow logs are required in prod: set enable_flow_logs = true."
  }
}

variable "flow_logs_retention_days" {
  type        = number
  default     = 30
  description = "Days CloudWatch Logs keeps flow-log records. One of the values CloudWatch accepts (the log-group module validates it)."
}

variable "kms_key_deletion_window_in_days" {
  type        = number
  default     = 30
  description = "Days KMS waits before deleting the component's keys once deletion is scheduled (7-30)."
}

variable "flow_logs_aggregation_interval" {
  type        = number
  default     = 600
  description = "Maximum seconds a flow is aggregated into one record: 60 or 600."

  validation {
    condition     = contains([60, 600], var.flow_logs_aggregation_interval)
    error_message = "flow_logs_aggregation_interval must be 60 or 600 seconds."
  }
}

variable "flow_logs_log_group_tags" {
  type        = map(string)
  default     = {}
  description = "Extra tags for the flow-logs log group."
}

# ---------------------------------------------------------------------------------------------
# Flow-log security alarms
# ---------------------------------------------------------------------------------------------

variable "enable_flow_logs_alarms" {
  type        = bool
  default     = true
  description = "Create the five security metric filters (SSH, RDP, rejected, large transfer, port scan) and their alarms."
}

variable "ssh_access_alarm_threshold" {
  type        = number
  default     = 50
  description = "Inbound TCP/22 flow records (accepted or rejected) per alarm period that raise the SSH alarm."

  validation {
    condition     = var.ssh_access_alarm_threshold >= 1
    error_message = "ssh_access_alarm_threshold must be at least 1."
  }
}

variable "rdp_access_alarm_threshold" {
  type        = number
  default     = 50
  description = "Inbound TCP/3389 flow records (accepted or rejected) per alarm period that raise the RDP alarm."

  validation {
    condition     = var.rdp_access_alarm_threshold >= 1
    error_message = "rdp_access_alarm_threshold must be at least 1."
  }
}

variable "rejected_connections_alarm_threshold" {
  type        = number
  default     = 100
  description = "REJECT flow records per alarm period that raise the rejected-connections alarm."

  validation {
    condition     = var.rejected_connections_alarm_threshold >= 1
    error_message = "rejected_connections_alarm_threshold must be at least 1."
  }
}

variable "large_transfer_bytes_threshold" {
  type        = number
  default     = 1073741824
  description = "Bytes in one accepted outbound flow record (one aggregation interval) that count as a large transfer. Default 1 GiB."

  validation {
    condition     = var.large_transfer_bytes_threshold >= 1048576 && floor(var.large_transfer_bytes_threshold) == var.large_transfer_bytes_threshold
    error_message = "large_transfer_bytes_threshold must be a whole number of bytes, at least 1048576 (1 MiB)."
  }
}

variable "large_transfer_alarm_threshold" {
  type        = number
  default     = 1
  description = "Large-transfer records per alarm period that raise the possible-exfiltration alarm."

  validation {
    condition     = var.large_transfer_alarm_threshold >= 1
    error_message = "large_transfer_alarm_threshold must be at least 1."
  }
}

variable "port_scan_alarm_threshold" {
  type        = number
  default     = 200
  description = "Inbound rejected TCP records to ports outside port_scan_service_ports per alarm period that raise the port-scan alarm."

  validation {
    condition     = var.port_scan_alarm_threshold >= 1
    error_message = "port_scan_alarm_threshold must be at least 1."
  }
}

variable "port_scan_service_ports" {
  type        = list(number)
  default     = [22, 80, 443, 3389]
  description = "Destination ports whose rejected traffic is not counted as port scanning (they have their own alarms or are normal noise)."

  validation {
    condition     = alltrue([for p in var.port_scan_service_ports : p >= 0 && p <= 65535 && floor(p) == p])
    error_message = "port_scan_service_ports must hold whole port numbers from 0 to 65535."
  }
}

variable "flow_logs_alarm_period" {
  type        = number
  default     = 300
  description = "Seconds over which each flow-log alarm sums its metric (a multiple of 60)."

  validation {
    condition     = var.flow_logs_alarm_period >= 60 && var.flow_logs_alarm_period % 60 == 0
    error_message = "flow_logs_alarm_period must be a multiple of 60 seconds, at least 60."
  }
}

variable "flow_logs_metric_namespace" {
  type        = string
  default     = null
  description = "CloudWatch namespace of the flow-log metrics. Null: VPCFlowLogs/<name>-<environment>."
}

variable "flow_logs_alarm_sns_topic_arn" {
  type        = string
  default     = null
  description = "Existing SNS topic for the flow-log alarms. Null creates a KMS-encrypted topic."

  validation {
    condition     = var.flow_logs_alarm_sns_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_.-]+$", var.flow_logs_alarm_sns_topic_arn))
    error_message = "flow_logs_alarm_sns_topic_arn must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>) or null."
  }
}

variable "flow_logs_alarm_subscriptions" {
  type = list(object({
    protocol = string
    endpoint = string
  }))
  default     = []
  description = "Who the flow-log alarms notify: SNS subscriptions ({protocol, endpoint}) added to the alarm topic (created or given). Email endpoints must confirm the subscription before they receive anything."

  validation {
    condition     = alltrue([for s in var.flow_logs_alarm_subscriptions : contains(["email", "email-json", "http", "https", "sqs", "lambda", "sms"], s.protocol)])
    error_message = "flow_logs_alarm_subscriptions: protocol must be one of email, email-json, http, https, sqs, lambda, sms."
  }

  validation {
    condition     = length(distinct([for s in var.flow_logs_alarm_subscriptions : "${s.protocol}:${s.endpoint}"])) == length(var.flow_logs_alarm_subscriptions)
    error_message = "flow_logs_alarm_subscriptions: list each {protocol, endpoint} once."
  }
}

# ---------------------------------------------------------------------------------------------
# Flow-log S3 archive
# ---------------------------------------------------------------------------------------------

variable "enable_flow_logs_s3_backup" {
  type        = bool
  default     = false
  description = "Also deliver flow logs to a KMS-encrypted S3 bucket for long-term storage."
}

variable "flow_logs_s3_standard_ia_transition_days" {
  type        = number
  default     = 90
  description = "Days after which archived flow logs move to STANDARD_IA (30 or more)."

  validation {
    condition     = var.flow_logs_s3_standard_ia_transition_days >= 30
    error_message = "flow_logs_s3_standard_ia_transition_days must be at least 30 (S3 refuses earlier STANDARD_IA transitions)."
  }
}

variable "flow_logs_s3_glacier_transition_days" {
  type        = number
  default     = 180
  description = "Days after which archived flow logs move to GLACIER; later than the STANDARD_IA transition."

  validation {
    condition     = var.flow_logs_s3_glacier_transition_days >= var.flow_logs_s3_standard_ia_transition_days + 30
    error_message = "flow_logs_s3_glacier_transition_days must be at least 30 days after flow_logs_s3_standard_ia_transition_days."
  }
}

variable "flow_logs_s3_expiration_days" {
  type        = number
  default     = null
  description = "Days after which archived flow logs are deleted. Null keeps them forever."

  validation {
    condition     = var.flow_logs_s3_expiration_days == null || try(var.flow_logs_s3_expiration_days > var.flow_logs_s3_glacier_transition_days + 90, false)
    error_message = "flow_logs_s3_expiration_days must be more than 90 days after flow_logs_s3_glacier_transition_days (GLACIER minimum storage), or null."
  }
}

variable "flow_logs_s3_force_destroy" {
  type        = bool
  default     = false
  description = "Let Terraform delete the archive bucket with its objects. Keep false outside throw-away environments."

  validation {
    condition     = !var.flow_logs_s3_force_destroy || var.environment != "prod"
    error_message = "The prod flow-log archive must not be force-destroyed: set flow_logs_s3_force_destroy = false."
  }
}
