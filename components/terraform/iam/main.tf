locals {
  create_password_policy        = var.enable_password_policy
  create_access_analyzer        = var.enable_access_analyzer
  create_unused_access_analyzer = var.enable_unused_access_analyzer
  create_readonly_role          = var.enable_readonly_role
  create_break_glass_role       = var.enable_break_glass_role
  create_ci_deploy_role         = var.enable_ci_deploy_role
  create_github_oidc_provider   = var.enable_ci_deploy_role && var.create_github_oidc_provider

  account_root         = "arn:${local.partition}:iam::${local.account_id}:root"
  trusted_principals   = length(var.trusted_principal_arns) > 0 ? var.trusted_principal_arns : [local.account_root]
  break_glass_trusting = length(var.break_glass_principal_arns) > 0 ? var.break_glass_principal_arns : local.trusted_principals
}

# ---------------------------------------------------------------------------------------------
# Password policy and Access Analyzer
# ---------------------------------------------------------------------------------------------

resource "aws_iam_account_password_policy" "this" {
  count = local.create_password_policy ? 1 : 0

  minimum_password_length        = var.password_minimum_length
  require_lowercase_characters   = true
  require_uppercase_characters   = true
  require_numbers                = true
  require_symbols                = true
  allow_users_to_change_password = true
  max_password_age               = var.password_max_age_days
  password_reuse_prevention      = var.password_reuse_prevention
  hard_expiry                    = false
}

resource "aws_accessanalyzer_analyzer" "account" {
  count = local.create_access_analyzer ? 1 : 0

  analyzer_name = "${local.name_prefix}-account"
  type          = "ACCOUNT"
  tags          = merge(local.tags, { Name = "${local.name_prefix}-account" })
}

resource "aws_accessanalyzer_analyzer" "unused" {
  count = local.create_unused_access_analyzer ? 1 : 0

  analyzer_name = "${local.name_prefix}-unused-access"
  type          = "ACCOUNT_UNUSED_ACCESS"

  configuration {
    unused_access {
      unused_access_age = var.unused_access_age_days
    }
  }

  tags = merge(local.tags, { Name = "${local.name_prefix}-unused-access" })
}
