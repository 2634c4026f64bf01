{
  "start": "-P30D",
  "periodOverride": "inherit",
  "widgets": [
    {
      "type": "text",
      "x": 0, "y": 0, "width": 24, "height": 2,
      "properties": {
        "markdown": "# ${name_prefix}: certificates\nEnvironment **${environment}** | account `${account_id}` | region `${region}` | ACM days to expiry; each certificate is read in its own region (us-east-1 for CloudFront)."
      }
    },
    {
      "type": "metric",
      "x": 0, "y": 2, "width": ${length(certificate_alarm_arns) > 0 ? 16 : 24}, "height": 6,
      "properties": {
        "title": "ACM days to expiry",
        "region": "${region}",
        "stat": "Minimum",
        "period": 86400,
        "metrics": ${jsonencode([for cert in certificates : ["AWS/CertificateManager", "DaysToExpiry", "CertificateArn", cert.arn, { label = cert.id, region = cert.region }]])},
        "yAxis": { "left": { "min": 0 } },
        "annotations": {
          "horizontal": [
            { "label": "Expires in < ${certificate_warning_day} days", "value": ${certificate_warning_day}, "fill": "below", "color": "#ff7f0e" },
            { "label": "Expires in < 7 days", "value": 7, "fill": "below", "color": "#d62728" }
          ]
        }
      }
    },
%{ if length(certificate_alarm_arns) > 0 ~}
    {
      "type": "alarm",
      "x": 16, "y": 2, "width": 8, "height": 6,
      "properties": {
        "title": "Certificate expiry alarms",
        "sortBy": "stateUpdatedTimestamp",
        "alarms": ${jsonencode(certificate_alarm_arns)}
      }
    },
%{ endif ~}
    {
      "type": "metric",
      "x": 0, "y": 8, "width": 24, "height": 4,
      "properties": {
        "title": "Days left per certificate",
        "region": "${region}",
        "view": "singleValue",
        "stat": "Minimum",
        "period": 86400,
        "metrics": ${jsonencode([for cert in certificates : ["AWS/CertificateManager", "DaysToExpiry", "CertificateArn", cert.arn, { label = cert.id, region = cert.region }]])}
      }
    },
    {
      "type": "text",
      "x": 0, "y": 12, "width": 24, "height": 4,
      "properties": {
        "markdown": "## Renewal notes\n* ACM renews DNS-validated certificates from 60 days before expiry: one under ${certificate_warning_day} days has failed renewal (a CNAME validation record removed, or a domain no longer resolving).\n* Imported certificates are never renewed by ACM: re-import before expiry.\n* Email-validated certificates need someone to click the renewal email: move them to DNS validation."
      }
    }
  ]
}
