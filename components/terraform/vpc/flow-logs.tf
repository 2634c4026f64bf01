# VPC Flow Logs with security event detection (seed section 1).
#
# Records: traffic type ALL (ACCEPT and REJECT) in an explicit custom format, delivered to a
# CloudWatch log group encrypted with a customer-managed KMS key; optionally also to an S3
# archive. Detection: five metric filters over those records, each with an alarm to SNS.
#
# The record format is declared ONCE (local.flow_log_fields). The log_format of every flow log
# and the field list of every filter pattern are built from it, so a record and the pattern that
# reads it cannot drift apart. The unit tests run each planned pattern over fixture records in
# this format (tests/harness/fixtures/flow-logs/) with tfharness.filterpattern.

locals {
  create_flow_logs           = var.enable_flow_logs
  create_flow_logs_alarms    = var.enable_flow_logs && var.enable_flow_logs_alarms
  create_flow_logs_sns_topic = local.create_flow_logs_alarms && var.flow_logs_alarm_sns_topic_arn == null
  create_flow_logs_s3        = var.enable_flow_logs && var.enable_flow_logs_s3_backup

  # The KMS key policy names the log group by this name (log_group_names), before the group
  # exists: the key must allow CloudWatch Logs when the group is created.
  flow_logs_log_group_name = "/aws/vpc-flow-logs/${local.name_prefix}"
  # The same group's ARN, built from the name (known at plan time) for the role policy.
  flow_logs_log_group_arn = "arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:${local.flow_logs_log_group_name}"
  # The archive's name and ARN, known at plan time (the delivery policy names them).
  flow_logs_bucket_name = "${local.name_prefix}-flow-logs-${local.account_id}"
  flow_logs_bucket_arn  = "arn:${local.partition}:s3:::${local.flow_logs_bucket_name}"
  # Log delivery acts for this account's log deliveries only (KMS key and bucket policy).
  flow_logs_delivery_conditions = [
    { test = "StringEquals", variable = "aws:SourceAccount", values = [local.account_id] },
    { test = "ArnLike", variable = "aws:SourceArn", values = ["arn:${local.partition}:logs:${var.region}:${local.account_id}:*"] },
  ]
  flow_logs_namespace     = coalesce(var.flow_logs_metric_namespace, "VPCFlowLogs/${local.name_prefix}")
  flow_logs_sns_topic_arn = local.create_flow_logs_alarms ? coalesce(var.flow_logs_alarm_sns_topic_arn, try(module.flow_logs_alarm_topic[0].arn, null)) : null

  # The record format: the 14 default (version 2) fields, then the VPC and subnet, the TCP flags
  # and the flow direction (version 5). flow-direction lets a filter count a connection once,
  # on the ENI that received it, instead of once per ENI it crossed.
  # https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html
  flow_log_fields = [
    "version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport",
    "protocol", "packets", "bytes", "start", "end", "action", "log-status",
    "vpc-id", "subnet-id", "tcp-flags", "flow-direction",
  ]
  flow_log_format = join(" ", [for f in local.flow_log_fields : "$${${f}}"])
  # Filter-pattern field names cannot hold "-": account-id is read as account_id.
  flow_log_pattern_fields = [for f in local.flow_log_fields : replace(f, "-", "_")]

  # Each detector: the slots it constrains (field name => slot text), its metric and alarm.
  # Unconstrained fields stay bare names in the pattern. Numbers are compared as numbers, so a
  # NODATA/SKIPDATA record ("-" in every traffic field) never matches a port or byte test.
  port_scan_dstport_condition = length(var.port_scan_service_ports) == 0 ? "dstport>=0" : join(" && ", [
    for p in var.port_scan_service_ports : "dstport!=${p}"
  ])
  flow_log_detectors = {
    ssh_attempts = {
      metric_name = "SSHAttempts"
      description = "Inbound TCP/22 flows, accepted or rejected: brute force or unexpected SSH use."
      threshold   = var.ssh_access_alarm_threshold
      conditions = {
        dstport        = "dstport=22"
        protocol       = "protocol=6"
        flow_direction = "flow_direction=\"ingress\""
      }
    }
    rdp_attempts = {
      metric_name = "RDPAttempts"
      description = "Inbound TCP/3389 flows, accepted or rejected: brute force or unexpected RDP use."
      threshold   = var.rdp_access_alarm_threshold
      conditions = {
        dstport        = "dstport=3389"
        protocol       = "protocol=6"
        flow_direction = "flow_direction=\"ingress\""
      }
    }
    rejected_connections = {
      metric_name = "RejectedConnections"
      description = "Flows rejected by a security group or network ACL: probing or misconfiguration."
      threshold   = var.rejected_connections_alarm_threshold
      conditions = {
        action = "action=\"REJECT\""
      }
    }
    large_transfers = {
      metric_name = "LargeTransfers"
      description = "Accepted outbound flows of at least ${var.large_transfer_bytes_threshold} bytes in one record: possible exfiltration."
      threshold   = var.large_transfer_alarm_threshold
      conditions = {
        bytes          = "bytes>=${var.large_transfer_bytes_threshold}"
        action         = "action=\"ACCEPT\""
        flow_direction = "flow_direction=\"egress\""
      }
    }
    port_scan = {
      metric_name = "PortScanRejects"
      description = "Inbound rejected TCP flows to ports outside ${jsonencode(var.port_scan_service_ports)}: a port sweep. Counts records of all sources (see README)."
      threshold   = var.port_scan_alarm_threshold
      conditions = {
        dstport        = local.port_scan_dstport_condition
        protocol       = "protocol=6"
        action         = "action=\"REJECT\""
        flow_direction = "flow_direction=\"ingress\""
      }
    }
  }

  flow_log_filter_patterns = {
    for key, detector in local.flow_log_detectors :
    key => "[${join(", ", [for f in local.flow_log_pattern_fields : lookup(detector.conditions, f, f)])}]"
  }
  flow_log_alarm_detectors = local.create_flow_logs_alarms ? local.flow_log_detectors : {}
  flow_logs_alarm_subscriptions = local.create_flow_logs_alarms ? {
    for s in var.flow_logs_alarm_subscriptions : "${s.protocol}:${s.endpoint}" => s
  } : {}
}

# ---------------------------------------------------------------------------------------------
# KMS key: CloudWatch Logs may use it only for this log group; CloudWatch alarms may publish to
# the SNS topic it encrypts; log delivery may write the S3 archive it encrypts.
# ---------------------------------------------------------------------------------------------

# The shared module adds the account root statement (AccountAdministration) itself.
module "flow_logs_kms" {
  source = "../../../modules/kms-key"
  count  = local.create_flow_logs ? 1 : 0

  alias                   = "${local.name_prefix}-flow-logs"
  description             = "${local.name_prefix} VPC flow logs"
  deletion_window_in_days = var.kms_key_deletion_window_in_days
  # CloudWatchLogsUse: CloudWatch Logs may use the key for the flow-log group only.
  log_group_names = [local.flow_logs_log_group_name]
  # ServicesPublishToEncryptedTopics: CloudWatch alarms publish to the topic the key encrypts
  # (only when the component creates it).
  publishing_services = local.create_flow_logs_sns_topic ? ["cloudwatch.amazonaws.com"] : []
  # Log delivery writes the S3 archive: another principal, scoped by the delivery conditions.
  service_statements = local.create_flow_logs_s3 ? [{
    sid        = "LogDeliveryWritesEncryptedArchive"
    actions    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
    principals = [{ type = "Service", identifiers = ["delivery.logs.amazonaws.com"] }]
    conditions = local.flow_logs_delivery_conditions
  }] : []

  tags = merge(local.tags, { Name = "${local.name_prefix}-flow-logs" })
}

# ---------------------------------------------------------------------------------------------
# Log group and the flow log
# ---------------------------------------------------------------------------------------------

# Retention is validated by the module against the values CloudWatch accepts; long-term
# storage is the optional S3 archive.
module "flow_logs_log_group" {
  source = "../../../modules/log-group"
  count  = local.create_flow_logs ? 1 : 0

  name              = local.flow_logs_log_group_name
  retention_in_days = var.flow_logs_retention_days
  kms_key_arn       = module.flow_logs_kms[0].key_arn

  tags = merge(local.tags, { Name = local.flow_logs_log_group_name }, var.flow_logs_log_group_tags)
}

data "aws_iam_policy_document" "flow_logs_publish" {
  count = local.create_flow_logs ? 1 : 0

  statement {
    sid       = "WriteThisLogGroup"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = ["${local.flow_logs_log_group_arn}:*"]
  }

  # The flow-logs service checks its destination with DescribeLogGroups, a list call that
  # cannot be narrowed to one group; the group itself is created by Terraform, so the role
  # has no logs:CreateLogGroup.
  statement {
    sid       = "FindLogGroup"
    actions   = ["logs:DescribeLogGroups"]
    resources = ["arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:*"]
  }
}

# Only flow logs of this account may assume the role (aws:SourceAccount and aws:SourceArn,
# the confused-deputy protection).
module "flow_logs_role" {
  source = "../../../modules/iam-role"
  count  = local.create_flow_logs ? 1 : 0

  name           = "${local.name_prefix}-vpc-flow-logs"
  description    = "Lets VPC Flow Logs write ${local.flow_logs_log_group_name}."
  services       = ["vpc-flow-logs.amazonaws.com"]
  source_account = local.account_id
  source_arns    = ["arn:${local.partition}:ec2:${var.region}:${local.account_id}:vpc-flow-log/*"]
  inline_policies = {
    "publish-flow-logs" = data.aws_iam_policy_document.flow_logs_publish[0].json
  }

  tags = local.tags
}

resource "aws_flow_log" "this" {
  count = local.create_flow_logs ? 1 : 0

  vpc_id                   = aws_vpc.this.id
  traffic_type             = "ALL"
  log_destination_type     = "cloud-watch-logs"
  log_destination          = module.flow_logs_log_group[0].arn
  iam_role_arn             = module.flow_logs_role[0].arn
  log_format               = local.flow_log_format
  max_aggregation_interval = var.flow_logs_aggregation_interval

  tags = merge(local.tags, { Name = "${local.name_prefix}-cloudwatch" })

  depends_on = [module.flow_logs_role]
}

# ---------------------------------------------------------------------------------------------
# Security metric filters and alarms
# ---------------------------------------------------------------------------------------------

# Only this component's alarms may publish (aws:SourceAccount and aws:SourceArn); the module
# also refuses publishing over plain HTTP.
module "flow_logs_alarm_topic" {
  source = "../../../modules/sns-topic"
  count  = local.create_flow_logs_sns_topic ? 1 : 0

  name        = "${local.name_prefix}-flow-logs-alarms"
  kms_key_arn = module.flow_logs_kms[0].key_arn
  publishers = [{
    sid         = "CloudWatchAlarmsPublish"
    services    = ["cloudwatch.amazonaws.com"]
    source_arns = ["arn:${local.partition}:cloudwatch:${var.region}:${local.account_id}:alarm:${local.name_prefix}-flow-logs-*"]
  }]

  tags = local.tags
}

resource "aws_sns_topic_subscription" "flow_logs_alarms" {
  for_each = local.flow_logs_alarm_subscriptions

  topic_arn = local.flow_logs_sns_topic_arn
  protocol  = each.value.protocol
  endpoint  = each.value.endpoint
}

resource "aws_cloudwatch_log_metric_filter" "flow_logs" {
  for_each = local.flow_log_alarm_detectors

  name           = "${local.name_prefix}-${replace(each.key, "_", "-")}"
  log_group_name = module.flow_logs_log_group[0].name
  pattern        = local.flow_log_filter_patterns[each.key]

  metric_transformation {
    name          = each.value.metric_name
    namespace     = local.flow_logs_namespace
    value         = "1"
    default_value = "0"
    unit          = "Count"
  }

  lifecycle {
    precondition {
      # tfharness: unfireable: the detectors' field names (conditions keys) and local.flow_log_fields are both literals of this file, no input can change either; it fires when someone edits one without the other.
      condition     = alltrue([for f in keys(each.value.conditions) : contains(local.flow_log_pattern_fields, f)])
      error_message = "The ${each.key} filter constrains a field the flow-log format does not have: add it to local.flow_log_fields."
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "flow_logs" {
  for_each = local.flow_log_alarm_detectors

  alarm_name          = "${local.name_prefix}-flow-logs-${replace(each.key, "_", "-")}"
  alarm_description   = each.value.description
  namespace           = local.flow_logs_namespace
  metric_name         = aws_cloudwatch_log_metric_filter.flow_logs[each.key].metric_transformation[0].name
  statistic           = "Sum"
  period              = var.flow_logs_alarm_period
  evaluation_periods  = 1
  threshold           = each.value.threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.flow_logs_sns_topic_arn]
  ok_actions          = [local.flow_logs_sns_topic_arn]

  tags = local.tags
}

# ---------------------------------------------------------------------------------------------
# Optional S3 archive: a second flow log in the same format, lifecycle to IA and GLACIER.
# ---------------------------------------------------------------------------------------------

module "flow_logs_archive" {
  source = "../../../modules/s3-bucket"
  count  = local.create_flow_logs_s3 ? 1 : 0

  bucket        = local.flow_logs_bucket_name
  kms_key_arn   = module.flow_logs_kms[0].key_arn
  force_destroy = var.flow_logs_s3_force_destroy
  lifecycle_rules = [{
    id = "archive-flow-logs"
    transitions = [
      { days = var.flow_logs_s3_standard_ia_transition_days, storage_class = "STANDARD_IA" },
      { days = var.flow_logs_s3_glacier_transition_days, storage_class = "GLACIER" },
    ]
    expiration_days                    = var.flow_logs_s3_expiration_days
    noncurrent_version_expiration_days = 30
  }]
  policy_documents = [data.aws_iam_policy_document.flow_logs_bucket_delivery[0].json]

  tags = merge(local.tags, { Name = "${local.name_prefix}-flow-logs" })
}

# Log delivery's access, added to the module's TLS-only and SSE-KMS-only statements: it writes
# under AWSLogs/<account>/ and checks the bucket's ACL, for this account's deliveries only.
# https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-permissions.html
data "aws_iam_policy_document" "flow_logs_bucket_delivery" {
  count = local.create_flow_logs_s3 ? 1 : 0

  dynamic "statement" {
    for_each = [
      {
        sid        = "AWSLogDeliveryWrite"
        actions    = ["s3:PutObject"]
        resources  = ["${local.flow_logs_bucket_arn}/AWSLogs/${local.account_id}/*"]
        conditions = concat([{ test = "StringEquals", variable = "s3:x-amz-acl", values = ["bucket-owner-full-control"] }], local.flow_logs_delivery_conditions)
      },
      {
        sid        = "AWSLogDeliveryAclCheck"
        actions    = ["s3:GetBucketAcl", "s3:ListBucket"]
        resources  = [local.flow_logs_bucket_arn]
        conditions = local.flow_logs_delivery_conditions
      },
    ]

    content {
      sid       = statement.value.sid
      actions   = statement.value.actions
      resources = statement.value.resources

      principals {
        type        = "Service"
        identifiers = ["delivery.logs.amazonaws.com"]
      }

      dynamic "condition" {
        for_each = statement.value.conditions
        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
    }
  }
}

resource "aws_flow_log" "s3" {
  count = local.create_flow_logs_s3 ? 1 : 0

  vpc_id                   = aws_vpc.this.id
  traffic_type             = "ALL"
  log_destination_type     = "s3"
  log_destination          = module.flow_logs_archive[0].arn
  log_format               = local.flow_log_format
  max_aggregation_interval = var.flow_logs_aggregation_interval

  destination_options {
    file_format        = "plain-text"
    per_hour_partition = true
  }

  tags = merge(local.tags, { Name = "${local.name_prefix}-s3-archive" })

  # The bucket policy and default encryption must be in place before delivery starts.
  depends_on = [module.flow_logs_archive]
}
