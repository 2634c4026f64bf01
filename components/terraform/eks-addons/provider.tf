# Provider standard: identical in every component. Source of truth: tfharness/standard.py.
provider "aws" {
  region = var.region
}

terraform {
  required_version = ">= 1.9.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.74.0, < 6.0.0"
    }
  }
}
