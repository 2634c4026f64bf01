################################################################################
# Customer-managed key: storage, Performance Insights, the credentials secret, the
# rotation function's environment and logs, and the rotation topic.
# modules/kms-key adds the account root statement (AccountAdministration) and rotation.
################################################################################

module "kms" {
  source = "../../../modules/kms-key"

  alias                   = "${local.name_prefix}-rds"
  description             = "${local.name_prefix} RDS storage, Performance Insights, credentials secret and rotation"
  deletion_window_in_days = var.kms_key_deletion_window_in_days

  service_statements = concat(
    [
      {
        sid = "CloudWatchLogsOfThisComponent"
        actions = [
          "kms:Encrypt*",
          "kms:Decrypt*",
          "kms:ReEncrypt*",
          "kms:GenerateDataKey*",
          "kms:Describe*",
        ]
        principals = [{ type = "Service", identifiers = ["logs.${var.region}.amazonaws.com"] }]
        conditions = [
          {
            test     = "ArnLike"
            variable = "kms:EncryptionContext:aws:logs:arn"
            values = [
              "arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:/aws/lambda/${local.rotation_function_name}",
              "arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:/aws/rds/instance/${local.name_prefix}/*",
            ]
          },
        ]
      },
    ],
    # EventBridge and CloudWatch alarms publish to the encrypted rotation topic.
    local.create_rotation_topic ? [
      {
        sid        = "PublishToEncryptedTopic"
        actions    = ["kms:Decrypt", "kms:GenerateDataKey*"]
        principals = [{ type = "Service", identifiers = ["events.amazonaws.com", "cloudwatch.amazonaws.com"] }]
        conditions = [{ test = "StringEquals", variable = "aws:SourceAccount", values = [local.account_id] }]
      },
    ] : [],
  )

  tags = merge(local.tags, { Name = "${local.name_prefix}-rds" })
}
