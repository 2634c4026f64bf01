"""What the integration target can do, probed once per session with cheap calls.

A test declares what it needs with ``@pytest.mark.requires("backup_selections")``; on a target
that lacks it, the test is skipped and the summary prints why. Components leave out only what
the target cannot create, through the switches each component's README documents.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from tfharness.deploying.emulator import Endpoint


@dataclass(frozen=True)
class Capability:
    name: str
    available: bool
    reason: str


def _refused(error: Exception) -> str:
    text = str(error)
    if isinstance(error, ClientError):
        err = error.response.get("Error", {})
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        text = f"{err.get('Code') or f'HTTP {status}'}: {err.get('Message', '')}"
    if "<html" in text or "<!doctype" in text.lower():
        return "not implemented: the target answered with an HTML error page"
    return text.splitlines()[0][:160]


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
    """Probe the target behind `endpoint`; `kind` is moto, localstack or aws."""
    suffix = uuid.uuid4().hex[:8]
    once = Config(retries={"max_attempts": 1, "mode": "standard"})
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
    if kind == "aws":
        found.append(Capability("lambda_execution", True, "real Lambda runs code"))
        found.append(Capability("alarm_evaluation", True, "real CloudWatch evaluates alarms"))
    else:
        found.append(
            Capability(
                "lambda_execution",
                False,
                f"{kind} runs Lambda without Docker here: code is not executed",
            )
        )
        found.append(
            Capability(
                "alarm_evaluation", False, f"{kind} does not evaluate alarms against metric data"
            )
        )
    return {c.name: c for c in found}
