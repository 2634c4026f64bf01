locals {
  public_zones  = { for key, zone in var.zones : key => zone if !zone.private }
  logged_zones  = { for key, zone in local.public_zones : key => zone if zone.enable_query_logging != false }
  dnssec_zones  = { for key, zone in local.public_zones : key => zone if zone.enable_dnssec }
  enable_logs   = length(local.logged_zones) > 0
  enable_dnssec = length(local.dnssec_zones) > 0
}

resource "aws_route53_zone" "this" {
  for_each = var.zones

  #checkov:skip=CKV2_AWS_38:DNSSEC is a per-zone option (zones[*].enable_dnssec); Route 53 cannot sign private zones, and signing a public zone needs a DS record at the parent first.
  #checkov:skip=CKV2_AWS_39:Query logging is on by default for every public zone (aws_route53_query_log.this) and required in prod; Route 53 has no query logging for private zones (Resolver query logging covers VPCs).
  name          = each.value.domain_name
  comment       = coalesce(each.value.comment, "${local.name_prefix} ${each.key} (managed by Terraform)")
  force_destroy = each.value.force_destroy

  dynamic "vpc" {
    for_each = each.value.vpc_ids
    content {
      vpc_id     = vpc.value
      vpc_region = var.region
    }
  }

  tags = merge(local.tags, { Name = each.value.domain_name }, var.zone_tags)
}

resource "aws_route53_record" "this" {
  for_each = var.records

  zone_id = aws_route53_zone.this[each.value.zone].zone_id
  name    = each.value.name
  type    = each.value.type
  ttl     = each.value.alias == null ? each.value.ttl : null
  records = each.value.records

  dynamic "alias" {
    for_each = each.value.alias == null ? [] : [each.value.alias]
    content {
      name                   = alias.value.name
      zone_id                = alias.value.zone_id
      evaluate_target_health = alias.value.evaluate_target_health
    }
  }
}
