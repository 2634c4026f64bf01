# Permissions boundary applied to every role this component creates: it caps what a role can ever
# do, whatever policies are attached to it later.

locals {
  boundary_name = "${local.name_prefix}-boundary"
  # Built from its parts: the policy refers to its own ARN.
  boundary_arn = "arn:${local.partition}:iam::${local.account_id}:policy/${local.boundary_name}"
}

data "aws_iam_policy_document" "boundary" {
  statement {
    sid       = "AllowListedServices"
    actions   = [for s in var.permissions_boundary_allowed_services : "${s}:*"]
    resources = ["*"]
  }

  statement {
    sid    = "DenyBoundaryTampering"
    effect = "Deny"
    actions = [
      "iam:CreatePolicyVersion",
      "iam:DeletePolicy",
      "iam:DeletePolicyVersion",
      "iam:SetDefaultPolicyVersion",
    ]
    resources = [local.boundary_arn]
  }

  statement {
    sid    = "DenyBoundaryRemoval"
    effect = "Deny"
    actions = [
      "iam:DeleteRolePermissionsBoundary",
      "iam:DeleteUserPermissionsBoundary",
    ]
    resources = ["*"]
  }

  # New roles and users must carry this same boundary: no escalation by creating an unbounded role.
  statement {
    sid    = "DenyPrincipalsWithoutBoundary"
    effect = "Deny"
    actions = [
      "iam:CreateRole",
      "iam:CreateUser",
      "iam:PutRolePermissionsBoundary",
      "iam:PutUserPermissionsBoundary",
    ]
    resources = ["*"]
    condition {
      test     = "StringNotEquals"
      variable = "iam:PermissionsBoundary"
      values   = [local.boundary_arn]
    }
  }

  dynamic "statement" {
    for_each = var.permissions_boundary_deny_security_tampering ? [1] : []
    content {
      sid    = "DenySecurityTooling"
      effect = "Deny"
      actions = [
        "access-analyzer:DeleteAnalyzer",
        "cloudtrail:DeleteTrail",
        "cloudtrail:PutEventSelectors",
        "cloudtrail:StopLogging",
        "cloudtrail:UpdateTrail",
        "config:DeleteConfigurationRecorder",
        "config:DeleteDeliveryChannel",
        "config:StopConfigurationRecorder",
        "guardduty:DeleteDetector",
        "guardduty:DisassociateFromMasterAccount",
        "guardduty:UpdateDetector",
        "iam:DeleteAccountPasswordPolicy",
        "iam:UpdateAccountPasswordPolicy",
        "organizations:LeaveOrganization",
        "securityhub:BatchDisableStandards",
        "securityhub:DisableSecurityHub",
      ]
      resources = ["*"]
    }
  }
}

resource "aws_iam_policy" "boundary" {
  name        = local.boundary_name
  description = "Permissions boundary of the ${local.name_prefix} baseline roles."
  policy      = data.aws_iam_policy_document.boundary.json
  tags        = merge(local.tags, { Name = local.boundary_name })
}
