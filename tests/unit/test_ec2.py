"""Plan tests of the ec2 component: launch templates, instance profile, instances, patching, dashboard."""

import base64

import pytest

pytestmark = pytest.mark.unit

LT = "aws_launch_template.this"


def _templates(plan):
    return {c.index: c for c in plan.of_type("aws_launch_template")}


# --- several templates from one map --------------------------------------------------------


def test_one_template_per_map_entry_named_by_key(plan_for):
    templates = _templates(plan_for("ec2"))
    assert set(templates) == {"app", "batch"}
    assert templates["app"]["name"] == "workers-dev-app"
    assert templates["app"]["update_default_version"] is True


# --- IMDS ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scenario", "hop_limit", "metadata_tags"),
    [
        ("default", 1, "disabled"),
        ("prod", 1, "enabled"),
        ("instances", 2, "disabled"),
    ],
)
def test_imdsv2_required_with_hop_limit_on_every_template(
    plan_for, scenario, hop_limit, metadata_tags
):
    for template in _templates(plan_for("ec2", scenario)).values():
        assert template["metadata_options"] == [
            {
                "http_endpoint": "enabled",
                "http_tokens": "required",
                "http_put_response_hop_limit": hop_limit,
                "http_protocol_ipv6": "disabled",
                "instance_metadata_tags": metadata_tags,
            }
        ], template.address


# --- block devices ---------------------------------------------------------------------------


def test_every_block_device_is_encrypted_with_a_cmk(plan_for):
    plan = plan_for("ec2")
    plan.one("aws_kms_key")
    devices = [(t.index, b) for t in _templates(plan).values() for b in t["block_device_mappings"]]
    assert len(devices) == 3
    for key, device in devices:
        ebs = device["ebs"][0]
        assert ebs["encrypted"] == "true", (key, device["device_name"])
        assert ebs["kms_key_id"], (key, device["device_name"])  # never the unencrypted default
    app = _templates(plan)["app"]["block_device_mappings"]
    assert app[0]["ebs"][0]["kms_key_id"] == plan["module.ebs_kms[0].aws_kms_key.this"].get(
        "arn"
    )  # created key (unknown)
    assert app[1]["ebs"][0]["kms_key_id"].endswith("key/11111111-2222-3333-4444-555555555555")
    assert (app[1]["ebs"][0]["volume_type"], app[1]["ebs"][0]["iops"]) == ("io2", 3000)


def test_aws_managed_key_still_encrypts_when_no_cmk(plan_for):
    plan = plan_for("ec2", "instances")
    plan.assert_absent("aws_kms_key")
    ebs = plan[f'{LT}["web"]']["block_device_mappings"][0]["ebs"][0]
    assert ebs["encrypted"] == "true"
    assert not ebs.get("kms_key_id")  # aws/ebs
    assert plan.outputs["ebs_kms_key_arn"] is None


# --- tags ------------------------------------------------------------------------------------


def test_tags_propagate_to_instances_volumes_and_interfaces(plan_for):
    plan = plan_for("ec2", "prod")
    for key, template in _templates(plan).items():
        specs = {s["resource_type"]: s["tags"] for s in template["tag_specifications"]}
        assert {"instance", "volume", "network-interface"} <= set(specs), key
        for resource_type in ("instance", "volume", "network-interface"):
            tags = specs[resource_type]
            assert tags["Environment"] == "prod"
            assert tags["Team"] == "platform"
            assert tags["Name"] == f"workers-prod-{key}"
            assert tags["PatchGroup"] == "workers-prod"
    app = {s["resource_type"]: s["tags"] for s in _templates(plan)["app"]["tag_specifications"]}
    assert app["volume"]["Service"] == "api"
    batch = {s["resource_type"] for s in _templates(plan)["batch"]["tag_specifications"]}
    assert "spot-instances-request" in batch


# --- termination protection (seed's production validation) ---------------------------------


def test_prod_termination_protection_passes_when_enabled(plan_for):
    for template in _templates(plan_for("ec2", "prod")).values():
        assert template["disable_api_termination"] is True
    for template in _templates(plan_for("ec2")).values():
        assert template["disable_api_termination"] is False


# --- template features -----------------------------------------------------------------------


def test_monitoring_ebs_optimized_and_instance_profile(plan_for):
    plan = plan_for("ec2")
    for template in _templates(plan).values():
        assert template["monitoring"] == [{"enabled": True}]
        assert template["ebs_optimized"] == "true"
        assert template["iam_instance_profile"][0]["name"] == "workers-dev-instance"
    attachments = {a["policy_arn"] for a in plan.of_type("aws_iam_role_policy_attachment")}
    assert attachments == {"arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"}
    role = plan["module.instance_role[0].aws_iam_role.this"]
    trust = role.json("assume_role_policy")["Statement"][0]
    assert trust["Principal"] == {"Service": "ec2.amazonaws.com"}


def test_passed_in_instance_profile_is_used(plan_for):
    plan = plan_for("ec2", "instances")
    plan.assert_absent("aws_iam_instance_profile")
    plan.assert_absent("aws_iam_role")
    plan.assert_attr(f'{LT}["web"]', "iam_instance_profile[0].name", "existing-ssm-profile")


def test_user_data_rendered_from_template_with_variables(plan_for):
    template = plan_for("ec2")[f'{LT}["app"]']
    script = base64.b64decode(template["user_data"]).decode()
    assert script.startswith("#!/bin/bash")
    assert "ENVIRONMENT=dev" in script and "AWS_REGION=us-east-1" in script
    assert "ROLE=api" in script  # user_data_vars override the defaults
    assert "X-aws-ec2-metadata-token" in script
    assert plan_for("ec2")[f'{LT}["batch"]'].get("user_data") is None


def test_t_instance_gets_credit_specification(plan_for):
    templates = _templates(plan_for("ec2"))
    assert templates["app"]["credit_specification"] == [{"cpu_credits": "standard"}]
    assert templates["batch"]["credit_specification"] == []
    assert templates["app"]["vpc_security_group_ids"] == ["sg-0123456789abcdef0"]


def test_spot_template_uses_instance_requirements_and_network_interface(plan_for):
    batch = _templates(plan_for("ec2"))["batch"]
    assert batch.get("instance_type") is None
    requirements = batch["instance_requirements"][0]
    assert requirements["vcpu_count"] == [{"min": 2, "max": 8}]
    assert requirements["memory_mib"][0]["min"] == 4096
    assert requirements["burstable_performance"] == "excluded"
    market = batch["instance_market_options"][0]
    assert market["market_type"] == "spot"
    assert market["spot_options"][0]["instance_interruption_behavior"] == "terminate"
    nic = batch["network_interfaces"][0]
    assert (nic["subnet_id"], nic["security_groups"]) == (
        "subnet-0123456789abcdef0",
        ["sg-0123456789abcdef0"],
    )
    assert nic["associate_public_ip_address"] == "false"
    assert not batch.get("vpc_security_group_ids")  # security groups live on the interface
    assert batch["enclave_options"] == [{"enabled": True}]


def test_hibernation_and_capacity_reservation(plan_for):
    web = plan_for("ec2", "instances")[f'{LT}["web"]']
    assert web["hibernation_options"] == [{"configured": True}]
    spec = web["capacity_reservation_specification"][0]
    assert spec["capacity_reservation_preference"] == "open"
    assert web["enclave_options"] == []


# --- instances -------------------------------------------------------------------------------


def test_no_instances_by_default(plan_for):
    plan = plan_for("ec2")
    plan.assert_absent("aws_instance")
    assert plan.outputs["instance_ids"] == {}


def test_instances_launch_from_their_template(plan_for):
    plan = plan_for("ec2", "instances")
    instance = plan['aws_instance.this["web"]']
    assert instance.is_unknown("launch_template[0].id")
    assert instance["subnet_id"] == "subnet-0123456789abcdef0"
    assert instance.tags["Name"] == "bastion-staging-web"


# --- patching and dashboard ------------------------------------------------------------------


def test_patch_management_only_when_enabled(plan_for):
    dev = plan_for("ec2")
    for kind in (
        "aws_ssm_patch_baseline",
        "aws_ssm_maintenance_window",
        "aws_ssm_maintenance_window_task",
    ):
        dev.assert_absent(kind)
    plan = plan_for("ec2", "prod")
    baseline = plan.one("aws_ssm_patch_baseline")
    assert baseline["operating_system"] == "AMAZON_LINUX_2023"
    filters = {f["key"]: f["values"] for f in baseline["approval_rule"][0]["patch_filter"]}
    assert filters == {
        "CLASSIFICATION": ["Security", "Bugfix"],
        "SEVERITY": ["Critical", "Important"],
    }
    assert plan.one("aws_ssm_patch_group")["patch_group"] == "workers-prod"
    target = plan.one("aws_ssm_maintenance_window_target")
    assert target["targets"] == [{"key": "tag:PatchGroup", "values": ["workers-prod"]}]
    task = plan.one("aws_ssm_maintenance_window_task")
    assert task["task_arn"] == "AWS-RunPatchBaseline"
    params = task["task_invocation_parameters"][0]["run_command_parameters"][0]["parameter"]
    assert {p["name"]: p["values"] for p in params}["Operation"] == ["Install"]


def test_dashboard_charts_every_template(plan_for):
    plan_for("ec2").assert_absent("aws_cloudwatch_dashboard")
    body = plan_for("ec2", "prod").one("aws_cloudwatch_dashboard").json("dashboard_body")
    titles = {w["properties"]["title"] for w in body["widgets"]}
    assert {"app: CPU utilization (%)", "batch: Status checks failed"} <= titles
    cpu = next(
        w for w in body["widgets"] if w["properties"]["title"] == "batch: CPU utilization (%)"
    )
    assert "ami-0fedcba9876543210" in cpu["properties"]["metrics"][0][0]["expression"]


def test_dashboard_charts_created_instances_by_id(plan_for):
    plan = plan_for("ec2", "instances")
    assert plan.one("aws_cloudwatch_dashboard").is_unknown("dashboard_body")  # instance IDs


def test_templates_disabled_creates_nothing(plan_for):
    plan = plan_for("ec2", "templates_disabled")
    assert plan.managed == []
    assert plan.outputs["launch_template_ids"] == {}
    assert plan.outputs["patch_group"] is None
