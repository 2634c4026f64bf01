# Dead-letter queue for asynchronous invocations that fail every retry (modules/sqs-queue: the
# component key, TLS only). The queue is itself the dead letter of the function, so it has none
# of its own.

locals {
  dlq_name = "${local.function_name}-dlq"
  dlq_arn  = "arn:${local.partition}:sqs:${var.region}:${local.account_id}:${local.dlq_name}"
}

module "dlq" {
  source = "../../../modules/sqs-queue"
  count  = local.create_dlq ? 1 : 0

  queues = {
    dlq = {
      name                      = local.dlq_name
      message_retention_seconds = var.dlq_message_retention_seconds
    }
  }
  kms_key_arn = module.kms.key_arn
  tags        = local.tags
}
