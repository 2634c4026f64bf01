import base64
import hashlib
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tfharness import UNKNOWN
from tfharness.planning.components import find_component

pytestmark = pytest.mark.unit

COMPONENT = "lambda"
FN = "aws_lambda_function.this"
ROLE = "module.execution_role"  # modules/iam-role


def _statements(plan):
    return {
        s["Sid"]: s for s in plan["data.aws_iam_policy_document.this"].json("json")["Statement"]
    }


def _as_list(value):
    return value if isinstance(value, list) else [value]


@pytest.fixture(scope="module")
def built_package(tmp_path_factory):
    """The example package built twice from a copy of lambda/ (never inside components/)."""
    root = tmp_path_factory.mktemp("lambda-build")
    shutil.copytree(
        find_component(COMPONENT).path / "lambda",
        root / "lambda",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    digests = []
    for _ in range(2):
        subprocess.run(
            [sys.executable, str(root / "lambda" / "build.py")], check=True, capture_output=True
        )
        data = (root / "build" / "function.zip").read_bytes()
        digests.append(base64.b64encode(hashlib.sha256(data).digest()).decode())
    return root / "build" / "function.zip", digests


def test_build_is_deterministic_and_packages_the_handler(built_package):
    package, digests = built_package
    assert digests[0] == digests[1]
    with zipfile.ZipFile(package) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == ["handler.py"]
    assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in infos)


def test_function_deploys_the_built_package(plan_for, built_package):
    plan = plan_for(COMPONENT)
    _, digests = built_package
    plan.assert_attr(FN, "source_code_hash", digests[0])
    assert plan[FN]["filename"].endswith("/build/function.zip")
    plan.assert_subset(
        FN,
        {
            "function_name": "orders-dev",
            "handler": "handler.handler",
            "runtime": "python3.12",
            "architectures": ["arm64"],
            "reserved_concurrent_executions": 10,
            "tracing_config[0].mode": "Active",
            "environment[0].variables": {"LOG_LEVEL": "INFO"},
            "logging_config[0].log_group": "/aws/lambda/orders-dev",
            "logging_config[0].log_format": "JSON",
        },
    )
    plan.assert_unknown(FN, "kms_key_arn")  # environment encrypted with the CMK
    plan.assert_unknown(FN, "dead_letter_config[0].target_arn")
    assert plan[FN].get("vpc_config") in ([], None)
    assert plan[FN].get("code_signing_config_arn") is None
    plan.assert_tags(FN, {"Environment": "dev", "Name": "orders-dev"})


def test_log_group_encrypted_and_retained(plan_for):
    plan = plan_for(COMPONENT)
    group = plan.one("aws_cloudwatch_log_group")
    assert group["name"] == "/aws/lambda/orders-dev"
    assert group["retention_in_days"] == 30
    key = plan.one("aws_kms_key")
    assert key["deletion_window_in_days"] == 30
    logs = {s["Sid"]: s for s in key.json("policy")["Statement"]}["CloudWatchLogsUse"]
    assert logs["Principal"] == {"Service": "logs.us-east-1.amazonaws.com"}
    assert sorted(logs["Action"]) == [
        "kms:Decrypt*",
        "kms:Describe*",
        "kms:Encrypt*",
        "kms:GenerateDataKey*",
        "kms:ReEncrypt*",
    ]
    assert logs["Condition"] == {
        "ArnLike": {
            "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/orders-dev"
        }
    }


def test_dead_letter_queue_is_encrypted_and_tls_only(plan_for):
    plan = plan_for(COMPONENT)
    queue = plan['module.dlq[0].aws_sqs_queue.this["dlq"]']
    assert queue["name"] == "orders-dev-dlq"
    assert queue.is_unknown("kms_master_key_id")
    assert queue["message_retention_seconds"] == 1209600
    assert "module.kms.key_arn" in plan.references("module.dlq", "kms_key_arn")
    deny = plan['module.dlq[0].data.aws_iam_policy_document.tls["dlq"]'].json("json")["Statement"]
    assert deny == [
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Action": "sqs:*",
            "Resource": "arn:aws:sqs:us-east-1:123456789012:orders-dev-dlq",
            "Principal": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ]


def test_execution_role_is_least_privilege(plan_for):
    plan = plan_for(COMPONENT)
    role = plan[f"{ROLE}.aws_iam_role.this"]
    trust = role.json("assume_role_policy")["Statement"][0]
    assert trust["Principal"] == {"Service": "lambda.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}
    policy = plan["data.aws_iam_policy_document.this"]
    if policy.is_unknown("json"):
        pytest.fail("execution policy should be known at plan (built from known ARNs)")
    statements = _statements(plan)
    assert sorted(statements) == ["SendToOwnDeadLetterQueue", "WriteOwnLogGroup", "WriteTraces"]
    logs = statements["WriteOwnLogGroup"]
    assert sorted(logs["Action"]) == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert (
        logs["Resource"] == "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/orders-dev:*"
    )
    assert statements["SendToOwnDeadLetterQueue"]["Action"] == "sqs:SendMessage"
    assert (
        statements["SendToOwnDeadLetterQueue"]["Resource"]
        == "arn:aws:sqs:us-east-1:123456789012:orders-dev-dlq"
    )
    kms = plan["data.aws_iam_policy_document.dlq_kms[0]"]
    assert kms.is_unknown("json")  # the key ARN is known after apply; check the statement itself
    kms = kms["statement"][0]
    assert kms["actions"] == ["kms:Decrypt", "kms:GenerateDataKey"] or sorted(kms["actions"]) == [
        "kms:Decrypt",
        "kms:GenerateDataKey",
    ]
    assert kms["condition"][0]["test"] == "StringEquals"
    assert kms["condition"][0]["variable"] == "kms:ViaService"
    assert kms["condition"][0]["values"] == ["sqs.us-east-1.amazonaws.com"]
    assert kms["resources"] == [UNKNOWN]
    # "*" only where the service has no resource-level permissions.
    for sid, statement in statements.items():
        if "*" in _as_list(statement["Resource"]):
            assert sid == "WriteTraces"
            assert sorted(statement["Action"]) == [
                "xray:PutTelemetryRecords",
                "xray:PutTraceSegments",
            ]


def test_error_throttle_and_dlq_alarms(plan_for):
    plan = plan_for(COMPONENT)
    errors = plan['aws_cloudwatch_metric_alarm.function["errors"]']
    throttles = plan['aws_cloudwatch_metric_alarm.function["throttles"]']
    for alarm, metric in ((errors, "Errors"), (throttles, "Throttles")):
        assert alarm["namespace"] == "AWS/Lambda"
        assert alarm["metric_name"] == metric
        assert alarm["dimensions"] == {"FunctionName": "orders-dev"}
        assert alarm["comparison_operator"] == "GreaterThanOrEqualToThreshold"
        assert alarm["threshold"] == 1
        assert alarm["statistic"] == "Sum"
    dlq = plan["aws_cloudwatch_metric_alarm.dlq[0]"]
    assert dlq["metric_name"] == "ApproximateNumberOfMessagesVisible"
    assert dlq["dimensions"] == {"QueueName": "orders-dev-dlq"}


def test_prod_vpc_code_signing_and_alarm_actions(plan_for):
    plan = plan_for(COMPONENT, "prod")
    plan.assert_attr(FN, "function_name", "orders-worker")
    plan.assert_attr(
        FN, "vpc_config[0].subnet_ids", ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
    )
    plan.assert_unknown(FN, "code_signing_config_arn")
    signing = plan["aws_lambda_code_signing_config.this[0]"]
    assert signing["policies"][0]["untrusted_artifact_on_deployment"] == "Enforce"
    assert plan["module.log_group.aws_cloudwatch_log_group.this"]["retention_in_days"] == 365
    for alarm in plan.of_type("aws_cloudwatch_metric_alarm"):
        assert alarm["alarm_actions"] == ["arn:aws:sns:us-east-1:123456789012:alerts"]
        assert alarm["ok_actions"] == ["arn:aws:sns:us-east-1:123456789012:alerts"]
    statements = _statements(plan)
    eni = statements["ManageFunctionEnisInGivenSubnets"]
    assert sorted(eni["Resource"]) == sorted(
        [
            "arn:aws:ec2:us-east-1:123456789012:network-interface/*",
            "arn:aws:ec2:us-east-1:123456789012:subnet/subnet-0123456789abcdef0",
            "arn:aws:ec2:us-east-1:123456789012:subnet/subnet-0123456789abcdef1",
            "arn:aws:ec2:us-east-1:123456789012:security-group/sg-0123456789abcdef0",
        ]
    )
    assert statements["DescribeNetworkInterfaces"]["Resource"] == "*"
    extra = plan[f'{ROLE}.aws_iam_role_policy.this["function-code"]'].json("policy")
    assert extra["Statement"][0]["Action"] == "dynamodb:GetItem"


def test_toggles_off(plan_for):
    plan = plan_for(COMPONENT, "toggles_off")
    plan.assert_absent("aws_sqs_queue")
    plan.assert_absent("aws_cloudwatch_metric_alarm")
    plan.assert_absent("aws_lambda_code_signing_config")
    plan.assert_attr(FN, "tracing_config[0].mode", "PassThrough")
    plan.assert_attr(FN, "reserved_concurrent_executions", -1)
    assert plan[FN].get("dead_letter_config") in ([], None)
    assert plan[FN].get("environment") in ([], None)
    assert sorted(_statements(plan)) == ["WriteOwnLogGroup"]
    assert plan.outputs["dlq_arn"] is None
    assert plan.outputs["alarm_arns"] == {}
    # Logs stay encrypted and retained whatever the toggles.
    assert plan["module.log_group.aws_cloudwatch_log_group.this"]["retention_in_days"] == 30


def test_source_tree_has_no_built_package():
    root = find_component(COMPONENT).path
    assert not list(Path(root).rglob("*.zip")), "packages are built, never committed"
