"""Plan-level tests of the rds component: production validations, secrets rotation, security."""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile

import pytest

from tfharness import UNKNOWN
from tfharness.planning.components import find_component
from tfharness.planning.scenarios import load_scenario
from tfharness.terraform.diagnostics import Rejection
from tfharness.terraform.toolchain import cli_config, terraform_binary

pytestmark = pytest.mark.unit

COMPONENT = find_component("rds")

INSTANCE_CLASS_MESSAGE = (
    "Production requires a production-grade instance class (db.t3/db.t4g medium or larger, or "
    "a current m/r/x2/z1d family such as db.m7g.large or db.r6i.xlarge): set instance_class "
    "accordingly."
)
PROD_RULES = {
    "var.multi_az": "Multi-AZ must be enabled in prod: set multi_az = true.",
    "var.publicly_accessible": "RDS instances must not be publicly accessible in prod: set publicly_accessible = false.",
    "var.backup_retention_period": "Production needs at least 7 days of backups: set backup_retention_period = 7 or more.",
    "var.deletion_protection": "Deletion protection must be enabled in prod: set deletion_protection = true.",
    "var.instance_class": INSTANCE_CLASS_MESSAGE,
}


ROTATION_ROLE = "module.rotation_role[0]"


# Production validations (seed section 3) ----------------------------------------------------
def test_the_same_settings_pass_in_dev(plan_for):
    plan = plan_for("rds", "default")
    db = plan["aws_db_instance.this"]
    assert (
        db["multi_az"],
        db["backup_retention_period"],
        db["deletion_protection"],
        db["instance_class"],
    ) == (False, 1, False, "db.t3.micro")
    public = plan_for("rds", "rotation_off")["aws_db_instance.this"]
    assert public["publicly_accessible"] is True


def test_production_configuration_plans_with_every_safeguard(plan_for):
    plan = plan_for("rds", "prod")
    plan.assert_subset(
        "aws_db_instance.this",
        {
            "instance_class": "db.r7g.large",
            "multi_az": True,
            "publicly_accessible": False,
            "backup_retention_period": 14,
            "deletion_protection": True,
            "storage_encrypted": True,
            "skip_final_snapshot": False,
            "final_snapshot_identifier": "orders-prod-final",
        },
    )
    plan.assert_tags("aws_db_instance.this", {"Environment": "prod"})


def _prod_instance_class_regex() -> str:
    text = (COMPONENT.path / "variables.tf").read_text()
    block = text.split("# prod-instance-class-regex-begin")[1].split(
        "# prod-instance-class-regex-end"
    )[0]
    match = re.search(r'can\(regex\(\s*("(?:[^"\\]|\\.)*")', block)
    assert match, "the production instance-class regex was not found in variables.tf"
    return match.group(1)  # still an HCL string literal, escapes included


ACCEPTED = [
    "db.t3.medium",
    "db.t3.large",
    "db.t3.2xlarge",
    "db.t4g.medium",
    "db.t4g.xlarge",
    "db.m5.large",
    "db.m5d.4xlarge",
    "db.m6g.large",
    "db.m6gd.xlarge",
    "db.m6i.32xlarge",
    "db.m6id.large",
    "db.m6idn.8xlarge",
    "db.m7g.large",
    "db.m7i.2xlarge",
    "db.m8g.48xlarge",
    "db.m8gd.large",
    "db.r5.large",
    "db.r5b.8xlarge",
    "db.r5.large.tpc2.mem4x",
    "db.r6g.large",
    "db.r6gd.2xlarge",
    "db.r6i.xlarge",
    "db.r7g.16xlarge",
    "db.r7i.large",
    "db.r8g.large",
    "db.x2g.large",
    "db.x2iedn.xlarge",
    "db.z1d.large",
    "db.m6i.metal",
]
REFUSED = [
    "db.t3.micro",
    "db.t3.small",
    "db.t4g.micro",
    "db.t4g.small",
    "db.t2.medium",
    "db.t2.large",
    "db.t2.micro",
    "db.m4.large",
    "db.m3.medium",
    "db.r4.large",
    "db.r3.xlarge",
    "db.m1.small",
    "db.t1.micro",
    "db.x1.16xlarge",
    "db.m5",
    "m5.large",
    "db.r6g.large.x",
]


def test_instance_class_rule_accepts_current_families_and_refuses_small_or_old_ones():
    """Evaluate the exact regex of variables.tf with Terraform's own regex engine."""
    pattern = _prod_instance_class_regex()
    classes = ACCEPTED + REFUSED
    expression = f"jsonencode([for c in {json.dumps(classes)} : can(regex({pattern}, c))])"
    with tempfile.TemporaryDirectory() as empty:
        done = subprocess.run(
            [terraform_binary(), "console"],
            input=expression,
            text=True,
            capture_output=True,
            cwd=empty,
            timeout=120,
            check=False,
            env={**os.environ, **cli_config().env()},
        )
    assert done.returncode == 0, done.stderr
    results = dict(zip(classes, json.loads(json.loads(done.stdout.strip())), strict=True))
    wrongly_refused = [c for c in ACCEPTED if not results[c]]
    wrongly_accepted = [c for c in REFUSED if results[c]]
    assert not wrongly_refused, f"production-grade classes refused: {wrongly_refused}"
    assert not wrongly_accepted, (
        f"small or previous-generation classes accepted: {wrongly_accepted}"
    )


def test_seed_defaults_for_rotation_inputs():
    scenario = load_scenario("rds", "default")
    assert "enable_secrets_rotation" not in scenario.vars  # the defaults are what is tested
    text = (COMPONENT.path / "variables.tf").read_text()
    for name, default in [
        ("enable_secrets_rotation", "true"),
        ("rotation_days", "30"),
        ("enable_rotation_alarms", "true"),
        ("rotation_logs_retention_days", "7"),
        ("storage_encrypted", "true"),
    ]:
        block = text.split(f'variable "{name}" {{')[1].split("\n}\n")[0]
        assert re.search(rf"\n  default\s+= {default}\n", block), f"{name} default is not {default}"


# The database ---------------------------------------------------------------------------
def test_instance_is_encrypted_private_monitored_and_logged(plan_for):
    plan = plan_for("rds", "default")
    db = plan["aws_db_instance.this"]
    plan.assert_subset(
        "aws_db_instance.this",
        {
            "engine": "postgres",
            "engine_version": "16",
            "storage_encrypted": True,
            "publicly_accessible": False,
            "iam_database_authentication_enabled": True,
            "copy_tags_to_snapshot": True,
            "auto_minor_version_upgrade": True,
            "performance_insights_enabled": True,
            "monitoring_interval": 60,
            "enabled_cloudwatch_logs_exports": ["postgresql", "upgrade"],
            "parameter_group_name": "orders-dev-postgres16",
            "port": 5432,
        },
    )
    for path in ("kms_key_id", "performance_insights_kms_key_id", "monitoring_role_arn"):
        assert db.is_unknown(path), f"{path} should reference the component's resources"
    config = plan.configured("aws_db_instance.this")["expressions"]
    assert "module.kms.key_arn" in config["kms_key_id"]["references"]
    assert "module.kms.key_arn" in config["performance_insights_kms_key_id"]["references"]
    for group in ("postgresql", "upgrade"):
        log = plan[f'module.db_log_group["{group}"].aws_cloudwatch_log_group.this']
        assert log["name"] == f"/aws/rds/instance/orders-dev/{group}"


def test_master_password_is_generated_write_only_and_never_output(plan_for):
    plan = plan_for("rds", "default")
    db = plan["aws_db_instance.this"]
    assert db["password"] is None and db["password_wo"] is None
    assert db["password_wo_version"] == 1
    refs = plan.configured("aws_db_instance.this")["expressions"]["password_wo"]
    assert (
        "ephemeral.aws_secretsmanager_random_password.master.random_password" in refs["references"]
    )
    version = plan["aws_secretsmanager_secret_version.this"]
    assert version["secret_string"] is None and version["secret_string_wo"] is None
    secret_refs = plan.configured("aws_secretsmanager_secret_version.this")["expressions"][
        "secret_string_wo"
    ]["references"]
    assert "ephemeral.aws_secretsmanager_random_password.master.random_password" in secret_refs
    assert "aws_db_instance.this.address" in secret_refs
    assert not [name for name in plan.outputs if "password" in name]
    assert plan.outputs["secret_arn"] == UNKNOWN


def test_parameter_group_requires_tls_and_logs_slow_statements(plan_for):
    postgres = {
        p["name"]: p["value"]
        for p in plan_for("rds", "default")["aws_db_parameter_group.this"]["parameter"]
    }
    assert postgres["rds.force_ssl"] == "1"
    assert postgres["log_min_duration_statement"] == "1000"
    mysql_plan = plan_for("rds", "mysql")
    mysql = {p["name"]: p["value"] for p in mysql_plan["aws_db_parameter_group.this"]["parameter"]}
    assert mysql["require_secure_transport"] == "1"
    assert mysql_plan["aws_db_parameter_group.this"]["family"] == "mysql8.0"


def test_mysql_engine_defaults(plan_for):
    plan = plan_for("rds", "mysql")
    plan.assert_subset(
        "aws_db_instance.this",
        {
            "engine": "mysql",
            "engine_version": "8.0.39",
            "port": 3306,
            "enabled_cloudwatch_logs_exports": ["error", "slowquery"],
        },
    )
    plan.assert_tags("aws_db_instance.this", {"Team": "payments", "Tier": "data"})
    plan.assert_tags("module.kms.aws_kms_key.this", {"Team": "payments"})
    assert "Tier" not in plan["module.kms.aws_kms_key.this"].tags
    rule = plan["aws_vpc_security_group_ingress_rule.from_rotation[0]"]
    assert (rule["from_port"], rule["to_port"]) == (3306, 3306)


def test_database_security_group_admits_only_listed_clients(plan_for):
    plan = plan_for("rds", "default")
    sg_rule = plan[
        'aws_vpc_security_group_ingress_rule.from_security_groups["sg-0123456789abcdef0"]'
    ]
    assert (sg_rule["from_port"], sg_rule["to_port"], sg_rule["ip_protocol"]) == (5432, 5432, "tcp")
    assert sg_rule["referenced_security_group_id"] == "sg-0123456789abcdef0"
    ingress = plan.of_type("aws_vpc_security_group_ingress_rule")
    assert all(r.get("cidr_ipv4") in (None,) for r in ingress), "default admits no CIDR"
    plan.assert_absent("aws_security_group_rule")
    mysql = plan_for("rds", "mysql")
    cidr = mysql['aws_vpc_security_group_ingress_rule.from_cidr_blocks["10.20.0.0/16"]']
    assert cidr["cidr_ipv4"] == "10.20.0.0/16"


def test_kms_key_limits_log_encryption_to_this_component(plan_for):
    plan = plan_for("rds", "default")
    policy = plan["module.kms.aws_kms_key.this"].json("policy")
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
    arns = logs["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"]
    assert any(a.endswith(":log-group:/aws/lambda/orders-dev-rds-rotation") for a in arns)
    assert any(a.endswith(":log-group:/aws/rds/instance/orders-dev/*") for a in arns)


# Secrets rotation (seed section 2) -----------------------------------------------------------
def test_secret_is_encrypted_with_the_component_key(plan_for):
    plan = plan_for("rds", "default")
    secret = plan["aws_secretsmanager_secret.this"]
    assert secret["name"] == "rds/orders-dev/master"
    assert secret.is_unknown("kms_key_id")
    refs = plan.configured("aws_secretsmanager_secret.this")["expressions"]["kms_key_id"]
    assert "module.kms.key_arn" in refs["references"]


def test_rotation_every_30_days_by_the_python312_function_in_the_vpc(plan_for):
    plan = plan_for("rds", "default")
    rotation = plan["aws_secretsmanager_secret_rotation.this[0]"]
    assert rotation["rotation_rules"][0]["automatically_after_days"] == 30
    assert rotation["rotate_immediately"] is True
    fn = plan["aws_lambda_function.rotation[0]"]
    assert (fn["runtime"], fn["handler"], fn["timeout"]) == (
        "python3.12",
        "rotation.lambda_handler",
        60,
    )
    assert fn["filename"].endswith("build/rotation.zip")
    assert re.fullmatch(r"[A-Za-z0-9+/]{43}=", fn["source_code_hash"])
    assert fn["vpc_config"][0]["subnet_ids"] == [
        "subnet-0aaaaaaaaaaaaaaa1",
        "subnet-0bbbbbbbbbbbbbbb2",
    ]
    assert fn["tracing_config"][0]["mode"] == "Active"
    assert (
        fn["environment"][0]["variables"]["SECRETS_MANAGER_ENDPOINT"]
        == "https://secretsmanager.us-east-1.amazonaws.com"
    )
    permission = plan["aws_lambda_permission.secrets_manager[0]"]
    assert permission["principal"] == "secretsmanager.amazonaws.com"
    assert permission["action"] == "lambda:InvokeFunction"
    assert permission.is_unknown("source_arn")


def test_rotation_function_reaches_the_database_through_its_own_security_group(plan_for):
    plan = plan_for("rds", "default")
    ingress = plan["aws_vpc_security_group_ingress_rule.from_rotation[0]"]
    assert (ingress["from_port"], ingress["to_port"], ingress["ip_protocol"]) == (5432, 5432, "tcp")
    refs = plan.configured("aws_vpc_security_group_ingress_rule.from_rotation")
    expressions = refs["expressions"]
    assert "aws_security_group.this.id" in expressions["security_group_id"]["references"]
    assert "aws_security_group.rotation" in " ".join(
        expressions["referenced_security_group_id"]["references"]
    )
    egress = plan["aws_vpc_security_group_egress_rule.rotation_to_secrets_manager[0]"]
    assert (egress["from_port"], egress["to_port"]) == (443, 443)


def test_rotation_role_is_least_privilege(plan_for):
    plan = plan_for("rds", "default")
    resource = plan.configured("data.aws_iam_policy_document.rotation")
    statements = {}
    for statement in resource["expressions"]["statement"]:
        resources = statement["resources"]
        statements[statement["sid"]["constant_value"]] = (
            sorted(statement["actions"]["constant_value"]),
            resources.get("constant_value") or resources.get("references"),
        )
    assert statements["RotateThisSecret"] == (
        [
            "secretsmanager:DescribeSecret",
            "secretsmanager:GetSecretValue",
            "secretsmanager:PutSecretValue",
            "secretsmanager:UpdateSecretVersionStage",
        ],
        ["aws_secretsmanager_secret.this.arn", "aws_secretsmanager_secret.this"],
    )
    assert statements["UseTheKey"][1] == ["module.kms.key_arn", "module.kms"]
    wildcard = sorted(sid for sid, (_, res) in statements.items() if res == ["*"])
    assert wildcard == ["GeneratePasswords", "Tracing"]  # no resource-level permissions exist
    assert statements["GeneratePasswords"][0] == ["secretsmanager:GetRandomPassword"]
    assert not [a for actions, _ in statements.values() for a in actions if a.endswith("*")]
    plan.assert_attr(
        f'{ROTATION_ROLE}.aws_iam_role_policy_attachment.this["vpc"]',
        "policy_arn",
        "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
    )
    # One policy, named after the stack, is the role's only inline policy.
    inline = plan.of_type("aws_iam_role_policy")
    assert [(p.address, p["name"]) for p in inline] == [
        (f'{ROTATION_ROLE}.aws_iam_role_policy.this["rotate"]', "rotate-orders-dev")
    ]
    assert plan.references("module.rotation_role", "inline_policies") == [
        "data.aws_iam_policy_document.rotation.json",
        "data.aws_iam_policy_document.rotation",
    ]


def test_rotation_log_group_keeps_the_seed_retention(plan_for):
    log = plan_for("rds", "default")["module.rotation_log_group[0].aws_cloudwatch_log_group.this"]
    assert log["name"] == "/aws/lambda/orders-dev-rds-rotation"
    assert log["retention_in_days"] == 7


def test_rotation_alarms_on_errors_and_near_timeout_duration(plan_for):
    plan = plan_for("rds", "default")
    errors = plan["aws_cloudwatch_metric_alarm.rotation_errors[0]"]
    assert (errors["namespace"], errors["metric_name"], errors["statistic"]) == (
        "AWS/Lambda",
        "Errors",
        "Sum",
    )
    assert (errors["comparison_operator"], errors["threshold"]) == ("GreaterThanThreshold", 0)
    assert errors["dimensions"] == {"FunctionName": "orders-dev-rds-rotation"}
    duration = plan["aws_cloudwatch_metric_alarm.rotation_duration[0]"]
    assert (duration["metric_name"], duration["statistic"]) == ("Duration", "Maximum")
    assert duration["threshold"] == 48000  # 80% of the 60 s timeout, in milliseconds
    for alarm in (errors, duration):
        assert alarm.is_unknown("alarm_actions"), "alarms should notify the created topic"


def test_rotation_events_go_to_a_kms_encrypted_topic(plan_for):
    plan = plan_for("rds", "default")
    topic = plan["module.rotation_topic[0].aws_sns_topic.this"]
    assert topic.is_unknown("kms_master_key_id")
    pattern = plan["aws_cloudwatch_event_rule.rotation[0]"].json("event_pattern")
    assert pattern["source"] == ["aws.secretsmanager"]
    assert sorted(pattern["detail"]["eventName"]) == [
        "RotationAbandoned",
        "RotationFailed",
        "RotationStarted",
        "RotationSucceeded",
    ]
    assert pattern["detail"]["additionalEventData"]["SecretId"] == [
        {"prefix": "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds/orders-dev/master-"}
    ]
    assert plan["aws_cloudwatch_event_target.rotation[0]"].is_unknown("arn")
    statement = plan["module.kms.aws_kms_key.this"].json("policy")["Statement"]
    publish = next(s for s in statement if s["Sid"] == "ServicesPublishToEncryptedTopics")
    assert sorted(publish["Principal"]["Service"]) == [
        "cloudwatch.amazonaws.com",
        "events.amazonaws.com",
    ]
    assert sorted(publish["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert publish["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}


def test_existing_topic_is_used_and_alarms_can_be_turned_off(plan_for):
    plan = plan_for("rds", "mysql")
    plan.assert_absent("aws_sns_topic")
    plan.assert_absent("aws_cloudwatch_metric_alarm")
    plan.assert_attr(
        "aws_cloudwatch_event_target.rotation[0]",
        "arn",
        "arn:aws:sns:us-east-1:123456789012:platform-alerts",
    )
    assert (
        plan.outputs["rotation_sns_topic_arn"]
        == "arn:aws:sns:us-east-1:123456789012:platform-alerts"
    )
    assert "ServicesPublishToEncryptedTopics" not in {
        s["Sid"] for s in plan["module.kms.aws_kms_key.this"].json("policy")["Statement"]
    }


def test_rotation_off_removes_every_rotation_resource(plan_for):
    plan = plan_for("rds", "rotation_off")
    for resource_type in (
        "aws_lambda_function",
        "aws_secretsmanager_secret_rotation",
        "aws_lambda_permission",
        "aws_cloudwatch_metric_alarm",
        "aws_cloudwatch_event_rule",
        "aws_sns_topic",
        "aws_iam_role",
    ):
        plan.assert_absent(resource_type)
    plan.assert_absent("aws_vpc_security_group_ingress_rule.from_rotation[0]")
    plan["aws_secretsmanager_secret.this"]  # the credentials are still stored
    plan["aws_secretsmanager_secret_version.this"]
    assert plan.outputs["rotation_lambda_arn"] is None
    assert plan.outputs["rotation_security_group_id"] is None
    db = plan["aws_db_instance.this"]
    assert (db["monitoring_interval"], db["performance_insights_enabled"]) == (0, False)


def test_planning_without_the_rotation_package_says_how_to_build_it(planner):
    outcome = planner.outcome_without("rds", "default", ["build/rotation.zip"])  # cached
    assert isinstance(outcome, Rejection), "planning without build/rotation.zip succeeded"
    outcome.assert_rule(
        "aws_lambda_function.rotation",
        "The rotation package build/rotation.zip is missing: run python "
        "components/terraform/rds/lambda/build.py before planning, or set "
        "enable_secrets_rotation = false.",
    )


def test_outputs_are_never_secret():
    text = (COMPONENT.path / "outputs.tf").read_text()
    outputs = re.findall(r'output "([a-z_]+)" \{', text)
    assert {
        "db_instance_endpoint",
        "db_instance_port",
        "db_instance_id",
        "db_instance_arn",
        "security_group_id",
        "secret_arn",
        "kms_key_arn",
    } <= set(outputs)
    values = re.findall(r"\n  value\s*=\s*(.+)", text)
    assert len(values) == len(outputs)
    assert not [v for v in values if re.search(r"password|ephemeral|secret_string", v)]
