################################################################################
# Dashboard switches (seed section 6)
################################################################################

variable "create_infrastructure_dashboard" {
  type        = bool
  default     = true
  description = "Create the infrastructure dashboard: EC2, RDS, load balancers, NAT gateways and VPC flow logs."
}

variable "create_security_dashboard" {
  type        = bool
  default     = true
  description = "Create the security dashboard: security group changes, CloudTrail events, GuardDuty findings."
}

variable "create_cost_dashboard" {
  type        = bool
  default     = false
  description = "Create the cost dashboard: billing estimate (read from us-east-1), data transfer, usage that drives cost."
}

variable "create_performance_dashboard" {
  type        = bool
  default     = true
  description = "Create the performance dashboard: EC2, RDS, Lambda, DynamoDB, ECS/EKS, API Gateway and load balancer health."
}

variable "create_application_dashboard" {
  type        = bool
  default     = false
  description = "Create the application dashboard: request rates and errors of APIs, load balancers and functions, and application log errors."
}

variable "create_backend_dashboard" {
  type        = bool
  default     = false
  description = "Create the backend dashboard for the Terraform state backend: state bucket, lock table and backup vault."
}

variable "create_certificate_dashboard" {
  type        = bool
  default     = false
  description = "Create the certificate dashboard: ACM days to expiry per certificate. Needs acm_certificate_arns."
}

variable "dashboard_default_range" {
  type        = string
  default     = "-PT12H"
  description = "Time range every dashboard opens with, as a relative ISO 8601 duration (-PT12H, -P7D)."

  validation {
    condition     = can(regex("^-P(T[0-9]+[HM]|[0-9]+[DW])$", var.dashboard_default_range))
    error_message = "dashboard_default_range must be a relative ISO 8601 duration such as -PT3H, -PT12H or -P7D."
  }
}

################################################################################
# Thresholds drawn as annotations
################################################################################

variable "cpu_utilization_threshold_percent" {
  type        = number
  default     = 80
  description = "CPU utilisation (percent) above which EC2, RDS and ECS graphs are shaded as a warning."

  validation {
    condition     = var.cpu_utilization_threshold_percent > 0 && var.cpu_utilization_threshold_percent <= 100
    error_message = "cpu_utilization_threshold_percent must be more than 0 and at most 100 (a percentage), for example 80."
  }
}

variable "rds_low_storage_threshold_gib" {
  type        = number
  default     = 10
  description = "RDS free storage (GiB) below which the free-storage graphs are shaded as low."

  validation {
    condition     = var.rds_low_storage_threshold_gib > 0
    error_message = "rds_low_storage_threshold_gib must be a positive number of GiB, for example 10."
  }
}

variable "certificate_expiry_warning_days" {
  type        = number
  default     = 30
  description = "Days to expiry below which a certificate is shaded as a warning and its alarm fires."

  validation {
    condition     = var.certificate_expiry_warning_days >= 1 && var.certificate_expiry_warning_days <= 90
    error_message = "certificate_expiry_warning_days must be between 1 and 90 (ACM renews from 60 days before expiry): use 30."
  }
}

################################################################################
# Resources the dashboards show (identifiers from other components)
################################################################################

variable "ec2_instance_ids" {
  type        = list(string)
  default     = []
  description = "EC2 instance IDs shown on the infrastructure, performance and cost dashboards."

  validation {
    condition     = alltrue([for id in var.ec2_instance_ids : can(regex("^i-([0-9a-f]{8}|[0-9a-f]{17})$", id))])
    error_message = "ec2_instance_ids must be instance IDs such as i-0123456789abcdef0."
  }
}

variable "ebs_volume_ids" {
  type        = list(string)
  default     = []
  description = "EBS volume IDs whose I/O is shown on the cost dashboard."

  validation {
    condition     = alltrue([for id in var.ebs_volume_ids : can(regex("^vol-([0-9a-f]{8}|[0-9a-f]{17})$", id))])
    error_message = "ebs_volume_ids must be volume IDs such as vol-0123456789abcdef0."
  }
}

variable "rds_instance_identifiers" {
  type        = list(string)
  default     = []
  description = "RDS DB instance identifiers (DBInstanceIdentifier) shown on the infrastructure, performance and cost dashboards."

  validation {
    condition     = alltrue([for id in var.rds_instance_identifiers : can(regex("^[a-z][a-z0-9-]{0,62}$", id))])
    error_message = "rds_instance_identifiers must be DB instance identifiers: lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "lambda_function_names" {
  type        = list(string)
  default     = []
  description = "Lambda function names shown on the performance, cost and application dashboards."

  validation {
    condition     = alltrue([for n in var.lambda_function_names : can(regex("^[A-Za-z0-9_-]{1,64}$", n))])
    error_message = "lambda_function_names must be function names (not ARNs): 1-64 letters, digits, hyphens or underscores."
  }
}

variable "dynamodb_table_names" {
  type        = list(string)
  default     = []
  description = "DynamoDB table names shown on the performance and cost dashboards."

  validation {
    condition     = alltrue([for n in var.dynamodb_table_names : can(regex("^[A-Za-z0-9_.-]{3,255}$", n))])
    error_message = "dynamodb_table_names must be table names (not ARNs): 3-255 letters, digits, '_', '-' or '.'."
  }
}

variable "s3_bucket_names" {
  type        = list(string)
  default     = []
  description = "S3 bucket names whose storage by class is shown on the cost dashboard."

  validation {
    condition     = alltrue([for n in var.s3_bucket_names : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", n))])
    error_message = "s3_bucket_names must be bucket names (not ARNs): 3-63 lower-case letters, digits, dots or hyphens."
  }

  validation {
    condition     = length(var.s3_bucket_names) <= 62
    error_message = "The storage-by-class widget draws 8 metrics per bucket and a widget holds at most 500: pass at most 62 s3_bucket_names."
  }
}

variable "alb_arn_suffixes" {
  type        = list(string)
  default     = []
  description = "Application load balancers as CloudWatch names them (the ARN suffix app/<name>/<id>), shown on the infrastructure, performance and application dashboards."

  validation {
    condition     = alltrue([for s in var.alb_arn_suffixes : can(regex("^app/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}$", s))])
    error_message = "alb_arn_suffixes must be load balancer ARN suffixes such as app/web/0123456789abcdef (the arn_suffix attribute of aws_lb)."
  }
}

variable "alb_target_groups" {
  type = list(object({
    load_balancer_arn_suffix = string
    target_group_arn_suffix  = string
  }))
  default     = []
  description = "Target groups (arn_suffix of aws_lb and aws_lb_target_group) whose healthy and unhealthy host counts the performance dashboard shows."

  validation {
    condition = alltrue([for tg in var.alb_target_groups : can(regex("^targetgroup/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}$", tg.target_group_arn_suffix)) &&
    can(regex("^app/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}$", tg.load_balancer_arn_suffix))])
    error_message = "alb_target_groups entries need target_group_arn_suffix = targetgroup/<name>/<id> and load_balancer_arn_suffix = app/<name>/<id>."
  }
}

variable "nat_gateway_ids" {
  type        = list(string)
  default     = []
  description = "NAT gateway IDs whose traffic and dropped packets the infrastructure dashboard shows."

  validation {
    condition     = alltrue([for id in var.nat_gateway_ids : can(regex("^nat-([0-9a-f]{8}|[0-9a-f]{17})$", id))])
    error_message = "nat_gateway_ids must be NAT gateway IDs such as nat-0123456789abcdef0."
  }
}

variable "ecs_cluster_names" {
  type        = list(string)
  default     = []
  description = "ECS cluster names whose CPU and memory utilisation the performance dashboard shows."
}

variable "eks_cluster_names" {
  type        = list(string)
  default     = []
  description = "EKS cluster names whose node CPU and memory (Container Insights) the performance dashboard shows."
}

variable "api_gateway_names" {
  type        = list(string)
  default     = []
  description = "API Gateway REST API names (the ApiName dimension) shown on the performance and application dashboards."
}

variable "acm_certificate_arns" {
  type        = list(string)
  default     = []
  description = "ACM certificate ARNs whose days to expiry the certificate dashboard shows; each is read in its own region."

  validation {
    condition     = alltrue([for arn in var.acm_certificate_arns : can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]{36}$", arn))])
    error_message = "acm_certificate_arns must be ACM certificate ARNs such as arn:aws:acm:us-east-1:123456789012:certificate/<uuid>."
  }
}

variable "vpc_flow_log_group_name" {
  type        = string
  default     = null
  description = "Log group of the VPC flow logs (vpc component); adds rejected-traffic Logs Insights widgets to the infrastructure and security dashboards."
}

variable "cloudtrail_log_group_name" {
  type        = string
  default     = null
  description = "Log group CloudTrail delivers to; adds the security group change, denied call and console sign-in queries to the security dashboard."
}

variable "guardduty_findings_log_group_name" {
  type        = string
  default     = null
  description = "Log group receiving GuardDuty findings from EventBridge (security-monitoring component); adds the findings query to the security dashboard."
}

variable "security_event_rule_names" {
  type        = list(string)
  default     = []
  description = "EventBridge rules that match security events (security group changes, GuardDuty findings); their matched-event counts are graphed on the security dashboard."
}

variable "application_log_group_names" {
  type        = list(string)
  default     = []
  description = "Application log groups searched for errors by the application dashboard's Logs Insights widgets."

  validation {
    condition     = length(var.application_log_group_names) <= 50
    error_message = "A Logs Insights query reads at most 50 log groups: pass at most 50 application_log_group_names."
  }
}

variable "backend_state_bucket_name" {
  type        = string
  default     = null
  description = "S3 bucket holding Terraform state (backend component), shown on the backend dashboard."
}

variable "backend_lock_table_name" {
  type        = string
  default     = null
  description = "DynamoDB table holding Terraform state locks (backend component), shown on the backend dashboard."
}

variable "backend_backup_vault_name" {
  type        = string
  default     = null
  description = "AWS Backup vault of the backend component, whose job outcomes the backend dashboard shows."
}

################################################################################
# Alarms
################################################################################

variable "enable_certificate_expiry_alarms" {
  type        = bool
  default     = true
  description = "With the certificate dashboard, create one alarm per certificate when its days to expiry fall below certificate_expiry_warning_days."
}

variable "alarm_actions" {
  type        = list(string)
  default     = []
  description = "SNS topic ARNs notified when an alarm of this component fires or recovers."

  validation {
    condition     = alltrue([for arn in var.alarm_actions : can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:.+$", arn))])
    error_message = "alarm_actions must be SNS topic ARNs such as arn:aws:sns:us-east-1:123456789012:alerts."
  }
}

variable "alarm_tags" {
  type        = map(string)
  default     = {}
  description = "Extra tags for this component's alarms (CloudWatch dashboards take no tags)."
}
