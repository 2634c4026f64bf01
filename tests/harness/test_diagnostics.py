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
