import pytest

pytestmark = pytest.mark.unit

COMPONENT = "external-secrets"
ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ROLE = "module.role.aws_iam_role.this"


def _statements(plan, name):
    return {
        s["Sid"]: s for s in plan[f"data.aws_iam_policy_document.{name}"].json("json")["Statement"]
    }


def _as_list(value):
    return value if isinstance(value, list) else [value]


def test_trust_is_scoped_to_the_operator_service_account(plan_for):
    plan = plan_for(COMPONENT)
    trust = plan[ROLE].json("assume_role_policy")["Statement"]
    assert len(trust) == 1
    statement = trust[0]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Principal"] == {
        "Federated": f"arn:aws:iam::123456789012:oidc-provider/{ISSUER}"
    }
    assert statement["Condition"] == {
        "StringEquals": {
            f"{ISSUER}:sub": "system:serviceaccount:external-secrets:external-secrets",
            f"{ISSUER}:aud": "sts.amazonaws.com",
        }
    }


def test_reads_only_secrets_under_the_prefix(plan_for):
    plan = plan_for(COMPONENT)
    statements = _statements(plan, "read")
    read = statements["ReadSecretsUnderPrefix"]
    # Leading/trailing slashes are trimmed: the prefix is a path, never the whole account.
    assert read["Resource"] == "arn:aws:secretsmanager:us-east-1:123456789012:secret:dev/apps/*"
    assert sorted(_as_list(read["Action"])) == [
        "secretsmanager:DescribeSecret",
        "secretsmanager:GetSecretValue",
        "secretsmanager:ListSecretVersionIds",
    ]
    assert "ReadParametersUnderPrefix" not in statements
    for statement in statements.values():
        assert "*" not in _as_list(statement["Resource"])
        assert not any(a.endswith("*") for a in _as_list(statement["Action"]))
        assert statement["Effect"] == "Allow"
    assert plan.outputs["ssm_parameter_path_arn"] is None


def test_decrypt_only_with_given_keys_via_secrets_manager(plan_for):
    statements = _statements(plan_for(COMPONENT), "read")
    kms = statements["DecryptWithGivenKeysViaSecretStores"]
    assert kms["Action"] == "kms:Decrypt"
    assert kms["Resource"] == KEY
    assert kms["Condition"] == {
        "StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}
    }


def test_policy_attached_to_role_and_tagged(plan_for):
    plan = plan_for(COMPONENT)
    plan.assert_actions(ROLE, "create")
    plan.assert_attr(ROLE, "name", "eso-dev-external-secrets")
    plan.assert_attr(ROLE, "max_session_duration", 3600)
    plan.assert_tags(ROLE, {"Environment": "dev", "ManagedBy": "terraform"})
    assert plan['module.role.aws_iam_role_policy.this["read-secrets"]'].json("policy") == plan[
        "data.aws_iam_policy_document.read"
    ].json("json")
    assert (
        plan.outputs["secrets_arn_pattern"]
        == "arn:aws:secretsmanager:us-east-1:123456789012:secret:dev/apps/*"
    )


def test_ssm_on_and_kms_off(plan_for):
    plan = plan_for(COMPONENT, "with_ssm_no_kms")
    statements = _statements(plan, "read")
    assert "DecryptWithGivenKeysViaSecretStores" not in statements
    ssm = statements["ReadParametersUnderPrefix"]
    base = "arn:aws:ssm:us-east-1:123456789012:parameter/dev/apps"
    assert sorted(ssm["Resource"]) == [base, base + "/*"]
    assert sorted(ssm["Action"]) == [
        "ssm:GetParameter",
        "ssm:GetParameters",
        "ssm:GetParametersByPath",
    ]
    trust = plan[ROLE].json("assume_role_policy")["Statement"][0]
    assert (
        trust["Condition"]["StringEquals"][f"{ISSUER}:sub"]
        == "system:serviceaccount:platform:eso-controller"
    )
    plan.assert_tags(ROLE, {"Team": "platform"})


def test_ssm_adds_the_ssm_service_to_kms_via_service(plan_for):
    plan = plan_for(COMPONENT, "with_ssm_and_kms")
    kms = _statements(plan, "read")["DecryptWithGivenKeysViaSecretStores"]
    assert sorted(kms["Condition"]["StringEquals"]["kms:ViaService"]) == [
        "secretsmanager.us-east-1.amazonaws.com",
        "ssm.us-east-1.amazonaws.com",
    ]


PREFIX_MESSAGE = (
    'secrets_path_prefix must name a path such as "dev/apps": it must not be empty, '
    '"/" or contain * or ? (that would expose every secret of the account).'
)
