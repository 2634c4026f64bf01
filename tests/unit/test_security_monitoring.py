"""security-monitoring: GuardDuty, Security Hub, Config, CloudTrail, findings routing, composite alarm."""

import json

import pytest

pytestmark = pytest.mark.unit

ACCOUNT = "123456789012"
BUCKET_ARN = f"arn:aws:s3:::secmon-dev-security-logs-{ACCOUNT}"
TRAIL_ARN = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/secmon-dev"
# The shared modules the component is built from (modules/): addresses inside their calls.
KEY_POLICY = "module.kms.data.aws_iam_policy_document.this"
BUCKET = "module.logs_bucket[0]"
BUCKET_POLICY = f"{BUCKET}.data.aws_iam_policy_document.this"  # the module's rules + deliveries
LOG_GROUP = "module.cloudtrail_log_group[0].aws_cloudwatch_log_group.this"
TOPIC_POLICY = "module.findings_topic[0].data.aws_iam_policy_document.this"


def _doc(plan, address):
    return json.loads(plan[address]["json"])


def _sids(document):
    return {s.get("Sid"): s for s in document["Statement"]}


# GuardDuty ------------------------------------------------------------------------------------


def test_guardduty_detector_and_default_features(plan_for):
    plan = plan_for("security-monitoring")
    plan.assert_attr("aws_guardduty_detector.this[0]", "enable", True)
    plan.assert_attr(
        "aws_guardduty_detector.this[0]", "finding_publishing_frequency", "FIFTEEN_MINUTES"
    )
    status = {f["name"]: f["status"] for f in plan.of_type("aws_guardduty_detector_feature")}
    assert status == {
        "S3_DATA_EVENTS": "ENABLED",
        "EKS_AUDIT_LOGS": "ENABLED",
        "EBS_MALWARE_PROTECTION": "ENABLED",
        "RDS_LOGIN_EVENTS": "ENABLED",
        "LAMBDA_NETWORK_LOGS": "ENABLED",
        "RUNTIME_MONITORING": "DISABLED",
    }


def test_guardduty_feature_toggles_and_runtime_agents(plan_for):
    plan = plan_for("security-monitoring", "prod")
    runtime = plan['aws_guardduty_detector_feature.this["RUNTIME_MONITORING"]']
    assert runtime["status"] == "ENABLED"
    agents = {c["name"]: c["status"] for c in runtime["additional_configuration"]}
    assert agents == {
        "EKS_ADDON_MANAGEMENT": "ENABLED",
        "ECS_FARGATE_AGENT_MANAGEMENT": "ENABLED",
        "EC2_AGENT_MANAGEMENT": "ENABLED",
    }
    plan.assert_attr(
        'aws_guardduty_detector_feature.this["LAMBDA_NETWORK_LOGS"]', "status", "DISABLED"
    )


# Security Hub -----------------------------------------------------------------------------------


def test_securityhub_with_foundational_and_cis_standards(plan_for):
    plan = plan_for("security-monitoring")
    plan.assert_subset(
        "aws_securityhub_account.this[0]",
        {"enable_default_standards": False, "control_finding_generator": "SECURITY_CONTROL"},
    )
    standards = {s["standards_arn"] for s in plan.of_type("aws_securityhub_standards_subscription")}
    assert standards == {
        "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0",
        "arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/3.0.0",
    }
    legacy = plan_for("security-monitoring", "prod")[
        'aws_securityhub_standards_subscription.this["cis"]'
    ]
    assert (
        legacy["standards_arn"]
        == "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"
    )


# AWS Config -------------------------------------------------------------------------------------


def test_config_rules_match_the_controls_of_the_other_components(plan_for):
    plan = plan_for("security-monitoring")
    identifiers = {
        r["source"][0]["source_identifier"] for r in plan.of_type("aws_config_config_rule")
    }
    assert identifiers == {
        "ENCRYPTED_VOLUMES",
        "RDS_STORAGE_ENCRYPTED",
        "RDS_MULTI_AZ_SUPPORT",
        "EC2_IMDSV2_CHECK",
        "VPC_FLOW_LOGS_ENABLED",
        "INCOMING_SSH_DISABLED",
        "CLOUD_TRAIL_ENABLED",
    }
    for rule in plan.of_type("aws_config_config_rule"):
        assert rule["source"][0]["owner"] == "AWS"
    flow_logs = plan['aws_config_config_rule.this["vpc-flow-logs-enabled"]'].json(
        "input_parameters"
    )
    assert flow_logs == {"trafficType": "ALL"}
    prod = plan_for("security-monitoring", "prod")
    plan_prod_rule = prod['aws_config_config_rule.this["s3-public-read"]']
    assert plan_prod_rule["source"][0]["source_identifier"] == "S3_BUCKET_PUBLIC_READ_PROHIBITED"


def test_config_recorder_and_encrypted_delivery(plan_for):
    plan = plan_for("security-monitoring")
    recorder = plan.one("aws_config_configuration_recorder")
    assert recorder["recording_group"][0]["all_supported"] is True
    assert recorder["recording_group"][0]["include_global_resource_types"] is True
    plan.assert_attr("aws_config_configuration_recorder_status.this[0]", "is_enabled", True)
    channel = plan.one("aws_config_delivery_channel")
    assert channel["s3_bucket_name"] == f"secmon-dev-security-logs-{ACCOUNT}"
    assert channel["s3_key_prefix"] == "config"
    assert channel.is_unknown("s3_kms_key_arn")
    role = plan["module.config_role[0].aws_iam_role.this"]  # modules/iam-role
    trust = role.json("assume_role_policy")["Statement"][0]
    assert trust["Principal"] == {"Service": "config.amazonaws.com"}
    assert trust["Condition"]["StringEquals"]["aws:SourceAccount"] == ACCOUNT


# Logs bucket --------------------------------------------------------------------------------------


def test_logs_bucket_is_private_encrypted_and_tls_only(plan_for):
    plan = plan_for("security-monitoring")
    sse = plan[f"{BUCKET}.aws_s3_bucket_server_side_encryption_configuration.this"]["rule"][0]
    assert sse["apply_server_side_encryption_by_default"][0]["kms_master_key_id"] is not None
    plan.assert_attr(
        f"{BUCKET}.aws_s3_bucket_versioning.this", "versioning_configuration[0].status", "Enabled"
    )
    plan.assert_attr(f"{BUCKET}.aws_s3_bucket.this", "force_destroy", False)
    statements = _sids(_doc(plan, BUCKET_POLICY))
    deny = statements["DenyInsecureTransport"]
    assert sorted(deny["Resource"]) == [BUCKET_ARN, f"{BUCKET_ARN}/*"]
    # The s3-bucket module's own rules come with it: TLS 1.2 and SSE-KMS uploads only.
    assert statements["DenyOutdatedTLS"]["Condition"] == {
        "NumericLessThan": {"s3:TlsVersion": "1.2"}
    }
    assert statements["DenyNonKmsEncryption"]["Action"] == "s3:PutObject"


def test_bucket_policy_lets_config_and_cloudtrail_write_for_this_account_only(plan_for):
    plan = plan_for("security-monitoring")
    statements = _sids(_doc(plan, BUCKET_POLICY))
    delivery = statements["AWSConfigBucketDelivery"]
    assert delivery["Principal"] == {"Service": "config.amazonaws.com"}
    assert delivery["Resource"] == f"{BUCKET_ARN}/config/AWSLogs/{ACCOUNT}/Config/*"
    assert delivery["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    for sid in ("AWSConfigBucketPermissionsCheck", "AWSConfigBucketExistenceCheck"):
        assert statements[sid]["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    trail = statements["AWSCloudTrailWrite"]
    assert trail["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    assert trail["Condition"] == {"StringEquals": {"aws:SourceArn": TRAIL_ARN}}


# CloudTrail ------------------------------------------------------------------------------------


def test_cloudtrail_is_multi_region_validated_encrypted_and_sent_to_logs(plan_for):
    plan = plan_for("security-monitoring")
    plan.assert_subset(
        "aws_cloudtrail.this[0]",
        {
            "is_multi_region_trail": True,
            "include_global_service_events": True,
            "enable_log_file_validation": True,
            "s3_key_prefix": "cloudtrail",
        },
    )
    trail = plan["aws_cloudtrail.this[0]"]
    assert trail["s3_bucket_name"] == f"secmon-dev-security-logs-{ACCOUNT}"
    assert trail.is_unknown("kms_key_id")
    assert trail.is_unknown("cloud_watch_logs_group_arn")
    log_group = plan[LOG_GROUP]
    assert log_group["retention_in_days"] == 365
    logs = _doc(plan, "data.aws_iam_policy_document.cloudtrail_logs")["Statement"][0]
    assert sorted(logs["Action"]) == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert logs["Resource"].endswith(":log-group:/aws/cloudtrail/secmon-dev:log-stream:*")


def test_key_policy_scopes_each_service(plan_for):
    statements = _sids(_doc(plan_for("security-monitoring"), KEY_POLICY))
    trail = statements["CloudTrailEncryptsLogs"]
    assert trail["Condition"]["StringEquals"] == {"aws:SourceArn": TRAIL_ARN}
    # modules/kms-key writes the CloudWatch Logs and topic-publishing statements (log_group_names,
    # publishing_services)
    logs = statements["CloudWatchLogsUse"]
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
            "kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:*"
        }
    }
    publish = statements["ServicesPublishToEncryptedTopics"]
    assert sorted(publish["Principal"]["Service"]) == [
        "cloudwatch.amazonaws.com",
        "events.amazonaws.com",
    ]
    assert sorted(publish["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert publish["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}


# Findings routing --------------------------------------------------------------------------------


def test_high_severity_guardduty_findings_go_to_the_topic(plan_for):
    plan = plan_for("security-monitoring")
    pattern = plan['aws_cloudwatch_event_rule.findings["guardduty"]'].json("event_pattern")
    assert pattern == {
        "source": ["aws.guardduty"],
        "detail-type": ["GuardDuty Finding"],
        "detail": {"severity": [{"numeric": [">=", 7]}]},
    }
    prod = plan_for("security-monitoring", "prod")
    prod_pattern = prod['aws_cloudwatch_event_rule.findings["guardduty"]'].json("event_pattern")
    assert prod_pattern["detail"]["severity"] == [{"numeric": [">=", 8]}]


def test_critical_and_high_securityhub_findings_go_to_the_topic(plan_for):
    plan = plan_for("security-monitoring")
    pattern = plan['aws_cloudwatch_event_rule.findings["securityhub"]'].json("event_pattern")
    assert pattern["source"] == ["aws.securityhub"]
    assert pattern["detail-type"] == ["Security Hub Findings - Imported"]
    assert pattern["detail"]["findings"]["Severity"] == {"Label": ["CRITICAL", "HIGH"]}
    assert pattern["detail"]["findings"]["RecordState"] == ["ACTIVE"]
    targets = plan.of_type("aws_cloudwatch_event_target")
    assert {t["rule"] for t in targets} == {
        "secmon-dev-guardduty-findings",
        "secmon-dev-securityhub-findings",
    }
    for target in targets:
        assert target.is_unknown("arn")  # the findings topic


def test_findings_topic_is_encrypted_and_only_our_rules_publish(plan_for):
    plan = plan_for("security-monitoring")
    assert plan.one("aws_sns_topic").is_unknown("kms_master_key_id")
    statements = _sids(_doc(plan, TOPIC_POLICY))
    events = statements["EventBridgeRulesPublish"]
    assert events["Principal"] == {"Service": "events.amazonaws.com"}
    assert sorted(events["Condition"]["ArnLike"]["aws:SourceArn"]) == [
        f"arn:aws:events:us-east-1:{ACCOUNT}:rule/secmon-dev-guardduty-findings",
        f"arn:aws:events:us-east-1:{ACCOUNT}:rule/secmon-dev-securityhub-findings",
    ]
    assert statements["CloudWatchAlarmsPublish"]["Condition"] == {
        "StringEquals": {"aws:SourceAccount": ACCOUNT}
    }
    assert plan.one("aws_sns_topic_subscription")["endpoint"] == "security@example.com"


# Composite alarm ------------------------------------------------------------------------------------


def test_composite_alarm_combines_the_named_alarms(plan_for):
    plan = plan_for("security-monitoring")
    alarm = plan["aws_cloudwatch_composite_alarm.security[0]"]
    assert alarm["alarm_rule"] == (
        'ALARM("core-dev-flow-logs-ssh-attempts") OR ALARM("core-dev-sg-permissive-rule")'
    )
    assert alarm["actions_enabled"] is True
    assert alarm.is_unknown("alarm_actions") or len(alarm["alarm_actions"]) == 1


def test_minimal_turns_off_everything_but_guardduty(plan_for):
    plan = plan_for("security-monitoring", "minimal")
    for resource_type in (
        "aws_securityhub_account",
        "aws_config_configuration_recorder",
        "aws_config_config_rule",
        "aws_cloudtrail",
        "aws_s3_bucket",
        "aws_sns_topic",
        "aws_cloudwatch_event_rule",
        "aws_cloudwatch_composite_alarm",
    ):
        plan.assert_absent(resource_type)
    assert plan.one("aws_guardduty_detector")["enable"] is True
    assert plan.outputs["composite_alarm_arn"] is None
    assert plan.outputs["config_rule_names"] == []


# Negative scenarios ----------------------------------------------------------------------------------


# The shared modules validate retention and the deletion window; their rules run only once the
# component's own validations pass, hence a scenario of their own.
