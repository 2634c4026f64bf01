# A generic Lambda function: package from a path, least-privilege execution role, DLQ, X-Ray.

locals {
  function_name = coalesce(var.function_name, local.name_prefix)
  package_path  = startswith(var.package_path, "/") ? var.package_path : "${path.module}/${var.package_path}"

  create_dlq          = var.enable_dlq
  create_alarms       = var.enable_alarms
  create_dlq_alarm    = var.enable_alarms && var.enable_dlq
  create_code_signing = var.enable_code_signing
  in_vpc              = var.vpc_config != null
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_117:Running in a VPC is optional (vpc_config); a function that calls only AWS APIs needs no VPC.
  #checkov:skip=CKV_AWS_272:Code signing is optional (enable_code_signing); it needs an AWS Signer profile the caller owns.
  function_name = local.function_name
  description   = var.description
  role          = module.execution_role.arn

  filename         = local.package_path
  source_code_hash = fileexists(local.package_path) ? filebase64sha256(local.package_path) : null
  handler          = var.handler
  runtime          = var.runtime
  architectures    = var.architectures
  memory_size      = var.memory_size
  timeout          = var.timeout

  reserved_concurrent_executions = var.reserved_concurrent_executions
  code_signing_config_arn        = try(aws_lambda_code_signing_config.this[0].arn, null)
  kms_key_arn                    = module.kms.key_arn

  dynamic "environment" {
    for_each = length(var.environment_variables) > 0 ? [var.environment_variables] : []
    content {
      variables = environment.value
    }
  }

  tracing_config {
    mode = var.enable_tracing ? "Active" : "PassThrough"
  }

  dynamic "dead_letter_config" {
    for_each = local.create_dlq ? [1] : []
    content {
      target_arn = module.dlq[0].arns["dlq"]
    }
  }

  dynamic "vpc_config" {
    for_each = local.in_vpc ? [var.vpc_config] : []
    content {
      subnet_ids         = vpc_config.value.subnet_ids
      security_group_ids = vpc_config.value.security_group_ids
    }
  }

  logging_config {
    log_format = var.log_format
    log_group  = module.log_group.name
  }

  tags = merge(local.tags, { Name = local.function_name }, var.function_tags)

  # The role's policies must exist before the function runs (logs, DLQ, ENIs).
  depends_on = [module.execution_role]

  lifecycle {
    precondition {
      condition     = fileexists(local.package_path)
      error_message = "The package ${var.package_path} does not exist: run python lambda/build.py or set package_path."
    }
  }
}
