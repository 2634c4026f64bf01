# ---------------------------------------------------------------------------------------
# Terraform state bucket: versioned, SSE-KMS with the state key, private, TLS only
# (modules/s3-bucket). Non-current state versions expire; there is no other policy
# statement than the module's own (DenyInsecureTransport, DenyOutdatedTLS,
# DenyNonKmsEncryption). Cross-region replication needs a second region's bucket and key,
# owned by the DR stack; versioning + noncurrent retention protect the state here.
# ---------------------------------------------------------------------------------------

module "state_bucket" {
  source = "../../../modules/s3-bucket"

  bucket        = local.state_bucket_name
  kms_key_arn   = module.state_kms.key_arn
  force_destroy = false

  lifecycle_rules = [
    {
      id                                     = "noncurrent-state-versions"
      noncurrent_version_expiration_days     = var.state_noncurrent_version_expiration_days
      abort_incomplete_multipart_upload_days = 7
    },
  ]

  access_logs = local.create_state_access_logs ? {
    bucket = var.state_bucket_access_log_bucket
    prefix = "s3/${local.state_bucket_name}/"
  } : null

  tags = merge(local.tags, { Name = local.state_bucket_name }, var.state_bucket_tags)
}
