"""Security alarms end to end, read back from the target: filter -> metric -> alarm -> topic.

Two halves, so the same check runs on any target:

* ``security_alarms(cloudwatch, logs, sns, log_group)`` reads what the target holds (metric
  filters via ``DescribeMetricFilters``, alarms via ``DescribeAlarms``, subscriptions via
  ``ListSubscriptionsByTopic``) and returns one ``Wiring`` per metric a filter of the group
  publishes, with the alarms watching that metric and the subscriptions of their topics.
* ``simulate(events, wirings)`` plays log events through those filters with
  ``tfharness.checks.filterpattern`` and through the alarms' thresholds the way CloudWatch would:
  one datapoint per event (the filter's metricValue when it matches, its defaultValue when it
  does not), aggregated per alarm period by the alarm's statistic, compared with the
  alarm's operator, and M-of-N over ``EvaluationPeriods``/``DatapointsToAlarm``.

Targets that evaluate filters and alarms themselves (real AWS) are asserted directly by the
tests; the emulator accepts the configuration but evaluates neither, so this is how the
integration tier proves the applied configuration detects what it should.

Its assertions carry their own messages, the same however the plugin is loaded
(PYTEST_DONT_REWRITE: pytest rewrites the modules of an entry-point plugin's package).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tfharness.checks.filterpattern import (
    JsonPattern,
    Pattern,
    SpaceDelimitedPattern,
    compile_pattern,
)

_COMPARE = {
    "GreaterThanOrEqualToThreshold": lambda v, t: v >= t,
    "GreaterThanThreshold": lambda v, t: v > t,
    "LessThanThreshold": lambda v, t: v < t,
    "LessThanOrEqualToThreshold": lambda v, t: v <= t,
}


@dataclass(frozen=True)
class Alarm:
    """The parts of a metric alarm that decide whether it fires and whom it tells."""

    name: str
    namespace: str
    metric_name: str
    statistic: str
    period: int
    evaluation_periods: int
    datapoints_to_alarm: int
    threshold: float
    comparison: str
    treat_missing_data: str
    alarm_actions: tuple[str, ...]
    ok_actions: tuple[str, ...]
    subscriptions: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)

    @classmethod
    def from_api(cls, raw: dict[str, Any]) -> Alarm:
        missing = [
            k
            for k in ("Statistic", "Period", "EvaluationPeriods", "Threshold", "ComparisonOperator")
            if raw.get(k) is None
        ]
        if missing:
            raise AssertionError(
                f"alarm {raw.get('AlarmName')} lacks {missing} "
                "(extended statistics and metric math are not simulated)"
            )
        return cls(
            name=raw["AlarmName"],
            namespace=raw["Namespace"],
            metric_name=raw["MetricName"],
            statistic=raw["Statistic"],
            period=int(raw["Period"]),
            evaluation_periods=int(raw["EvaluationPeriods"]),
            datapoints_to_alarm=int(raw.get("DatapointsToAlarm") or raw["EvaluationPeriods"]),
            threshold=float(raw["Threshold"]),
            comparison=raw["ComparisonOperator"],
            treat_missing_data=raw.get("TreatMissingData") or "missing",
            alarm_actions=tuple(raw.get("AlarmActions") or ()),
            ok_actions=tuple(raw.get("OKActions") or ()),
        )


@dataclass(frozen=True)
class Wiring:
    """One metric a filter publishes, and the alarms that watch it."""

    filter_name: str
    log_group: str
    pattern: str
    namespace: str
    metric_name: str
    metric_value: str
    default_value: float | None
    alarms: tuple[Alarm, ...]

    @property
    def metric(self) -> tuple[str, str]:
        return (self.namespace, self.metric_name)

    def compiled(self) -> Pattern:
        return compile_pattern(self.pattern)


def _paged(client, operation: str, key: str, **kwargs) -> list[dict]:
    items: list[dict] = []
    while True:
        page = getattr(client, operation)(**kwargs)
        items += page.get(key, [])
        token = page.get("nextToken") or page.get("NextToken")
        if not token:
            return items
        kwargs["nextToken" if "nextToken" in page else "NextToken"] = token


def security_alarms(cloudwatch, logs, sns, log_group: str) -> list[Wiring]:
    """What the target holds for `log_group`: each filter's metric, its alarms, their topics'
    subscriptions. A metric no alarm watches comes back with ``alarms == ()``."""
    filters = _paged(logs, "describe_metric_filters", "metricFilters", logGroupName=log_group)
    alarms = [
        Alarm.from_api(a)
        for a in _paged(cloudwatch, "describe_alarms", "MetricAlarms")
        if a.get("MetricName")
    ]
    subscriptions: dict[str, tuple[tuple[str, str], ...]] = {}

    def subscribed(topic: str) -> tuple[tuple[str, str], ...]:
        if topic not in subscriptions:
            found = _paged(sns, "list_subscriptions_by_topic", "Subscriptions", TopicArn=topic)
            subscriptions[topic] = tuple(sorted((s["Protocol"], s["Endpoint"]) for s in found))
        return subscriptions[topic]

    wirings = []
    for item in filters:
        for transformation in item["metricTransformations"]:
            metric = (transformation["metricNamespace"], transformation["metricName"])
            watching = tuple(
                Alarm(
                    **{
                        **a.__dict__,
                        "subscriptions": {
                            t: subscribed(t) for t in a.alarm_actions if ":sns:" in t
                        },
                    }
                )
                for a in alarms
                if (a.namespace, a.metric_name) == metric
            )
            default = transformation.get("defaultValue")
            wirings.append(
                Wiring(
                    filter_name=item["filterName"],
                    log_group=item["logGroupName"],
                    pattern=item["filterPattern"],
                    namespace=metric[0],
                    metric_name=metric[1],
                    metric_value=str(transformation["metricValue"]),
                    default_value=None if default is None else float(default),
                    alarms=watching,
                )
            )
    return wirings


# Simulation ---------------------------------------------------------------------------------


def metric_value(pattern: Pattern, record: str, value: str) -> float | None:
    """The datapoint a matching record publishes: a literal, or `$field` / `$.selector`
    read from the record (None, as in CloudWatch, when that is not a number)."""
    if not value.startswith("$"):
        return float(value)
    raw: Any = None
    if isinstance(pattern, SpaceDelimitedPattern):
        raw = (pattern.bind(record) or {}).get(value[1:])
    elif isinstance(pattern, JsonPattern):
        import json

        raw = json.loads(record)
        for step in value[2:].split("."):
            raw = raw.get(step) if isinstance(raw, dict) else None
    try:
        number = float(raw)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _aggregate(statistic: str, values: Sequence[float]) -> float:
    if statistic == "Sum":
        return sum(values)
    if statistic == "SampleCount":
        return float(len(values))
    if statistic == "Average":
        return sum(values) / len(values)
    if statistic == "Maximum":
        return max(values)
    if statistic == "Minimum":
        return min(values)
    raise AssertionError(f"statistic {statistic} is not simulated")


@dataclass
class Simulation:
    """Which metrics each event fed, the datapoints per alarm period, which alarms trip."""

    feeds: list[dict[tuple[str, str], float]]  # per event: metric -> value it published
    datapoints: dict[str, dict[int, float]]  # alarm -> period start -> statistic
    breaching: dict[str, list[int]]  # alarm -> period starts whose datapoint breaches
    tripped: dict[str, bool]  # alarm -> would go to ALARM

    def metrics_fed(self, index: int) -> set[str]:
        return {name for (_, name) in self.feeds[index]}


def simulate(events: Iterable[tuple[float, str]], wirings: Sequence[Wiring]) -> Simulation:
    """Play (epoch seconds, message) events through the filters and the alarms."""
    events = list(events)
    compiled = [(w, w.compiled()) for w in wirings]
    feeds: list[dict[tuple[str, str], float]] = []
    published: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for timestamp, message in events:
        fed = {}
        for wiring, pattern in compiled:
            if pattern.matches(message):
                value = metric_value(pattern, message, wiring.metric_value)
                if value is None:
                    continue
                fed[wiring.metric] = fed.get(wiring.metric, 0.0) + value
                published[wiring.metric].append((timestamp, value))
            elif wiring.default_value is not None:
                published[wiring.metric].append((timestamp, wiring.default_value))
        feeds.append(fed)

    datapoints: dict[str, dict[int, float]] = {}
    breaching: dict[str, list[int]] = {}
    tripped: dict[str, bool] = {}
    for wiring in wirings:
        for alarm in wiring.alarms:
            buckets: dict[int, list[float]] = defaultdict(list)
            for timestamp, value in published[wiring.metric]:
                buckets[int(timestamp // alarm.period) * alarm.period].append(value)
            points = {
                start: _aggregate(alarm.statistic, values)
                for start, values in sorted(buckets.items())
            }
            datapoints[alarm.name] = points
            tripped[alarm.name] = _would_alarm(alarm, points)  # refuses unknown operators
            breaching[alarm.name] = [
                start
                for start, value in points.items()
                if _COMPARE[alarm.comparison](value, alarm.threshold)
            ]
    return Simulation(feeds, datapoints, breaching, tripped)


def _would_alarm(alarm: Alarm, points: dict[int, float]) -> bool:
    """M of N: some window of EvaluationPeriods consecutive periods holds DatapointsToAlarm
    breaching datapoints (missing periods count as breaching only with treat 'breaching')."""
    compare = _COMPARE.get(alarm.comparison)
    if compare is None:
        raise AssertionError(f"comparison {alarm.comparison} is not simulated")
    if not points:
        return alarm.treat_missing_data == "breaching"
    first, last = min(points), max(points)
    starts = range(
        first - (alarm.evaluation_periods - 1) * alarm.period, last + alarm.period, alarm.period
    )
    for start in starts:
        window = [start + i * alarm.period for i in range(alarm.evaluation_periods)]
        breaching = sum(
            1
            for p in window
            if (
                compare(points[p], alarm.threshold)
                if p in points
                else alarm.treat_missing_data == "breaching"
            )
        )
        if breaching >= alarm.datapoints_to_alarm:
            return True
    return False


# Log events in and out -----------------------------------------------------------------------


def put_and_read_back(
    logs, log_group: str, stream: str, events: Sequence[tuple[float, str]]
) -> list[tuple[float, str]]:
    """Put (epoch seconds, message) events into a new stream of `log_group`, then read them
    back with GetLogEvents; return what the target holds, as (epoch seconds, message).

    CloudWatch Logs refuses events older than 14 days (or than the retention), more than 2 h
    in the future, or spanning more than 24 h in one call: callers rebase fixture times."""
    ordered = sorted(events, key=lambda e: e[0])
    logs.create_log_stream(logGroupName=log_group, logStreamName=stream)
    answer = logs.put_log_events(
        logGroupName=log_group,
        logStreamName=stream,
        logEvents=[{"timestamp": int(ts * 1000), "message": message} for ts, message in ordered],
    )
    rejected = answer.get("rejectedLogEventsInfo")
    assert not rejected, f"{log_group}: the target refused events: {rejected}"
    held: list[tuple[float, str]] = []
    kwargs: dict[str, Any] = {
        "logGroupName": log_group,
        "logStreamName": stream,
        "startFromHead": True,
    }
    while True:
        page = logs.get_log_events(**kwargs)
        held += [(e["timestamp"] / 1000, e["message"]) for e in page["events"]]
        token = page.get("nextForwardToken")
        if not page["events"] or token is None or token == kwargs.get("nextToken"):
            return held
        kwargs["nextToken"] = token


# EventBridge patterns -------------------------------------------------------------------------


def eventbridge_matches(pattern: Any, event: Any) -> bool:
    """Whether an EventBridge event pattern matches an event, for the pattern features the
    components use: value lists, ``exists``, ``prefix``, ``anything-but``, ``$or``, and event
    arrays (a value or object pattern matches when any element matches). For targets that do
    not answer TestEventPattern; where the target does, tests ask it instead."""
    if not isinstance(pattern, dict):
        raise AssertionError(f"an event pattern is an object, got {pattern!r}")
    if not isinstance(event, dict):
        return False
    for key, sub in pattern.items():
        if key == "$or":
            if not any(eventbridge_matches(alternative, event) for alternative in sub):
                return False
        elif isinstance(sub, dict):
            value = event.get(key)
            candidates = value if isinstance(value, list) else [value]
            if not any(eventbridge_matches(sub, c) for c in candidates):
                return False
        elif isinstance(sub, list):
            if not any(_value_matches(f, key in event, event.get(key)) for f in sub):
                return False
        else:
            raise AssertionError(f"pattern key {key}: expected a list or an object, got {sub!r}")
    return True


def _value_matches(rule: Any, present: bool, value: Any) -> bool:
    values = value if isinstance(value, list) else [value]
    if isinstance(rule, dict):
        [(name, argument)] = rule.items()
        if name == "exists":
            return present is bool(argument)
        if not present:
            return False
        if name == "prefix":
            return any(isinstance(v, str) and v.startswith(argument) for v in values)
        if name == "anything-but":
            excluded = argument if isinstance(argument, list) else [argument]
            return all(v not in excluded for v in values)
        raise AssertionError(f"EventBridge filter {name!r} is not evaluated here")
    return present and any(v == rule for v in values)
