# TechDocs: private, CMK-encrypted, versioned, TLS-only bucket the portal publishes docs to.
# Generated documentation is rebuilt from the source repositories, so it is not replicated;
# access logging is optional (techdocs_access_logs_bucket, a bucket of the logging account).

module "techdocs_bucket" {
  source = "../../../modules/s3-bucket"
  count  = var.create_techdocs_bucket ? 1 : 0

  bucket        = local.techdocs_bucket_name
  kms_key_arn   = module.kms.key_arn
  force_destroy = var.techdocs_force_destroy
  tags          = merge(local.tags, { Name = local.techdocs_bucket_name })

  lifecycle_rules = [
    {
      id                                 = "expire-replaced-docs"
      noncurrent_version_expiration_days = var.techdocs_noncurrent_version_expiration_days
    },
  ]

  access_logs = local.create_techdocs_logging ? {
    bucket = var.techdocs_access_logs_bucket
    prefix = "s3/${local.techdocs_bucket_name}/"
  } : null
}
