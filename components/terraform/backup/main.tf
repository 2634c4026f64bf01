locals {
  create_notifications   = var.enable_notifications
  create_vault_lock      = var.enable_vault_lock
  create_restore_testing = var.enable_restore_testing
  create_vault_policy    = var.create_vault_policy
  create_selections      = var.create_backup_selections
  enable_copy            = var.copy_destination_vault_arn != null

  # ARN patterns a selection matches, per resource type; the tag condition narrows them further.
  resource_arn_patterns = {
    Aurora   = "arn:${local.partition}:rds:*:*:cluster:*"
    DynamoDB = "arn:${local.partition}:dynamodb:*:*:table/*"
    EBS      = "arn:${local.partition}:ec2:*:*:volume/*"
    EC2      = "arn:${local.partition}:ec2:*:*:instance/*"
    EFS      = "arn:${local.partition}:elasticfilesystem:*:*:file-system/*"
    FSx      = "arn:${local.partition}:fsx:*:*:file-system/*"
    RDS      = "arn:${local.partition}:rds:*:*:db:*"
    S3       = "arn:${local.partition}:s3:::*"
  }

  plan_resource_types = { for k, p in var.backup_plans : k => coalesce(p.resource_types, var.backup_resource_types) }
  selects_s3          = anytrue([for types in values(local.plan_resource_types) : contains(types, "S3")])

  # Restore testing plan names allow only letters, digits and underscores.
  restore_testing_plan_name = replace(local.name_prefix, "-", "_")
}

# ---------------------------------------------------------------------------------------------
# Vault
# ---------------------------------------------------------------------------------------------

resource "aws_backup_vault" "this" {
  name          = local.name_prefix
  kms_key_arn   = module.backup_kms.key_arn
  force_destroy = var.vault_force_destroy
  tags          = merge(local.tags, { Name = local.name_prefix }, var.vault_tags)
}

data "aws_iam_policy_document" "vault" {
  statement {
    sid    = "DenyRecoveryPointDeletion"
    effect = "Deny"
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    actions = [
      "backup:DeleteRecoveryPoint",
      "backup:UpdateRecoveryPointLifecycle",
      "backup:PutBackupVaultAccessPolicy",
      "backup:DeleteBackupVaultAccessPolicy",
    ]
    resources = ["*"]

    dynamic "condition" {
      for_each = length(var.vault_deletion_admin_arns) > 0 ? [1] : []
      content {
        test     = "ArnNotLike"
        variable = "aws:PrincipalArn"
        values   = var.vault_deletion_admin_arns
      }
    }
  }
}

resource "aws_backup_vault_policy" "this" {
  count = local.create_vault_policy ? 1 : 0

  backup_vault_name = aws_backup_vault.this.name
  policy            = data.aws_iam_policy_document.vault.json
}

resource "aws_backup_vault_lock_configuration" "this" {
  count = local.create_vault_lock ? 1 : 0

  backup_vault_name   = aws_backup_vault.this.name
  min_retention_days  = var.vault_lock_min_retention_days
  max_retention_days  = var.vault_lock_max_retention_days
  changeable_for_days = var.vault_lock_changeable_for_days

  lifecycle {
    precondition {
      condition     = alltrue([for p in var.backup_plans : p.delete_after >= var.vault_lock_min_retention_days && p.delete_after <= var.vault_lock_max_retention_days])
      error_message = "Every backup plan's delete_after must lie within the vault lock retention range: adjust vault_lock_min_retention_days / vault_lock_max_retention_days or the plans' delete_after."
    }
  }
}

# ---------------------------------------------------------------------------------------------
# Plans and tag-based selections
# ---------------------------------------------------------------------------------------------

resource "aws_backup_plan" "this" {
  for_each = var.backup_plans

  name = "${local.name_prefix}-${each.key}"

  rule {
    rule_name                = each.key
    target_vault_name        = aws_backup_vault.this.name
    schedule                 = each.value.schedule
    start_window             = each.value.start_window
    completion_window        = each.value.completion_window
    enable_continuous_backup = each.value.enable_continuous_backup
    recovery_point_tags      = merge(local.tags, { BackupPlan = each.key })

    lifecycle {
      cold_storage_after = each.value.cold_storage_after
      delete_after       = each.value.delete_after
    }

    dynamic "copy_action" {
      for_each = local.enable_copy ? [var.copy_destination_vault_arn] : []
      content {
        destination_vault_arn = copy_action.value
        lifecycle {
          cold_storage_after = each.value.cold_storage_after
          delete_after       = coalesce(var.copy_delete_after, each.value.delete_after)
        }
      }
    }
  }

  tags = merge(local.tags, { Name = "${local.name_prefix}-${each.key}" })

  lifecycle {
    precondition {
      condition     = each.value.cold_storage_after == null || coalesce(var.copy_delete_after, each.value.delete_after) >= coalesce(each.value.cold_storage_after, 0) + 90
      error_message = "Copies moved to cold storage must stay there at least 90 days: set copy_delete_after >= cold_storage_after + 90 (or null)."
    }
  }
}

resource "aws_backup_selection" "this" {
  for_each = local.create_selections ? var.backup_plans : {}

  name         = "${local.name_prefix}-${each.key}"
  plan_id      = aws_backup_plan.this[each.key].id
  iam_role_arn = module.backup_role.arn
  resources    = [for t in local.plan_resource_types[each.key] : local.resource_arn_patterns[t]]

  # Resources AND conditions: a resource is selected when it matches a pattern and carries the tag.
  condition {
    string_equals {
      key   = "aws:ResourceTag/${var.backup_selection_tag_key}"
      value = each.key
    }
  }
}
