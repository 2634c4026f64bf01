# Security Hub with consolidated control findings and two standards.

locals {
  securityhub_standards = {
    aws-foundational = "arn:${local.partition}:securityhub:${var.region}::standards/aws-foundational-security-best-practices/v/1.0.0"
    cis = (var.securityhub_cis_version == "1.2.0"
      ? "arn:${local.partition}:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"
    : "arn:${local.partition}:securityhub:${var.region}::standards/cis-aws-foundations-benchmark/v/${var.securityhub_cis_version}")
  }
}

resource "aws_securityhub_account" "this" {
  count = local.create_securityhub ? 1 : 0

  enable_default_standards  = false
  control_finding_generator = "SECURITY_CONTROL"
  auto_enable_controls      = true
}

resource "aws_securityhub_standards_subscription" "this" {
  for_each = local.create_securityhub ? local.securityhub_standards : {}

  standards_arn = each.value

  depends_on = [aws_securityhub_account.this]
}
