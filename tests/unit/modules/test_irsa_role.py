"""irsa-role: only the named service accounts of one cluster's OIDC provider, with the STS
audience, assume the role; its policies are the ones given; wildcards refused."""

import json

import pytest

pytestmark = pytest.mark.unit

ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"


def _trust(plan):
    return json.loads(plan["data.aws_iam_policy_document.assume"]["json"])["Statement"]


def test_trust_names_the_service_account_and_the_sts_audience(plan_for):
    (statement,) = _trust(plan_for("irsa-role"))
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Principal"] == {
        "Federated": f"arn:aws:iam::123456789012:oidc-provider/{ISSUER}"
    }
    assert statement["Condition"] == {
        "StringEquals": {
            f"{ISSUER}:sub": "system:serviceaccount:kube-system:ebs-csi-controller-sa",
            f"{ISSUER}:aud": "sts.amazonaws.com",
        }
    }


def test_role_carries_boundary_policies_and_tags(plan_for):
    plan = plan_for("irsa-role")
    plan.assert_attr("aws_iam_role.this", "name", "core-dev-ebs-csi-driver")
    plan.assert_attr(
        "aws_iam_role.this",
        "permissions_boundary",
        "arn:aws:iam::123456789012:policy/platform-boundary",
    )
    plan.assert_attr("aws_iam_role.this", "max_session_duration", 3600)
    plan.assert_tags("aws_iam_role.this", {"Name": "core-dev-ebs-csi-driver"})
    plan.assert_attr(
        'aws_iam_role_policy_attachment.this["driver"]',
        "policy_arn",
        "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy",
    )
    inline = json.loads(plan['aws_iam_role_policy.this["kms"]']["policy"])
    assert inline["Statement"][0]["Condition"] == {
        "StringEquals": {"kms:ViaService": "ec2.us-east-1.amazonaws.com"}
    }


def test_two_service_accounts_exactly_and_nothing_else(plan_for):
    plan = plan_for("irsa-role", "two_service_accounts")
    (statement,) = _trust(plan)
    assert sorted(statement["Condition"]["StringEquals"][f"{ISSUER}:sub"]) == [
        "system:serviceaccount:portal:backstage",
        "system:serviceaccount:portal:techdocs-builder",
    ]
    plan.assert_attr("aws_iam_role.this", "max_session_duration", 7200)
    plan.assert_absent("aws_iam_role_policy")
    plan.assert_absent("aws_iam_role_policy_attachment")
