"""secretsmanager: CMK-encrypted secrets, deny-outside resource policies, rotation, replicas, no values out."""

import json

import pytest

pytestmark = pytest.mark.unit

SENTINEL = "s3cr3t-SENTINEL-value"
API_KEY = 'aws_secretsmanager_secret.this["payments/api-key"]'


def _policy(plan, key):
    return json.loads(plan[f'data.aws_iam_policy_document.secret["{key}"]']["json"])


def test_every_secret_uses_the_cmk_and_a_recovery_window(plan_for):
    plan = plan_for("secretsmanager")
    secrets = plan.of_type("aws_secretsmanager_secret")
    assert len(secrets) == 3
    for secret in secrets:
        assert secret.is_unknown("kms_key_id"), secret.address  # our key, not aws/secretsmanager
    plan.assert_attr(API_KEY, "name", "app-dev/payments/api-key")
    plan.assert_attr(API_KEY, "recovery_window_in_days", 30)
    plan.one("aws_kms_key")  # exactly one: every secret shares the component key
    key_policy = json.loads(plan["module.kms.data.aws_iam_policy_document.this"]["json"])
    via = next(
        s for s in key_policy["Statement"] if s["Sid"] == "UseThroughSecretsManagerInThisAccount"
    )
    assert via["Condition"]["StringEquals"] == {
        "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com",
        "kms:CallerAccount": "123456789012",
    }


def test_resource_policy_denies_outside_account_and_organisation(plan_for):
    plan = plan_for("secretsmanager")
    for key in ("payments/api-key", "db/app", "shared/token"):
        deny = _policy(plan, key)["Statement"][0]
        assert deny["Effect"] == "Deny"
        assert deny["Principal"] == {"AWS": "*"}
        assert deny["Action"] == "secretsmanager:*"
        assert deny["Condition"]["StringNotEquals"] == {
            "aws:PrincipalAccount": "123456789012",
            "aws:PrincipalOrgID": "o-abc123defg4",
        }
        assert deny["Condition"]["Bool"] == {"aws:PrincipalIsAWSService": "false"}
        plan.assert_attr(
            f'aws_secretsmanager_secret_policy.this["{key}"]', "block_public_policy", True
        )


def test_account_only_policy_without_organisation(plan_for):
    deny = _policy(plan_for("secretsmanager", "account_only"), "db/app")["Statement"][0]
    assert deny["Condition"]["StringNotEquals"] == {"aws:PrincipalAccount": "123456789012"}


def test_named_readers_are_allowed_and_can_decrypt(plan_for):
    plan = plan_for("secretsmanager")
    statements = _policy(plan, "payments/api-key")["Statement"]
    allow = next(s for s in statements if s.get("Sid") == "AllowNamedReaders")
    assert allow["Principal"] == {"AWS": "arn:aws:iam::210987654321:role/payments"}
    assert sorted(allow["Action"]) == [
        "secretsmanager:DescribeSecret",
        "secretsmanager:GetSecretValue",
    ]
    assert len(_policy(plan, "db/app")["Statement"]) == 1
    key_policy = json.loads(plan["module.kms.data.aws_iam_policy_document.this"]["json"])
    readers = next(
        s for s in key_policy["Statement"] if s["Sid"] == "ReadersDecryptThroughSecretsManager"
    )
    assert readers["Principal"] == {"AWS": "arn:aws:iam::210987654321:role/payments"}


def test_value_is_write_only_and_never_in_plan_or_outputs(plan_for):
    plan = plan_for("secretsmanager")
    version = plan.one("aws_secretsmanager_secret_version")
    assert version.address == 'aws_secretsmanager_secret_version.this["payments/api-key"]'
    assert version.get("secret_string") in (None, "")
    assert version["secret_string_wo_version"] == 1
    # The value appears nowhere in what Terraform plans: resources, outputs, prior state.
    # (plan.raw["variables"] is left out: the harness rebuilds it from the scenario's inputs.)
    for section in ("resource_changes", "output_changes", "prior_state", "configuration"):
        assert SENTINEL not in json.dumps(plan.raw.get(section)), section
    assert set(plan.outputs) == {
        "secret_arns",
        "secret_names",
        "kms_key_arn",
        "rotated_secret_keys",
    }
    assert SENTINEL not in json.dumps(plan.outputs, default=str)


def test_secret_values_input_is_ephemeral_and_sensitive(plan_for):
    import re
    from pathlib import Path

    text = (
        Path(__file__).parents[2] / "components/terraform/secretsmanager/variables.tf"
    ).read_text()
    block = re.search(r'variable "secret_values" \{(.*?)\n\}', text, re.S).group(1)
    assert re.search(r"^\s*sensitive\s*=\s*true", block, re.M)
    assert re.search(r"^\s*ephemeral\s*=\s*true", block, re.M)
    declared = plan_for("secretsmanager").raw["configuration"]["root_module"]["variables"][
        "secret_values"
    ]
    assert declared["sensitive"] is True


def test_rotation_with_the_given_lambda_and_schedule(plan_for):
    plan = plan_for("secretsmanager")
    rotation = plan.one("aws_secretsmanager_secret_rotation")
    assert (
        rotation["rotation_lambda_arn"]
        == "arn:aws:lambda:us-east-1:123456789012:function:app-dev-rotation"
    )
    assert rotation["rotation_rules"][0]["automatically_after_days"] == 30
    permission = plan.one("aws_lambda_permission")
    assert (permission["principal"], permission["action"], permission["source_account"]) == (
        "secretsmanager.amazonaws.com",
        "lambda:InvokeFunction",
        "123456789012",
    )
    assert permission.is_unknown("source_arn")  # the secret's own ARN
    assert plan.outputs["rotated_secret_keys"] == ["db/app"]


def test_schedule_expression_rotation_without_permission(plan_for):
    plan = plan_for("secretsmanager", "account_only")
    rules = plan.one("aws_secretsmanager_secret_rotation")["rotation_rules"][0]
    assert rules["schedule_expression"] == "rate(10 days)"
    assert rules.get("automatically_after_days") in (None, 0)
    plan.assert_absent("aws_lambda_permission")


def test_replica_in_another_region_with_its_key(plan_for):
    plan = plan_for("secretsmanager")
    replicas = plan['aws_secretsmanager_secret.this["shared/token"]']["replica"]
    assert [(r["region"], r["kms_key_id"]) for r in replicas] == [
        ("us-west-2", "arn:aws:kms:us-west-2:123456789012:key/11111111-2222-3333-4444-555555555555")
    ]
