"""security-monitoring on the integration target: key, logs bucket, CloudTrail, Config,
GuardDuty and the findings route, read back.

The fleet applies the `integration` scenario (tests/scenarios/security-monitoring.yaml: the
default without the composite alarm, without Security Hub and with GuardDuty features left to
the service, see the README's "Emulator switches"). Each test reads back with boto3 what the
target holds, as tests/unit/test_security_monitoring.py planned it. The composite alarm and
Security Hub are checked by small deployments of their own where the target has them (no logs
bucket there: its lifecycle configuration alone costs 55 s of provider waits). The fleet
destroys everything at the end of the session.
"""

from __future__ import annotations

import json

import pytest

from tfharness.checks.aws import as_list, drift, policy_doc, tags_of
from tfharness.deploying.deployment import RUN_TAG

# What the component's apply needs from the target: where it lacks one, the component
# is not applied and its tests skip, saying why.
pytestmark = [
    pytest.mark.integration,
    pytest.mark.requires("cloudtrail_trails", "guardduty_detectors"),
]

COMPONENT = "security-monitoring"
PREFIX = "secmon-dev"
REGION = "us-east-1"  # the scenario's region
LOG_GROUP = f"/aws/cloudtrail/{PREFIX}"
CONFIG_RULES = {
    "encrypted-volumes": "ENCRYPTED_VOLUMES",
    "rds-storage-encrypted": "RDS_STORAGE_ENCRYPTED",
    "rds-multi-az-support": "RDS_MULTI_AZ_SUPPORT",
    "ec2-imdsv2-check": "EC2_IMDSV2_CHECK",
    "vpc-flow-logs-enabled": "VPC_FLOW_LOGS_ENABLED",
    "restricted-ssh": "INCOMING_SSH_DISABLED",
    "cloudtrail-enabled": "CLOUD_TRAIL_ENABLED",
}


@pytest.fixture(scope="module")
def deployed(fleet):
    return fleet.deployment(COMPONENT)


@pytest.fixture(scope="module")
def clients(endpoint):
    return {
        s: endpoint.boto3_client(s)
        for s in (
            "kms",
            "s3",
            "cloudtrail",
            "logs",
            "iam",
            "config",
            "guardduty",
            "sns",
            "events",
            "cloudwatch",
            "securityhub",
        )
    }


# Names and ARNs in the target's account and partition ---------------------------------------


@pytest.fixture(scope="module")
def bucket(target_identity) -> str:
    return f"{PREFIX}-security-logs-{target_identity.account_id}"


@pytest.fixture(scope="module")
def bucket_arn(target_identity, bucket) -> str:
    return f"arn:{target_identity.partition}:s3:::{bucket}"


@pytest.fixture(scope="module")
def trail_arn(target_identity) -> str:
    return target_identity.arn("cloudtrail", f"trail/{PREFIX}", region=REGION)


@pytest.fixture(scope="module")
def log_group_arn(target_identity) -> str:
    return target_identity.arn("logs", f"log-group:{LOG_GROUP}", region=REGION)


@pytest.fixture(scope="module")
def topic_arn(target_identity) -> str:
    return target_identity.arn("sns", f"{PREFIX}-security-findings", region=REGION)


# Key ----------------------------------------------------------------------------------------


def test_key_rotates_and_each_service_gets_only_its_grant(
    deployed, clients, integration_run, target_identity, trail_arn
):
    kms, key_arn = clients["kms"], deployed.outputs["kms_key_arn"]
    key = kms.describe_key(KeyId=key_arn)["KeyMetadata"]
    assert key["KeyManager"] == "CUSTOMER" and key["Enabled"] is True
    assert kms.get_key_rotation_status(KeyId=key_arn)["KeyRotationEnabled"] is True
    key_tags = {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=key_arn)["Tags"]}
    assert key_tags[RUN_TAG] == integration_run.run_id
    assert [a["AliasName"] for a in kms.list_aliases(KeyId=key_arn)["Aliases"]] == [
        f"alias/{PREFIX}-security"
    ]
    policy = policy_doc(kms.get_key_policy(KeyId=key_arn, PolicyName="default")["Policy"])
    by_sid = {s["Sid"]: s for s in policy["Statement"]}
    assert set(by_sid) == {
        "AccountAdministration",
        "CloudTrailEncryptsLogs",
        "CloudTrailDescribesKey",
        "ConfigEncryptsDeliveries",
        "CloudWatchLogsUse",  # modules/kms-key: log_group_names
        "ServicesPublishToEncryptedTopics",  # modules/kms-key: publishing_services
    }
    trail = by_sid["CloudTrailEncryptsLogs"]
    assert trail["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    assert as_list(trail["Action"]) == ["kms:GenerateDataKey*"]
    assert trail["Condition"]["StringEquals"] == {"aws:SourceArn": trail_arn}
    logs = by_sid["CloudWatchLogsUse"]
    assert logs["Principal"] == {"Service": f"logs.{REGION}.amazonaws.com"}
    assert sorted(as_list(logs["Action"])) == [
        "kms:Decrypt*",
        "kms:Describe*",
        "kms:Encrypt*",
        "kms:GenerateDataKey*",
        "kms:ReEncrypt*",
    ]
    assert logs["Condition"] == {
        "ArnLike": {
            "kms:EncryptionContext:aws:logs:arn": target_identity.arn(
                "logs", "log-group:*", region=REGION
            )
        }
    }
    publish = by_sid["ServicesPublishToEncryptedTopics"]
    assert sorted(as_list(publish["Principal"]["Service"])) == [
        "cloudwatch.amazonaws.com",
        "events.amazonaws.com",
    ]
    assert sorted(as_list(publish["Action"])) == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert publish["Condition"] == {
        "StringEquals": {"aws:SourceAccount": target_identity.account_id}
    }
    config = by_sid["ConfigEncryptsDeliveries"]
    assert config["Condition"] == {
        "StringEquals": {"aws:SourceAccount": target_identity.account_id}
    }


# Logs bucket --------------------------------------------------------------------------------


def test_logs_bucket_is_private_versioned_and_encrypted_with_the_key(
    deployed, clients, integration_run, bucket
):
    s3, key_arn = clients["s3"], deployed.outputs["kms_key_arn"]
    assert deployed.outputs["logs_bucket_name"] == bucket
    [rule] = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": key_arn,
    }
    assert rule["BucketKeyEnabled"] is True
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert block == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    ownership = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]
    assert ownership["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    tags = tags_of(s3.get_bucket_tagging(Bucket=bucket)["TagSet"])
    assert tags[RUN_TAG] == integration_run.run_id
    assert tags["Name"] == bucket


def test_logs_go_to_glacier_after_90_days_and_expire_after_365(deployed, clients, bucket):
    [rule] = clients["s3"].get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert rule["ID"] == "security-logs" and rule["Status"] == "Enabled"
    assert rule["Transitions"] == [{"Days": 90, "StorageClass": "GLACIER"}]
    assert rule["Expiration"] == {"Days": 365}
    assert rule["NoncurrentVersionExpiration"]["NoncurrentDays"] == 30
    assert rule["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 7}


def test_bucket_policy_lets_only_this_trail_and_config_write_under_their_prefixes(
    deployed, clients, target_identity, bucket, bucket_arn, trail_arn
):
    account = target_identity.account_id
    policy = policy_doc(clients["s3"].get_bucket_policy(Bucket=bucket)["Policy"])
    by_sid = {s["Sid"]: s for s in policy["Statement"]}
    assert set(by_sid) == {
        "DenyInsecureTransport",
        "DenyOutdatedTLS",
        "DenyNonKmsEncryption",
        "AWSConfigBucketPermissionsCheck",
        "AWSConfigBucketExistenceCheck",
        "AWSConfigBucketDelivery",
        "AWSCloudTrailAclCheck",
        "AWSCloudTrailWrite",
    }
    deny = by_sid["DenyInsecureTransport"]
    assert deny["Effect"] == "Deny"
    assert sorted(as_list(deny["Resource"])) == sorted([bucket_arn, f"{bucket_arn}/*"])
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    trail_write = by_sid["AWSCloudTrailWrite"]
    assert trail_write["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    assert trail_write["Resource"] == f"{bucket_arn}/cloudtrail/AWSLogs/{account}/*"
    assert trail_write["Condition"] == {"StringEquals": {"aws:SourceArn": trail_arn}}
    config_write = by_sid["AWSConfigBucketDelivery"]
    assert config_write["Principal"] == {"Service": "config.amazonaws.com"}
    assert config_write["Resource"] == f"{bucket_arn}/config/AWSLogs/{account}/Config/*"
    assert config_write["Condition"] == {"StringEquals": {"aws:SourceAccount": account}}
    for sid, statement in by_sid.items():
        if statement["Effect"] == "Allow":
            assert "*" not in json.dumps(statement.get("Principal")), sid


# CloudTrail ---------------------------------------------------------------------------------


def test_trail_is_multi_region_validated_encrypted_and_streams_to_logs(
    deployed, clients, integration_run, target_identity, bucket, trail_arn, log_group_arn
):
    cloudtrail, key_arn = clients["cloudtrail"], deployed.outputs["kms_key_arn"]
    assert deployed.outputs["cloudtrail_arn"] == trail_arn
    trail = cloudtrail.get_trail(Name=PREFIX)["Trail"]
    assert trail["TrailARN"] == trail_arn
    assert (trail["S3BucketName"], trail["S3KeyPrefix"]) == (bucket, "cloudtrail")
    assert trail["IsMultiRegionTrail"] is True
    assert trail["IncludeGlobalServiceEvents"] is True
    assert trail["LogFileValidationEnabled"] is True
    assert trail["KmsKeyId"] == key_arn
    assert trail["CloudWatchLogsLogGroupArn"] == f"{log_group_arn}:*"
    assert trail["CloudWatchLogsRoleArn"] == target_identity.arn(
        "iam", f"role/{PREFIX}-cloudtrail-logs", region=""
    )
    selectors = cloudtrail.get_event_selectors(TrailName=PREFIX)["EventSelectors"]
    assert [(s["ReadWriteType"], s["IncludeManagementEvents"]) for s in selectors] == [
        ("All", True)
    ]
    [listed] = cloudtrail.list_tags(ResourceIdList=[trail_arn])["ResourceTagList"]
    assert tags_of(listed["TagsList"])[RUN_TAG] == integration_run.run_id


def test_trail_log_group_is_encrypted_kept_a_year_and_writable_only_by_the_trail(
    deployed, clients, integration_run, target_identity, log_group_arn
):
    logs, iam = clients["logs"], clients["iam"]
    assert deployed.outputs["cloudtrail_log_group_name"] == LOG_GROUP
    group = next(
        g
        for g in logs.describe_log_groups(logGroupNamePrefix=LOG_GROUP)["logGroups"]
        if g["logGroupName"] == LOG_GROUP
    )
    assert group["kmsKeyId"] == deployed.outputs["kms_key_arn"]
    assert group["retentionInDays"] == 365
    assert (
        logs.list_tags_for_resource(resourceArn=log_group_arn)["tags"][RUN_TAG]
        == integration_run.run_id
    )

    name = f"{PREFIX}-cloudtrail-logs"
    role = iam.get_role(RoleName=name)["Role"]
    [trust] = policy_doc(role["AssumeRolePolicyDocument"])["Statement"]
    assert trust["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": target_identity.account_id}}
    assert iam.list_role_policies(RoleName=name)["PolicyNames"] == ["cloudwatch-logs"]
    [statement] = policy_doc(
        iam.get_role_policy(RoleName=name, PolicyName="cloudwatch-logs")["PolicyDocument"]
    )["Statement"]
    assert sorted(as_list(statement["Action"])) == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert statement["Resource"] == f"{log_group_arn}:log-stream:*"


# Config -------------------------------------------------------------------------------------


def test_config_records_everything_and_delivers_encrypted_to_the_bucket(
    deployed, clients, target_identity, bucket
):
    config, iam = clients["config"], clients["iam"]
    assert deployed.outputs["config_recorder_name"] == PREFIX
    [recorder] = config.describe_configuration_recorders(ConfigurationRecorderNames=[PREFIX])[
        "ConfigurationRecorders"
    ]
    assert recorder["roleARN"] == target_identity.arn("iam", f"role/{PREFIX}-config", region="")
    assert recorder["recordingGroup"]["allSupported"] is True
    assert recorder["recordingGroup"]["includeGlobalResourceTypes"] is True
    [status] = config.describe_configuration_recorder_status(ConfigurationRecorderNames=[PREFIX])[
        "ConfigurationRecordersStatus"
    ]
    assert status["recording"] is True
    [channel] = config.describe_delivery_channels(DeliveryChannelNames=[PREFIX])["DeliveryChannels"]
    assert (channel["s3BucketName"], channel["s3KeyPrefix"]) == (bucket, "config")
    assert channel["s3KmsKeyArn"] == deployed.outputs["kms_key_arn"]
    assert channel["configSnapshotDeliveryProperties"]["deliveryFrequency"] == "TwentyFour_Hours"
    attached = iam.list_attached_role_policies(RoleName=f"{PREFIX}-config")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [
        f"arn:{target_identity.partition}:iam::aws:policy/service-role/AWS_ConfigRole"
    ]


def test_config_rules_are_the_baseline_controls(deployed, clients, integration_run):
    config = clients["config"]
    expected = {f"{PREFIX}-{k}": v for k, v in CONFIG_RULES.items()}
    assert deployed.outputs["config_rule_names"] == sorted(expected)
    rules = {
        r["ConfigRuleName"]: r
        for r in config.describe_config_rules(ConfigRuleNames=sorted(expected))["ConfigRules"]
    }
    assert set(rules) == set(expected)
    for name, identifier in expected.items():
        rule = rules[name]
        assert rule["Source"]["Owner"] == "AWS"
        assert rule["Source"]["SourceIdentifier"] == identifier
        tags = tags_of(config.list_tags_for_resource(ResourceArn=rule["ConfigRuleArn"])["Tags"])
        assert tags[RUN_TAG] == integration_run.run_id, name
    flow_logs = rules[f"{PREFIX}-vpc-flow-logs-enabled"]
    assert json.loads(flow_logs["InputParameters"]) == {"trafficType": "ALL"}


# GuardDuty and findings ---------------------------------------------------------------------


def test_guardduty_detector_is_enabled_and_publishes_every_15_minutes(
    deployed, clients, integration_run
):
    guardduty, detector_id = clients["guardduty"], deployed.outputs["guardduty_detector_id"]
    assert guardduty.list_detectors()["DetectorIds"] == [detector_id]
    detector = guardduty.get_detector(DetectorId=detector_id)
    assert detector["Status"] == "ENABLED"
    assert detector["FindingPublishingFrequency"] == "FIFTEEN_MINUTES"
    assert detector["Tags"][RUN_TAG] == integration_run.run_id


def test_high_severity_guardduty_findings_reach_the_encrypted_topic(
    deployed, clients, integration_run, target_identity, topic_arn
):
    events, sns = clients["events"], clients["sns"]
    assert deployed.outputs["findings_topic_arn"] == topic_arn
    rules = events.list_rules(NamePrefix=PREFIX)["Rules"]
    assert [r["Name"] for r in rules] == [f"{PREFIX}-guardduty-findings"], (
        "Security Hub is off here, so GuardDuty is the only route"
    )
    [rule] = rules
    assert rule["State"] == "ENABLED"
    assert json.loads(rule["EventPattern"]) == {
        "source": ["aws.guardduty"],
        "detail-type": ["GuardDuty Finding"],
        "detail": {"severity": [{"numeric": [">=", 7]}]},
    }
    rule_tags = tags_of(events.list_tags_for_resource(ResourceARN=rule["Arn"])["Tags"])
    assert rule_tags[RUN_TAG] == integration_run.run_id
    targets = events.list_targets_by_rule(Rule=rule["Name"])["Targets"]
    assert [(t["Id"], t["Arn"]) for t in targets] == [("sns", topic_arn)]

    attributes = sns.get_topic_attributes(TopicArn=topic_arn)["Attributes"]
    assert attributes["KmsMasterKeyId"] == deployed.outputs["kms_key_arn"]
    by_sid = {s["Sid"]: s for s in policy_doc(attributes["Policy"])["Statement"]}
    assert set(by_sid) == {
        "EventBridgeRulesPublish",
        "CloudWatchAlarmsPublish",
        "DenyInsecureTransport",
    }
    publish = by_sid["EventBridgeRulesPublish"]
    assert publish["Principal"] == {"Service": "events.amazonaws.com"}
    assert publish["Condition"] == {
        "StringEquals": {"aws:SourceAccount": target_identity.account_id},
        "ArnLike": {"aws:SourceArn": rule["Arn"]},
    }
    assert by_sid["CloudWatchAlarmsPublish"]["Condition"] == {
        "StringEquals": {"aws:SourceAccount": target_identity.account_id}
    }
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
    assert [(s["Protocol"], s["Endpoint"]) for s in subscriptions] == [
        ("email", "security@example.com")
    ]
    topic_tags = tags_of(sns.list_tags_for_resource(ResourceArn=topic_arn)["Tags"])
    assert topic_tags[RUN_TAG] == integration_run.run_id
    assert deployed.outputs.get("composite_alarm_arn") is None, "switched off for this target"
    assert deployed.outputs["securityhub_standards_arns"] == {}, "switched off for this target"


# What the integration scenario leaves out, each in a small deployment of its own -----------


@pytest.mark.requires("composite_alarms")
def test_composite_alarm_pages_when_any_named_alarm_fires(deploy, clients, integration_run):
    """Two metric alarms stand in for the other components' (vpc, securitygroup) alarms."""
    cloudwatch = clients["cloudwatch"]
    members = [f"tfharness-{integration_run.run_id}-{n}" for n in ("ssh", "sg")]
    for name in members:
        cloudwatch.put_metric_alarm(
            AlarmName=name,
            Namespace="tfharness",
            MetricName=name,
            Statistic="Sum",
            Period=300,
            EvaluationPeriods=1,
            Threshold=1,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
            Tags=[{"Key": RUN_TAG, "Value": integration_run.run_id}],
        )
    try:
        with deploy(
            COMPONENT,
            "minimal",
            name="seccomp",
            enable_guardduty=False,
            enable_findings_notifications=True,
            composite_alarm_names=members,
        ) as own:
            [alarm] = cloudwatch.describe_alarms(
                AlarmNames=["seccomp-dev-security"], AlarmTypes=["CompositeAlarm"]
            )["CompositeAlarms"]
            assert alarm["AlarmArn"] == own.outputs["composite_alarm_arn"]
            assert alarm["AlarmRule"] == " OR ".join(f'ALARM("{m}")' for m in members)
            topic = own.outputs["findings_topic_arn"]
            assert alarm["ActionsEnabled"] is True
            assert alarm["AlarmActions"] == alarm["OKActions"] == [topic]
            tags = tags_of(cloudwatch.list_tags_for_resource(ResourceARN=alarm["AlarmArn"])["Tags"])
            assert tags[RUN_TAG] == integration_run.run_id
            assert own.workspace.changes_pending() is None
    finally:
        cloudwatch.delete_alarms(AlarmNames=members)


@pytest.mark.requires("security_hub_configuration")
def test_security_hub_consolidates_controls_and_subscribes_both_standards(
    deploy, clients, target_identity
):
    securityhub, partition = clients["securityhub"], target_identity.partition
    with deploy(
        COMPONENT, "minimal", name="sechub", enable_guardduty=False, enable_securityhub=True
    ) as own:
        hub = securityhub.describe_hub()
        assert hub["ControlFindingGenerator"] == "SECURITY_CONTROL"
        assert hub["AutoEnableControls"] is True
        expected = set(own.outputs["securityhub_standards_arns"].values())
        assert expected == {
            f"arn:{partition}:securityhub:{REGION}::standards/"
            "aws-foundational-security-best-practices/v/1.0.0",
            f"arn:{partition}:securityhub:{REGION}::standards/cis-aws-foundations-benchmark/v/3.0.0",
        }
        held = {
            s["StandardsArn"]
            for s in securityhub.get_enabled_standards()["StandardsSubscriptions"]
            if s["StandardsStatus"] != "DELETING"
        }
        assert expected <= held
        assert own.workspace.changes_pending() is None


# Re-plan ------------------------------------------------------------------------------------


def test_replan_after_apply_is_clean(deployed):
    pending = deployed.replan_after_apply()
    assert pending is None, f"re-plan after apply is not empty:\n{drift(pending)}"
