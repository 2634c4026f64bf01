# One customer-managed key for ECS Exec: it encrypts the session data between the client and
# the container, and the session log group (CloudWatch Logs may use it for that group only:
# modules/kms-key writes the statement CloudWatchLogsUse).
# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html#ecs-exec-logging
module "exec_kms" {
  source = "../../../modules/kms-key"

  alias                   = "${local.name_prefix}-ecs-exec"
  description             = "${local.name_prefix} ECS Exec sessions and logs"
  deletion_window_in_days = var.kms_key_deletion_window_in_days
  log_group_names         = [local.exec_log_group_name]
  tags                    = merge(local.tags, { Name = "${local.name_prefix}-ecs-exec" })
}
