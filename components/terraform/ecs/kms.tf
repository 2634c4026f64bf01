# One customer-managed key for ECS Exec: it encrypts the session data between the client and
# the container, and the session log group.
# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html#ecs-exec-logging
module "exec_kms" {
  source = "../../../modules/kms-key"

  alias                   = "${local.name_prefix}-ecs-exec"
  description             = "${local.name_prefix} ECS Exec sessions and logs"
  deletion_window_in_days = var.kms_key_deletion_window_in_days
  service_statements = [{
    sid        = "CloudWatchLogsUse"
    actions    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    principals = [{ type = "Service", identifiers = ["logs.${var.region}.amazonaws.com"] }]
    conditions = [{
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:${local.exec_log_group_name}"]
    }]
  }]
  tags = merge(local.tags, { Name = "${local.name_prefix}-ecs-exec" })
}
