output "dashboard_names" {
  description = "Names of the dashboards created, keyed by dashboard (infrastructure, security, cost, performance, application, backend, certificate)."
  value       = { for key, dashboard in aws_cloudwatch_dashboard.this : key => dashboard.dashboard_name }
}

output "dashboard_arns" {
  description = "ARNs of the dashboards created, keyed by dashboard."
  value       = { for key, dashboard in aws_cloudwatch_dashboard.this : key => dashboard.dashboard_arn }
}

output "dashboard_urls" {
  description = "Console URLs of the dashboards created, keyed by dashboard."
  value = {
    for key, dashboard in aws_cloudwatch_dashboard.this :
    key => "https://${var.region}.console.aws.amazon.com/cloudwatch/home?region=${var.region}#dashboards/dashboard/${dashboard.dashboard_name}"
  }
}

output "certificate_expiry_alarm_arns" {
  description = "ARNs of the certificate expiry alarms, keyed by certificate ID (empty when none are created)."
  value       = { for id, alarm in aws_cloudwatch_metric_alarm.certificate_expiry : id => alarm.arn }
}
