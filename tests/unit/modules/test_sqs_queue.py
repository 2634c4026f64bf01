"""sqs-queue: every queue of the map is encrypted with the caller's key and refuses plain
HTTP; a queue with a dead letter redrives to its own dead-letter queue, which only that queue
may redrive to; the map is iterated inside the module (its resources carry the caller's keys,
the policies "<key>" and "<key>-dlq"); an empty map manages nothing; names, numbers and the
key are refused with their messages (tests/scenarios/sqs-queue.yaml)."""

import pytest

pytestmark = pytest.mark.unit

KEY = "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
ARN = "arn:aws:sqs:us-east-1:123456789012:{}"


def _queue(key, kind="this"):
    return f'aws_sqs_queue.{kind}["{key}"]'


def test_every_queue_is_encrypted_with_the_customer_key(plan_for):
    plan = plan_for("sqs-queue")
    queues = {c.address: c for c in plan.of_type("aws_sqs_queue")}
    assert sorted(queues) == [_queue("events", "dlq"), _queue("audit"), _queue("events")]
    for queue in queues.values():
        assert queue["kms_master_key_id"] == KEY
        assert queue["kms_data_key_reuse_period_seconds"] == 300


def test_a_queue_redrives_to_its_own_dead_letter_queue_and_only_it_may(plan_for):
    plan = plan_for("sqs-queue")
    events, dlq = plan[_queue("events")], plan[_queue("events", "dlq")]
    assert events["name"] == "shop-dev-events" and dlq["name"] == "shop-dev-events-dlq"
    assert events.json("redrive_policy") == {
        "deadLetterTargetArn": ARN.format("shop-dev-events-dlq"),
        "maxReceiveCount": 5,
    }
    assert dlq.json("redrive_allow_policy") == {
        "redrivePermission": "byQueue",
        "sourceQueueArns": [ARN.format("shop-dev-events")],
    }
    assert events["visibility_timeout_seconds"] == 120
    assert events["message_retention_seconds"] == 345600  # SQS's default, 4 days
    assert dlq["message_retention_seconds"] == 1209600  # dead letters: the maximum, 14 days
    # The queue is created after its dead-letter queue (the ARN is built, not referenced).
    assert "aws_sqs_queue.dlq" in plan.configured("aws_sqs_queue.this").get("depends_on", [])


def test_a_fifo_queue_without_dead_letter_has_no_redrive(plan_for):
    plan = plan_for("sqs-queue")
    audit = plan[_queue("audit")]
    assert audit["name"] == "shop-dev-audit.fifo" and audit["fifo_queue"] is True
    assert audit["message_retention_seconds"] == 86400
    # Left to SQS (null in the configuration): only a computed value, never a target.
    assert audit.is_unknown("redrive_policy")
    plan.assert_absent(_queue("audit", "dlq"))


def test_every_queue_and_dead_letter_queue_refuses_plain_http(plan_for):
    plan = plan_for("sqs-queue")
    policies = {c.address for c in plan.of_type("aws_sqs_queue_policy")}
    assert policies == {
        'aws_sqs_queue_policy.tls["events"]',
        'aws_sqs_queue_policy.tls["events-dlq"]',
        'aws_sqs_queue_policy.tls["audit"]',
    }
    for key, name in (
        ("events", "shop-dev-events"),
        ("events-dlq", "shop-dev-events-dlq"),
        ("audit", "shop-dev-audit.fifo"),
    ):
        [deny] = plan[f'data.aws_iam_policy_document.tls["{key}"]'].json("json")["Statement"]
        assert deny == {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Action": "sqs:*",
            "Resource": ARN.format(name),
            "Principal": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
        assert plan[f'aws_sqs_queue_policy.tls["{key}"]'].json("policy")["Statement"] == [deny]


def test_tags_are_the_calls_then_the_queues_then_its_name(plan_for):
    plan = plan_for("sqs-queue")
    plan.assert_tags(
        _queue("events"), {"Environment": "dev", "Service": "orders", "Name": "shop-dev-events"}
    )
    plan.assert_tags(
        _queue("events", "dlq"),
        {"Environment": "dev", "Service": "orders", "Name": "shop-dev-events-dlq"},
    )
    plan.assert_tags(_queue("audit"), {"Environment": "dev", "Name": "shop-dev-audit.fifo"})


def test_the_emulator_switch_leaves_the_dead_letter_queue_open_to_any_queue(plan_for):
    dlq = plan_for("sqs-queue", "open_dead_letter_queue")[_queue("events", "dlq")]
    assert dlq.is_unknown("redrive_allow_policy")  # not set: SQS's default, any queue


def test_an_empty_map_manages_nothing(plan_for):
    plan = plan_for("sqs-queue", "none")
    plan.assert_absent("aws_sqs_queue")
    plan.assert_absent("aws_sqs_queue_policy")
    assert plan.outputs["arns"] == {} and plan.outputs["dead_letter_arns"] == {}
