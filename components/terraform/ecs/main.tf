locals {
  cluster_name        = local.name_prefix
  exec_log_group_name = "/aws/ecs/${local.cluster_name}/exec"
  create_exec_logs    = var.enable_exec_logging
  create_exec_policy  = var.create_exec_policy
}

module "exec_log_group" {
  source = "../../../modules/log-group"
  count  = local.create_exec_logs ? 1 : 0

  name              = local.exec_log_group_name
  retention_in_days = var.exec_log_retention_days
  kms_key_arn       = module.exec_kms.key_arn
  tags              = merge(local.tags, { Name = local.exec_log_group_name })
}

resource "aws_ecs_cluster" "this" {
  name = local.cluster_name

  setting {
    name  = "containerInsights"
    value = var.container_insights
  }

  configuration {
    execute_command_configuration {
      kms_key_id = module.exec_kms.key_arn
      # OVERRIDE sends session logs to the group below; NONE keeps no session record.
      logging = local.create_exec_logs ? "OVERRIDE" : "NONE"

      dynamic "log_configuration" {
        for_each = local.create_exec_logs ? [1] : []
        content {
          cloud_watch_log_group_name     = module.exec_log_group[0].name
          cloud_watch_encryption_enabled = true
        }
      }
    }
  }

  tags = merge(local.tags, { Name = local.cluster_name }, var.cluster_tags)
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]

  dynamic "default_capacity_provider_strategy" {
    for_each = var.default_capacity_provider_strategy
    content {
      capacity_provider = default_capacity_provider_strategy.value.capacity_provider
      weight            = default_capacity_provider_strategy.value.weight
      base              = default_capacity_provider_strategy.value.base
    }
  }
}
