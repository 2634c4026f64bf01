{
  "start": "${default_range}",
  "periodOverride": "auto",
  "widgets": [
    {
      "type": "text",
      "x": 0, "y": 0, "width": 24, "height": 2,
      "properties": {
        "markdown": "# ${name_prefix}: application\nEnvironment **${environment}** | account `${account_id}` | region `${region}` | traffic, errors and saturation of the application's entry points."
      }
    },
%{ if length(api_gateway_names) > 0 ~}
    {
      "type": "metric",
      "x": 0, "y": 2, "width": 12, "height": 6,
      "properties": {
        "title": "API Gateway requests and errors",
        "region": "${region}",
        "stat": "Sum",
        "period": 300,
        "metrics": ${jsonencode(concat([for name in api_gateway_names : [
          ["AWS/ApiGateway", "Count", "ApiName", name, { label = "${name} requests" }],
          ["AWS/ApiGateway", "4XXError", "ApiName", name, { label = "${name} 4XX", yAxis = "right", color = "#ff7f0e" }],
          ["AWS/ApiGateway", "5XXError", "ApiName", name, { label = "${name} 5XX", yAxis = "right", color = "#d62728" }],
        ]]...))}
      }
    },
%{ endif ~}
%{ if length(alb_arn_suffixes) > 0 ~}
    {
      "type": "metric",
      "x": 12, "y": 2, "width": 12, "height": 6,
      "properties": {
        "title": "Load balancer requests and target errors",
        "region": "${region}",
        "stat": "Sum",
        "period": 300,
        "metrics": ${jsonencode(concat([for lb in alb_arn_suffixes : [
          ["AWS/ApplicationELB", "RequestCount", "LoadBalancer", lb, { label = "${lb} requests" }],
          ["AWS/ApplicationELB", "HTTPCode_Target_4XX_Count", "LoadBalancer", lb, { label = "${lb} target 4XX", yAxis = "right", color = "#ff7f0e" }],
          ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "LoadBalancer", lb, { label = "${lb} target 5XX", yAxis = "right", color = "#d62728" }],
        ]]...))}
      }
    },
%{ endif ~}
%{ if length(lambda_function_names) > 0 ~}
    {
      "type": "metric",
      "x": 0, "y": 8, "width": 12, "height": 6,
      "properties": {
        "title": "Lambda invocations and errors",
        "region": "${region}",
        "stat": "Sum",
        "period": 300,
        "metrics": ${jsonencode(concat([for name in lambda_function_names : [
          ["AWS/Lambda", "Invocations", "FunctionName", name, { label = "${name} invocations" }],
          ["AWS/Lambda", "Errors", "FunctionName", name, { label = "${name} errors", yAxis = "right", color = "#d62728" }],
        ]]...))}
      }
    },
    {
      "type": "metric",
      "x": 12, "y": 8, "width": 12, "height": 6,
      "properties": {
        "title": "Lambda concurrency and throttles",
        "region": "${region}",
        "stat": "Maximum",
        "period": 300,
        "metrics": ${jsonencode(concat([for name in lambda_function_names : [
          ["AWS/Lambda", "ConcurrentExecutions", "FunctionName", name, { label = "${name} concurrency" }],
          ["AWS/Lambda", "Throttles", "FunctionName", name, { label = "${name} throttles", stat = "Sum", yAxis = "right" }],
        ]]...))}
      }
    },
%{ endif ~}
%{ if length(application_log_group_names) > 0 ~}
    {
      "type": "log",
      "x": 0, "y": 14, "width": 12, "height": 6,
      "properties": {
        "title": "Application errors over time",
        "region": "${region}",
        "view": "timeSeries",
        "query": ${jsonencode("${join(" | ", [for group in application_log_group_names : "SOURCE '${group}'"])} | filter @message like /(?i)(error|exception|fatal)/ | stats count(*) as errors by bin(5m)")}
      }
    },
    {
      "type": "log",
      "x": 12, "y": 14, "width": 12, "height": 6,
      "properties": {
        "title": "Most recent application errors",
        "region": "${region}",
        "view": "table",
        "query": ${jsonencode("${join(" | ", [for group in application_log_group_names : "SOURCE '${group}'"])} | fields @timestamp, @log, @message | filter @message like /(?i)(error|exception|fatal)/ | sort @timestamp desc | limit 50")}
      }
    },
%{ endif ~}
    {
      "type": "text",
      "x": 0, "y": 20, "width": 24, "height": 4,
      "properties": {
        "markdown": "## Optimisation notes\n* Watch the error rate, not the error count: 5XX divided by requests is what users feel.\n* 4XX rising after a release usually means a client contract changed; 5XX means the service did.\n* Lambda concurrency near the account limit throttles every function in the region: set reserved concurrency on the critical ones.\n* Log errors without matching 5XX are handled errors: lower their log level or fix them before they hide real ones."
      }
    }
  ]
}
