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
    assert plan.one("aws_kms_key")["enable_key_rotation"] is True
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


def test_summaries_need_email_recipients(rejection_for):
    rejection = rejection_for("cost-optimization", "summary_without_emails")
    rejection.assert_rule(
        "var.anomaly_subscription_frequency",
        "DAILY and WEEKLY anomaly summaries are sent by email only: set notification_emails or use "
        "anomaly_subscription_frequency = IMMEDIATE.",
    )
    rejection.assert_only("var.anomaly_subscription_frequency")


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("var.monthly_budget_amount", "monthly_budget_amount must be greater than 0 (e.g. 1000)."),
        (
            "var.budget_currency",
            "budget_currency must be a 3-letter ISO currency code such as USD.",
        ),
        ("var.service_budgets", "Every service_budgets amount must be greater than 0."),
        (
            "var.service_budgets",
            'service_budgets keys must be Cost Explorer service names such as "Amazon Relational Database Service".',
        ),
        (
            "var.notification_emails",
            "notification_emails must be at most 10 valid email addresses (the AWS Budgets limit per notification).",
        ),
        (
            "var.sns_topic_subscription_emails",
            "sns_topic_subscription_emails must be valid email addresses.",
        ),
        ("var.anomaly_threshold_amount", "anomaly_threshold_amount must be greater than 0."),
        (
            "var.anomaly_threshold_percentage",
            "anomaly_threshold_percentage must be greater than 0, or null.",
        ),
    ],
)
def test_each_validation_rejects_with_a_fix_it_message(rejection_for, rule, message):
    rejection_for("cost-optimization", "bad_inputs").assert_rule(rule, message)


def test_kms_deletion_window_is_validated_by_the_kms_key_module(rejection_for):
    # Its own scenario: a module's validation runs only once the component's inputs are valid.
    rejection = rejection_for("cost-optimization", "kms_deletion_window_too_long")
    rejection.assert_rule(
        "module.alerts_kms.var.deletion_window_in_days",
        "kms_key_deletion_window_in_days must be between 7 and 30 (the waiting period AWS KMS "
        "allows before a key is deleted).",
    )
    rejection.assert_only("module.alerts_kms.var.deletion_window_in_days")


@pytest.mark.parametrize(
    "message",
    [
        "budget_notifications must have 1 to 5 entries (AWS allows 5 notifications per budget).",
        "notification_type must be ACTUAL or FORECASTED.",
        "Each threshold must be > 0 with threshold_type PERCENTAGE (at most 1000) or ABSOLUTE_VALUE.",
        "budget_notifications must not repeat the same threshold and notification_type.",
    ],
)
def test_budget_notification_validations(rejection_for, message):
    rejection = rejection_for("cost-optimization", "too_many_notifications")
    rejection.assert_rule("var.budget_notifications", message)
    rejection.assert_only("var.budget_notifications", "var.anomaly_subscription_frequency")


def test_anomaly_frequency_must_be_known(rejection_for):
    rejection_for("cost-optimization", "too_many_notifications").assert_rule(
        "var.anomaly_subscription_frequency",
        "anomaly_subscription_frequency must be IMMEDIATE, DAILY or WEEKLY.",
    )
