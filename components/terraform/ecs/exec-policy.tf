# ---------------------------------------------------------------------------------------
# What a task role needs for ECS Exec on this cluster; attach it to task roles of services
# that set enable_execute_command = true.
# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html#ecs-exec-required-iam-permissions
# ---------------------------------------------------------------------------------------
data "aws_iam_policy_document" "exec" {
  count = local.create_exec_policy ? 1 : 0

  statement {
    sid = "SsmMessageChannels"
    # The SSM message-channel actions support no resource-level permissions: "*" is the only
    # resource they accept.
    actions = [
      "ssmmessages:CreateControlChannel",
      "ssmmessages:CreateDataChannel",
      "ssmmessages:OpenControlChannel",
      "ssmmessages:OpenDataChannel",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "SessionEncryption"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [module.exec_kms.key_arn]
  }

  dynamic "statement" {
    for_each = local.create_exec_logs ? [1] : []
    content {
      sid       = "SessionLogs"
      actions   = ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]
      resources = ["${module.exec_log_group[0].arn}:*"]
    }
  }

  dynamic "statement" {
    for_each = local.create_exec_logs ? [1] : []
    content {
      sid       = "SessionLogGroupLookup"
      actions   = ["logs:DescribeLogGroups"] # a list call: no resource-level permissions
      resources = ["*"]
    }
  }
}

resource "aws_iam_policy" "exec" {
  count = local.create_exec_policy ? 1 : 0

  name        = "${local.name_prefix}-ecs-exec"
  description = "ECS Exec for tasks of the ${local.cluster_name} cluster: SSM channels, session key, session logs."
  policy      = data.aws_iam_policy_document.exec[0].json
  tags        = local.tags
}
