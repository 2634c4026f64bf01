"""A differential check of the filter-pattern evaluator (tfharness.checks.filterpattern)
against the target's own: every metric-filter pattern the components plan, and patterns and
records generated with hypothesis, evaluated by both. A disagreement fails naming the pattern
and the record.

The target's evaluation is CloudWatch Logs' TestMetricFilter (`metric_filter_evaluation`):
real AWS has it. moto and LocalStack Community do not (LocalStack's metric filters count every
event whatever the pattern: the `metric_filter_patterns` probe reports it), so here these
tests skip, saying so, and run in the nightly job against a target that evaluates.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tfharness.checks.filterpattern import compile_pattern, load_records, split_record
from tfharness.planning.components import all_components

pytestmark = [pytest.mark.integration, pytest.mark.requires("metric_filter_evaluation")]

FLOW_LOGS = Path(__file__).parents[1] / "harness" / "fixtures" / "flow-logs"
RECORDS = [r for path in sorted(FLOW_LOGS.glob("*.log")) for r in load_records(path)]
BATCH = 50  # TestMetricFilter takes at most 50 events


def planned_patterns(plan_for) -> dict[str, str]:
    """Every metric filter pattern of every component's default plan: address -> pattern."""
    found = {}
    for component in all_components():
        for rc in plan_for(component.name).of_type("aws_cloudwatch_log_metric_filter"):
            found[f"{component.name}: {rc.address}"] = rc["pattern"]
    return found


def disagreements(logs, pattern: str, records: list[str]) -> list[str]:
    compiled = compile_pattern(pattern)
    wrong = []
    for offset in range(0, len(records), BATCH):
        chunk = records[offset : offset + BATCH]
        answer = logs.test_metric_filter(filterPattern=pattern, logEventMessages=chunk)
        theirs = {m["eventNumber"] for m in answer["matches"]}
        for number, record in enumerate(chunk, start=1):
            if (number in theirs) != compiled.matches(record):
                who = "the target" if number in theirs else "tfharness"
                wrong.append(f"{pattern!r} on {record!r}: only {who} matches")
    return wrong


@pytest.fixture(scope="module")
def logs(endpoint):
    return endpoint.boto3_client("logs")


def test_every_planned_pattern_agrees_on_the_fixture_records(plan_for, logs) -> None:
    patterns = planned_patterns(plan_for)
    assert patterns, "no component plans a metric filter"
    wrong = [w for where, p in patterns.items() for w in disagreements(logs, p, RECORDS)]
    assert not wrong, "\n".join(wrong)


# Generated cases: flow-log-shaped records and space-delimited patterns over them.
FIELDS = ("version", "account", "eni", "src", "dst", "srcport", "dstport", "protocol", "packets")
values = {
    "srcport": st.integers(0, 65535).map(str),
    "dstport": st.sampled_from(["22", "80", "443", "3389", "-"]),
    "protocol": st.sampled_from(["6", "17", "1", "-"]),
    "packets": st.integers(0, 5000).map(str),
}
records = st.fixed_dictionaries(
    {name: values.get(name, st.sampled_from([name[:1], f"{name}-1", "-"])) for name in FIELDS}
).map(lambda d: " ".join(d[name] for name in FIELDS))
conditions = st.sampled_from(
    [
        "dstport=22",
        "dstport!=22",
        "packets>100",
        "packets<=10",
        "protocol=6 && dstport=3389",
        "dstport=22 || dstport=3389",
        'src="s*"',
    ]
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(condition=conditions, sample=st.lists(records, min_size=1, max_size=BATCH))
def test_generated_patterns_agree_on_generated_records(logs, condition, sample) -> None:
    field = condition.split("=")[0].split("!")[0].split(">")[0].split("<")[0].strip()
    slots = [f"{name}{condition[len(field) :]}" if name == field else name for name in FIELDS]
    pattern = f"[{', '.join(slots)}]"
    assert all(len(split_record(r)) == len(FIELDS) for r in sample)
    wrong = disagreements(logs, pattern, sample)
    assert not wrong, "\n".join(wrong)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(["AuthorizeSecurityGroupIngress", "RevokeSecurityGroupIngress"]),
    cidr=st.sampled_from(["0.0.0.0/0", "10.0.0.0/8", None]),
    error=st.sampled_from([None, "Client.UnauthorizedOperation"]),
)
def test_json_patterns_agree_on_cloudtrail_shaped_events(logs, name, cidr, error) -> None:
    event = {"detail": {"eventName": name, "requestParameters": {"cidrIp": cidr}}}
    if error:
        event["detail"]["errorCode"] = error
    pattern = (
        '{ ($.detail.eventName = "AuthorizeSecurityGroupIngress") && '
        '($.detail.requestParameters.cidrIp = "0.0.0.0/0") && ($.detail.errorCode NOT EXISTS) }'
    )
    wrong = disagreements(logs, pattern, [json.dumps(event)])
    assert not wrong, "\n".join(wrong)
