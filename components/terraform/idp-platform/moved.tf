# Addresses before the shared modules (issue 17): every resource a deployed stack has keeps its object.

# Key (kms.tf)
moved {
  from = aws_kms_key.this
  to   = module.kms.aws_kms_key.this
}

moved {
  from = aws_kms_alias.this
  to   = module.kms.aws_kms_alias.this
}

# TechDocs bucket (techdocs.tf)
moved {
  from = aws_s3_bucket.techdocs[0]
  to   = module.techdocs_bucket[0].aws_s3_bucket.this
}

moved {
  from = aws_s3_bucket_public_access_block.techdocs[0]
  to   = module.techdocs_bucket[0].aws_s3_bucket_public_access_block.this
}

moved {
  from = aws_s3_bucket_ownership_controls.techdocs[0]
  to   = module.techdocs_bucket[0].aws_s3_bucket_ownership_controls.this
}

moved {
  from = aws_s3_bucket_server_side_encryption_configuration.techdocs[0]
  to   = module.techdocs_bucket[0].aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = aws_s3_bucket_versioning.techdocs[0]
  to   = module.techdocs_bucket[0].aws_s3_bucket_versioning.this
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.techdocs[0]
  to   = module.techdocs_bucket[0].aws_s3_bucket_lifecycle_configuration.this[0]
}

moved {
  from = aws_s3_bucket_logging.techdocs[0]
  to   = module.techdocs_bucket[0].aws_s3_bucket_logging.this[0]
}

moved {
  from = aws_s3_bucket_policy.techdocs[0]
  to   = module.techdocs_bucket[0].aws_s3_bucket_policy.this
}

# The portal's role (iam.tf)
moved {
  from = aws_iam_role.portal[0]
  to   = module.portal_role[0].aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.portal[0]
  to   = module.portal_role[0].aws_iam_role_policy.this["portal"]
}

moved {
  from = aws_iam_role_policy.portal_kms[0]
  to   = module.portal_role[0].aws_iam_role_policy.this["portal-key"]
}

# The portal's image repository (ecr.tf): count on the resources became the "portal" key of
# modules/ecr-repository's map (an empty map when create_ecr_repository = false).
moved {
  from = aws_ecr_repository.portal[0]
  to   = module.ecr.aws_ecr_repository.this["portal"]
}

moved {
  from = aws_ecr_lifecycle_policy.portal[0]
  to   = module.ecr.aws_ecr_lifecycle_policy.this["portal"]
}
