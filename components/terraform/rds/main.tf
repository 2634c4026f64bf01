locals {
  is_postgres    = var.engine == "postgres"
  engine_version = coalesce(var.engine_version, local.is_postgres ? "16" : "8.0")
  version_parts  = split(".", local.engine_version)
  # Parameter group families: postgres16, mysql8.0.
  parameter_group_family = local.is_postgres ? "postgres${local.version_parts[0]}" : "mysql${join(".", slice(local.version_parts, 0, min(2, length(local.version_parts))))}"
  port                   = coalesce(var.port, local.is_postgres ? 5432 : 3306)

  logs_exports = coalesce(var.enabled_cloudwatch_logs_exports,
  local.is_postgres ? ["postgresql", "upgrade"] : ["error", "slowquery"])

  create_monitoring_role = var.monitoring_interval > 0

  # Secure defaults first; the caller's parameters win on a name clash.
  default_parameters = local.is_postgres ? [
    { name = "rds.force_ssl", value = "1", apply_method = "immediate" },
    { name = "log_statement", value = "ddl", apply_method = "immediate" },
    { name = "log_min_duration_statement", value = "1000", apply_method = "immediate" },
    ] : [
    { name = "require_secure_transport", value = "1", apply_method = "immediate" },
    { name = "slow_query_log", value = "1", apply_method = "immediate" },
    { name = "long_query_time", value = "1", apply_method = "immediate" },
  ]
  parameters = merge(
    { for p in local.default_parameters : p.name => p },
    { for p in var.parameters : p.name => p },
  )
  parameter_group_parameters = var.enable_parameter_group_parameters ? local.parameters : {}
}

################################################################################
# Network: subnet group and the database security group
################################################################################

resource "aws_db_subnet_group" "this" {
  name        = local.name_prefix
  description = "${local.name_prefix} database subnets"
  subnet_ids  = var.subnet_ids
  tags        = merge(local.tags, { Name = local.name_prefix })
}

resource "aws_security_group" "this" {
  name        = "${local.name_prefix}-rds"
  description = "${local.name_prefix} database: ingress only from listed security groups and CIDRs"
  vpc_id      = var.vpc_id
  tags        = merge(local.tags, { Name = "${local.name_prefix}-rds" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "from_security_groups" {
  for_each = toset(var.allowed_security_group_ids)

  security_group_id            = aws_security_group.this.id
  description                  = "Database port from ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
  referenced_security_group_id = each.key
  tags                         = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "from_cidr_blocks" {
  for_each = toset(var.allowed_cidr_blocks)

  security_group_id = aws_security_group.this.id
  description       = "Database port from ${each.key}"
  ip_protocol       = "tcp"
  from_port         = local.port
  to_port           = local.port
  cidr_ipv4         = each.key
  tags              = local.tags
}

################################################################################
# Parameter group
################################################################################

resource "aws_db_parameter_group" "this" {
  name        = "${local.name_prefix}-${replace(local.parameter_group_family, ".", "-")}"
  family      = local.parameter_group_family
  description = "${local.name_prefix} ${local.parameter_group_family}: TLS required, slow statements logged"

  dynamic "parameter" {
    for_each = local.parameter_group_parameters
    content {
      name         = parameter.value.name
      value        = parameter.value.value
      apply_method = parameter.value.apply_method
    }
  }

  tags = merge(local.tags, { Name = local.name_prefix })

  lifecycle {
    create_before_destroy = true
  }
}

################################################################################
# Enhanced monitoring role
################################################################################

# The trust names the service principal only, as the role had before the module (no
# aws:SourceAccount condition).
module "monitoring_role" {
  source = "../../../modules/iam-role"
  count  = local.create_monitoring_role ? 1 : 0

  name     = "${local.name_prefix}-rds-monitoring"
  services = ["monitoring.rds.amazonaws.com"]
  managed_policy_arns = {
    "AmazonRDSEnhancedMonitoringRole" = "arn:${local.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
  }
  tags = local.tags
}

################################################################################
# Log groups for the exported database logs (created first, so they are encrypted and expire)
################################################################################

module "db_log_group" {
  source   = "../../../modules/log-group"
  for_each = toset(local.logs_exports)

  name              = "/aws/rds/instance/${local.name_prefix}/${each.key}"
  retention_in_days = var.cloudwatch_logs_retention_days
  kms_key_arn       = module.kms.key_arn
  tags              = merge(local.tags, { Name = "${local.name_prefix}-${each.key}" })
}

################################################################################
# The instance
################################################################################

# The initial master password: generated by Secrets Manager's GetRandomPassword as an ephemeral
# value and passed only to write-only arguments, so it is in neither the plan nor the state.
ephemeral "aws_secretsmanager_random_password" "master" {
  password_length    = var.rotation_password_length
  exclude_characters = local.password_exclude_characters
}

resource "aws_db_instance" "this" {
  identifier     = local.name_prefix
  engine         = var.engine
  engine_version = local.engine_version
  instance_class = var.instance_class

  allocated_storage     = var.allocated_storage
  max_allocated_storage = var.max_allocated_storage
  storage_type          = var.storage_type
  storage_encrypted     = var.storage_encrypted
  kms_key_id            = module.kms.key_arn

  db_name             = var.db_name
  username            = var.master_username
  password_wo         = ephemeral.aws_secretsmanager_random_password.master.random_password
  password_wo_version = var.master_password_version
  port                = local.port

  multi_az               = var.multi_az
  publicly_accessible    = var.publicly_accessible
  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.this.id]
  parameter_group_name   = aws_db_parameter_group.this.name

  backup_retention_period   = var.backup_retention_period
  backup_window             = var.backup_window
  maintenance_window        = var.maintenance_window
  copy_tags_to_snapshot     = true
  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = var.skip_final_snapshot
  final_snapshot_identifier = var.skip_final_snapshot ? null : "${local.name_prefix}-final"

  auto_minor_version_upgrade          = var.auto_minor_version_upgrade
  iam_database_authentication_enabled = true
  enabled_cloudwatch_logs_exports     = local.logs_exports

  monitoring_interval = var.monitoring_interval
  monitoring_role_arn = try(module.monitoring_role[0].arn, null)

  performance_insights_enabled          = var.performance_insights_enabled
  performance_insights_kms_key_id       = var.performance_insights_enabled ? module.kms.key_arn : null
  performance_insights_retention_period = var.performance_insights_enabled ? var.performance_insights_retention_period : null

  tags = merge(local.tags, { Name = local.name_prefix }, var.db_instance_tags)

  #checkov:skip=CKV_AWS_157:Multi-AZ is an input; the multi_az validation makes it mandatory in prod, dev and staging may run single-AZ.

  depends_on = [module.db_log_group, module.monitoring_role]
}
