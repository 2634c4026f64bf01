# ---------------------------------------------------------------------------------------
# Patch management with SSM Patch Manager (enable_patch_management): a patch baseline for
# the templates' OS, the patch group every template tags its instances with, and a weekly
# maintenance window that runs AWS-RunPatchBaseline (Install) on that group.
# ---------------------------------------------------------------------------------------

locals {
  # Approval filters differ by OS family (keys are SSM patch filter keys).
  patch_filters_by_os = {
    WINDOWS = { CLASSIFICATION = ["CriticalUpdates", "SecurityUpdates"], MSRC_SEVERITY = ["Critical", "Important"] }
    UBUNTU  = { PRIORITY = ["Required", "Important"] }
    DEBIAN  = { PRIORITY = ["Required", "Important"] }
  }
  patch_filters = lookup(local.patch_filters_by_os, var.patch_operating_system, {
    CLASSIFICATION = ["Security", "Bugfix"]
    SEVERITY       = ["Critical", "Important"]
  })
}

resource "aws_ssm_patch_baseline" "this" {
  count = local.create_patching ? 1 : 0

  name             = "${local.name_prefix}-baseline"
  description      = "Security and bug-fix patches for ${local.name_prefix} instances, approved after ${var.patch_approve_after_days} days."
  operating_system = var.patch_operating_system

  approval_rule {
    approve_after_days = var.patch_approve_after_days
    compliance_level   = "CRITICAL"

    dynamic "patch_filter" {
      for_each = local.patch_filters
      content {
        key    = patch_filter.key
        values = patch_filter.value
      }
    }
  }

  tags = merge(local.tags, { Name = "${local.name_prefix}-baseline" })
}

resource "aws_ssm_patch_group" "this" {
  count = local.create_patching ? 1 : 0

  baseline_id = aws_ssm_patch_baseline.this[0].id
  patch_group = local.patch_group
}

resource "aws_ssm_maintenance_window" "patch" {
  count = local.create_patching ? 1 : 0

  name                       = "${local.name_prefix}-patch"
  description                = "Patch window of the ${local.patch_group} patch group."
  schedule                   = var.patch_window_schedule
  duration                   = var.patch_window_duration_hours
  cutoff                     = var.patch_window_cutoff_hours
  allow_unassociated_targets = false
  tags                       = merge(local.tags, { Name = "${local.name_prefix}-patch" })
}

resource "aws_ssm_maintenance_window_target" "patch" {
  count = local.create_patching ? 1 : 0

  window_id     = aws_ssm_maintenance_window.patch[0].id
  name          = "${local.name_prefix}-patch-group"
  resource_type = "INSTANCE"

  targets {
    key    = "tag:PatchGroup"
    values = [local.patch_group]
  }
}

resource "aws_ssm_maintenance_window_task" "patch" {
  count = local.create_patching ? 1 : 0

  window_id       = aws_ssm_maintenance_window.patch[0].id
  name            = "${local.name_prefix}-run-patch-baseline"
  task_type       = "RUN_COMMAND"
  task_arn        = "AWS-RunPatchBaseline"
  priority        = 1
  max_concurrency = var.patch_max_concurrency
  max_errors      = var.patch_max_errors

  targets {
    key    = "WindowTargetIds"
    values = [aws_ssm_maintenance_window_target.patch[0].id]
  }

  task_invocation_parameters {
    run_command_parameters {
      timeout_seconds = 3600
      parameter {
        name   = "Operation"
        values = ["Install"]
      }
      parameter {
        name   = "RebootOption"
        values = ["RebootIfNeeded"]
      }
    }
  }
}
