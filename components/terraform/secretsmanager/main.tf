locals {
  managed_values   = { for k, s in var.secrets : k => s if s.manage_value }
  rotated          = { for k, s in var.secrets : k => s if s.rotation_lambda_arn != null }
  lambda_grants    = var.rotation_grant_lambda_permission ? local.rotated : {}
  allowed_accounts = distinct(concat([local.account_id], var.allowed_account_ids))
}

resource "aws_secretsmanager_secret" "this" {
  for_each = var.secrets

  name                    = "${local.name_prefix}/${each.key}"
  description             = each.value.description
  kms_key_id              = module.kms.key_arn
  recovery_window_in_days = each.value.recovery_window_in_days

  dynamic "replica" {
    for_each = each.value.replicas
    content {
      region     = replica.value.region
      kms_key_id = replica.value.kms_key_id
    }
  }

  tags = merge(local.tags, { Name = "${local.name_prefix}/${each.key}" }, each.value.tags)

  lifecycle {
    precondition {
      condition     = !contains([for r in each.value.replicas : r.region], var.region)
      error_message = "A replica must be in another region than the secret: remove var.region from the secret's replicas."
    }
  }
}

# ---------------------------------------------------------------------------------------------
# Resource policies: nobody outside the account (or the organisation) gets in
# ---------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "secret" {
  for_each = var.secrets

  # Deny unless the caller is in an allowed account, or in the organisation when one is given
  # (conditions of one statement are ANDed: both must mismatch for the deny to apply).
  # AWS services acting on the secret are not affected.
  statement {
    sid       = "DenyOutsideAccountOrOrganization"
    effect    = "Deny"
    actions   = ["secretsmanager:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    condition {
      test     = "StringNotEquals"
      variable = "aws:PrincipalAccount"
      values   = local.allowed_accounts
    }
    dynamic "condition" {
      for_each = var.organization_id != null ? [var.organization_id] : []
      content {
        test     = "StringNotEquals"
        variable = "aws:PrincipalOrgID"
        values   = [condition.value]
      }
    }
    condition {
      test     = "Bool"
      variable = "aws:PrincipalIsAWSService"
      values   = ["false"]
    }
  }

  dynamic "statement" {
    for_each = length(each.value.read_principal_arns) > 0 ? [each.value.read_principal_arns] : []
    content {
      sid       = "AllowNamedReaders"
      actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
      resources = ["*"]
      principals {
        type        = "AWS"
        identifiers = statement.value
      }
    }
  }
}

resource "aws_secretsmanager_secret_policy" "this" {
  for_each = var.secrets

  secret_arn          = aws_secretsmanager_secret.this[each.key].arn
  policy              = data.aws_iam_policy_document.secret[each.key].json
  block_public_policy = true
}

# ---------------------------------------------------------------------------------------------
# Values: write-only, so they never reach the plan or the state
# ---------------------------------------------------------------------------------------------

resource "aws_secretsmanager_secret_version" "this" {
  for_each = local.managed_values

  secret_id                = aws_secretsmanager_secret.this[each.key].id
  secret_string_wo         = var.secret_values[each.key]
  secret_string_wo_version = each.value.value_version
}

# ---------------------------------------------------------------------------------------------
# Rotation
# ---------------------------------------------------------------------------------------------

resource "aws_lambda_permission" "rotation" {
  for_each = local.lambda_grants

  statement_id   = "SecretsManager-${substr(replace("${local.name_prefix}-${each.key}", "/[^A-Za-z0-9_-]/", "-"), 0, 80)}"
  action         = "lambda:InvokeFunction"
  function_name  = each.value.rotation_lambda_arn
  principal      = "secretsmanager.amazonaws.com"
  source_account = local.account_id
  source_arn     = aws_secretsmanager_secret.this[each.key].arn
}

resource "aws_secretsmanager_secret_rotation" "this" {
  #checkov:skip=CKV_AWS_304:The interval is each secret's rotation_days / schedule input, which checkov cannot resolve; the input is validated.
  for_each = local.rotated

  secret_id           = aws_secretsmanager_secret.this[each.key].id
  rotation_lambda_arn = each.value.rotation_lambda_arn

  rotation_rules {
    automatically_after_days = each.value.rotation_days
    schedule_expression      = each.value.rotation_schedule_expression
  }

  depends_on = [aws_lambda_permission.rotation, aws_secretsmanager_secret_version.this]
}
