"""The plan model on a recorded `terraform show -json` (no Terraform needed)."""

from __future__ import annotations

import json

import pytest

from tfharness.terraform.plan import UNKNOWN, Plan, parse_path

from .conftest import RECORDED

pytestmark = pytest.mark.harness


@pytest.fixture(scope="module")
def plan() -> Plan:
    return Plan(
        json.loads((RECORDED / "tiny-with_topic.plan.json").read_text()), label="tiny:with_topic"
    )


def test_resources_are_keyed_by_full_address(plan: Plan) -> None:
    assert set(plan) >= {
        "aws_kms_key.this",
        "aws_cloudwatch_log_group.this",
        "aws_sns_topic.this[0]",
    }
    assert plan["aws_sns_topic.this[0]"].index == 0
    assert plan["aws_sns_topic.this[0]"].type == "aws_sns_topic"


def test_data_sources_read_at_plan_time_are_queryable(plan: Plan) -> None:
    identity = plan["data.aws_caller_identity.current"]
    assert identity.mode == "data"
    assert identity["account_id"] == "123456789012"


def test_missing_address_lists_what_the_plan_has(plan: Plan) -> None:
    with pytest.raises(KeyError) as error:
        plan["aws_s3_bucket.nope"]
    assert "aws_s3_bucket.nope" in str(error.value)
    assert "aws_kms_key.this (create)" in str(error.value)


def test_of_type_and_one(plan: Plan) -> None:
    assert [c.address for c in plan.of_type("aws_kms_key")] == ["aws_kms_key.this"]
    assert plan.one("aws_sns_topic").address == "aws_sns_topic.this[0]"
    with pytest.raises(AssertionError, match="expected exactly one aws_vpc, found 0"):
        plan.one("aws_vpc")


def test_actions(plan: Plan) -> None:
    plan.assert_actions("aws_kms_key.this", "create")
    assert plan.count("create") == 3
    assert not plan.is_empty
    with pytest.raises(
        AssertionError,
        match=r"aws_kms_key.this: action: got 'create', "
        r"expected 'delete'",
    ):
        plan.assert_actions("aws_kms_key.this", "delete")


def test_attribute_values_and_paths(plan: Plan) -> None:
    plan.assert_attr("aws_cloudwatch_log_group.this", "retention_in_days", 30)
    plan.assert_attr("aws_cloudwatch_log_group.this", "name", "/tiny/tiny-dev")
    assert plan["aws_kms_key.this"]["enable_key_rotation"] is True
    with pytest.raises(AssertionError) as error:
        plan.assert_attr("aws_cloudwatch_log_group.this", "retention_in_days", 90)
    assert str(error.value) == (
        "aws_cloudwatch_log_group.this: retention_in_days: got 30, expected 90"
    )
    with pytest.raises(AssertionError, match="no_such_attr: missing"):
        plan.assert_attr("aws_kms_key.this", "no_such_attr", 1)


def test_unknown_after_apply(plan: Plan) -> None:
    plan.assert_unknown("aws_kms_key.this", "arn")
    assert plan["aws_cloudwatch_log_group.this"]["kms_key_id"] == UNKNOWN
    with pytest.raises(AssertionError, match="expected a value known only after apply"):
        plan.assert_unknown("aws_kms_key.this", "enable_key_rotation")


def test_tags_are_a_subset_check(plan: Plan) -> None:
    plan.assert_tags(
        "aws_cloudwatch_log_group.this",
        {"Environment": "dev", "Team": "platform", "Name": "tiny-dev"},
    )
    with pytest.raises(AssertionError, match="Environment"):
        plan.assert_tags("aws_cloudwatch_log_group.this", {"Environment": "prod"})


def test_absent(plan: Plan) -> None:
    plan.assert_absent("aws_s3_bucket")
    with pytest.raises(AssertionError, match=r"found \['aws_sns_topic.this\[0\]'\]"):
        plan.assert_absent("aws_sns_topic")


def test_outputs_and_variables(plan: Plan) -> None:
    assert plan.outputs["log_group_name"] == "/tiny/tiny-dev"
    assert plan.outputs["topic_arn"] == UNKNOWN
    assert plan.variables["enable_topic"] is True
    assert plan.variables["topic_display_name"] is None


@pytest.mark.parametrize(
    ("path", "parts"),
    [
        ("a.b[0].c", ("a", "b", 0, "c")),
        ("a.b.0.c", ("a", "b", 0, "c")),
        (("x", 1), ("x", 1)),
    ],
)
def test_path_syntax(path, parts) -> None:
    assert parse_path(path) == parts


def test_module_call_by_name_or_address_and_a_missing_one_lists_the_calls() -> None:
    call = {"source": "../../../modules/kms-key", "expressions": {}}
    plan = Plan({"configuration": {"root_module": {"module_calls": {"kms": call}}}}, label="c:d")
    assert plan.module_call("kms") is call
    assert plan.module_call("module.kms") is call
    with pytest.raises(
        KeyError, match=r"c:d: the root module has no module call 'ecr'; it calls: kms"
    ):
        plan.module_call("ecr")
    with pytest.raises(KeyError, match=r"calls: \(none\)"):
        Plan({}).module_call("kms")


def test_references_of_a_resource_or_a_module_call_and_what_is_missing() -> None:
    statement = {"resources": {"references": ["module.kms.key_arn", "module.kms"]}}
    root = {
        "resources": [
            {
                "address": "data.aws_iam_policy_document.this",
                "expressions": {"statement": [statement]},
            }
        ],
        "module_calls": {
            "logs": {
                "expressions": {"kms_key_arn": {"references": ["module.kms.key_arn"]}},
                "module": {"resources": [{"address": "aws_cloudwatch_log_group.this"}]},
            },
            "topic": {"expressions": {"name": {"constant_value": "alarms"}}},
        },
    }
    plan = Plan({"configuration": {"root_module": root}}, label="c:d")
    doc = "data.aws_iam_policy_document.this"
    assert plan.references(doc, "statement", 0, "resources") == [
        "module.kms.key_arn",
        "module.kms",
    ]
    assert plan.references("module.logs", "kms_key_arn") == ["module.kms.key_arn"]
    assert plan.references("module.topic", "name") == []  # a literal refers to nothing
    assert plan.configured(doc)["address"] == doc
    group = plan.configured("module.logs.aws_cloudwatch_log_group.this")
    assert group["address"] == "aws_cloudwatch_log_group.this"  # as the module names it
    with pytest.raises(KeyError, match=r"module.logs configures no 'aws_kms_key.this'"):
        plan.configured("module.logs.aws_kms_key.this")
    with pytest.raises(KeyError, match=r"c:d: the root module configures no 'aws_s3_bucket.x'"):
        plan.references("aws_s3_bucket.x", "bucket")
    with pytest.raises(KeyError, match=r"\['statement'\]\[0\] has no 'actions'"):
        plan.references(doc, "statement", 0, "actions")
    with pytest.raises(KeyError, match="no module call 'ecr'"):
        plan.references("module.ecr", "name")
