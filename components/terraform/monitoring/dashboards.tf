################################################################################
# CloudWatch dashboards (seed section 6)
#
# Each dashboard is a JSON template under templates/, rendered with templatefile()
# from the same set of inputs: the context (region, environment, account) and the
# identifiers of the resources to show. A widget whose resources are not passed in
# is left out of the body rather than drawn empty.
# Body syntax: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
################################################################################

locals {
  dashboard_switches = {
    infrastructure = var.create_infrastructure_dashboard
    security       = var.create_security_dashboard
    cost           = var.create_cost_dashboard
    performance    = var.create_performance_dashboard
    application    = var.create_application_dashboard
    backend        = var.create_backend_dashboard
    certificate    = var.create_certificate_dashboard
  }

  # ACM publishes DaysToExpiry in the certificate's own region (us-east-1 for CloudFront).
  certificates = [
    for arn in var.acm_certificate_arns : {
      arn    = arn
      id     = element(split("/", arn), 1)
      region = element(split(":", arn), 3)
    }
  ]

  # An alarm only watches metrics of its own region: certificates elsewhere are drawn, not alarmed.
  create_certificate_alarms = var.create_certificate_dashboard && var.enable_certificate_expiry_alarms
  certificate_alarms = {
    for cert in local.certificates : cert.id => cert
    if local.create_certificate_alarms && cert.region == var.region
  }
  certificate_alarm_names = { for id, cert in local.certificate_alarms : id => "${local.name_prefix}-acm-expiry-${id}" }

  dashboard_inputs = {
    name_prefix   = local.name_prefix
    environment   = var.environment
    region        = var.region
    account_id    = local.account_id
    default_range = var.dashboard_default_range

    cpu_threshold           = var.cpu_utilization_threshold_percent
    low_storage_gib         = var.rds_low_storage_threshold_gib
    low_storage_bytes       = var.rds_low_storage_threshold_gib * 1073741824
    certificate_warning_day = var.certificate_expiry_warning_days

    ec2_instance_ids         = var.ec2_instance_ids
    ebs_volume_ids           = var.ebs_volume_ids
    rds_instance_identifiers = var.rds_instance_identifiers
    lambda_function_names    = var.lambda_function_names
    dynamodb_table_names     = var.dynamodb_table_names
    s3_bucket_names          = var.s3_bucket_names
    alb_arn_suffixes         = var.alb_arn_suffixes
    alb_target_groups        = var.alb_target_groups
    nat_gateway_ids          = var.nat_gateway_ids
    ecs_cluster_names        = var.ecs_cluster_names
    eks_cluster_names        = var.eks_cluster_names
    api_gateway_names        = var.api_gateway_names
    certificates             = local.certificates

    # Alarm ARNs are built, not read from the alarms, so the body is known at plan time.
    certificate_alarm_arns = [
      for id, name in local.certificate_alarm_names :
      "arn:${local.partition}:cloudwatch:${var.region}:${local.account_id}:alarm:${name}"
    ]

    vpc_flow_log_group_name           = var.vpc_flow_log_group_name
    cloudtrail_log_group_name         = var.cloudtrail_log_group_name
    guardduty_findings_log_group_name = var.guardduty_findings_log_group_name
    security_event_rule_names         = var.security_event_rule_names
    application_log_group_names       = var.application_log_group_names

    backend_state_bucket_name = var.backend_state_bucket_name
    backend_lock_table_name   = var.backend_lock_table_name
    backend_backup_vault_name = var.backend_backup_vault_name
  }

  dashboard_bodies = {
    for name, enabled in local.dashboard_switches :
    name => templatefile("${path.module}/templates/${name}-dashboard.json.tpl", local.dashboard_inputs)
    if enabled
  }
}

resource "aws_cloudwatch_dashboard" "this" {
  for_each = local.dashboard_bodies

  dashboard_name = "${local.name_prefix}-${each.key}"
  # Decoding first fails the plan on a template that renders invalid JSON, and stores
  # the body compact (PutDashboard limits a body to 1 MB).
  dashboard_body = jsonencode(jsondecode(each.value))

  lifecycle {
    precondition {
      condition     = each.key != "certificate" || length(var.acm_certificate_arns) > 0
      error_message = "The certificate dashboard has nothing to show: set acm_certificate_arns, or create_certificate_dashboard = false."
    }
  }
}
