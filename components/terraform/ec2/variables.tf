# ---------------------------------------------------------------------------------------
# Launch templates (seed section 5)
# ---------------------------------------------------------------------------------------

variable "enable_launch_templates" {
  type        = bool
  default     = true
  description = "Create the launch templates of launch_templates (and everything built on them)."
}

variable "create_instances_from_templates" {
  type        = bool
  default     = false
  description = "Launch one EC2 instance from each launch template (ASGs and Spot fleets usually consume the templates instead)."
}

variable "enforce_imdsv2" {
  type        = bool
  default     = true
  description = "Require IMDSv2 session tokens (http_tokens = \"required\") on every template."

  validation {
    condition     = var.environment != "prod" || var.enforce_imdsv2
    error_message = "IMDSv2 must be enforced in production: set enforce_imdsv2 = true."
  }
}

variable "imds_hop_limit" {
  type        = number
  default     = 1
  description = "PUT response hop limit of the metadata service: 1 keeps tokens on the instance; 2 lets containers on the host reach IMDS."

  validation {
    condition     = var.imds_hop_limit >= 1 && var.imds_hop_limit <= 64 && floor(var.imds_hop_limit) == var.imds_hop_limit
    error_message = "imds_hop_limit must be a whole number from 1 to 64 (1 unless containers need IMDS)."
  }
}

variable "enable_instance_metadata_tags" {
  type        = bool
  default     = false
  description = "Expose the instance's tags through the instance metadata service."
}

variable "enable_detailed_monitoring" {
  type        = bool
  default     = true
  description = "One-minute CloudWatch metrics (detailed monitoring) for instances launched from the templates."
}

variable "default_disable_api_termination" {
  type        = bool
  default     = false
  description = "Termination protection for templates that do not set disable_api_termination. Must be true in prod."

  validation {
    condition     = var.environment != "prod" || var.default_disable_api_termination == true
    error_message = "API termination protection should be enabled for production"
  }
}

variable "launch_templates" {
  type = map(object({
    description   = optional(string)
    image_id      = string
    instance_type = optional(string)
    key_name      = optional(string)

    # Security groups for the primary interface when network_interfaces is empty.
    vpc_security_group_ids = optional(list(string), [])
    # Subnet of the instance create_instances_from_templates launches (without network_interfaces).
    subnet_id = optional(string)

    ebs_optimized                        = optional(bool, true)
    disable_api_termination              = optional(bool)
    disable_api_stop                     = optional(bool, false)
    instance_initiated_shutdown_behavior = optional(string, "stop")

    # File under templates/ rendered with templatefile(); user_data_vars are its extra variables.
    user_data_template = optional(string)
    user_data_vars     = optional(map(string), {})

    block_device_mappings = optional(list(object({
      device_name           = string
      volume_size           = optional(number, 20)
      volume_type           = optional(string, "gp3")
      iops                  = optional(number)
      throughput            = optional(number)
      delete_on_termination = optional(bool, true)
      snapshot_id           = optional(string)
      kms_key_id            = optional(string)
    })), [{ device_name = "/dev/xvda" }])

    network_interfaces = optional(list(object({
      device_index                = optional(number, 0)
      subnet_id                   = optional(string)
      security_groups             = optional(list(string), [])
      associate_public_ip_address = optional(bool, false)
      delete_on_termination       = optional(bool, true)
      description                 = optional(string)
    })), [])

    # Attribute-based instance selection for Spot / Auto Scaling (instead of instance_type).
    instance_requirements = optional(object({
      vcpu_min                                    = number
      vcpu_max                                    = optional(number)
      memory_mib_min                              = number
      memory_mib_max                              = optional(number)
      allowed_instance_types                      = optional(list(string))
      excluded_instance_types                     = optional(list(string))
      burstable_performance                       = optional(string)
      cpu_manufacturers                           = optional(list(string))
      instance_generations                        = optional(list(string), ["current"])
      spot_max_price_percentage_over_lowest_price = optional(number)
    }))

    # Launch as Spot (instances created by this component or by a consumer of the template).
    spot = optional(object({
      max_price                      = optional(string)
      instance_interruption_behavior = optional(string, "terminate")
    }))

    cpu_credits = optional(string) # "standard" or "unlimited"; T instance types only

    capacity_reservation_preference         = optional(string) # "open" or "none"
    capacity_reservation_id                 = optional(string)
    capacity_reservation_resource_group_arn = optional(string)

    enclave_enabled        = optional(bool, false)
    hibernation_configured = optional(bool, false)

    tags = optional(map(string), {})
  }))
  default     = {}
  description = "Launch templates by key (the key names the template and its instance). Every block device is encrypted; IMDS settings come from the component's inputs."

  validation {
    condition     = alltrue([for k, t in var.launch_templates : (t.instance_type == null) != (t.instance_requirements == null)])
    error_message = "Each launch template sets exactly one of instance_type and instance_requirements: EC2 refuses both, and needs one to launch."
  }

  validation {
    condition     = alltrue([for k, t in var.launch_templates : t.cpu_credits == null || can(regex("^t[0-9]", coalesce(t.instance_type, "none")))])
    error_message = "cpu_credits applies to burstable T instance types only: remove cpu_credits or set a t2/t3/t3a/t4g instance_type."
  }

  validation {
    condition     = alltrue([for k, t in var.launch_templates : t.cpu_credits == null || contains(["standard", "unlimited"], coalesce(t.cpu_credits, "standard"))])
    error_message = "cpu_credits must be \"standard\" or \"unlimited\"."
  }

  validation {
    condition     = alltrue([for k, t in var.launch_templates : !(t.enclave_enabled && t.hibernation_configured)])
    error_message = "EC2 cannot enable Nitro Enclaves and hibernation on the same instance: set enclave_enabled or hibernation_configured to false."
  }

  validation {
    condition     = alltrue([for k, t in var.launch_templates : length(t.network_interfaces) == 0 || length(t.vpc_security_group_ids) == 0])
    error_message = "A launch template with network_interfaces takes its security groups from each interface: move vpc_security_group_ids into network_interfaces[*].security_groups."
  }

  validation {
    condition     = alltrue([for k, t in var.launch_templates : length(t.block_device_mappings) > 0])
    error_message = "Each launch template needs at least one block device mapping (the root volume) so that its encryption is set here."
  }

  validation {
    condition     = alltrue(flatten([for k, t in var.launch_templates : [for b in t.block_device_mappings : contains(["gp2", "gp3", "io1", "io2", "st1", "sc1", "standard"], b.volume_type)]]))
    error_message = "block_device_mappings[*].volume_type must be one of gp2, gp3, io1, io2, st1, sc1 or standard."
  }

  validation {
    condition     = alltrue([for k, t in var.launch_templates : t.capacity_reservation_preference == null || contains(["open", "none"], coalesce(t.capacity_reservation_preference, "open"))])
    error_message = "capacity_reservation_preference must be \"open\" or \"none\" (set capacity_reservation_id to target one reservation)."
  }

  validation {
    condition     = alltrue([for k, t in var.launch_templates : t.capacity_reservation_id == null || t.capacity_reservation_resource_group_arn == null])
    error_message = "Target either one capacity reservation (capacity_reservation_id) or a resource group (capacity_reservation_resource_group_arn), not both."
  }

  validation {
    condition     = alltrue([for k, t in var.launch_templates : contains(["stop", "terminate"], t.instance_initiated_shutdown_behavior)])
    error_message = "instance_initiated_shutdown_behavior must be \"stop\" or \"terminate\"."
  }

  validation {
    condition     = var.environment != "prod" || alltrue([for k, t in var.launch_templates : t.disable_api_termination != false])
    error_message = "API termination protection should be enabled for production: remove disable_api_termination = false from every launch template."
  }

  validation {
    condition     = alltrue([for k, t in var.launch_templates : can(regex("^[a-z0-9][a-z0-9-]{0,40}$", k))])
    error_message = "launch_templates keys must be 1-41 lower-case letters, digits or hyphens (they name the templates)."
  }
}

# ---------------------------------------------------------------------------------------
# Encryption
# ---------------------------------------------------------------------------------------

variable "create_ebs_kms_key" {
  type        = bool
  default     = true
  description = "Create a customer-managed KMS key for the templates' EBS volumes. False with ebs_kms_key_arn null: the AWS managed aws/ebs key."
}

variable "ebs_kms_key_arn" {
  type        = string
  default     = null
  description = "Existing KMS key for the EBS volumes (takes precedence over create_ebs_kms_key). A block device's own kms_key_id wins over both."
}

variable "kms_key_deletion_window_in_days" {
  type        = number
  default     = 30
  description = "Days KMS waits before deleting the component's keys once deletion is scheduled (7-30)."
}

# ---------------------------------------------------------------------------------------
# Instance profile
# ---------------------------------------------------------------------------------------

variable "create_instance_profile" {
  type        = bool
  default     = true
  description = "Create an IAM role and instance profile with AmazonSSMManagedInstanceCore for the templates."
}

variable "instance_profile_name" {
  type        = string
  default     = null
  description = "Existing instance profile to attach instead of creating one (set create_instance_profile = false)."

  validation {
    condition     = var.instance_profile_name == null || !var.create_instance_profile
    error_message = "Either create the instance profile or pass one in: set create_instance_profile = false when instance_profile_name is set."
  }
}

variable "instance_role_policy_arns" {
  type        = list(string)
  default     = []
  description = "Extra managed policies for the created instance role (e.g. CloudWatchAgentServerPolicy)."
}

# ---------------------------------------------------------------------------------------
# Dashboard
# ---------------------------------------------------------------------------------------

variable "create_dashboard" {
  type        = bool
  default     = false
  description = "Create a CloudWatch dashboard of the templates' instances (CPU, status checks, network, EBS)."
}

# ---------------------------------------------------------------------------------------
# Patch management (seed "Future Enhancements": Systems Manager)
# ---------------------------------------------------------------------------------------

variable "enable_patch_management" {
  type        = bool
  default     = false
  description = "Patch the templates' instances with SSM Patch Manager: patch baseline, patch group tag, maintenance window and RunPatchBaseline task."
}

variable "patch_operating_system" {
  type        = string
  default     = "AMAZON_LINUX_2023"
  description = "Operating system of the patch baseline (SSM OperatingSystem value)."

  validation {
    condition = contains([
      "AMAZON_LINUX_2", "AMAZON_LINUX_2022", "AMAZON_LINUX_2023", "UBUNTU", "REDHAT_ENTERPRISE_LINUX",
      "CENTOS", "DEBIAN", "SUSE", "ORACLE_LINUX", "ROCKY_LINUX", "ALMA_LINUX", "WINDOWS",
    ], var.patch_operating_system)
    error_message = "patch_operating_system must be an SSM operating system such as AMAZON_LINUX_2023, UBUNTU or WINDOWS."
  }
}

variable "patch_approve_after_days" {
  type        = number
  default     = 7
  description = "Days after release a security or bug-fix patch is approved."

  validation {
    condition     = var.patch_approve_after_days >= 0 && var.patch_approve_after_days <= 360
    error_message = "patch_approve_after_days must be between 0 and 360."
  }
}

variable "patch_group" {
  type        = string
  default     = null
  description = "Patch group name, tagged on instances as \"Patch Group\". Null: \"<name>-<environment>\"."
}

variable "patch_window_schedule" {
  type        = string
  default     = "cron(0 3 ? * SUN *)"
  description = "Schedule of the patch maintenance window."
}

variable "patch_window_duration_hours" {
  type        = number
  default     = 3
  description = "Length of the maintenance window in hours."

  validation {
    condition     = var.patch_window_duration_hours >= 1 && var.patch_window_duration_hours <= 24
    error_message = "patch_window_duration_hours must be between 1 and 24."
  }
}

variable "patch_window_cutoff_hours" {
  type        = number
  default     = 1
  description = "Hours before the window ends when no new patch task starts."

  validation {
    condition     = var.patch_window_cutoff_hours >= 0 && var.patch_window_cutoff_hours < var.patch_window_duration_hours
    error_message = "patch_window_cutoff_hours must be at least 0 and less than patch_window_duration_hours."
  }
}

variable "patch_max_concurrency" {
  type        = string
  default     = "25%"
  description = "How many instances are patched at once (number or percentage)."
}

variable "patch_max_errors" {
  type        = string
  default     = "1"
  description = "Errors after which the patch task stops (number or percentage)."
}
