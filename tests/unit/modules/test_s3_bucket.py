"""s3-bucket: private (owner enforced, public access blocked), versioned, SSE-KMS with a
bucket key, a policy refusing plain HTTP, old TLS and non-KMS uploads, then the caller's
statements; lifecycle and access logging only when asked for."""

import json

import pytest

pytestmark = pytest.mark.unit

KEY = "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
ARN = "arn:aws:s3:::core-dev-flow-logs-123456789012"


def _statements(plan):
    return {
        s["Sid"]: s
        for s in json.loads(plan["data.aws_iam_policy_document.this"]["json"])["Statement"]
    }


def test_bucket_is_private_versioned_and_kms_encrypted(plan_for):
    plan = plan_for("s3-bucket")
    plan.assert_attr("aws_s3_bucket.this", "bucket", "core-dev-flow-logs-123456789012")
    plan.assert_attr("aws_s3_bucket.this", "force_destroy", False)
    plan.assert_tags("aws_s3_bucket.this", {"Name": "core-dev-flow-logs"})
    plan.assert_attr(
        "aws_s3_bucket_ownership_controls.this",
        ("rule", 0, "object_ownership"),
        "BucketOwnerEnforced",
    )
    plan.assert_attr(
        "aws_s3_bucket_versioning.this", ("versioning_configuration", 0, "status"), "Enabled"
    )
    rule = plan["aws_s3_bucket_server_side_encryption_configuration.this"]["rule"][0]
    assert rule["bucket_key_enabled"] is True
    assert rule["apply_server_side_encryption_by_default"] == [
        {"sse_algorithm": "aws:kms", "kms_master_key_id": KEY}
    ]


def test_policy_refuses_plain_http_old_tls_and_other_encryption(plan_for):
    statements = _statements(plan_for("s3-bucket"))
    assert list(statements)[:3] == [
        "DenyInsecureTransport",
        "DenyOutdatedTLS",
        "DenyNonKmsEncryption",
    ]
    assert statements["DenyInsecureTransport"]["Resource"] == [f"{ARN}/*", ARN]
    assert statements["DenyOutdatedTLS"]["Condition"] == {
        "NumericLessThan": {"s3:TlsVersion": "1.2"}
    }
    kms = statements["DenyNonKmsEncryption"]
    assert kms["Effect"] == "Deny" and kms["Action"] == "s3:PutObject"
    # Only an upload that names another encryption is refused: header-less ones get SSE-KMS.
    assert kms["Condition"] == {
        "StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"},
        "Null": {"s3:x-amz-server-side-encryption": "false"},
    }


def test_caller_statements_follow_the_bucket_rules(plan_for):
    statements = _statements(plan_for("s3-bucket"))
    assert list(statements)[3:] == ["AWSLogDeliveryWrite"]
    assert statements["AWSLogDeliveryWrite"]["Principal"] == {
        "Service": "delivery.logs.amazonaws.com"
    }


def test_lifecycle_rule_as_given(plan_for):
    plan = plan_for("s3-bucket")
    rule = plan["aws_s3_bucket_lifecycle_configuration.this[0]"]["rule"][0]
    assert rule["id"] == "archive" and rule["status"] == "Enabled"
    assert [(t["days"], t["storage_class"]) for t in rule["transition"]] == [
        (30, "STANDARD_IA"),
        (90, "GLACIER"),
    ]
    assert rule["expiration"][0]["days"] == 365
    assert rule["noncurrent_version_expiration"][0]["noncurrent_days"] == 30
    assert rule["abort_incomplete_multipart_upload"] == [{"days_after_initiation": 7}]
    plan.assert_absent("aws_s3_bucket_logging")


def test_no_lifecycle_and_no_logging_unless_asked(plan_for):
    plan = plan_for("s3-bucket", "plain")
    plan.assert_absent("aws_s3_bucket_lifecycle_configuration")
    plan.assert_absent("aws_s3_bucket_logging")
    assert list(_statements(plan)) == [
        "DenyInsecureTransport",
        "DenyOutdatedTLS",
        "DenyNonKmsEncryption",
    ]


def test_access_logs_go_to_the_log_bucket_under_the_prefix(plan_for):
    plan = plan_for("s3-bucket", "access_logged")
    plan.assert_attr(
        "aws_s3_bucket_logging.this[0]", "target_bucket", "core-dev-access-logs-123456789012"
    )
    plan.assert_attr(
        "aws_s3_bucket_logging.this[0]", "target_prefix", "s3/core-dev-state-123456789012/"
    )
    plan.assert_attr("aws_s3_bucket.this", "force_destroy", True)
