# One role per service (modules/iam-role), assumable only by its own service account, scoped to
# its own resources.

module "service_role" {
  source   = "../../../modules/iam-role"
  for_each = local.services

  name                     = each.value.role_name
  description              = "Backend service ${each.key} (${each.value.namespace}/${each.value.service_account})"
  oidc_provider_arn        = var.oidc_provider_arn
  oidc_provider_url        = var.oidc_provider_url
  service_accounts         = [{ namespace = each.value.namespace, name = each.value.service_account }]
  permissions_boundary_arn = var.role_permissions_boundary_arn
  tags                     = merge(local.tags, { Name = each.value.role_name, Service = each.key })

  inline_policies = merge(
    contains(keys(local.services_with_policy), each.key) ? { "own-resources" = data.aws_iam_policy_document.service[each.key].json } : {},
    contains(keys(local.services_using_key), each.key) ? { "component-key" = data.aws_iam_policy_document.service_kms[each.key].json } : {},
  )
}

locals {
  service_access = {
    for svc, s in local.services : svc => {
      queue_arns  = [for k, q in local.queues : q.arn if q.service == svc]
      dlq_arns    = [for k, q in local.queues : q.dlq_arn if q.service == svc]
      topic_arns  = [for k, t in local.topics : t.arn if t.service == svc]
      bucket_arns = [for b in s.bucket_names : "arn:${local.partition}:s3:::${b}"]
      # Secrets Manager appends "-" and 6 random characters to a secret's name in its ARN.
      secret_arns = [for n in s.secret_names : "arn:${format(local.arn_base, "secretsmanager")}:secret:${n}-??????"]
    }
  }

  services_with_policy = {
    for svc, a in local.service_access : svc => a
    if length(a.queue_arns) + length(a.topic_arns) + length(a.bucket_arns) + length(a.secret_arns) > 0
  }
  services_using_key = {
    for svc, a in local.service_access : svc => a if length(a.queue_arns) + length(a.topic_arns) > 0
  }
}

data "aws_iam_policy_document" "service" {
  for_each = local.services_with_policy

  dynamic "statement" {
    for_each = length(each.value.queue_arns) > 0 ? [1] : []
    content {
      sid       = "OwnQueues"
      effect    = "Allow"
      actions   = ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ReceiveMessage", "sqs:SendMessage"]
      resources = each.value.queue_arns
    }
  }

  dynamic "statement" {
    for_each = length(each.value.dlq_arns) > 0 ? [1] : []
    content {
      # Inspect and drain the dead-letter queues; redrive back to the source queue.
      sid       = "OwnDeadLetterQueues"
      effect    = "Allow"
      actions   = ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ReceiveMessage", "sqs:StartMessageMoveTask", "sqs:ListMessageMoveTasks"]
      resources = each.value.dlq_arns
    }
  }

  dynamic "statement" {
    for_each = length(each.value.topic_arns) > 0 ? [1] : []
    content {
      sid       = "PublishOwnTopics"
      effect    = "Allow"
      actions   = ["sns:Publish"]
      resources = each.value.topic_arns
    }
  }

  dynamic "statement" {
    for_each = length(each.value.bucket_arns) > 0 ? [1] : []
    content {
      sid       = "ListOwnBuckets"
      effect    = "Allow"
      actions   = ["s3:GetBucketLocation", "s3:ListBucket"]
      resources = each.value.bucket_arns
    }
  }

  dynamic "statement" {
    for_each = length(each.value.bucket_arns) > 0 ? [1] : []
    content {
      # Objects of the service's own buckets only ("/*" is every key in that one bucket).
      sid       = "ObjectsInOwnBuckets"
      effect    = "Allow"
      actions   = ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
      resources = [for arn in each.value.bucket_arns : "${arn}/*"]
    }
  }

  dynamic "statement" {
    for_each = length(each.value.secret_arns) > 0 ? [1] : []
    content {
      sid       = "ReadOwnSecrets"
      effect    = "Allow"
      actions   = ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"]
      resources = each.value.secret_arns
    }
  }
}

# Kept apart so the policy above is fully known at plan time (the key ARN is not).
data "aws_iam_policy_document" "service_kms" {
  for_each = local.services_using_key

  statement {
    sid       = "UseComponentKeyViaSqsAndSns"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [module.kms[0].key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["sqs.${var.region}.amazonaws.com", "sns.${var.region}.amazonaws.com"]
    }
  }
}
