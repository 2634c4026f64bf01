# cost-optimization: cost guard rails for an account. The entry point of the standard module
# structure; the resources live in one file per concern:
#
#   budgets.tf  monthly budgets (the whole account and one per service) with their alerts
#   anomaly.tf  Cost Anomaly Detection: a per-service monitor and its alert subscription
#   sns.tf      the alerts topic budgets and anomaly alerts publish to (modules/sns-topic)
#   kms.tf      the customer-managed key that encrypts the topic (modules/kms-key)
