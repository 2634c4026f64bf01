# Per-service queues, each with its own dead-letter queue, encrypted with the component's key.

resource "aws_sqs_queue" "dlq" {
  for_each = local.queues

  name                              = each.value.dlq_name
  fifo_queue                        = each.value.fifo
  message_retention_seconds         = var.dlq_message_retention_seconds
  kms_master_key_id                 = module.kms[0].key_arn
  kms_data_key_reuse_period_seconds = 300

  # Only the service's own queue may move messages here.
  redrive_allow_policy = local.restrict_dlq_sources ? jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [each.value.arn]
  }) : null

  tags = merge(local.tags, { Name = each.value.dlq_name, Service = each.value.service })
}

resource "aws_sqs_queue" "this" {
  for_each = local.queues

  name                              = each.value.name
  fifo_queue                        = each.value.fifo
  visibility_timeout_seconds        = each.value.visibility_timeout_seconds
  message_retention_seconds         = each.value.message_retention_seconds
  kms_master_key_id                 = module.kms[0].key_arn
  kms_data_key_reuse_period_seconds = 300

  # Built from the DLQ's name so the wiring is visible at plan time; depends_on orders creation.
  redrive_policy = jsonencode({
    deadLetterTargetArn = each.value.dlq_arn
    maxReceiveCount     = each.value.max_receive_count
  })

  depends_on = [aws_sqs_queue.dlq]

  tags = merge(local.tags, { Name = each.value.name, Service = each.value.service })
}

# Every queue refuses requests that are not over TLS.
locals {
  queue_policies = merge(
    { for k, q in local.queues : k => { url = aws_sqs_queue.this[k].id, arn = q.arn } },
    { for k, q in local.queues : "${k}-dlq" => { url = aws_sqs_queue.dlq[k].id, arn = q.dlq_arn } },
  )
}

data "aws_iam_policy_document" "queue_tls" {
  for_each = local.queue_policies

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [each.value.arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sqs_queue_policy" "tls" {
  for_each = local.queue_policies

  queue_url = each.value.url
  policy    = data.aws_iam_policy_document.queue_tls[each.key].json
}
