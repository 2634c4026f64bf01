# The portal's PostgreSQL connection secret. Its value is set out of band by default, so no
# password passes through this component's state; database_credentials stores one when given.

resource "aws_secretsmanager_secret" "database" {
  count = var.create_database_secret ? 1 : 0
  #checkov:skip=CKV2_AWS_57:Rotation is optional (database_secret_rotation_lambda_arn): the database's owner (the rds component) rotates the credentials.

  name                    = local.database_secret_name
  description             = "PostgreSQL connection of the ${local.name_prefix} developer portal (engine, host, port, dbname, username, password)"
  kms_key_id              = module.kms.key_arn
  recovery_window_in_days = var.database_secret_recovery_window_in_days
  tags                    = merge(local.tags, { Name = local.database_secret_name })
}

resource "aws_secretsmanager_secret_version" "database" {
  count = local.create_secret_version ? 1 : 0

  secret_id = aws_secretsmanager_secret.database[0].id
  secret_string = jsonencode({
    engine   = "postgres"
    host     = var.database_credentials.host
    port     = var.database_credentials.port
    dbname   = var.database_credentials.dbname
    username = var.database_credentials.username
    password = var.database_credentials.password
  })

  # Rotation changes the value after this; do not write it back.
  lifecycle {
    ignore_changes = [secret_string]
  }
}

resource "aws_secretsmanager_secret_rotation" "database" {
  count = local.create_secret_rotation ? 1 : 0

  secret_id           = aws_secretsmanager_secret.database[0].id
  rotation_lambda_arn = var.database_secret_rotation_lambda_arn

  rotation_rules {
    automatically_after_days = var.database_secret_rotation_days
  }
}
