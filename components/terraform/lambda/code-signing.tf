# Optional code signing: only packages signed by the trusted AWS Signer profiles deploy.

resource "aws_lambda_code_signing_config" "this" {
  count = local.create_code_signing ? 1 : 0

  description = "${local.function_name}: trusted signers"

  allowed_publishers {
    signing_profile_version_arns = var.code_signing_signing_profile_version_arns
  }

  policies {
    untrusted_artifact_on_deployment = var.code_signing_untrusted_artifact_action
  }

  tags = merge(local.tags, { Name = local.function_name })

  lifecycle {
    precondition {
      condition     = length(var.code_signing_signing_profile_version_arns) > 0
      error_message = "Code signing needs a trusted signer: set code_signing_signing_profile_version_arns, or enable_code_signing = false."
    }
  }
}
