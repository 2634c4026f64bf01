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

# Only the portal's service account of this cluster (STS audience) can assume the role.
module "portal_role" {
  source = "../../../modules/iam-role"
  count  = var.create_portal_role ? 1 : 0

  name                     = "${local.name_prefix}-portal"
  description              = "Developer portal (${var.portal_namespace}/${var.portal_service_account})"
  oidc_provider_arn        = var.oidc_provider_arn
  oidc_provider_url        = var.oidc_provider_url
  service_accounts         = [{ namespace = var.portal_namespace, name = var.portal_service_account }]
  permissions_boundary_arn = var.portal_role_permissions_boundary_arn
  tags                     = merge(local.tags, { Name = "${local.name_prefix}-portal" })

  # Inline policy names as before the shared module: "portal" and "portal-key".
  inline_policies = local.create_portal_policy ? {
    portal       = data.aws_iam_policy_document.portal[0].json
    "portal-key" = data.aws_iam_policy_document.portal_kms[0].json
  } : {}
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

# Kept apart so the policy above is fully known at plan time (the key ARN is not).
data "aws_iam_policy_document" "portal_kms" {
  count = local.create_portal_policy ? 1 : 0

  statement {
    sid       = "UsePortalKeyViaSecretsManagerAndS3"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [module.kms.key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = local.portal_kms_via_services
    }
  }
}
