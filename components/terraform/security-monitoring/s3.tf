# Security logs bucket: CloudTrail (cloudtrail/) and AWS Config (config/) deliveries.

resource "aws_s3_bucket" "logs" {
  #checkov:skip=CKV_AWS_18:This is the log destination itself; access logging it would need another bucket per account (enable at organisation level).
  #checkov:skip=CKV_AWS_144:Cross-region replication is an organisation log-archive concern, not per account.
  #checkov:skip=CKV2_AWS_62:No consumer for object events; CloudTrail and Config notify through their own channels.
  count = local.create_logs_bucket ? 1 : 0

  bucket        = local.logs_bucket_name
  force_destroy = var.logs_bucket_force_destroy
  tags          = merge(local.tags, { Name = local.logs_bucket_name })
}

resource "aws_s3_bucket_public_access_block" "logs" {
  count = local.create_logs_bucket ? 1 : 0

  bucket                  = aws_s3_bucket.logs[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "logs" {
  count = local.create_logs_bucket ? 1 : 0

  bucket = aws_s3_bucket.logs[0].id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "logs" {
  count = local.create_logs_bucket ? 1 : 0

  bucket = aws_s3_bucket.logs[0].id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  count = local.create_logs_bucket ? 1 : 0

  bucket = aws_s3_bucket.logs[0].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  count = local.create_logs_bucket ? 1 : 0

  bucket = aws_s3_bucket.logs[0].id

  rule {
    id     = "security-logs"
    status = "Enabled"
    filter {}

    transition {
      days          = var.logs_glacier_transition_days
      storage_class = "GLACIER"
    }
    expiration {
      days = var.logs_retention_days
    }
    noncurrent_version_expiration {
      noncurrent_days = 30
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  lifecycle {
    precondition {
      condition     = var.logs_glacier_transition_days < var.logs_retention_days
      error_message = "Logs must reach Glacier before they expire: set logs_glacier_transition_days below logs_retention_days."
    }
  }
}

data "aws_iam_policy_document" "logs_bucket" {
  count = local.create_logs_bucket ? 1 : 0

  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    resources = [local.logs_bucket_arn, "${local.logs_bucket_arn}/*"]
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  dynamic "statement" {
    for_each = local.create_config ? {
      AWSConfigBucketPermissionsCheck = { actions = ["s3:GetBucketAcl"], resources = [local.logs_bucket_arn] }
      AWSConfigBucketExistenceCheck   = { actions = ["s3:ListBucket"], resources = [local.logs_bucket_arn] }
      AWSConfigBucketDelivery         = { actions = ["s3:PutObject"], resources = ["${local.logs_bucket_arn}/config/AWSLogs/${local.account_id}/Config/*"] }
    } : {}
    content {
      sid       = statement.key
      actions   = statement.value.actions
      resources = statement.value.resources
      principals {
        type        = "Service"
        identifiers = ["config.amazonaws.com"]
      }
      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [local.account_id]
      }
    }
  }

  dynamic "statement" {
    for_each = local.create_cloudtrail ? {
      AWSCloudTrailAclCheck = { actions = ["s3:GetBucketAcl"], resources = [local.logs_bucket_arn] }
      AWSCloudTrailWrite    = { actions = ["s3:PutObject"], resources = ["${local.logs_bucket_arn}/cloudtrail/AWSLogs/${local.account_id}/*"] }
    } : {}
    content {
      sid       = statement.key
      actions   = statement.value.actions
      resources = statement.value.resources
      principals {
        type        = "Service"
        identifiers = ["cloudtrail.amazonaws.com"]
      }
      condition {
        test     = "StringEquals"
        variable = "aws:SourceArn"
        values   = [local.trail_arn]
      }
    }
  }
}

resource "aws_s3_bucket_policy" "logs" {
  count = local.create_logs_bucket ? 1 : 0

  bucket = aws_s3_bucket.logs[0].id
  policy = data.aws_iam_policy_document.logs_bucket[0].json

  depends_on = [aws_s3_bucket_public_access_block.logs]
}
