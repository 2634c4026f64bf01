{
  "start": "${default_range}",
  "periodOverride": "auto",
  "widgets": [
    {
      "type": "text",
      "x": 0, "y": 0, "width": 24, "height": 2,
      "properties": {
        "markdown": "# ${name_prefix}: performance\nEnvironment **${environment}** | account `${account_id}` | region `${region}` | shaded areas cross a threshold: CPU above ${cpu_threshold} %, RDS free storage under ${low_storage_gib} GiB."
      }
    },
%{ if length(ec2_instance_ids) > 0 ~}
    {
      "type": "metric",
      "x": 0, "y": 2, "width": 12, "height": 6,
      "properties": {
        "title": "EC2 CPU utilisation (%)",
        "region": "${region}",
        "stat": "Average",
        "period": 300,
        "metrics": ${jsonencode([for id in ec2_instance_ids : ["AWS/EC2", "CPUUtilization", "InstanceId", id, { label = id }]])},
        "yAxis": { "left": { "min": 0, "max": 100 } },
        "annotations": {
          "horizontal": [ { "label": "CPU > ${cpu_threshold} %", "value": ${cpu_threshold}, "fill": "above", "color": "#d62728" } ]
        }
      }
    },
%{ endif ~}
%{ if length(ecs_cluster_names) > 0 ~}
    {
      "type": "metric",
      "x": 12, "y": 2, "width": 12, "height": 6,
      "properties": {
        "title": "ECS cluster CPU and memory utilisation (%)",
        "region": "${region}",
        "stat": "Average",
        "period": 300,
        "metrics": ${jsonencode(concat([for name in ecs_cluster_names : [
          ["AWS/ECS", "CPUUtilization", "ClusterName", name, { label = "${name} CPU" }],
          ["AWS/ECS", "MemoryUtilization", "ClusterName", name, { label = "${name} memory" }],
        ]]...))},
        "yAxis": { "left": { "min": 0, "max": 100 } },
        "annotations": {
          "horizontal": [ { "label": "Utilisation > ${cpu_threshold} %", "value": ${cpu_threshold}, "fill": "above", "color": "#d62728" } ]
        }
      }
    },
%{ endif ~}
%{ if length(rds_instance_identifiers) > 0 ~}
    {
      "type": "metric",
      "x": 0, "y": 8, "width": 8, "height": 6,
      "properties": {
        "title": "RDS CPU utilisation (%)",
        "region": "${region}",
        "stat": "Average",
        "period": 300,
        "metrics": ${jsonencode([for id in rds_instance_identifiers : ["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", id, { label = id }]])},
        "yAxis": { "left": { "min": 0, "max": 100 } },
        "annotations": {
          "horizontal": [ { "label": "CPU > ${cpu_threshold} %", "value": ${cpu_threshold}, "fill": "above", "color": "#d62728" } ]
        }
      }
    },
    {
      "type": "metric",
      "x": 8, "y": 8, "width": 8, "height": 6,
      "properties": {
        "title": "RDS read and write latency (s)",
        "region": "${region}",
        "stat": "Average",
        "period": 300,
        "metrics": ${jsonencode(concat([for id in rds_instance_identifiers : [
          ["AWS/RDS", "ReadLatency", "DBInstanceIdentifier", id, { label = "${id} read" }],
          ["AWS/RDS", "WriteLatency", "DBInstanceIdentifier", id, { label = "${id} write" }],
        ]]...))}
      }
    },
    {
      "type": "metric",
      "x": 16, "y": 8, "width": 8, "height": 6,
      "properties": {
        "title": "RDS read and write IOPS",
        "region": "${region}",
        "stat": "Average",
        "period": 300,
        "metrics": ${jsonencode(concat([for id in rds_instance_identifiers : [
          ["AWS/RDS", "ReadIOPS", "DBInstanceIdentifier", id, { label = "${id} read" }],
          ["AWS/RDS", "WriteIOPS", "DBInstanceIdentifier", id, { label = "${id} write" }],
        ]]...))}
      }
    },
    {
      "type": "metric",
      "x": 0, "y": 14, "width": 8, "height": 6,
      "properties": {
        "title": "RDS free storage (bytes)",
        "region": "${region}",
        "stat": "Minimum",
        "period": 300,
        "metrics": ${jsonencode([for id in rds_instance_identifiers : ["AWS/RDS", "FreeStorageSpace", "DBInstanceIdentifier", id, { label = id }]])},
        "annotations": {
          "horizontal": [ { "label": "Low storage < ${low_storage_gib} GiB", "value": ${low_storage_bytes}, "fill": "below", "color": "#ff7f0e" } ]
        }
      }
    },
%{ endif ~}
%{ if length(eks_cluster_names) > 0 ~}
    {
      "type": "metric",
      "x": 8, "y": 14, "width": 8, "height": 6,
      "properties": {
        "title": "EKS node CPU and memory utilisation (%, Container Insights)",
        "region": "${region}",
        "stat": "Average",
        "period": 300,
        "metrics": ${jsonencode(concat([for name in eks_cluster_names : [
          ["ContainerInsights", "node_cpu_utilization", "ClusterName", name, { label = "${name} CPU" }],
          ["ContainerInsights", "node_memory_utilization", "ClusterName", name, { label = "${name} memory" }],
        ]]...))},
        "yAxis": { "left": { "min": 0, "max": 100 } },
        "annotations": {
          "horizontal": [ { "label": "Utilisation > ${cpu_threshold} %", "value": ${cpu_threshold}, "fill": "above", "color": "#d62728" } ]
        }
      }
    },
%{ endif ~}
%{ if length(api_gateway_names) > 0 ~}
    {
      "type": "metric",
      "x": 16, "y": 14, "width": 8, "height": 6,
      "properties": {
        "title": "API Gateway latency (p95, ms)",
        "region": "${region}",
        "stat": "p95",
        "period": 300,
        "metrics": ${jsonencode(concat([for name in api_gateway_names : [
          ["AWS/ApiGateway", "Latency", "ApiName", name, { label = "${name} total" }],
          ["AWS/ApiGateway", "IntegrationLatency", "ApiName", name, { label = "${name} integration" }],
        ]]...))}
      }
    },
%{ endif ~}
%{ if length(lambda_function_names) > 0 ~}
    {
      "type": "metric",
      "x": 0, "y": 20, "width": 8, "height": 6,
      "properties": {
        "title": "Lambda duration (p95, ms)",
        "region": "${region}",
        "stat": "p95",
        "period": 300,
        "metrics": ${jsonencode([for name in lambda_function_names : ["AWS/Lambda", "Duration", "FunctionName", name, { label = name }]])}
      }
    },
    {
      "type": "metric",
      "x": 8, "y": 20, "width": 8, "height": 6,
      "properties": {
        "title": "Lambda errors and throttles",
        "region": "${region}",
        "stat": "Sum",
        "period": 300,
        "metrics": ${jsonencode(concat([for name in lambda_function_names : [
          ["AWS/Lambda", "Errors", "FunctionName", name, { label = "${name} errors", color = "#d62728" }],
          ["AWS/Lambda", "Throttles", "FunctionName", name, { label = "${name} throttles" }],
        ]]...))}
      }
    },
%{ endif ~}
%{ if length(dynamodb_table_names) > 0 ~}
    {
      "type": "metric",
      "x": 16, "y": 20, "width": 8, "height": 6,
      "properties": {
        "title": "DynamoDB successful request latency (ms)",
        "region": "${region}",
        "stat": "Average",
        "period": 300,
        "metrics": ${jsonencode(concat([for table in dynamodb_table_names : [
          for operation in ["GetItem", "PutItem", "Query"] :
          ["AWS/DynamoDB", "SuccessfulRequestLatency", "TableName", table, "Operation", operation, { label = "${table} ${operation}" }]
        ]]...))}
      }
    },
    {
      "type": "metric",
      "x": 0, "y": 26, "width": 8, "height": 6,
      "properties": {
        "title": "DynamoDB throttled reads and writes",
        "region": "${region}",
        "stat": "Sum",
        "period": 300,
        "metrics": ${jsonencode(concat([for table in dynamodb_table_names : [
          ["AWS/DynamoDB", "ReadThrottleEvents", "TableName", table, { label = "${table} reads" }],
          ["AWS/DynamoDB", "WriteThrottleEvents", "TableName", table, { label = "${table} writes" }],
        ]]...))}
      }
    },
%{ endif ~}
%{ if length(alb_target_groups) > 0 ~}
    {
      "type": "metric",
      "x": 8, "y": 26, "width": 8, "height": 6,
      "properties": {
        "title": "Load balancer target health",
        "region": "${region}",
        "stat": "Minimum",
        "period": 60,
        "metrics": ${jsonencode(concat([for tg in alb_target_groups : [
          ["AWS/ApplicationELB", "HealthyHostCount", "TargetGroup", tg.target_group_arn_suffix, "LoadBalancer", tg.load_balancer_arn_suffix, { label = "${tg.target_group_arn_suffix} healthy", color = "#2ca02c" }],
          ["AWS/ApplicationELB", "UnHealthyHostCount", "TargetGroup", tg.target_group_arn_suffix, "LoadBalancer", tg.load_balancer_arn_suffix, { label = "${tg.target_group_arn_suffix} unhealthy", color = "#d62728", stat = "Maximum" }],
        ]]...))}
      }
    },
%{ endif ~}
%{ if length(alb_arn_suffixes) > 0 ~}
    {
      "type": "metric",
      "x": 16, "y": 26, "width": 8, "height": 6,
      "properties": {
        "title": "Load balancer target response time (p95, s)",
        "region": "${region}",
        "stat": "p95",
        "period": 300,
        "metrics": ${jsonencode([for lb in alb_arn_suffixes : ["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", lb, { label = lb }]])}
      }
    },
%{ endif ~}
    {
      "type": "text",
      "x": 0, "y": 32, "width": 24, "height": 5,
      "properties": {
        "markdown": "## Optimisation notes\n* CPU above ${cpu_threshold} % most of the day: scale out first (Auto Scaling, ECS service scaling, read replicas), scale up when one node is the limit.\n* RDS read latency rising with read IOPS: add memory (a larger class) or a read replica; write latency with write IOPS: move to gp3 with provisioned IOPS.\n* Lambda p95 duration near the timeout or throttles above zero: raise memory (it raises CPU too) or reserved concurrency.\n* DynamoDB throttles on a provisioned table: enable auto scaling or switch to on-demand; on an on-demand table they point to a hot partition key.\n* Unhealthy targets with healthy instances usually mean a wrong health check path or port."
      }
    }
  ]
}
