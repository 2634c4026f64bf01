"""Plan tests of the backend component: state bucket, lock table, AWS Backup and its monitoring."""

import pytest

from tfharness import UNKNOWN

pytestmark = pytest.mark.unit

DESTRUCTIVE = {
    "backup:DeleteRecoveryPoint",
    "backup:UpdateRecoveryPointLifecycle",
    "backup:PutBackupVaultAccessPolicy",
    "backup:DeleteBackupVaultAccessPolicy",
    "backup:DeleteBackupVault",
}


def _rules(plan):
    rules = plan["aws_backup_plan.this[0]"]["rule"]
    return {r["rule_name"].rsplit("-", 1)[1]: r for r in rules}


def _cold(rule):
    return rule["lifecycle"][0].get("cold_storage_after") or None


# --- lock table and state bucket ---------------------------------------------------------


def test_lock_table_has_pitr_lockid_and_on_demand(plan_for):
    plan = plan_for("backend")
    table = plan["aws_dynamodb_table.locks"]
    assert table["point_in_time_recovery"][0]["enabled"] is True
    assert table["hash_key"] == "LockID"
    assert table["attribute"] == [{"name": "LockID", "type": "S"}]
    assert table["billing_mode"] == "PAY_PER_REQUEST"
    assert table["deletion_protection_enabled"] is False


def test_lock_table_deletion_protection_defaults_on_in_prod(plan_for):
    plan_for("backend", "prod").assert_attr(
        "aws_dynamodb_table.locks", "deletion_protection_enabled", True
    )


def test_encryption_everywhere_uses_customer_managed_keys(plan_for):
    plan = plan_for("backend", "prod")
    keys = plan.of_type("aws_kms_key")
    assert {k.address for k in keys} == {
        "module.state_kms.aws_kms_key.this",
        "module.backup_kms[0].aws_kms_key.this",
    }
    table = plan["aws_dynamodb_table.locks"]
    assert table["server_side_encryption"][0]["enabled"] is True
    assert table.is_unknown("server_side_encryption[0].kms_key_arn")  # the state CMK, not AWS owned
    sse = plan["module.state_bucket.aws_s3_bucket_server_side_encryption_configuration.this"]
    default = sse["rule"][0]["apply_server_side_encryption_by_default"][0]
    assert default["kms_master_key_id"] == UNKNOWN
    assert plan["aws_backup_vault.this[0]"].is_unknown("kms_key_arn")
    assert plan["module.backup_topic[0].aws_sns_topic.this"].is_unknown("kms_master_key_id")


def test_state_bucket_private_versioned_tls_only(plan_for):
    plan = plan_for("backend")
    plan.assert_attr(
        "module.state_bucket.aws_s3_bucket_versioning.this",
        "versioning_configuration[0].status",
        "Enabled",
    )
    rule = plan["module.state_bucket.aws_s3_bucket_lifecycle_configuration.this[0]"]["rule"][0]
    assert rule["noncurrent_version_expiration"][0]["noncurrent_days"] == 90
    # The bucket's own statements (modules/s3-bucket), known at plan.
    statements = {
        s["sid"]: s
        for s in plan["module.state_bucket.data.aws_iam_policy_document.own"]["statement"]
    }
    assert statements["DenyOutdatedTLS"]["condition"][0]["values"] == ["1.2"]
    plan.assert_attr(
        "module.state_bucket.aws_s3_bucket.this", "bucket", "platform-dev-tfstate-123456789012"
    )


# --- backup vault, policy, lock, role -----------------------------------------------------


def test_vault_policy_denies_destructive_actions_to_everyone(plan_for):
    plan = plan_for("backend")
    policy = plan["aws_backup_vault_policy.this[0]"].json("policy")
    deny = [s for s in policy["Statement"] if s["Effect"] == "Deny"]
    assert len(deny) == 1
    actions = set(deny[0]["Action"])
    assert actions >= DESTRUCTIVE
    assert deny[0]["Principal"] == {"AWS": "*"}
    assert "Condition" not in deny[0]  # no exemption unless principals are listed
    assert not [s for s in policy["Statement"] if s["Effect"] == "Allow"]


def test_vault_policy_exempts_only_listed_break_glass_principals(plan_for):
    policy = plan_for("backend", "prod")["aws_backup_vault_policy.this[0]"].json("policy")
    condition = policy["Statement"][0]["Condition"]
    assert condition == {
        "ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/break-glass"}
    }


def test_backup_role_has_managed_backup_and_restore_policies(plan_for):
    plan = plan_for("backend")
    arns = {a["policy_arn"] for a in plan.of_type("aws_iam_role_policy_attachment")}
    assert arns == {
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    }
    role = plan["module.backup_role[0].aws_iam_role.this"]
    trust = role.json("assume_role_policy")["Statement"][0]
    assert trust["Principal"] == {"Service": "backup.amazonaws.com"}
    assert trust["Condition"]["StringEquals"]["aws:SourceAccount"] == "123456789012"


def test_vault_lock_only_when_enabled(plan_for):
    plan_for("backend").assert_absent("aws_backup_vault_lock_configuration")
    plan_for("backend", "prod").assert_subset(
        "aws_backup_vault_lock_configuration.this[0]",
        {
            "min_retention_days": 7,
            "max_retention_days": 400,
        },
    )


# --- backup plan rules and lifecycle -----------------------------------------------------


def test_dev_has_only_the_daily_rule_kept_30_days_in_warm_storage(plan_for):
    rules = _rules(plan_for("backend"))
    assert set(rules) == {"daily"}
    assert rules["daily"]["lifecycle"][0]["delete_after"] == 30
    assert _cold(rules["daily"]) is None  # seed's "cold after 7" would need >= 97 days kept


def test_prod_adds_weekly_and_monthly_rules_with_seed_retention(plan_for):
    rules = _rules(plan_for("backend", "prod"))
    assert set(rules) == {"daily", "weekly", "monthly"}
    assert {n: r["lifecycle"][0]["delete_after"] for n, r in rules.items()} == {
        "daily": 30,
        "weekly": 90,
        "monthly": 365,
    }
    assert {n: _cold(r) for n, r in rules.items()} == {"daily": None, "weekly": None, "monthly": 7}


def test_every_cold_storage_rule_keeps_points_90_days_in_cold(plan_for):
    for scenario in ("default", "prod", "staging_external_topic"):
        for name, rule in _rules(plan_for("backend", scenario)).items():
            cold = _cold(rule)
            if cold:
                assert rule["lifecycle"][0]["delete_after"] >= cold + 90, (scenario, name)


def test_daily_rule_may_use_cold_storage_when_kept_long_enough(plan_for):
    plan = plan_for("backend", "staging_external_topic")
    daily = _rules(plan)["daily"]
    assert (_cold(daily), daily["lifecycle"][0]["delete_after"]) == (7, 97)
    settings = plan["aws_backup_region_settings.this[0]"]
    assert settings["resource_type_management_preference"] == {"DynamoDB": True}
    assert settings["resource_type_opt_in_preference"]["DynamoDB"] is True


def test_selections_cover_lock_table_and_optional_tag(plan_for):
    dev = plan_for("backend")
    dev.assert_unknown("aws_backup_selection.locks[0]", "resources")
    dev.assert_absent("aws_backup_selection.tagged[0]")
    tag = plan_for("backend", "prod")["aws_backup_selection.tagged[0]"]["selection_tag"]
    assert tag == [{"type": "STRINGEQUALS", "key": "Backup", "value": "daily"}]


def test_backup_disabled_leaves_only_state_backend(plan_for):
    plan = plan_for("backend", "backup_disabled")
    for kind in (
        "aws_backup_vault",
        "aws_backup_plan",
        "aws_backup_selection",
        "aws_sns_topic",
        "aws_cloudwatch_metric_alarm",
        "aws_cloudwatch_event_rule",
    ):
        plan.assert_absent(kind)
    assert plan.outputs["backup_vault_arn"] is None
    plan.assert_attr("aws_dynamodb_table.locks", "point_in_time_recovery[0].enabled", True)


# --- monitoring ---------------------------------------------------------------------------


def test_event_rule_sends_failed_aborted_expired_jobs_to_topic(plan_for):
    plan = plan_for("backend")
    pattern = plan["aws_cloudwatch_event_rule.backup_job_problems[0]"].json("event_pattern")
    assert pattern["source"] == ["aws.backup"]
    assert pattern["detail-type"] == ["Backup Job State Change"]
    assert sorted(pattern["detail"]["state"]) == ["ABORTED", "EXPIRED", "FAILED"]
    assert pattern["detail"]["backupVaultName"] == ["platform-dev-backup"]
    plan.assert_unknown(
        "aws_cloudwatch_event_target.backup_job_problems[0]", "arn"
    )  # created topic


def test_alarms_treat_missing_data_by_meaning(plan_for):
    plan = plan_for("backend")
    failed = plan["aws_cloudwatch_metric_alarm.backup_failed[0]"]
    assert (failed["metric_name"], failed["treat_missing_data"]) == (
        "NumberOfBackupJobsFailed",
        "notBreaching",
    )
    assert failed["comparison_operator"] == "GreaterThanThreshold" and failed["threshold"] == 0
    missing = plan["aws_cloudwatch_metric_alarm.backup_missing[0]"]
    assert (missing["metric_name"], missing["treat_missing_data"]) == (
        "NumberOfBackupJobsCompleted",
        "breaching",
    )
    assert missing["period"] * missing["evaluation_periods"] == 26 * 3600
    assert missing["datapoints_to_alarm"] == missing["evaluation_periods"]
    for alarm in (failed, missing):
        assert alarm["dimensions"] == {"BackupVaultName": "platform-dev-backup"}
        assert alarm.is_unknown("alarm_actions")  # the created topic's ARN


def test_created_topic_lets_only_account_services_publish(plan_for):
    plan = plan_for("backend")
    allow, deny = plan["module.backup_topic[0].data.aws_iam_policy_document.this"]["statement"]
    assert allow["actions"] == ["SNS:Publish"]
    assert allow["principals"] == [
        {
            "type": "Service",
            "identifiers": [
                "backup.amazonaws.com",
                "cloudwatch.amazonaws.com",
                "events.amazonaws.com",
            ],
        }
    ]
    assert allow["condition"][0]["values"] == ["123456789012"]
    assert (deny["effect"], deny["condition"][0]["variable"]) == ("Deny", "aws:SecureTransport")
    notifications = plan["aws_backup_vault_notifications.this[0]"]
    assert "BACKUP_JOB_COMPLETED" in notifications["backup_vault_events"]


def test_passed_in_topic_is_used_and_none_created(plan_for):
    plan = plan_for("backend", "staging_external_topic")
    topic = "arn:aws:sns:us-east-1:123456789012:ops-alerts"
    plan.assert_absent("aws_sns_topic")
    plan.assert_attr("aws_cloudwatch_event_target.backup_job_problems[0]", "arn", topic)
    plan.assert_attr("aws_backup_vault_notifications.this[0]", "sns_topic_arn", topic)
    assert plan["aws_cloudwatch_metric_alarm.backup_missing[0]"]["alarm_actions"] == [topic]
    assert plan.outputs["backup_sns_topic_arn"] == topic


def test_tags_reach_every_taggable_resource(plan_for):
    plan = plan_for("backend", "prod")
    for change in plan.managed:
        if "tags" in (change.after or {}):
            assert change.tags.get("Environment") == "prod", change.address
            assert change.tags.get("Team") == "platform", change.address
