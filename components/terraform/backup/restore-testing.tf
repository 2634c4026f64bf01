# Restore testing: AWS Backup restores the latest recovery points on a schedule and deletes the
# restored copies after validation, proving the backups can be restored.

resource "aws_backup_restore_testing_plan" "this" {
  count = local.create_restore_testing ? 1 : 0

  name                = local.restore_testing_plan_name
  schedule_expression = var.restore_testing_schedule

  recovery_point_selection {
    algorithm             = "LATEST_WITHIN_WINDOW"
    include_vaults        = [aws_backup_vault.this.arn]
    recovery_point_types  = ["SNAPSHOT"]
    selection_window_days = var.restore_testing_selection_window_days
  }

  tags = merge(local.tags, { Name = local.restore_testing_plan_name })
}

resource "aws_backup_restore_testing_selection" "this" {
  for_each = local.create_restore_testing ? toset(var.restore_testing_resource_types) : toset([])

  name                      = lower(each.value)
  restore_testing_plan_name = aws_backup_restore_testing_plan.this[0].name
  protected_resource_type   = each.value
  iam_role_arn              = module.backup_role.arn

  protected_resource_conditions {
    string_equals {
      key   = "aws:ResourceTag/${var.backup_selection_tag_key}"
      value = var.restore_testing_plan_tag_value
    }
  }

  lifecycle {
    precondition {
      condition     = contains(keys(var.backup_plans), var.restore_testing_plan_tag_value)
      error_message = "restore_testing_plan_tag_value must name one of the backup plans (backup_plans keys)."
    }
  }
}
