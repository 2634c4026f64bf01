"""cost-optimization: budgets with threshold notifications, Cost Anomaly Detection, alerts topic."""

import json

import pytest

from tfharness import UNKNOWN

pytestmark = pytest.mark.unit

EC2 = "Amazon Elastic Compute Cloud - Compute"


def _notifications(budget):
    return sorted(
        (
            n["notification_type"],
            n["threshold_type"],
            n["threshold"],
            tuple(n["subscriber_email_addresses"]),
        )
        for n in budget["notification"]
    )


def test_monthly_total_budget_with_default_thresholds(plan_for):
    plan = plan_for("cost-optimization")
    total = plan['aws_budgets_budget.this["total"]']
    assert (
        total["budget_type"],
        total["time_unit"],
        total["limit_amount"],
        total["limit_unit"],
    ) == ("COST", "MONTHLY", "1000.00", "USD")
    assert total.get("cost_filter") in ([], None, UNKNOWN)  # no filter: the whole account
    emails = ("finops@example.com",)
    assert _notifications(total) == [
        ("ACTUAL", "PERCENTAGE", 80, emails),
        ("ACTUAL", "PERCENTAGE", 100, emails),
        ("FORECASTED", "PERCENTAGE", 100, emails),
    ]
    for notification in total["notification"]:
        assert notification["comparison_operator"] == "GREATER_THAN"
        assert notification["subscriber_sns_topic_arns"] is not None  # the topic, known after apply


def test_one_budget_per_service_filtered_by_service(plan_for):
    plan = plan_for("cost-optimization")
    budgets = {b.address for b in plan.of_type("aws_budgets_budget")}
    assert budgets == {
        'aws_budgets_budget.this["total"]',
        f'aws_budgets_budget.this["service-{EC2}"]',
        'aws_budgets_budget.this["service-Amazon Relational Database Service"]',
    }
    ec2 = plan[f'aws_budgets_budget.this["service-{EC2}"]']
    assert ec2["cost_filter"] == [{"name": "Service", "values": [EC2]}]
    assert ec2["limit_amount"] == "400.00"
    assert ec2["name"] == "finops-dev-amazon-elastic-compute-cloud-compute"
    assert len(ec2["notification"]) == 3


def test_alerts_topic_is_kms_encrypted_and_only_cost_services_publish(plan_for):
    plan = plan_for("cost-optimization")
    plan.assert_unknown("module.alerts_topic.aws_sns_topic.this", "kms_master_key_id")
    policy = json.loads(plan["module.alerts_topic.data.aws_iam_policy_document.this"]["json"])
    by_sid = {s["Sid"]: s for s in policy["Statement"]}
    assert by_sid["BudgetsPublish"]["Principal"] == {"Service": "budgets.amazonaws.com"}
    assert by_sid["BudgetsPublish"]["Condition"] == {
        "StringEquals": {"aws:SourceAccount": "123456789012"}
    }
    assert (
        by_sid["BudgetsPublish"]["Resource"]
        == "arn:aws:sns:us-east-1:123456789012:finops-dev-cost-alerts"
    )
    assert by_sid["CostAnomalyDetectionPublish"]["Principal"] == {
        "Service": "costalerts.amazonaws.com"
    }
    assert by_sid["DenyInsecureTransport"]["Effect"] == "Deny"
    key_policy = json.loads(plan["module.alerts_kms.data.aws_iam_policy_document.this"]["json"])
    # modules/kms-key writes the statement (publishing_services)
    services = next(
        s for s in key_policy["Statement"] if s["Sid"] == "ServicesPublishToEncryptedTopics"
    )
    assert sorted(services["Principal"]["Service"]) == [
        "budgets.amazonaws.com",
        "costalerts.amazonaws.com",
    ]
    assert sorted(services["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert services["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}
    subscription = plan.one("aws_sns_topic_subscription")
    assert subscription["endpoint"] == "oncall@example.com"


def test_anomaly_monitor_per_service_with_immediate_sns_alerts(plan_for):
    plan = plan_for("cost-optimization")
    monitor = plan.one("aws_ce_anomaly_monitor")
    assert (monitor["monitor_type"], monitor["monitor_dimension"]) == ("DIMENSIONAL", "SERVICE")
    subscription = plan.one("aws_ce_anomaly_subscription")
    assert subscription["frequency"] == "IMMEDIATE"
    assert [s["type"] for s in subscription["subscriber"]] == ["SNS"]
    expression = subscription["threshold_expression"][0]
    assert expression["dimension"][0]["key"] == "ANOMALY_TOTAL_IMPACT_ABSOLUTE"
    assert expression["dimension"][0]["match_options"] == ["GREATER_THAN_OR_EQUAL"]
    assert expression["dimension"][0]["values"] == ["100"]


def test_weekly_summary_emails_with_absolute_or_percentage(plan_for):
    plan = plan_for("cost-optimization", "weekly_summary")
    subscription = plan.one("aws_ce_anomaly_subscription")
    assert subscription["frequency"] == "WEEKLY"
    assert subscription["subscriber"] == [{"type": "EMAIL", "address": "finops@example.com"}]
    expression = subscription["threshold_expression"][0]
    assert expression["dimension"] == []
    keyed = {o["dimension"][0]["key"]: o["dimension"][0]["values"] for o in expression["or"]}
    assert keyed == {
        "ANOMALY_TOTAL_IMPACT_ABSOLUTE": ["250"],
        "ANOMALY_TOTAL_IMPACT_PERCENTAGE": ["20"],
    }


def test_anomaly_detection_can_be_turned_off(plan_for):
    plan = plan_for("cost-optimization", "no_anomaly_detection")
    plan.assert_absent("aws_ce_anomaly_monitor")
    plan.assert_absent("aws_ce_anomaly_subscription")
    assert plan.outputs["anomaly_monitor_arn"] is None
    assert len(plan.of_type("aws_budgets_budget")) == 3
