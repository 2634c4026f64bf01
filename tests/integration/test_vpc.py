"""vpc on the integration target: network, flow logs and the five security alarms, end to end.

The fleet applies the `integration` scenario (tests/scenarios/vpc.yaml: the default plus an
email subscription on the alarm topic and thresholds sized to the flow-log fixtures, see the
README's "Emulator switches"). Each test reads back with boto3 what the target holds; the
Alarms end-to-end check puts the fixture flow-log records into the applied log group, reads
them back, and plays them through the filters and alarms the target holds
(tfharness.checks.alarms). The fleet destroys everything at the end of the session.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tfharness.checks.alarms import Wiring, put_and_read_back, security_alarms, simulate
from tfharness.checks.aws import as_list, drift, policy_doc, tags_of
from tfharness.checks.filterpattern import load_records
from tfharness.checks.inbox import AlarmInbox, metric_sum, reset_to_ok, wait_for_state
from tfharness.deploying.capabilities import require
from tfharness.deploying.deployment import RUN_TAG
from tfharness.deploying.probes import eventually
from tfharness.deploying.targets import Identity

pytestmark = pytest.mark.integration

COMPONENT = "vpc"
PREFIX = "core-dev"
REGION = "us-east-1"  # the scenario's region
LOG_GROUP = f"/aws/vpc-flow-logs/{PREFIX}"
NAMESPACE = f"VPCFlowLogs/{PREFIX}"
SUBSCRIPTION = ("email", "security-alerts@example.com")
LOG_FORMAT = (
    "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} "
    "${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${vpc-id} "
    "${subnet-id} ${tcp-flags} ${flow-direction}"
)
FLOW_LOGS = Path(__file__).parents[1] / "harness" / "fixtures" / "flow-logs"

# detector -> (metric, the integration scenario's threshold)
DETECTORS = {
    "ssh_attempts": ("SSHAttempts", 5),
    "rdp_attempts": ("RDPAttempts", 3),
    "rejected_connections": ("RejectedConnections", 20),
    "large_transfers": ("LargeTransfers", 1),
    "port_scan": ("PortScanRejects", 20),
}
METRIC = {d: m for d, (m, _) in DETECTORS.items()}
ALARM = {d: f"{PREFIX}-flow-logs-{d.replace('_', '-')}" for d in DETECTORS}


def log_group_arn(identity: Identity) -> str:
    return identity.arn("logs", f"log-group:{LOG_GROUP}", region=REGION)


def span(name: str, *indexes: int) -> set[tuple[str, int]]:
    return {(name, i) for i in indexes}


# Which fixture records feed each metric (the same truth as tests/unit/test_vpc.py).
FEEDS = {
    "SSHAttempts": span("ssh.log", 0, 1, 2, 3, 4),
    "RDPAttempts": span("rdp.log", 0, 1, 2),
    "RejectedConnections": span("ssh.log", 2, 3, 4)
    | span("rdp.log", 1, 2)
    | span("port-scan.log", *range(21))
    | span("large-transfer.log", 3),
    "LargeTransfers": span("large-transfer.log", 0, 1),
    "PortScanRejects": span("port-scan.log", *range(20)),
}
# Which alarms each fixture trips on its own, in its own alarm period.
TRIPS = {
    "ssh.log": {"ssh_attempts"},  # 5 inbound attempts >= 5; 3 rejects < 20
    "rdp.log": {"rdp_attempts"},  # 3 >= 3; 2 rejects < 20
    "port-scan.log": {"port_scan", "rejected_connections"},  # 20 >= 20; 21 rejects >= 20
    "large-transfer.log": {"large_transfers"},  # 2 records >= 1 GiB out >= 1
    "https.log": set(),
    "nodata-skipdata.log": set(),
}
HOUR = 3600


@pytest.fixture(scope="module")
def deployed(fleet):
    return fleet.deployment(COMPONENT)


@pytest.fixture(scope="module")
def clients(endpoint):
    return {s: endpoint.boto3_client(s) for s in ("ec2", "logs", "kms", "iam", "sns", "cloudwatch")}


# Network ------------------------------------------------------------------------------------


def test_vpc_subnets_and_gateways_are_what_was_planned(deployed, clients, integration_run):
    ec2, out = clients["ec2"], deployed.outputs
    vpc = ec2.describe_vpcs(VpcIds=[out["vpc_id"]])["Vpcs"][0]
    assert vpc["CidrBlock"] == "10.0.0.0/16"
    assert tags_of(vpc.get("Tags"))[RUN_TAG] == integration_run.run_id
    assert tags_of(vpc.get("Tags"))["Name"] == PREFIX

    subnets = {
        s["SubnetId"]: s
        for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [out["vpc_id"]]}])[
            "Subnets"
        ]
    }
    public, private = out["public_subnet_ids"], out["private_subnet_ids"]
    assert set(subnets) == set(public) | set(private) and len(public) == len(private) == 2
    assert [subnets[s]["CidrBlock"] for s in public] == ["10.0.0.0/20", "10.0.16.0/20"]
    assert [subnets[s]["CidrBlock"] for s in private] == ["10.0.128.0/20", "10.0.144.0/20"]
    assert len({subnets[s]["AvailabilityZone"] for s in public}) == 2, "public: one per AZ"
    assert (
        [subnets[s]["AvailabilityZone"] for s in public]
        == [subnets[s]["AvailabilityZone"] for s in private]
        == out["availability_zones"]
    )
    for subnet in subnets.values():
        assert subnet["MapPublicIpOnLaunch"] is False
        assert tags_of(subnet.get("Tags"))[RUN_TAG] == integration_run.run_id

    nats = ec2.describe_nat_gateways(NatGatewayIds=out["nat_gateway_ids"])["NatGateways"]
    assert sorted(n["SubnetId"] for n in nats) == sorted(public), "one NAT per public subnet"
    for table_id, subnet in zip(out["private_route_table_ids"], private, strict=True):
        table = ec2.describe_route_tables(RouteTableIds=[table_id])["RouteTables"][0]
        assert [a["SubnetId"] for a in table["Associations"] if a.get("SubnetId")] == [subnet]
        default = [r for r in table["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"]
        assert len(default) == 1 and default[0].get("NatGatewayId") in out["nat_gateway_ids"]
    public_table = ec2.describe_route_tables(RouteTableIds=[out["public_route_table_id"]])[
        "RouteTables"
    ][0]
    assert {
        r.get("GatewayId")
        for r in public_table["Routes"]
        if r.get("DestinationCidrBlock") == "0.0.0.0/0"
    } == {out["internet_gateway_id"]}


def test_default_security_group_has_no_rules(deployed, clients):
    group = clients["ec2"].describe_security_groups(
        GroupIds=[deployed.outputs["default_security_group_id"]]
    )["SecurityGroups"][0]
    assert group["VpcId"] == deployed.outputs["vpc_id"]
    assert group["IpPermissions"] == [] and group["IpPermissionsEgress"] == []


# Flow logs ----------------------------------------------------------------------------------


def test_flow_log_captures_all_traffic_in_the_declared_format(
    deployed, clients, integration_run, target_identity
):
    out = deployed.outputs
    flow = clients["ec2"].describe_flow_logs(FlowLogIds=[out["flow_log_id"]])["FlowLogs"][0]
    assert flow["ResourceId"] == out["vpc_id"]
    assert flow["TrafficType"] == "ALL"
    assert flow["LogFormat"] == LOG_FORMAT == out["flow_logs_log_format"]
    assert flow["LogDestinationType"] == "cloud-watch-logs"
    assert flow["LogDestination"] == log_group_arn(target_identity)
    assert flow.get("LogGroupName", LOG_GROUP) == LOG_GROUP  # AWS derives it; moto leaves it out
    assert flow["DeliverLogsPermissionArn"] == out["flow_logs_iam_role_arn"]
    assert flow["MaxAggregationInterval"] == 600
    assert tags_of(flow.get("Tags"))[RUN_TAG] == integration_run.run_id
    # Terraform leaves null outputs out of `output -json`.
    assert out.get("flow_log_s3_id") is None, "the S3 archive stays off in this scenario"


def test_log_group_is_encrypted_with_a_rotating_key_and_keeps_30_days(
    deployed, clients, integration_run, target_identity
):
    group_arn = log_group_arn(target_identity)
    logs, kms = clients["logs"], clients["kms"]
    key_arn = deployed.outputs["flow_logs_kms_key_arn"]
    groups = logs.describe_log_groups(logGroupNamePrefix=LOG_GROUP)["logGroups"]
    group = next(g for g in groups if g["logGroupName"] == LOG_GROUP)
    assert group["kmsKeyId"] == key_arn
    assert group["retentionInDays"] == 30
    tags = logs.list_tags_for_resource(resourceArn=group_arn)["tags"]
    assert tags[RUN_TAG] == integration_run.run_id

    key = kms.describe_key(KeyId=key_arn)["KeyMetadata"]
    assert key["KeyManager"] == "CUSTOMER" and key["Enabled"] is True
    assert kms.get_key_rotation_status(KeyId=key_arn)["KeyRotationEnabled"] is True
    key_tags = {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=key_arn)["Tags"]}
    assert key_tags[RUN_TAG] == integration_run.run_id
    aliases = kms.list_aliases(KeyId=key_arn)["Aliases"]
    assert [a["AliasName"] for a in aliases] == [f"alias/{PREFIX}-flow-logs"]

    policy = policy_doc(kms.get_key_policy(KeyId=key_arn, PolicyName="default")["Policy"])
    logs_use = [
        s
        for s in policy["Statement"]
        if s.get("Principal", {}).get("Service") == f"logs.{REGION}.amazonaws.com"
    ]
    assert len(logs_use) == 1, "CloudWatch Logs may use the key, in one statement"
    assert logs_use[0]["Sid"] == "CloudWatchLogsUse"  # modules/kms-key: log_group_names
    assert sorted(as_list(logs_use[0]["Action"])) == [
        "kms:Decrypt*",
        "kms:Describe*",
        "kms:Encrypt*",
        "kms:GenerateDataKey*",
        "kms:ReEncrypt*",
    ]
    assert logs_use[0]["Condition"] == {
        "ArnLike": {"kms:EncryptionContext:aws:logs:arn": group_arn}
    }
    # the alarm topic the component creates is encrypted with the key: CloudWatch may publish
    [publish] = [
        s for s in policy["Statement"] if s.get("Sid") == "ServicesPublishToEncryptedTopics"
    ]
    assert publish["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert sorted(as_list(publish["Action"])) == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert publish["Condition"] == {
        "StringEquals": {"aws:SourceAccount": target_identity.account_id}
    }


def test_flow_logs_role_trust_and_permissions_are_scoped(
    deployed, clients, integration_run, target_identity
):
    iam = clients["iam"]
    name = deployed.outputs["flow_logs_iam_role_arn"].rsplit("/", 1)[1]
    role = iam.get_role(RoleName=name)["Role"]
    assert tags_of(role.get("Tags"))[RUN_TAG] == integration_run.run_id
    trust = policy_doc(role["AssumeRolePolicyDocument"])
    [statement] = trust["Statement"]
    assert statement["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    assert statement["Action"] == "sts:AssumeRole"
    assert statement["Condition"] == {
        "StringEquals": {"aws:SourceAccount": target_identity.account_id},
        "ArnLike": {"aws:SourceArn": target_identity.arn("ec2", "vpc-flow-log/*", region=REGION)},
    }
    assert iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"] == []
    [policy_name] = iam.list_role_policies(RoleName=name)["PolicyNames"]
    policy = policy_doc(
        iam.get_role_policy(RoleName=name, PolicyName=policy_name)["PolicyDocument"]
    )
    write = next(s for s in policy["Statement"] if s.get("Sid") == "WriteThisLogGroup")
    assert write["Resource"] == f"{log_group_arn(target_identity)}:*"
    granted = {
        a
        for s in policy["Statement"]
        for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    }
    assert "logs:CreateLogGroup" not in granted and not any("*" in a for a in granted)


# Alarms end to end --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wirings(deployed, clients) -> list[Wiring]:
    return security_alarms(clients["cloudwatch"], clients["logs"], clients["sns"], LOG_GROUP)


def test_alarm_topic_is_encrypted_tagged_and_subscribed(deployed, clients, integration_run):
    sns, topic = clients["sns"], deployed.outputs["flow_logs_sns_topic_arn"]
    attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    assert attributes["KmsMasterKeyId"] == deployed.outputs["flow_logs_kms_key_arn"]
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert [(s["Protocol"], s["Endpoint"]) for s in subscriptions] == [SUBSCRIPTION]
    tags = tags_of(sns.list_tags_for_resource(ResourceArn=topic)["Tags"])
    assert tags[RUN_TAG] == integration_run.run_id


def test_every_security_filter_feeds_an_alarm_that_notifies_the_subscribed_topic(
    deployed, wirings, clients, integration_run
):
    topic = deployed.outputs["flow_logs_sns_topic_arn"]
    assert {w.metric_name for w in wirings} == set(METRIC.values())
    by_metric = {w.metric_name: w for w in wirings}
    for detector, (metric, threshold) in DETECTORS.items():
        wiring = by_metric[metric]
        assert wiring.filter_name == f"{PREFIX}-{detector.replace('_', '-')}"
        assert wiring.pattern == deployed.outputs["flow_logs_metric_filter_patterns"][detector]
        assert (wiring.namespace, wiring.metric_value, wiring.default_value) == (
            NAMESPACE,
            "1",
            0.0,
        )
        assert [a.name for a in wiring.alarms] == [ALARM[detector]], (
            f"{metric}: exactly one alarm watches it"
        )
        alarm = wiring.alarms[0]
        assert (alarm.namespace, alarm.metric_name) == (wiring.namespace, wiring.metric_name)
        assert (
            alarm.statistic,
            alarm.period,
            alarm.evaluation_periods,
            alarm.comparison,
            alarm.threshold,
        ) == ("Sum", 300, 1, "GreaterThanOrEqualToThreshold", threshold)
        assert alarm.treat_missing_data == "notBreaching"
        assert alarm.alarm_actions == alarm.ok_actions == (topic,)
        assert alarm.subscriptions == {topic: (SUBSCRIPTION,)}
    arns = [
        a["AlarmArn"]
        for a in clients["cloudwatch"].describe_alarms(AlarmNames=list(ALARM.values()))[
            "MetricAlarms"
        ]
    ]
    assert len(arns) == len(ALARM)
    for arn in arns:
        tags = tags_of(clients["cloudwatch"].list_tags_for_resource(ResourceARN=arn)["Tags"])
        assert tags[RUN_TAG] == integration_run.run_id


def rebase(record: str, fields: list[str], offset: int) -> str:
    """The record moved `offset` seconds later (its start and end fields)."""
    values = record.split()
    for name in ("start", "end"):
        i = fields.index(name)
        if values[i].isdigit():
            values[i] = str(int(values[i]) + offset)
    return " ".join(values)


@pytest.fixture(scope="module")
def played(deployed, clients, integration_run):
    """The fixture records, each file rebased into an hour of its own in the last day
    (CloudWatch Logs refuses events older than 14 days), put into the applied flow-log group
    with their start time as the event time, and read back. Returns the read-back events and
    what they were: [(file, index, hour start)]."""
    fields = [f[2:-1] for f in deployed.outputs["flow_logs_log_format"].split()]
    start = fields.index("start")
    base = (int(time.time()) // HOUR - 8) * HOUR
    sent, origin = [], {}
    for number, path in enumerate(sorted(FLOW_LOGS.glob("*.log"))):
        records = load_records(path)
        first_hour = min(int(r.split()[start]) for r in records) // HOUR * HOUR
        hour = base + number * HOUR
        for index, record in enumerate(records):
            moved = rebase(record, fields, hour - first_hour)
            sent.append((int(moved.split()[start]), moved))
            origin[moved] = (path.name, index, hour)
    stream = f"tfharness-{integration_run.run_id}"
    held = put_and_read_back(clients["logs"], LOG_GROUP, stream, sent)
    return {"sent": sent, "held": held, "origin": origin, "stream": stream, "start": start}


def test_fixture_records_are_held_by_the_flow_log_group(played, clients):
    assert sorted(m for _, m in played["held"]) == sorted(m for _, m in played["sent"])
    assert {int(ts) for ts, _ in played["held"]} == {ts for ts, _ in played["sent"]}
    found = clients["logs"].filter_log_events(
        logGroupName=LOG_GROUP, logStreamNames=[played["stream"]]
    )["events"]
    assert sorted(e["message"] for e in found) == sorted(m for _, m in played["sent"])


def test_each_record_feeds_exactly_its_metrics(played, wirings):
    held = played["held"]
    result = simulate(held, wirings)
    got = {metric: set() for metric in FEEDS}
    for i, (_, message) in enumerate(held):
        file, index, _ = played["origin"][message]
        for metric in result.metrics_fed(i):
            got[metric].add((file, index))
    for metric, expected in FEEDS.items():
        assert sorted(got[metric]) == sorted(expected), metric
    benign = [
        played["origin"][m][0]
        for i, (_, m) in enumerate(held)
        if played["origin"][m][0] in ("https.log", "nodata-skipdata.log")
    ]
    assert len(benign) == 6 and all(
        not result.metrics_fed(i)
        for i, (_, m) in enumerate(held)
        if played["origin"][m][0] in ("https.log", "nodata-skipdata.log")
    )


def test_thresholds_trip_exactly_for_the_attack_fixtures(played, wirings):
    """Per-metric sums per alarm period, from the records' start times and the filter's
    metricValue, compared with each alarm's threshold as the target holds it."""
    start = played["start"]
    events = [(int(m.split()[start]), m) for _, m in played["held"]]
    result = simulate(events, wirings)
    hours = {hour: file for file, _, hour in played["origin"].values()}
    tripped_by_file = {file: set() for file in TRIPS}
    for detector, alarm in ALARM.items():
        for period in result.breaching[alarm]:
            tripped_by_file[hours[period // HOUR * HOUR]].add(detector)
    assert tripped_by_file == TRIPS

    def total(detector: str, file: str) -> float:
        return sum(
            v
            for p, v in result.datapoints[ALARM[detector]].items()
            if hours[p // HOUR * HOUR] == file
        )

    # The sums behind the verdicts, one fixture (one hour) at a time.
    assert total("ssh_attempts", "ssh.log") == 5
    assert total("rdp_attempts", "rdp.log") == 3
    assert total("port_scan", "port-scan.log") == 20
    assert total("rejected_connections", "port-scan.log") == 21
    assert total("rejected_connections", "ssh.log") == 3
    assert total("large_transfers", "large-transfer.log") == 2
    assert all(result.tripped[a] for a in ALARM.values())


def test_benign_traffic_alone_trips_nothing(played, wirings):
    start = played["start"]
    benign = [
        (int(m.split()[start]), m)
        for _, m in played["held"]
        if played["origin"][m][0] in ("https.log", "nodata-skipdata.log")
    ]
    result = simulate(benign, wirings)
    assert not any(result.tripped.values()), result.datapoints


@pytest.mark.requires("metric_filter_evaluation")
def test_the_target_evaluates_the_filters_like_the_evaluator(played, wirings, clients):
    """Where the target runs TestMetricFilter (real AWS), it must agree record by record."""
    messages = [m for _, m in played["held"]]
    for wiring in wirings:
        pattern = wiring.compiled()
        for offset in range(0, len(messages), 50):
            chunk = messages[offset : offset + 50]
            answer = clients["logs"].test_metric_filter(
                filterPattern=wiring.pattern, logEventMessages=chunk
            )
            got = {m["eventNumber"] for m in answer["matches"]}
            expected = {i + 1 for i, m in enumerate(chunk) if pattern.matches(m)}
            assert got == expected, wiring.metric_name


@pytest.fixture(scope="module")
def live_ssh(deployed, clients, endpoint, integration_run, wirings, capabilities):
    """The SSH fixture, timed now, put into the applied flow-log group while an SQS queue
    listens on the alarm topic; the SSH alarm is then evaluated by the target itself."""
    # A module fixture is set up before the test's own `requires` marker is looked at.
    require(capabilities, "alarm_evaluation", "metric_filter_publishing")
    fields = [f[2:-1] for f in deployed.outputs["flow_logs_log_format"].split()]
    start = fields.index("start")
    records = load_records(FLOW_LOGS / "ssh.log")
    offset = int(time.time()) - min(int(r.split()[start]) for r in records)
    live = [rebase(r, fields, offset) for r in records]
    ssh = next(w for w in wirings if w.metric_name == METRIC["ssh_attempts"])
    topic = deployed.outputs["flow_logs_sns_topic_arn"]
    with AlarmInbox(endpoint, topic, f"tfharness-{integration_run.run_id}-vpc") as inbox:
        reset_to_ok(clients["cloudwatch"], ALARM["ssh_attempts"])
        put_and_read_back(
            clients["logs"],
            LOG_GROUP,
            f"tfharness-{integration_run.run_id}-live",
            [(int(m.split()[start]), m) for m in live],
        )
        matching = sum(1 for m in live if ssh.compiled().matches(m))

        def published() -> float:
            total = metric_sum(clients["cloudwatch"], NAMESPACE, METRIC["ssh_attempts"])
            assert total >= matching, f"the filter has published {total} of {matching}"
            return total

        total = eventually(published, timeout=60)
        wait_for_state(clients["cloudwatch"], ALARM["ssh_attempts"], "ALARM", timeout=600)
        notification = inbox.wait_for(ALARM["ssh_attempts"], "ALARM", timeout=120)
    return {"matching": matching, "published": total, "notification": notification}


@pytest.mark.requires("alarm_evaluation", "metric_filter_publishing")
def test_the_targets_filter_publishes_the_ssh_attempts(live_ssh):
    """Evaluated by the target: its own metric filter turned the records into metric values."""
    assert live_ssh["matching"] == DETECTORS["ssh_attempts"][1] == 5
    assert live_ssh["published"] >= live_ssh["matching"]


@pytest.mark.requires("alarm_evaluation", "metric_filter_publishing")
def test_the_target_raises_the_ssh_alarm_and_notifies_the_topic(live_ssh, deployed):
    """Evaluated by the target: the alarm reached ALARM on its own evaluation, and its
    notification went through the component's topic to the subscribed queue."""
    message = live_ssh["notification"]
    assert message["AlarmName"] == ALARM["ssh_attempts"]
    assert message["OldStateValue"] in ("OK", "INSUFFICIENT_DATA")  # a transition into ALARM
    assert message["NewStateValue"] == "ALARM"
    assert message["Trigger"]["MetricName"] == METRIC["ssh_attempts"]
    assert message["Trigger"]["Namespace"] == NAMESPACE
    assert message["Trigger"]["Threshold"] == float(DETECTORS["ssh_attempts"][1])
    assert deployed.outputs["flow_logs_sns_topic_arn"] in message.get("AlarmActions", [])


@pytest.mark.requires("alarm_evaluation", "metric_filter_patterns")
def test_only_the_ssh_alarm_fires_on_the_ssh_records(live_ssh, clients):
    """Where the target evaluates filter patterns too (real AWS), the SSH records trip the SSH
    alarm and nothing else. LocalStack Community counts every event for every filter (its
    pattern matcher accepts everything), so there every alarm on a filter metric fires."""
    states = {
        a["AlarmName"]: a["StateValue"]
        for a in clients["cloudwatch"].describe_alarms(AlarmNames=list(ALARM.values()))[
            "MetricAlarms"
        ]
    }
    assert {name for name, state in states.items() if state == "ALARM"} == {
        ALARM["ssh_attempts"]
    }, states


def test_replan_after_apply_is_clean(deployed):
    pending = deployed.replan_after_apply()
    assert pending is None, f"re-plan after apply is not empty:\n{drift(pending)}"
