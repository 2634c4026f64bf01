"""Plan-level tests of the ecs component: Container Insights, encrypted ECS Exec, Fargate strategy."""

import pytest

pytestmark = pytest.mark.unit


def test_container_insights_enabled(plan_for):
    plan = plan_for("ecs")
    cluster = plan["aws_ecs_cluster.this"]
    assert cluster["name"] == "apps-dev"
    assert cluster["setting"] == [{"name": "containerInsights", "value": "enabled"}]
    plan.assert_tags("aws_ecs_cluster.this", {"Environment": "dev", "Name": "apps-dev"})


def test_exec_sessions_and_logs_use_the_cmk(plan_for):
    plan = plan_for("ecs")
    exec_config = "configuration[0].execute_command_configuration[0]"
    plan.assert_attr("aws_ecs_cluster.this", f"{exec_config}.logging", "OVERRIDE")
    plan.assert_attr(
        "aws_ecs_cluster.this",
        f"{exec_config}.log_configuration[0].cloud_watch_encryption_enabled",
        True,
    )
    plan.assert_attr(
        "aws_ecs_cluster.this",
        f"{exec_config}.log_configuration[0].cloud_watch_log_group_name",
        "/aws/ecs/apps-dev/exec",
    )
    assert "module.exec_kms.key_arn" in plan.references(
        "aws_ecs_cluster.this",
        "configuration",
        0,
        "execute_command_configuration",
        0,
        "kms_key_id",
    )
    plan.assert_attr(
        "module.exec_log_group[0].aws_cloudwatch_log_group.this", "retention_in_days", 365
    )
    assert "module.exec_kms.key_arn" in plan.references("module.exec_log_group", "kms_key_arn")


def test_key_policy_lets_logs_use_it_only_for_the_exec_group(plan_for):
    plan = plan_for("ecs")
    policy = plan["module.exec_kms.data.aws_iam_policy_document.this"].json("json")
    logs = next(s for s in policy["Statement"] if s["Sid"] == "CloudWatchLogsUse")
    assert logs["Principal"] == {"Service": "logs.us-east-1.amazonaws.com"}
    assert sorted(logs["Action"]) == [
        "kms:Decrypt*",
        "kms:Describe*",
        "kms:Encrypt*",
        "kms:GenerateDataKey*",
        "kms:ReEncrypt*",
    ]
    assert list(logs["Condition"]) == ["ArnLike"]
    assert logs["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"].endswith(
        ":log-group:/aws/ecs/apps-dev/exec"
    )


def test_fargate_and_spot_with_an_on_demand_base(plan_for):
    plan = plan_for("ecs")
    providers = plan["aws_ecs_cluster_capacity_providers.this"]
    assert sorted(providers["capacity_providers"]) == ["FARGATE", "FARGATE_SPOT"]
    strategy = sorted(
        providers["default_capacity_provider_strategy"], key=lambda s: s["capacity_provider"]
    )
    assert strategy == [
        {"capacity_provider": "FARGATE", "base": 1, "weight": 1},
        {"capacity_provider": "FARGATE_SPOT", "base": 0, "weight": 3},
    ]


def test_exec_policy_is_scoped_to_the_cluster_key_and_log_group(plan_for):
    plan = plan_for("ecs")
    plan.assert_actions("aws_iam_policy.exec[0]", "create")
    # The policy document references the key and log group ARNs, so it is known after apply:
    # check its wiring in the configuration instead.
    statements = plan.configured("data.aws_iam_policy_document.exec")["expressions"]["statement"]
    key_statement = next(s for s in statements if s["sid"]["constant_value"] == "SessionEncryption")
    assert key_statement["actions"]["constant_value"] == ["kms:Decrypt", "kms:GenerateDataKey"]
    assert "module.exec_kms.key_arn" in key_statement["resources"]["references"]
    ssm = next(s for s in statements if s["sid"]["constant_value"] == "SsmMessageChannels")
    assert all(a.startswith("ssmmessages:") for a in ssm["actions"]["constant_value"])


def test_prod_enhanced_insights(plan_for):
    plan = plan_for("ecs", "prod")
    assert plan["aws_ecs_cluster.this"]["setting"] == [
        {"name": "containerInsights", "value": "enhanced"}
    ]


def test_toggles_off(plan_for):
    plan = plan_for("ecs", "minimal")
    plan.assert_absent("aws_cloudwatch_log_group")
    plan.assert_absent("aws_iam_policy")
    exec_config = plan["aws_ecs_cluster.this"]["configuration"][0]["execute_command_configuration"][
        0
    ]
    assert exec_config["logging"] == "NONE"
    assert exec_config["log_configuration"] == []
    # Sessions stay encrypted even without logging.
    assert "module.exec_kms.key_arn" in plan.references(
        "aws_ecs_cluster.this",
        "configuration",
        0,
        "execute_command_configuration",
        0,
        "kms_key_id",
    )
    assert plan.outputs["exec_log_group_name"] is None
    assert plan.outputs["exec_policy_arn"] is None
