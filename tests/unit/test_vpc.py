"""vpc: network layout, flow logs to an encrypted log group, and the five detectors proven on data."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfharness import UNKNOWN
from tfharness.checks.filterpattern import compile_pattern, fields_of, load_records, split_record

pytestmark = pytest.mark.unit

ACCOUNT = "123456789012"  # the emulator's account
LOG_GROUP = "/aws/vpc-flow-logs/core-dev"
LOG_GROUP_ARN = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{LOG_GROUP}"
# Addresses inside the shared modules (modules/log-group, modules/s3-bucket, modules/iam-role).
LOG_GROUP_ADDRESS = "module.flow_logs_log_group[0].aws_cloudwatch_log_group.this"
ARCHIVE = "module.flow_logs_archive[0]"
FLOW_LOGS_ROLE = "module.flow_logs_role[0]"
FLOW_LOGS = Path(__file__).parents[1] / "harness" / "fixtures" / "flow-logs"
DETECTORS = {"ssh_attempts", "rdp_attempts", "rejected_connections", "large_transfers", "port_scan"}
LOG_FORMAT = (
    "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} "
    "${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${vpc-id} "
    "${subnet-id} ${tcp-flags} ${flow-direction}"
)


def records() -> dict[tuple[str, int], str]:
    """Every fixture record, keyed by (file, index among the file's records)."""
    found = {}
    for path in sorted(FLOW_LOGS.glob("*.log")):
        found.update({(path.name, i): line for i, line in enumerate(load_records(path))})
    return found


def span(name: str, *indexes: int) -> set[tuple[str, int]]:
    return {(name, i) for i in indexes}


# Which fixture records each detector must count with the default inputs (see each file's
# comments): attempts are inbound only; replies and NODATA/SKIPDATA never count.
EXPECTED = {
    "ssh_attempts": span("ssh.log", 0, 1, 2, 3, 4),
    "rdp_attempts": span("rdp.log", 0, 1, 2),
    "rejected_connections": span("ssh.log", 2, 3, 4)
    | span("rdp.log", 1, 2)
    | span("port-scan.log", *range(21))
    | span("large-transfer.log", 3),
    "large_transfers": span("large-transfer.log", 0, 1),
    "port_scan": span("port-scan.log", *range(20)),
}


def patterns(plan) -> dict[str, str]:
    return {rc.index: rc["pattern"] for rc in plan.of_type("aws_cloudwatch_log_metric_filter")}


def matched(pattern_text: str) -> set[tuple[str, int]]:
    pattern = compile_pattern(pattern_text)
    return {key for key, record in records().items() if pattern.matches(record)}


def statement(policy: dict, sid: str) -> dict:
    found = [s for s in policy["Statement"] if s.get("Sid") == sid]
    assert len(found) == 1, (
        f"no single statement {sid}: {[s.get('Sid') for s in policy['Statement']]}"
    )
    return found[0]


# Network ------------------------------------------------------------------------------------


def test_vpc_spans_two_azs_with_public_and_private_subnets(plan_for):
    plan = plan_for("vpc")
    plan.assert_subset(
        "aws_vpc.this",
        {"cidr_block": "10.0.0.0/16", "enable_dns_support": True, "enable_dns_hostnames": True},
    )
    plan.assert_tags("aws_vpc.this", {"Name": "core-dev", "Environment": "dev"})
    public = plan.of_type("aws_subnet")
    assert [(s.address, s["availability_zone"], s["cidr_block"]) for s in public] == [
        ("aws_subnet.private[0]", "us-east-1a", "10.0.128.0/20"),
        ("aws_subnet.private[1]", "us-east-1b", "10.0.144.0/20"),
        ("aws_subnet.public[0]", "us-east-1a", "10.0.0.0/20"),
        ("aws_subnet.public[1]", "us-east-1b", "10.0.16.0/20"),
    ]
    for subnet in public:
        assert subnet["map_public_ip_on_launch"] is False, subnet.address
    plan.assert_tags("aws_subnet.public[0]", {"Tier": "public"})
    plan.assert_tags("aws_subnet.private[1]", {"Tier": "private"})
    assert plan.outputs["availability_zones"] == ["us-east-1a", "us-east-1b"]


def test_prod_spans_three_azs(plan_for):
    plan = plan_for("vpc", "prod")
    assert len(plan.of_type("aws_subnet")) == 6
    assert plan["aws_subnet.private[2]"]["availability_zone"] == "us-east-1c"
    assert len(plan.of_type("aws_nat_gateway")) == 3
    plan.assert_tags("aws_vpc.this", {"Environment": "prod", "Team": "platform"})


def test_routes_send_public_to_the_igw_and_private_to_nat(plan_for):
    plan = plan_for("vpc")
    plan.assert_attr("aws_route.public_internet", "destination_cidr_block", "0.0.0.0/0")
    plan.assert_unknown("aws_route.public_internet", "gateway_id")
    assert len(plan.of_type("aws_nat_gateway")) == 2
    assert len(plan.of_type("aws_eip")) == 2
    routes = [r for r in plan.of_type("aws_route") if r.name == "private_nat"]
    assert len(routes) == 2
    assert all(
        r["destination_cidr_block"] == "0.0.0.0/0" and r.is_unknown("nat_gateway_id")
        for r in routes
    )
    assert len(plan.of_type("aws_route_table_association")) == 4


def test_single_nat_gateway_serves_every_az(plan_for):
    plan = plan_for("vpc", "existing_topic_single_nat")
    assert [n.address for n in plan.of_type("aws_nat_gateway")] == ["aws_nat_gateway.this[0]"]
    assert len([r for r in plan.of_type("aws_route") if r.name == "private_nat"]) == 2


def test_without_nat_private_subnets_have_no_default_route(plan_for):
    plan = plan_for("vpc", "alarms_off")
    plan.assert_absent("aws_nat_gateway")
    plan.assert_absent("aws_eip")
    assert [r.address for r in plan.of_type("aws_route")] == ["aws_route.public_internet"]
    assert plan.outputs["nat_gateway_ids"] == []


def test_default_security_group_is_stripped_of_rules(plan_for):
    plan = plan_for("vpc")
    group = plan["aws_default_security_group.this"]
    assert group["ingress"] == [] and group["egress"] == [], group.after


# Flow logs ----------------------------------------------------------------------------------


def test_flow_log_captures_all_traffic_in_the_declared_format(plan_for):
    plan = plan_for("vpc")
    plan.assert_subset(
        "aws_flow_log.this[0]",
        {
            "traffic_type": "ALL",
            "log_destination_type": "cloud-watch-logs",
            "max_aggregation_interval": 600,
            "log_format": LOG_FORMAT,
        },
    )
    plan.assert_unknown("aws_flow_log.this[0]", "log_destination")
    plan.assert_unknown("aws_flow_log.this[0]", "iam_role_arn")
    assert plan.outputs["flow_logs_log_format"] == LOG_FORMAT


def test_log_group_keeps_the_seed_retention(plan_for):
    plan = plan_for("vpc")
    plan.assert_subset(LOG_GROUP_ADDRESS, {"name": LOG_GROUP, "retention_in_days": 30})
    assert plan.outputs["flow_logs_log_group_name"] == LOG_GROUP
    prod = plan_for("vpc", "prod")
    prod.assert_attr(LOG_GROUP_ADDRESS, "retention_in_days", 365)
    prod.assert_attr("aws_flow_log.this[0]", "max_aggregation_interval", 60)


def test_kms_key_lets_cloudwatch_logs_use_it_only_for_this_log_group(plan_for):
    plan = plan_for("vpc")
    key = plan.one("aws_kms_key")
    assert key["deletion_window_in_days"] == 30  # kms_key_deletion_window_in_days
    policy = key.json("policy")
    # modules/kms-key writes the CloudWatch Logs and alarm-topic statements (log_group_names,
    # publishing_services)
    logs = statement(policy, "CloudWatchLogsUse")
    assert logs["Principal"] == {"Service": "logs.us-east-1.amazonaws.com"}
    assert sorted(logs["Action"]) == [
        "kms:Decrypt*",
        "kms:Describe*",
        "kms:Encrypt*",
        "kms:GenerateDataKey*",
        "kms:ReEncrypt*",
    ]
    assert logs["Condition"] == {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": LOG_GROUP_ARN}}
    root = statement(policy, "AccountAdministration")
    assert root["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    alarms = statement(policy, "ServicesPublishToEncryptedTopics")
    assert alarms["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert sorted(alarms["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert alarms["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    assert "LogDeliveryWritesEncryptedArchive" not in {s.get("Sid") for s in policy["Statement"]}


def test_flow_logs_role_trust_is_scoped_to_this_account(plan_for):
    plan = plan_for("vpc")
    trust = plan[f"{FLOW_LOGS_ROLE}.aws_iam_role.this"].json("assume_role_policy")
    [only] = trust["Statement"]
    assert only["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    assert only["Action"] == "sts:AssumeRole"
    assert only["Condition"] == {
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
        "ArnLike": {"aws:SourceArn": f"arn:aws:ec2:us-east-1:{ACCOUNT}:vpc-flow-log/*"},
    }


def test_flow_logs_role_may_only_write_its_log_group(plan_for):
    plan = plan_for("vpc")
    policy = plan[f'{FLOW_LOGS_ROLE}.aws_iam_role_policy.this["publish-flow-logs"]'].json("policy")
    write = statement(policy, "WriteThisLogGroup")
    assert sorted(write["Action"]) == [
        "logs:CreateLogStream",
        "logs:DescribeLogStreams",
        "logs:PutLogEvents",
    ]
    assert write["Resource"] == f"{LOG_GROUP_ARN}:*"
    actions = {
        a
        for s in policy["Statement"]
        for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    }
    assert "logs:CreateLogGroup" not in actions and not any("*" in a for a in actions)
    assert all(s["Resource"] != "*" for s in policy["Statement"])


def test_flow_logs_off_creates_no_flow_log_resources(plan_for):
    plan = plan_for("vpc", "flow_logs_off")
    for kind in (
        "aws_flow_log",
        "aws_cloudwatch_log_group",
        "aws_kms_key",
        "aws_iam_role",
        "aws_cloudwatch_log_metric_filter",
        "aws_cloudwatch_metric_alarm",
        "aws_sns_topic",
        "aws_s3_bucket",
    ):
        plan.assert_absent(kind)
    assert plan.outputs["flow_log_id"] is None
    assert plan.outputs["flow_logs_kms_key_arn"] is None
    assert plan.outputs["flow_logs_alarm_names"] == {}
    plan.assert_actions("aws_vpc.this", "create")


# Detectors ----------------------------------------------------------------------------------


def test_five_metric_filters_each_with_an_alarm(plan_for):
    plan = plan_for("vpc")
    filters = plan.of_type("aws_cloudwatch_log_metric_filter")
    assert {f.index for f in filters} == DETECTORS
    for f in filters:
        assert f["log_group_name"] == LOG_GROUP
        assert f["metric_transformation"][0]["namespace"] == "VPCFlowLogs/core-dev"
        assert f["metric_transformation"][0]["value"] == "1"
    alarms = {a.index: a for a in plan.of_type("aws_cloudwatch_metric_alarm")}
    assert {k: a["threshold"] for k, a in alarms.items()} == {
        "ssh_attempts": 50,
        "rdp_attempts": 50,
        "rejected_connections": 100,
        "large_transfers": 1,
        "port_scan": 200,
    }
    for alarm in alarms.values():
        assert alarm["comparison_operator"] == "GreaterThanOrEqualToThreshold"
        assert alarm["statistic"] == "Sum" and alarm["period"] == 300
        assert alarm["treat_missing_data"] == "notBreaching"
        assert alarm["namespace"] == "VPCFlowLogs/core-dev"
        # the created topic's ARN: known only after apply (exact ARNs: existing-topic test)
        assert alarm["alarm_actions"] in (UNKNOWN, [UNKNOWN]), alarm.address
    assert plan.outputs["flow_logs_alarm_names"] == {
        k: f"core-dev-flow-logs-{k.replace('_', '-')}" for k in DETECTORS
    }


def test_created_alarm_topic_is_kms_encrypted(plan_for):
    plan = plan_for("vpc")
    topic = plan.one("aws_sns_topic")
    assert topic["name"] == "core-dev-flow-logs-alarms"
    assert topic.is_unknown("kms_master_key_id")
    publish = statement(plan.one("aws_sns_topic_policy").json("policy"), "CloudWatchAlarmsPublish")
    assert publish["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert publish["Condition"] == {
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
        "ArnLike": {
            "aws:SourceArn": f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:core-dev-flow-logs-*"
        },
    }


def test_alarms_notify_an_existing_topic_when_given(plan_for):
    plan = plan_for("vpc", "existing_topic_single_nat")
    topic = "arn:aws:sns:us-east-1:123456789012:security-alerts"
    plan.assert_absent("aws_sns_topic")
    for alarm in plan.of_type("aws_cloudwatch_metric_alarm"):
        assert alarm["alarm_actions"] == [topic] and alarm["ok_actions"] == [topic]
    assert plan.outputs["flow_logs_sns_topic_arn"] == topic
    policy = plan.one("aws_kms_key").json("policy")
    assert "ServicesPublishToEncryptedTopics" not in {s.get("Sid") for s in policy["Statement"]}


def test_alarms_off_keeps_flow_logs_without_detectors(plan_for):
    plan = plan_for("vpc", "alarms_off")
    plan.assert_actions("aws_flow_log.this[0]", "create")
    plan.assert_absent("aws_cloudwatch_log_metric_filter")
    plan.assert_absent("aws_cloudwatch_metric_alarm")
    plan.assert_absent("aws_sns_topic")
    assert plan.outputs["flow_logs_sns_topic_arn"] is None


def test_filter_patterns_read_the_declared_record_format(plan_for):
    plan = plan_for("vpc")
    declared = plan["aws_flow_log.this[0]"]["log_format"].split()
    names = [field[2:-1].replace("-", "_") for field in declared]
    for detector, text in patterns(plan).items():
        assert fields_of(text) == names, detector
    widths = {len(split_record(r)) for r in records().values()}
    assert widths == {len(declared)}, "the fixtures are written in the declared format"


@pytest.mark.parametrize("detector", sorted(DETECTORS))
def test_each_filter_matches_exactly_its_fixture_records(plan_for, detector):
    plan = plan_for("vpc")
    got = matched(patterns(plan)[detector])
    assert sorted(got) == sorted(EXPECTED[detector])


def test_no_filter_matches_https_or_nodata_skipdata_records(plan_for):
    plan = plan_for("vpc")
    for detector, text in patterns(plan).items():
        hits = {key for key in matched(text) if key[0] in ("https.log", "nodata-skipdata.log")}
        assert not hits, f"{detector} matched {hits}"


def test_port_scan_service_ports_are_an_input(plan_for):
    plan = plan_for("vpc", "existing_topic_single_nat")  # port_scan_service_ports: [22, 443]
    got = matched(patterns(plan)["port_scan"])
    assert sorted(got) == sorted(EXPECTED["port_scan"] | span("rdp.log", 1, 2))


def test_large_transfer_byte_threshold_is_an_input(plan_for):
    plan = plan_for("vpc", "prod")  # large_transfer_bytes_threshold: 2 GiB
    assert "bytes>=2147483648" in patterns(plan)["large_transfers"]
    assert matched(patterns(plan)["large_transfers"]) == span("large-transfer.log", 0)


# S3 archive ---------------------------------------------------------------------------------


def test_s3_archive_is_off_by_default(plan_for):
    plan = plan_for("vpc")
    plan.assert_absent("aws_s3_bucket")
    plan.assert_absent("aws_flow_log.s3[0]")
    assert plan.outputs["flow_logs_s3_bucket_arn"] is None


def test_s3_archive_is_encrypted_versioned_and_private(plan_for):
    plan = plan_for("vpc", "prod")
    bucket = plan.one("aws_s3_bucket")
    assert bucket["bucket"] == f"core-prod-flow-logs-{ACCOUNT}"
    assert bucket["force_destroy"] is False
    plan.assert_attr(
        f"{ARCHIVE}.aws_s3_bucket_versioning.this", "versioning_configuration[0].status", "Enabled"
    )
    sse = plan[f"{ARCHIVE}.aws_s3_bucket_server_side_encryption_configuration.this"]["rule"][0]
    assert sse["bucket_key_enabled"] is True
    plan.assert_subset(
        "aws_flow_log.s3[0]",
        {"traffic_type": "ALL", "log_destination_type": "s3", "log_format": LOG_FORMAT},
    )


def test_s3_archive_policy_lets_log_delivery_write(plan_for):
    plan = plan_for("vpc", "prod")
    # The module's own statements, then the component's delivery statements it passes in.
    own = plan[f"{ARCHIVE}.data.aws_iam_policy_document.own"]
    delivery = plan["data.aws_iam_policy_document.flow_logs_bucket_delivery[0]"]
    statements = {s["sid"]: s for s in own["statement"] + delivery["statement"]}
    for sid in ("AWSLogDeliveryWrite", "AWSLogDeliveryAclCheck"):
        stmt = statements[sid]
        assert stmt["principals"][0]["identifiers"] == ["delivery.logs.amazonaws.com"]
        conditions = {c["variable"]: c["values"] for c in stmt["condition"]}
        assert conditions["aws:SourceAccount"] == [ACCOUNT]
        assert conditions["aws:SourceArn"] == [f"arn:aws:logs:us-east-1:{ACCOUNT}:*"]
    bucket_policy = plan[f"{ARCHIVE}.aws_s3_bucket_policy.this"].json("policy")
    assert {s["Sid"] for s in bucket_policy["Statement"]} == {
        "DenyInsecureTransport",
        "DenyOutdatedTLS",
        "DenyNonKmsEncryption",
        "AWSLogDeliveryWrite",
        "AWSLogDeliveryAclCheck",
    }
    key_policy = plan.one("aws_kms_key").json("policy")
    key_delivery = statement(key_policy, "LogDeliveryWritesEncryptedArchive")
    assert key_delivery["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT}


def test_s3_archive_lifecycle_moves_to_ia_then_glacier_then_expires(plan_for):
    plan = plan_for("vpc", "prod")
    [rule] = plan[f"{ARCHIVE}.aws_s3_bucket_lifecycle_configuration.this[0]"]["rule"]
    assert rule["status"] == "Enabled"
    assert sorted((t["days"], t["storage_class"]) for t in rule["transition"]) == [
        (90, "STANDARD_IA"),
        (180, "GLACIER"),
    ]
    assert rule["expiration"][0]["days"] == 730


# Outputs ------------------------------------------------------------------------------------


def test_outputs(plan_for):
    outputs = plan_for("vpc").outputs
    for name in (
        "vpc_id",
        "flow_log_id",
        "flow_logs_log_group_arn",
        "flow_logs_kms_key_arn",
        "flow_logs_sns_topic_arn",
        "internet_gateway_id",
    ):
        assert outputs[name] == UNKNOWN, name
    assert outputs["public_subnet_ids"] == [UNKNOWN, UNKNOWN]
    assert outputs["private_subnet_ids"] == [UNKNOWN, UNKNOWN]
    assert set(outputs["flow_logs_metric_filter_patterns"]) == DETECTORS
