{
  "start": "${default_range}",
  "periodOverride": "auto",
  "widgets": [
    {
      "type": "text",
      "x": 0, "y": 0, "width": 24, "height": 2,
      "properties": {
        "markdown": "# ${name_prefix}: infrastructure\nEnvironment **${environment}** | account `${account_id}` | region `${region}` | EC2, RDS, load balancers, NAT gateways and VPC flow logs."
      }
    },
%{ if length(ec2_instance_ids) > 0 ~}
    {
      "type": "metric",
      "x": 0, "y": 2, "width": 12, "height": 6,
      "properties": {
        "title": "EC2 CPU utilisation (%)",
        "region": "${region}",
        "view": "timeSeries",
        "stat": "Average",
        "period": 300,
        "metrics": ${jsonencode([for id in ec2_instance_ids : ["AWS/EC2", "CPUUtilization", "InstanceId", id, { label = id }]])},
        "yAxis": { "left": { "min": 0, "max": 100, "label": "%", "showUnits": false } },
        "annotations": {
          "horizontal": [
            { "label": "CPU > ${cpu_threshold} %", "value": ${cpu_threshold}, "fill": "above", "color": "#d62728" }
          ]
        }
      }
    },
    {
      "type": "metric",
      "x": 12, "y": 2, "width": 12, "height": 6,
      "properties": {
        "title": "EC2 status check failures",
        "region": "${region}",
        "view": "timeSeries",
        "stat": "Maximum",
        "period": 60,
        "metrics": ${jsonencode(concat([for id in ec2_instance_ids : [
          ["AWS/EC2", "StatusCheckFailed_Instance", "InstanceId", id, { label = "${id} instance" }],
          ["AWS/EC2", "StatusCheckFailed_System", "InstanceId", id, { label = "${id} system" }],
        ]]...))},
        "annotations": {
          "horizontal": [ { "label": "Check failed", "value": 1, "fill": "above", "color": "#d62728" } ]
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
          "horizontal": [
            { "label": "CPU > ${cpu_threshold} %", "value": ${cpu_threshold}, "fill": "above", "color": "#d62728" }
          ]
        }
      }
    },
    {
      "type": "metric",
      "x": 8, "y": 8, "width": 8, "height": 6,
      "properties": {
        "title": "RDS free storage (bytes)",
        "region": "${region}",
        "stat": "Minimum",
        "period": 300,
        "metrics": ${jsonencode([for id in rds_instance_identifiers : ["AWS/RDS", "FreeStorageSpace", "DBInstanceIdentifier", id, { label = id }]])},
        "annotations": {
          "horizontal": [
            { "label": "Low storage < ${low_storage_gib} GiB", "value": ${low_storage_bytes}, "fill": "below", "color": "#ff7f0e" }
          ]
        }
      }
    },
    {
      "type": "metric",
      "x": 16, "y": 8, "width": 8, "height": 6,
      "properties": {
        "title": "RDS database connections",
        "region": "${region}",
        "stat": "Maximum",
        "period": 300,
        "metrics": ${jsonencode([for id in rds_instance_identifiers : ["AWS/RDS", "DatabaseConnections", "DBInstanceIdentifier", id, { label = id }]])}
      }
    },
%{ endif ~}
%{ if length(alb_arn_suffixes) > 0 ~}
    {
      "type": "metric",
      "x": 0, "y": 14, "width": 12, "height": 6,
      "properties": {
        "title": "Load balancer requests and 5XX",
        "region": "${region}",
        "stat": "Sum",
        "period": 300,
        "metrics": ${jsonencode(concat([for lb in alb_arn_suffixes : [
          ["AWS/ApplicationELB", "RequestCount", "LoadBalancer", lb, { label = "${lb} requests" }],
          ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "LoadBalancer", lb, { label = "${lb} ELB 5XX", yAxis = "right", color = "#d62728" }],
        ]]...))}
      }
    },
    {
      "type": "metric",
      "x": 12, "y": 14, "width": 12, "height": 6,
      "properties": {
        "title": "Load balancer target response time (p95, s)",
        "region": "${region}",
        "stat": "p95",
        "period": 300,
        "metrics": ${jsonencode([for lb in alb_arn_suffixes : ["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", lb, { label = lb }]])}
      }
    },
%{ endif ~}
%{ if length(nat_gateway_ids) > 0 ~}
    {
      "type": "metric",
      "x": 0, "y": 20, "width": 12, "height": 6,
      "properties": {
        "title": "NAT gateway traffic (bytes)",
        "region": "${region}",
        "stat": "Sum",
        "period": 300,
        "stacked": true,
        "metrics": ${jsonencode(concat([for id in nat_gateway_ids : [
          ["AWS/NATGateway", "BytesOutToDestination", "NatGatewayId", id, { label = "${id} out" }],
          ["AWS/NATGateway", "BytesInFromDestination", "NatGatewayId", id, { label = "${id} in" }],
        ]]...))}
      }
    },
    {
      "type": "metric",
      "x": 12, "y": 20, "width": 12, "height": 6,
      "properties": {
        "title": "NAT gateway drops and port allocation errors",
        "region": "${region}",
        "stat": "Sum",
        "period": 300,
        "metrics": ${jsonencode(concat([for id in nat_gateway_ids : [
          ["AWS/NATGateway", "PacketsDropCount", "NatGatewayId", id, { label = "${id} dropped packets" }],
          ["AWS/NATGateway", "ErrorPortAllocation", "NatGatewayId", id, { label = "${id} port allocation errors" }],
        ]]...))}
      }
    },
%{ endif ~}
%{ if vpc_flow_log_group_name != null ~}
    {
      "type": "log",
      "x": 0, "y": 26, "width": 24, "height": 6,
      "properties": {
        "title": "VPC flow logs: rejected traffic by source and destination port",
        "region": "${region}",
        "view": "table",
        "query": ${jsonencode("SOURCE '${vpc_flow_log_group_name}' | fields @timestamp, srcAddr, dstAddr, dstPort, protocol | filter action = 'REJECT' | stats count(*) as rejected by srcAddr, dstPort | sort rejected desc | limit 25")}
      }
    },
%{ endif ~}
    {
      "type": "text",
      "x": 0, "y": 32, "width": 24, "height": 4,
      "properties": {
        "markdown": "## Optimisation notes\n* EC2 CPU above ${cpu_threshold} % for days: move up a size or scale out; below 10 %: rightsize down or to Graviton.\n* RDS free storage under ${low_storage_gib} GiB: enable storage autoscaling before the instance goes read-only.\n* NAT gateway port allocation errors mean too many connections to one destination: add a NAT gateway or use VPC endpoints (S3 and DynamoDB gateway endpoints are free).\n* Rejected flow log traffic from one source is a scan: check the security dashboard."
      }
    }
  ]
}
