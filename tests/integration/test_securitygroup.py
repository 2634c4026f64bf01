"""securitygroup on the integration target: the group and its rules in the vpc component's VPC,
the audit (EventBridge -> encrypted log groups -> metric filters) and the public-ingress alarm.

The fleet applies the `integration` scenario (tests/scenarios/securitygroup.yaml) with vpc_id
and vpc_cidr_block wired from the applied vpc. The Alarms end-to-end check sends realistic
CloudTrail AuthorizeSecurityGroupIngress events (0.0.0.0/0, ::/0, a private CIDR, a refused
call) through the EventBridge patterns the target holds (TestEventPattern), puts each into the
log group its rule targets, reads it back, and plays it through the metric filters and the
alarm the target holds (tfharness.checks.alarms). The fleet destroys everything at session end.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime

import pytest

from tfharness.checks.alarms import (
    eventbridge_matches,
    put_and_read_back,
    security_alarms,
    simulate,
)
from tfharness.checks.aws import as_list, drift, policy_doc, tags_of
from tfharness.checks.inbox import AlarmInbox, metric_sum, reset_to_ok, wait_for_state
from tfharness.deploying.capabilities import require
from tfharness.deploying.deployment import RUN_TAG
from tfharness.deploying.probes import eventually
from tfharness.deploying.targets import Identity

pytestmark = pytest.mark.integration

COMPONENT = "securitygroup"
PREFIX = "app-dev"
REGION = "us-east-1"  # the scenario's region
NAMESPACE = f"SecurityGroups/{PREFIX}"
LOG_GROUPS = {
    "changes": f"/aws/events/{PREFIX}/security-group-changes",
    "public_ingress": f"/aws/events/{PREFIX}/security-group-public-ingress",
}
RULES = {
    "changes": f"{PREFIX}-security-group-changes",
    "public_ingress": f"{PREFIX}-security-group-public-ingress",
}
ALARM = f"{PREFIX}-security-group-public-ingress"
SUBSCRIPTION = ("email", "security-alerts@example.com")
HOUR = 3600


@pytest.fixture(scope="module")
def deployed(fleet):
    return fleet.deployment(COMPONENT)


@pytest.fixture(scope="module")
def vpc(fleet):
    return fleet.deployment("vpc")


@pytest.fixture(scope="module")
def clients(endpoint):
    return {
        s: endpoint.boto3_client(s) for s in ("ec2", "logs", "kms", "sns", "cloudwatch", "events")
    }


def log_group_arn(identity: Identity, name: str) -> str:
    return identity.arn("logs", f"log-group:{name}", region=REGION)


# The group and its rules ----------------------------------------------------------------------


def test_group_is_in_the_applied_vpc(deployed, vpc, clients, integration_run):
    group = clients["ec2"].describe_security_groups(
        GroupIds=[deployed.outputs["security_group_id"]]
    )["SecurityGroups"][0]
    assert group["VpcId"] == vpc.outputs["vpc_id"]
    assert group["GroupName"] == PREFIX == deployed.outputs["security_group_name"]
    tags = tags_of(group.get("Tags"))
    assert tags[RUN_TAG] == integration_run.run_id and tags["Name"] == PREFIX


def test_rules_are_what_the_templates_expand_to(deployed, clients, integration_run):
    group_id = deployed.outputs["security_group_id"]
    rules = clients["ec2"].describe_security_group_rules(
        Filters=[{"Name": "group-id", "Values": [group_id]}]
    )["SecurityGroupRules"]

    def source(rule: dict) -> str:
        return (
            rule.get("CidrIpv4")
            or rule.get("CidrIpv6")
            or rule.get("PrefixListId")
            or (
                "self"
                if rule.get("ReferencedGroupInfo", {}).get("GroupId") == group_id
                else rule.get("ReferencedGroupInfo", {}).get("GroupId")
            )
        )

    held = {
        (r["IsEgress"], r["IpProtocol"], r.get("FromPort"), r.get("ToPort"), source(r))
        for r in rules
    }
    assert held == {
        (False, "tcp", 443, 443, "10.0.0.0/16"),  # https_from_vpc: the wired VPC CIDR
        (False, "tcp", 22, 22, "10.0.0.0/20"),  # ssh_from_bastion
        (False, "tcp", 5432, 5432, "10.0.128.0/20"),  # postgres_from_app, both app subnets
        (False, "tcp", 5432, 5432, "10.0.144.0/20"),
        (True, "tcp", 443, 443, "0.0.0.0/0"),  # the default egress
    }
    by_id = {r["SecurityGroupRuleId"]: r for r in rules}
    assert set(deployed.outputs["ingress_rule_ids"].values()) == {
        i for i, r in by_id.items() if not r["IsEgress"]
    }
    assert set(deployed.outputs["egress_rule_ids"].values()) == {
        i for i, r in by_id.items() if r["IsEgress"]
    }
    for key, rule_id in deployed.outputs["ingress_rule_ids"].items():
        tags = tags_of(by_id[rule_id].get("Tags"))
        assert tags[RUN_TAG] == integration_run.run_id and tags["Name"] == key
        assert by_id[rule_id].get("Description"), f"{key} has no description"
    assert deployed.outputs["public_ingress_rules"] == []


# Audit --------------------------------------------------------------------------------------


def test_audit_log_groups_are_encrypted_with_a_rotating_key(
    deployed, clients, integration_run, target_identity
):
    logs, kms = clients["logs"], clients["kms"]
    key_arn = deployed.outputs["audit_kms_key_arn"]
    for name in LOG_GROUPS.values():
        group = next(
            g
            for g in logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
            if g["logGroupName"] == name
        )
        assert group["kmsKeyId"] == key_arn and group["retentionInDays"] == 90, name
        tags = logs.list_tags_for_resource(resourceArn=log_group_arn(target_identity, name))["tags"]
        assert tags[RUN_TAG] == integration_run.run_id, name
    assert kms.get_key_rotation_status(KeyId=key_arn)["KeyRotationEnabled"] is True
    assert kms.describe_key(KeyId=key_arn)["KeyMetadata"]["KeyManager"] == "CUSTOMER"
    key_tags = {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=key_arn)["Tags"]}
    assert key_tags[RUN_TAG] == integration_run.run_id
    policy = policy_doc(kms.get_key_policy(KeyId=key_arn, PolicyName="default")["Policy"])
    [logs_use] = [
        s
        for s in policy["Statement"]
        if s.get("Principal", {}).get("Service") == f"logs.{REGION}.amazonaws.com"
    ]
    assert logs_use["Sid"] == "CloudWatchLogsUse"  # modules/kms-key: log_group_names
    assert sorted(as_list(logs_use["Action"])) == [
        "kms:Decrypt*",
        "kms:Describe*",
        "kms:Encrypt*",
        "kms:GenerateDataKey*",
        "kms:ReEncrypt*",
    ]
    allowed = logs_use["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"]
    assert sorted(as_list(allowed)) == sorted(
        log_group_arn(target_identity, n) for n in LOG_GROUPS.values()
    )
    # the alarm topic the component creates is encrypted with the key: CloudWatch may publish
    [publish] = [
        s for s in policy["Statement"] if s.get("Sid") == "ServicesPublishToEncryptedTopics"
    ]
    assert publish["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert sorted(as_list(publish["Action"])) == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert publish["Condition"] == {
        "StringEquals": {"aws:SourceAccount": target_identity.account_id}
    }


def test_log_resource_policy_lets_eventbridge_write_only_the_audit_groups(clients, target_identity):
    policies = clients["logs"].describe_resource_policies()["resourcePolicies"]
    [held] = [p for p in policies if p["policyName"] == f"{PREFIX}-security-group-audit"]
    [statement] = policy_doc(held["policyDocument"])["Statement"]
    services = statement["Principal"]["Service"]
    assert sorted([services] if isinstance(services, str) else services) == [
        "delivery.logs.amazonaws.com",
        "events.amazonaws.com",
    ]
    assert sorted(statement["Action"]) == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert sorted(statement["Resource"]) == sorted(
        f"{log_group_arn(target_identity, n)}:*" for n in LOG_GROUPS.values()
    )
    assert statement["Condition"] == {
        "StringEquals": {"aws:SourceAccount": target_identity.account_id}
    }


def test_eventbridge_rules_target_their_log_groups(
    deployed, clients, integration_run, target_identity
):
    events = clients["events"]
    for key, name in RULES.items():
        rule = events.describe_rule(Name=name)
        assert rule["State"] == "ENABLED" and rule.get("EventBusName", "default") == "default"
        pattern = json.loads(rule["EventPattern"])
        assert pattern["source"] == ["aws.ec2"]
        assert pattern["detail-type"] == ["AWS API Call via CloudTrail"]
        [target] = events.list_targets_by_rule(Rule=name)["Targets"]
        assert target["Arn"].removesuffix(":*") == log_group_arn(target_identity, LOG_GROUPS[key])
        tags = tags_of(events.list_tags_for_resource(ResourceARN=rule["Arn"])["Tags"])
        assert tags[RUN_TAG] == integration_run.run_id
    changes = json.loads(events.describe_rule(Name=RULES["changes"])["EventPattern"])
    assert sorted(changes["detail"]["eventName"]) == sorted(
        [
            "AuthorizeSecurityGroupIngress",
            "AuthorizeSecurityGroupEgress",
            "RevokeSecurityGroupIngress",
            "RevokeSecurityGroupEgress",
            "CreateSecurityGroup",
            "DeleteSecurityGroup",
        ]
    )
    assert deployed.outputs["event_rule_arn"].endswith(f":rule/{RULES['changes']}")
    assert deployed.outputs["public_ingress_event_rule_arn"].endswith(
        f":rule/{RULES['public_ingress']}"
    )


# Alarms end to end --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wirings(deployed, clients):
    return {
        key: security_alarms(clients["cloudwatch"], clients["logs"], clients["sns"], name)
        for key, name in LOG_GROUPS.items()
    }


def test_public_ingress_filter_feeds_an_alarm_that_notifies_the_subscribed_topic(
    deployed, wirings, clients, integration_run
):
    topic = deployed.outputs["alarm_sns_topic_arn"]
    [public] = wirings["public_ingress"]
    assert (public.filter_name, public.namespace, public.metric_name) == (
        f"{PREFIX}-public-ingress",
        NAMESPACE,
        "PublicIngressOpened",
    )
    assert (public.metric_value, public.default_value) == ("1", 0.0)
    [alarm] = public.alarms
    assert alarm.name == ALARM == deployed.outputs["public_ingress_alarm_name"]
    assert (alarm.namespace, alarm.metric_name) == (public.namespace, public.metric_name)
    assert (
        alarm.statistic,
        alarm.period,
        alarm.evaluation_periods,
        alarm.comparison,
        alarm.threshold,
    ) == ("Sum", 300, 1, "GreaterThanOrEqualToThreshold", 1.0)
    assert alarm.treat_missing_data == "notBreaching"
    assert alarm.alarm_actions == alarm.ok_actions == (topic,)
    assert alarm.subscriptions == {topic: (SUBSCRIPTION,)}

    sns = clients["sns"]
    attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    assert attributes["KmsMasterKeyId"] == deployed.outputs["audit_kms_key_arn"]
    assert (
        tags_of(sns.list_tags_for_resource(ResourceArn=topic)["Tags"])[RUN_TAG]
        == integration_run.run_id
    )
    [described] = clients["cloudwatch"].describe_alarms(AlarmNames=[ALARM])["MetricAlarms"]
    tags = tags_of(
        clients["cloudwatch"].list_tags_for_resource(ResourceARN=described["AlarmArn"])["Tags"]
    )
    assert tags[RUN_TAG] == integration_run.run_id


def test_the_change_count_is_an_activity_metric_without_an_alarm(wirings):
    """SecurityGroupChanges counts every successful change (dashboards, audits); alarming on
    it would page on every deployment, so by design only PublicIngressOpened alarms."""
    [changes] = wirings["changes"]
    assert (changes.namespace, changes.metric_name) == (NAMESPACE, "SecurityGroupChanges")
    assert changes.alarms == ()


def cloudtrail_event(
    identity: Identity,
    when: int,
    group_id: str,
    *,
    ipv4: list[str] = (),
    ipv6: list[str] = (),
    name: str = "AuthorizeSecurityGroupIngress",
    error: str | None = None,
) -> dict:
    """An EC2 security-group call, made in the target's account, as CloudTrail delivers it to
    EventBridge."""
    account = identity.account_id
    stamp = datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    request_id = str(uuid.uuid4())
    permission = {
        "ipProtocol": "tcp",
        "fromPort": 443,
        "toPort": 443,
        "groups": {},
        "ipRanges": {"items": [{"cidrIp": c} for c in ipv4]} if ipv4 else {},
        "ipv6Ranges": {"items": [{"cidrIpv6": c} for c in ipv6]} if ipv6 else {},
        "prefixListIds": {},
    }
    detail = {
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": "AROAEXAMPLEID:deployer",
            "arn": identity.arn("sts", "assumed-role/platform-deployer/deployer", region=""),
            "accountId": account,
            "sessionContext": {
                "sessionIssuer": {
                    "type": "Role",
                    "arn": identity.arn("iam", "role/platform-deployer", region=""),
                    "accountId": account,
                    "userName": "platform-deployer",
                }
            },
        },
        "eventTime": stamp,
        "eventSource": "ec2.amazonaws.com",
        "eventName": name,
        "awsRegion": REGION,
        "sourceIPAddress": "198.51.100.77",
        "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.5 exe/x86_64",
        "requestParameters": {
            "groupId": group_id,
            "ipPermissions": {
                "items": [
                    permission,
                    {
                        "ipProtocol": "tcp",
                        "fromPort": 8080,
                        "toPort": 8080,
                        "groups": {},
                        "ipv6Ranges": {},
                        "prefixListIds": {},
                        "ipRanges": {"items": [{"cidrIp": "10.0.0.0/16"}]},
                    },
                ]
            },
        },
        "responseElements": None if error else {"requestId": request_id, "_return": True},
        "requestID": request_id,
        "eventID": str(uuid.uuid4()),
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": account,
        "eventCategory": "Management",
    }
    if error:
        detail["errorCode"] = error
        detail["errorMessage"] = "You are not authorized to perform this operation."
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "AWS API Call via CloudTrail",
        "source": "aws.ec2",
        "account": account,
        "time": stamp,
        "region": REGION,
        "resources": [],
        "detail": detail,
    }


# case -> (CloudTrail call, the rules that route it, whether the public-ingress alarm trips)
CASES = {
    "open_ipv4": (dict(ipv4=["0.0.0.0/0"]), {"changes", "public_ingress"}, True),
    "open_ipv6": (dict(ipv6=["::/0"]), {"changes", "public_ingress"}, True),
    "private_cidr": (dict(ipv4=["10.20.0.0/16"]), {"changes"}, False),
    "refused_open": (
        dict(ipv4=["0.0.0.0/0"], error="Client.UnauthorizedOperation"),
        {"changes"},
        False,
    ),
    "revoke_open": (
        dict(ipv4=["0.0.0.0/0"], name="RevokeSecurityGroupIngress"),
        {"changes"},
        False,
    ),
}
# case -> what the change-count metric records (refused calls changed nothing)
CHANGES_COUNTED = {"open_ipv4", "open_ipv6", "private_cidr", "revoke_open"}


def target_test_event_pattern(events, identity: Identity) -> str | None:
    """None when the target answers TestEventPattern, else why not (moto 5.2.5 answers with
    an empty body: the operation is a stub)."""
    probe = {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "probe",
        "source": "tfharness.probe",
        "account": identity.account_id,
        "time": "2026-01-01T00:00:00Z",
        "region": identity.region,
        "resources": [],
        "detail": {},
    }
    try:
        answer = events.test_event_pattern(
            EventPattern='{"source": ["tfharness.probe"]}', Event=json.dumps(probe)
        )
    except Exception as error:  # any refusal means the target cannot evaluate patterns
        return f"the target refused TestEventPattern ({str(error).splitlines()[0][:120]})"
    if answer.get("Result") is not True:
        return (
            "the target does not evaluate TestEventPattern (answered without a Result: "
            "the operation is a stub)"
        )
    return None


@pytest.fixture(scope="module")
def routed(deployed, clients, integration_run, target_identity):
    """Each case in an hour of its own in the last day, sent through the rules' patterns as
    the target holds them (DescribeRule), put into the log group of every rule that matched,
    and read back. The target decides the routing where it answers TestEventPattern; else
    tfharness.checks.alarms.eventbridge_matches does, over the same patterns read back."""
    events = clients["events"]
    patterns = {k: events.describe_rule(Name=n)["EventPattern"] for k, n in RULES.items()}
    target_cannot = target_test_event_pattern(events, target_identity)

    def matches(pattern: str, event: str) -> bool:
        if target_cannot:
            return eventbridge_matches(json.loads(pattern), json.loads(event))
        return events.test_event_pattern(EventPattern=pattern, Event=event)["Result"]

    base = (int(time.time()) // HOUR - len(CASES) - 2) * HOUR
    hours, matched, per_group, sent_events = {}, {}, {k: [] for k in LOG_GROUPS}, {}
    for number, (case, (call, _, _)) in enumerate(CASES.items()):
        when = base + number * HOUR + 120
        group_id = deployed.outputs["security_group_id"]
        event = json.dumps(cloudtrail_event(target_identity, when, group_id, **call))
        hours[base + number * HOUR] = case
        sent_events[case] = event
        matched[case] = {k for k, p in patterns.items() if matches(p, event)}
        for key in matched[case]:
            per_group[key].append((when, event))
    stream = f"tfharness-{integration_run.run_id}"
    held = {
        key: put_and_read_back(clients["logs"], LOG_GROUPS[key], stream, sent)
        for key, sent in per_group.items()
        if sent
    }
    for key, sent in per_group.items():
        assert sorted(m for _, m in held.get(key, [])) == sorted(m for _, m in sent), key
    return {
        "hours": hours,
        "matched": matched,
        "held": held,
        "patterns": patterns,
        "events": sent_events,
        "target_cannot": target_cannot,
    }


def test_eventbridge_routes_only_public_openings_to_the_public_group(routed):
    assert routed["matched"] == {case: rules for case, (_, rules, _) in CASES.items()}


def test_the_target_routes_like_the_matcher(routed, clients):
    """Where the target evaluates event patterns itself, it agrees with the local matcher."""
    if routed["target_cannot"]:
        pytest.skip(routed["target_cannot"])
    for case, event in routed["events"].items():
        for key, pattern in routed["patterns"].items():
            local = eventbridge_matches(json.loads(pattern), json.loads(event))
            held = clients["events"].test_event_pattern(EventPattern=pattern, Event=event)
            assert held["Result"] == local, (case, key)


def test_public_ingress_alarm_trips_for_0_0_0_0_and_ipv6_any_only(routed, wirings):
    def case_of(timestamp: float) -> str:
        return routed["hours"][int(timestamp) // HOUR * HOUR]

    public_events = routed["held"]["public_ingress"]
    public = simulate(public_events, wirings["public_ingress"])
    tripped = {case_of(p) for p in public.breaching[ALARM]}
    assert tripped == {case for case, (_, _, trips) in CASES.items() if trips}
    assert all(v == 1 for v in public.datapoints[ALARM].values())
    assert public.tripped[ALARM]

    changes_events = routed["held"]["changes"]
    changes = simulate(changes_events, wirings["changes"])
    counted = {
        case_of(ts)
        for i, (ts, _) in enumerate(changes_events)
        if changes.metrics_fed(i) == {"SecurityGroupChanges"}
    }
    assert counted == CHANGES_COUNTED
    assert changes.tripped == {}, "no alarm watches the change count"


@pytest.mark.requires("metric_filter_evaluation")
def test_the_target_evaluates_the_audit_filters_like_the_evaluator(routed, wirings, clients):
    for key, held in routed["held"].items():
        messages = [m for _, m in held]
        for wiring in wirings[key]:
            answer = clients["logs"].test_metric_filter(
                filterPattern=wiring.pattern, logEventMessages=messages
            )
            expected = {i + 1 for i, m in enumerate(messages) if wiring.compiled().matches(m)}
            assert {m["eventNumber"] for m in answer["matches"]} == expected, wiring.metric_name


def _public_events(logs, stream_prefix: str) -> list[str]:
    """Messages the rules delivered into the public-ingress group (every stream)."""
    found = logs.filter_log_events(logGroupName=LOG_GROUPS["public_ingress"])["events"]
    return [e["message"] for e in found if not e.get("logStreamName", "").startswith(stream_prefix)]


@pytest.fixture(scope="module")
def live_opening(deployed, clients, endpoint, integration_run, target_identity, capabilities):
    """A 0.0.0.0/0 opening and a private one, sent now to the default event bus as CloudTrail
    would: the target's rules deliver them to their log groups, its filter publishes the public
    one, it evaluates the alarm, and the notification reaches a queue subscribed to the topic."""
    # A module fixture is set up before the test's own `requires` marker is looked at.
    require(capabilities, "eventbridge_delivery", "alarm_evaluation", "metric_filter_publishing")
    logs, cloudwatch, events = clients["logs"], clients["cloudwatch"], clients["events"]
    group_id = deployed.outputs["security_group_id"]
    now = int(time.time())
    public = cloudtrail_event(target_identity, now, group_id, ipv4=["0.0.0.0/0"])
    private = cloudtrail_event(target_identity, now, group_id, ipv4=["10.20.0.0/16"])
    stream = f"tfharness-{integration_run.run_id}"  # the streams this test module wrote itself
    topic = _alarm_actions(cloudwatch)[0]
    with AlarmInbox(endpoint, topic, f"tfharness-{integration_run.run_id}-sg") as inbox:
        reset_to_ok(cloudwatch, ALARM)
        before = metric_sum(cloudwatch, NAMESPACE, "PublicIngressOpened")
        answer = events.put_events(
            Entries=[
                {
                    "Source": "aws.ec2",
                    "DetailType": "AWS API Call via CloudTrail",
                    "Detail": json.dumps(event["detail"]),
                }
                for event in (public, private)
            ]
        )
        assert answer["FailedEntryCount"] == 0, answer

        def delivered() -> list[str]:
            messages = _public_events(logs, stream)
            assert any(public["detail"]["requestID"] in m for m in messages), messages
            return messages

        messages = eventually(delivered, timeout=60)

        def both_in_changes() -> list[str]:  # each rule delivers on its own: wait for both
            found = [
                e["message"]
                for e in logs.filter_log_events(logGroupName=LOG_GROUPS["changes"])["events"]
            ]
            for event in (public, private):
                assert any(event["detail"]["requestID"] in m for m in found), found
            return found

        changes = eventually(both_in_changes, timeout=60)

        def published() -> float:
            total = metric_sum(cloudwatch, NAMESPACE, "PublicIngressOpened")
            assert total > before, f"the filter published nothing ({before} -> {total})"
            return total

        total = eventually(published, timeout=60)
        wait_for_state(cloudwatch, ALARM, "ALARM", timeout=600)
        notification = inbox.wait_for(ALARM, "ALARM", timeout=120)
    return {
        "public": public,
        "private": private,
        "public_group": messages,
        "changes_group": changes,
        "published": total - before,
        "notification": notification,
        "topic": topic,
    }


def _alarm_actions(cloudwatch) -> list[str]:
    [alarm] = cloudwatch.describe_alarms(AlarmNames=[ALARM])["MetricAlarms"]
    return alarm["AlarmActions"]


@pytest.mark.requires("eventbridge_delivery", "alarm_evaluation", "metric_filter_publishing")
def test_the_targets_rules_deliver_openings_to_their_log_groups(live_opening):
    """Evaluated by the target: both openings reach the changes group, only the public one
    the public-ingress group."""
    public_id = live_opening["public"]["detail"]["requestID"]
    private_id = live_opening["private"]["detail"]["requestID"]
    assert any(public_id in m for m in live_opening["public_group"])
    assert not any(private_id in m for m in live_opening["public_group"])
    assert any(public_id in m for m in live_opening["changes_group"])
    assert any(private_id in m for m in live_opening["changes_group"])


@pytest.mark.requires("eventbridge_delivery", "alarm_evaluation", "metric_filter_publishing")
def test_the_target_raises_the_public_ingress_alarm_and_notifies_the_topic(live_opening):
    """Evaluated by the target: its filter published the opening, its alarm reached ALARM, and
    the notification went through the component's topic to the subscribed queue."""
    assert live_opening["published"] >= 1
    message = live_opening["notification"]
    assert message["AlarmName"] == ALARM
    assert message["NewStateValue"] == "ALARM"
    assert message["OldStateValue"] in ("OK", "INSUFFICIENT_DATA")  # a transition into ALARM
    assert message["Trigger"]["Namespace"] == NAMESPACE
    assert message["Trigger"]["MetricName"] == "PublicIngressOpened"
    assert live_opening["topic"] in message["AlarmActions"]


def test_replan_after_apply_is_clean(deployed):
    pending = deployed.replan_after_apply()
    assert pending is None, f"re-plan after apply is not empty:\n{drift(pending)}"
