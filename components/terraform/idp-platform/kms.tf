# One customer-managed key for the TechDocs bucket, the image repository and the database secret.
# Its policy is the account root statement only: the portal uses the key through its IAM role
# (kms:ViaService Secrets Manager and S3, iam.tf).

module "kms" {
  source = "../../../modules/kms-key"

  alias                   = "${local.name_prefix}-portal"
  description             = "${local.name_prefix} developer portal: TechDocs, image repository, database secret"
  deletion_window_in_days = var.kms_key_deletion_window_in_days
  tags                    = merge(local.tags, { Name = "${local.name_prefix}-portal" })
}
