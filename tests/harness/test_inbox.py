"""tfharness.checks.inbox on the embedded moto: a queue subscribed to a topic receives what the
topic publishes, says what arrived when the awaited notification does not, cleans up after
itself; an alarm put again keeps its configuration."""

from __future__ import annotations

import json
import uuid

import pytest

from tfharness.checks.inbox import AlarmInbox, evaluate_now, metric_sum
from tfharness.deploying.emulator import Endpoint

pytestmark = pytest.mark.harness


@pytest.fixture
def topic(endpoint: Endpoint):
    sns = endpoint.boto3_client("sns")
    arn = sns.create_topic(Name=f"inbox-{uuid.uuid4().hex[:8]}")["TopicArn"]
    yield arn
    sns.delete_topic(TopicArn=arn)


def alarm_message(name: str, state: str) -> str:
    return json.dumps({"AlarmName": name, "OldStateValue": "OK", "NewStateValue": state})


def test_a_published_notification_arrives(endpoint: Endpoint, topic: str) -> None:
    sns, sqs = endpoint.boto3_client("sns"), endpoint.boto3_client("sqs")
    with AlarmInbox(endpoint, topic, f"inbox-{uuid.uuid4().hex[:8]}") as inbox:
        queue = inbox.queue_url
        sns.publish(TopicArn=topic, Message=alarm_message("other", "OK"))
        sns.publish(TopicArn=topic, Message=alarm_message("mine", "ALARM"))
        message = inbox.wait_for("mine", "ALARM", timeout=10)
        assert message == {"AlarmName": "mine", "OldStateValue": "OK", "NewStateValue": "ALARM"}
    assert sqs.list_queues().get("QueueUrls", []).count(queue) == 0  # deleted on exit
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert subscriptions == []  # unsubscribed on exit


def test_a_missing_notification_says_what_did_arrive(endpoint: Endpoint, topic: str) -> None:
    sns = endpoint.boto3_client("sns")
    with AlarmInbox(endpoint, topic, f"inbox-{uuid.uuid4().hex[:8]}") as inbox:
        sns.publish(TopicArn=topic, Message=alarm_message("mine", "OK"))
        with pytest.raises(AssertionError) as error:
            inbox.wait_for("mine", "ALARM", timeout=2)
    assert f"no ALARM notification of mine reached the queue subscribed to {topic}" in str(
        error.value
    )
    assert "received: [('mine', 'OK')]" in str(error.value)


def test_an_alarm_put_again_keeps_its_configuration(endpoint: Endpoint) -> None:
    cloudwatch = endpoint.boto3_client("cloudwatch")
    name = f"inbox-{uuid.uuid4().hex[:8]}"
    cloudwatch.put_metric_alarm(
        AlarmName=name,
        Namespace="tfharness/inbox",
        MetricName="m",
        Statistic="Sum",
        Period=300,
        EvaluationPeriods=2,
        DatapointsToAlarm=1,
        Threshold=5.0,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        TreatMissingData="notBreaching",
        AlarmActions=["arn:aws:sns:us-east-1:123456789012:t"],
    )
    try:
        before = cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]
        evaluate_now(cloudwatch, name)
        after = cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]
        kept = ("Period", "EvaluationPeriods", "DatapointsToAlarm", "Threshold", "AlarmActions")
        assert {k: after[k] for k in kept} == {k: before[k] for k in kept}
        assert after["TreatMissingData"] == "notBreaching"
    finally:
        cloudwatch.delete_alarms(AlarmNames=[name])


def test_metric_sum_adds_the_datapoints(endpoint: Endpoint) -> None:
    cloudwatch = endpoint.boto3_client("cloudwatch")
    namespace = f"tfharness/inbox/{uuid.uuid4().hex[:8]}"
    assert metric_sum(cloudwatch, namespace, "m") == 0
    for value in (2.0, 3.0):
        cloudwatch.put_metric_data(
            Namespace=namespace, MetricData=[{"MetricName": "m", "Value": value}]
        )
    assert metric_sum(cloudwatch, namespace, "m") == 5.0


def test_waiting_for_a_state_the_target_never_reaches_says_where_it_stayed(
    endpoint: Endpoint,
) -> None:
    """moto never evaluates alarms: the wait ends with the state the alarm stayed in."""
    from tfharness.checks.inbox import wait_for_state

    cloudwatch = endpoint.boto3_client("cloudwatch")
    name = f"inbox-{uuid.uuid4().hex[:8]}"
    cloudwatch.put_metric_alarm(
        AlarmName=name,
        Namespace="tfharness/inbox",
        MetricName="m",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1.0,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
    )
    try:
        state = cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["StateValue"]
        with pytest.raises(AssertionError, match=rf"{name} is {state}, not ALARM, after 1 s"):
            wait_for_state(cloudwatch, name, "ALARM", timeout=1, every=0.2)
    finally:
        cloudwatch.delete_alarms(AlarmNames=[name])
