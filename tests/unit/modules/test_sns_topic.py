"""sns-topic: KMS-encrypted; each publisher in its own statement, scoped to this account (and
to its source ARNs when given); publishing over plain HTTP denied last."""

import json

import pytest

pytestmark = pytest.mark.unit

KEY = "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
TLS = {
    "Sid": "DenyInsecureTransport",
    "Effect": "Deny",
    "Action": "SNS:Publish",
    "Resource": "arn:aws:sns:us-east-1:123456789012:core-dev-events",
    "Principal": {"AWS": "*"},
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}


def _statements(plan):
    return json.loads(plan["data.aws_iam_policy_document.this"]["json"])["Statement"]


def test_topic_is_encrypted_with_the_customer_key(plan_for):
    plan = plan_for("sns-topic")
    plan.assert_attr("aws_sns_topic.this", "name", "core-dev-alarms")
    plan.assert_attr("aws_sns_topic.this", "kms_master_key_id", KEY)
    plan.assert_tags("aws_sns_topic.this", {"Name": "core-dev-alarms"})
    assert plan["aws_sns_topic_policy.this"].is_unknown("arn")  # the topic's, once created


def test_publishers_are_scoped_to_the_account_and_their_sources(plan_for):
    arn = "arn:aws:sns:us-east-1:123456789012:core-dev-alarms"
    alarms, events, tls = _statements(plan_for("sns-topic"))
    assert alarms == {
        "Sid": "CloudWatchAlarmsPublish",
        "Effect": "Allow",
        "Action": "SNS:Publish",
        "Resource": arn,
        "Principal": {"Service": "cloudwatch.amazonaws.com"},
        "Condition": {
            "StringEquals": {"aws:SourceAccount": "123456789012"},
            "ArnLike": {
                "aws:SourceArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:core-dev-*"
            },
        },
    }
    assert events["Principal"] == {"Service": "events.amazonaws.com"}
    assert events["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}
    assert tls == {**TLS, "Resource": arn}


def test_without_publishers_only_the_tls_rule_remains(plan_for):
    assert _statements(plan_for("sns-topic", "no_publishers")) == [TLS]
