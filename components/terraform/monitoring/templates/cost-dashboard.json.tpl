{
  "start": "-P14D",
  "periodOverride": "inherit",
  "widgets": [
    {
      "type": "text",
      "x": 0, "y": 0, "width": 24, "height": 2,
      "properties": {
        "markdown": "# ${name_prefix}: cost\nEnvironment **${environment}** | account `${account_id}` | region `${region}` | the billing estimate is read from **us-east-1**, where AWS publishes billing metrics for every region."
      }
    },
    {
      "type": "metric",
      "x": 0, "y": 2, "width": 12, "height": 6,
      "properties": {
        "title": "Estimated charges this month (USD, whole account)",
        "region": "us-east-1",
        "stat": "Maximum",
        "period": 21600,
        "metrics": [
          ["AWS/Billing", "EstimatedCharges", "Currency", "USD", { "region": "us-east-1", "label": "Estimated charges" }]
        ]
      }
    },
%{ if length(ec2_instance_ids) > 0 ~}
    {
      "type": "metric",
      "x": 12, "y": 2, "width": 12, "height": 6,
      "properties": {
        "title": "EC2 data transfer (bytes)",
        "region": "${region}",
        "stat": "Sum",
        "period": 3600,
        "stacked": true,
        "metrics": ${jsonencode(concat([for id in ec2_instance_ids : [
          ["AWS/EC2", "NetworkOut", "InstanceId", id, { label = "${id} out" }],
          ["AWS/EC2", "NetworkIn", "InstanceId", id, { label = "${id} in" }],
        ]]...))}
      }
    },
%{ endif ~}
%{ if length(rds_instance_identifiers) > 0 ~}
    {
      "type": "metric",
      "x": 0, "y": 8, "width": 8, "height": 6,
      "properties": {
        "title": "RDS connections (idle capacity)",
        "region": "${region}",
        "stat": "Maximum",
        "period": 3600,
        "metrics": ${jsonencode([for id in rds_instance_identifiers : ["AWS/RDS", "DatabaseConnections", "DBInstanceIdentifier", id, { label = id }]])}
      }
    },
%{ endif ~}
%{ if length(lambda_function_names) > 0 ~}
    {
      "type": "metric",
      "x": 8, "y": 8, "width": 8, "height": 6,
      "properties": {
        "title": "Lambda invocations",
        "region": "${region}",
        "stat": "Sum",
        "period": 3600,
        "metrics": ${jsonencode([for name in lambda_function_names : ["AWS/Lambda", "Invocations", "FunctionName", name, { label = name }]])}
      }
    },
    {
      "type": "metric",
      "x": 16, "y": 8, "width": 8, "height": 6,
      "properties": {
        "title": "Lambda duration (total ms billed per hour)",
        "region": "${region}",
        "stat": "Sum",
        "period": 3600,
        "metrics": ${jsonencode([for name in lambda_function_names : ["AWS/Lambda", "Duration", "FunctionName", name, { label = name }]])}
      }
    },
%{ endif ~}
%{ if length(dynamodb_table_names) > 0 ~}
    {
      "type": "metric",
      "x": 0, "y": 14, "width": 12, "height": 6,
      "properties": {
        "title": "DynamoDB consumed capacity units",
        "region": "${region}",
        "stat": "Sum",
        "period": 3600,
        "metrics": ${jsonencode(concat([for table in dynamodb_table_names : [
          ["AWS/DynamoDB", "ConsumedReadCapacityUnits", "TableName", table, { label = "${table} read" }],
          ["AWS/DynamoDB", "ConsumedWriteCapacityUnits", "TableName", table, { label = "${table} write" }],
        ]]...))}
      }
    },
%{ endif ~}
%{ if length(s3_bucket_names) > 0 ~}
    {
      "type": "metric",
      "x": 12, "y": 14, "width": 12, "height": 6,
      "properties": {
        "title": "S3 storage by class (bytes, daily)",
        "region": "${region}",
        "stat": "Average",
        "period": 86400,
        "stacked": true,
        "metrics": ${jsonencode(concat([for bucket in s3_bucket_names : [
          for class in ["StandardStorage", "IntelligentTieringFAStorage", "IntelligentTieringIAStorage", "StandardIAStorage", "OneZoneIAStorage", "GlacierInstantRetrievalStorage", "GlacierStorage", "DeepArchiveStorage"] :
          ["AWS/S3", "BucketSizeBytes", "BucketName", bucket, "StorageType", class, { label = "${bucket} ${class}" }]
        ]]...))}
      }
    },
%{ endif ~}
%{ if length(ebs_volume_ids) > 0 ~}
    {
      "type": "metric",
      "x": 0, "y": 20, "width": 12, "height": 6,
      "properties": {
        "title": "EBS volume I/O operations",
        "region": "${region}",
        "stat": "Sum",
        "period": 3600,
        "metrics": ${jsonencode(concat([for id in ebs_volume_ids : [
          ["AWS/EBS", "VolumeReadOps", "VolumeId", id, { label = "${id} read ops" }],
          ["AWS/EBS", "VolumeWriteOps", "VolumeId", id, { label = "${id} write ops" }],
        ]]...))}
      }
    },
    {
      "type": "metric",
      "x": 12, "y": 20, "width": 12, "height": 6,
      "properties": {
        "title": "EBS volume throughput (bytes)",
        "region": "${region}",
        "stat": "Sum",
        "period": 3600,
        "metrics": ${jsonencode(concat([for id in ebs_volume_ids : [
          ["AWS/EBS", "VolumeReadBytes", "VolumeId", id, { label = "${id} read" }],
          ["AWS/EBS", "VolumeWriteBytes", "VolumeId", id, { label = "${id} write" }],
        ]]...))}
      }
    },
%{ endif ~}
    {
      "type": "text",
      "x": 0, "y": 26, "width": 24, "height": 5,
      "properties": {
        "markdown": "## Cost optimisation notes\n* Billing metrics exist only in us-east-1 and only once *Receive Billing Alerts* is enabled in the billing console of the payer account.\n* EC2 data transfer out to the internet is billed per GB: serve static content through CloudFront, keep chatty services in one AZ.\n* RDS instances with a handful of connections all month are candidates for a smaller class or Aurora Serverless v2.\n* Lambda cost is invocations x duration x memory: a shorter duration from more memory is often cheaper.\n* DynamoDB consumption flat and predictable: provisioned capacity with auto scaling costs less than on-demand.\n* S3 Standard bytes that are rarely read: add a lifecycle rule to Standard-IA or Intelligent-Tiering.\n* EBS volumes with no I/O are unattached or idle: snapshot and delete them; move gp2 to gp3 (20 % cheaper)."
      }
    }
  ]
}
