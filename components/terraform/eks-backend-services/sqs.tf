# Per-service queues, each with its own dead-letter queue, encrypted with the component's key
# (modules/sqs-queue: TLS only, each dead-letter queue open to its own queue alone). The queues
# are iterated inside the module, so the call has no for_each and moved.tf moves every
# service's queues in one block per resource.

module "queues" {
  source = "../../../modules/sqs-queue"

  queues = {
    for k, q in local.queues : k => {
      name                       = q.name
      fifo                       = q.fifo
      visibility_timeout_seconds = q.visibility_timeout_seconds
      message_retention_seconds  = q.message_retention_seconds
      dead_letter = {
        name                      = q.dlq_name
        max_receive_count         = q.max_receive_count
        message_retention_seconds = var.dlq_message_retention_seconds
      }
      tags = { Service = q.service }
    }
  }
  # The key exists whenever a service has a queue (local.create_kms_key); with none, there is
  # no key and the module manages nothing.
  kms_key_arn                  = one(module.kms[*].key_arn)
  restrict_dead_letter_sources = local.restrict_dlq_sources
  tags                         = local.tags
}
