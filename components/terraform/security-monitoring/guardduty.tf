# GuardDuty detector and its protection plans, each an explicit ENABLED / DISABLED feature.

locals {
  guardduty_features = {
    S3_DATA_EVENTS         = var.guardduty_features.s3_data_events
    EKS_AUDIT_LOGS         = var.guardduty_features.eks_audit_logs
    EBS_MALWARE_PROTECTION = var.guardduty_features.ebs_malware_protection
    RDS_LOGIN_EVENTS       = var.guardduty_features.rds_login_events
    LAMBDA_NETWORK_LOGS    = var.guardduty_features.lambda_network_logs
    RUNTIME_MONITORING     = var.guardduty_features.runtime_monitoring
  }
  # GuardDuty installs and manages its security agent where runtime monitoring applies.
  runtime_agents = ["EKS_ADDON_MANAGEMENT", "ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT"]
}

resource "aws_guardduty_detector" "this" {
  #checkov:skip=CKV2_AWS_3:This is the per-account detector; organisation auto-enable is configured once by the delegated administrator account.
  count = local.create_guardduty ? 1 : 0

  enable                       = true
  finding_publishing_frequency = var.guardduty_finding_publishing_frequency
  tags                         = merge(local.tags, { Name = "${local.name_prefix}-guardduty" })
}

resource "aws_guardduty_detector_feature" "this" {
  for_each = local.create_guardduty_features ? local.guardduty_features : {}

  detector_id = aws_guardduty_detector.this[0].id
  name        = each.key
  status      = each.value ? "ENABLED" : "DISABLED"

  dynamic "additional_configuration" {
    for_each = each.key == "RUNTIME_MONITORING" ? local.runtime_agents : []
    content {
      name   = additional_configuration.value
      status = each.value ? "ENABLED" : "DISABLED"
    }
  }
}
