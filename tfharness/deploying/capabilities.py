"""What the integration target can do, probed once per session with cheap calls.

A test declares what it needs with ``@pytest.mark.requires("backup_selections")``; on a target
that lacks it, the test is skipped and the summary prints why. Components leave out only what
the target cannot create, through the switches each component's README documents.
"""

from __future__ import annotations

import contextlib
import io
import time
import uuid
import zipfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from tfharness.deploying.emulator import Endpoint


@dataclass(frozen=True)
class Capability:
    name: str
    available: bool
    reason: str


# How emulators say "I do not serve this": moto answers an HTML page; LocalStack answers HTTP
# 501 InternalFailure ("... is either not included in your current license plan or has not
# yet been emulated by LocalStack", "Service 'x' is not enabled", "... has not been
# implemented").
_NOT_SERVED = (
    "not included in your current license plan",
    "has not yet been emulated",
    "is not enabled",
    "has not been implemented",
    "not yet implemented",
)


def _refused(error: Exception) -> str:
    text = str(error)
    if isinstance(error, ClientError):
        err = error.response.get("Error", {})
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        text = f"{err.get('Code') or f'HTTP {status}'}: {err.get('Message', '')}"
        message = str(err.get("Message", ""))
        if status == 501 or any(marker in message for marker in _NOT_SERVED):
            return f"not implemented: {text.splitlines()[0][:160]}"
    if "<html" in text or "<!doctype" in text.lower():
        return "not implemented: the target answered with an HTML error page"
    return text.splitlines()[0][:160]


def require(found: dict[str, Capability], *names: str) -> None:
    """Skip the running test, saying why, unless the target has every capability named (for
    fixtures, which pytest sets up before a test's own `requires` marker is looked at)."""
    import pytest

    unknown = [name for name in names if name not in found]
    if unknown:
        pytest.fail(f"unknown capabilities {unknown}; known: {sorted(found)}", pytrace=False)
    reason = missing_reason(found, names)
    if reason:
        pytest.skip(reason)


def missing_reason(found: dict[str, Capability], names: Iterable[str]) -> str:
    """Why the target cannot serve `names` ("needs x: ...; needs y: ..."), "" if it can;
    names that were not probed are left out."""
    return "; ".join(
        f"needs {name}: {found[name].reason}"
        for name in names
        if name in found and not found[name].available
    )


def _probe(name: str, call: Callable[[], object], what: str) -> Capability:
    try:
        call()
    except Exception as error:  # any refusal, however the target words it, means "no"
        return Capability(name, False, f"the target refused {what} ({_refused(error)})")
    return Capability(name, True, f"{what} works")


def _answers(name: str, call: Callable[[], object], what: str) -> Capability:
    """Available when the target answers the API at all: an AWS error such as
    ResourceNotFoundException for a made-up name counts as an answer, an HTML error page
    (moto's "not implemented") does not."""
    try:
        call()
    except ClientError as error:
        reason = _refused(error)
        if reason.startswith("not implemented") or "NotImplemented" in reason:
            return Capability(name, False, f"the target does not implement {what} ({reason})")
        return Capability(name, True, f"{what} answers")
    except Exception as error:
        return Capability(name, False, f"the target refused {what} ({_refused(error)})")
    return Capability(name, True, f"{what} answers")


def probe_all(endpoint: Endpoint, kind: str) -> dict[str, Capability]:
    """Probe the target behind `endpoint`; `kind` (moto, localstack or aws) is only reported:
    every answer comes from a call to the target, never from what its kind is assumed to do."""
    suffix = uuid.uuid4().hex[:8]
    # One attempt, short timeouts: a probe must never hang (LocalStack's DynamoDB would block
    # for seconds trying to download DynamoDB Local).
    once = Config(
        retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=3, read_timeout=10
    )
    backup = endpoint.boto3_client("backup", config=once)
    cloudwatch = endpoint.boto3_client("cloudwatch", config=once)
    logs = endpoint.boto3_client("logs", config=once)
    rds = endpoint.boto3_client("rds", config=once)
    found: list[Capability] = []

    vault = f"tfharness-probe-{suffix}"

    def vault_policy() -> None:
        backup.create_backup_vault(BackupVaultName=vault)
        try:
            backup.put_backup_vault_access_policy(
                BackupVaultName=vault,
                Policy='{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":'
                '{"AWS":"*"},"Action":"backup:DeleteRecoveryPoint","Resource":"*"}]}',
            )
        finally:
            backup.delete_backup_vault(BackupVaultName=vault)

    def selections() -> None:
        plan = backup.create_backup_plan(
            BackupPlan={
                "BackupPlanName": f"probe-{suffix}",
                "Rules": [
                    {
                        "RuleName": "r",
                        "TargetBackupVaultName": "Default",
                        "ScheduleExpression": "cron(0 5 * * ? *)",
                    }
                ],
            }
        )
        try:
            selection = backup.create_backup_selection(
                BackupPlanId=plan["BackupPlanId"],
                BackupSelection={
                    "SelectionName": "s",
                    "IamRoleArn": "arn:aws:iam::123456789012:role/probe",
                    "Resources": ["arn:aws:dynamodb:us-east-1:123456789012:table/x"],
                },
            )
            backup.delete_backup_selection(
                BackupPlanId=plan["BackupPlanId"], SelectionId=selection["SelectionId"]
            )
        finally:
            backup.delete_backup_plan(BackupPlanId=plan["BackupPlanId"])

    def composite() -> None:
        name = f"tfharness-probe-{suffix}"
        cloudwatch.put_composite_alarm(AlarmName=name, AlarmRule='ALARM("nothing")')
        cloudwatch.delete_alarms(AlarmNames=[name])

    def filter_test() -> None:
        result = logs.test_metric_filter(
            filterPattern="[a, b=22]", logEventMessages=["x 22", "x 23"]
        )
        if len(result.get("matches", [])) != 1:
            raise BotoCoreError(msg="TestMetricFilter answered without evaluating the pattern")

    found.append(_probe("backup_vault_policy", vault_policy, "a backup vault access policy"))
    found.append(_probe("backup_selections", selections, "backup selections"))
    found.append(_probe("composite_alarms", composite, "composite alarms"))
    found.append(_probe("metric_filter_evaluation", filter_test, "TestMetricFilter"))
    found.append(_probe("rds_instances", rds.describe_db_instances, "RDS DescribeDBInstances"))
    budgets = endpoint.boto3_client("budgets", config=once)
    ce = endpoint.boto3_client("ce", config=once)
    eks = endpoint.boto3_client("eks", config=once)
    analyzer = endpoint.boto3_client("accessanalyzer", config=once)
    securityhub = endpoint.boto3_client("securityhub", config=once)
    ssm = endpoint.boto3_client("ssm", config=once)

    def budget_round_trip() -> None:
        account = "123456789012"
        name = f"tfharness-probe-{suffix}"
        budgets.create_budget(
            AccountId=account,
            Budget={
                "BudgetName": name,
                "BudgetType": "COST",
                "TimeUnit": "MONTHLY",
                "BudgetLimit": {"Amount": "1", "Unit": "USD"},
            },
        )
        try:  # the provider reads a budget back with DescribeBudget after creating it
            budgets.describe_budget(AccountId=account, BudgetName=name)
            budgets.describe_notifications_for_budget(AccountId=account, BudgetName=name)
        finally:
            budgets.delete_budget(AccountId=account, BudgetName=name)

    found.append(_probe("budgets", budget_round_trip, "an AWS Budgets create/read round trip"))

    def budget_subscribers() -> None:
        # The provider reads every notification's subscribers back after creating a budget.
        account = "123456789012"
        name = f"tfharness-probe-subscribers-{suffix}"
        notification = {
            "NotificationType": "ACTUAL",
            "ComparisonOperator": "GREATER_THAN",
            "Threshold": 80,
            "ThresholdType": "PERCENTAGE",
        }
        budgets.create_budget(
            AccountId=account,
            Budget={
                "BudgetName": name,
                "BudgetType": "COST",
                "TimeUnit": "MONTHLY",
                "BudgetLimit": {"Amount": "1", "Unit": "USD"},
            },
            NotificationsWithSubscribers=[
                {
                    "Notification": notification,
                    "Subscribers": [{"SubscriptionType": "EMAIL", "Address": "probe@example.com"}],
                }
            ],
        )
        try:
            budgets.describe_subscribers_for_notification(
                AccountId=account, BudgetName=name, Notification=notification
            )
        finally:
            budgets.delete_budget(AccountId=account, BudgetName=name)

    found.append(
        _probe(
            "budget_notifications",
            budget_subscribers,
            "AWS Budgets DescribeSubscribersForNotification",
        )
    )

    def backup_tag_reads() -> None:
        # The Go SDK asks ListTags without the trailing slash boto3 sends; moto 5.2.5 then
        # answers an empty tag set, so tagged vaults and plans never re-plan clean there.
        vault_name = f"tfharness-probe-tags-{suffix}"
        arn = backup.create_backup_vault(
            BackupVaultName=vault_name, BackupVaultTags={"probe": "yes"}
        )["BackupVaultArn"]

        def like_the_go_sdk(request, **_) -> None:
            request.url = request.url.rstrip("/")

        client = endpoint.boto3_client("backup", config=once)
        client.meta.events.register("before-sign.backup.ListTags", like_the_go_sdk)
        try:
            tags = client.list_tags(ResourceArn=arn)["Tags"]
            if tags.get("probe") != "yes":
                raise RuntimeError(
                    f"ListTags without a trailing slash answered {tags} for a tagged vault"
                )
        finally:
            backup.delete_backup_vault(BackupVaultName=vault_name)

    found.append(
        _probe(
            "backup_tag_reads",
            backup_tag_reads,
            "reading backup vault tags the way the provider does",
        )
    )
    found.append(
        _answers("cost_anomaly_detection", ce.get_anomaly_monitors, "Cost Anomaly Detection")
    )
    found.append(
        _answers(
            "eks_addons", lambda: eks.list_addons(clusterName=f"probe-{suffix}"), "EKS add-ons"
        )
    )
    found.append(_answers("access_analyzer", analyzer.list_analyzers, "IAM Access Analyzer"))

    def hub_configuration() -> None:
        # aws_securityhub_account calls UpdateSecurityHubConfiguration (control finding
        # generator, auto-enabled controls); standards subscriptions read GetEnabledStandards.
        # An AWS error (hub not enabled) is an answer; an HTML error page is not.
        for call in (
            securityhub.update_security_hub_configuration,
            securityhub.get_enabled_standards,
        ):
            try:
                call()
            except ClientError as error:
                reason = _refused(error)
                if reason.startswith("not implemented") or "NotImplemented" in reason:
                    raise

    found.append(
        _probe(
            "security_hub_configuration",
            hub_configuration,
            "Security Hub UpdateSecurityHubConfiguration/GetEnabledStandards",
        )
    )
    found.append(
        _answers("ssm_patch_baselines", ssm.describe_patch_baselines, "SSM patch baselines")
    )
    for name, service, call, what in (
        ("dynamodb_tables", "dynamodb", "list_tables", "DynamoDB"),
        ("backup_vaults", "backup", "list_backup_vaults", "AWS Backup"),
        ("eks_clusters", "eks", "list_clusters", "EKS clusters"),
        ("ecs_clusters", "ecs", "list_clusters", "ECS clusters"),
        ("ecr_repositories", "ecr", "describe_repositories", "ECR repositories"),
        ("cloudtrail_trails", "cloudtrail", "describe_trails", "CloudTrail"),
        ("guardduty_detectors", "guardduty", "list_detectors", "GuardDuty"),
    ):
        client = endpoint.boto3_client(service, config=once)
        found.append(_answers(name, getattr(client, call), what))
    found += behaviour_probes(endpoint, suffix, once)
    return {c.name: c for c in found}


def _tiny_zip(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", source)
    return buffer.getvalue()


def _wait_for(check: Callable[[], object | None], seconds: float, step: float = 0.3):
    """Poll `check` until it returns something truthy or `seconds` pass; return the last."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(step)


def _quietly(call: Callable[..., object], *args: object, **kwargs: object) -> None:
    """Clean up after a probe without hiding why it failed (a failed Lambda function cannot
    always be deleted on LocalStack)."""
    with contextlib.suppress(Exception):
        call(*args, **kwargs)


def behaviour_probes(endpoint: Endpoint, suffix: str, once: Config) -> list[Capability]:
    """What the target *does*, not only what it answers: Lambda functions that become active
    and run their code, alarms evaluated against metric data, metric filters that publish
    (and evaluate their pattern), EventBridge rules that deliver. Each probe cleans up."""
    name = f"tfharness-probe-{suffix}"
    iam = endpoint.boto3_client("iam", config=once)
    lam = endpoint.boto3_client("lambda", config=once)
    cloudwatch = endpoint.boto3_client("cloudwatch", config=once)
    logs = endpoint.boto3_client("logs", config=once)
    events = endpoint.boto3_client("events", config=once)
    sqs = endpoint.boto3_client("sqs", config=once)

    namespace = f"tfharness/probe/{suffix}"

    # Lambda: a function that becomes Active, then one that returns what its code computes.
    def lambda_probes() -> list[Capability]:
        return _lambda_capabilities(
            _probe("lambda_functions", functions, "creating a Lambda function")
        )

    state: dict[str, str] = {}

    def functions() -> None:
        role = iam.create_role(
            RoleName=name,
            AssumeRolePolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
            '"Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}',
        )["Role"]["Arn"]
        try:
            lam.create_function(
                FunctionName=name,
                Runtime="python3.12",
                Role=role,
                Handler="index.handler",
                Code={"ZipFile": _tiny_zip("def handler(event, context):\n    return 6 * 7\n")},
            )
            try:

                def settled() -> dict | None:
                    config = lam.get_function_configuration(FunctionName=name)
                    return config if config.get("State") in ("Active", "Failed", None) else None

                config = _wait_for(settled, 10)
                if config and config.get("State") == "Failed":
                    raise RuntimeError(f"the function failed to start: {config.get('StateReason')}")
                answer = lam.invoke(FunctionName=name)["Payload"].read().decode().strip()
                state["invoke"] = answer
            finally:
                _quietly(lam.delete_function, FunctionName=name)
        finally:
            _quietly(iam.delete_role, RoleName=name)

    def _lambda_capabilities(created: Capability) -> list[Capability]:
        if not created.available:
            return [
                created,
                Capability("lambda_execution", False, "no Lambda functions: " + created.reason),
            ]
        ran = state.get("invoke") == "42"
        return [
            created,
            Capability(
                "lambda_execution",
                ran,
                "Lambda runs the function's code (it returned 42)"
                if ran
                else f"the target does not run Lambda code (invoke answered {state.get('invoke')!r}"
                ", not the 42 the code returns)",
            ),
        ]

    # Alarms: an alarm whose metric is over the threshold must reach ALARM by itself.

    def alarms() -> None:
        cloudwatch.put_metric_data(
            Namespace=namespace, MetricData=[{"MetricName": "m", "Value": 5.0}]
        )
        alarm = {
            "AlarmName": name,
            "Namespace": namespace,
            "MetricName": "m",
            "Statistic": "Sum",
            "Period": 10,
            "EvaluationPeriods": 1,
            "Threshold": 1.0,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        }
        cloudwatch.put_metric_alarm(**alarm)
        try:
            time.sleep(1.1)
            cloudwatch.put_metric_alarm(**alarm)  # an update is evaluated at once (LocalStack)
            reached = _wait_for(
                lambda: (
                    cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["StateValue"]
                    == "ALARM"
                ),
                4,
            )
            if not reached:
                raise RuntimeError(
                    "the alarm stayed in "
                    + cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["StateValue"]
                    + " although its metric was over the threshold: alarms are not evaluated"
                )
        finally:
            _quietly(cloudwatch.delete_alarms, AlarmNames=[name])

    # Metric filters: an event put into the log group publishes the filter's metric; only a
    # matching event counts (the pattern is evaluated).
    group = f"/tfharness/probe/{suffix}"
    counted: dict[str, float] = {}

    def filters() -> None:
        logs.create_log_group(logGroupName=group)
        try:
            logs.put_metric_filter(
                logGroupName=group,
                filterName="probe",
                filterPattern='"REJECT"',
                metricTransformations=[
                    {"metricName": "rejects", "metricNamespace": namespace, "metricValue": "1"}
                ],
            )
            now = int(time.time() * 1000)
            logs.put_log_events(
                logGroupName=group,
                logStreamName=logs.create_log_stream(logGroupName=group, logStreamName="s") and "s",
                logEvents=[
                    {"timestamp": now, "message": "ACCEPT 10.0.0.1"},
                    {"timestamp": now + 1, "message": "REJECT 10.0.0.2"},
                ],
            )

            def total() -> float:
                points = cloudwatch.get_metric_statistics(
                    Namespace=namespace,
                    MetricName="rejects",
                    StartTime=time.time() - 600,
                    EndTime=time.time() + 60,
                    Period=60,
                    Statistics=["Sum"],
                )["Datapoints"]
                return sum(p["Sum"] for p in points)

            counted["sum"] = _wait_for(total, 3) or 0.0
            if not counted["sum"]:
                raise RuntimeError("put_log_events published no metric value through the filter")
        finally:
            _quietly(logs.delete_log_group, logGroupName=group)

    def filter_probes() -> list[Capability]:
        published = _probe("metric_filter_publishing", filters, "metric filters publishing metrics")
        if not published.available:
            reason = "no filter metrics: " + published.reason
            return [published, Capability("metric_filter_patterns", False, reason)]
        evaluated = counted["sum"] == 1.0
        return [
            published,
            Capability(
                "metric_filter_patterns",
                evaluated,
                "filters count only the events their pattern matches"
                if evaluated
                else f"the filter counted {counted['sum']:g} of 2 events for a pattern that "
                "matches 1: patterns are not evaluated",
            ),
        ]

    # EventBridge: a rule delivers a matching event to its SQS target.
    def delivery() -> None:
        queue = sqs.create_queue(QueueName=name)["QueueUrl"]
        try:
            arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])[
                "Attributes"
            ]["QueueArn"]
            events.put_rule(Name=name, EventPattern='{"source": ["tfharness.probe"]}')
            try:
                events.put_targets(Rule=name, Targets=[{"Id": "q", "Arn": arn}])
                events.put_events(
                    Entries=[{"Source": "tfharness.probe", "DetailType": "probe", "Detail": "{}"}]
                )
                received = _wait_for(
                    lambda: sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1).get("Messages"),
                    5,
                )
                if not received:
                    raise RuntimeError("a matching event never reached the rule's SQS target")
            finally:
                _quietly(events.remove_targets, Rule=name, Ids=["q"])
                _quietly(events.delete_rule, Name=name)
        finally:
            _quietly(sqs.delete_queue, QueueUrl=queue)

    parts = (
        lambda_probes,
        lambda: [_probe("alarm_evaluation", alarms, "evaluating a metric alarm")],
        filter_probes,
        lambda: [_probe("eventbridge_delivery", delivery, "EventBridge rules delivering to SQS")],
    )
    with ThreadPoolExecutor(max_workers=len(parts)) as pool:  # their waits overlap
        return [capability for part in pool.map(lambda run: run(), parts) for capability in part]
