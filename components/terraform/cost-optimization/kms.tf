# Customer-managed key for the cost alerts topic (modules/kms-key). Budgets and Cost Anomaly
# Detection publish to an encrypted topic only when the key policy lets them use the key.

module "alerts_kms" {
  source = "../../../modules/kms-key"

  alias                   = "${local.name_prefix}-cost-alerts"
  description             = "${local.name_prefix} cost alerts topic"
  deletion_window_in_days = var.kms_key_deletion_window_in_days

  # ServicesPublishToEncryptedTopics: Budgets and Cost Anomaly Detection publish to the alerts
  # topic the key encrypts, for this account only (aws:SourceAccount).
  publishing_services = ["budgets.amazonaws.com", "costalerts.amazonaws.com"]

  tags = merge(local.tags, { Name = "${local.name_prefix}-cost-alerts" })
}
