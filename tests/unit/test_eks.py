"""Plan-level tests of the eks component: encryption, logs, private endpoint, IRSA, hardened nodes."""

import pytest

pytestmark = pytest.mark.unit

CLUSTER_ROLE = "module.cluster_role"  # modules/iam-role
NODE_ROLE = "module.node_role[0]"
ALL_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"]


def test_secrets_are_envelope_encrypted_with_the_cmk(plan_for):
    plan = plan_for("eks")
    cluster = plan["aws_eks_cluster.this"]
    assert cluster["encryption_config"][0]["resources"] == ["secrets"]
    assert "module.secrets_kms.key_arn" in plan.references(
        "aws_eks_cluster.this", "encryption_config", 0, "provider", 0, "key_arn"
    )
    # The cluster role may use that key, and only it.
    statement = plan.configured("data.aws_iam_policy_document.cluster_secrets_key")["expressions"][
        "statement"
    ][0]
    assert statement["resources"]["references"][0] == "module.secrets_kms.key_arn"
    assert sorted(statement["actions"]["constant_value"]) == [
        "kms:Decrypt",
        "kms:DescribeKey",
        "kms:Encrypt",
        "kms:ListGrants",
    ]


def test_endpoint_is_private_only(plan_for):
    vpc = plan_for("eks")["aws_eks_cluster.this"]["vpc_config"][0]
    assert vpc["endpoint_private_access"] is True
    assert vpc["endpoint_public_access"] is False


def test_all_control_plane_logs_to_an_encrypted_retained_group(plan_for):
    plan = plan_for("eks")
    assert plan["aws_eks_cluster.this"]["enabled_cluster_log_types"] == ALL_LOG_TYPES
    group = plan["module.cluster_log_group.aws_cloudwatch_log_group.this"]
    assert group["name"] == "/aws/eks/platform-dev/cluster"  # the name EKS writes to
    assert group["retention_in_days"] == 365
    assert "module.logs_kms.key_arn" in plan.references("module.cluster_log_group", "kms_key_arn")
    # Created before the cluster, or EKS makes its own unencrypted group first.
    assert "module.cluster_log_group" in plan.configured("aws_eks_cluster.this")["depends_on"]
    policy = plan["module.logs_kms.data.aws_iam_policy_document.this"].json("json")
    logs = next(s for s in policy["Statement"] if s["Sid"] == "CloudWatchLogsUse")
    assert logs["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"].endswith(
        ":log-group:/aws/eks/platform-dev/cluster"
    )


def test_access_entries_instead_of_creator_admin(plan_for):
    plan = plan_for("eks")
    access = plan["aws_eks_cluster.this"]["access_config"][0]
    assert access == {
        "authentication_mode": "API",
        "bootstrap_cluster_creator_admin_permissions": False,
    }
    admin = (
        'aws_eks_access_policy_association.admin["arn:aws:iam::123456789012:role/platform-admin"]'
    )
    plan.assert_attr(
        admin, "policy_arn", "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
    )
    plan.assert_attr(admin, "access_scope[0].type", "cluster")


def test_oidc_provider_for_irsa(plan_for):
    plan = plan_for("eks")
    provider = plan["aws_iam_openid_connect_provider.this[0]"]
    assert provider["client_id_list"] == ["sts.amazonaws.com"]
    assert provider.is_unknown("thumbprint_list")  # omitted: IAM fills it in for the EKS issuer
    assert "aws_eks_cluster.this" in " ".join(
        plan.references("aws_iam_openid_connect_provider.this", "url")
    )


def test_launch_template_requires_imdsv2_with_hop_limit_two_and_encrypts(plan_for):
    plan = plan_for("eks")
    plan.assert_subset(
        "aws_launch_template.nodes[0]",
        {
            "metadata_options[0].http_tokens": "required",
            "metadata_options[0].http_endpoint": "enabled",
            "metadata_options[0].http_put_response_hop_limit": 2,
            "block_device_mappings[0].ebs[0].encrypted": "true",
            "block_device_mappings[0].ebs[0].volume_type": "gp3",
        },
    )
    plan.assert_unknown(
        "aws_launch_template.nodes[0]", "block_device_mappings[0].ebs[0].kms_key_id"
    )
    policy = plan["module.nodes_kms[0].data.aws_iam_policy_document.this"].json("json")
    use = next(s for s in policy["Statement"] if s["Sid"] == "AutoScalingVolumeEncryption")
    assert use["Principal"]["AWS"].endswith(
        ":role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
    )
    grant = next(s for s in policy["Statement"] if s["Sid"] == "AutoScalingAttachVolumes")
    assert grant["Condition"]["Bool"]["kms:GrantIsForAWSResource"] == "true"


def test_node_group_uses_the_launch_template(plan_for):
    plan = plan_for("eks")
    group = plan["aws_eks_node_group.default[0]"]
    assert group["capacity_type"] == "ON_DEMAND"
    assert group["scaling_config"] == [{"min_size": 2, "max_size": 4, "desired_size": 2}]
    assert group["remote_access"] == []  # no SSH
    assert "aws_launch_template.nodes[0].id" in plan.references(
        "aws_eks_node_group.default", "launch_template", 0, "id"
    )
    assert "aws_launch_template.nodes[0].latest_version" in plan.references(
        "aws_eks_node_group.default", "launch_template", 0, "version"
    )


def test_roles_use_only_aws_managed_policies(plan_for):
    plan = plan_for("eks")
    plan.assert_attr(
        f'{CLUSTER_ROLE}.aws_iam_role_policy_attachment.this["cluster"]',
        "policy_arn",
        "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
    )
    node_policies = sorted(
        a["policy_arn"]
        for a in plan.of_type("aws_iam_role_policy_attachment")
        if a.address.startswith(f"{NODE_ROLE}.aws_iam_role_policy_attachment.this")
    )
    assert node_policies == [
        "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
        "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
        "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
    ]
    cluster_trust = plan[f"{CLUSTER_ROLE}.data.aws_iam_policy_document.assume"].json("json")
    cluster_trust = cluster_trust["Statement"][0]
    assert cluster_trust["Principal"] == {"Service": "eks.amazonaws.com"}
    assert "aws:SourceAccount" in cluster_trust["Condition"]["StringEquals"]
    node_trust = plan[f"{NODE_ROLE}.data.aws_iam_policy_document.assume"].json("json")
    node_trust = node_trust["Statement"][0]
    assert node_trust["Principal"] == {"Service": "ec2.amazonaws.com"}


def test_public_endpoint_allow_list_and_options(plan_for):
    plan = plan_for("eks", "dev_public")
    vpc = plan["aws_eks_cluster.this"]["vpc_config"][0]
    assert vpc["endpoint_public_access"] is True
    assert vpc["endpoint_private_access"] is True
    assert vpc["public_access_cidrs"] == ["203.0.113.0/24"]
    plan.assert_attr(
        "aws_iam_openid_connect_provider.this[0]",
        "thumbprint_list",
        ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"],
    )
    # An external volume key replaces the component's own.
    plan.assert_absent("module.nodes_kms[0].aws_kms_key.this")
    plan.assert_attr(
        "aws_launch_template.nodes[0]",
        "block_device_mappings[0].ebs[0].kms_key_id",
        "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
    )
    node_policies = {a.address for a in plan.of_type("aws_iam_role_policy_attachment")}
    assert f'{NODE_ROLE}.aws_iam_role_policy_attachment.this["cni"]' not in node_policies
    plan.assert_attr(
        f'{NODE_ROLE}.aws_iam_role_policy_attachment.this["ssm"]',
        "policy_arn",
        "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    )


def test_control_plane_only(plan_for):
    plan = plan_for("eks", "control_plane_only")
    for kind in ("aws_eks_node_group", "aws_launch_template", "aws_iam_openid_connect_provider"):
        plan.assert_absent(kind)
    plan.assert_absent(f"{NODE_ROLE}.aws_iam_role.this")
    plan.assert_absent("module.nodes_kms[0].aws_kms_key.this")
    assert plan.outputs["oidc_provider_arn"] is None
    assert plan.outputs["node_group_arn"] is None


BAD_VALUES = {
    "var.endpoint_public_access_cidrs": "endpoint_public_access_cidrs must be valid CIDR blocks and must not include 0.0.0.0/0: list your "
    "office or VPN ranges.",
    "var.cluster_log_types": "cluster_log_types may contain only api, audit, authenticator, controllerManager and scheduler.",
    "var.node_metadata_hop_limit": "node_metadata_hop_limit must be 1 or 2: higher values let instance metadata answer beyond the "
    "pod network.",
    "var.subnet_ids": "subnet_ids must list at least two subnet IDs (subnet-...) in different Availability Zones.",
    "var.oidc_thumbprint_list": "oidc_thumbprint_list entries must be SHA-1 thumbprints: 40 lower-case hex characters.",
    "var.node_scaling": "node_scaling must satisfy 0 <= min_size <= desired_size <= max_size and max_size >= 1.",
}


BAD_ENUMS = {
    "var.kubernetes_version": 'kubernetes_version must be a minor version such as "1.32".',
    "var.support_type": "support_type must be STANDARD or EXTENDED.",
    "var.authentication_mode": "authentication_mode must be API or API_AND_CONFIG_MAP (CONFIG_MAP alone is deprecated).",
    "var.node_capacity_type": "node_capacity_type must be ON_DEMAND or SPOT.",
    "var.node_disk_size": "node_disk_size must be between 20 and 16384 GiB.",
    "var.cluster_admin_principal_arns": "cluster_admin_principal_arns must be IAM role or user ARNs (arn:aws:iam::<account>:role/<name>).",
}
