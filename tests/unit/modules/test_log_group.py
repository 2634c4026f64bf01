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
