# TechDocs: private, CMK-encrypted, versioned, TLS-only bucket the portal publishes docs to.

resource "aws_s3_bucket" "techdocs" {
  count = var.create_techdocs_bucket ? 1 : 0
  #checkov:skip=CKV_AWS_144:Generated documentation is rebuilt from the source repositories; cross-region replication is not worth its cost.
  #checkov:skip=CKV2_AWS_62:Nothing consumes object events for generated documentation.
  #checkov:skip=CKV_AWS_18:Access logging is optional (techdocs_access_logs_bucket): it needs a log bucket owned by the logging account.

  bucket        = local.techdocs_bucket_name
  force_destroy = var.techdocs_force_destroy
  tags          = merge(local.tags, { Name = local.techdocs_bucket_name })
}

resource "aws_s3_bucket_public_access_block" "techdocs" {
  count = var.create_techdocs_bucket ? 1 : 0

  bucket                  = aws_s3_bucket.techdocs[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "techdocs" {
  count = var.create_techdocs_bucket ? 1 : 0

  bucket = aws_s3_bucket.techdocs[0].id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "techdocs" {
  count = var.create_techdocs_bucket ? 1 : 0

  bucket = aws_s3_bucket.techdocs[0].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_versioning" "techdocs" {
  count = var.create_techdocs_bucket ? 1 : 0

  bucket = aws_s3_bucket.techdocs[0].id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "techdocs" {
  count = var.create_techdocs_bucket ? 1 : 0

  bucket = aws_s3_bucket.techdocs[0].id

  rule {
    id     = "expire-replaced-docs"
    status = "Enabled"
    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.techdocs_noncurrent_version_expiration_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.techdocs]
}

resource "aws_s3_bucket_logging" "techdocs" {
  count = local.create_techdocs_logging ? 1 : 0

  bucket        = aws_s3_bucket.techdocs[0].id
  target_bucket = var.techdocs_access_logs_bucket
  target_prefix = "s3/${local.techdocs_bucket_name}/"
}

data "aws_iam_policy_document" "techdocs" {
  count = var.create_techdocs_bucket ? 1 : 0

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [local.techdocs_bucket_arn, "${local.techdocs_bucket_arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "techdocs" {
  count = var.create_techdocs_bucket ? 1 : 0

  bucket = aws_s3_bucket.techdocs[0].id
  policy = data.aws_iam_policy_document.techdocs[0].json

  # A policy applied before the public access block could be refused as public.
  depends_on = [aws_s3_bucket_public_access_block.techdocs]
}
