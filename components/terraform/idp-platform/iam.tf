# The portal's role (IRSA): read its database secret, read/write TechDocs, use the key for both.

locals {
  portal_reads_secret  = var.create_portal_role && var.create_database_secret
  portal_uses_techdocs = var.create_portal_role && var.create_techdocs_bucket
  create_portal_policy = local.portal_reads_secret || local.portal_uses_techdocs
  portal_kms_via_services = concat(
    local.portal_reads_secret ? ["secretsmanager.${var.region}.amazonaws.com"] : [],
    local.portal_uses_techdocs ? ["s3.${var.region}.amazonaws.com"] : [],
  )
}

data "aws_iam_policy_document" "portal_assume" {
  count = var.create_portal_role ? 1 : 0

  statement {
    sid     = "PortalServiceAccount"
    effect  = "Allow"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [var.oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:sub"
      values   = ["system:serviceaccount:${var.portal_namespace}:${var.portal_service_account}"]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "portal" {
  count = var.create_portal_role ? 1 : 0

  name                 = "${local.name_prefix}-portal"
  description          = "Developer portal (${var.portal_namespace}/${var.portal_service_account})"
  assume_role_policy   = data.aws_iam_policy_document.portal_assume[0].json
  permissions_boundary = var.portal_role_permissions_boundary_arn
  tags                 = merge(local.tags, { Name = "${local.name_prefix}-portal" })
}

data "aws_iam_policy_document" "portal" {
  count = local.create_portal_policy ? 1 : 0

  dynamic "statement" {
    for_each = local.portal_reads_secret ? [1] : []
    content {
      sid       = "ReadDatabaseSecret"
      effect    = "Allow"
      actions   = ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"]
      resources = [local.database_secret_arn_pattern]
    }
  }

  dynamic "statement" {
    for_each = local.portal_uses_techdocs ? [1] : []
    content {
      sid       = "ListTechDocsBucket"
      effect    = "Allow"
      actions   = ["s3:GetBucketLocation", "s3:ListBucket"]
      resources = [local.techdocs_bucket_arn]
    }
  }

  dynamic "statement" {
    for_each = local.portal_uses_techdocs ? [1] : []
    content {
      sid       = "ReadWriteTechDocsObjects"
      effect    = "Allow"
      actions   = ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
      resources = ["${local.techdocs_bucket_arn}/*"]
    }
  }
}

resource "aws_iam_role_policy" "portal" {
  count = local.create_portal_policy ? 1 : 0

  name   = "portal"
  role   = aws_iam_role.portal[0].id
  policy = data.aws_iam_policy_document.portal[0].json
}

# Kept apart so the policy above is fully known at plan time (the key ARN is not).
data "aws_iam_policy_document" "portal_kms" {
  count = local.create_portal_policy ? 1 : 0

  statement {
    sid       = "UsePortalKeyViaSecretsManagerAndS3"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.this.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = local.portal_kms_via_services
    }
  }
}

resource "aws_iam_role_policy" "portal_kms" {
  count = local.create_portal_policy ? 1 : 0

  name   = "portal-key"
  role   = aws_iam_role.portal[0].id
  policy = data.aws_iam_policy_document.portal_kms[0].json
}
