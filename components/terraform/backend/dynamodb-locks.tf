# ---------------------------------------------------------------------------------------
# Lock table: LockID hash key, on-demand, PITR always on, SSE with the state key.
# ---------------------------------------------------------------------------------------

resource "aws_dynamodb_table" "locks" {
  name         = local.lock_table_name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "LockID"

  attribute {
    name = "LockID"
    type = "S"
  }

  # Continuous backups (35 days) on every environment: the table is tiny, PITR is cheap.
  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = module.state_kms.key_arn
  }

  deletion_protection_enabled = local.lock_table_deletion_protection

  tags = merge(local.tags, { Name = local.lock_table_name }, var.lock_table_tags)
}
