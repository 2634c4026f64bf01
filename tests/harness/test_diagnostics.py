"""Rules named from recorded `-json` diagnostics (no Terraform needed)."""

from __future__ import annotations

import pytest

from tfharness.terraform.diagnostics import Rejection, parse_stream

from .conftest import RECORDED, TINY

pytestmark = pytest.mark.harness


def load(name: str) -> Rejection:
    lines = (RECORDED / f"tiny-{name}.diagnostics.jsonl").read_text().splitlines()
    return Rejection(f"tiny:{name}", parse_stream(lines, TINY))


def test_variable_validations_are_named_by_variable() -> None:
    rejection = load("two_rules")
    assert sorted(rejection.rules) == ["var.environment", "var.retention_days"]
    rejection.assert_rule(
        "var.retention_days", "retention_days must be one of 1, 7, 30, 90 or 365."
    )
    rejection.assert_only("var.environment", "var.retention_days")


def test_validation_message_drops_terraforms_location_note() -> None:
    diagnostic = load("two_rules").by_rule("var.environment")[0]
    assert diagnostic.message == "environment must be one of dev, staging or prod."
    assert (diagnostic.filename, diagnostic.line, diagnostic.kind) == (
        "context.tf",
        14,
        "validation",
    )


def test_preconditions_are_named_by_resource() -> None:
    rejection = load("prod_topic_without_name")
    rejection.assert_rule(
        "aws_sns_topic.this", "A prod topic needs a display name: set topic_display_name."
    )
    assert rejection.errors[0].kind == "precondition"


def test_check_blocks_are_warnings_named_by_check() -> None:
    rejection = load("prod_short_retention")
    assert rejection.errors == ()
    rejection.assert_rule("check.retention_in_prod", contains="at least 90 days")


def test_wrong_rule_fails_listing_what_fired() -> None:
    with pytest.raises(AssertionError) as error:
        load("two_rules").assert_rule("var.multi_az")
    assert "expected rule var.multi_az to fire" in str(error.value)
    assert "retention_days must be one of" in str(error.value)


def test_wrong_message_fails_with_both_messages() -> None:
    with pytest.raises(AssertionError) as error:
        load("two_rules").assert_rule("var.retention_days", "something else")
    assert "got ['retention_days must be one of 1, 7, 30, 90 or 365.']" in str(error.value)
    assert "expected 'something else'" in str(error.value)


def test_assert_only_reports_an_unexpected_rule() -> None:
    with pytest.raises(AssertionError, match=r"var\.environment"):
        load("two_rules").assert_only("var.retention_days")


def test_validation_without_source_falls_back_to_traversal() -> None:
    lines = (RECORDED / "tiny-two_rules.diagnostics.jsonl").read_text().splitlines()
    assert sorted(d.rule for d in parse_stream(lines)) == ["var.environment", "var.retention_days"]


def test_non_json_lines_are_ignored() -> None:
    assert parse_stream(["Error running command plan: 1", "", "{not json"]) == []


def test_a_called_modules_validation_is_named_after_the_call(tmp_path) -> None:
    """As Terraform 1.11 reports a shared module's variable rule: the checked-by note points
    into the module, the snippet's context is the call in the component."""
    import json

    from tfharness.terraform.diagnostics import from_json

    module = tmp_path / "modules" / "log-group"
    module.mkdir(parents=True)
    (module / "variables.tf").write_text(
        'variable "name" {\n  type = string\n}\n\n'
        'variable "retention_in_days" {\n  type = number\n\n  validation {\n'
        "    condition     = var.retention_in_days > 0\n"
        '    error_message = "Log retention must be one of the values CloudWatch Logs accepts."\n'
        "  }\n}\n"
    )
    component = tmp_path / "components" / "terraform" / "vpc"
    component.mkdir(parents=True)
    raw = {
        "severity": "error",
        "summary": "Invalid value for variable",
        "detail": "Log retention must be one of the values CloudWatch Logs accepts.\n\n"
        "This was checked by the validation rule at "
        "../../../modules/log-group/variables.tf:8,3-13.",
        "range": {"filename": "flow-logs.tf", "start": {"line": 12}},
        "snippet": {
            "context": 'module "flow_logs_log_group"',
            "code": "  retention_in_days = var.flow_logs_retention_days",
            "values": [{"traversal": "var.flow_logs_retention_days", "statement": "is 4"}],
        },
    }
    diagnostic = from_json(json.loads(json.dumps(raw)), component)
    assert diagnostic.rule == "module.flow_logs_log_group.var.retention_in_days"
    assert diagnostic.message == "Log retention must be one of the values CloudWatch Logs accepts."
    assert (diagnostic.filename, diagnostic.line) == ("../../../modules/log-group/variables.tf", 8)
    # A component's own variable keeps its plain name.
    raw["snippet"]["context"] = None
    raw["detail"] = "x must be set.\n\nThis was checked by the validation rule at nowhere.tf:1,1-2."
    raw["snippet"]["values"] = [{"traversal": "var.x", "statement": "is 1"}]
    assert from_json(raw, component).rule == "var.x"
