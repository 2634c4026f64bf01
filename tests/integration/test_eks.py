"""eks on the integration target: the private control plane, its encryption, logs and IRSA.

The fleet applies the `integration` scenario (tests/scenarios/eks.yaml) with subnet_ids taken
from the vpc component's private subnets (tests/integration/conftest.py WIRING), without the
node group, access entries, access_config and upgrade_policy, which moto 5.2.5 cannot create or
re-plan cleanly (see the README's "Emulator switches"). Each test reads back with boto3 what
the target holds. The fleet destroys everything at the end of the session, eks before vpc.
"""

from __future__ import annotations

import pytest

from tfharness.checks.aws import as_list, drift, policy_doc, tags_of
from tfharness.deploying.deployment import RUN_TAG
from tfharness.deploying.targets import Identity

# What the component's apply needs from the target: where it lacks one, the component
# is not applied and its tests skip, saying why.
pytestmark = [pytest.mark.integration, pytest.mark.requires("eks_clusters")]

COMPONENT = "eks"
CLUSTER = "platform-dev"
REGION = "us-east-1"  # the scenario's region
LOG_GROUP = f"/aws/eks/{CLUSTER}/cluster"
LOG_TYPES = {"api", "audit", "authenticator", "controllerManager", "scheduler"}


def log_group_arn(identity: Identity) -> str:
    return identity.arn("logs", f"log-group:{LOG_GROUP}", region=REGION)


@pytest.fixture(scope="module")
def deployed(fleet):
    return fleet.deployment(COMPONENT)


@pytest.fixture(scope="module")
def network(fleet):
    return fleet.deployment("vpc").outputs


@pytest.fixture(scope="module")
def clients(endpoint):
    return {s: endpoint.boto3_client(s) for s in ("eks", "iam", "kms", "logs")}


@pytest.fixture(scope="module")
def cluster(deployed, clients) -> dict:
    return clients["eks"].describe_cluster(name=deployed.outputs["cluster_name"])["cluster"]


def test_control_plane_is_private_in_the_vpc_private_subnets(
    deployed, cluster, network, integration_run
):
    assert cluster["name"] == CLUSTER == deployed.outputs["cluster_name"]
    assert cluster["arn"] == deployed.outputs["cluster_arn"]
    assert cluster["status"] == "ACTIVE"
    assert cluster["version"] == "1.32" == deployed.outputs["cluster_version"]
    assert cluster["roleArn"] == deployed.outputs["cluster_role_arn"]
    vpc_config = cluster["resourcesVpcConfig"]
    assert sorted(vpc_config["subnetIds"]) == sorted(network["private_subnet_ids"])
    assert vpc_config["endpointPrivateAccess"] is True
    assert vpc_config["endpointPublicAccess"] is False, "the API server is not on the internet"
    assert cluster["endpoint"] == deployed.outputs["cluster_endpoint"]
    assert cluster["tags"][RUN_TAG] == integration_run.run_id
    assert cluster["tags"]["Name"] == CLUSTER and cluster["tags"]["Environment"] == "dev"


def test_secrets_are_envelope_encrypted_with_a_rotating_key(
    deployed, cluster, clients, integration_run
):
    [config] = cluster["encryptionConfig"]
    assert config["resources"] == ["secrets"]
    key_arn = config["provider"]["keyArn"]
    assert key_arn == deployed.outputs["secrets_kms_key_arn"]
    kms = clients["kms"]
    assert kms.describe_key(KeyId=key_arn)["KeyMetadata"]["KeyManager"] == "CUSTOMER"
    assert kms.get_key_rotation_status(KeyId=key_arn)["KeyRotationEnabled"] is True
    assert [a["AliasName"] for a in kms.list_aliases(KeyId=key_arn)["Aliases"]] == [
        f"alias/{CLUSTER}-eks-secrets"
    ]
    key_tags = {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=key_arn)["Tags"]}
    assert key_tags[RUN_TAG] == integration_run.run_id


def test_every_control_plane_log_goes_to_the_encrypted_group(
    deployed, cluster, clients, integration_run, target_identity
):
    group_arn = log_group_arn(target_identity)
    enabled = {
        t
        for entry in cluster["logging"]["clusterLogging"]
        if entry.get("enabled")
        for t in entry["types"]
    }
    assert enabled == LOG_TYPES
    logs, kms = clients["logs"], clients["kms"]
    assert deployed.outputs["cluster_log_group_name"] == LOG_GROUP
    [group] = [
        g
        for g in logs.describe_log_groups(logGroupNamePrefix=LOG_GROUP)["logGroups"]
        if g["logGroupName"] == LOG_GROUP
    ]
    assert group["retentionInDays"] == 365
    key_arn = group["kmsKeyId"]
    assert key_arn != deployed.outputs["secrets_kms_key_arn"], "logs have their own key"
    assert kms.get_key_rotation_status(KeyId=key_arn)["KeyRotationEnabled"] is True
    assert (
        logs.list_tags_for_resource(resourceArn=group_arn)["tags"][RUN_TAG]
        == integration_run.run_id
    )
    policy = policy_doc(kms.get_key_policy(KeyId=key_arn, PolicyName="default")["Policy"])
    [logs_use] = [
        s
        for s in policy["Statement"]
        if s.get("Principal", {}).get("Service") == f"logs.{REGION}.amazonaws.com"
    ]
    assert logs_use["Condition"] == {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": group_arn}}


def test_cluster_role_trusts_eks_and_may_use_only_the_secrets_key(
    deployed, clients, integration_run, target_identity
):
    iam = clients["iam"]
    name = deployed.outputs["cluster_role_arn"].rsplit("/", 1)[1]
    assert name == f"{CLUSTER}-eks-cluster"
    role = iam.get_role(RoleName=name)["Role"]
    assert tags_of(role.get("Tags"))[RUN_TAG] == integration_run.run_id
    [trust] = policy_doc(role["AssumeRolePolicyDocument"])["Statement"]
    assert trust["Principal"] == {"Service": "eks.amazonaws.com"}
    assert trust["Action"] == "sts:AssumeRole"
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": target_identity.account_id}}
    attached = iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [
        f"arn:{target_identity.partition}:iam::aws:policy/AmazonEKSClusterPolicy"
    ]
    assert iam.list_role_policies(RoleName=name)["PolicyNames"] == ["secrets-encryption"]
    [statement] = policy_doc(
        iam.get_role_policy(RoleName=name, PolicyName="secrets-encryption")["PolicyDocument"]
    )["Statement"]
    assert sorted(as_list(statement["Action"])) == [
        "kms:Decrypt",
        "kms:DescribeKey",
        "kms:Encrypt",
        "kms:ListGrants",
    ]
    assert statement["Resource"] == deployed.outputs["secrets_kms_key_arn"]


def test_irsa_provider_trusts_the_cluster_issuer_for_sts(
    deployed, cluster, clients, integration_run, target_identity
):
    issuer = cluster["identity"]["oidc"]["issuer"]
    assert issuer == deployed.outputs["cluster_oidc_issuer_url"]
    arn = deployed.outputs["oidc_provider_arn"]
    assert arn == target_identity.arn(
        "iam", f"oidc-provider/{issuer.removeprefix('https://')}", region=""
    )
    provider = clients["iam"].get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert provider["Url"].removeprefix("https://") == issuer.removeprefix("https://")
    assert provider["ClientIDList"] == ["sts.amazonaws.com"]
    assert not provider.get("ThumbprintList"), "no pinned thumbprint by default"
    assert tags_of(provider.get("Tags"))[RUN_TAG] == integration_run.run_id


def test_no_node_group_or_access_entry_in_this_scenario(deployed, clients):
    """Emulator switches: create_node_group = false, cluster_admin_principal_arns = []."""
    assert clients["eks"].list_nodegroups(clusterName=CLUSTER)["nodegroups"] == []
    for output in ("node_group_arn", "node_role_arn", "launch_template_id"):
        assert deployed.outputs.get(output) is None, output


def test_replan_after_apply_is_clean(deployed):
    pending = deployed.replan_after_apply()
    assert pending is None, f"re-plan after apply is not empty:\n{drift(pending)}"
