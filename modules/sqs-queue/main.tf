# SQS queues encrypted with the caller's customer-managed key, each refusing requests that are
# not over TLS, and each optionally with a dead-letter queue of its own that only its queue may
# move messages to.
#
# One call manages a map of queues: for_each is on the resources here, never on the call, so
# one `moved { from = aws_sqs_queue.this, to = module.<call>.aws_sqs_queue.this }` moves every
# instance of a component's for_each resource, whatever its keys (moved blocks cannot iterate).

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  # ARNs built from their parts, so the queue policies and redrive policies are known at plan time.
  arn_prefix = "arn:${data.aws_partition.current.partition}:sqs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}"

  dead_letters = { for k, q in var.queues : k => q.dead_letter if q.dead_letter != null }

  # One TLS-only policy per queue: "<key>" for a queue, "<key>-dlq" for its dead-letter queue.
  policies = merge(
    { for k, q in var.queues : k => { url = aws_sqs_queue.this[k].id, arn = "${local.arn_prefix}:${q.name}" } },
    { for k, d in local.dead_letters : "${k}-dlq" => { url = aws_sqs_queue.dlq[k].id, arn = "${local.arn_prefix}:${d.name}" } },
  )
}

resource "aws_sqs_queue" "dlq" {
  for_each = local.dead_letters

  name                              = each.value.name
  fifo_queue                        = var.queues[each.key].fifo
  message_retention_seconds         = each.value.message_retention_seconds
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = var.kms_data_key_reuse_period_seconds

  # Only the queue it serves may move messages here.
  redrive_allow_policy = var.restrict_dead_letter_sources ? jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = ["${local.arn_prefix}:${var.queues[each.key].name}"]
  }) : null

  tags = merge(var.tags, var.queues[each.key].tags, { Name = each.value.name })
}

resource "aws_sqs_queue" "this" {
  for_each = var.queues

  name                              = each.value.name
  fifo_queue                        = each.value.fifo
  visibility_timeout_seconds        = each.value.visibility_timeout_seconds
  message_retention_seconds         = each.value.message_retention_seconds
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = var.kms_data_key_reuse_period_seconds

  # Built from the dead-letter queue's name so the wiring is visible at plan time; depends_on
  # orders the creation.
  redrive_policy = each.value.dead_letter == null ? null : jsonencode({
    deadLetterTargetArn = "${local.arn_prefix}:${each.value.dead_letter.name}"
    maxReceiveCount     = each.value.dead_letter.max_receive_count
  })

  depends_on = [aws_sqs_queue.dlq]

  tags = merge(var.tags, each.value.tags, { Name = each.value.name })
}

data "aws_iam_policy_document" "tls" {
  for_each = local.policies

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
  for_each = local.policies

  queue_url = each.value.url
  policy    = data.aws_iam_policy_document.tls[each.key].json
}
