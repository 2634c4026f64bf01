variable "api_type" {
  type        = string
  default     = "REST"
  description = "REST (API Gateway v1: X-Ray, WAF, execution logs) or HTTP (API Gateway v2: cheaper, no X-Ray or WAF)."

  validation {
    condition     = contains(["REST", "HTTP"], var.api_type)
    error_message = "api_type must be REST or HTTP."
  }
}

variable "description" {
  type        = string
  default     = null
  description = "Description of the API."
}

variable "openapi_body" {
  type        = string
  default     = null
  description = "OpenAPI 3 definition (JSON or YAML text) of the API. Null: a REST API gets a mock GET /health so it can be deployed; an HTTP API starts with no routes."
}

variable "rest_endpoint_type" {
  type        = string
  default     = "REGIONAL"
  description = "Endpoint type of a REST API: REGIONAL, EDGE or PRIVATE (reachable only from VPC endpoints; needs rest_api_policy)."

  validation {
    condition     = contains(["REGIONAL", "EDGE", "PRIVATE"], var.rest_endpoint_type)
    error_message = "rest_endpoint_type must be REGIONAL, EDGE or PRIVATE."
  }
}

variable "rest_vpc_endpoint_ids" {
  type        = list(string)
  default     = []
  description = "VPC endpoint IDs (execute-api) that may reach a PRIVATE REST API."
}

variable "rest_api_policy" {
  type        = string
  default     = null
  description = "Resource policy (JSON) of a REST API. Required for a PRIVATE endpoint, which denies everything without one."

  validation {
    condition     = var.rest_endpoint_type != "PRIVATE" || var.rest_api_policy != null
    error_message = "A PRIVATE REST API is unreachable without a resource policy: set rest_api_policy to allow your VPC endpoints."
  }
}

variable "stage_name" {
  type        = string
  default     = null
  description = "Stage name. Null: the environment name for REST, $default for HTTP."

  validation {
    condition     = var.stage_name == null || can(regex("^(\\$default|[A-Za-z0-9_-]{1,128})$", var.stage_name))
    error_message = "stage_name must be 1-128 letters, digits, hyphens or underscores (or $default for HTTP APIs)."
  }
}

variable "disable_execute_api_endpoint" {
  type        = bool
  default     = false
  description = "Turn off the default execute-api endpoint so clients can only use the custom domain."
}

# ---------------------------------------------------------------------------------------
# Logging and tracing
# ---------------------------------------------------------------------------------------
variable "access_log_retention_days" {
  type        = number
  default     = 365
  description = "Retention in days of the access (and REST execution) log groups."

  validation {
    condition     = var.environment != "prod" || var.access_log_retention_days >= 365
    error_message = "Prod API access logs must be kept at least a year: set access_log_retention_days = 365 or more."
  }
}

variable "kms_key_deletion_window_in_days" {
  type        = number
  default     = 30
  description = "Days KMS waits before deleting the component's keys once deletion is scheduled (7-30)."
}

variable "enable_xray_tracing" {
  type        = bool
  default     = true
  description = "X-Ray active tracing on the REST stage (HTTP APIs do not support X-Ray)."
}

variable "rest_logging_level" {
  type        = string
  default     = "ERROR"
  description = "Execution logging level of REST methods: OFF, ERROR or INFO. Anything but OFF needs the account-level API Gateway CloudWatch role (see create_cloudwatch_role)."

  validation {
    condition     = contains(["OFF", "ERROR", "INFO"], var.rest_logging_level)
    error_message = "rest_logging_level must be OFF, ERROR or INFO."
  }
}

variable "create_cloudwatch_role" {
  type        = bool
  default     = false
  description = "Create the IAM role API Gateway uses to write execution logs and register it in the region's API Gateway account settings (one per account and region: enable in one stack only)."
}

# ---------------------------------------------------------------------------------------
# Throttling
# ---------------------------------------------------------------------------------------
variable "throttling_rate_limit" {
  type        = number
  default     = 100
  description = "Default steady-state requests per second for every route/method of the stage."

  validation {
    condition     = var.throttling_rate_limit > 0 && var.throttling_rate_limit <= 10000
    error_message = "throttling_rate_limit must be between 1 and 10000 requests per second (the account default)."
  }
}

variable "throttling_burst_limit" {
  type        = number
  default     = 200
  description = "Default burst (token bucket size) for every route/method of the stage."

  validation {
    condition     = var.throttling_burst_limit > 0 && var.throttling_burst_limit <= 5000 && floor(var.throttling_burst_limit) == var.throttling_burst_limit
    error_message = "throttling_burst_limit must be a whole number between 1 and 5000 (the account default)."
  }
}

# ---------------------------------------------------------------------------------------
# WAF and custom domain
# ---------------------------------------------------------------------------------------
variable "waf_web_acl_arn" {
  type        = string
  default     = null
  description = "ARN of a regional AWS WAFv2 web ACL to associate with the REST stage. Required in prod for public REST APIs."

  validation {
    condition     = var.waf_web_acl_arn == null || var.api_type == "REST"
    error_message = "AWS WAF cannot be associated with HTTP APIs: use api_type = REST, or leave waf_web_acl_arn null and front the API with CloudFront + WAF."
  }

  validation {
    condition     = var.waf_web_acl_arn == null || can(regex("^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:[0-9]{12}:regional/webacl/", var.waf_web_acl_arn))
    error_message = "waf_web_acl_arn must be the ARN of a REGIONAL WAFv2 web ACL (arn:aws:wafv2:<region>:<account>:regional/webacl/...)."
  }

  validation {
    condition     = var.environment != "prod" || var.api_type != "REST" || var.rest_endpoint_type == "PRIVATE" || var.waf_web_acl_arn != null
    error_message = "A public prod REST API must be protected by AWS WAF: set waf_web_acl_arn to a regional web ACL."
  }
}

variable "custom_domain" {
  type = object({
    domain_name     = string
    certificate_arn = string
    base_path       = optional(string)
  })
  default     = null
  description = "Custom domain served with the TLS 1.2 security policy. certificate_arn is an ACM certificate in this region (us-east-1 for an EDGE REST API). base_path null maps the API at the root."

  validation {
    condition     = var.custom_domain == null || can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/", var.custom_domain.certificate_arn))
    error_message = "custom_domain.certificate_arn must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)."
  }

  validation {
    condition     = var.custom_domain == null || var.api_type != "REST" || var.rest_endpoint_type != "PRIVATE"
    error_message = "custom_domain is not supported here for PRIVATE REST APIs: use a REGIONAL endpoint or leave custom_domain null."
  }
}

variable "api_tags" {
  type        = map(string)
  default     = {}
  description = "Extra tags for the API and its stage."
}
