# ---------------------------------------------------------------------------------------------
# Read-only role: ReadOnlyAccess, for the trusted principals, with MFA
# ---------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "readonly_trust" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]
    principals {
      type        = "AWS"
      identifiers = local.trusted_principals
    }
    condition {
      test     = "Bool"
      variable = "aws:MultiFactorAuthPresent"
      values   = ["true"]
    }
  }
}

resource "aws_iam_role" "readonly" {
  count = local.create_readonly_role ? 1 : 0

  name                 = "${local.name_prefix}-readonly"
  description          = "Read-only access to the account, with MFA."
  assume_role_policy   = data.aws_iam_policy_document.readonly_trust.json
  max_session_duration = var.readonly_max_session_duration
  permissions_boundary = aws_iam_policy.boundary.arn
  tags                 = merge(local.tags, { Name = "${local.name_prefix}-readonly" })
}

resource "aws_iam_role_policy_attachment" "readonly" {
  count = local.create_readonly_role ? 1 : 0

  role       = aws_iam_role.readonly[0].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/ReadOnlyAccess"
}

# ---------------------------------------------------------------------------------------------
# Break-glass role: administrator for emergencies, fresh MFA, short sessions
# ---------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "break_glass_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = local.break_glass_trusting
    }
    condition {
      test     = "Bool"
      variable = "aws:MultiFactorAuthPresent"
      values   = ["true"]
    }
    condition {
      test     = "NumericLessThan"
      variable = "aws:MultiFactorAuthAge"
      values   = [tostring(var.break_glass_mfa_max_age_seconds)]
    }
  }
}

resource "aws_iam_role" "break_glass" {
  count = local.create_break_glass_role ? 1 : 0

  name                 = "${local.name_prefix}-break-glass"
  description          = "Emergency administrator access: fresh MFA, short sessions, bounded."
  assume_role_policy   = data.aws_iam_policy_document.break_glass_trust.json
  max_session_duration = var.break_glass_max_session_duration
  permissions_boundary = aws_iam_policy.boundary.arn
  tags                 = merge(local.tags, { Name = "${local.name_prefix}-break-glass" })
}

# AWS-managed AdministratorAccess (its Action "*" is capped by the permissions boundary above).
resource "aws_iam_role_policy_attachment" "break_glass" {
  count = local.create_break_glass_role ? 1 : 0

  role       = aws_iam_role.break_glass[0].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AdministratorAccess"
}

# ---------------------------------------------------------------------------------------------
# CI deploy role: GitHub Actions through OIDC, limited to named repositories/branches
# ---------------------------------------------------------------------------------------------

resource "aws_iam_openid_connect_provider" "github" {
  count = local.create_github_oidc_provider ? 1 : 0

  url             = "https://token.actions.githubusercontent.com"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = var.github_oidc_thumbprints
  tags            = merge(local.tags, { Name = "${local.name_prefix}-github" })
}

locals {
  # The provider's ARN is fixed by its URL; built from its parts so the trust policy is known at plan.
  github_oidc_provider_arn = local.create_github_oidc_provider ? "arn:${local.partition}:iam::${local.account_id}:oidc-provider/token.actions.githubusercontent.com" : var.github_oidc_provider_arn
}

data "aws_iam_policy_document" "ci_deploy_trust" {
  count = local.create_ci_deploy_role ? 1 : 0

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [local.github_oidc_provider_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringLike"
      variable = "token.actions.githubusercontent.com:sub"
      values   = var.ci_deploy_subjects
    }
  }
}

resource "aws_iam_role" "ci_deploy" {
  count = local.create_ci_deploy_role ? 1 : 0

  name                 = "${local.name_prefix}-ci-deploy"
  description          = "Deploy role for GitHub Actions (OIDC), limited to the listed repositories."
  assume_role_policy   = data.aws_iam_policy_document.ci_deploy_trust[0].json
  max_session_duration = var.ci_deploy_max_session_duration
  permissions_boundary = aws_iam_policy.boundary.arn
  tags                 = merge(local.tags, { Name = "${local.name_prefix}-ci-deploy" })

  depends_on = [aws_iam_openid_connect_provider.github]
}

resource "aws_iam_role_policy_attachment" "ci_deploy" {
  for_each = local.create_ci_deploy_role ? toset(var.ci_deploy_policy_arns) : toset([])

  role       = aws_iam_role.ci_deploy[0].name
  policy_arn = each.value
}
