"""external-secrets on the integration target: the operator's IRSA role as IAM holds it.

The fleet applies the ``default`` scenario: the OIDC provider is a placeholder ARN (IAM accepts
any federated principal in a trust policy), the operator reads ``dev/apps/*`` secrets and may
decrypt with one given key through Secrets Manager only. Nothing here needs an emulator switch.
"""

from __future__ import annotations

import pytest

from tfharness.checks.aws import as_list, changes
from tfharness.checks.aws import policy_doc as doc
from tfharness.deploying.deployment import RUN_TAG

pytestmark = pytest.mark.integration

COMPONENT = "external-secrets"
ROLE = "eso-dev-external-secrets"
REGION = "us-east-1"  # the scenario's region
ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"


@pytest.fixture(scope="module")
def deployed(fleet):
    return fleet.deployment(COMPONENT)


@pytest.fixture(scope="module")
def secrets_arn(target_identity) -> str:
    """The secrets the operator reads: dev/apps/* in the target's account."""
    return target_identity.arn("secretsmanager", "secret:dev/apps/*", region=REGION)


@pytest.fixture(scope="module")
def iam(endpoint):
    return endpoint.boto3_client("iam")


@pytest.fixture(scope="module")
def role(deployed, iam) -> dict:
    return iam.get_role(RoleName=ROLE)["Role"]


def test_outputs_name_the_role_and_what_it_reads(deployed, role, target_identity, secrets_arn):
    out = deployed.outputs
    assert out["iam_role_name"] == ROLE
    assert (
        out["iam_role_arn"] == role["Arn"] == target_identity.arn("iam", f"role/{ROLE}", region="")
    )
    assert out["service_account_annotation"] == {"eks.amazonaws.com/role-arn": role["Arn"]}
    assert out["secrets_arn_pattern"] == secrets_arn
    assert out.get("ssm_parameter_path_arn") is None  # SSM off; null outputs are not listed


def test_role_is_assumable_only_by_the_operator_service_account(deployed, role):
    oidc_provider_arn = deployed.scenario.vars["oidc_provider_arn"]  # the scenario's placeholder
    statements = doc(role["AssumeRolePolicyDocument"])["Statement"]
    assert len(statements) == 1
    trust = statements[0]
    assert trust["Effect"] == "Allow"
    assert trust["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert trust["Principal"] == {"Federated": oidc_provider_arn}
    assert trust["Condition"] == {
        "StringEquals": {
            f"{ISSUER}:sub": "system:serviceaccount:external-secrets:external-secrets",
            f"{ISSUER}:aud": "sts.amazonaws.com",
        }
    }
    assert role["MaxSessionDuration"] == 3600
    assert "PermissionsBoundary" not in role


def test_role_reads_only_its_prefix_and_decrypts_only_via_secret_stores(deployed, iam, secrets_arn):
    [key_arn] = deployed.scenario.vars["kms_key_arns"]  # the scenario's one key
    assert iam.list_role_policies(RoleName=ROLE)["PolicyNames"] == ["read-secrets"]
    assert iam.list_attached_role_policies(RoleName=ROLE)["AttachedPolicies"] == []
    policy = doc(iam.get_role_policy(RoleName=ROLE, PolicyName="read-secrets")["PolicyDocument"])
    statements = {s["Sid"]: s for s in policy["Statement"]}
    assert sorted(statements) == ["DecryptWithGivenKeysViaSecretStores", "ReadSecretsUnderPrefix"]
    read = statements["ReadSecretsUnderPrefix"]
    assert sorted(as_list(read["Action"])) == [
        "secretsmanager:DescribeSecret",
        "secretsmanager:GetSecretValue",
        "secretsmanager:ListSecretVersionIds",
    ]
    assert read["Resource"] == secrets_arn
    decrypt = statements["DecryptWithGivenKeysViaSecretStores"]
    assert decrypt["Action"] == "kms:Decrypt"
    assert decrypt["Resource"] == key_arn
    assert decrypt["Condition"] == {
        "StringEquals": {"kms:ViaService": f"secretsmanager.{REGION}.amazonaws.com"}
    }
    for statement in statements.values():
        assert statement["Effect"] == "Allow"
        assert not any(a == "*" or a.endswith(":*") for a in as_list(statement["Action"]))


def test_role_carries_the_run_id(role, iam, integration_run):
    tags = {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=ROLE)["Tags"]}
    assert tags.get(RUN_TAG) == integration_run.run_id, tags
    assert tags.get("Environment") == "dev" and tags.get("Name") == ROLE, tags


def test_replan_after_apply_is_clean(deployed):
    pending = deployed.replan_after_apply()
    assert pending is None, "re-plan after apply is not empty: " + ", ".join(
        f"{c.address} ({c.action})" for c in changes(pending)
    )
