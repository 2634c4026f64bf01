# The AWS side of backend services on EKS: per-service queues, topics, repositories and roles.

locals {
  arn_base = "${local.partition}:%s:${var.region}:${local.account_id}"

  services = {
    for name, s in var.services : name => merge(s, {
      service_account = coalesce(s.service_account, name)
      role_name       = "${local.name_prefix}-${name}"
    })
  }

  # One entry per queue: "<service>.<queue>".
  queues = merge([
    for svc, s in var.services : {
      for q, c in s.queues : "${svc}.${q}" => merge(c, {
        service  = svc
        name     = "${local.name_prefix}-${svc}-${q}${c.fifo ? ".fifo" : ""}"
        dlq_name = "${local.name_prefix}-${svc}-${q}-dlq${c.fifo ? ".fifo" : ""}"
        arn      = "arn:${format(local.arn_base, "sqs")}:${local.name_prefix}-${svc}-${q}${c.fifo ? ".fifo" : ""}"
        dlq_arn  = "arn:${format(local.arn_base, "sqs")}:${local.name_prefix}-${svc}-${q}-dlq${c.fifo ? ".fifo" : ""}"
      })
    }
  ]...)

  topics = merge([
    for svc, s in var.services : {
      for t in s.topics : "${svc}.${t}" => {
        service = svc
        name    = "${local.name_prefix}-${svc}-${t}"
        arn     = "arn:${format(local.arn_base, "sns")}:${local.name_prefix}-${svc}-${t}"
      }
    }
  ]...)

  repositories = {
    for svc, s in var.services : svc => "${local.name_prefix}/${svc}" if s.create_ecr_repository
  }

  create_kms_key = length(local.queues) + length(local.topics) + length(local.repositories) > 0

  # Emulator switch (README "Emulator switches"): moto does not implement RedriveAllowPolicy.
  restrict_dlq_sources = var.enable_dlq_redrive_allow_policy
}
