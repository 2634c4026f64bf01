"""cost-optimization on the integration target: budgets, their alerts, anomaly detection and the
encrypted alerts topic, read back.

Every resource of this component reads back through AWS Budgets or Cost Explorer. moto 5.2.5
cannot serve a budget's notifications (DescribeSubscribersForNotification) nor anomaly monitors,
and a budget without alerts proves nothing, so the whole module requires those capabilities:
on moto the fleet does not apply the component and these tests skip, saying why (see the
README's "Emulator switches"). Where the target has them (LocalStack, AWS) the fleet applies
`default` and each test reads back with boto3 what tests/unit/test_cost_optimization.py planned.
"""

from __future__ import annotations

import pytest

from tfharness.checks.aws import drift, policy_doc, tags_of
from tfharness.deploying.deployment import RUN_TAG

pytestmark = [
    pytest.mark.integration,
    pytest.mark.requires("budgets", "budget_notifications", "cost_anomaly_detection"),
]

COMPONENT = "cost-optimization"
PREFIX = "finops-dev"
TOPIC = f"{PREFIX}-cost-alerts"
# budget key -> (name, monthly amount, Cost Explorer service or None)
BUDGETS = {
    "total": (f"{PREFIX}-monthly-total", 1000, None),
    "service-Amazon Elastic Compute Cloud - Compute": (
        f"{PREFIX}-amazon-elastic-compute-cloud-compute",
        400,
        "Amazon Elastic Compute Cloud - Compute",
    ),
    "service-Amazon Relational Database Service": (
        f"{PREFIX}-amazon-relational-database-service",
        250,
        "Amazon Relational Database Service",
    ),
}
# (notification type, threshold percent): the component's default alerts
ALERTS = {("ACTUAL", 80.0), ("ACTUAL", 100.0), ("FORECASTED", 100.0)}


@pytest.fixture
def deployed(fleet):
    # Function-scoped on purpose: module-scoped fixtures are set up before the capability check
    # (a function-scoped autouse fixture) could skip, and the fleet leaves this component out
    # on a target without the capabilities the module requires.
    return fleet.deployment(COMPONENT)


@pytest.fixture(scope="module")
def clients(endpoint):
    return {s: endpoint.boto3_client(s) for s in ("budgets", "ce", "sns", "kms", "sts")}


@pytest.fixture(scope="module")
def account(clients) -> str:
    return clients["sts"].get_caller_identity()["Account"]


def test_alerts_topic_is_encrypted_and_only_cost_services_publish(
    deployed, clients, account, integration_run
):
    sns, kms = clients["sns"], clients["kms"]
    topic = deployed.outputs["sns_topic_arn"]
    assert topic.endswith(f":{account}:{TOPIC}")
    key_arn = deployed.outputs["kms_key_arn"]
    attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    assert attributes["KmsMasterKeyId"] == key_arn
    assert kms.get_key_rotation_status(KeyId=key_arn)["KeyRotationEnabled"] is True
    by_sid = {s["Sid"]: s for s in policy_doc(attributes["Policy"])["Statement"]}
    assert set(by_sid) == {"BudgetsPublish", "CostAnomalyDetectionPublish", "DenyInsecureTransport"}
    assert by_sid["BudgetsPublish"]["Principal"] == {"Service": "budgets.amazonaws.com"}
    assert by_sid["CostAnomalyDetectionPublish"]["Principal"] == {
        "Service": "costalerts.amazonaws.com"
    }
    for sid in ("BudgetsPublish", "CostAnomalyDetectionPublish"):
        assert by_sid[sid]["Condition"] == {"StringEquals": {"aws:SourceAccount": account}}
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert [(s["Protocol"], s["Endpoint"]) for s in subscriptions] == [
        ("email", "oncall@example.com")
    ]
    assert (
        tags_of(sns.list_tags_for_resource(ResourceArn=topic)["Tags"])[RUN_TAG]
        == integration_run.run_id
    )


def test_budgets_have_the_planned_limits_and_service_filters(deployed, clients, account):
    budgets = clients["budgets"]
    assert deployed.outputs["budget_names"] == {k: name for k, (name, _, _) in BUDGETS.items()}
    for name, amount, service in BUDGETS.values():
        budget = budgets.describe_budget(AccountId=account, BudgetName=name)["Budget"]
        assert (budget["BudgetType"], budget["TimeUnit"]) == ("COST", "MONTHLY")
        assert float(budget["BudgetLimit"]["Amount"]) == amount
        assert budget["BudgetLimit"]["Unit"] == "USD"
        filters = budget.get("CostFilters") or {}
        assert filters == ({"Service": [service]} if service else {}), name


def test_every_budget_alerts_the_topic_and_the_emails(deployed, clients, account):
    budgets, topic = clients["budgets"], deployed.outputs["sns_topic_arn"]
    for name, _, _ in BUDGETS.values():
        notifications = budgets.describe_notifications_for_budget(
            AccountId=account, BudgetName=name
        )["Notifications"]
        assert {(n["NotificationType"], float(n["Threshold"])) for n in notifications} == ALERTS
        for notification in notifications:
            assert notification["ComparisonOperator"] == "GREATER_THAN"
            assert notification.get("ThresholdType", "PERCENTAGE") == "PERCENTAGE"
            subscribers = budgets.describe_subscribers_for_notification(
                AccountId=account, BudgetName=name, Notification=notification
            )["Subscribers"]
            assert {(s["SubscriptionType"], s["Address"]) for s in subscribers} == {
                ("SNS", topic),
                ("EMAIL", "finops@example.com"),
            }, name


def test_anomalies_per_service_alert_the_topic_immediately(deployed, clients, integration_run):
    ce, topic = clients["ce"], deployed.outputs["sns_topic_arn"]
    monitor_arn = deployed.outputs["anomaly_monitor_arn"]
    [monitor] = ce.get_anomaly_monitors(MonitorArnList=[monitor_arn])["AnomalyMonitors"]
    assert monitor["MonitorName"] == f"{PREFIX}-services"
    assert (monitor["MonitorType"], monitor["MonitorDimension"]) == ("DIMENSIONAL", "SERVICE")
    [subscription] = ce.get_anomaly_subscriptions(
        SubscriptionArnList=[deployed.outputs["anomaly_subscription_arn"]]
    )["AnomalySubscriptions"]
    assert subscription["SubscriptionName"] == f"{PREFIX}-anomalies"
    assert subscription["Frequency"] == "IMMEDIATE"
    assert subscription["MonitorArnList"] == [monitor_arn]
    assert [(s["Type"], s["Address"]) for s in subscription["Subscribers"]] == [("SNS", topic)]
    dimension = subscription["ThresholdExpression"]["Dimensions"]
    assert dimension["Key"] == "ANOMALY_TOTAL_IMPACT_ABSOLUTE"
    assert dimension["MatchOptions"] == ["GREATER_THAN_OR_EQUAL"]
    assert [float(v) for v in dimension["Values"]] == [100.0]
    tags = {
        t["Key"]: t["Value"]
        for t in ce.list_tags_for_resource(ResourceArn=monitor_arn)["ResourceTags"]
    }
    assert tags[RUN_TAG] == integration_run.run_id


def test_replan_after_apply_is_clean(deployed):
    pending = deployed.replan_after_apply()
    assert pending is None, f"re-plan after apply is not empty:\n{drift(pending)}"
