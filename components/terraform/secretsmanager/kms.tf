# One customer-managed key for the component's secrets, usable only through Secrets Manager.
# modules/kms-key adds the account root statement (AccountAdministration) and rotation.

locals {
  reader_principals = distinct(flatten([for s in var.secrets : s.read_principal_arns]))
  secrets_manager   = "secretsmanager.${var.region}.amazonaws.com"
}

module "kms" {
  source = "../../../modules/kms-key"

  alias                   = "${local.name_prefix}-secrets"
  description             = "${local.name_prefix} Secrets Manager secrets"
  deletion_window_in_days = var.kms_key_deletion_window_in_days

  service_statements = concat(
    [
      {
        sid        = "UseThroughSecretsManagerInThisAccount"
        actions    = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*", "kms:CreateGrant", "kms:DescribeKey"]
        principals = [{ type = "AWS", identifiers = ["*"] }]
        conditions = [
          { test = "StringEquals", variable = "kms:ViaService", values = [local.secrets_manager] },
          { test = "StringEquals", variable = "kms:CallerAccount", values = [local.account_id] },
        ]
      },
    ],
    length(local.reader_principals) > 0 ? [
      {
        sid        = "ReadersDecryptThroughSecretsManager"
        actions    = ["kms:Decrypt", "kms:DescribeKey"]
        principals = [{ type = "AWS", identifiers = local.reader_principals }]
        conditions = [{ test = "StringEquals", variable = "kms:ViaService", values = [local.secrets_manager] }]
      },
    ] : [],
  )

  tags = merge(local.tags, { Name = "${local.name_prefix}-secrets" })
}
