# IAM role for the External Secrets Operator (IRSA, modules/iam-role): read-only access to one
# path of secrets.
# https://external-secrets.io/latest/provider/aws-secrets-manager/

locals {
  secrets_region = coalesce(var.secrets_region, var.region)
  secrets_prefix = trim(var.secrets_path_prefix, "/ ")
  ssm_prefix     = var.ssm_parameter_path_prefix == null ? null : trim(var.ssm_parameter_path_prefix, "/ ")

  enable_ssm = local.ssm_prefix != null
  enable_kms = length(var.kms_key_arns) > 0

  secret_arn_pattern = "arn:${local.partition}:secretsmanager:${local.secrets_region}:${local.account_id}:secret:${local.secrets_prefix}/*"
  ssm_path_arn       = local.enable_ssm ? "arn:${local.partition}:ssm:${local.secrets_region}:${local.account_id}:parameter/${local.ssm_prefix}" : null

  kms_via_services = concat(
    ["secretsmanager.${local.secrets_region}.amazonaws.com"],
    local.enable_ssm ? ["ssm.${local.secrets_region}.amazonaws.com"] : [],
  )
}

data "aws_iam_policy_document" "read" {
  statement {
    sid    = "ReadSecretsUnderPrefix"
    effect = "Allow"
    actions = [
      "secretsmanager:DescribeSecret",
      "secretsmanager:GetSecretValue",
      "secretsmanager:ListSecretVersionIds",
    ]
    resources = [local.secret_arn_pattern]
  }

  dynamic "statement" {
    for_each = local.enable_ssm ? [1] : []
    content {
      sid    = "ReadParametersUnderPrefix"
      effect = "Allow"
      actions = [
        "ssm:GetParameter",
        "ssm:GetParameters",
        "ssm:GetParametersByPath",
      ]
      # GetParametersByPath is authorised on the path itself, the others on each parameter.
      resources = [local.ssm_path_arn, "${local.ssm_path_arn}/*"]
    }
  }

  dynamic "statement" {
    for_each = local.enable_kms ? [1] : []
    content {
      sid       = "DecryptWithGivenKeysViaSecretStores"
      effect    = "Allow"
      actions   = ["kms:Decrypt"]
      resources = var.kms_key_arns

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = local.kms_via_services
      }
    }
  }
}

module "role" {
  source = "../../../modules/iam-role"

  name                     = "${local.name_prefix}-external-secrets"
  description              = "External Secrets Operator (${var.namespace}/${var.service_account}): read ${local.secrets_prefix}/*"
  oidc_provider_arn        = var.oidc_provider_arn
  oidc_provider_url        = var.oidc_provider_url
  service_accounts         = [{ namespace = var.namespace, name = var.service_account }]
  max_session_duration     = var.role_max_session_duration
  permissions_boundary_arn = var.role_permissions_boundary_arn
  tags                     = merge(local.tags, { Name = "${local.name_prefix}-external-secrets" })

  inline_policies = {
    "read-secrets" = data.aws_iam_policy_document.read.json
  }
}
