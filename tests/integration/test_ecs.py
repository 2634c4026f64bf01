"""ecs on the integration target: the Fargate cluster, ECS Exec encryption and session logging.

The fleet applies the `integration` scenario (tests/scenarios/ecs.yaml: the default cluster,
nothing switched off; see the README's "Emulator switches"). Each test reads back with boto3
what the target holds. The fleet destroys everything at the end of the session.
"""

from __future__ import annotations

import pytest

from tfharness.checks.aws import as_list, drift, policy_doc
from tfharness.deploying.deployment import RUN_TAG
from tfharness.deploying.targets import Identity

# What the component's apply needs from the target: where it lacks one, the component
# is not applied and its tests skip, saying why.
pytestmark = [pytest.mark.integration, pytest.mark.requires("ecs_clusters")]

COMPONENT = "ecs"
CLUSTER = "apps-dev"
REGION = "us-east-1"  # the scenario's region
EXEC_LOG_GROUP = f"/aws/ecs/{CLUSTER}/exec"


def exec_log_group_arn(identity: Identity) -> str:
    return identity.arn("logs", f"log-group:{EXEC_LOG_GROUP}", region=REGION)


@pytest.fixture(scope="module")
def deployed(fleet):
    return fleet.deployment(COMPONENT)


@pytest.fixture(scope="module")
def clients(endpoint):
    return {s: endpoint.boto3_client(s) for s in ("ecs", "logs", "kms", "iam")}


@pytest.fixture(scope="module")
def cluster(deployed, clients) -> dict:
    [found] = clients["ecs"].describe_clusters(
        clusters=[deployed.outputs["cluster_arn"]], include=["CONFIGURATIONS", "SETTINGS", "TAGS"]
    )["clusters"]
    return found


def test_cluster_has_container_insights_and_fargate_capacity(deployed, cluster, integration_run):
    assert cluster["clusterName"] == CLUSTER == deployed.outputs["cluster_name"]
    assert cluster["status"] == "ACTIVE"
    assert {s["name"]: s["value"] for s in cluster["settings"]} == {"containerInsights": "enabled"}
    assert sorted(cluster["capacityProviders"]) == ["FARGATE", "FARGATE_SPOT"]
    assert sorted(deployed.outputs["capacity_providers"]) == ["FARGATE", "FARGATE_SPOT"]
    strategy = {
        s["capacityProvider"]: (s["weight"], s.get("base", 0))
        for s in cluster["defaultCapacityProviderStrategy"]
    }
    assert strategy == {"FARGATE": (1, 1), "FARGATE_SPOT": (3, 0)}, (
        "one task on FARGATE first, then 1:3 FARGATE:FARGATE_SPOT"
    )
    tags = {t["key"]: t["value"] for t in cluster["tags"]}
    assert tags[RUN_TAG] == integration_run.run_id
    assert tags["Name"] == CLUSTER and tags["Environment"] == "dev"


def test_exec_sessions_are_encrypted_and_logged_to_the_encrypted_group(deployed, cluster):
    config = cluster["configuration"]["executeCommandConfiguration"]
    assert config["kmsKeyId"] == deployed.outputs["kms_key_arn"]
    assert config["logging"] == "OVERRIDE"
    assert config["logConfiguration"]["cloudWatchLogGroupName"] == EXEC_LOG_GROUP
    assert config["logConfiguration"]["cloudWatchEncryptionEnabled"] is True
    assert deployed.outputs["exec_log_group_name"] == EXEC_LOG_GROUP


def test_exec_log_group_and_key(deployed, clients, integration_run, target_identity):
    group_arn = exec_log_group_arn(target_identity)
    logs, kms = clients["logs"], clients["kms"]
    key_arn = deployed.outputs["kms_key_arn"]
    [group] = [
        g
        for g in logs.describe_log_groups(logGroupNamePrefix=EXEC_LOG_GROUP)["logGroups"]
        if g["logGroupName"] == EXEC_LOG_GROUP
    ]
    assert group["kmsKeyId"] == key_arn and group["retentionInDays"] == 365
    assert (
        logs.list_tags_for_resource(resourceArn=group_arn)["tags"][RUN_TAG]
        == integration_run.run_id
    )

    key = kms.describe_key(KeyId=key_arn)["KeyMetadata"]
    assert key["KeyManager"] == "CUSTOMER" and key["Enabled"] is True
    assert kms.get_key_rotation_status(KeyId=key_arn)["KeyRotationEnabled"] is True
    assert [a["AliasName"] for a in kms.list_aliases(KeyId=key_arn)["Aliases"]] == [
        f"alias/{CLUSTER}-ecs-exec"
    ]
    key_tags = {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=key_arn)["Tags"]}
    assert key_tags[RUN_TAG] == integration_run.run_id
    policy = policy_doc(kms.get_key_policy(KeyId=key_arn, PolicyName="default")["Policy"])
    [logs_use] = [
        s
        for s in policy["Statement"]
        if s.get("Principal", {}).get("Service") == f"logs.{REGION}.amazonaws.com"
    ]
    assert logs_use["Sid"] == "CloudWatchLogsUse"
    assert sorted(as_list(logs_use["Action"])) == [
        "kms:Decrypt*",
        "kms:Describe*",
        "kms:Encrypt*",
        "kms:GenerateDataKey*",
        "kms:ReEncrypt*",
    ]
    assert logs_use["Condition"] == {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": group_arn}}


def test_exec_policy_grants_only_what_ecs_exec_needs(
    deployed, clients, integration_run, target_identity
):
    iam, arn = clients["iam"], deployed.outputs["exec_policy_arn"]
    policy = iam.get_policy(PolicyArn=arn)["Policy"]
    assert policy["PolicyName"] == f"{CLUSTER}-ecs-exec"
    assert {t["Key"]: t["Value"] for t in policy.get("Tags", [])}[RUN_TAG] == integration_run.run_id
    document = policy_doc(
        iam.get_policy_version(PolicyArn=arn, VersionId=policy["DefaultVersionId"])[
            "PolicyVersion"
        ]["Document"]
    )
    statements = {s["Sid"]: s for s in document["Statement"]}
    assert set(statements) == {
        "SsmMessageChannels",
        "SessionEncryption",
        "SessionLogs",
        "SessionLogGroupLookup",
    }
    assert all(s["Effect"] == "Allow" for s in statements.values())
    assert sorted(as_list(statements["SsmMessageChannels"]["Action"])) == [
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
    ]
    assert sorted(as_list(statements["SessionEncryption"]["Action"])) == [
        "kms:Decrypt",
        "kms:GenerateDataKey",
    ]
    assert statements["SessionEncryption"]["Resource"] == deployed.outputs["kms_key_arn"]
    assert sorted(as_list(statements["SessionLogs"]["Action"])) == [
        "logs:CreateLogStream",
        "logs:DescribeLogStreams",
        "logs:PutLogEvents",
    ]
    assert statements["SessionLogs"]["Resource"] == f"{exec_log_group_arn(target_identity)}:*"
    assert as_list(statements["SessionLogGroupLookup"]["Action"]) == ["logs:DescribeLogGroups"]
    # "*" only where the actions support no resource-level permissions.
    wildcard = {sid for sid, s in statements.items() if s["Resource"] == "*"}
    assert wildcard == {"SsmMessageChannels", "SessionLogGroupLookup"}


def test_replan_after_apply_is_clean(deployed):
    pending = deployed.replan_after_apply()
    assert pending is None, f"re-plan after apply is not empty:\n{drift(pending)}"
