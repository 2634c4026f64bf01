"""backup on the integration target: vault, lock, plans and rules, role and topic, read back.

The fleet applies the `integration` scenario (tests/scenarios/backup.yaml: the default plus a
governance-mode vault lock; the vault policy, the selections and the vault notifications are
off, see the README's "Emulator switches"). Each test reads back with boto3 what the target
holds, as tests/unit/test_backup.py planned it. The vault policy and the selections are checked
by their own small deployments where the target supports them. The fleet destroys everything at
the end of the session.
"""

from __future__ import annotations

import pytest

from tfharness.checks.aws import as_list, backup_tags_misread, changes, drift, policy_doc, tags_of
from tfharness.deploying.deployment import RUN_TAG

# What the component's apply needs from the target: where it lacks one, the component
# is not applied and its tests skip, saying why.
pytestmark = [pytest.mark.integration, pytest.mark.requires("backup_vaults")]

COMPONENT = "backup"
PREFIX = "org-dev"
REGION = "us-east-1"  # the scenario's region
# tier -> (schedule, delete_after), the component's default plans
PLANS = {
    "daily": ("cron(0 5 * * ? *)", 35),
    "weekly": ("cron(0 5 ? * SUN *)", 90),
    "monthly": ("cron(0 5 1 * ? *)", 365),
}


@pytest.fixture(scope="module")
def deployed(fleet):
    return fleet.deployment(COMPONENT)


@pytest.fixture(scope="module")
def clients(endpoint):
    return {s: endpoint.boto3_client(s) for s in ("backup", "kms", "iam", "sns")}


# Vault and key ------------------------------------------------------------------------------


def test_vault_is_encrypted_with_the_component_key_and_tagged(
    deployed, clients, integration_run, target_identity
):
    backup, out = clients["backup"], deployed.outputs
    assert out["backup_vault_name"] == PREFIX
    vault = backup.describe_backup_vault(BackupVaultName=PREFIX)
    assert (
        vault["BackupVaultArn"]
        == out["backup_vault_arn"]
        == target_identity.arn("backup", f"backup-vault:{PREFIX}", region=REGION)
    )
    assert vault["EncryptionKeyArn"] == out["kms_key_arn"]
    tags = backup.list_tags(ResourceArn=out["backup_vault_arn"])["Tags"]
    assert tags[RUN_TAG] == integration_run.run_id
    assert (tags["Name"], tags["Environment"]) == (PREFIX, "dev")


def test_vault_lock_is_in_governance_mode_with_the_planned_range(deployed, clients):
    vault = clients["backup"].describe_backup_vault(BackupVaultName=PREFIX)
    assert vault["Locked"] is True
    assert (vault["MinRetentionDays"], vault["MaxRetentionDays"]) == (7, 3650)
    # Governance mode: no date after which the lock becomes immutable.
    assert vault.get("LockDate") is None
    for _, delete_after in PLANS.values():
        assert 7 <= delete_after <= 3650, "every plan's retention lies inside the lock range"


def test_key_rotates_and_lets_only_backup_of_this_account_use_it(
    deployed, clients, integration_run, target_identity
):
    kms, key_arn = clients["kms"], deployed.outputs["kms_key_arn"]
    key = kms.describe_key(KeyId=key_arn)["KeyMetadata"]
    assert key["KeyManager"] == "CUSTOMER" and key["Enabled"] is True
    assert kms.get_key_rotation_status(KeyId=key_arn)["KeyRotationEnabled"] is True
    key_tags = {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=key_arn)["Tags"]}
    assert key_tags[RUN_TAG] == integration_run.run_id
    assert [a["AliasName"] for a in kms.list_aliases(KeyId=key_arn)["Aliases"]] == [
        f"alias/{PREFIX}-backup"
    ]
    policy = policy_doc(kms.get_key_policy(KeyId=key_arn, PolicyName="default")["Policy"])
    by_sid = {s["Sid"]: s for s in policy["Statement"]}
    # modules/kms-key: publishing_services
    assert set(by_sid) == {"AccountAdministration", "ServicesPublishToEncryptedTopics"}
    assert by_sid["AccountAdministration"]["Principal"] == {
        "AWS": target_identity.arn("iam", "root", region="")
    }
    service = by_sid["ServicesPublishToEncryptedTopics"]
    assert service["Principal"] == {"Service": "backup.amazonaws.com"}
    assert sorted(as_list(service["Action"])) == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert service["Condition"] == {
        "StringEquals": {"aws:SourceAccount": target_identity.account_id}
    }


# Plans and rules ----------------------------------------------------------------------------


def test_each_tier_has_one_plan_with_its_schedule_and_retention(deployed, clients, integration_run):
    backup, out = clients["backup"], deployed.outputs
    assert set(out["backup_plan_ids"]) == set(PLANS)
    assert out["backup_selection_tag"] == {"key": "backup", "values": sorted(PLANS)}
    for tier, (schedule, delete_after) in PLANS.items():
        held = backup.get_backup_plan(BackupPlanId=out["backup_plan_ids"][tier])
        assert held["BackupPlanArn"] == out["backup_plan_arns"][tier]
        plan = held["BackupPlan"]
        assert plan["BackupPlanName"] == f"{PREFIX}-{tier}"
        [rule] = plan["Rules"]
        assert rule["RuleName"] == tier
        assert rule["TargetBackupVaultName"] == PREFIX
        assert rule["ScheduleExpression"] == schedule
        assert (rule["StartWindowMinutes"], rule["CompletionWindowMinutes"]) == (60, 360)
        assert rule["Lifecycle"].get("DeleteAfterDays") == delete_after
        assert "MoveToColdStorageAfterDays" not in rule["Lifecycle"], (
            f"{tier}: no cold storage in dev (EC2/RDS cannot go there)"
        )
        assert not rule.get("EnableContinuousBackup")
        assert not rule.get("CopyActions"), "no cross-region copy configured"
        assert rule["RecoveryPointTags"] == {
            "BackupPlan": tier,
            "Environment": "dev",
            "ManagedBy": "terraform",
        }
        tags = backup.list_tags(ResourceArn=out["backup_plan_arns"][tier])["Tags"]
        assert tags[RUN_TAG] == integration_run.run_id
        assert tags["Name"] == f"{PREFIX}-{tier}"
    names = {
        p["BackupPlanName"]
        for p in backup.list_backup_plans()["BackupPlansList"]
        if p["BackupPlanName"].startswith(f"{PREFIX}-")
    }
    assert names == {f"{PREFIX}-{tier}" for tier in PLANS}, "no plan beyond the three tiers"


def test_backup_role_trusts_only_backup_of_this_account(
    deployed, clients, integration_run, target_identity
):
    iam = clients["iam"]
    arn = deployed.outputs["backup_role_arn"]
    name = arn.rsplit("/", 1)[1]
    assert name == f"{PREFIX}-backup"
    role = iam.get_role(RoleName=name)["Role"]
    assert role["Arn"] == arn
    assert tags_of(role.get("Tags"))[RUN_TAG] == integration_run.run_id
    [statement] = policy_doc(role["AssumeRolePolicyDocument"])["Statement"]
    assert statement["Principal"] == {"Service": "backup.amazonaws.com"}
    assert statement["Action"] == "sts:AssumeRole"
    assert statement["Condition"] == {
        "StringEquals": {"aws:SourceAccount": target_identity.account_id}
    }
    attached = {
        p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
    }
    service_role = f"arn:{target_identity.partition}:iam::aws:policy/service-role"
    assert attached == {
        f"{service_role}/AWSBackupServiceRolePolicyForBackup",
        f"{service_role}/AWSBackupServiceRolePolicyForRestores",
    }, "no S3 policies: no plan selects S3"
    assert iam.list_role_policies(RoleName=name)["PolicyNames"] == []


# Notifications topic ------------------------------------------------------------------------


def test_notification_topic_is_encrypted_scoped_and_subscribed(
    deployed, clients, integration_run, target_identity
):
    sns, topic = clients["sns"], deployed.outputs["sns_topic_arn"]
    assert topic == target_identity.arn("sns", f"{PREFIX}-backup-events", region=REGION)
    attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    assert attributes["KmsMasterKeyId"] == deployed.outputs["kms_key_arn"]
    policy = policy_doc(attributes["Policy"])
    by_sid = {s["Sid"]: s for s in policy["Statement"]}
    assert set(by_sid) == {"BackupPublishes", "DenyInsecureTransport"}
    publish = by_sid["BackupPublishes"]
    assert publish["Effect"] == "Allow"
    assert publish["Principal"] == {"Service": "backup.amazonaws.com"}
    assert as_list(publish["Action"]) == ["SNS:Publish"]
    assert publish["Resource"] == topic
    assert publish["Condition"] == {
        "StringEquals": {"aws:SourceAccount": target_identity.account_id}
    }
    deny = by_sid["DenyInsecureTransport"]
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert [(s["Protocol"], s["Endpoint"]) for s in subscriptions] == [
        ("email", "platform-alerts@example.com")
    ]
    tags = tags_of(sns.list_tags_for_resource(ResourceArn=topic)["Tags"])
    assert tags[RUN_TAG] == integration_run.run_id


# What the integration scenario leaves out, each in a deployment of its own -----------------


def _own_deployment(deploy, name: str, **switches):
    """The integration scenario under another name (no clash with the fleet's vault, plans and
    role), without the lock and the topic, with the given switches."""
    return deploy(
        COMPONENT,
        "integration",
        name=name,
        enable_vault_lock=False,
        enable_notifications=False,
        **switches,
    )


@pytest.mark.requires("backup_vault_policy")
def test_vault_policy_denies_recovery_point_deletion_to_everyone(deploy, clients):
    with _own_deployment(deploy, "orgpolicy", create_vault_policy=True) as own:
        held = clients["backup"].get_backup_vault_access_policy(
            BackupVaultName=own.outputs["backup_vault_name"]
        )
        [statement] = policy_doc(held["Policy"])["Statement"]
        assert statement["Sid"] == "DenyRecoveryPointDeletion"
        assert statement["Effect"] == "Deny"
        assert statement["Principal"] in ("*", {"AWS": "*"})
        assert {"backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"} <= set(
            as_list(statement["Action"])
        )
        assert "Condition" not in statement, "nobody is exempt by default"
        assert own.workspace.changes_pending() is None


@pytest.mark.requires("backup_selections")
def test_selections_pick_resources_by_tier_tag(deploy, clients, target_identity):
    backup, partition = clients["backup"], target_identity.partition
    with _own_deployment(deploy, "orgselect", create_backup_selections=True) as own:
        for tier, plan_id in own.outputs["backup_plan_ids"].items():
            [listed] = backup.list_backup_selections(BackupPlanId=plan_id)["BackupSelectionsList"]
            selection = backup.get_backup_selection(
                BackupPlanId=plan_id, SelectionId=listed["SelectionId"]
            )["BackupSelection"]
            assert selection["SelectionName"] == f"orgselect-dev-{tier}"
            assert selection["IamRoleArn"] == own.outputs["backup_role_arn"]
            assert f"arn:{partition}:dynamodb:*:*:table/*" in selection["Resources"]
            assert not any(r.startswith(f"arn:{partition}:s3") for r in selection["Resources"])
            assert selection["Conditions"]["StringEquals"] == [
                {"ConditionKey": "aws:ResourceTag/backup", "ConditionValue": tier}
            ]
        assert own.workspace.changes_pending() is None


# Re-plan ------------------------------------------------------------------------------------


def test_replan_after_apply_is_clean(deployed, clients, capabilities):
    pending = deployed.replan_after_apply()
    if pending is None:
        return
    changed = changes(pending)
    tag_reads = capabilities["backup_tag_reads"]
    if (
        not tag_reads.available
        and changed
        and all(backup_tags_misread(c, clients["backup"]) for c in changed)
    ):
        pytest.skip(
            f"re-plan differs only by vault/plan tags the provider cannot read back "
            f"({tag_reads.reason}): {', '.join(c.address for c in changed)}; the "
            "target holds exactly the planned tags, everything else is clean"
        )
    raise AssertionError(f"re-plan after apply is not empty:\n{drift(pending)}")
