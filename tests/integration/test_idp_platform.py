"""idp-platform on the integration target: the portal's bucket, repository, secret and role.

The fleet applies the ``default`` scenario: the database secret's value is set out of band, so
no credential passes through Terraform; the OIDC provider is a placeholder ARN (IAM accepts any
federated principal in a trust policy). The tests read back what the target holds, check that
no secret value reached the state or the outputs, and re-plan for idempotency.
"""

from __future__ import annotations

import json

import pytest

from tfharness.checks.aws import as_list, changes, statements
from tfharness.checks.aws import policy_doc as doc
from tfharness.deploying.deployment import RUN_TAG

# What the component's apply needs from the target: where it lacks one, the component
# is not applied and its tests skip, saying why.
pytestmark = [pytest.mark.integration, pytest.mark.requires("ecr_repositories")]

COMPONENT = "idp-platform"
PREFIX = "idp-dev"
REGION = "us-east-1"  # the scenario's region
REPOSITORY = f"{PREFIX}/portal"
SECRET = f"{PREFIX}/portal/database"
ROLE = f"{PREFIX}-portal"
ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"


@pytest.fixture(scope="module")
def deployed(fleet):
    return fleet.deployment(COMPONENT)


@pytest.fixture(scope="module")
def clients(endpoint):
    return {s: endpoint.boto3_client(s) for s in ("s3", "ecr", "secretsmanager", "kms", "iam")}


@pytest.fixture(scope="module")
def bucket(target_identity) -> str:
    return f"{PREFIX}-techdocs-{target_identity.account_id}"


@pytest.fixture(scope="module")
def bucket_arn(target_identity, bucket) -> str:
    return f"arn:{target_identity.partition}:s3:::{bucket}"


def test_key_rotates_and_is_customer_managed(deployed, clients):
    kms, key = clients["kms"], deployed.outputs["kms_key_arn"]
    assert kms.get_key_rotation_status(KeyId=key)["KeyRotationEnabled"] is True
    metadata = kms.describe_key(KeyId=key)["KeyMetadata"]
    assert metadata["KeyManager"] == "CUSTOMER" and metadata["KeyState"] == "Enabled"
    aliases = kms.list_aliases(KeyId=metadata["KeyId"])["Aliases"]
    assert [a["AliasName"] for a in aliases] == [f"alias/{PREFIX}-portal"]


# TechDocs ---------------------------------------------------------------------------------


def test_techdocs_bucket_is_private_versioned_and_encrypted_with_the_key(
    deployed, clients, bucket, bucket_arn
):
    s3 = clients["s3"]
    assert deployed.outputs["techdocs_bucket_name"] == bucket
    assert deployed.outputs["techdocs_bucket_arn"] == bucket_arn
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": deployed.outputs["kms_key_arn"],
    }
    assert rule["BucketKeyEnabled"] is True
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert block == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    controls = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]
    assert controls["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]


def test_techdocs_bucket_refuses_plain_http(clients, bucket, bucket_arn):
    deny = statements(clients["s3"].get_bucket_policy(Bucket=bucket)["Policy"])
    # The s3-bucket module's rules: plain HTTP, TLS below 1.2, uploads not asking for SSE-KMS.
    assert list(deny) == ["DenyInsecureTransport", "DenyOutdatedTLS", "DenyNonKmsEncryption"]
    statement = deny["DenyInsecureTransport"]
    assert statement["Effect"] == "Deny" and statement["Action"] == "s3:*"
    assert sorted(as_list(statement["Resource"])) == [
        bucket_arn,
        f"{bucket_arn}/*",
    ]
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_techdocs_bucket_expires_replaced_docs(clients, bucket):
    rules = clients["s3"].get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert [r["ID"] for r in rules] == ["expire-replaced-docs"]
    assert rules[0]["Status"] == "Enabled"
    assert rules[0]["NoncurrentVersionExpiration"]["NoncurrentDays"] == 30
    assert rules[0]["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 7}


# Image repository -------------------------------------------------------------------------


def test_repository_is_immutable_scanned_and_encrypted_with_the_key(deployed, clients):
    ecr = clients["ecr"]
    repo = ecr.describe_repositories(repositoryNames=[REPOSITORY])["repositories"][0]
    assert deployed.outputs["ecr_repository_url"] == repo["repositoryUri"]
    assert repo["imageTagMutability"] == "IMMUTABLE"
    assert repo["imageScanningConfiguration"] == {"scanOnPush": True}
    assert repo["encryptionConfiguration"] == {
        "encryptionType": "KMS",
        "kmsKey": deployed.outputs["kms_key_arn"],
    }
    rules = json.loads(ecr.get_lifecycle_policy(repositoryName=REPOSITORY)["lifecyclePolicyText"])[
        "rules"
    ]
    assert [
        (r["rulePriority"], r["selection"]["tagStatus"], r["selection"]["countNumber"])
        for r in rules
    ] == [(1, "untagged", 7), (2, "any", 30)]
    assert all(r["action"] == {"type": "expire"} for r in rules)


# Database secret --------------------------------------------------------------------------


def test_database_secret_is_encrypted_with_the_key_and_has_no_value_from_terraform(
    deployed, clients
):
    sm = clients["secretsmanager"]
    secret = sm.describe_secret(SecretId=SECRET)
    assert secret["ARN"] == deployed.outputs["database_secret_arn"]
    assert deployed.outputs["database_secret_name"] == SECRET
    assert secret["KmsKeyId"] == deployed.outputs["kms_key_arn"]
    assert not secret.get("RotationEnabled", False)
    # The value is set out of band: Terraform wrote no version.
    assert sm.list_secret_version_ids(SecretId=SECRET)["Versions"] == []


def test_no_secret_value_reaches_state_or_outputs(deployed):
    resources = deployed.workspace.state()["values"]["root_module"]["resources"]
    types = {r["type"] for r in resources}
    assert "aws_secretsmanager_secret" in types
    assert "aws_secretsmanager_secret_version" not in types
    assert not any(
        isinstance(v, str) and "password" in v.lower() for v in deployed.outputs.values()
    )


# The portal's role ------------------------------------------------------------------------


def test_portal_role_is_assumable_only_by_the_portal_service_account(deployed, clients):
    oidc_provider_arn = deployed.scenario.vars["oidc_provider_arn"]  # the scenario's placeholder
    role = clients["iam"].get_role(RoleName=ROLE)["Role"]
    assert deployed.outputs["portal_role_arn"] == role["Arn"]
    trust = doc(role["AssumeRolePolicyDocument"])["Statement"]
    assert len(trust) == 1
    assert trust[0]["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert trust[0]["Principal"] == {"Federated": oidc_provider_arn}
    assert trust[0]["Condition"] == {
        "StringEquals": {
            f"{ISSUER}:sub": "system:serviceaccount:backstage:backstage",
            f"{ISSUER}:aud": "sts.amazonaws.com",
        }
    }


def test_portal_role_reaches_only_its_secret_bucket_and_key(
    deployed, clients, target_identity, bucket_arn
):
    iam = clients["iam"]
    assert sorted(iam.list_role_policies(RoleName=ROLE)["PolicyNames"]) == ["portal", "portal-key"]
    portal = statements(iam.get_role_policy(RoleName=ROLE, PolicyName="portal")["PolicyDocument"])
    assert sorted(portal) == [
        "ListTechDocsBucket",
        "ReadDatabaseSecret",
        "ReadWriteTechDocsObjects",
    ]
    assert portal["ReadDatabaseSecret"]["Resource"] == target_identity.arn(
        "secretsmanager", f"secret:{SECRET}-??????", region=REGION
    )
    assert sorted(as_list(portal["ReadDatabaseSecret"]["Action"])) == [
        "secretsmanager:DescribeSecret",
        "secretsmanager:GetSecretValue",
    ]
    assert portal["ListTechDocsBucket"]["Resource"] == bucket_arn
    assert portal["ReadWriteTechDocsObjects"]["Resource"] == f"{bucket_arn}/*"
    key = statements(iam.get_role_policy(RoleName=ROLE, PolicyName="portal-key")["PolicyDocument"])[
        "UsePortalKeyViaSecretsManagerAndS3"
    ]
    assert key["Resource"] == deployed.outputs["kms_key_arn"]
    assert sorted(as_list(key["Action"])) == ["kms:Decrypt", "kms:GenerateDataKey"]
    assert sorted(as_list(key["Condition"]["StringEquals"]["kms:ViaService"])) == [
        f"s3.{REGION}.amazonaws.com",
        f"secretsmanager.{REGION}.amazonaws.com",
    ]
    for statement in [*portal.values(), key]:
        assert not any(a == "*" or a.endswith(":*") for a in as_list(statement["Action"]))


def test_everything_carries_the_run_id(deployed, clients, integration_run, bucket):
    out = deployed.outputs
    repo_arn = clients["ecr"].describe_repositories(repositoryNames=[REPOSITORY])["repositories"][
        0
    ]["repositoryArn"]
    held = {
        "bucket": {
            t["Key"]: t["Value"] for t in clients["s3"].get_bucket_tagging(Bucket=bucket)["TagSet"]
        },
        "repository": {
            t["Key"]: t["Value"]
            for t in clients["ecr"].list_tags_for_resource(resourceArn=repo_arn)["tags"]
        },
        "secret": {
            t["Key"]: t["Value"]
            for t in clients["secretsmanager"].describe_secret(SecretId=SECRET)["Tags"]
        },
        "key": {
            t["TagKey"]: t["TagValue"]
            for t in clients["kms"].list_resource_tags(KeyId=out["kms_key_arn"])["Tags"]
        },
        "role": {
            t["Key"]: t["Value"] for t in clients["iam"].list_role_tags(RoleName=ROLE)["Tags"]
        },
    }
    for what, tags in held.items():
        assert tags.get(RUN_TAG) == integration_run.run_id, f"{what}: {tags}"
        assert tags.get("Environment") == "dev", f"{what}: {tags}"


def test_replan_after_apply_is_clean(deployed):
    pending = deployed.replan_after_apply()
    assert pending is None, "re-plan after apply is not empty: " + ", ".join(
        f"{c.address} ({c.action})" for c in changes(pending)
    )
