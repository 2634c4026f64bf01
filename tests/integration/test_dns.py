"""dns on the integration target: the public zone, its records and query logging in us-east-1.

The fleet applies the `integration` scenario (tests/scenarios/dns.yaml: the default's public
zone dev.example.com with query logging and its records, in eu-west-1; no private zone, and the
query log group given by its ":*" ARN, see the README's "Emulator switches"). The query-logging
key, log group and resource policy go through the component's aliased us-east-1 provider, to
the same emulator endpoint. Each test reads back with boto3 what the target holds. The fleet
destroys everything at the end of the session.
"""

from __future__ import annotations

import pytest

from tfharness.checks.aws import drift, policy_doc, tags_of
from tfharness.deploying.deployment import RUN_TAG
from tfharness.deploying.targets import Identity

pytestmark = pytest.mark.integration

COMPONENT = "dns"
PREFIX = "core-dev"
ZONE = "dev.example.com"
QUERY_LOG_REGION = "us-east-1"  # Route 53 logs queries only to us-east-1
QUERY_LOG_GROUP = f"/aws/route53/{PREFIX}/public"


def query_log_group_arn(identity: Identity) -> str:
    return identity.arn("logs", f"log-group:{QUERY_LOG_GROUP}", region=QUERY_LOG_REGION)


def query_log_groups_arn(identity: Identity) -> str:
    """Every query log group of the component."""
    return identity.arn("logs", f"log-group:/aws/route53/{PREFIX}/*", region=QUERY_LOG_REGION)


@pytest.fixture(scope="module")
def deployed(fleet):
    return fleet.deployment(COMPONENT)


@pytest.fixture(scope="module")
def clients(endpoint):
    # Route 53 is global; the query-logging resources live in us-east-1, the endpoint's region.
    return {s: endpoint.boto3_client(s) for s in ("route53", "logs", "kms")}


@pytest.fixture(scope="module")
def zone_id(deployed) -> str:
    assert set(deployed.outputs["zone_ids"]) == {"public"}
    return deployed.outputs["zone_ids"]["public"]


@pytest.fixture(scope="module")
def query_log_key(deployed, clients) -> str:
    [group] = [
        g
        for g in clients["logs"].describe_log_groups(logGroupNamePrefix=QUERY_LOG_GROUP)[
            "logGroups"
        ]
        if g["logGroupName"] == QUERY_LOG_GROUP
    ]
    return group["kmsKeyId"]


def test_public_zone_is_what_was_planned(
    deployed, clients, zone_id, integration_run, target_identity
):
    route53 = clients["route53"]
    held = route53.get_hosted_zone(Id=zone_id)
    assert held["HostedZone"]["Name"] == f"{ZONE}."
    assert held["HostedZone"]["Config"]["PrivateZone"] is False
    assert held["HostedZone"]["Config"]["Comment"] == f"{PREFIX} public (managed by Terraform)"
    assert not held.get("VPCs"), "a public zone has no VPC"
    assert held["DelegationSet"]["NameServers"] == deployed.outputs["zone_name_servers"]["public"]
    assert (
        deployed.outputs["zone_arns"]["public"]
        == f"arn:{target_identity.partition}:route53:::hostedzone/{zone_id}"
    )
    tags = tags_of(
        route53.list_tags_for_resource(ResourceType="hostedzone", ResourceId=zone_id)[
            "ResourceTagSet"
        ]["Tags"]
    )
    assert tags[RUN_TAG] == integration_run.run_id
    assert tags["Name"] == ZONE and tags["Environment"] == "dev"
    assert deployed.outputs.get("dnssec_kms_key_arn") is None, "DNSSEC off"
    assert deployed.outputs["dnssec_ds_records"] == {}


def test_records_resolve_as_planned(deployed, clients, zone_id):
    sets = clients["route53"].list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
    ours = {(s["Name"], s["Type"]): s for s in sets if s["Type"] not in ("NS", "SOA")}
    assert set(ours) == {(f"www.{ZONE}.", "CNAME"), (f"{ZONE}.", "A")}
    www = ours[(f"www.{ZONE}.", "CNAME")]
    assert www["TTL"] == 60 and www["ResourceRecords"] == [{"Value": "app.dev.example.com"}]
    apex = ours[(f"{ZONE}.", "A")]
    assert "TTL" not in apex and "ResourceRecords" not in apex, "an alias has no TTL or values"
    assert apex["AliasTarget"]["HostedZoneId"] == "Z32O12XQLNTSW2"
    assert (
        apex["AliasTarget"]["DNSName"].rstrip(".")
        == "dualstack.my-alb-123456.eu-west-1.elb.amazonaws.com"
    )
    assert apex["AliasTarget"]["EvaluateTargetHealth"] is True
    assert deployed.outputs["record_fqdns"] == {"www": f"www.{ZONE}", "apex": ZONE}


def test_zone_queries_are_logged_to_the_us_east_1_group(
    deployed, clients, zone_id, target_identity
):
    group_arn = query_log_group_arn(target_identity)
    assert deployed.outputs["query_log_group_arns"] == {"public": group_arn}
    # Filtering by HostedZoneId fails on moto 5.2.5 (NoSuchHostedZone): list all, then filter.
    configs = [
        c
        for c in clients["route53"].list_query_logging_configs()["QueryLoggingConfigs"]
        if c["HostedZoneId"] == zone_id
    ]
    assert len(configs) == 1, "exactly one query logging configuration for the zone"
    # query_log_group_arn_wildcard (emulator switch) adds ":*"; the group is the same.
    assert configs[0]["CloudWatchLogsLogGroupArn"].removesuffix(":*") == group_arn


def test_query_log_group_is_encrypted_with_a_rotating_key_and_kept_a_year(
    clients, query_log_key, target_identity
):
    logs, kms = clients["logs"], clients["kms"]
    [group] = [
        g
        for g in logs.describe_log_groups(logGroupNamePrefix=QUERY_LOG_GROUP)["logGroups"]
        if g["logGroupName"] == QUERY_LOG_GROUP
    ]
    assert group["retentionInDays"] == 365
    assert group["arn"].removesuffix(":*") == query_log_group_arn(target_identity), "in us-east-1"
    key = kms.describe_key(KeyId=query_log_key)["KeyMetadata"]
    assert key["Arn"].startswith(f"arn:{target_identity.partition}:kms:{QUERY_LOG_REGION}:"), (
        "Route 53 logs only to us-east-1"
    )
    assert key["KeyManager"] == "CUSTOMER" and key["Enabled"] is True
    assert kms.get_key_rotation_status(KeyId=query_log_key)["KeyRotationEnabled"] is True
    assert [a["AliasName"] for a in kms.list_aliases(KeyId=query_log_key)["Aliases"]] == [
        f"alias/{PREFIX}-route53-query-logs"
    ]
    policy = policy_doc(kms.get_key_policy(KeyId=query_log_key, PolicyName="default")["Policy"])
    [logs_use] = [
        s
        for s in policy["Statement"]
        if s.get("Principal", {}).get("Service") == "logs.us-east-1.amazonaws.com"
    ]
    assert logs_use["Condition"] == {
        "ArnLike": {"kms:EncryptionContext:aws:logs:arn": query_log_groups_arn(target_identity)}
    }


def test_only_route53_for_this_account_may_write_query_logs(clients, target_identity):
    policies = clients["logs"].describe_resource_policies()["resourcePolicies"]
    [held] = [p for p in policies if p["policyName"] == f"{PREFIX}-route53-query-logs"]
    [statement] = policy_doc(held["policyDocument"])["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == {"Service": "route53.amazonaws.com"}
    actions = statement["Action"]
    assert sorted([actions] if isinstance(actions, str) else actions) == [
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    ]
    assert statement["Resource"] == query_log_groups_arn(target_identity)
    assert statement["Condition"] == {
        "StringEquals": {"aws:SourceAccount": target_identity.account_id},
        "ArnLike": {"aws:SourceArn": f"arn:{target_identity.partition}:route53:::hostedzone/*"},
    }


def test_us_east_1_resources_carry_the_component_tags(clients, query_log_key, target_identity):
    logs, kms = clients["logs"], clients["kms"]
    group_arn = query_log_group_arn(target_identity)
    group_tags = logs.list_tags_for_resource(resourceArn=group_arn)["tags"]
    assert group_tags["Name"] == f"{PREFIX}-public-query-logs"
    assert group_tags["Environment"] == "dev" and group_tags["ManagedBy"] == "terraform"
    key_tags = {
        t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=query_log_key)["Tags"]
    }
    assert key_tags["Name"] == f"{PREFIX}-route53-query-logs"


def test_us_east_1_resources_carry_the_run_tag(
    clients, query_log_key, integration_run, target_identity
):
    group_arn = query_log_group_arn(target_identity)
    group_tags = clients["logs"].list_tags_for_resource(resourceArn=group_arn)["tags"]
    key_tags = {
        t["TagKey"]: t["TagValue"]
        for t in clients["kms"].list_resource_tags(KeyId=query_log_key)["Tags"]
    }
    assert group_tags.get(RUN_TAG) == integration_run.run_id
    assert key_tags.get(RUN_TAG) == integration_run.run_id


def test_replan_after_apply_is_clean(deployed):
    pending = deployed.replan_after_apply()
    assert pending is None, f"re-plan after apply is not empty:\n{drift(pending)}"
