"""Plan-level tests of the dns component: zones, records, query logging and DNSSEC in us-east-1."""

import pytest

pytestmark = pytest.mark.unit

DNSSEC_KEY = "module.dnssec_kms[0].aws_kms_key.this"  # modules/kms-key, in us-east-1


def in_us_east_1(plan, address):
    """The resource uses the us-east-1 provider: aws.us_east_1 when planned alone, the root's
    aws.r_us_east_1 when the harness plans scenarios as modules of one batch (a module called
    with providers = { aws = aws.us_east_1 } resolves to the same configuration)."""
    return plan.configured(address).get("provider_config_key", "").endswith("us_east_1")


def test_public_and_private_zones(plan_for):
    plan = plan_for("dns")
    public = plan['aws_route53_zone.this["public"]']
    private = plan['aws_route53_zone.this["internal"]']
    assert public["name"] == "dev.example.com"
    assert public["vpc"] == []
    assert public["force_destroy"] is False
    assert private["vpc"] == [{"vpc_id": "vpc-0123456789abcdef0", "vpc_region": "eu-west-1"}]
    plan.assert_tags(
        'aws_route53_zone.this["public"]', {"Environment": "dev", "Name": "dev.example.com"}
    )


def test_records_from_the_map(plan_for):
    plan = plan_for("dns")
    plan.assert_subset(
        'aws_route53_record.this["www"]',
        {
            "name": "www",
            "type": "CNAME",
            "ttl": 60,
            "records": ["app.dev.example.com"],
        },
    )
    plan.assert_subset(
        'aws_route53_record.this["apex"]',
        {
            "type": "A",
            "ttl": None,
            "alias[0].name": "dualstack.my-alb-123456.eu-west-1.elb.amazonaws.com",
            "alias[0].zone_id": "Z32O12XQLNTSW2",
            "alias[0].evaluate_target_health": True,
        },
    )
    plan.assert_attr('aws_route53_record.this["db"]', "ttl", 300)  # the default
    assert set(plan.outputs["record_fqdns"]) == {"www", "apex", "db"}


def test_query_logging_only_for_public_zones_in_us_east_1(plan_for):
    plan = plan_for("dns")  # component region is eu-west-1
    group = 'module.query_logs_log_group["public"].aws_cloudwatch_log_group.this'
    groups = plan.of_type("aws_cloudwatch_log_group")
    assert [g.address for g in groups] == [group]
    plan.assert_attr(group, "name", "/aws/route53/core-dev/public")
    plan.assert_attr(group, "retention_in_days", 365)
    assert [q.address for q in plan.of_type("aws_route53_query_log")] == [
        'aws_route53_query_log.this["public"]'
    ]
    for address in (
        "module.query_logs_log_group.aws_cloudwatch_log_group.this",
        "module.query_logs_kms.aws_kms_key.this",
        "aws_cloudwatch_log_resource_policy.query_logs",
    ):
        assert in_us_east_1(plan, address), address
    # The zone itself uses the component's provider (region eu-west-1 here).
    assert not in_us_east_1(plan, "aws_route53_zone.this")
    kms_refs = plan.references("module.query_logs_log_group", "kms_key_arn")
    assert "module.query_logs_kms[0].key_arn" in kms_refs


def test_query_log_key_and_delivery_policies_are_scoped(plan_for):
    plan = plan_for("dns")
    key_policy = plan["module.query_logs_kms[0].data.aws_iam_policy_document.this"].json("json")
    logs = next(s for s in key_policy["Statement"] if s["Sid"] == "CloudWatchLogsUse")
    assert logs["Principal"] == {"Service": "logs.us-east-1.amazonaws.com"}
    assert logs["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"].endswith(
        ":log-group:/aws/route53/core-dev/*"
    )
    delivery = plan["data.aws_iam_policy_document.query_logs_delivery[0]"].json("json")
    statement = delivery["Statement"][0]
    assert statement["Principal"] == {"Service": "route53.amazonaws.com"}
    assert sorted(statement["Action"]) == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert statement["Resource"].startswith("arn:aws:logs:us-east-1:")
    assert "aws:SourceAccount" in statement["Condition"]["StringEquals"]
    assert statement["Condition"]["ArnLike"]["aws:SourceArn"] == "arn:aws:route53:::hostedzone/*"


def test_dnssec_off_by_default(plan_for):
    plan = plan_for("dns")
    plan.assert_absent("aws_route53_key_signing_key")
    plan.assert_absent("aws_route53_hosted_zone_dnssec")
    assert len(plan.of_type("aws_kms_key")) == 1
    plan.assert_absent(DNSSEC_KEY)
    assert plan.outputs["dnssec_kms_key_arn"] is None


def test_dnssec_key_is_p256_in_us_east_1_with_the_route53_policy(plan_for):
    plan = plan_for("dns", "dnssec")
    plan.assert_subset(
        DNSSEC_KEY,
        {
            "customer_master_key_spec": "ECC_NIST_P256",
            "key_usage": "SIGN_VERIFY",
            # KMS cannot rotate an asymmetric key (kms-key leaves it off for this one only).
            "enable_key_rotation": False,
            "description": "core-dev Route 53 DNSSEC key-signing key",
            "deletion_window_in_days": 30,
        },
    )
    plan.assert_tags(DNSSEC_KEY, {"Environment": "dev", "Name": "core-dev-route53-dnssec"})
    plan.assert_attr(
        "module.dnssec_kms[0].aws_kms_alias.this", "name", "alias/core-dev-route53-dnssec"
    )
    for address in (
        "module.dnssec_kms.aws_kms_key.this",
        "module.dnssec_kms.aws_kms_alias.this",
    ):
        assert in_us_east_1(plan, address), address
    call = plan.module_call("dnssec_kms")
    assert call["source"] == "../../../modules/kms-key"
    window_refs = plan.references("module.dnssec_kms", "deletion_window_in_days")
    assert "var.kms_key_deletion_window_in_days" in window_refs
    policy = plan["module.dnssec_kms[0].data.aws_iam_policy_document.this"].json("json")
    assert [s["Sid"] for s in policy["Statement"]] == [
        "AccountAdministration",
        "AllowRoute53DNSSECService",
        "AllowRoute53DNSSECToCreateGrant",
    ]
    service = next(s for s in policy["Statement"] if s["Sid"] == "AllowRoute53DNSSECService")
    assert service["Principal"] == {"Service": "dnssec-route53.amazonaws.com"}
    assert sorted(service["Action"]) == ["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign"]
    assert "aws:SourceAccount" in service["Condition"]["StringEquals"]
    assert service["Condition"]["ArnLike"]["aws:SourceArn"] == "arn:aws:route53:::hostedzone/*"
    grant = next(s for s in policy["Statement"] if s["Sid"] == "AllowRoute53DNSSECToCreateGrant")
    assert grant["Action"] == "kms:CreateGrant"
    assert grant["Condition"]["Bool"]["kms:GrantIsForAWSResource"] == "true"
    # Each key-signing key signs with this key.
    key_refs = plan.references("aws_route53_key_signing_key.this", "key_management_service_arn")
    assert "module.dnssec_kms[0].key_arn" in key_refs
    plan.assert_attr('aws_route53_key_signing_key.this["public"]', "status", "ACTIVE")
    plan.assert_attr('aws_route53_hosted_zone_dnssec.this["public"]', "signing_status", "SIGNING")
    # Only the opted-in zone is signed; the opted-out zone has no query log.
    assert len(plan.of_type("aws_route53_key_signing_key")) == 1
    assert [q.address for q in plan.of_type("aws_route53_query_log")] == [
        'aws_route53_query_log.this["public"]'
    ]
    # The signing key and the query-log key: nothing else.
    assert sorted(k.address for k in plan.of_type("aws_kms_key")) == [
        DNSSEC_KEY,
        "module.query_logs_kms[0].aws_kms_key.this",
    ]


def test_private_only_creates_no_logging_or_signing(plan_for):
    plan = plan_for("dns", "private_only")
    assert [z.address for z in plan.of_type("aws_route53_zone")] == [
        'aws_route53_zone.this["internal"]'
    ]
    for kind in (
        "aws_kms_key",
        "aws_cloudwatch_log_group",
        "aws_cloudwatch_log_resource_policy",
        "aws_route53_query_log",
        "aws_route53_key_signing_key",
    ):
        plan.assert_absent(kind)
    assert plan.outputs["dnssec_kms_key_arn"] is None
