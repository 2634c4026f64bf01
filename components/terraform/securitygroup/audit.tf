# Audit of security-group changes (seed section 7).
#
# CloudTrail publishes every EC2 API call to EventBridge as "AWS API Call via CloudTrail" (a
# trail with management events must be logging in the account). Two rules pick the calls up:
#
#   security_group_changes  the six security-group API calls  -> log group .../security-group-changes
#   public_ingress          AuthorizeSecurityGroupIngress that -> log group .../security-group-public-ingress
#                           opens 0.0.0.0/0 or ::/0
#
# Why two log groups: the requested ranges sit in arrays (ipPermissions.items[].ipRanges.items[])
# and CloudWatch Logs JSON filter patterns can only address array elements by index, so a metric
# filter cannot tell "any range is 0.0.0.0/0". EventBridge patterns match any array element, so
# EventBridge decides, and the public-ingress group holds only the events that open the internet.
# The metric filter on it then counts successful calls (errorCode absent) and drives the alarm.
#
# Scope: the account and region (changes made in the console or CLI included), not only this
# group. Enable the logging in one securitygroup instance per account and region.

locals {
  create_logging   = var.enable_security_group_logging
  create_alarms    = var.enable_security_group_logging && var.enable_security_group_alarms
  create_sns_topic = local.create_alarms && var.alarm_sns_topic_arn == null
  alarm_topic_arn  = local.create_alarms ? coalesce(var.alarm_sns_topic_arn, try(module.alarm_topic[0].arn, null)) : null
  alarm_subscriptions = local.create_alarms ? {
    for s in var.alarm_subscriptions : "${s.protocol}:${s.endpoint}" => s
  } : {}

  security_group_api_calls = [
    "AuthorizeSecurityGroupIngress",
    "AuthorizeSecurityGroupEgress",
    "RevokeSecurityGroupIngress",
    "RevokeSecurityGroupEgress",
    "CreateSecurityGroup",
    "DeleteSecurityGroup",
  ]

  audit_log_groups = {
    changes        = "/aws/events/${local.name_prefix}/security-group-changes"
    public_ingress = "/aws/events/${local.name_prefix}/security-group-public-ingress"
  }
  audit_log_group_arns = {
    for k, name in local.audit_log_groups : k => "arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:${name}"
  }
  audit_metric_namespace = "SecurityGroups/${local.name_prefix}"

  changes_event_pattern = {
    source        = ["aws.ec2"]
    "detail-type" = ["AWS API Call via CloudTrail"]
    detail = {
      eventSource = ["ec2.amazonaws.com"]
      eventName   = local.security_group_api_calls
    }
  }

  public_ingress_event_pattern = {
    source        = ["aws.ec2"]
    "detail-type" = ["AWS API Call via CloudTrail"]
    detail = {
      eventSource = ["ec2.amazonaws.com"]
      eventName   = ["AuthorizeSecurityGroupIngress"]
      errorCode   = [{ exists = false }] # a refused call opened nothing
      requestParameters = {
        ipPermissions = {
          items = {
            "$or" = [
              { ipRanges = { items = { cidrIp = ["0.0.0.0/0"] } } },
              { ipv6Ranges = { items = { cidrIpv6 = ["::/0"] } } },
            ]
          }
        }
      }
    }
  }

  # JSON filter patterns over the EventBridge events (the whole event is the log message).
  # tests/unit/test_securitygroup.py runs them over sample events with tfharness.filterpattern.
  audit_metric_filters = {
    changes = {
      log_group   = "changes"
      metric_name = "SecurityGroupChanges"
      pattern     = "{ ($.source = \"aws.ec2\") && ($.detail.eventSource = \"ec2.amazonaws.com\") && ($.detail.errorCode NOT EXISTS) }"
    }
    public_ingress = {
      log_group   = "public_ingress"
      metric_name = "PublicIngressOpened"
      pattern     = "{ ($.source = \"aws.ec2\") && ($.detail.eventName = \"AuthorizeSecurityGroupIngress\") && ($.detail.errorCode NOT EXISTS) }"
    }
  }
}

# ---------------------------------------------------------------------------------------------
# KMS key: CloudWatch Logs may use it only for the two audit log groups.
# ---------------------------------------------------------------------------------------------

# The shared module adds the account root statement (AccountAdministration) itself.
module "audit_kms" {
  source = "../../../modules/kms-key"
  count  = local.create_logging ? 1 : 0

  alias                   = "${local.name_prefix}-sg-audit"
  description             = "${local.name_prefix} security-group audit logs"
  deletion_window_in_days = var.kms_key_deletion_window_in_days
  # CloudWatchLogsUse: CloudWatch Logs may use the key for the two audit log groups only.
  log_group_names = values(local.audit_log_groups)
  # ServicesPublishToEncryptedTopics: CloudWatch alarms publish to the topic the key encrypts
  # (only when the component creates it).
  publishing_services = local.create_sns_topic ? ["cloudwatch.amazonaws.com"] : []

  tags = merge(local.tags, { Name = "${local.name_prefix}-sg-audit" })
}

# ---------------------------------------------------------------------------------------------
# Log groups and the resource policy that lets EventBridge write them
# ---------------------------------------------------------------------------------------------

# Retention: log_retention_days, validated by the module against the values CloudWatch
# accepts; prod requires 365 or more (variables.tf).
module "audit_log_groups" {
  source   = "../../../modules/log-group"
  for_each = local.create_logging ? local.audit_log_groups : {}

  name              = each.value
  retention_in_days = var.log_retention_days
  kms_key_arn       = module.audit_kms[0].key_arn

  tags = merge(local.tags, { Name = each.value })
}

# EventBridge writes to CloudWatch Logs through the log groups' resource policy, not an IAM
# role. Limited to the two audit groups and to calls on behalf of this account.
data "aws_iam_policy_document" "audit_delivery" {
  count = local.create_logging ? 1 : 0

  statement {
    sid       = "EventBridgeWritesAuditLogGroups"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [for arn in values(local.audit_log_group_arns) : "${arn}:*"]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com", "delivery.logs.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_cloudwatch_log_resource_policy" "audit" {
  count = local.create_logging ? 1 : 0

  policy_name     = "${local.name_prefix}-security-group-audit"
  policy_document = data.aws_iam_policy_document.audit_delivery[0].json
}

# ---------------------------------------------------------------------------------------------
# EventBridge rules
# ---------------------------------------------------------------------------------------------

resource "aws_cloudwatch_event_rule" "security_group_changes" {
  count = local.create_logging ? 1 : 0

  name          = "${local.name_prefix}-security-group-changes"
  description   = "Security-group API calls (CloudTrail) to ${local.audit_log_groups.changes}."
  event_pattern = jsonencode(local.changes_event_pattern)

  tags = local.tags
}

resource "aws_cloudwatch_event_target" "security_group_changes" {
  count = local.create_logging ? 1 : 0

  rule = aws_cloudwatch_event_rule.security_group_changes[0].name
  arn  = module.audit_log_groups["changes"].arn

  depends_on = [aws_cloudwatch_log_resource_policy.audit]
}

resource "aws_cloudwatch_event_rule" "public_ingress" {
  count = local.create_logging ? 1 : 0

  name          = "${local.name_prefix}-security-group-public-ingress"
  description   = "AuthorizeSecurityGroupIngress opening 0.0.0.0/0 or ::/0, to ${local.audit_log_groups.public_ingress}."
  event_pattern = jsonencode(local.public_ingress_event_pattern)

  tags = local.tags
}

resource "aws_cloudwatch_event_target" "public_ingress" {
  count = local.create_logging ? 1 : 0

  rule = aws_cloudwatch_event_rule.public_ingress[0].name
  arn  = module.audit_log_groups["public_ingress"].arn

  depends_on = [aws_cloudwatch_log_resource_policy.audit]
}

# ---------------------------------------------------------------------------------------------
# Metric filters and the public-ingress alarm
# ---------------------------------------------------------------------------------------------

resource "aws_cloudwatch_log_metric_filter" "audit" {
  for_each = local.create_logging ? local.audit_metric_filters : {}

  name           = "${local.name_prefix}-${replace(each.key, "_", "-")}"
  log_group_name = module.audit_log_groups[each.value.log_group].name
  pattern        = each.value.pattern

  metric_transformation {
    name          = each.value.metric_name
    namespace     = local.audit_metric_namespace
    value         = "1"
    default_value = "0"
    unit          = "Count"
  }
}

# Only this component's alarm may publish (aws:SourceAccount and aws:SourceArn); the module
# also refuses publishing over plain HTTP.
module "alarm_topic" {
  source = "../../../modules/sns-topic"
  count  = local.create_sns_topic ? 1 : 0

  name        = "${local.name_prefix}-security-group-alarms"
  kms_key_arn = module.audit_kms[0].key_arn
  publishers = [{
    sid         = "CloudWatchAlarmsPublish"
    services    = ["cloudwatch.amazonaws.com"]
    source_arns = ["arn:${local.partition}:cloudwatch:${var.region}:${local.account_id}:alarm:${local.name_prefix}-security-group-public-ingress"]
  }]

  tags = local.tags
}

resource "aws_sns_topic_subscription" "alarms" {
  for_each = local.alarm_subscriptions

  topic_arn = local.alarm_topic_arn
  protocol  = each.value.protocol
  endpoint  = each.value.endpoint
}

resource "aws_cloudwatch_metric_alarm" "public_ingress" {
  count = local.create_alarms ? 1 : 0

  alarm_name          = "${local.name_prefix}-security-group-public-ingress"
  alarm_description   = "A security-group ingress rule open to the internet (0.0.0.0/0 or ::/0) was created in this account and region. Events: ${local.audit_log_groups.public_ingress}."
  namespace           = local.audit_metric_namespace
  metric_name         = aws_cloudwatch_log_metric_filter.audit["public_ingress"].metric_transformation[0].name
  statistic           = "Sum"
  period              = var.alarm_period
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.alarm_topic_arn]
  ok_actions          = [local.alarm_topic_arn]

  tags = local.tags
}
