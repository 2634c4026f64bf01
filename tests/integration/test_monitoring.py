"""monitoring on the integration target: the dashboards PutDashboard accepted, read back.

The default scenario applies (nothing in it needs an emulator switch): three dashboards in
eu-west-1 showing the resources passed in. Dashboards take no tags in AWS, so the run ID is
not on them; the fleet's teardown and `sweep` find them through the state instead.
"""

from __future__ import annotations

import json

import boto3
import pytest

from tfharness.checks.aws import drift
from tfharness.deploying.emulator import DUMMY_CREDENTIALS

pytestmark = pytest.mark.integration

COMPONENT = "monitoring"
PREFIX = "core-dev"
REGION = "eu-west-1"  # the scenario's region, not the endpoint's default


@pytest.fixture(scope="module")
def deployed(fleet):
    return fleet.deployment(COMPONENT)


def _client(endpoint, service: str, region: str = REGION):
    return boto3.client(
        service,
        endpoint_url=endpoint.url,
        region_name=region,
        aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=DUMMY_CREDENTIALS["AWS_SESSION_TOKEN"],
    )


@pytest.fixture(scope="module")
def bodies(deployed, endpoint) -> dict[str, dict]:
    cloudwatch = _client(endpoint, "cloudwatch")
    return {
        key: json.loads(cloudwatch.get_dashboard(DashboardName=name)["DashboardBody"])
        for key, name in deployed.outputs["dashboard_names"].items()
    }


def test_the_three_default_dashboards_exist_in_the_scenario_region(deployed, endpoint):
    names = deployed.outputs["dashboard_names"]
    assert names == {
        key: f"{PREFIX}-{key}" for key in ("infrastructure", "security", "performance")
    }
    listed = _client(endpoint, "cloudwatch").list_dashboards(DashboardNamePrefix=PREFIX)
    held = {d["DashboardName"]: d["DashboardArn"] for d in listed["DashboardEntries"]}
    assert set(held) == set(names.values())
    for key, arn in deployed.outputs["dashboard_arns"].items():
        assert held[names[key]] == arn
    # Nothing landed in the endpoint's default region by mistake.
    elsewhere = _client(endpoint, "cloudwatch", "us-east-1").list_dashboards(
        DashboardNamePrefix=PREFIX
    )["DashboardEntries"]
    assert elsewhere == []


def test_bodies_are_what_terraform_applied(deployed, bodies):
    resources = deployed.workspace.state()["values"]["root_module"]["resources"]
    applied = {
        r["index"]: json.loads(r["values"]["dashboard_body"])
        for r in resources
        if r["type"] == "aws_cloudwatch_dashboard"
    }
    assert applied == bodies


def test_bodies_show_the_resources_passed_in(bodies):
    def text(key: str) -> str:
        return json.dumps(bodies[key])

    for key, body in bodies.items():
        assert body["widgets"], f"{key} has no widgets"
        regions = {
            w["properties"].get("region") for w in body["widgets"] if w.get("type") == "metric"
        }
        assert regions <= {REGION, "us-east-1"}, f"{key}: widgets in {regions}"
    infrastructure = text("infrastructure")
    for instance in ("i-0123456789abcdef0", "i-0fedcba9876543210"):
        assert instance in infrastructure
    assert "orders-db" in infrastructure or "orders-db" in text("performance")
    performance = text("performance")
    assert "orders-api" in performance and "app/web/0123456789abcdef" in performance
    security = text("security")
    assert "/aws/vpc/flow-logs/core-dev" in security
    assert "/aws/cloudtrail/core" in security


def test_replan_after_apply_is_clean(deployed):
    pending = deployed.replan_after_apply()
    assert pending is None, f"re-plan after apply is not empty:\n{drift(pending)}"
