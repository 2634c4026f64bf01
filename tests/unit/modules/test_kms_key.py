"""kms-key: rotation on for every symmetric encryption key (and off only for the asymmetric
and HMAC keys KMS cannot rotate), one alias, the account root statement first, then the
caller's service statements exactly as given; the deletion window, statement, key spec and key
usage rules refused with their messages (declared in tests/scenarios/kms-key.yaml)."""

import json

import pytest

pytestmark = pytest.mark.unit

ROOT = {
    "Sid": "AccountAdministration",
    "Effect": "Allow",
    "Action": "kms:*",
    "Resource": "*",
    "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
}


def _policy(plan):
    return json.loads(plan["data.aws_iam_policy_document.this"]["json"])


def test_key_settings_and_its_one_alias(plan_for):
    plan = plan_for("kms-key")
    plan.assert_attr("aws_kms_key.this", "deletion_window_in_days", 30)
    plan.assert_attr("aws_kms_key.this", "description", "core-dev VPC flow logs")
    plan.assert_tags("aws_kms_key.this", {"Name": "core-dev-flow-logs", "Environment": "dev"})
    plan.assert_attr("aws_kms_alias.this", "name", "alias/core-dev-flow-logs")
    assert {r.address for r in plan.managed} == {"aws_kms_key.this", "aws_kms_alias.this"}


def test_policy_is_the_root_statement_then_the_service_statements(plan_for):
    statements = _policy(plan_for("kms-key"))["Statement"]
    assert statements[0] == ROOT
    assert statements[1] == {
        "Sid": "CloudWatchLogsThisLogGroupOnly",
        "Effect": "Allow",
        "Action": [
            "kms:ReEncrypt*",
            "kms:GenerateDataKey*",
            "kms:Encrypt*",
            "kms:Describe*",
            "kms:Decrypt*",
        ],
        "Resource": "*",
        "Principal": {"Service": "logs.us-east-1.amazonaws.com"},
        "Condition": {
            "ArnLike": {
                "kms:EncryptionContext:aws:logs:arn": (
                    "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vpc-flow-logs/core-dev"
                )
            }
        },
    }
    assert len(statements) == 2


def test_root_statement_alone_without_service_statements(plan_for):
    assert _policy(plan_for("kms-key", "root_only"))["Statement"] == [ROOT]


def test_shortest_window_is_allowed(plan_for):
    plan_for("kms-key", "short_window").assert_attr(
        "aws_kms_key.this", "deletion_window_in_days", 7
    )


def test_log_groups_and_publishers_get_their_standard_statements(plan_for):
    root, logs, publish, extra = _policy(plan_for("kms-key", "logs_and_publishers"))["Statement"]
    assert root == ROOT
    assert logs["Sid"] == "CloudWatchLogsUse"
    assert logs["Principal"] == {"Service": "logs.us-east-1.amazonaws.com"}
    assert sorted(logs["Action"]) == [
        "kms:Decrypt*",
        "kms:Describe*",
        "kms:Encrypt*",
        "kms:GenerateDataKey*",
        "kms:ReEncrypt*",
    ]
    assert sorted(logs["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"]) == [
        "arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/core-dev/audit",
        "arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/core-dev/audit-*",
    ]
    assert publish == {
        "Sid": "ServicesPublishToEncryptedTopics",
        "Effect": "Allow",
        "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
        "Resource": "*",
        "Principal": {"Service": ["events.amazonaws.com", "cloudwatch.amazonaws.com"]},
        "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}},
    }
    assert extra["Sid"] == "Extra"


def test_default_key_is_symmetric_and_rotates(plan_for):
    plan = plan_for("kms-key")
    plan.assert_subset(
        "aws_kms_key.this",
        {
            "customer_master_key_spec": "SYMMETRIC_DEFAULT",
            "key_usage": "ENCRYPT_DECRYPT",
            "enable_key_rotation": True,
        },
    )


def test_rotation_has_no_input_of_its_own(plan_for):
    """Rotation follows the key spec alone: no variable can turn it off for a symmetric key."""
    config = plan_for("kms-key").raw["configuration"]["root_module"]
    assert not [v for v in config["variables"] if "rotat" in v]
    (key,) = [r for r in config["resources"] if r["address"] == "aws_kms_key.this"]
    assert key["expressions"]["enable_key_rotation"]["references"] == ["var.key_spec"]


def test_signing_key_is_asymmetric_without_rotation(plan_for):
    plan = plan_for("kms-key", "signing_key")
    plan.assert_subset(
        "aws_kms_key.this",
        {
            "customer_master_key_spec": "ECC_NIST_P256",
            "key_usage": "SIGN_VERIFY",
            "enable_key_rotation": False,
            "description": "core-dev Route 53 DNSSEC key-signing key",
        },
    )
    plan.assert_attr("aws_kms_alias.this", "name", "alias/core-dev-route53-dnssec")


def test_signing_key_takes_the_dnssec_statements_as_service_statements(plan_for):
    root, service, grant = _policy(plan_for("kms-key", "signing_key"))["Statement"]
    assert root == ROOT
    assert service == {
        "Sid": "AllowRoute53DNSSECService",
        "Effect": "Allow",
        "Action": ["kms:Sign", "kms:GetPublicKey", "kms:DescribeKey"],
        "Resource": "*",
        "Principal": {"Service": "dnssec-route53.amazonaws.com"},
        "Condition": {
            "StringEquals": {"aws:SourceAccount": "123456789012"},
            "ArnLike": {"aws:SourceArn": "arn:aws:route53:::hostedzone/*"},
        },
    }
    assert grant == {
        "Sid": "AllowRoute53DNSSECToCreateGrant",
        "Effect": "Allow",
        "Action": "kms:CreateGrant",
        "Resource": "*",
        "Principal": {"Service": "dnssec-route53.amazonaws.com"},
        "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}},
    }


def test_hmac_key_does_not_rotate(plan_for):
    plan = plan_for("kms-key", "hmac_key")
    plan.assert_subset(
        "aws_kms_key.this",
        {
            "customer_master_key_spec": "HMAC_256",
            "key_usage": "GENERATE_VERIFY_MAC",
            "enable_key_rotation": False,
        },
    )
