"""apigateway on the integration target: the REST API, its stage, logging and throttling.

The fleet applies the `integration` scenario (tests/scenarios/apigateway.yaml: the default
regional REST API, with GET /health proxied to an HTTP backend instead of the default mock
integration, which moto 5.2.5 cannot import; see the README's "Emulator switches"). Each test
reads back with boto3 what the target holds. The fleet destroys everything at the end of the
session.
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tfharness.checks.aws import as_list, drift, policy_doc
from tfharness.deploying.deployment import RUN_TAG
from tfharness.deploying.targets import Identity

pytestmark = pytest.mark.integration

COMPONENT = "apigateway"
PREFIX = "orders-dev"
STAGE = "dev"
REGION = "us-east-1"  # the scenario's region
ACCESS_LOG_GROUP = f"/aws/apigateway/{PREFIX}/access"
ACCESS_LOG_FIELDS = {
    "requestId": "$context.requestId",
    "extendedRequestId": "$context.extendedRequestId",
    "ip": "$context.identity.sourceIp",
    "requestTime": "$context.requestTime",
    "httpMethod": "$context.httpMethod",
    "path": "$context.path",
    "routeKey": "$context.routeKey",
    "protocol": "$context.protocol",
    "status": "$context.status",
    "responseLength": "$context.responseLength",
    "integrationLatency": "$context.integrationLatency",
    "integrationError": "$context.integration.error",
    "errorMessage": "$context.error.message",
    "userAgent": "$context.identity.userAgent",
    "wafResponseCode": "$context.waf.status",  # REST only
}


def log_group_arn(identity: Identity, name: str) -> str:
    return identity.arn("logs", f"log-group:{name}", region=REGION)


@pytest.fixture(scope="module")
def deployed(fleet):
    return fleet.deployment(COMPONENT)


@pytest.fixture(scope="module")
def clients(endpoint):
    return {s: endpoint.boto3_client(s) for s in ("apigateway", "logs", "kms", "iam")}


@pytest.fixture(scope="module")
def stage(deployed, clients) -> dict:
    return clients["apigateway"].get_stage(restApiId=deployed.outputs["api_id"], stageName=STAGE)


def test_rest_api_is_regional_and_tagged(deployed, clients, integration_run, target_identity):
    api = clients["apigateway"].get_rest_api(restApiId=deployed.outputs["api_id"])
    assert api["name"] == PREFIX and api["description"] == f"{PREFIX} REST API"
    assert api["endpointConfiguration"]["types"] == ["REGIONAL"]
    assert api.get("disableExecuteApiEndpoint", False) is False
    assert "policy" not in api or not api["policy"], "no resource policy in this scenario"
    assert api["tags"][RUN_TAG] == integration_run.run_id and api["tags"]["Name"] == PREFIX
    out = deployed.outputs
    assert out["api_execution_arn"] == target_identity.arn("execute-api", api["id"], region=REGION)
    assert out["stage_name"] == STAGE
    assert (
        out["stage_arn"]
        == f"arn:{target_identity.partition}:apigateway:{REGION}::/restapis/{api['id']}/stages/{STAGE}"
    )
    assert (
        out["stage_invoke_url"] == f"https://{api['id']}.execute-api.{REGION}.amazonaws.com/{STAGE}"
    )
    assert out.get("custom_domain_target_domain_name") is None, "no custom domain"


def test_health_route_is_imported_from_the_openapi_body(deployed, clients):
    apigateway, api_id = clients["apigateway"], deployed.outputs["api_id"]
    resources = {r["path"]: r for r in apigateway.get_resources(restApiId=api_id)["items"]}
    assert set(resources) == {"/", "/health"}
    method = apigateway.get_method(
        restApiId=api_id, resourceId=resources["/health"]["id"], httpMethod="GET"
    )
    assert set(method["methodResponses"]) == {"200"}
    integration = method["methodIntegration"]
    assert integration["type"].upper() == "HTTP_PROXY"
    assert (integration["httpMethod"], integration["uri"]) == (
        "GET",
        "https://health.example.com/health",
    )


def test_stage_traces_logs_and_serves_the_current_deployment(
    deployed, clients, stage, integration_run, target_identity
):
    deployments = clients["apigateway"].get_deployments(restApiId=deployed.outputs["api_id"])[
        "items"
    ]
    assert [d["id"] for d in deployments] == [stage["deploymentId"]]
    assert deployments[0]["description"] == f"{PREFIX} deployment"
    assert stage["tracingEnabled"] is True
    assert stage.get("cacheClusterEnabled", False) is False
    assert stage["accessLogSettings"]["destinationArn"] == log_group_arn(
        target_identity, ACCESS_LOG_GROUP
    )
    assert json.loads(stage["accessLogSettings"]["format"]) == ACCESS_LOG_FIELDS
    assert stage["tags"][RUN_TAG] == integration_run.run_id
    assert stage["tags"]["Name"] == f"{PREFIX}-{STAGE}"


def test_every_method_is_throttled_logged_and_never_traces_bodies(stage):
    settings = stage["methodSettings"]["*/*"]
    assert settings["metricsEnabled"] is True
    assert settings["loggingLevel"] == "ERROR"
    assert settings["dataTraceEnabled"] is False, "full request/response logging leaks secrets"
    assert (settings["throttlingRateLimit"], settings["throttlingBurstLimit"]) == (100.0, 200)
    assert settings["cachingEnabled"] is False and settings["cacheDataEncrypted"] is True


def test_access_and_execution_log_groups_are_encrypted_and_kept_a_year(
    deployed, clients, integration_run, target_identity
):
    logs, kms = clients["logs"], clients["kms"]
    key_arn = deployed.outputs["kms_key_arn"]
    execution = f"API-Gateway-Execution-Logs_{deployed.outputs['api_id']}/{STAGE}"
    assert deployed.outputs["access_log_group_name"] == ACCESS_LOG_GROUP
    for name in (ACCESS_LOG_GROUP, execution):
        [group] = [
            g
            for g in logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
            if g["logGroupName"] == name
        ]
        assert group["kmsKeyId"] == key_arn and group["retentionInDays"] == 365, name
        arn = log_group_arn(target_identity, name)
        assert (
            logs.list_tags_for_resource(resourceArn=arn)["tags"][RUN_TAG] == integration_run.run_id
        ), name

    assert kms.get_key_rotation_status(KeyId=key_arn)["KeyRotationEnabled"] is True
    assert kms.describe_key(KeyId=key_arn)["KeyMetadata"]["KeyManager"] == "CUSTOMER"
    assert [a["AliasName"] for a in kms.list_aliases(KeyId=key_arn)["Aliases"]] == [
        f"alias/{PREFIX}-apigateway-logs"
    ]
    key_tags = {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=key_arn)["Tags"]}
    assert key_tags[RUN_TAG] == integration_run.run_id
    policy = policy_doc(kms.get_key_policy(KeyId=key_arn, PolicyName="default")["Policy"])
    [logs_use] = [
        s
        for s in policy["Statement"]
        if s.get("Principal", {}).get("Service") == f"logs.{REGION}.amazonaws.com"
    ]
    assert logs_use["Sid"] == "CloudWatchLogsUse"
    assert sorted(as_list(logs_use["Action"])) == [
        "kms:Decrypt*",
        "kms:Describe*",
        "kms:Encrypt*",
        "kms:GenerateDataKey*",
        "kms:ReEncrypt*",
    ]
    assert list(logs_use["Condition"]) == ["ArnLike"]
    allowed = logs_use["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"]
    assert sorted([allowed] if isinstance(allowed, str) else allowed) == sorted(
        [
            log_group_arn(target_identity, ACCESS_LOG_GROUP),
            log_group_arn(target_identity, "API-Gateway-Execution-Logs_*"),
        ]
    )


def test_no_account_cloudwatch_role_unless_asked(clients):
    """create_cloudwatch_role is off by default (one role per account and region)."""
    with pytest.raises(ClientError) as missing:
        clients["iam"].get_role(RoleName=f"{PREFIX}-apigateway-cloudwatch")
    assert missing.value.response["Error"]["Code"] == "NoSuchEntity"


def test_replan_after_apply_is_clean(deployed):
    pending = deployed.replan_after_apply()
    assert pending is None, f"re-plan after apply is not empty:\n{drift(pending)}"
