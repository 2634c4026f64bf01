# Route 53 is a global service whose regional dependencies live in us-east-1: query logging
# writes only to CloudWatch Logs log groups in us-east-1, and DNSSEC signs only with KMS keys
# in us-east-1. This aliased provider pins those resources there, whatever var.region is.
# It is kept out of provider.tf, which is the byte-for-byte provider standard.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
}
