# Cost alerts topic: budgets and (IMMEDIATE) anomaly alerts publish here. modules/sns-topic:
# encrypted with the alerts key; only Budgets and Cost Anomaly Detection of this account may
# publish, over TLS only.

locals {
  topic_name = "${local.name_prefix}-cost-alerts"
}

module "alerts_topic" {
  source = "../../../modules/sns-topic"

  name        = local.topic_name
  kms_key_arn = module.alerts_kms.key_arn
  publishers = [
    {
      sid      = "BudgetsPublish"
      services = ["budgets.amazonaws.com"]
    },
    {
      sid      = "CostAnomalyDetectionPublish"
      services = ["costalerts.amazonaws.com"]
    },
  ]
  tags = merge(local.tags, { Name = local.topic_name })
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.sns_topic_subscription_emails)

  topic_arn = module.alerts_topic.arn
  protocol  = "email"
  endpoint  = each.value
}
