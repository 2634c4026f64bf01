"""The dashboard body schema and checks: documented bodies pass, known-bad bodies are rejected."""

from __future__ import annotations

import copy
import json

import pytest

from tfharness.checks.dashboards import (
    DashboardBodyError,
    dashboard_body_schema,
    dashboard_violations,
    log_groups_of_query,
    metric_references,
    validate_dashboard_body,
    validate_dashboard_json,
)
from tfharness.errors import HarnessError

pytestmark = pytest.mark.harness

# The first example of AWS's "Dashboard Body Structure and Syntax" page.
DOCUMENTED = {
    "start": "-PT6H",
    "periodOverride": "inherit",
    "widgets": [
        {
            "type": "metric",
            "x": 0,
            "y": 0,
            "width": 12,
            "height": 6,
            "properties": {
                "metrics": [["AWS/EC2", "CPUUtilization", "InstanceId", "i-012345"]],
                "period": 300,
                "stat": "Average",
                "region": "us-east-1",
                "title": "EC2 Instance CPU",
                "liveData": False,
                "legend": {"position": "right"},
            },
        },
        {
            "type": "text",
            "x": 0,
            "y": 7,
            "width": 3,
            "height": 3,
            "properties": {"markdown": "Hello world"},
        },
    ],
}

METRIC = {
    "type": "metric",
    "x": 0,
    "y": 0,
    "width": 12,
    "height": 6,
    "properties": {
        "region": "eu-west-1",
        "metrics": [["AWS/EC2", "CPUUtilization", "InstanceId", "i-0123456789abcdef0"]],
    },
}
LOG = {
    "type": "log",
    "x": 12,
    "y": 0,
    "width": 12,
    "height": 6,
    "properties": {"region": "eu-west-1", "query": "SOURCE '/aws/app' | fields @message"},
}


def body_with(*widgets: dict) -> dict:
    return {"widgets": [copy.deepcopy(w) for w in widgets]}


def metric_with(**properties) -> dict:
    widget = copy.deepcopy(METRIC)
    widget["properties"].update(properties)
    return widget


def test_schema_is_a_valid_draft_2020_12_schema():
    schema = dashboard_body_schema()
    assert schema["required"] == ["widgets"]
    assert set(schema["$defs"]["widget"]["properties"]["type"]["enum"]) == {
        "metric",
        "text",
        "log",
        "alarm",
        "explorer",
    }


VALID = {
    "documented example": DOCUMENTED,
    "empty widgets array": {"widgets": []},
    "metric and log side by side": body_with(METRIC, LOG),
    "math expression row": body_with(
        metric_with(
            metrics=[
                ["AWS/Lambda", "Errors", "FunctionName", "f", {"id": "e", "visible": False}],
                ["AWS/Lambda", "Invocations", "FunctionName", "f", {"id": "i", "visible": False}],
                [{"expression": "100 * e / i", "label": "Error rate", "id": "rate"}],
            ]
        )
    ),
    "metric without dimensions": body_with(
        metric_with(metrics=[["AWS/Lambda", "ConcurrentExecutions"]])
    ),
    "per-metric region and account": body_with(
        metric_with(
            metrics=[
                [
                    "AWS/CertificateManager",
                    "DaysToExpiry",
                    "CertificateArn",
                    "arn:aws:acm:us-east-1:1:c/x",
                    {"region": "us-east-1", "accountId": "123456789012"},
                ]
            ]
        )
    ),
    "annotations, bands and yAxis": body_with(
        metric_with(
            annotations={
                "horizontal": [
                    {"value": 80, "fill": "above", "color": "#d62728", "label": "hot"},
                    [{"value": 10, "label": "band"}, {"value": 20}],
                ],
                "vertical": [{"value": "2024-01-01T00:00:00Z", "fill": "after"}],
            },
            yAxis={"left": {"min": 0, "max": 100, "showUnits": False}},
            stat="p99.9",
            period=86400,
            view="singleValue",
        )
    ),
    "dynamic label is not a template marker": body_with(
        metric_with(
            metrics=[
                [
                    "AWS/EC2",
                    "CPUUtilization",
                    "InstanceId",
                    "i-1",
                    {"label": "${PROP('Dim.InstanceId')} ${LAST}"},
                ]
            ]
        )
    ),
    "alarm widget": body_with(
        {
            "type": "alarm",
            "properties": {
                "alarms": ["arn:aws:cloudwatch:eu-west-1:123456789012:alarm:cpu-high"],
                "sortBy": "stateUpdatedTimestamp",
                "states": ["ALARM"],
            },
        }
    ),
    "widgets without positions": body_with(
        {"type": "text", "properties": {"markdown": "a"}},
        {"type": "text", "properties": {"markdown": "b"}},
    ),
}


@pytest.mark.parametrize("body", VALID.values(), ids=VALID.keys())
def test_documented_bodies_pass(body):
    assert dashboard_violations(body) == []
    validate_dashboard_body(body)


# name -> (body, the violation expected, as a substring of one reported line)
INVALID = {
    "no widgets array": ({"start": "-PT6H"}, "$: 'widgets' is a required property"),
    "misspelt top-level key": (
        {"widgets": [], "periodOverrides": "auto"},
        "Additional properties are not allowed ('periodOverrides'",
    ),
    "bad periodOverride": ({"widgets": [], "periodOverride": "always"}, "$.periodOverride"),
    "unknown widget type": (
        body_with({"type": "graph", "properties": {}}),
        "$.widgets[0].type: 'graph' is not one of",
    ),
    "widget without properties": (
        body_with({"type": "text"}),
        "$.widgets[0]: 'properties' is a required property",
    ),
    "x off the grid": (body_with(dict(METRIC, x=24, width=1)), "$.widgets[0].x: 24 is greater"),
    "width over 24": (body_with(dict(METRIC, x=0, width=25)), "$.widgets[0].width: 25 is greater"),
    "x + width overflow": (
        body_with(dict(METRIC, x=18, width=12)),
        "x 18 + width 12 = 30 overflows the 24-column grid",
    ),
    "overlapping widgets": (
        body_with(METRIC, dict(LOG, x=6)),
        "$.widgets[1]: overlaps $.widgets[0]",
    ),
    "metric widget without region": (
        body_with({"type": "metric", "properties": {"metrics": [["AWS/EC2", "CPUUtilization"]]}}),
        "$.widgets[0].properties: 'region' is a required property",
    ),
    "empty metrics": (
        body_with(metric_with(metrics=[])),
        "$.widgets[0].properties.metrics: [] should be non-empty",
    ),
    "metric row with namespace only": (
        body_with(metric_with(metrics=[["AWS/EC2"]])),
        "$.widgets[0].properties.metrics[0]: ['AWS/EC2'] is too short",
    ),
    "metric rows flattened into one list": (
        body_with(metric_with(metrics=["AWS/EC2", "CPUUtilization", "InstanceId", "i-1"])),
        "$.widgets[0].properties.metrics[0]: 'AWS/EC2' is not of type 'array'",
    ),
    "dimension without value": (
        body_with(metric_with(metrics=[["AWS/EC2", "CPUUtilization", "InstanceId"]])),
        "dimension 'InstanceId' has no value",
    ),
    "options object not last": (
        body_with(
            metric_with(
                metrics=[["AWS/EC2", "CPUUtilization", {"label": "x"}, "InstanceId", "i-1"]]
            )
        ),
        "metrics[0][2]: the options object must be the last item",
    ),
    "unknown rendering option": (
        body_with(
            metric_with(
                metrics=[["AWS/EC2", "CPUUtilization", "InstanceId", "i-1", {"colour": "#ffffff"}]]
            )
        ),
        "metrics[0][4]",
    ),
    "colour not hex": (
        body_with(
            metric_with(
                metrics=[["AWS/EC2", "CPUUtilization", "InstanceId", "i-1", {"color": "red"}]]
            )
        ),
        "'red' does not match",
    ),
    "dimension named twice": (
        body_with(
            metric_with(
                metrics=[["AWS/EC2", "CPUUtilization", "InstanceId", "a", "InstanceId", "b"]]
            )
        ),
        "dimension(s) ['InstanceId'] named twice",
    ),
    "expression with metric items": (
        body_with(metric_with(metrics=[[{"expression": "SUM(METRICS())"}, "AWS/EC2"]])),
        "is too long",
    ),
    "duplicate metric id": (
        body_with(
            metric_with(
                metrics=[
                    ["AWS/EC2", "CPUUtilization", "InstanceId", "a", {"id": "m1"}],
                    ["AWS/EC2", "CPUUtilization", "InstanceId", "b", {"id": "m1"}],
                ]
            )
        ),
        "id 'm1' already used by metrics[0]",
    ),
    "period not a multiple of 60": (
        body_with(metric_with(period=90)),
        "$.widgets[0].properties.period",
    ),
    "unknown statistic": (
        body_with(metric_with(stat="Avg")),
        "$.widgets[0].properties.stat: 'Avg'",
    ),
    "bad view": (
        body_with(metric_with(view="line")),
        "$.widgets[0].properties.view: 'line' is not one of",
    ),
    "bad region": (
        body_with(metric_with(region="Ireland")),
        "$.widgets[0].properties.region: 'Ireland'",
    ),
    "annotation without value": (
        body_with(metric_with(annotations={"horizontal": [{"label": "hot", "fill": "above"}]})),
        "$.widgets[0].properties.annotations.horizontal[0]",
    ),
    "annotation with bad fill": (
        body_with(metric_with(annotations={"horizontal": [{"value": 80, "fill": "up"}]})),
        "'up' is not one of ['above', 'below', 'between', 'none']",
    ),
    "text widget without markdown": (
        body_with({"type": "text", "properties": {"title": "x"}}),
        "'markdown' is a required property",
    ),
    "log query without SOURCE": (
        body_with(dict(LOG, properties={"region": "eu-west-1", "query": "fields @message"})),
        "$.widgets[0].properties.query: 'fields @message' does not match",
    ),
    "log widget without region": (
        body_with(dict(LOG, properties={"query": "SOURCE 'a' | fields @message"})),
        "$.widgets[0].properties: 'region' is a required property",
    ),
    "alarm widget with a name, not an ARN": (
        body_with({"type": "alarm", "properties": {"alarms": ["cpu-high"]}}),
        "'cpu-high' does not match",
    ),
    "leftover interpolation": (
        body_with(metric_with(title="CPU in ${environment}")),
        "$.widgets[0].properties.title: leftover template marker",
    ),
    "leftover directive": (
        body_with({"type": "text", "properties": {"markdown": "%{ if x }a%{ endif }"}}),
        "$.widgets[0].properties.markdown: leftover template marker",
    ),
}


@pytest.mark.parametrize(("body", "expected"), INVALID.values(), ids=INVALID.keys())
def test_known_bad_bodies_are_rejected_with_the_violation(body, expected):
    with pytest.raises(DashboardBodyError) as raised:
        validate_dashboard_body(body)
    assert any(expected in v for v in raised.value.violations), (
        f"expected a violation containing {expected!r}; got {raised.value.violations}"
    )


def test_every_violation_is_listed_not_only_the_first():
    body = body_with(dict(METRIC, x=20), metric_with(title="${x}", period=7))
    violations = dashboard_violations(body)
    assert len(violations) >= 3, violations
    with pytest.raises(DashboardBodyError) as raised:
        validate_dashboard_body(body, label="infra")
    assert isinstance(raised.value, HarnessError)
    assert str(raised.value).startswith(f"infra: {len(violations)} violation(s):")


def test_invalid_json_text_is_reported_as_a_violation():
    with pytest.raises(DashboardBodyError, match="not valid JSON"):
        validate_dashboard_json('{"widgets": [,]}')
    assert validate_dashboard_json(json.dumps(DOCUMENTED)) == DOCUMENTED


def test_metric_references_resolve_dimensions_options_and_region():
    body = body_with(
        metric_with(
            title="t",
            metrics=[
                [
                    "AWS/S3",
                    "BucketSizeBytes",
                    "BucketName",
                    "b",
                    "StorageType",
                    "StandardStorage",
                    {"region": "us-east-1"},
                ],
                ["AWS/S3", "NumberOfObjects", "BucketName", "b", "StorageType", "AllStorageTypes"],
                ["...", "GlacierStorage"],
                [{"expression": "m1 + m2"}],
            ],
        )
    )
    refs = list(metric_references(body))
    assert [(r.metric, r.dimensions, r.region) for r in refs] == [
        ("BucketSizeBytes", {"BucketName": "b", "StorageType": "StandardStorage"}, "us-east-1"),
        ("NumberOfObjects", {"BucketName": "b", "StorageType": "AllStorageTypes"}, "eu-west-1"),
        ("NumberOfObjects", {"BucketName": "b", "StorageType": "GlacierStorage"}, "eu-west-1"),
    ]


def test_log_groups_are_read_from_leading_source_stages():
    query = (
        "SOURCE '/aws/a' | SOURCE '/ecs/b' | fields @message | filter @message like /SOURCE 'c'/"
    )
    assert log_groups_of_query(query) == ["/aws/a", "/ecs/b"]
    assert log_groups_of_query("fields @message") == []
