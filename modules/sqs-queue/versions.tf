# Module standard: identical in every shared module. Source of truth: tfharness/tooling/standard.py.
# A shared module declares the provider it needs and never configures one: the calling
# component's provider (its region and default tags) applies.
terraform {
  required_version = ">= 1.9.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.74.0, < 6.0.0"
    }
  }
}
