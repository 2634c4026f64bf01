"""iam-role: only the named AWS service principals assume the role, for this account (and its
source ARNs) when given; or only the named service accounts of one cluster's OIDC provider, with
the STS audience (IRSA). Its policies are the ones passed; an instance profile on request."""

import json

import pytest

pytestmark = pytest.mark.unit


ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"


def _trust(plan):
    (statement,) = json.loads(plan["data.aws_iam_policy_document.assume"]["json"])["Statement"]
    return statement


def test_trust_names_the_service_and_the_source_account(plan_for):
    assert _trust(plan_for("iam-role")) == {
        "Effect": "Allow",
        "Action": "sts:AssumeRole",
        "Principal": {"Service": "backup.amazonaws.com"},
        "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}},
    }


def test_policies_are_the_ones_given_and_nothing_else(plan_for):
    plan = plan_for("iam-role")
    plan.assert_attr("aws_iam_role.this", "name", "core-dev-backup")
    plan.assert_attr("aws_iam_role.this", "permissions_boundary", None)
    plan.assert_tags("aws_iam_role.this", {"Name": "core-dev-backup"})
    attached = sorted(r["policy_arn"] for r in plan.of_type("aws_iam_role_policy_attachment"))
    assert attached == [
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    ]
    plan.assert_attr(
        'aws_iam_role_policy_attachment.this["restores"]',
        "policy_arn",
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    )
    plan.assert_attr('aws_iam_role_policy.this["key"]', "name", "key")  # named by its key
    inline = plan['aws_iam_role_policy.this["key"]'].json("policy")
    assert [s["Sid"] for s in inline["Statement"]] == ["UseVaultKey"]
    plan.assert_absent("aws_iam_instance_profile")
    assert plan.outputs["instance_profile_name"] is None


def test_source_arns_narrow_the_trust_to_the_account_s_own_resources(plan_for):
    plan = plan_for("iam-role", "source_arns")
    assert _trust(plan)["Condition"] == {
        "StringEquals": {"aws:SourceAccount": "123456789012"},
        "ArnLike": {"aws:SourceArn": "arn:aws:ec2:us-east-1:123456789012:vpc-flow-log/*"},
    }
    plan.assert_attr(
        "aws_iam_role.this", "description", "Lets VPC Flow Logs write /aws/vpc-flow-logs/core-dev."
    )
    plan.assert_attr(
        "aws_iam_role.this",
        "permissions_boundary",
        "arn:aws:iam::123456789012:policy/platform-boundary",
    )
    plan.assert_absent("aws_iam_role_policy")
    plan.assert_absent("aws_iam_role_policy_attachment")


def test_an_instance_role_comes_with_a_profile_of_its_name(plan_for):
    plan = plan_for("iam-role", "instance_profile")
    statement = _trust(plan)
    assert statement["Principal"] == {"Service": "ec2.amazonaws.com"}
    assert "Condition" not in statement  # EC2 sends no aws:SourceAccount
    plan.assert_attr("aws_iam_instance_profile.this[0]", "name", "core-dev-instance")
    plan.assert_attr("aws_iam_instance_profile.this[0]", "role", "core-dev-instance")
    plan.assert_tags("aws_iam_instance_profile.this[0]", {"Name": "core-dev-instance"})
    plan.assert_attr("aws_iam_role.this", "max_session_duration", 7200)
    assert plan.outputs["instance_profile_name"] == "core-dev-instance"


def test_a_policy_named_after_the_stack_keeps_its_key(plan_for):
    plan = plan_for("iam-role", "policy_name_from_the_stack")
    plan.assert_attr('aws_iam_role_policy.this["publish"]', "name", "publish-core-dev")
    policy = plan['aws_iam_role_policy.this["publish"]'].json("policy")
    assert [s["Sid"] for s in policy["Statement"]] == ["WriteFlowLogs"]


def test_trust_names_the_service_account_and_the_sts_audience(plan_for):
    statement = _trust(plan_for("iam-role", "service_accounts"))
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


def test_service_account_role_carries_boundary_policies_and_tags(plan_for):
    plan = plan_for("iam-role", "service_accounts")
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
    plan = plan_for("iam-role", "two_service_accounts")
    statement = _trust(plan)
    assert sorted(statement["Condition"]["StringEquals"][f"{ISSUER}:sub"]) == [
        "system:serviceaccount:portal:backstage",
        "system:serviceaccount:portal:techdocs-builder",
    ]
    plan.assert_attr("aws_iam_role.this", "max_session_duration", 7200)
    plan.assert_absent("aws_iam_role_policy")
    plan.assert_absent("aws_iam_role_policy_attachment")
