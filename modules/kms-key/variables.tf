variable "alias" {
  type        = string
  description = "Alias of the key without the alias/ prefix, e.g. core-dev-flow-logs (alias/core-dev-flow-logs)."

  validation {
    condition     = can(regex("^[a-zA-Z0-9/_-]{1,250}$", var.alias)) && !startswith(var.alias, "aws/") && !startswith(var.alias, "alias/")
    error_message = "alias must be 1-250 letters, digits, /, _ or -, given without the alias/ prefix (the module adds it), and must not start with aws/ (reserved for AWS managed keys)."
  }
}

variable "description" {
  type        = string
  description = "What the key encrypts, shown in the KMS console."
}

variable "deletion_window_in_days" {
  type        = number
  default     = 30
  description = "Days KMS waits before deleting the key once deletion is scheduled (7-30). Components pass their kms_key_deletion_window_in_days."

  validation {
    condition     = var.deletion_window_in_days >= 7 && var.deletion_window_in_days <= 30
    error_message = "kms_key_deletion_window_in_days must be between 7 and 30 (the waiting period AWS KMS allows before a key is deleted)."
  }
}

variable "key_spec" {
  type        = string
  default     = "SYMMETRIC_DEFAULT"
  description = "KMS key spec (customer_master_key_spec): SYMMETRIC_DEFAULT (the default: a symmetric encryption key, rotated yearly), RSA_2048/3072/4096, ECC_NIST_P256/P384/P521, ECC_SECG_P256K1, HMAC_224/256/384/512, or SM2 (China Regions only). Only SYMMETRIC_DEFAULT keys rotate: KMS cannot rotate asymmetric or HMAC keys (replace them instead)."

  validation {
    condition = contains([
      "SYMMETRIC_DEFAULT",
      "RSA_2048", "RSA_3072", "RSA_4096",
      "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1",
      "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512",
      "SM2",
    ], var.key_spec)
    error_message = "key_spec must be a KMS key spec: SYMMETRIC_DEFAULT, RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, ECC_NIST_P384, ECC_NIST_P521, ECC_SECG_P256K1, HMAC_224, HMAC_256, HMAC_384, HMAC_512 or SM2."
  }
}

variable "key_usage" {
  type        = string
  default     = "ENCRYPT_DECRYPT"
  description = "What the key is for: ENCRYPT_DECRYPT (the default), SIGN_VERIFY, GENERATE_VERIFY_MAC or KEY_AGREEMENT. It must fit key_spec: SYMMETRIC_DEFAULT encrypts; RSA_* encrypts or signs; ECC_NIST_* signs or agrees keys; ECC_SECG_P256K1 signs; HMAC_* generates MACs; SM2 encrypts, signs or agrees keys."

  validation {
    condition     = contains(["ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"], var.key_usage)
    error_message = "key_usage must be ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC or KEY_AGREEMENT."
  }

  # The pair KMS's CreateKey accepts, by key spec family. A key spec outside the list fails
  # key_spec's own rule first (Terraform evaluates this cross-variable rule only after it).
  validation {
    condition = contains(lookup({
      SYMMETRIC_DEFAULT = ["ENCRYPT_DECRYPT"]
      RSA_2048          = ["ENCRYPT_DECRYPT", "SIGN_VERIFY"]
      RSA_3072          = ["ENCRYPT_DECRYPT", "SIGN_VERIFY"]
      RSA_4096          = ["ENCRYPT_DECRYPT", "SIGN_VERIFY"]
      ECC_NIST_P256     = ["SIGN_VERIFY", "KEY_AGREEMENT"]
      ECC_NIST_P384     = ["SIGN_VERIFY", "KEY_AGREEMENT"]
      ECC_NIST_P521     = ["SIGN_VERIFY", "KEY_AGREEMENT"]
      ECC_SECG_P256K1   = ["SIGN_VERIFY"]
      HMAC_224          = ["GENERATE_VERIFY_MAC"]
      HMAC_256          = ["GENERATE_VERIFY_MAC"]
      HMAC_384          = ["GENERATE_VERIFY_MAC"]
      HMAC_512          = ["GENERATE_VERIFY_MAC"]
      SM2               = ["ENCRYPT_DECRYPT", "SIGN_VERIFY", "KEY_AGREEMENT"]
    }, var.key_spec, []), var.key_usage)
    error_message = "key_usage ${var.key_usage} does not fit key_spec ${var.key_spec}: SYMMETRIC_DEFAULT keys are ENCRYPT_DECRYPT; RSA_* ENCRYPT_DECRYPT or SIGN_VERIFY; ECC_NIST_* SIGN_VERIFY or KEY_AGREEMENT; ECC_SECG_P256K1 SIGN_VERIFY; HMAC_* GENERATE_VERIFY_MAC; SM2 ENCRYPT_DECRYPT, SIGN_VERIFY or KEY_AGREEMENT."
  }
}

variable "log_group_names" {
  type        = list(string)
  default     = []
  description = "CloudWatch Logs groups (names, * allowed) that may encrypt with the key: adds the statement CloudWatchLogsUse for logs.<region>.amazonaws.com, scoped by the kms:EncryptionContext:aws:logs:arn of these groups in this account and region."
}

variable "publishing_services" {
  type        = list(string)
  default     = []
  description = "AWS services (e.g. cloudwatch.amazonaws.com, events.amazonaws.com) that publish to SNS topics or queues encrypted with the key: adds the statement ServicesPublishToEncryptedTopics (kms:GenerateDataKey*, kms:Decrypt) for this account only (aws:SourceAccount)."

  validation {
    condition     = alltrue([for s in var.publishing_services : endswith(s, ".amazonaws.com")])
    error_message = "publishing_services must be AWS service principals such as cloudwatch.amazonaws.com."
  }
}

variable "service_statements" {
  type = list(object({
    sid     = string
    actions = list(string)
    principals = list(object({
      type        = string
      identifiers = list(string)
    }))
    conditions = optional(list(object({
      test     = string
      variable = string
      values   = list(string)
    })), [])
  }))
  default     = []
  description = "Further statements, added after the account root statement and the log_group_names / publishing_services ones, each granting key use to a principal (a service such as logs.<region>.amazonaws.com) under conditions that scope it to this account and its resources. Resource is always this key (\"*\" in a key policy)."

  validation {
    condition     = length(distinct([for s in var.service_statements : s.sid])) == length(var.service_statements)
    error_message = "service_statements: every statement needs its own sid (a repeated sid would silently replace the earlier statement)."
  }

  validation {
    condition     = alltrue([for s in var.service_statements : !contains(s.actions, "kms:*")])
    error_message = "service_statements must name the KMS actions they need: kms:* is reserved for the account root statement."
  }
}

variable "tags" {
  type        = map(string)
  default     = {}
  description = "Tags of the key (the provider's default tags are added)."
}
