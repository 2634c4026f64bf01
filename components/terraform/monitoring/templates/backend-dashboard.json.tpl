{
  "start": "-P7D",
  "periodOverride": "auto",
  "widgets": [
    {
      "type": "text",
      "x": 0, "y": 0, "width": 24, "height": 2,
      "properties": {
        "markdown": "# ${name_prefix}: Terraform state backend\nEnvironment **${environment}** | account `${account_id}` | region `${region}` | state bucket, lock table and backup vault of the backend component."
      }
    },
%{ if backend_state_bucket_name != null ~}
    {
      "type": "metric",
      "x": 0, "y": 2, "width": 12, "height": 6,
      "properties": {
        "title": "State bucket size (bytes, daily)",
        "region": "${region}",
        "stat": "Average",
        "period": 86400,
        "metrics": ${jsonencode([
          ["AWS/S3", "BucketSizeBytes", "BucketName", backend_state_bucket_name, "StorageType", "StandardStorage", { label = "${backend_state_bucket_name} Standard" }],
          ["AWS/S3", "BucketSizeBytes", "BucketName", backend_state_bucket_name, "StorageType", "StandardIAStorage", { label = "${backend_state_bucket_name} Standard-IA (old versions)" }],
        ])}
      }
    },
    {
      "type": "metric",
      "x": 12, "y": 2, "width": 12, "height": 6,
      "properties": {
        "title": "State bucket objects (state files and versions, daily)",
        "region": "${region}",
        "stat": "Average",
        "period": 86400,
        "metrics": ${jsonencode([
          ["AWS/S3", "NumberOfObjects", "BucketName", backend_state_bucket_name, "StorageType", "AllStorageTypes", { label = backend_state_bucket_name }],
        ])}
      }
    },
%{ endif ~}
%{ if backend_lock_table_name != null ~}
    {
      "type": "metric",
      "x": 0, "y": 8, "width": 12, "height": 6,
      "properties": {
        "title": "Lock table: lock contention and throttles",
        "region": "${region}",
        "stat": "Sum",
        "period": 300,
        "metrics": ${jsonencode([
          ["AWS/DynamoDB", "ConditionalCheckFailedRequests", "TableName", backend_lock_table_name, { label = "lock already held (conditional write failed)" }],
          ["AWS/DynamoDB", "ReadThrottleEvents", "TableName", backend_lock_table_name, { label = "read throttles", color = "#d62728" }],
          ["AWS/DynamoDB", "WriteThrottleEvents", "TableName", backend_lock_table_name, { label = "write throttles", color = "#9467bd" }],
        ])}
      }
    },
    {
      "type": "metric",
      "x": 12, "y": 8, "width": 12, "height": 6,
      "properties": {
        "title": "Lock table: consumed capacity (Terraform runs)",
        "region": "${region}",
        "stat": "Sum",
        "period": 300,
        "metrics": ${jsonencode([
          ["AWS/DynamoDB", "ConsumedReadCapacityUnits", "TableName", backend_lock_table_name, { label = "read" }],
          ["AWS/DynamoDB", "ConsumedWriteCapacityUnits", "TableName", backend_lock_table_name, { label = "write" }],
        ])}
      }
    },
%{ endif ~}
%{ if backend_backup_vault_name != null ~}
    {
      "type": "metric",
      "x": 0, "y": 14, "width": 24, "height": 6,
      "properties": {
        "title": ${jsonencode("Backup jobs of vault ${backend_backup_vault_name}")},
        "region": "${region}",
        "view": "bar",
        "stat": "Sum",
        "period": 86400,
        "metrics": ${jsonencode([
          ["AWS/Backup", "NumberOfBackupJobsCompleted", "BackupVaultName", backend_backup_vault_name, { label = "completed", color = "#2ca02c" }],
          ["AWS/Backup", "NumberOfBackupJobsFailed", "BackupVaultName", backend_backup_vault_name, { label = "failed", color = "#d62728" }],
          ["AWS/Backup", "NumberOfBackupJobsAborted", "BackupVaultName", backend_backup_vault_name, { label = "aborted", color = "#ff7f0e" }],
          ["AWS/Backup", "NumberOfBackupJobsExpired", "BackupVaultName", backend_backup_vault_name, { label = "expired", color = "#7f7f7f" }],
        ])}
      }
    },
%{ endif ~}
    {
      "type": "text",
      "x": 0, "y": 20, "width": 24, "height": 4,
      "properties": {
        "markdown": "## Notes\n* Failed conditional writes on the lock table are Terraform runs that found the state locked: frequent ones mean pipelines queue on the same state; split the stack.\n* A growing object count is state history kept by bucket versioning: a noncurrent-version expiry rule keeps it bounded.\n* A day without a completed backup job, or any failed one, needs a look before the next apply, not after."
      }
    }
  ]
}
