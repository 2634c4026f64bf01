# A CloudWatch Logs group encrypted with a customer-managed key and kept for a validated number
# of days: the only way components create log groups.
resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:Retention is the caller's validated retention_in_days; a year is not right for every log (flow logs are archived to S3).
  name              = var.name
  retention_in_days = var.retention_in_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}
