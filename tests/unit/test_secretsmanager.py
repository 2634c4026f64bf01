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
    key = plan.one("aws_kms_key")
    assert key["enable_key_rotation"] is True
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


def test_prod_secrets_must_be_recoverable(rejection_for):
    rejection = rejection_for("secretsmanager", "prod_immediate_delete")
    rejection.assert_rule(
        "var.secrets",
        "Prod secrets must be recoverable after deletion: set recovery_window_in_days to 7-30.",
    )
    rejection.assert_only("var.secrets")


def test_replica_must_be_in_another_region(rejection_for):
    rejection = rejection_for("secretsmanager", "replica_in_own_region")
    rejection.assert_rule(
        "aws_secretsmanager_secret.this",
        "A replica must be in another region than the secret: remove var.region from the secret's replicas.",
    )
    rejection.assert_only("aws_secretsmanager_secret.this")


@pytest.mark.parametrize(
    ("scenario", "message"),
    [
        (
            "bad_secrets",
            "secrets keys must be 1-200 letters, digits or /_+=.@- (they become part of the secret name).",
        ),
        (
            "bad_secrets",
            "recovery_window_in_days must be 0 (delete immediately) or between 7 and 30.",
        ),
        (
            "bad_secrets",
            "Each replica needs a region name (e.g. us-west-2) and a kms_key_id (a customer-managed key in that region).",
        ),
        (
            "bad_secrets",
            'read_principal_arns must be IAM role, user or account root ARNs, never "*".',
        ),
        (
            "bad_rotation",
            "rotation_lambda_arn must be a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>).",
        ),
        (
            "bad_rotation",
            "A rotated secret needs exactly one of rotation_days or rotation_schedule_expression.",
        ),
        (
            "bad_rotation",
            "rotation_days / rotation_schedule_expression need a rotation_lambda_arn: set it or remove the schedule.",
        ),
        ("bad_rotation", "rotation_days must be between 1 and 1000."),
        (
            "bad_rotation",
            "rotation_schedule_expression must be a cron(...) or rate(...) expression, e.g. rate(30 days).",
        ),
    ],
)
def test_each_secrets_validation_rejects_with_a_fix_it_message(rejection_for, scenario, message):
    rejection = rejection_for("secretsmanager", scenario)
    rejection.assert_rule("var.secrets", message)
    rejection.assert_only("var.secrets")


@pytest.mark.parametrize(
    ("scenario", "rule", "message"),
    [
        (
            "bad_inputs",
            "var.organization_id",
            "organization_id must look like o-abc123defg (10-32 lower-case letters or digits after o-).",
        ),
        (
            "bad_inputs",
            "var.allowed_account_ids",
            "allowed_account_ids must be 12-digit AWS account IDs.",
        ),
        # modules/kms-key validates the window now; a module's validation runs only once the
        # root inputs are valid, so it has a scenario of its own.
        (
            "kms_window_out_of_range",
            "module.kms.var.deletion_window_in_days",
            "kms_key_deletion_window_in_days must be between 7 and 30 (the waiting period AWS "
            "KMS allows before a key is deleted).",
        ),
    ],
)
def test_each_validation_rejects_with_a_fix_it_message(rejection_for, scenario, rule, message):
    rejection_for("secretsmanager", scenario).assert_rule(rule, message)


def test_a_managed_secret_needs_its_value(rejection_for):
    rejection = rejection_for("secretsmanager", "managed_value_missing")
    rejection.assert_rule(
        "var.secret_values",
        "Every secret with manage_value = true needs its value in secret_values (e.g. "
        "TF_VAR_secret_values); set the value or set manage_value = false.",
    )
