"""iam on the integration target: password policy, boundary, MFA/OIDC roles, read back.

The fleet applies the `integration` scenario (tests/scenarios/iam.yaml: the default without
Access Analyzer, and the CI role given an AWS-managed policy, see the README's "Emulator
switches"). Each test reads back with boto3 what the target holds, as tests/unit/test_iam.py
planned it. The Access Analyzer is checked by a small deployment of its own where the target
has it. The fleet destroys everything at the end of the session.
"""

from __future__ import annotations

import pytest

from tfharness.checks.aws import as_list, drift, policy_doc, tags_of
from tfharness.deploying.deployment import RUN_TAG
from tfharness.deploying.targets import Identity

pytestmark = pytest.mark.integration

COMPONENT = "iam"
PREFIX = "baseline-dev"
TRUSTED = "arn:aws:iam::210987654321:root"  # the scenario's trusted_principal_arns
SUBJECTS = ["repo:acme/infra:ref:refs/heads/main", "repo:acme/infra:environment:dev"]


@pytest.fixture(scope="module")
def deployed(fleet):
    return fleet.deployment(COMPONENT)


@pytest.fixture(scope="module")
def iam(endpoint):
    return endpoint.boto3_client("iam")


@pytest.fixture(scope="module")
def boundary_arn(target_identity) -> str:
    return target_identity.arn("iam", f"policy/{PREFIX}-boundary", region="")


@pytest.fixture(scope="module")
def oidc_arn(target_identity) -> str:
    return target_identity.arn(
        "iam", "oidc-provider/token.actions.githubusercontent.com", region=""
    )


def aws_managed_policy(identity: Identity, name: str) -> str:
    return f"arn:{identity.partition}:iam::aws:policy/{name}"


def role(iam, arn: str) -> dict:
    return iam.get_role(RoleName=arn.rsplit("/", 1)[1])["Role"]


def test_password_policy_is_strict(deployed, iam):
    policy = iam.get_account_password_policy()["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] == 14
    assert policy["MaxPasswordAge"] == 90
    assert policy["PasswordReusePrevention"] == 24
    for flag in (
        "RequireLowercaseCharacters",
        "RequireUppercaseCharacters",
        "RequireNumbers",
        "RequireSymbols",
        "AllowUsersToChangePassword",
    ):
        assert policy[flag] is True, flag
    assert policy.get("HardExpiry", False) is False


def test_boundary_allows_listed_services_and_blocks_escalation(
    deployed, iam, integration_run, boundary_arn
):
    assert deployed.outputs["permissions_boundary_arn"] == boundary_arn
    held = iam.get_policy(PolicyArn=boundary_arn)["Policy"]
    assert tags_of(held.get("Tags"))[RUN_TAG] == integration_run.run_id
    version = iam.get_policy_version(PolicyArn=boundary_arn, VersionId=held["DefaultVersionId"])[
        "PolicyVersion"
    ]
    by_sid = {s["Sid"]: s for s in policy_doc(version["Document"])["Statement"]}
    assert set(by_sid) == {
        "AllowListedServices",
        "DenyBoundaryTampering",
        "DenyBoundaryRemoval",
        "DenyPrincipalsWithoutBoundary",
        "DenySecurityTooling",
    }
    allowed = set(as_list(by_sid["AllowListedServices"]["Action"]))
    assert {"ec2:*", "s3:*", "iam:*", "sts:*"} <= allowed
    assert "*" not in allowed and all(a.endswith(":*") for a in allowed)
    assert by_sid["DenyBoundaryTampering"]["Resource"] == boundary_arn
    escalation = by_sid["DenyPrincipalsWithoutBoundary"]
    assert escalation["Effect"] == "Deny"
    assert {"iam:CreateRole", "iam:CreateUser"} <= set(as_list(escalation["Action"]))
    assert escalation["Condition"] == {"StringNotEquals": {"iam:PermissionsBoundary": boundary_arn}}
    tooling = set(as_list(by_sid["DenySecurityTooling"]["Action"]))
    assert {
        "cloudtrail:StopLogging",
        "guardduty:DeleteDetector",
        "iam:DeleteAccountPasswordPolicy",
    } <= tooling


def test_readonly_role_needs_mfa_and_carries_the_boundary(
    deployed, iam, integration_run, boundary_arn, target_identity
):
    held = role(iam, deployed.outputs["readonly_role_arn"])
    assert held["RoleName"] == f"{PREFIX}-readonly"
    assert held["PermissionsBoundary"]["PermissionsBoundaryArn"] == boundary_arn
    assert held["MaxSessionDuration"] == 3600
    assert tags_of(held.get("Tags"))[RUN_TAG] == integration_run.run_id
    [statement] = policy_doc(held["AssumeRolePolicyDocument"])["Statement"]
    assert statement["Principal"] == {"AWS": TRUSTED}
    assert sorted(as_list(statement["Action"])) == ["sts:AssumeRole", "sts:TagSession"]
    assert statement["Condition"] == {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    attached = iam.list_attached_role_policies(RoleName=held["RoleName"])["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [
        aws_managed_policy(target_identity, "ReadOnlyAccess")
    ]
    assert iam.list_role_policies(RoleName=held["RoleName"])["PolicyNames"] == []


def test_break_glass_role_needs_fresh_mfa_and_is_bounded(
    deployed, iam, integration_run, boundary_arn, target_identity
):
    held = role(iam, deployed.outputs["break_glass_role_arn"])
    assert held["RoleName"] == f"{PREFIX}-break-glass"
    assert held["PermissionsBoundary"]["PermissionsBoundaryArn"] == boundary_arn
    assert held["MaxSessionDuration"] == 3600
    assert tags_of(held.get("Tags"))[RUN_TAG] == integration_run.run_id
    [statement] = policy_doc(held["AssumeRolePolicyDocument"])["Statement"]
    assert statement["Principal"] == {"AWS": TRUSTED}
    assert statement["Condition"] == {
        "Bool": {"aws:MultiFactorAuthPresent": "true"},
        "NumericLessThan": {"aws:MultiFactorAuthAge": "900"},
    }
    attached = iam.list_attached_role_policies(RoleName=held["RoleName"])["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [
        aws_managed_policy(target_identity, "AdministratorAccess")
    ]


def test_ci_deploy_role_trusts_only_the_named_github_subjects(
    deployed, iam, integration_run, boundary_arn, oidc_arn
):
    out = deployed.outputs
    assert out["github_oidc_provider_arn"] == oidc_arn
    provider = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=oidc_arn)
    assert provider["ClientIDList"] == ["sts.amazonaws.com"]
    assert provider["Url"].removeprefix("https://") == "token.actions.githubusercontent.com"
    assert sorted(provider["ThumbprintList"]) == sorted(
        ["6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd"]
    )
    assert tags_of(provider.get("Tags"))[RUN_TAG] == integration_run.run_id

    held = role(iam, out["ci_deploy_role_arn"])
    assert held["RoleName"] == f"{PREFIX}-ci-deploy"
    assert held["PermissionsBoundary"]["PermissionsBoundaryArn"] == boundary_arn
    assert tags_of(held.get("Tags"))[RUN_TAG] == integration_run.run_id
    [statement] = policy_doc(held["AssumeRolePolicyDocument"])["Statement"]
    assert statement["Principal"] == {"Federated": oidc_arn}
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Condition"]["StringEquals"] == {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"
    }
    subjects = statement["Condition"]["StringLike"]["token.actions.githubusercontent.com:sub"]
    assert sorted(as_list(subjects)) == sorted(SUBJECTS)
    attached = iam.list_attached_role_policies(RoleName=held["RoleName"])["AttachedPolicies"]
    # The integration scenario's ci_deploy_policy_arns, passed through as given.
    assert [p["PolicyArn"] for p in attached] == ["arn:aws:iam::aws:policy/PowerUserAccess"]


def test_every_role_of_the_component_is_bounded(deployed, iam, boundary_arn):
    roles = [
        r
        for page in iam.get_paginator("list_roles").paginate()
        for r in page["Roles"]
        if r["RoleName"].startswith(f"{PREFIX}-")
    ]
    assert sorted(r["RoleName"] for r in roles) == sorted(
        f"{PREFIX}-{n}" for n in ("readonly", "break-glass", "ci-deploy")
    )
    for listed in roles:
        held = iam.get_role(RoleName=listed["RoleName"])["Role"]
        assert held.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn") == boundary_arn, (
            listed["RoleName"]
        )
    assert deployed.outputs.get("access_analyzer_arn") is None, "switched off for this target"


@pytest.mark.requires("access_analyzer")
def test_access_analyzer_watches_the_account(deploy, endpoint, integration_run):
    """A deployment of its own: only the boundary and the analyzer, under another name."""
    analyzer = endpoint.boto3_client("accessanalyzer")
    with deploy(COMPONENT, "minimal", name="analyzer", enable_access_analyzer=True) as own:
        arn = own.outputs["access_analyzer_arn"]
        held = analyzer.get_analyzer(analyzerName="analyzer-dev-account")["analyzer"]
        assert held["arn"] == arn
        assert held["type"] == "ACCOUNT"
        assert held["status"] in ("ACTIVE", "CREATING")
        assert held["tags"][RUN_TAG] == integration_run.run_id
        assert own.workspace.changes_pending() is None


def test_replan_after_apply_is_clean(deployed):
    pending = deployed.replan_after_apply()
    assert pending is None, f"re-plan after apply is not empty:\n{drift(pending)}"
