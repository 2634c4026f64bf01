import pytest

pytestmark = pytest.mark.unit

COMPONENT = "eks-addons"
ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
ALL_ADDONS = ["aws-ebs-csi-driver", "coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni"]
EBS = 'aws_eks_addon.this["aws-ebs-csi-driver"]'
EBS_ROLE = "module.ebs_csi_role[0]"
CNI_ROLE = "module.vpc_cni_role[0]"


def _addons(plan):
    return {rc["addon_name"]: rc for rc in plan.of_type("aws_eks_addon")}


def test_every_addon_installed_with_conflict_settings(plan_for):
    plan = plan_for(COMPONENT)
    addons = _addons(plan)
    assert sorted(addons) == ALL_ADDONS
    for name, addon in addons.items():
        assert addon.action == "create"
        assert addon["cluster_name"] == "core-dev"
        assert addon["resolve_conflicts_on_create"] == "OVERWRITE"
        assert addon["resolve_conflicts_on_update"] == "PRESERVE"
        assert addon["preserve"] is True, name
        assert addon.tags["Environment"] == "dev"
        # Unpinned in dev: EKS picks the default version.
        assert addon.is_unknown("addon_version"), name
        if name in ("aws-ebs-csi-driver", "vpc-cni"):
            assert addon.is_unknown("service_account_role_arn"), name
        else:
            assert addon.get("service_account_role_arn") is None, name


def test_ebs_csi_driver_uses_its_irsa_role(plan_for):
    plan = plan_for(COMPONENT)
    plan.assert_unknown(EBS, "service_account_role_arn")
    plan.assert_attr(f"{EBS_ROLE}.aws_iam_role.this", "name", "core-dev-ebs-csi-driver")
    trust = plan[f"{EBS_ROLE}.aws_iam_role.this"].json("assume_role_policy")["Statement"]
    assert trust == [
        {
            "Sid": "ServiceAccountsOfThisCluster",
            "Effect": "Allow",
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Principal": {"Federated": f"arn:aws:iam::123456789012:oidc-provider/{ISSUER}"},
            "Condition": {
                "StringEquals": {
                    f"{ISSUER}:sub": "system:serviceaccount:kube-system:ebs-csi-controller-sa",
                    f"{ISSUER}:aud": "sts.amazonaws.com",
                }
            },
        }
    ]
    plan.assert_attr(
        f'{EBS_ROLE}.aws_iam_role_policy_attachment.this["AmazonEBSCSIDriverPolicy"]',
        "policy_arn",
        "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy",
    )
    plan.assert_absent("aws_iam_role_policy")  # no CMK given: no key grants


def test_vpc_cni_uses_its_own_irsa_role(plan_for):
    plan = plan_for(COMPONENT)
    trust = plan[f"{CNI_ROLE}.aws_iam_role.this"].json("assume_role_policy")["Statement"][0]
    assert trust["Principal"] == {"Federated": f"arn:aws:iam::123456789012:oidc-provider/{ISSUER}"}
    assert trust["Condition"] == {
        "StringEquals": {
            f"{ISSUER}:sub": "system:serviceaccount:kube-system:aws-node",
            f"{ISSUER}:aud": "sts.amazonaws.com",
        }
    }
    plan.assert_attr(
        f'{CNI_ROLE}.aws_iam_role_policy_attachment.this["AmazonEKS_CNI_Policy"]',
        "policy_arn",
        "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
    )


def test_prod_pins_versions_and_scopes_volume_keys(plan_for):
    plan = plan_for(COMPONENT, "prod")
    addons = _addons(plan)
    assert addons["vpc-cni"]["addon_version"] == "v1.19.2-eksbuild.1"
    assert addons["aws-ebs-csi-driver"]["addon_version"] == "v1.38.1-eksbuild.1"
    assert addons["vpc-cni"].json("configuration_values") == {
        "env": {"ENABLE_PREFIX_DELEGATION": "true"}
    }
    assert all(a["resolve_conflicts_on_update"] == "OVERWRITE" for a in addons.values())
    statements = {
        s["Sid"]: s
        for s in plan[f'{EBS_ROLE}.aws_iam_role_policy.this["ebs-volume-keys"]'].json("policy")[
            "Statement"
        ]
    }
    key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    use = statements["UseVolumeKeysViaEc2"]
    assert use["Resource"] == key
    assert use["Condition"] == {"StringEquals": {"kms:ViaService": "ec2.us-east-1.amazonaws.com"}}
    grant = statements["GrantVolumeKeysToAwsResources"]
    assert grant["Resource"] == key
    assert grant["Condition"] == {"Bool": {"kms:GrantIsForAWSResource": "true"}}


def test_toggles_off_remove_addons_and_role(plan_for):
    plan = plan_for(COMPONENT, "addons_off")
    addons = _addons(plan)
    assert sorted(addons) == ["kube-proxy", "vpc-cni"]
    assert addons["vpc-cni"].get("service_account_role_arn") is None  # enable_vpc_cni_irsa off
    plan.assert_absent("aws_iam_role")
    plan.assert_absent("aws_iam_role_policy_attachment")
    assert plan.outputs["ebs_csi_driver_role_arn"] is None


OIDC_RULES = (
    "module.ebs_csi_role.var.oidc_provider_arn",
    "module.vpc_cni_role.var.oidc_provider_arn",
)
