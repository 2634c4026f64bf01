# Shared context: identical in every component. Source of truth: tfharness/standard.py.
# Atmos stacks set these four inputs for every component; the locals below are the only
# way components derive names and tags from them.

variable "region" {
  type        = string
  description = "AWS region the component deploys to."
}

variable "environment" {
  type        = string
  description = "Deployment environment: dev, staging or prod. Production rules apply to prod."

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be one of dev, staging or prod."
  }
}

variable "name" {
  type        = string
  description = "Base name for this component's resources: 2-24 lower-case letters, digits or hyphens."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,22}[a-z0-9]$", var.name))
    error_message = "name must be 2-24 lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "tags" {
  type        = map(string)
  default     = {}
  description = "Tags added to every resource of the component."
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  name_prefix = "${var.name}-${var.environment}"
  is_prod     = var.environment == "prod"
  account_id  = data.aws_caller_identity.current.account_id
  partition   = data.aws_partition.current.partition
  tags = merge(
    {
      Environment = var.environment
      ManagedBy   = "terraform"
    },
    var.tags,
  )
}
