# ---------------------------------------------------------------------------------------
# Backup monitoring: SNS topic (created KMS-encrypted, or passed in), EventBridge rule on
# failed / aborted / expired jobs, vault notifications, alarms on failed and missing jobs.
# ---------------------------------------------------------------------------------------

# Created when no topic is passed in (modules/sns-topic: KMS-encrypted with the backup key,
# only EventBridge, AWS Backup and CloudWatch of this account may publish, over TLS only).
module "backup_topic" {
  source = "../../../modules/sns-topic"
  count  = local.create_backup_topic ? 1 : 0

  name        = "${local.name_prefix}-backup-events"
  kms_key_arn = module.backup_kms[0].key_arn
  publishers = [
    {
      sid      = "AllowAccountServicesToPublish"
      services = ["events.amazonaws.com", "backup.amazonaws.com", "cloudwatch.amazonaws.com"]
    },
  ]
  tags = merge(local.tags, { Name = "${local.name_prefix}-backup-events" })
}

resource "aws_cloudwatch_event_rule" "backup_job_problems" {
  count = local.create_backup_alarms ? 1 : 0

  name        = "${local.name_prefix}-backup-job-problems"
  description = "AWS Backup jobs of ${local.backup_vault_name} that failed, were aborted or expired."
  event_pattern = jsonencode({
    source        = ["aws.backup"]
    "detail-type" = ["Backup Job State Change"]
    detail = {
      state           = ["FAILED", "ABORTED", "EXPIRED"]
      backupVaultName = [local.backup_vault_name]
    }
  })
  tags = merge(local.tags, { Name = "${local.name_prefix}-backup-job-problems" })
}

resource "aws_cloudwatch_event_target" "backup_job_problems" {
  count = local.create_backup_alarms ? 1 : 0

  rule      = aws_cloudwatch_event_rule.backup_job_problems[0].name
  target_id = "sns"
  arn       = local.backup_sns_topic_arn
}

resource "aws_backup_vault_notifications" "this" {
  count = local.create_vault_notices ? 1 : 0

  backup_vault_name   = aws_backup_vault.this[0].name
  sns_topic_arn       = local.backup_sns_topic_arn
  backup_vault_events = var.backup_vault_notification_events

  depends_on = [module.backup_topic]
}

# Any failed job is an incident. AWS Backup publishes the metric only when jobs end, so
# missing data means "nothing failed": notBreaching.
resource "aws_cloudwatch_metric_alarm" "backup_failed" {
  count = local.create_backup_alarms ? 1 : 0

  alarm_name          = "${local.name_prefix}-backup-jobs-failed"
  alarm_description   = "A backup job into ${local.backup_vault_name} failed."
  namespace           = "AWS/Backup"
  metric_name         = "NumberOfBackupJobsFailed"
  dimensions          = { BackupVaultName = local.backup_vault_name }
  statistic           = "Sum"
  period              = 3600
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.backup_alarm_actions
  ok_actions          = local.backup_alarm_actions
  tags                = merge(local.tags, { Name = "${local.name_prefix}-backup-jobs-failed" })
}

# No completed job in the window. The metric has no datapoint in an hour without a
# completed job, so missing data IS the signal: breaching. One completion in the window
# (one hour not breaching) keeps the alarm OK.
resource "aws_cloudwatch_metric_alarm" "backup_missing" {
  count = local.create_backup_alarms ? 1 : 0

  alarm_name          = "${local.name_prefix}-backup-jobs-missing"
  alarm_description   = "No backup job into ${local.backup_vault_name} completed in ${var.backup_missing_window_hours} hours."
  namespace           = "AWS/Backup"
  metric_name         = "NumberOfBackupJobsCompleted"
  dimensions          = { BackupVaultName = local.backup_vault_name }
  statistic           = "Sum"
  period              = 3600
  evaluation_periods  = var.backup_missing_window_hours
  datapoints_to_alarm = var.backup_missing_window_hours
  threshold           = 1
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "breaching"
  alarm_actions       = local.backup_alarm_actions
  ok_actions          = local.backup_alarm_actions
  tags                = merge(local.tags, { Name = "${local.name_prefix}-backup-jobs-missing" })
}
