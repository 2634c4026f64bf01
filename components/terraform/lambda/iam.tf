# Execution role (modules/iam-role): only its own log group, its own dead-letter queue,
# X-Ray, and (in a VPC) ENIs. Lambda may assume it for this account's functions only
# (aws:SourceAccount, the confused-deputy protection).
module "execution_role" {
  source = "../../../modules/iam-role"

  name                     = "${local.function_name}-exec"
  description              = "Execution role of the ${local.function_name} function"
  services                 = ["lambda.amazonaws.com"]
  source_account           = local.account_id
  permissions_boundary_arn = var.execution_role_permissions_boundary_arn
  # Keys known at plan time (the toggles); the dead-letter key policy's JSON is not.
  inline_policies = merge(
    { "least-privilege" = data.aws_iam_policy_document.this.json },
    local.create_dlq ? { "dead-letter-queue-key" = data.aws_iam_policy_document.dlq_kms[0].json } : {},
    var.execution_role_policy_json != null ? { "function-code" = var.execution_role_policy_json } : {},
  )
  tags = merge(local.tags, { Name = "${local.function_name}-exec" })
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "WriteOwnLogGroup"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.log_group_arn}:*"]
  }

  dynamic "statement" {
    for_each = local.create_dlq ? [1] : []
    content {
      sid       = "SendToOwnDeadLetterQueue"
      effect    = "Allow"
      actions   = ["sqs:SendMessage"]
      resources = [local.dlq_arn]
    }
  }

  dynamic "statement" {
    for_each = var.enable_tracing ? [1] : []
    content {
      # X-Ray's write actions have no resource-level permissions: "*" is the only valid resource.
      sid       = "WriteTraces"
      effect    = "Allow"
      actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
      resources = ["*"]
    }
  }

  dynamic "statement" {
    for_each = local.in_vpc ? [1] : []
    content {
      # EC2 Describe* actions have no resource-level permissions: "*" is the only valid resource.
      sid       = "DescribeNetworkInterfaces"
      effect    = "Allow"
      actions   = ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"]
      resources = ["*"]
    }
  }

  dynamic "statement" {
    for_each = local.in_vpc ? [1] : []
    content {
      sid     = "ManageFunctionEnisInGivenSubnets"
      effect  = "Allow"
      actions = ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"]
      resources = concat(
        ["arn:${local.partition}:ec2:${var.region}:${local.account_id}:network-interface/*"],
        [for id in var.vpc_config.subnet_ids : "arn:${local.partition}:ec2:${var.region}:${local.account_id}:subnet/${id}"],
        [for id in var.vpc_config.security_group_ids : "arn:${local.partition}:ec2:${var.region}:${local.account_id}:security-group/${id}"],
      )
    }
  }
}

# Kept apart from the policy above so that one is fully known at plan time (the key ARN is not).
data "aws_iam_policy_document" "dlq_kms" {
  count = local.create_dlq ? 1 : 0

  statement {
    # The dead-letter queue is encrypted with the component's key; SendMessage needs a data key.
    sid       = "EncryptDeadLetterMessages"
    effect    = "Allow"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [module.kms.key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["sqs.${var.region}.amazonaws.com"]
    }
  }
}
