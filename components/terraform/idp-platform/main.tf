# AWS footprint of an internal developer portal (Backstage-style): see README.md.

locals {
  create_techdocs_logging = var.create_techdocs_bucket && var.techdocs_access_logs_bucket != null
  create_secret_version   = var.create_database_secret && var.database_credentials != null
  create_secret_rotation  = var.create_database_secret && var.database_secret_rotation_lambda_arn != null

  techdocs_bucket_name = coalesce(var.techdocs_bucket_name, "${local.name_prefix}-techdocs-${local.account_id}")
  techdocs_bucket_arn  = "arn:${local.partition}:s3:::${local.techdocs_bucket_name}"

  ecr_repository_name = "${local.name_prefix}/portal"

  database_secret_name = "${local.name_prefix}/portal/database"
  # Secrets Manager appends "-" and 6 random characters to the name in the ARN.
  database_secret_arn_pattern = "arn:${local.partition}:secretsmanager:${var.region}:${local.account_id}:secret:${local.database_secret_name}-??????"
}
