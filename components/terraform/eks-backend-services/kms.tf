# One customer-managed key for the services' queues, topics and repositories
# (modules/kms-key: rotation on, the account root administers it through IAM).

module "kms" {
  source = "../../../modules/kms-key"
  count  = local.create_kms_key ? 1 : 0

  alias                   = "${local.name_prefix}-backend-services"
  description             = "${local.name_prefix} backend services: queues, topics, repositories"
  deletion_window_in_days = var.kms_key_deletion_window_in_days
  tags                    = merge(local.tags, { Name = "${local.name_prefix}-backend-services" })

  # SNS delivering to encrypted queues, and publishing to encrypted topics from AWS services
  # (ServicesPublishToEncryptedTopics, for this account only).
  publishing_services = ["sns.amazonaws.com"]
}
