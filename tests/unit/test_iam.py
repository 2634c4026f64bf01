"""iam: password policy, Access Analyzer, baseline roles with MFA / OIDC trust, permissions boundary."""

import json

import pytest

from tfharness import UNKNOWN

pytestmark = pytest.mark.unit

POLICY_ATTRIBUTES = ("policy", "assume_role_policy", "json")


def _documents(plan):
    """Every policy document the plan knows: (address, attribute, parsed document)."""
    for address, change in plan.items():
        for attribute in POLICY_ATTRIBUTES:
            value = change.get(attribute)
            if isinstance(value, str) and value.lstrip().startswith("{"):
                yield address, attribute, json.loads(value)


def _as_list(value):
    return value if isinstance(value, list) else [value]


def _trust(plan, role):
    return plan[f"aws_iam_role.{role}[0]"].json("assume_role_policy")["Statement"][0]


@pytest.mark.parametrize("scenario", ["default", "existing_provider", "minimal"])
def test_every_policy_document_is_known_at_plan_time(plan_for, scenario):
    """So tests/unit/test_conventions.py's wildcard scan reads them all."""
    plan = plan_for("iam", scenario)
    documents = list(_documents(plan))
    assert documents, "expected policy documents in the plan"
    for change in plan.values():
        for attribute in POLICY_ATTRIBUTES:
            assert change.get(attribute) != UNKNOWN, (
                f"{change.address}: {attribute} unknown, not scanned"
            )


def test_password_policy_is_strong(plan_for):
    plan = plan_for("iam")
    plan.assert_subset(
        "aws_iam_account_password_policy.this[0]",
        {
            "minimum_password_length": 14,
            "require_lowercase_characters": True,
            "require_uppercase_characters": True,
            "require_numbers": True,
            "require_symbols": True,
            "max_password_age": 90,
            "password_reuse_prevention": 24,
            "allow_users_to_change_password": True,
        },
    )


def test_account_access_analyzer(plan_for):
    plan = plan_for("iam")
    plan.assert_attr("aws_accessanalyzer_analyzer.account[0]", "type", "ACCOUNT")
    plan.assert_absent("aws_accessanalyzer_analyzer.unused[0]")
    unused = plan_for("iam", "existing_provider")["aws_accessanalyzer_analyzer.unused[0]"]
    assert unused["type"] == "ACCOUNT_UNUSED_ACCESS"
    assert unused["configuration"][0]["unused_access"][0]["unused_access_age"] == 90


def test_readonly_role_requires_mfa_from_the_admin_account(plan_for):
    plan = plan_for("iam")
    trust = _trust(plan, "readonly")
    assert trust["Principal"] == {"AWS": "arn:aws:iam::210987654321:root"}
    assert trust["Condition"] == {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    plan.assert_attr(
        "aws_iam_role_policy_attachment.readonly[0]",
        "policy_arn",
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
    )


def test_break_glass_requires_fresh_mfa_and_short_sessions(plan_for):
    plan = plan_for("iam")
    trust = _trust(plan, "break_glass")
    assert trust["Condition"]["Bool"] == {"aws:MultiFactorAuthPresent": "true"}
    assert trust["Condition"]["NumericLessThan"] == {"aws:MultiFactorAuthAge": "900"}
    plan.assert_attr("aws_iam_role.break_glass[0]", "max_session_duration", 3600)


def test_every_role_carries_the_permissions_boundary(plan_for):
    plan = plan_for("iam")
    roles = plan.of_type("aws_iam_role")
    assert {r.address for r in roles} == {
        "aws_iam_role.readonly[0]",
        "aws_iam_role.break_glass[0]",
        "aws_iam_role.ci_deploy[0]",
    }
    for role in roles:
        assert role.is_unknown("permissions_boundary"), role.address  # the boundary policy's ARN


def test_boundary_allows_listed_services_and_blocks_escalation(plan_for):
    plan = plan_for("iam")
    document = plan["aws_iam_policy.boundary"].json("policy")
    by_sid = {s["Sid"]: s for s in document["Statement"]}
    assert "ec2:*" in by_sid["AllowListedServices"]["Action"]
    assert (
        by_sid["DenyBoundaryTampering"]["Resource"]
        == "arn:aws:iam::123456789012:policy/baseline-dev-boundary"
    )
    condition = by_sid["DenyPrincipalsWithoutBoundary"]["Condition"]["StringNotEquals"]
    assert condition == {
        "iam:PermissionsBoundary": "arn:aws:iam::123456789012:policy/baseline-dev-boundary"
    }
    assert "cloudtrail:StopLogging" in by_sid["DenySecurityTooling"]["Action"]
    relaxed = plan_for("iam", "existing_provider")["aws_iam_policy.boundary"].json("policy")
    assert "DenySecurityTooling" not in {s["Sid"] for s in relaxed["Statement"]}


def test_ci_role_trusts_github_oidc_for_named_subjects_only(plan_for):
    plan = plan_for("iam")
    provider = plan.one("aws_iam_openid_connect_provider")
    assert provider["url"] == "https://token.actions.githubusercontent.com"
    assert provider["client_id_list"] == ["sts.amazonaws.com"]
    statement = _trust(plan, "ci_deploy")
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Principal"] == {
        "Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    }
    assert statement["Condition"]["StringEquals"] == {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"
    }
    assert sorted(
        statement["Condition"]["StringLike"]["token.actions.githubusercontent.com:sub"]
    ) == ["repo:acme/infra:environment:dev", "repo:acme/infra:ref:refs/heads/main"]
    attached = {a["policy_arn"] for a in plan.of_type("aws_iam_role_policy_attachment")}
    assert "arn:aws:iam::123456789012:policy/infra-deploy" in attached
    assert "arn:aws:iam::aws:policy/AdministratorAccess" in attached  # break-glass only
    plan.assert_attr(
        'aws_iam_role_policy_attachment.ci_deploy["arn:aws:iam::123456789012:policy/infra-deploy"]',
        "role",
        "baseline-dev-ci-deploy",
    )


def test_existing_provider_is_reused_and_break_glass_can_be_off(plan_for):
    plan = plan_for("iam", "existing_provider")
    plan.assert_absent("aws_iam_openid_connect_provider")
    plan.assert_absent("aws_iam_role.break_glass[0]")
    assert plan.outputs["break_glass_role_arn"] is None
    assert plan.outputs["github_oidc_provider_arn"] == (
        "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    )


def test_toggles_turn_everything_optional_off(plan_for):
    plan = plan_for("iam", "minimal")
    for resource_type in (
        "aws_iam_account_password_policy",
        "aws_accessanalyzer_analyzer",
        "aws_iam_openid_connect_provider",
    ):
        plan.assert_absent(resource_type)
    assert {r.address for r in plan.of_type("aws_iam_role")} == {"aws_iam_role.break_glass[0]"}
    trust = _trust(plan, "break_glass")
    assert trust["Principal"] == {
        "AWS": "arn:aws:iam::123456789012:root"
    }  # empty list: this account
