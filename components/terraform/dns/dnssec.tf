# ---------------------------------------------------------------------------------------
# DNSSEC signing. Route 53 signs with an asymmetric ECC_NIST_P256 KMS key in us-east-1 whose
# policy lets the DNSSEC service use it for this account's zones only:
# https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/access-control-managing-permissions.html#KMS-key-policy-for-DNSSEC
# After apply, publish each zone's DS record (output dnssec_ds_records) at the parent zone.
#
# This key stays a plain aws_kms_key (with its own policy document and alias) instead of the
# shared modules/kms-key: that module makes symmetric keys with rotation always on, and KMS
# cannot rotate an asymmetric ECC_NIST_P256 SIGN_VERIFY key (nor does the module take a key
# spec or key usage). It shares the component's kms_key_deletion_window_in_days.
# ---------------------------------------------------------------------------------------
data "aws_iam_policy_document" "dnssec_key" {
  count = local.enable_dnssec ? 1 : 0

  #checkov:skip=CKV_AWS_111:Key policy: resource "*" is this key only; the root statement is the default key policy that delegates to IAM.
  #checkov:skip=CKV_AWS_356:Key policy: resource "*" is this key only.
  #checkov:skip=CKV_AWS_109:Key policy: resource "*" is this key only; the root statement keeps the key manageable by account administrators.
  statement {
    sid       = "AccountAdministration"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "AllowRoute53DNSSECService"
    actions   = ["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["dnssec-route53.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:route53:::hostedzone/*"]
    }
  }

  statement {
    sid       = "AllowRoute53DNSSECToCreateGrant"
    actions   = ["kms:CreateGrant"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["dnssec-route53.amazonaws.com"]
    }
    condition {
      test     = "Bool"
      variable = "kms:GrantIsForAWSResource"
      values   = ["true"]
    }
  }
}

resource "aws_kms_key" "dnssec" {
  count    = local.enable_dnssec ? 1 : 0
  provider = aws.us_east_1

  #checkov:skip=CKV_AWS_7:KMS cannot rotate asymmetric keys; rotate a DNSSEC KSK by adding a new key-signing key and updating the DS record.
  description              = "${local.name_prefix} Route 53 DNSSEC key-signing key"
  customer_master_key_spec = "ECC_NIST_P256"
  key_usage                = "SIGN_VERIFY"
  deletion_window_in_days  = var.kms_key_deletion_window_in_days
  policy                   = data.aws_iam_policy_document.dnssec_key[0].json
  tags                     = merge(local.tags, { Name = "${local.name_prefix}-route53-dnssec" })
}

resource "aws_kms_alias" "dnssec" {
  count    = local.enable_dnssec ? 1 : 0
  provider = aws.us_east_1

  name          = "alias/${local.name_prefix}-route53-dnssec"
  target_key_id = aws_kms_key.dnssec[0].key_id
}

resource "aws_route53_key_signing_key" "this" {
  for_each = local.dnssec_zones

  hosted_zone_id             = aws_route53_zone.this[each.key].id
  key_management_service_arn = aws_kms_key.dnssec[0].arn
  name                       = "${replace(local.name_prefix, "-", "_")}_${replace(each.key, "-", "_")}_ksk"
  status                     = "ACTIVE"
}

resource "aws_route53_hosted_zone_dnssec" "this" {
  for_each = local.dnssec_zones

  hosted_zone_id = aws_route53_key_signing_key.this[each.key].hosted_zone_id
  signing_status = "SIGNING"

  depends_on = [aws_route53_key_signing_key.this]
}
