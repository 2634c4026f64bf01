"""Plan-level tests of the apigateway component: REST/HTTP stage, logs, tracing, throttling, WAF, TLS."""

import pytest

pytestmark = pytest.mark.unit

CLOUDWATCH_ROLE = "module.cloudwatch_role[0]"
WAF_ARN = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/orders/0a1b2c3d-4e5f-6789-abcd-ef0123456789"


def test_rest_stage_traces_and_logs_to_the_encrypted_group(plan_for):
    plan = plan_for("apigateway")
    stage = plan["aws_api_gateway_stage.this[0]"]
    assert stage["xray_tracing_enabled"] is True
    assert stage["stage_name"] == "dev"
    assert "module.access_log_group.arn" in plan.references(
        "aws_api_gateway_stage.this", "access_log_settings", 0, "destination_arn"
    )
    access_format = stage.json("access_log_settings[0].format")
    assert access_format["requestId"] == "$context.requestId"
    assert access_format["ip"] == "$context.identity.sourceIp"
    assert access_format["status"] == "$context.status"
    assert access_format["wafResponseCode"] == "$context.waf.status"


def test_log_groups_use_the_cmk_and_retention(plan_for):
    plan = plan_for("apigateway")
    for call, address in (
        ("module.access_log_group", "module.access_log_group.aws_cloudwatch_log_group.this"),
        (
            "module.execution_log_group",
            "module.execution_log_group[0].aws_cloudwatch_log_group.this",
        ),
    ):
        plan.assert_attr(address, "retention_in_days", 365)
        assert "module.logs_kms.key_arn" in plan.references(call, "kms_key_arn")
    plan.assert_attr(
        "module.access_log_group.aws_cloudwatch_log_group.this",
        "name",
        "/aws/apigateway/orders-dev/access",
    )


def test_logs_key_policy_limits_cloudwatch_to_this_apis_groups(plan_for):
    plan = plan_for("apigateway")
    policy = plan["module.logs_kms.data.aws_iam_policy_document.this"].json("json")
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
    assert any(arn.endswith(":log-group:/aws/apigateway/orders-dev/access") for arn in arns)
    assert any(arn.endswith(":log-group:API-Gateway-Execution-Logs_*") for arn in arns)


def test_rest_method_defaults_throttle_and_never_log_bodies(plan_for):
    plan = plan_for("apigateway")
    plan.assert_subset(
        "aws_api_gateway_method_settings.all[0]",
        {
            "method_path": "*/*",
            "settings[0].throttling_rate_limit": 100,
            "settings[0].throttling_burst_limit": 200,
            "settings[0].data_trace_enabled": False,
            "settings[0].metrics_enabled": True,
            "settings[0].logging_level": "ERROR",
        },
    )


def test_default_rest_api_is_regional_with_a_deployable_body(plan_for):
    plan = plan_for("apigateway")
    api = plan["aws_api_gateway_rest_api.this[0]"]
    assert api["endpoint_configuration"][0]["types"] == ["REGIONAL"]
    assert "/health" in api.json("body")["paths"]
    plan.assert_absent("aws_wafv2_web_acl_association")
    plan.assert_absent("aws_api_gateway_account")
    plan.assert_absent("aws_apigatewayv2_api")


def test_rest_custom_domain_uses_tls12_and_waf_is_attached(plan_for):
    plan = plan_for("apigateway", "rest_full")
    plan.assert_subset(
        "aws_api_gateway_domain_name.this[0]",
        {
            "domain_name": "api.example.com",
            "security_policy": "TLS_1_2",
            "endpoint_configuration[0].types": ["REGIONAL"],
        },
    )
    plan.assert_attr("aws_api_gateway_base_path_mapping.this[0]", "base_path", "v1")
    plan.assert_attr("aws_wafv2_web_acl_association.this[0]", "web_acl_arn", WAF_ARN)
    assert "aws_api_gateway_stage.this[0].arn" in plan.references(
        "aws_wafv2_web_acl_association.this", "resource_arn"
    )
    # Toggles: tracing and execution logs off, account role on.
    plan.assert_attr("aws_api_gateway_stage.this[0]", "xray_tracing_enabled", False)
    plan.assert_absent("module.execution_log_group[0].aws_cloudwatch_log_group.this")
    plan.assert_attr(
        f'{CLOUDWATCH_ROLE}.aws_iam_role_policy_attachment.this["AmazonAPIGatewayPushToCloudWatchLogs"]',
        "policy_arn",
        "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs",
    )
    trust = plan[f"{CLOUDWATCH_ROLE}.data.aws_iam_policy_document.assume"].json("json")
    assert trust["Statement"][0]["Principal"] == {"Service": "apigateway.amazonaws.com"}


def test_http_api_stage_logs_and_throttles_and_domain_uses_tls12(plan_for):
    plan = plan_for("apigateway", "http")
    plan.assert_attr("aws_apigatewayv2_api.this[0]", "protocol_type", "HTTP")
    plan.assert_subset(
        "aws_apigatewayv2_stage.this[0]",
        {
            "name": "$default",
            "auto_deploy": True,
            "default_route_settings[0].throttling_rate_limit": 100,
            "default_route_settings[0].throttling_burst_limit": 200,
            "default_route_settings[0].detailed_metrics_enabled": True,
        },
    )
    assert "module.access_log_group.arn" in plan.references(
        "aws_apigatewayv2_stage.this", "access_log_settings", 0, "destination_arn"
    )
    access_format = plan["aws_apigatewayv2_stage.this[0]"].json("access_log_settings[0].format")
    assert access_format["requestId"] == "$context.requestId"
    assert "wafResponseCode" not in access_format  # not a valid HTTP API variable
    plan.assert_attr(
        "aws_apigatewayv2_domain_name.this[0]",
        "domain_name_configuration[0].security_policy",
        "TLS_1_2",
    )
    plan.assert_absent("aws_api_gateway_rest_api")
    plan.assert_absent("module.execution_log_group[0].aws_cloudwatch_log_group.this")
