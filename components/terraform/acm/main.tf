locals {
  # Every name on the certificate; ACM wants the primary name kept out of the SAN list.
  subject_alternative_names = [for san in distinct(var.subject_alternative_names) : san if san != var.domain_name]
  all_domains               = concat([var.domain_name], local.subject_alternative_names)

  # "example.com" and "*.example.com" share one validation record: one record per base name.
  validation_domains = { for domain in local.all_domains : trimprefix(domain, "*.") => domain... }

  create_validation_records = var.zone_id != null
  wait_for_validation       = local.create_validation_records && var.wait_for_validation
  create_expiry_alarm       = var.enable_expiry_alarm
}

resource "aws_acm_certificate" "this" {
  domain_name               = var.domain_name
  subject_alternative_names = local.subject_alternative_names
  validation_method         = "DNS"
  key_algorithm             = var.key_algorithm

  options {
    certificate_transparency_logging_preference = var.certificate_transparency_logging ? "ENABLED" : "DISABLED"
  }

  tags = merge(local.tags, { Name = "${local.name_prefix}-${var.domain_name}" }, var.certificate_tags)

  lifecycle {
    # A replacement certificate must exist before listeners and distributions let go of the old one.
    create_before_destroy = true
  }
}

# ---------------------------------------------------------------------------------------
# DNS validation: https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html
# ---------------------------------------------------------------------------------------
locals {
  validation_options = {
    for option in aws_acm_certificate.this.domain_validation_options : option.domain_name => option
  }
}

resource "aws_route53_record" "validation" {
  for_each = local.create_validation_records ? local.validation_domains : {}

  zone_id         = var.zone_id
  name            = local.validation_options[each.value[0]].resource_record_name
  type            = local.validation_options[each.value[0]].resource_record_type
  records         = [local.validation_options[each.value[0]].resource_record_value]
  ttl             = var.validation_record_ttl
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "this" {
  count = local.wait_for_validation ? 1 : 0

  certificate_arn         = aws_acm_certificate.this.arn
  validation_record_fqdns = [for record in aws_route53_record.validation : record.fqdn]
}
