# ---------------------------------------------------------------------------------------
# DNSSEC signing. Route 53 signs with an asymmetric ECC_NIST_P256 KMS key in us-east-1 whose
# policy lets the DNSSEC service use it for this account's zones only:
# https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/access-control-managing-permissions.html#KMS-key-policy-for-DNSSEC
# After apply, publish each zone's DS record (output dnssec_ds_records) at the parent zone.
# KMS cannot rotate an asymmetric key (modules/kms-key turns rotation off for it): rotate a
# DNSSEC key-signing key by adding a new KSK and updating the DS record.
# ---------------------------------------------------------------------------------------
module "dnssec_kms" {
  source    = "../../../modules/kms-key"
  count     = local.enable_dnssec ? 1 : 0
  providers = { aws = aws.us_east_1 }

  alias                   = "${local.name_prefix}-route53-dnssec"
  description             = "${local.name_prefix} Route 53 DNSSEC key-signing key"
  key_spec                = "ECC_NIST_P256"
  key_usage               = "SIGN_VERIFY"
  deletion_window_in_days = var.kms_key_deletion_window_in_days
  # Neither common statement fits (log_group_names and publishing_services grant encryption
  # actions): the DNSSEC service signs with the key, for this account's hosted zones only, and
  # creates grants only for AWS resources.
  service_statements = [
    {
      sid        = "AllowRoute53DNSSECService"
      actions    = ["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign"]
      principals = [{ type = "Service", identifiers = ["dnssec-route53.amazonaws.com"] }]
      conditions = [
        { test = "StringEquals", variable = "aws:SourceAccount", values = [local.account_id] },
        { test = "ArnLike", variable = "aws:SourceArn", values = ["arn:${local.partition}:route53:::hostedzone/*"] },
      ]
    },
    {
      sid        = "AllowRoute53DNSSECToCreateGrant"
      actions    = ["kms:CreateGrant"]
      principals = [{ type = "Service", identifiers = ["dnssec-route53.amazonaws.com"] }]
      conditions = [{ test = "Bool", variable = "kms:GrantIsForAWSResource", values = ["true"] }]
    },
  ]
  tags = merge(local.tags, { Name = "${local.name_prefix}-route53-dnssec" })
}

resource "aws_route53_key_signing_key" "this" {
  for_each = local.dnssec_zones

  hosted_zone_id             = aws_route53_zone.this[each.key].id
  key_management_service_arn = module.dnssec_kms[0].key_arn
  name                       = "${replace(local.name_prefix, "-", "_")}_${replace(each.key, "-", "_")}_ksk"
  status                     = "ACTIVE"
}

resource "aws_route53_hosted_zone_dnssec" "this" {
  for_each = local.dnssec_zones

  hosted_zone_id = aws_route53_key_signing_key.this[each.key].hosted_zone_id
  signing_status = "SIGNING"

  depends_on = [aws_route53_key_signing_key.this]
}
