output "certificate_arn" {
  description = "ARN of the certificate. When wait_for_validation is on, known only once the certificate is issued, so dependants attach an issued certificate."
  value       = local.wait_for_validation ? aws_acm_certificate_validation.this[0].certificate_arn : aws_acm_certificate.this.arn
}

output "certificate_domain_name" {
  description = "Primary domain name of the certificate."
  value       = aws_acm_certificate.this.domain_name
}

output "certificate_status" {
  description = "Status of the certificate (PENDING_VALIDATION until the validation records resolve)."
  value       = aws_acm_certificate.this.status
}

output "validation_records" {
  description = "DNS records that prove domain ownership (name, type, value), for zones this component does not manage."
  value = [
    for option in aws_acm_certificate.this.domain_validation_options : {
      domain_name = option.domain_name
      name        = option.resource_record_name
      type        = option.resource_record_type
      value       = option.resource_record_value
    }
  ]
}

output "validation_record_fqdns" {
  description = "FQDNs of the validation records this component created (empty when zone_id is null)."
  value       = [for record in aws_route53_record.validation : record.fqdn]
}

output "expiry_alarm_arn" {
  description = "ARN of the DaysToExpiry alarm, or null when disabled."
  value       = try(aws_cloudwatch_metric_alarm.days_to_expiry[0].arn, null)
}
