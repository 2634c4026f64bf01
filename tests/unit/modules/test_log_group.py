"""log-group: a customer-managed key and a retention CloudWatch accepts, or a refusal that
lists the allowed values."""

import pytest

pytestmark = pytest.mark.unit

KEY = "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789"


def test_log_group_is_encrypted_and_kept_30_days(plan_for):
    plan = plan_for("log-group")
    plan.assert_attr("aws_cloudwatch_log_group.this", "name", "/aws/vpc-flow-logs/core-dev")
    plan.assert_attr("aws_cloudwatch_log_group.this", "retention_in_days", 30)
    plan.assert_attr("aws_cloudwatch_log_group.this", "kms_key_id", KEY)
    plan.assert_tags("aws_cloudwatch_log_group.this", {"Name": "core-dev-flow-logs"})
    assert [r.address for r in plan.managed] == ["aws_cloudwatch_log_group.this"]


@pytest.mark.parametrize("scenario", ["retention_not_allowed", "retention_forever_refused"])
def test_retention_outside_cloudwatch_values_is_refused(rejection_for, scenario):
    rejection_for("log-group", scenario).assert_rule(
        "var.retention_in_days",
        "Log retention must be one of the values CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, "
        "90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653 days.",
    )


def test_log_group_without_customer_key_is_refused(rejection_for):
    rejection_for("log-group", "no_customer_key").assert_rule(
        "var.kms_key_arn", contains="never left with CloudWatch's default encryption"
    )
