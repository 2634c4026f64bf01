# ---------------------------------------------------------------------------------------
# Optional dashboard of the templates' instances: CPU, status checks, network and EBS.
# Instances created here are charted by InstanceId; otherwise (ASG / Fleet consumers) the
# template's AMI is charted through a search on the ImageId dimension, which EC2 publishes
# for instances with detailed monitoring.
# ---------------------------------------------------------------------------------------

locals {
  dashboard_metrics = {
    cpu     = { title = "CPU utilization (%)", metrics = ["CPUUtilization"], stat = "Average" }
    status  = { title = "Status checks failed", metrics = ["StatusCheckFailed"], stat = "Maximum" }
    network = { title = "Network (bytes)", metrics = ["NetworkIn", "NetworkOut"], stat = "Sum" }
    ebs     = { title = "EBS (bytes)", metrics = ["EBSReadBytes", "EBSWriteBytes"], stat = "Sum" }
  }

  dashboard_widgets = flatten([
    for index, key in sort(keys(local.launch_templates)) : [
      for column, metric in values(local.dashboard_metrics) : {
        type   = "metric"
        x      = column * 6
        y      = index * 6
        width  = 6
        height = 6
        properties = {
          title  = "${key}: ${metric.title}"
          region = var.region
          stat   = metric.stat
          period = 300
          view   = "timeSeries"
          # Both branches are JSON strings so the two shapes of metric rows can share one conditional.
          metrics = jsondecode(var.create_instances_from_templates ? jsonencode([
            for name in metric.metrics : ["AWS/EC2", name, "InstanceId", try(aws_instance.this[key].id, "")]
            ]) : jsonencode([
            for i, name in metric.metrics : [{
              expression = "SEARCH('{AWS/EC2,ImageId} MetricName=\"${name}\" ImageId=\"${local.launch_templates[key].image_id}\"', '${metric.stat}', 300)"
              id         = "e${i}"
              label      = name
            }]
          ]))
        }
      }
    ]
  ])
}

resource "aws_cloudwatch_dashboard" "this" {
  count = local.create_dashboard ? 1 : 0

  dashboard_name = "${local.name_prefix}-ec2"
  dashboard_body = jsonencode({ widgets = local.dashboard_widgets })
}
