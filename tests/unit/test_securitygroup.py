"""securitygroup: rule templates, public-ingress detection and guard, and the change audit."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tfharness import UNKNOWN
from tfharness.checks.filterpattern import JsonPattern, compile_pattern

pytestmark = pytest.mark.unit

ACCOUNT = "123456789012"  # the emulator's account
SIX_CALLS = {
    "AuthorizeSecurityGroupIngress",
    "AuthorizeSecurityGroupEgress",
    "RevokeSecurityGroupIngress",
    "RevokeSecurityGroupEgress",
    "CreateSecurityGroup",
    "DeleteSecurityGroup",
}
SEED_TEMPLATES = {
    "https_from_vpc",
    "ssh_from_bastion",
    "mysql_from_app",
    "postgres_from_app",
    "redis_from_app",
}
DEFAULT_INGRESS = {
    "https_from_vpc.10.0.0.0/16",
    "ssh_from_bastion.sg-0b0b0b0b0b0b0b0b0",
    "postgres_from_app.10.0.128.0/20",
    "postgres_from_app.10.0.144.0/20",
    "postgres_from_app.sg-0a0a0a0a0a0a0a0a0",
    "all_from_self.self",
}
PUBLIC_RULES = ["custom.tcp.80-80.::/0", "https_from_alb.0.0.0.0/0", "https_from_alb.::/0"]


def ingress(plan) -> dict[str, Any]:
    return {rc.index: rc for rc in plan.of_type("aws_vpc_security_group_ingress_rule")}


def log_groups(plan) -> dict[str, Any]:
    """The audit log groups by key: one modules/log-group call each, module.audit_log_groups["<key>"]."""
    return {
        re.fullmatch(r'module\.audit_log_groups\["(.+)"\]', rc.module_address)[1]: rc
        for rc in plan.of_type("aws_cloudwatch_log_group")
    }


def statement(policy: dict, sid: str) -> dict:
    [found] = [s for s in policy["Statement"] if s.get("Sid") == sid]
    return found


# CloudTrail events as EventBridge delivers them to CloudWatch Logs ---------------------------


def cloudtrail_event(
    name: str,
    *,
    ipv4: list[str] = (),
    ipv6: list[str] = (),
    error: str | None = None,
    source: str = "aws.ec2",
) -> dict:
    detail: dict[str, Any] = {
        "eventVersion": "1.09",
        "eventSource": "ec2.amazonaws.com",
        "eventName": name,
        "awsRegion": "us-east-1",
        "userIdentity": {"type": "IAMUser", "userName": "alice"},
        "requestParameters": {"groupId": "sg-0123456789abcdef0"},
    }
    if ipv4 or ipv6:
        detail["requestParameters"]["ipPermissions"] = {
            "items": [
                {
                    "ipProtocol": "tcp",
                    "fromPort": 443,
                    "toPort": 443,
                    "ipRanges": {"items": [{"cidrIp": "10.0.0.0/16"}]},
                },
                {
                    "ipProtocol": "tcp",
                    "fromPort": 22,
                    "toPort": 22,
                    "ipRanges": {"items": [{"cidrIp": c} for c in ipv4]},
                    "ipv6Ranges": {"items": [{"cidrIpv6": c} for c in ipv6]},
                },
            ]
        }
    if error:
        detail["errorCode"] = error
    return {
        "version": "0",
        "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "detail-type": "AWS API Call via CloudTrail",
        "source": source,
        "account": ACCOUNT,
        "region": "us-east-1",
        "resources": [],
        "detail": detail,
    }


def eventbridge_matches(pattern: Any, event: Any) -> bool:
    """The subset of EventBridge pattern matching the component uses (for its own rules).

    A list of strings matches when the event value (or any element of an event array) is one of
    them; a dict descends (into every element of an event array); `$or` takes alternatives;
    `{"exists": false}` matches an absent key.
    """
    if isinstance(event, list):
        return any(eventbridge_matches(pattern, item) for item in event)
    if isinstance(pattern, list):
        return any(
            (isinstance(p, dict) and p == {"exists": True} and event is not None) or p == event
            for p in pattern
        )
    assert isinstance(pattern, dict), pattern
    if not isinstance(event, dict):
        return False
    for key, sub in pattern.items():
        if key == "$or":
            if not any(eventbridge_matches(alt, event) for alt in sub):
                return False
        elif sub == [{"exists": False}]:
            if key in event:
                return False
        elif key not in event or not eventbridge_matches(sub, event[key]):
            return False
    return True


# The group and its rules --------------------------------------------------------------------


def test_group_is_created_in_the_vpc_without_inline_rules(plan_for):
    plan = plan_for("securitygroup")
    plan.assert_subset(
        "aws_security_group.this",
        {
            "name": "app-dev",
            "vpc_id": "vpc-0123456789abcdef0",
            "revoke_rules_on_delete": True,
        },
    )
    plan.assert_tags("aws_security_group.this", {"Name": "app-dev", "Environment": "dev"})
    assert (
        plan["aws_security_group.this"]["description"]
        == "app-dev: managed by the securitygroup component"
    )


def test_templates_expand_to_one_rule_per_source(plan_for):
    rules = ingress(plan_for("securitygroup"))
    assert set(rules) == DEFAULT_INGRESS
    https = rules["https_from_vpc.10.0.0.0/16"]
    assert (https["ip_protocol"], https["from_port"], https["to_port"], https["cidr_ipv4"]) == (
        "tcp",
        443,
        443,
        "10.0.0.0/16",
    )
    assert https["description"] == "HTTPS from the VPC"
    ssh = rules["ssh_from_bastion.sg-0b0b0b0b0b0b0b0b0"]
    assert (ssh["from_port"], ssh["to_port"], ssh["referenced_security_group_id"]) == (
        22,
        22,
        "sg-0b0b0b0b0b0b0b0b0",
    )
    assert ssh.get("cidr_ipv4") is None
    for key in ("postgres_from_app.10.0.128.0/20", "postgres_from_app.10.0.144.0/20"):
        assert (rules[key]["from_port"], rules[key]["cidr_ipv4"]) == (5432, key.split(".", 1)[1])
    self_rule = rules["all_from_self.self"]
    assert self_rule["ip_protocol"] == "-1"
    assert self_rule.get("from_port") is None and self_rule.get("to_port") is None
    assert self_rule.is_unknown("referenced_security_group_id")  # this group's own ID
    for rule in rules.values():
        assert rule.is_unknown("security_group_id")
        assert rule.tags["Name"] == rule.index


def test_default_egress_is_https_only(plan_for):
    plan = plan_for("securitygroup")
    [egress] = plan.of_type("aws_vpc_security_group_egress_rule")
    assert egress.index == "tcp.443-443.0.0.0.0/0"
    assert (egress["ip_protocol"], egress["from_port"], egress["to_port"], egress["cidr_ipv4"]) == (
        "tcp",
        443,
        443,
        "0.0.0.0/0",
    )


def test_custom_rules_ipv6_sources_description_and_explicit_egress(plan_for):
    plan = plan_for("securitygroup", "prod")
    rules = ingress(plan)
    assert set(rules) == {
        "https_from_alb.sg-0c0c0c0c0c0c0c0c0",
        "nfs_from_vpc.10.0.128.0/20",
        "nfs_from_vpc.2001:db8:1::/56",
        "custom.tcp.8443-8443.10.20.0.0/16",
    }
    assert (
        rules["https_from_alb.sg-0c0c0c0c0c0c0c0c0"]["description"] == "HTTPS from the public ALB"
    )
    assert rules["nfs_from_vpc.2001:db8:1::/56"]["cidr_ipv6"] == "2001:db8:1::/56"
    assert rules["nfs_from_vpc.2001:db8:1::/56"]["from_port"] == 2049
    custom = rules["custom.tcp.8443-8443.10.20.0.0/16"]
    assert (custom["from_port"], custom["cidr_ipv4"], custom["description"]) == (
        8443,
        "10.20.0.0/16",
        "Admin API from the corporate network",
    )
    egress = {rc.index: rc for rc in plan.of_type("aws_vpc_security_group_egress_rule")}
    assert set(egress) == {"tcp.443-443.pl-63a5400a", "tcp.5432-5432.sg-0d0d0d0d0d0d0d0d0"}
    assert egress["tcp.443-443.pl-63a5400a"]["prefix_list_id"] == "pl-63a5400a"
    assert (
        egress["tcp.5432-5432.sg-0d0d0d0d0d0d0d0d0"]["referenced_security_group_id"]
        == "sg-0d0d0d0d0d0d0d0d0"
    )
    assert egress["tcp.5432-5432.sg-0d0d0d0d0d0d0d0d0"]["description"] == "Egress tcp 5432-5432"


def test_empty_egress_list_means_no_egress(plan_for):
    plan_for("securitygroup", "logging_off").assert_absent("aws_vpc_security_group_egress_rule")


def test_at_least_fifteen_templates_including_the_seeds(plan_for):
    names = plan_for("securitygroup").outputs["rule_template_names"]
    assert len(names) >= 15
    assert set(names) >= SEED_TEMPLATES
    assert {
        "http_from_vpc",
        "memcached_from_app",
        "mongodb_from_app",
        "kafka_tls_from_app",
        "opensearch_from_app",
        "nfs_from_vpc",
        "dns_udp_from_vpc",
        "ntp_from_vpc",
        "prometheus_from_monitoring",
        "ldaps_from_vpc",
    } <= set(names)


def test_unknown_template_is_refused_with_the_valid_names(plan_for, rejection_for):
    valid = ", ".join(plan_for("securitygroup").outputs["rule_template_names"])
    rejection = rejection_for("securitygroup", "unknown_template")
    rejection.assert_rule(
        "var.ingress_templates",
        f"Unknown ingress template(s) ssh_from_anywhere. Valid templates: {valid}.",
    )
    rejection.assert_only("var.ingress_templates")


# Public ingress -----------------------------------------------------------------------------


def test_no_public_ingress_in_the_default(plan_for):
    plan = plan_for("securitygroup")
    assert plan.outputs["public_ingress_rules"] == []
    assert not [w for w in plan.warnings if w.rule == "check.public_ingress"]


def test_ipv4_and_ipv6_internet_ingress_is_detected_and_warned(plan_for):
    plan = plan_for("securitygroup", "public_detected")
    assert plan.outputs["public_ingress_rules"] == PUBLIC_RULES
    [warning] = [w for w in plan.warnings if w.rule == "check.public_ingress"]
    assert warning.message == (
        "Ingress open to the internet (0.0.0.0/0 or ::/0): "
        + ", ".join(PUBLIC_RULES)
        + ". Set enforce_no_public_ingress = true to block it."
    )
    rules = ingress(plan)
    assert rules["https_from_alb.::/0"]["cidr_ipv6"] == "::/0"
    assert "custom.tcp.8080-8080.10.0.0.0/16" in rules  # private custom rules are not flagged


def test_enforcement_lets_private_rules_through(plan_for):
    plan = plan_for("securitygroup", "prod")  # enforce_no_public_ingress = true
    assert plan.variables["enforce_no_public_ingress"] is True
    assert plan.outputs["public_ingress_rules"] == []
    plan.assert_actions("aws_security_group.this", "create")


# Audit --------------------------------------------------------------------------------------


def test_eventbridge_rule_captures_the_six_security_group_calls(plan_for):
    plan = plan_for("securitygroup")
    pattern = plan["aws_cloudwatch_event_rule.security_group_changes[0]"].json("event_pattern")
    assert pattern["source"] == ["aws.ec2"]
    assert pattern["detail-type"] == ["AWS API Call via CloudTrail"]
    assert set(pattern["detail"]["eventName"]) == SIX_CALLS
    for name in SIX_CALLS:
        assert eventbridge_matches(pattern, cloudtrail_event(name))
    assert not eventbridge_matches(pattern, cloudtrail_event("RunInstances"))
    assert not eventbridge_matches(
        pattern, cloudtrail_event("CreateSecurityGroup", source="aws.s3")
    )
    plan.assert_unknown("aws_cloudwatch_event_target.security_group_changes[0]", "arn")


def test_public_ingress_rule_selects_internet_ranges_in_any_array_position(plan_for):
    plan = plan_for("securitygroup")
    pattern = plan["aws_cloudwatch_event_rule.public_ingress[0]"].json("event_pattern")
    opened = [
        cloudtrail_event("AuthorizeSecurityGroupIngress", ipv4=["0.0.0.0/0"]),
        cloudtrail_event("AuthorizeSecurityGroupIngress", ipv4=["10.1.0.0/16", "0.0.0.0/0"]),
        cloudtrail_event("AuthorizeSecurityGroupIngress", ipv6=["::/0"]),
    ]
    not_opened = [
        cloudtrail_event("AuthorizeSecurityGroupIngress", ipv4=["10.1.0.0/16"]),
        cloudtrail_event("AuthorizeSecurityGroupIngress", ipv6=["2001:db8::/32"]),
        cloudtrail_event("AuthorizeSecurityGroupEgress", ipv4=["0.0.0.0/0"]),
        cloudtrail_event("RevokeSecurityGroupIngress", ipv4=["0.0.0.0/0"]),
        cloudtrail_event(
            "AuthorizeSecurityGroupIngress",
            ipv4=["0.0.0.0/0"],
            error="Client.UnauthorizedOperation",
        ),
    ]
    assert [eventbridge_matches(pattern, e) for e in opened] == [True] * 3
    assert [eventbridge_matches(pattern, e) for e in not_opened] == [False] * 5


def test_log_groups_are_kms_encrypted_with_seed_retention(plan_for):
    plan = plan_for("securitygroup")
    groups = log_groups(plan)
    assert {k: g["name"] for k, g in groups.items()} == {
        "changes": "/aws/events/app-dev/security-group-changes",
        "public_ingress": "/aws/events/app-dev/security-group-public-ingress",
    }
    for group in groups.values():
        assert group["retention_in_days"] == 90
    assert (
        plan_for("securitygroup", "prod").of_type("aws_cloudwatch_log_group")[0][
            "retention_in_days"
        ]
        == 365
    )


def test_kms_key_serves_only_the_audit_log_groups(plan_for):
    key = plan_for("securitygroup").one("aws_kms_key")
    assert key["deletion_window_in_days"] == 30  # kms_key_deletion_window_in_days
    # modules/kms-key writes the statement (log_group_names)
    logs = statement(key.json("policy"), "CloudWatchLogsUse")
    assert logs["Principal"] == {"Service": "logs.us-east-1.amazonaws.com"}
    assert sorted(logs["Action"]) == [
        "kms:Decrypt*",
        "kms:Describe*",
        "kms:Encrypt*",
        "kms:GenerateDataKey*",
        "kms:ReEncrypt*",
    ]
    assert set(logs["Condition"]) == {"ArnLike"}
    arns = logs["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"]
    assert sorted(arns) == [
        f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/events/app-dev/security-group-changes",
        f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/events/app-dev/security-group-public-ingress",
    ]


def test_resource_policy_lets_eventbridge_write_only_the_audit_groups(plan_for):
    plan = plan_for("securitygroup")
    policy = plan.one("aws_cloudwatch_log_resource_policy").json("policy_document")
    [only] = policy["Statement"]
    assert sorted(only["Principal"]["Service"]) == [
        "delivery.logs.amazonaws.com",
        "events.amazonaws.com",
    ]
    assert sorted(only["Action"]) == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert sorted(only["Resource"]) == [
        f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/events/app-dev/security-group-changes:*",
        f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/events/app-dev/security-group-public-ingress:*",
    ]
    assert only["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}


def test_metric_filters_count_what_they_should(plan_for):
    plan = plan_for("securitygroup")
    filters = {rc.index: rc for rc in plan.of_type("aws_cloudwatch_log_metric_filter")}
    assert set(filters) == {"changes", "public_ingress"}
    public = compile_pattern(filters["public_ingress"]["pattern"])
    changes = compile_pattern(filters["changes"]["pattern"])
    assert isinstance(public, JsonPattern) and isinstance(changes, JsonPattern)
    assert (
        filters["public_ingress"]["log_group_name"]
        == "/aws/events/app-dev/security-group-public-ingress"
    )
    opened = json.dumps(cloudtrail_event("AuthorizeSecurityGroupIngress", ipv6=["::/0"]))
    failed = json.dumps(
        cloudtrail_event(
            "AuthorizeSecurityGroupIngress",
            ipv4=["0.0.0.0/0"],
            error="Client.InvalidPermission.Duplicate",
        )
    )
    assert public.matches(opened)
    assert not public.matches(failed)
    for name in SIX_CALLS:
        assert changes.matches(json.dumps(cloudtrail_event(name))), name
    assert not changes.matches(failed)
    assert not changes.matches(json.dumps(cloudtrail_event("CreateBucket", source="aws.s3")))
    assert filters["public_ingress"]["metric_transformation"][0]["name"] == "PublicIngressOpened"


def test_public_ingress_alarm_fires_on_one_event_to_an_encrypted_topic(plan_for):
    plan = plan_for("securitygroup")
    alarm = plan.one("aws_cloudwatch_metric_alarm")
    assert (alarm["metric_name"], alarm["namespace"]) == (
        "PublicIngressOpened",
        "SecurityGroups/app-dev",
    )
    assert (alarm["threshold"], alarm["comparison_operator"], alarm["statistic"]) == (
        1,
        "GreaterThanOrEqualToThreshold",
        "Sum",
    )
    assert alarm["treat_missing_data"] == "notBreaching"
    topic = plan.one("aws_sns_topic")
    assert topic.is_unknown("kms_master_key_id")
    publish = statement(plan.one("aws_sns_topic_policy").json("policy"), "CloudWatchAlarmsPublish")
    assert publish["Condition"] == {
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
        "ArnLike": {
            "aws:SourceArn": f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:"
            "app-dev-security-group-public-ingress"
        },
    }
    # modules/kms-key writes the statement (publishing_services)
    key_publish = statement(
        plan.one("aws_kms_key").json("policy"), "ServicesPublishToEncryptedTopics"
    )
    assert key_publish["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert sorted(key_publish["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert key_publish["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    assert plan.outputs["public_ingress_alarm_name"] == "app-dev-security-group-public-ingress"


def test_alarm_notifies_an_existing_topic_when_given(plan_for):
    plan = plan_for("securitygroup", "prod")
    topic = "arn:aws:sns:us-east-1:123456789012:security-alerts"
    plan.assert_absent("aws_sns_topic")
    alarm = plan.one("aws_cloudwatch_metric_alarm")
    assert alarm["alarm_actions"] == [topic] and alarm["ok_actions"] == [topic]
    assert plan.outputs["alarm_sns_topic_arn"] == topic
    key_sids = {s.get("Sid") for s in plan.one("aws_kms_key").json("policy")["Statement"]}
    assert key_sids == {"AccountAdministration", "CloudWatchLogsUse"}  # no topic of its own


def test_alarms_off_keeps_the_audit_log(plan_for):
    plan = plan_for("securitygroup", "alarms_off")
    assert len(plan.of_type("aws_cloudwatch_log_group")) == 2
    assert len(plan.of_type("aws_cloudwatch_event_rule")) == 2
    plan.assert_absent("aws_cloudwatch_metric_alarm")
    plan.assert_absent("aws_sns_topic")
    assert plan.outputs["public_ingress_alarm_name"] is None


def test_logging_off_creates_only_the_group_and_rules(plan_for):
    plan = plan_for("securitygroup", "logging_off")
    for kind in (
        "aws_cloudwatch_log_group",
        "aws_cloudwatch_event_rule",
        "aws_kms_key",
        "aws_cloudwatch_log_resource_policy",
        "aws_cloudwatch_metric_alarm",
        "aws_sns_topic",
        "aws_cloudwatch_log_metric_filter",
    ):
        plan.assert_absent(kind)
    assert {rc.type for rc in plan.managed} == {
        "aws_security_group",
        "aws_vpc_security_group_ingress_rule",
    }
    assert plan.outputs["audit_log_group_name"] is None


def test_outputs(plan_for):
    outputs = plan_for("securitygroup").outputs
    assert outputs["security_group_id"] == UNKNOWN
    assert outputs["security_group_name"] == "app-dev"
    assert set(outputs["ingress_rule_ids"]) == DEFAULT_INGRESS
    assert outputs["audit_log_group_name"] == "/aws/events/app-dev/security-group-changes"
    for name in ("event_rule_arn", "audit_kms_key_arn", "alarm_sns_topic_arn"):
        assert outputs[name] == UNKNOWN, name


# Input rules --------------------------------------------------------------------------------


INVALID = [
    ("var.vpc_id", "vpc_id must be a VPC ID such as vpc-0123456789abcdef0."),
    ("var.vpc_cidr_block", "vpc_cidr_block must be an IPv4 CIDR such as 10.0.0.0/16, or null."),
    (
        "var.ingress_templates",
        "Every cidr_blocks and ipv6_cidr_blocks entry of ingress_templates "
        "must be a CIDR such as 10.0.0.0/16 or 2001:db8::/32.",
    ),
    (
        "var.ingress_templates",
        "source_security_group_id in ingress_templates must be a security "
        "group ID such as sg-0123456789abcdef0.",
    ),
    (
        "var.custom_ingress_rules",
        "custom_ingress_rules protocol must be tcp, udp, icmp, icmpv6 or -1.",
    ),
    (
        "var.custom_ingress_rules",
        "custom_ingress_rules ports must satisfy -1 <= from_port <= to_port <= 65535.",
    ),
    (
        "var.custom_ingress_rules",
        "Each custom_ingress_rules entry needs a source: cidr_blocks, "
        "ipv6_cidr_blocks or source_security_group_id.",
    ),
    ("var.egress_rules", "egress_rules protocol must be tcp, udp, icmp, icmpv6 or -1."),
    (
        "var.egress_rules",
        "Each egress_rules entry needs a destination: cidr_blocks, "
        "ipv6_cidr_blocks, destination_security_group_id or prefix_list_id.",
    ),
    (
        "var.alarm_sns_topic_arn",
        "alarm_sns_topic_arn must be an SNS topic ARN "
        "(arn:aws:sns:<region>:<account>:<name>) or null.",
    ),
    ("var.alarm_period", "alarm_period must be a multiple of 60 seconds, at least 60."),
]
