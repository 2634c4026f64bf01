# One customer-managed key for the TechDocs bucket, the image repository and the database secret.

data "aws_iam_policy_document" "kms" {
  #checkov:skip=CKV_AWS_111:This is a KMS key policy: "*" resource means this key only, and the account-root statement is what lets IAM policies grant use of it.
  #checkov:skip=CKV_AWS_356:This is a KMS key policy: "*" resource means this key only.
  #checkov:skip=CKV_AWS_109:This is a KMS key policy: the account root administers the key (AWS default key policy); the portal uses it through its IAM role.
  statement {
    sid       = "AccountAdministers"
    effect    = "Allow"
    actions   = ["kms:*"] # key policy administrator statement: IAM policies decide who may use the key
    resources = ["*"]     # in a key policy "*" means this key

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }
}

resource "aws_kms_key" "this" {
  description             = "${local.name_prefix} developer portal: TechDocs, image repository, database secret"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_in_days
  policy                  = data.aws_iam_policy_document.kms.json
  tags                    = merge(local.tags, { Name = "${local.name_prefix}-portal" })
}

resource "aws_kms_alias" "this" {
  name          = "alias/${local.name_prefix}-portal"
  target_key_id = aws_kms_key.this.key_id
}
