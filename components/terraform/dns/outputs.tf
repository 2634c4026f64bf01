output "zone_ids" {
  description = "Hosted zone IDs, by zones key."
  value       = { for key, zone in aws_route53_zone.this : key => zone.zone_id }
}

output "zone_arns" {
  description = "Hosted zone ARNs, by zones key."
  value       = { for key, zone in aws_route53_zone.this : key => zone.arn }
}

output "zone_name_servers" {
  description = "Name servers of each hosted zone, by zones key (delegate public zones to these at the registrar or parent zone)."
  value       = { for key, zone in aws_route53_zone.this : key => zone.name_servers }
}

output "record_fqdns" {
  description = "FQDN of each record, by records key."
  value       = { for key, record in aws_route53_record.this : key => record.fqdn }
}

output "query_log_group_arns" {
  description = "ARNs of the us-east-1 query log groups, by zones key (public zones with query logging)."
  value       = { for key, group in module.query_logs_log_group : key => group.arn }
}

output "dnssec_kms_key_arn" {
  description = "ARN of the us-east-1 KMS key that signs DNSSEC zones, or null when no zone is signed."
  value       = try(module.dnssec_kms[0].key_arn, null)
}

output "dnssec_ds_records" {
  description = "DS record to publish at the parent zone for each DNSSEC-signed zone, by zones key."
  value       = { for key, ksk in aws_route53_key_signing_key.this : key => ksk.ds_record }
}
