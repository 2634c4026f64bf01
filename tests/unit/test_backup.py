"""backup: organisation-style AWS Backup (vault, tag-selected plans, lock, copy, restore tests)."""

import pytest

pytestmark = pytest.mark.unit

COLD_STORAGE_MESSAGE = (
    "Cold storage is supported only for EBS, EFS and DynamoDB with advanced backup features: "
    "limit the plan's resource_types to those (and set dynamodb_advanced_backup_enabled = true "
    "for DynamoDB) or remove cold_storage_after (plans: dynamodb, monthly)."
)


def _rule(plan, tier):
    rules = plan[f'aws_backup_plan.this["{tier}"]']["rule"]
    assert len(rules) == 1
    return rules[0]


def test_vault_is_encrypted_with_a_rotating_cmk(plan_for):
    plan = plan_for("backup")
    plan.assert_unknown("aws_backup_vault.this", "kms_key_arn")
    plan.assert_attr("aws_backup_vault.this", "force_destroy", False)
    key = plan.one("aws_kms_key")
    assert key["deletion_window_in_days"] == 30
    plan.assert_tags("aws_backup_vault.this", {"Environment": "dev", "Name": "org-dev"})


def test_default_plans_are_daily_weekly_monthly_and_valid(plan_for):
    plan = plan_for("backup")
    assert sorted(p.address for p in plan.of_type("aws_backup_plan")) == [
        'aws_backup_plan.this["daily"]',
        'aws_backup_plan.this["monthly"]',
        'aws_backup_plan.this["weekly"]',
    ]
    retention = {
        t: _rule(plan, t)["lifecycle"][0]["delete_after"] for t in ("daily", "weekly", "monthly")
    }
    assert retention == {"daily": 35, "weekly": 90, "monthly": 365}
    for tier in ("daily", "weekly", "monthly"):
        rule = _rule(plan, tier)
        assert rule["target_vault_name"] == "org-dev"
        assert rule["lifecycle"][0]["cold_storage_after"] in (None, 0)
        assert rule["copy_action"] == []


def test_selection_is_by_backup_tag_and_resource_type(plan_for):
    plan = plan_for("backup")
    selection = plan['aws_backup_selection.this["weekly"]']
    condition = selection["condition"][0]["string_equals"]
    assert condition == [{"key": "aws:ResourceTag/backup", "value": "weekly"}]
    assert "arn:aws:dynamodb:*:*:table/*" in selection["resources"]
    assert "arn:aws:rds:*:*:db:*" in selection["resources"]
    assert not any(r.startswith("arn:aws:s3") for r in selection["resources"])


def test_backup_role_trusts_only_backup_in_this_account(plan_for):
    plan = plan_for("backup")
    trust = plan["module.backup_role.aws_iam_role.this"].json("assume_role_policy")
    statement = trust["Statement"][0]
    assert statement["Principal"] == {"Service": "backup.amazonaws.com"}
    assert statement["Condition"]["StringEquals"]["aws:SourceAccount"] == "123456789012"
    attached = {a["policy_arn"] for a in plan.of_type("aws_iam_role_policy_attachment")}
    assert attached == {
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    }


def test_vault_policy_denies_recovery_point_deletion(plan_for):
    policy = plan_for("backup")["data.aws_iam_policy_document.vault"]
    import json

    statement = json.loads(policy["json"])["Statement"][0]
    assert statement["Effect"] == "Deny"
    assert "backup:DeleteRecoveryPoint" in statement["Action"]
    assert "Condition" not in statement  # nobody exempt by default


def test_prod_vault_policy_exempts_only_the_named_admins(plan_for):
    import json

    doc = json.loads(plan_for("backup", "prod")["data.aws_iam_policy_document.vault"]["json"])
    condition = doc["Statement"][0]["Condition"]["ArnNotLike"]["aws:PrincipalArn"]
    assert condition == "arn:aws:iam::123456789012:role/backup-admin"


def test_notifications_go_to_an_encrypted_topic(plan_for):
    plan = plan_for("backup")
    topic = plan.one("aws_sns_topic")
    assert topic.is_unknown("kms_master_key_id")
    events = set(plan.one("aws_backup_vault_notifications")["backup_vault_events"])
    assert {"BACKUP_JOB_FAILED", "COPY_JOB_FAILED", "RESTORE_JOB_FAILED"} <= events
    subscription = plan.one("aws_sns_topic_subscription")
    assert (subscription["protocol"], subscription["endpoint"]) == (
        "email",
        "platform-alerts@example.com",
    )
    import json

    policy = json.loads(
        plan["module.notifications_topic[0].data.aws_iam_policy_document.this"]["json"]
    )
    publish = next(s for s in policy["Statement"] if s["Sid"] == "BackupPublishes")
    assert publish["Principal"] == {"Service": "backup.amazonaws.com"}
    assert publish["Condition"]["StringEquals"]["aws:SourceAccount"] == "123456789012"
    key_policy = json.loads(plan["module.backup_kms.data.aws_iam_policy_document.this"]["json"])
    # modules/kms-key writes the statement (publishing_services)
    key_publish = next(
        s for s in key_policy["Statement"] if s["Sid"] == "ServicesPublishToEncryptedTopics"
    )
    assert key_publish["Principal"] == {"Service": "backup.amazonaws.com"}
    assert sorted(key_publish["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert key_publish["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}


def test_dev_has_no_lock_copy_or_restore_testing(plan_for):
    plan = plan_for("backup")
    plan.assert_absent("aws_backup_vault_lock_configuration")
    plan.assert_absent("aws_backup_restore_testing_plan")
    plan.assert_absent("aws_backup_restore_testing_selection")
    assert plan.outputs["restore_testing_plan_arn"] is None


def test_prod_locks_the_vault(plan_for):
    plan = plan_for("backup", "prod")
    lock = plan.one("aws_backup_vault_lock_configuration")
    assert (
        lock["min_retention_days"],
        lock["max_retention_days"],
        lock["changeable_for_days"],
    ) == (7, 400, 3)


def test_prod_copies_every_rule_to_the_dr_vault(plan_for):
    plan = plan_for("backup", "prod")
    for tier in ("daily", "weekly", "monthly"):
        copy = _rule(plan, tier)["copy_action"]
        assert len(copy) == 1
        assert (
            copy[0]["destination_vault_arn"]
            == "arn:aws:backup:us-west-2:123456789012:backup-vault:org-prod-dr"
        )
    weekly = _rule(plan, "weekly")
    assert weekly["lifecycle"][0] == {
        **weekly["lifecycle"][0],
        "cold_storage_after": 30,
        "delete_after": 120,
    }
    assert weekly["copy_action"][0]["lifecycle"][0]["delete_after"] == 120


def test_prod_selects_s3_and_attaches_s3_policies(plan_for):
    plan = plan_for("backup", "prod")
    monthly = plan['aws_backup_selection.this["monthly"]']
    assert sorted(monthly["resources"]) == [
        "arn:aws:ec2:*:*:volume/*",
        "arn:aws:elasticfilesystem:*:*:file-system/*",
    ]
    assert "arn:aws:s3:::*" in plan['aws_backup_selection.this["daily"]']["resources"]
    attached = {a["policy_arn"] for a in plan.of_type("aws_iam_role_policy_attachment")}
    assert "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup" in attached


def test_prod_restore_testing_plan_and_selections(plan_for):
    plan = plan_for("backup", "prod")
    testing = plan.one("aws_backup_restore_testing_plan")
    assert testing["name"] == "org_prod"
    selection = testing["recovery_point_selection"][0]
    assert selection["algorithm"] == "LATEST_WITHIN_WINDOW"
    assert selection["selection_window_days"] == 7
    types = {
        s["protected_resource_type"] for s in plan.of_type("aws_backup_restore_testing_selection")
    }
    assert types == {"EBS", "DynamoDB"}
    ebs = plan['aws_backup_restore_testing_selection.this["EBS"]']
    assert ebs["protected_resource_conditions"][0]["string_equals"] == [
        {"key": "aws:ResourceTag/backup", "value": "daily"}
    ]
