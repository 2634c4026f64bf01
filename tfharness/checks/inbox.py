"""What the target does with an alarm, observed rather than simulated: an SQS queue subscribed
to the alarm's SNS topic collects the notifications, and an alarm is evaluated on request.

    with AlarmInbox(endpoint, topic_arn, "tfharness-<run>-vpc") as inbox:
        ...put log events that should trip the alarm...
        wait_for_state(cloudwatch, "core-dev-flow-logs-ssh-attempts", "ALARM")
        message = inbox.wait_for("core-dev-flow-logs-ssh-attempts", "ALARM", timeout=120)

The queue accepts messages from that topic only (a queue policy scoped by ``aws:SourceArn``),
uses raw delivery (the body is CloudWatch's alarm message itself), and is unsubscribed and
deleted on exit, whatever happened.
"""

from __future__ import annotations

import json
import time
from typing import Any

from tfharness.deploying.emulator import Endpoint

# DescribeAlarms fields PutMetricAlarm takes back unchanged.
_ALARM_FIELDS = (
    "AlarmName",
    "AlarmDescription",
    "ActionsEnabled",
    "OKActions",
    "AlarmActions",
    "InsufficientDataActions",
    "MetricName",
    "Namespace",
    "Statistic",
    "ExtendedStatistic",
    "Dimensions",
    "Period",
    "Unit",
    "EvaluationPeriods",
    "DatapointsToAlarm",
    "Threshold",
    "ComparisonOperator",
    "TreatMissingData",
    "EvaluateLowSampleCountPercentile",
    "Metrics",
    "ThresholdMetricId",
)


def evaluate_now(cloudwatch, alarm_name: str) -> None:
    """Put the alarm again exactly as the target holds it. CloudWatch and LocalStack evaluate an
    alarm when it is put; otherwise the next evaluation may be a whole period away."""
    [alarm] = cloudwatch.describe_alarms(AlarmNames=[alarm_name])["MetricAlarms"]
    cloudwatch.put_metric_alarm(
        **{k: alarm[k] for k in _ALARM_FIELDS if alarm.get(k) not in (None, "", [])}
    )


def wait_for_state(
    cloudwatch, alarm_name: str, state: str, *, timeout: float = 300, every: float = 5
) -> None:
    """Until the alarm is in `state`: put it again (as it is held) every `every` seconds, so a
    target that evaluates an alarm when it is put (LocalStack; CloudWatch evaluates it soon
    after) does not wait a whole period; a put in the same second as the data is not enough.
    AssertionError with the last state after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    current = None
    while time.monotonic() < deadline:
        time.sleep(min(every, 1.2) if current is None else every)
        evaluate_now(cloudwatch, alarm_name)
        time.sleep(1)
        [alarm] = cloudwatch.describe_alarms(AlarmNames=[alarm_name])["MetricAlarms"]
        current = alarm["StateValue"]
        if current == state:
            return
    raise AssertionError(f"{alarm_name} is {current}, not {state}, after {timeout:.0f} s")


def reset_to_ok(cloudwatch, alarm_name: str) -> None:
    """Set the alarm to OK (SetAlarmState), so that its next evaluation into ALARM is a state
    change, and so a notification, even if an earlier check had left it in ALARM."""
    cloudwatch.set_alarm_state(
        AlarmName=alarm_name, StateValue="OK", StateReason="tfharness: reset before a live check"
    )


def metric_sum(cloudwatch, namespace: str, metric: str, *, minutes: int = 15) -> float:
    """The Sum the target holds for a metric over the last minutes (0 when it has none)."""
    now = time.time()
    points = cloudwatch.get_metric_statistics(
        Namespace=namespace,
        MetricName=metric,
        StartTime=now - minutes * 60,
        EndTime=now + 60,
        Period=60,
        Statistics=["Sum"],
    )["Datapoints"]
    return sum(p["Sum"] for p in points)


class AlarmInbox:
    """An SQS queue subscribed to an SNS topic, for the length of a `with` block."""

    def __init__(self, endpoint: Endpoint, topic_arn: str, name: str) -> None:
        self.sns = endpoint.boto3_client("sns")
        self.sqs = endpoint.boto3_client("sqs")
        self.topic_arn = topic_arn
        self.name = name[:80]
        self.queue_url: str | None = None
        self.subscription: str | None = None
        self.received: list[dict[str, Any]] = []

    def __enter__(self) -> AlarmInbox:
        self.queue_url = self.sqs.create_queue(QueueName=self.name)["QueueUrl"]
        try:
            queue_arn = self.sqs.get_queue_attributes(
                QueueUrl=self.queue_url, AttributeNames=["QueueArn"]
            )["Attributes"]["QueueArn"]
            policy = {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "sns.amazonaws.com"},
                        "Action": "sqs:SendMessage",
                        "Resource": queue_arn,
                        "Condition": {"ArnEquals": {"aws:SourceArn": self.topic_arn}},
                    }
                ],
            }
            self.sqs.set_queue_attributes(
                QueueUrl=self.queue_url, Attributes={"Policy": json.dumps(policy)}
            )
            self.subscription = self.sns.subscribe(
                TopicArn=self.topic_arn,
                Protocol="sqs",
                Endpoint=queue_arn,
                Attributes={"RawMessageDelivery": "true"},
                ReturnSubscriptionArn=True,
            )["SubscriptionArn"]
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if self.subscription:
            self.sns.unsubscribe(SubscriptionArn=self.subscription)
            self.subscription = None
        if self.queue_url:
            self.sqs.delete_queue(QueueUrl=self.queue_url)
            self.queue_url = None

    def _drain(self) -> None:
        assert self.queue_url, "use the inbox inside its `with` block"
        answer = self.sqs.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1
        )
        for message in answer.get("Messages", []):
            body = json.loads(message["Body"])
            self.received.append(json.loads(body["Message"]) if "Message" in body else body)
            self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])

    def wait_for(self, alarm_name: str, state: str, *, timeout: float = 120) -> dict[str, Any]:
        """The first notification of `alarm_name` entering `state`; AssertionError naming what
        did arrive when none does within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            for message in self.received:
                if message.get("AlarmName") == alarm_name and message.get("NewStateValue") == state:
                    return message
            if time.monotonic() >= deadline:
                seen = [(m.get("AlarmName"), m.get("NewStateValue")) for m in self.received]
                raise AssertionError(
                    f"no {state} notification of {alarm_name} reached the queue subscribed to "
                    f"{self.topic_arn} within {timeout:.0f} s; received: {seen or 'nothing'}"
                )
            self._drain()
