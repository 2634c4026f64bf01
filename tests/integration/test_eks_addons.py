"""eks-addons on the integration target: EKS managed add-ons and their service-account roles.

The fleet applies the `integration` scenario (tests/scenarios/eks-addons.yaml: every add-on at
its default version, IRSA roles for the EBS CSI controller and the VPC CNI) on the eks
component's cluster and OIDC provider (tests/integration/conftest.py WIRING).

Every test here needs the `eks_addons` capability: moto 5.2.5 has no EKS add-on API, so on the
embedded emulator the fleet does not apply this component at all and these tests are skipped,
saying why. On a target that has add-ons (LocalStack with EKS, a real AWS sandbox) they verify
what EKS holds: each add-on active at a version EKS offers for the cluster's Kubernetes version
(its default one, as none is pinned), the service-account roles attached to the right add-ons,
and each role trusting exactly one service account through the cluster's OIDC provider.
"""

from __future__ import annotations

import pytest

from tfharness.checks.aws import drift, policy_doc, tags_of
from tfharness.deploying.deployment import RUN_TAG

pytestmark = [pytest.mark.integration, pytest.mark.requires("eks_clusters", "eks_addons")]

COMPONENT = "eks-addons"
PREFIX = "core-dev"
ADDONS = {"vpc-cni", "coredns", "kube-proxy", "aws-ebs-csi-driver", "eks-pod-identity-agent"}
# add-on -> (role output, service account it runs as, the AWS managed policy of its role)
ROLES = {
    "aws-ebs-csi-driver": (
        "ebs_csi_driver_role_arn",
        "kube-system:ebs-csi-controller-sa",
        "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy",
    ),
    "vpc-cni": (
        "vpc_cni_role_arn",
        "kube-system:aws-node",
        "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
    ),
}


@pytest.fixture(scope="module")
def deployed(fleet):
    return fleet.deployment(COMPONENT)


@pytest.fixture(scope="module")
def cluster(fleet) -> dict:
    """The eks component's outputs: the cluster the add-ons are installed on."""
    return fleet.deployment("eks").outputs


@pytest.fixture(scope="module")
def clients(endpoint):
    return {s: endpoint.boto3_client(s) for s in ("eks", "iam")}


@pytest.fixture(scope="module")
def addons(deployed, cluster, clients) -> dict[str, dict]:
    eks = clients["eks"]
    names = eks.list_addons(clusterName=cluster["cluster_name"])["addons"]
    return {
        name: eks.describe_addon(clusterName=cluster["cluster_name"], addonName=name)["addon"]
        for name in names
    }


def test_every_enabled_addon_is_active_at_the_version_output(
    deployed, cluster, addons, integration_run
):
    assert set(addons) == ADDONS == set(deployed.outputs["addon_versions"])
    for name, addon in addons.items():
        assert addon["status"] == "ACTIVE", f"{name}: {addon.get('health')}"
        assert addon["clusterName"] == cluster["cluster_name"]
        assert addon["addonVersion"] == deployed.outputs["addon_versions"][name], name
        assert addon["addonArn"] == deployed.outputs["addon_arns"][name], name
        assert not addon.get("configurationValues"), f"{name}: no configuration in dev"
        assert addon["tags"][RUN_TAG] == integration_run.run_id, name
        assert addon["tags"]["Name"] == f"{cluster['cluster_name']}-{name}", name


def test_unpinned_addons_run_the_default_version_for_the_cluster(cluster, addons, clients):
    """No *_version is set in dev: EKS installs its default version of each add-on for the
    cluster's Kubernetes version, which must be one it lists as compatible."""
    eks = clients["eks"]
    for name, addon in addons.items():
        offered = eks.describe_addon_versions(
            addonName=name, kubernetesVersion=cluster["cluster_version"]
        )
        compatible, default = set(), set()
        for info in offered["addons"]:
            for version in info["addonVersions"]:
                for fit in version["compatibilities"]:
                    if fit["clusterVersion"] == cluster["cluster_version"]:
                        compatible.add(version["addonVersion"])
                        if fit.get("defaultVersion"):
                            default.add(version["addonVersion"])
        assert addon["addonVersion"] in compatible, f"{name} {addon['addonVersion']}"
        assert addon["addonVersion"] in default, f"{name}: not the default version"


def test_service_account_roles_are_attached_only_where_needed(deployed, addons):
    for name, addon in addons.items():
        expected = deployed.outputs[ROLES[name][0]] if name in ROLES else None
        assert addon.get("serviceAccountRoleArn") == expected, name


@pytest.mark.parametrize("addon", sorted(ROLES))
def test_service_account_role_trusts_one_service_account_via_the_cluster_oidc(
    addon, deployed, cluster, clients, integration_run
):
    output, service_account, managed_policy = ROLES[addon]
    iam = clients["iam"]
    name = deployed.outputs[output].rsplit("/", 1)[1]
    role = iam.get_role(RoleName=name)["Role"]
    assert tags_of(role.get("Tags"))[RUN_TAG] == integration_run.run_id
    assert "PermissionsBoundary" not in role, "no boundary configured in this scenario"
    [statement] = policy_doc(role["AssumeRolePolicyDocument"])["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Principal"] == {"Federated": cluster["oidc_provider_arn"]}
    issuer = cluster["cluster_oidc_issuer_url"].removeprefix("https://").rstrip("/")
    assert statement["Condition"] == {
        "StringEquals": {
            f"{issuer}:sub": f"system:serviceaccount:{service_account}",
            f"{issuer}:aud": "sts.amazonaws.com",
        }
    }
    attached = iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [managed_policy]
    assert iam.list_role_policies(RoleName=name)["PolicyNames"] == [], (
        "no inline policy without ebs_csi_driver_kms_key_arns"
    )


def test_replan_after_apply_is_clean(deployed):
    pending = deployed.replan_after_apply()
    assert pending is None, f"re-plan after apply is not empty:\n{drift(pending)}"
