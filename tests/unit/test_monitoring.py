"""monitoring: seven CloudWatch dashboards rendered from templates/*.json.tpl (seed section 6)."""

from __future__ import annotations

import pytest

from tests.unit.cloudwatch_metrics import NAMESPACES
from tfharness.checks.dashboards import (
    log_groups_of_query,
    metric_references,
    validate_dashboard_body,
    widget_titled,
    widgets_of_type,
)

pytestmark = pytest.mark.unit

COMPONENT = "monitoring"
ALL = ("infrastructure", "security", "cost", "performance", "application", "backend", "certificate")
# Scenarios that plan, with the dashboards each must create.
CREATED = {
    "default": ("infrastructure", "security", "performance"),
    "all_dashboards": ALL,
    "bare_all": ("infrastructure", "security", "cost", "performance", "application", "backend"),
    "no_dashboards": (),
    "most_s3_buckets": ("infrastructure", "security", "cost", "performance"),
}
RENDERED = [(s, d) for s, dashboards in CREATED.items() for d in dashboards]


def _body(plan_for, scenario: str, dashboard: str) -> dict:
    return plan_for(COMPONENT, scenario)[f'aws_cloudwatch_dashboard.this["{dashboard}"]'].json(
        "dashboard_body"
    )


def _account(plan) -> str:
    return plan["data.aws_caller_identity.current"]["account_id"]


# Switches -----------------------------------------------------------------------------------
@pytest.mark.parametrize("scenario", CREATED)
def test_switches_create_exactly_their_dashboards(plan_for, scenario_for, scenario):
    plan = plan_for(COMPONENT, scenario)
    created = {rc.index: rc["dashboard_name"] for rc in plan.of_type("aws_cloudwatch_dashboard")}
    prefix = (
        f"{scenario_for(COMPONENT, scenario).vars['name']}-"
        f"{scenario_for(COMPONENT, scenario).vars['environment']}"
    )
    assert created == {d: f"{prefix}-{d}" for d in CREATED[scenario]}
    assert plan.outputs["dashboard_names"] == created


def test_each_switch_renders_its_own_template():
    from tfharness.planning.components import find_component

    templates = find_component(COMPONENT).path / "templates"
    assert sorted(p.name for p in templates.glob("*.json.tpl")) == sorted(
        f"{d}-dashboard.json.tpl" for d in ALL
    )


def test_cost_dashboard_is_off_by_default_and_the_seed_defaults_hold(plan_for):
    variables = plan_for(COMPONENT).variables
    assert variables["create_infrastructure_dashboard"] is True
    assert variables["create_security_dashboard"] is True
    assert variables["create_cost_dashboard"] is False
    assert variables["create_performance_dashboard"] is True


# Every body: JSON, no template markers, the documented structure ---------------------------
@pytest.mark.parametrize(("scenario", "dashboard"), RENDERED)
def test_body_is_valid_json_without_markers_and_matches_the_documented_structure(
    plan_for, scenario, dashboard
):
    raw = plan_for(COMPONENT, scenario)[f'aws_cloudwatch_dashboard.this["{dashboard}"]'][
        "dashboard_body"
    ]
    assert "%{" not in raw and "${" not in raw, f"{dashboard}: template marker left: {raw[:300]}"
    validate_dashboard_body(_body(plan_for, scenario, dashboard), label=f"{scenario}/{dashboard}")


@pytest.mark.parametrize(("scenario", "dashboard"), RENDERED)
def test_every_widget_reads_the_component_region_except_billing(
    plan_for, scenario_for, scenario, dashboard
):
    region = scenario_for(COMPONENT, scenario).vars["region"]
    for widget in _body(plan_for, scenario, dashboard)["widgets"]:
        properties = widget["properties"]
        if widget["type"] in ("metric", "log"):
            namespaces = {m[0] for m in properties.get("metrics", []) if isinstance(m[0], str)}
            expected = "us-east-1" if namespaces == {"AWS/Billing"} else region
            assert properties["region"] == expected, (dashboard, properties.get("title"))


@pytest.mark.parametrize(("scenario", "dashboard"), RENDERED)
def test_every_dashboard_has_a_header_and_optimisation_notes(
    plan_for, scenario_for, scenario, dashboard
):
    plan = plan_for(COMPONENT, scenario)
    inputs = scenario_for(COMPONENT, scenario).vars
    texts = [
        w["properties"]["markdown"]
        for w in widgets_of_type(_body(plan_for, scenario, dashboard), "text")
    ]
    header, notes = texts[0], texts[-1]
    for fact in (inputs["environment"], inputs["region"], _account(plan)):
        assert fact in header, f"{dashboard}: header lacks {fact!r}: {header!r}"
    assert notes.startswith("## ") and "notes" in notes.lower().split("\n")[0]
    assert notes.count("\n* ") >= 3, f"{dashboard}: fewer than three notes: {notes!r}"


# Metrics are ones the namespaces publish ----------------------------------------------------
def _all_references(plan_for):
    for scenario, dashboard in RENDERED:
        for ref in metric_references(_body(plan_for, scenario, dashboard)):
            yield scenario, dashboard, ref


def test_every_metric_is_one_its_namespace_publishes(plan_for):
    wrong = []
    for scenario, dashboard, ref in _all_references(plan_for):
        namespace = NAMESPACES.get(ref.namespace)
        if namespace is None:
            wrong.append(f"{scenario}/{dashboard}: unknown namespace in {ref}")
            continue
        if ref.metric not in namespace.metrics:
            wrong.append(f"{scenario}/{dashboard}: {ref.namespace} does not publish {ref}")
        for name, value in ref.dimensions.items():
            if name not in namespace.dimensions:
                wrong.append(f"{scenario}/{dashboard}: dimension {name!r} not in {ref}")
            allowed = namespace.dimension_values.get(name)
            if allowed is not None and value not in allowed:
                wrong.append(f"{scenario}/{dashboard}: {name}={value!r} not documented in {ref}")
        if namespace.only_region and ref.region != namespace.only_region:
            wrong.append(f"{scenario}/{dashboard}: {ref} must be read in {namespace.only_region}")
    assert not wrong, "\n".join(wrong)


def test_metric_table_lists_only_metrics_the_dashboards_use(plan_for):
    used = {(ref.namespace, ref.metric) for _, _, ref in _all_references(plan_for)}
    listed = {(ns, metric) for ns, entry in NAMESPACES.items() for metric in entry.metrics}
    assert listed - used == set(), "stale entries in tests/unit/cloudwatch_metrics.py"


def test_billing_widget_reads_us_east_1_whatever_the_region(plan_for):
    plan = plan_for(COMPONENT, "all_dashboards")
    assert plan.variables["region"] == "eu-west-1"
    widget = widget_titled(
        _body(plan_for, "all_dashboards", "cost"),
        "Estimated charges this month (USD, whole account)",
    )
    assert widget["properties"]["region"] == "us-east-1"
    assert widget["properties"]["metrics"] == [
        [
            "AWS/Billing",
            "EstimatedCharges",
            "Currency",
            "USD",
            {"region": "us-east-1", "label": "Estimated charges"},
        ],
    ]


# Resources passed in appear where they should -----------------------------------------------
SHOWN = [
    # dashboard, widget title, dimension, input
    ("infrastructure", "EC2 CPU utilisation (%)", "InstanceId", "ec2_instance_ids"),
    (
        "infrastructure",
        "RDS free storage (bytes)",
        "DBInstanceIdentifier",
        "rds_instance_identifiers",
    ),
    ("infrastructure", "Load balancer requests and 5XX", "LoadBalancer", "alb_arn_suffixes"),
    (
        "infrastructure",
        "NAT gateway drops and port allocation errors",
        "NatGatewayId",
        "nat_gateway_ids",
    ),
    (
        "security",
        "Security events matched by EventBridge rules",
        "RuleName",
        "security_event_rule_names",
    ),
    ("cost", "EC2 data transfer (bytes)", "InstanceId", "ec2_instance_ids"),
    ("cost", "RDS connections (idle capacity)", "DBInstanceIdentifier", "rds_instance_identifiers"),
    ("cost", "Lambda invocations", "FunctionName", "lambda_function_names"),
    ("cost", "DynamoDB consumed capacity units", "TableName", "dynamodb_table_names"),
    ("cost", "S3 storage by class (bytes, daily)", "BucketName", "s3_bucket_names"),
    ("cost", "EBS volume I/O operations", "VolumeId", "ebs_volume_ids"),
    ("performance", "EC2 CPU utilisation (%)", "InstanceId", "ec2_instance_ids"),
    (
        "performance",
        "RDS read and write latency (s)",
        "DBInstanceIdentifier",
        "rds_instance_identifiers",
    ),
    ("performance", "RDS read and write IOPS", "DBInstanceIdentifier", "rds_instance_identifiers"),
    ("performance", "Lambda errors and throttles", "FunctionName", "lambda_function_names"),
    (
        "performance",
        "DynamoDB successful request latency (ms)",
        "TableName",
        "dynamodb_table_names",
    ),
    ("performance", "DynamoDB throttled reads and writes", "TableName", "dynamodb_table_names"),
    (
        "performance",
        "ECS cluster CPU and memory utilisation (%)",
        "ClusterName",
        "ecs_cluster_names",
    ),
    (
        "performance",
        "EKS node CPU and memory utilisation (%, Container Insights)",
        "ClusterName",
        "eks_cluster_names",
    ),
    ("performance", "API Gateway latency (p95, ms)", "ApiName", "api_gateway_names"),
    ("application", "API Gateway requests and errors", "ApiName", "api_gateway_names"),
    ("application", "Load balancer requests and target errors", "LoadBalancer", "alb_arn_suffixes"),
    ("application", "Lambda concurrency and throttles", "FunctionName", "lambda_function_names"),
    ("certificate", "ACM days to expiry", "CertificateArn", "acm_certificate_arns"),
    ("certificate", "Days left per certificate", "CertificateArn", "acm_certificate_arns"),
]


@pytest.mark.parametrize(
    ("dashboard", "title", "dimension", "variable"),
    SHOWN,
    ids=[f"{d}:{v}:{t}" for d, t, _, v in SHOWN],
)
def test_widget_shows_exactly_the_resources_passed_in(
    plan_for, scenario_for, dashboard, title, dimension, variable
):
    expected = scenario_for(COMPONENT, "all_dashboards").vars[variable]
    body = _body(plan_for, "all_dashboards", dashboard)
    widget_titled(body, title)  # present
    shown = [ref.dimensions.get(dimension) for ref in metric_references(body) if ref.title == title]
    assert set(shown) == set(expected), f"{title}: shows {shown}, passed {expected}"


def test_storage_widget_shows_the_most_buckets_the_rule_lets_through(plan_for, scenario_for):
    # too_many_s3_buckets (63) is refused; 62 is the most whose 8 classes fit in one widget.
    buckets = scenario_for(COMPONENT, "most_s3_buckets").vars["s3_bucket_names"]
    assert len(buckets) == 62
    body = _body(plan_for, "most_s3_buckets", "cost")
    widget = widget_titled(body, "S3 storage by class (bytes, daily)")
    assert len(widget["properties"]["metrics"]) == 8 * 62 <= 500
    validate_dashboard_body(body, label="cost dashboard, 62 buckets")


def test_target_health_widget_pairs_each_target_group_with_its_load_balancer(
    plan_for, scenario_for
):
    groups = scenario_for(COMPONENT, "all_dashboards").vars["alb_target_groups"]
    body = _body(plan_for, "all_dashboards", "performance")
    refs = [r for r in metric_references(body) if r.title == "Load balancer target health"]
    assert {r.metric for r in refs} == {"HealthyHostCount", "UnHealthyHostCount"}
    for ref in refs:
        assert {
            "TargetGroup": groups[0]["target_group_arn_suffix"],
            "LoadBalancer": groups[0]["load_balancer_arn_suffix"],
        } == ref.dimensions


def test_backend_dashboard_shows_the_state_bucket_lock_table_and_vault(plan_for, scenario_for):
    inputs = scenario_for(COMPONENT, "all_dashboards").vars
    refs = list(metric_references(_body(plan_for, "all_dashboards", "backend")))
    assert {r.dimensions.get("BucketName") for r in refs if r.namespace == "AWS/S3"} == {
        inputs["backend_state_bucket_name"]
    }
    assert {r.dimensions["TableName"] for r in refs if r.namespace == "AWS/DynamoDB"} == {
        inputs["backend_lock_table_name"]
    }
    assert {r.dimensions["BackupVaultName"] for r in refs if r.namespace == "AWS/Backup"} == {
        inputs["backend_backup_vault_name"]
    }
    assert "ConditionalCheckFailedRequests" in {r.metric for r in refs}


def test_certificates_are_read_in_their_own_region(plan_for):
    body = _body(plan_for, "all_dashboards", "certificate")
    regions = {
        r.dimensions["CertificateArn"].split(":")[3]: r.region for r in metric_references(body)
    }
    assert regions == {"eu-west-1": "eu-west-1", "us-east-1": "us-east-1"}


# Log queries name the log groups passed in --------------------------------------------------
LOG_WIDGETS = [
    (
        "infrastructure",
        "VPC flow logs: rejected traffic by source and destination port",
        "vpc_flow_log_group_name",
    ),
    ("security", "Security group changes (CloudTrail)", "cloudtrail_log_group_name"),
    ("security", "Denied API calls by principal (CloudTrail)", "cloudtrail_log_group_name"),
    ("security", "Console sign-in failures (CloudTrail)", "cloudtrail_log_group_name"),
    ("security", "Root user activity (CloudTrail)", "cloudtrail_log_group_name"),
    ("security", "GuardDuty findings by severity and type", "guardduty_findings_log_group_name"),
    ("security", "Rejected SSH and RDP attempts (VPC flow logs)", "vpc_flow_log_group_name"),
    ("application", "Application errors over time", "application_log_group_names"),
    ("application", "Most recent application errors", "application_log_group_names"),
]


@pytest.mark.parametrize(
    ("dashboard", "title", "variable"), LOG_WIDGETS, ids=[t for _, t, _ in LOG_WIDGETS]
)
def test_log_insights_widget_queries_the_log_groups_passed_in(
    plan_for, scenario_for, dashboard, title, variable
):
    expected = scenario_for(COMPONENT, "all_dashboards").vars[variable]
    expected = expected if isinstance(expected, list) else [expected]
    widget = widget_titled(_body(plan_for, "all_dashboards", dashboard), title)
    assert widget["type"] == "log"
    assert log_groups_of_query(widget["properties"]["query"]) == expected


def test_security_group_change_query_covers_every_rule_change_call(plan_for):
    query = widget_titled(
        _body(plan_for, "all_dashboards", "security"), "Security group changes (CloudTrail)"
    )["properties"]["query"]
    for event in (
        "AuthorizeSecurityGroupIngress",
        "AuthorizeSecurityGroupEgress",
        "RevokeSecurityGroupIngress",
        "RevokeSecurityGroupEgress",
        "CreateSecurityGroup",
        "DeleteSecurityGroup",
        "ModifySecurityGroupRules",
    ):
        assert f"'{event}'" in query


# Thresholds drawn as annotations ------------------------------------------------------------
@pytest.mark.parametrize("dashboard", ["infrastructure", "performance"])
def test_cpu_threshold_and_low_storage_are_shaded(plan_for, dashboard):
    body = _body(plan_for, "all_dashboards", dashboard)  # threshold 75 %, low storage 20 GiB
    cpu = widget_titled(body, "EC2 CPU utilisation (%)")["properties"]["annotations"]["horizontal"]
    assert cpu == [{"label": "CPU > 75 %", "value": 75, "fill": "above", "color": "#d62728"}]
    storage = widget_titled(body, "RDS free storage (bytes)")["properties"]["annotations"]
    assert storage["horizontal"][0]["value"] == 20 * 1024**3
    assert storage["horizontal"][0]["fill"] == "below"


def test_default_cpu_threshold_is_80_percent(plan_for):
    body = _body(plan_for, "default", "infrastructure")
    annotation = widget_titled(body, "EC2 CPU utilisation (%)")["properties"]["annotations"]
    assert annotation["horizontal"][0]["value"] == 80


# Widgets without resources are left out -----------------------------------------------------
@pytest.mark.parametrize("dashboard", CREATED["bare_all"])
def test_nothing_passed_in_leaves_only_text_and_billing(plan_for, dashboard):
    body = _body(plan_for, "bare_all", dashboard)
    kinds = [(w["type"], w["properties"].get("title")) for w in body["widgets"]]
    expected_metrics = (
        [("metric", "Estimated charges this month (USD, whole account)")]
        if dashboard == "cost"
        else []
    )
    assert [k for k in kinds if k[0] != "text"] == expected_metrics


# Certificate expiry alarms ------------------------------------------------------------------
def test_expiry_alarm_only_for_certificates_in_the_component_region(plan_for, scenario_for):
    plan = plan_for(COMPONENT, "all_dashboards")
    alarms = plan.of_type("aws_cloudwatch_metric_alarm")
    assert [a.index for a in alarms] == ["11111111-2222-3333-4444-555555555555"]
    alarm = alarms[0]
    assert alarm["alarm_name"] == "core-dev-acm-expiry-11111111-2222-3333-4444-555555555555"
    assert alarm["namespace"] == "AWS/CertificateManager"
    assert alarm["metric_name"] == "DaysToExpiry"
    assert alarm["dimensions"] == {
        "CertificateArn": scenario_for(COMPONENT, "all_dashboards").vars["acm_certificate_arns"][0]
    }
    assert (alarm["comparison_operator"], alarm["threshold"], alarm["period"]) == (
        "LessThanThreshold",
        30,
        86400,
    )
    assert alarm["alarm_actions"] == ["arn:aws:sns:eu-west-1:123456789012:alerts"]
    assert alarm["ok_actions"] == alarm["alarm_actions"]


def test_alarm_widget_lists_the_expiry_alarms_it_creates(plan_for):
    plan = plan_for(COMPONENT, "all_dashboards")
    widget = widget_titled(
        _body(plan_for, "all_dashboards", "certificate"), "Certificate expiry alarms"
    )
    assert widget["properties"]["alarms"] == [
        f"arn:aws:cloudwatch:eu-west-1:{_account(plan)}:alarm:"
        f"{plan.one('aws_cloudwatch_metric_alarm')['alarm_name']}"
    ]
