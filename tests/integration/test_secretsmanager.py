"""secretsmanager on the integration target: secrets, key, resource policies, replica, values.

The fleet applies the ``integration`` scenario: the default (an API key written from the
write-only ``secret_values`` input, a database secret, a token replicated to us-west-2) without
the rotation of db/app, whose function is a placeholder ARN that Secrets Manager cannot invoke
(README "Emulator switches"; rotation is driven end to end on the rds component). The tests read
back what the target holds, prove the value was written although it is in neither the state
nor the outputs, and re-plan for idempotency.
"""

from __future__ import annotations

import json

import pytest

from tfharness.checks.aws import as_list, changes
from tfharness.checks.aws import policy_doc as doc
from tfharness.deploying.deployment import RUN_TAG

pytestmark = pytest.mark.integration

COMPONENT = "secretsmanager"
PREFIX = "app-dev"
REGION = "us-east-1"  # the scenario's region
SENTINEL = "s3cr3t-SENTINEL-value"  # the scenario's secret_values["payments/api-key"]
KEYS = ["db/app", "payments/api-key", "shared/token"]
READER = "arn:aws:iam::210987654321:role/payments"
REPLICA_KEY = "alias/aws/secretsmanager"  # the integration scenario: moto reports no other


@pytest.fixture(scope="module")
def deployed(fleet):
    return fleet.deployment(COMPONENT)


@pytest.fixture(scope="module")
def clients(endpoint):
    return {s: endpoint.boto3_client(s) for s in ("secretsmanager", "kms")}


@pytest.fixture(scope="module")
def described(deployed, clients) -> dict[str, dict]:
    sm = clients["secretsmanager"]
    return {
        k: sm.describe_secret(SecretId=arn) for k, arn in deployed.outputs["secret_arns"].items()
    }


def test_secrets_are_named_and_encrypted_with_the_component_key(deployed, described):
    out = deployed.outputs
    assert sorted(out["secret_names"]) == sorted(out["secret_arns"]) == KEYS
    assert out["rotated_secret_keys"] == []  # switched off for the emulator (see module doc)
    for key, secret in described.items():
        assert secret["Name"] == out["secret_names"][key] == f"{PREFIX}/{key}"
        assert secret["ARN"] == out["secret_arns"][key]
        assert secret["KmsKeyId"] == out["kms_key_arn"], key
        assert not secret.get("RotationEnabled", False), key
    assert described["payments/api-key"]["Description"] == "Payment provider API key."


def test_key_rotates_and_is_usable_only_through_secrets_manager(deployed, clients, target_identity):
    kms, key = clients["kms"], deployed.outputs["kms_key_arn"]
    assert kms.get_key_rotation_status(KeyId=key)["KeyRotationEnabled"] is True
    metadata = kms.describe_key(KeyId=key)["KeyMetadata"]
    assert metadata["KeyManager"] == "CUSTOMER" and metadata["KeyState"] == "Enabled"
    aliases = kms.list_aliases(KeyId=metadata["KeyId"])["Aliases"]
    assert [a["AliasName"] for a in aliases] == [f"alias/{PREFIX}-secrets"]
    policy = {
        s["Sid"]: s
        for s in doc(kms.get_key_policy(KeyId=key, PolicyName="default")["Policy"])["Statement"]
    }
    assert sorted(policy) == [
        "AccountAdministration",
        "ReadersDecryptThroughSecretsManager",
        "UseThroughSecretsManagerInThisAccount",
    ]
    use = policy["UseThroughSecretsManagerInThisAccount"]
    assert use["Condition"] == {
        "StringEquals": {
            "kms:ViaService": f"secretsmanager.{REGION}.amazonaws.com",
            "kms:CallerAccount": target_identity.account_id,
        }
    }
    readers = policy["ReadersDecryptThroughSecretsManager"]
    assert readers["Principal"] == {"AWS": READER}
    assert sorted(as_list(readers["Action"])) == ["kms:Decrypt", "kms:DescribeKey"]


def test_resource_policies_deny_everyone_outside_the_account_and_organisation(
    deployed, clients, target_identity
):
    sm = clients["secretsmanager"]
    for key, arn in deployed.outputs["secret_arns"].items():
        policy = doc(sm.get_resource_policy(SecretId=arn)["ResourcePolicy"])
        statements = {s["Sid"]: s for s in policy["Statement"]}
        deny = statements["DenyOutsideAccountOrOrganization"]
        assert deny["Effect"] == "Deny" and deny["Action"] == "secretsmanager:*", key
        assert deny["Principal"] == {"AWS": "*"}, key
        assert deny["Condition"] == {
            "StringNotEquals": {
                "aws:PrincipalAccount": target_identity.account_id,
                "aws:PrincipalOrgID": "o-abc123defg4",
            },
            "Bool": {"aws:PrincipalIsAWSService": "false"},
        }, key
        if key == "payments/api-key":
            reader = statements["AllowNamedReaders"]
            assert reader["Principal"] == {"AWS": READER}
            assert sorted(as_list(reader["Action"])) == [
                "secretsmanager:DescribeSecret",
                "secretsmanager:GetSecretValue",
            ]
        else:
            assert sorted(statements) == ["DenyOutsideAccountOrOrganization"], key


def test_managed_value_is_written(deployed, clients):
    sm = clients["secretsmanager"]
    value = sm.get_secret_value(SecretId=deployed.outputs["secret_arns"]["payments/api-key"])
    assert value["SecretString"] == SENTINEL
    assert "AWSCURRENT" in value["VersionStages"]


def test_unmanaged_secrets_get_no_value_from_terraform(deployed, clients):
    sm = clients["secretsmanager"]
    for key in ("db/app", "shared/token"):
        versions = sm.list_secret_version_ids(SecretId=deployed.outputs["secret_arns"][key])
        assert versions["Versions"] == [], key


def test_no_secret_value_in_the_state_or_the_outputs(deployed):
    state = deployed.workspace.state()
    text = json.dumps(state)
    assert SENTINEL not in text, "a secret value reached the Terraform state"
    assert SENTINEL not in json.dumps(deployed.outputs), "a secret value reached the outputs"
    raw = (deployed.workspace.dir / "terraform.tfstate").read_text()
    assert SENTINEL not in raw, "a secret value reached terraform.tfstate"
    versions = [
        r
        for r in state["values"]["root_module"]["resources"]
        if r["type"] == "aws_secretsmanager_secret_version"
    ]
    assert [v["index"] for v in versions] == ["payments/api-key"]
    values = versions[0]["values"]
    assert values.get("secret_string") in (None, "")
    assert values.get("secret_string_wo") is None
    assert values["secret_string_wo_version"] == 1


def test_token_is_replicated_to_the_dr_region_with_its_key(described):
    replicas = described["shared/token"].get("ReplicationStatus", [])
    assert [(r["Region"], r["KmsKeyId"]) for r in replicas] == [("us-west-2", REPLICA_KEY)]
    for key in ("db/app", "payments/api-key"):
        assert not described[key].get("ReplicationStatus"), key


def test_everything_carries_the_run_id(deployed, described, clients, integration_run):
    held = {
        key: {t["Key"]: t["Value"] for t in secret.get("Tags", [])}
        for key, secret in described.items()
    }
    held["key"] = {
        t["TagKey"]: t["TagValue"]
        for t in clients["kms"].list_resource_tags(KeyId=deployed.outputs["kms_key_arn"])["Tags"]
    }
    for what, tags in held.items():
        assert tags.get(RUN_TAG) == integration_run.run_id, f"{what}: {tags}"
        assert tags.get("Team") == "platform", f"{what}: {tags}"
    assert held["db/app"]["Name"] == f"{PREFIX}/db/app"


def test_replan_after_apply_is_clean(deployed):
    pending = deployed.replan_after_apply()
    assert pending is None, "re-plan after apply is not empty: " + ", ".join(
        f"{c.address} ({c.action})" for c in changes(pending)
    )
