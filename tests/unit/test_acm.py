"""Plan-level tests of the acm component: DNS validation, SANs, key algorithm, expiry alarm."""

import re
from pathlib import Path

import pytest

from tfharness import UNKNOWN

pytestmark = pytest.mark.unit

COMPONENT = Path(__file__).resolve().parents[2] / "components" / "terraform" / "acm"


def test_certificate_is_dns_validated_with_deduplicated_sans(plan_for):
    plan = plan_for("acm")
    cert = plan["aws_acm_certificate.this"]
    assert cert["validation_method"] == "DNS"
    assert cert["key_algorithm"] == "RSA_2048"
    assert cert["domain_name"] == "example.com"
    # The duplicate primary name in the input is dropped; the provider lists each name once.
    assert sorted(cert["subject_alternative_names"]) == [
        "*.example.com",
        "api.example.com",
        "example.com",
    ]
    assert len(cert["domain_validation_options"]) == 3
    assert cert["options"][0]["certificate_transparency_logging_preference"] == "ENABLED"
    plan.assert_tags("aws_acm_certificate.this", {"Environment": "dev", "ManagedBy": "terraform"})


def test_certificate_is_created_before_the_old_one_is_destroyed():
    # Lifecycle settings are not in the plan JSON: read the resource block itself.
    text = (COMPONENT / "main.tf").read_text()
    block = re.search(r'resource "aws_acm_certificate" "this" \{.*?\n\}', text, re.S).group(0)
    assert re.search(r"create_before_destroy\s*=\s*true", block)


def test_one_validation_record_per_base_name_in_the_given_zone(plan_for):
    plan = plan_for("acm")
    records = plan.of_type("aws_route53_record")
    # example.com and *.example.com share a validation record; api.example.com has its own.
    assert [r.address for r in records] == [
        'aws_route53_record.validation["api.example.com"]',
        'aws_route53_record.validation["example.com"]',
    ]
    for record in records:
        assert record["zone_id"] == "Z0123456789ABCDEFGHIJ"
        assert record["allow_overwrite"] is True
        assert record["ttl"] == 60
        assert record.is_unknown("name")  # from ACM, after the certificate exists
    plan.assert_actions("aws_acm_certificate_validation.this[0]", "create")
    assert plan.outputs["certificate_arn"] == UNKNOWN


def test_expiry_alarm_watches_days_to_expiry(plan_for):
    plan = plan_for("acm")
    plan.assert_subset(
        "aws_cloudwatch_metric_alarm.days_to_expiry[0]",
        {
            "namespace": "AWS/CertificateManager",
            "metric_name": "DaysToExpiry",
            "statistic": "Minimum",
            "period": 86400,
            "comparison_operator": "LessThanThreshold",
            "threshold": 30,
            "treat_missing_data": "notBreaching",
        },
    )
    # The dimension is the certificate ARN, known after apply (the whole map is unknown).
    plan.assert_unknown("aws_cloudwatch_metric_alarm.days_to_expiry[0]", "dimensions")


def test_prod_alarm_notifies_the_given_topic(plan_for):
    alarm = plan_for("acm", "prod")["aws_cloudwatch_metric_alarm.days_to_expiry[0]"]
    topic = "arn:aws:sns:us-east-1:123456789012:alerts"
    assert alarm["alarm_actions"] == [topic]
    assert alarm["ok_actions"] == [topic]


def test_without_zone_no_records_no_wait_and_alarm_toggle_off(plan_for):
    plan = plan_for("acm", "without_zone")
    plan.assert_absent("aws_route53_record")
    plan.assert_absent("aws_acm_certificate_validation")
    plan.assert_absent("aws_cloudwatch_metric_alarm")
    plan.assert_attr("aws_acm_certificate.this", "key_algorithm", "EC_prime256v1")
    assert plan.outputs["validation_record_fqdns"] == []
    assert plan.outputs["expiry_alarm_arn"] is None
