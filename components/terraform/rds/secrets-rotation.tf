################################################################################
# Credentials secret and its rotation (seed section 2)
#
# The secret holds the connection document the rotation function needs (engine, host, port,
# username, password, dbname, ssl). A Lambda function in the VPC rotates it every
# rotation_days with the single-user strategy (lambda/rotation.py); alarms and an EventBridge
# rule report failures and slow rotations.
################################################################################

locals {
  rotation_function_name = "${local.name_prefix}-rds-rotation"
  # Characters RDS refuses in master passwords (/ @ " and space) plus ' and \ (quoting).
  password_exclude_characters = "/@\"'\\"

  create_rotation        = var.enable_secrets_rotation
  create_rotation_alarms = var.enable_secrets_rotation && var.enable_rotation_alarms
  create_rotation_topic  = var.enable_secrets_rotation && var.create_rotation_sns_topic
  rotation_topic_arn     = local.create_rotation_topic ? module.rotation_topic[0].arn : var.rotation_sns_topic_arn
  create_rotation_events = var.enable_secrets_rotation && (var.create_rotation_sns_topic || var.rotation_sns_topic_arn != null)
  rotation_alarm_actions = local.rotation_topic_arn != null ? [local.rotation_topic_arn] : []

  # Built by `python components/terraform/rds/lambda/build.py` (the harness and CI run it).
  rotation_zip        = "${path.module}/build/rotation.zip"
  rotation_zip_exists = fileexists(local.rotation_zip)
  rotation_subnet_ids = coalesce(var.rotation_subnet_ids, var.subnet_ids)

  # Alarm when one step runs longer than this share of the timeout (milliseconds).
  rotation_duration_threshold_ms = var.rotation_lambda_timeout * 1000 * var.rotation_duration_alarm_threshold_percent / 100
}

resource "aws_secretsmanager_secret" "this" {
  name                    = "rds/${local.name_prefix}/master"
  description             = "Master credentials of the ${local.name_prefix} ${var.engine} instance (rotated by ${local.rotation_function_name})"
  kms_key_id              = module.kms.key_arn
  recovery_window_in_days = var.secret_recovery_window_in_days
  tags                    = merge(local.tags, { Name = "rds/${local.name_prefix}/master" })

  #checkov:skip=CKV2_AWS_57:Rotation is configured by aws_secretsmanager_secret_rotation.this (enable_secrets_rotation, on by default).
}

# Written once (and again when master_password_version changes); afterwards only the rotation
# function writes versions. The password comes from the same ephemeral value the instance got.
resource "aws_secretsmanager_secret_version" "this" {
  secret_id = aws_secretsmanager_secret.this.id
  secret_string_wo = jsonencode({
    engine               = var.engine
    host                 = aws_db_instance.this.address
    port                 = local.port
    username             = var.master_username
    password             = ephemeral.aws_secretsmanager_random_password.master.random_password
    dbname               = var.db_name
    dbInstanceIdentifier = aws_db_instance.this.identifier
    ssl                  = true
  })
  secret_string_wo_version = var.master_password_version
}

################################################################################
# Network: the function's security group and the rule that lets it reach the database
################################################################################

resource "aws_security_group" "rotation" {
  count = local.create_rotation ? 1 : 0

  name        = "${local.name_prefix}-rds-rotation"
  description = "${local.name_prefix} rotation function: database port and HTTPS to Secrets Manager"
  vpc_id      = var.vpc_id
  tags        = merge(local.tags, { Name = "${local.name_prefix}-rds-rotation" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_egress_rule" "rotation_to_database" {
  count = local.create_rotation ? 1 : 0

  security_group_id            = aws_security_group.rotation[0].id
  description                  = "Database port on the ${local.name_prefix} instance"
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
  referenced_security_group_id = aws_security_group.this.id
  tags                         = local.tags
}

resource "aws_vpc_security_group_egress_rule" "rotation_to_secrets_manager" {
  count = local.create_rotation ? 1 : 0

  security_group_id = aws_security_group.rotation[0].id
  description       = "HTTPS to the Secrets Manager API (VPC endpoint or NAT)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
  tags              = local.tags
}

# Seed: "Automatic ingress rule" on the database security group from the rotation function.
resource "aws_vpc_security_group_ingress_rule" "from_rotation" {
  count = local.create_rotation ? 1 : 0

  security_group_id            = aws_security_group.this.id
  description                  = "Database port from the rotation function"
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
  referenced_security_group_id = aws_security_group.rotation[0].id
  tags                         = local.tags
}

################################################################################
# IAM
################################################################################

data "aws_iam_policy_document" "rotation" {
  statement {
    sid = "RotateThisSecret"
    actions = [
      "secretsmanager:DescribeSecret",
      "secretsmanager:GetSecretValue",
      "secretsmanager:PutSecretValue",
      "secretsmanager:UpdateSecretVersionStage",
    ]
    resources = [aws_secretsmanager_secret.this.arn]
  }

  statement {
    sid       = "GeneratePasswords"
    actions   = ["secretsmanager:GetRandomPassword"]
    resources = ["*"] # GetRandomPassword supports no resource-level permissions
  }

  statement {
    sid       = "UseTheKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [module.kms.key_arn]
  }

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:/aws/lambda/${local.rotation_function_name}:*"]
  }

  statement {
    sid       = "Tracing"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"] # X-Ray write actions support no resource-level permissions
  }
}

# The function's role: its own secret, key and log group. Its trust carries no conditions, as
# deployed.
module "rotation_role" {
  source = "../../../modules/iam-role"
  count  = local.create_rotation ? 1 : 0

  name     = local.rotation_function_name
  services = ["lambda.amazonaws.com"]
  inline_policies = {
    rotate = data.aws_iam_policy_document.rotation.json
  }
  inline_policy_names = { rotate = "rotate-${local.name_prefix}" }
  # Network interfaces for a function in a VPC (the AWS managed policy for exactly this).
  managed_policy_arns = {
    vpc = "arn:${local.partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
  }
  tags = local.tags
}

################################################################################
# The function
################################################################################

module "rotation_log_group" {
  source = "../../../modules/log-group"
  count  = local.create_rotation ? 1 : 0

  name              = "/aws/lambda/${local.rotation_function_name}"
  retention_in_days = var.rotation_logs_retention_days
  kms_key_arn       = module.kms.key_arn
  tags              = merge(local.tags, { Name = local.rotation_function_name })
}

resource "aws_lambda_function" "rotation" {
  count = local.create_rotation ? 1 : 0

  function_name    = local.rotation_function_name
  description      = "Single-user rotation of the ${local.name_prefix} ${var.engine} master password"
  role             = module.rotation_role[0].arn
  runtime          = "python3.12"
  handler          = "rotation.lambda_handler"
  filename         = local.rotation_zip
  source_code_hash = local.rotation_zip_exists ? filebase64sha256(local.rotation_zip) : null
  timeout          = var.rotation_lambda_timeout
  memory_size      = 256
  kms_key_arn      = module.kms.key_arn

  vpc_config {
    subnet_ids         = local.rotation_subnet_ids
    security_group_ids = [aws_security_group.rotation[0].id]
  }

  tracing_config {
    mode = "Active"
  }

  environment {
    variables = {
      SECRETS_MANAGER_ENDPOINT = "https://secretsmanager.${var.region}.${data.aws_partition.current.dns_suffix}"
      EXCLUDE_CHARACTERS       = local.password_exclude_characters
      PASSWORD_LENGTH          = tostring(var.rotation_password_length)
    }
  }

  tags = merge(local.tags, { Name = local.rotation_function_name })

  #checkov:skip=CKV_AWS_116:Secrets Manager invokes rotation synchronously and retries itself; a dead-letter queue only applies to asynchronous invocations.
  #checkov:skip=CKV_AWS_115:Reserved concurrency would fail in accounts at the minimum unreserved limit; rotation runs one step at a time per secret.
  #checkov:skip=CKV_AWS_272:The package is built reproducibly by lambda/build.py from pinned sources; code signing needs a signer profile outside this component.

  lifecycle {
    precondition {
      # tfharness: unfireable: the package path is the component's constant and the harness builds it before every plan, so no scenario input can remove it; tests/unit/test_rds.py (test_planning_without_the_rotation_package_says_how_to_build_it) fires it by deleting the zip.
      condition     = local.rotation_zip_exists
      error_message = "The rotation package build/rotation.zip is missing: run python components/terraform/rds/lambda/build.py before planning, or set enable_secrets_rotation = false."
    }
  }

  depends_on = [
    module.rotation_log_group,
    module.rotation_role, # its policies, before the function runs
  ]
}

resource "aws_lambda_permission" "secrets_manager" {
  count = local.create_rotation ? 1 : 0

  statement_id   = "AllowSecretsManagerRotation"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.rotation[0].function_name
  principal      = "secretsmanager.amazonaws.com"
  source_arn     = aws_secretsmanager_secret.this.arn
  source_account = local.account_id
}

resource "aws_secretsmanager_secret_rotation" "this" {
  count = local.create_rotation ? 1 : 0

  secret_id           = aws_secretsmanager_secret.this.id
  rotation_lambda_arn = aws_lambda_function.rotation[0].arn
  rotate_immediately  = var.rotation_rotate_immediately

  rotation_rules {
    automatically_after_days = var.rotation_days
  }

  depends_on = [
    aws_lambda_permission.secrets_manager,
    aws_secretsmanager_secret_version.this,
    aws_vpc_security_group_ingress_rule.from_rotation,
  ]
}

################################################################################
# Monitoring: alarms, rotation events, notification topic
################################################################################

resource "aws_cloudwatch_metric_alarm" "rotation_errors" {
  count = local.create_rotation_alarms ? 1 : 0

  alarm_name          = "${local.rotation_function_name}-errors"
  alarm_description   = "A rotation step of ${aws_secretsmanager_secret.this.name} failed; AWSCURRENT still holds the working password. See /aws/lambda/${local.rotation_function_name}."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.rotation[0].function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.rotation_alarm_actions
  ok_actions          = local.rotation_alarm_actions
  tags                = local.tags
}

resource "aws_cloudwatch_metric_alarm" "rotation_duration" {
  count = local.create_rotation_alarms ? 1 : 0

  alarm_name          = "${local.rotation_function_name}-duration"
  alarm_description   = "A rotation step ran longer than ${var.rotation_duration_alarm_threshold_percent}% of its ${var.rotation_lambda_timeout}s timeout: check database reachability."
  namespace           = "AWS/Lambda"
  metric_name         = "Duration"
  dimensions          = { FunctionName = aws_lambda_function.rotation[0].function_name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = local.rotation_duration_threshold_ms
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.rotation_alarm_actions
  tags                = local.tags
}

# The topic's policy lets EventBridge and CloudWatch alarms of this account publish, over TLS only.
module "rotation_topic" {
  source = "../../../modules/sns-topic"
  count  = local.create_rotation_topic ? 1 : 0

  name        = "${local.rotation_function_name}-events"
  kms_key_arn = module.kms.key_arn
  publishers = [
    { sid = "EventBridgeAndAlarmsPublish", services = ["events.amazonaws.com", "cloudwatch.amazonaws.com"] },
  ]
  tags = merge(local.tags, { Name = "${local.rotation_function_name}-events" })
}

# Secrets Manager reports rotation progress through CloudTrail events on the default bus.
resource "aws_cloudwatch_event_rule" "rotation" {
  count = local.create_rotation_events ? 1 : 0

  name        = "${local.rotation_function_name}-events"
  description = "Rotation started, succeeded, failed or abandoned for ${aws_secretsmanager_secret.this.name}"
  event_pattern = jsonencode({
    source        = ["aws.secretsmanager"]
    "detail-type" = ["AWS Service Event via CloudTrail"]
    detail = {
      eventSource = ["secretsmanager.amazonaws.com"]
      eventName   = ["RotationStarted", "RotationSucceeded", "RotationFailed", "RotationAbandoned"]
      # The secret's ARN is its name plus a random suffix: match by prefix, known at plan time.
      additionalEventData = { SecretId = [{ prefix = "arn:${local.partition}:secretsmanager:${var.region}:${local.account_id}:secret:${aws_secretsmanager_secret.this.name}-" }] }
    }
  })
  tags = local.tags
}

resource "aws_cloudwatch_event_target" "rotation" {
  count = local.create_rotation_events ? 1 : 0

  rule      = aws_cloudwatch_event_rule.rotation[0].name
  target_id = "rotation-topic"
  arn       = local.rotation_topic_arn

  # The rule the topic itself carried before modules/sns-topic (a module call has no lifecycle):
  # this target exists whenever a topic is created, and it is where the choice of topic lands.
  lifecycle {
    precondition {
      condition     = !local.create_rotation_topic || var.rotation_sns_topic_arn == null
      error_message = "Choose one rotation topic: set create_rotation_sns_topic = false to use rotation_sns_topic_arn, or remove rotation_sns_topic_arn."
    }
  }
}
