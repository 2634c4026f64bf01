"""Scenario files: inheritance, strictness and JSON encoding of inputs."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from tfharness.errors import InputEncodingError, ScenarioFileError, UnknownScenario
from tfharness.planning.scenarios import deep_merge, encode_inputs, load_scenario, scenario_names

pytestmark = pytest.mark.harness


@pytest.fixture
def scenarios(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TFHARNESS_SCENARIOS_DIR", str(tmp_path))

    def write(component: str, text: str) -> None:
        (tmp_path / f"{component}.yaml").write_text(text)

    return write


def test_extends_deep_merges_and_overrides(scenarios) -> None:
    scenarios(
        "c1",
        """
default:
  vars: {region: us-east-1, nested: {a: 1, b: {x: true}}, list: [1, 2]}
prod:
  extends: default
  description: prod
  vars: {nested: {b: {y: null}}, list: [3]}
""",
    )
    prod = load_scenario("c1", "prod")
    assert prod.vars == {
        "region": "us-east-1",
        "nested": {"a": 1, "b": {"x": True, "y": None}},
        "list": [3],
    }
    assert prod.description == "prod"
    assert scenario_names("c1") == ["default", "prod"]


def test_inputs_keep_their_types(scenarios) -> None:
    scenarios(
        "c2", "default:\n  vars: {yes_flag: true, no_flag: false, none: null, n: 3, s: '3'}\n"
    )
    text = load_scenario("c2").tfvars_json()
    assert json.loads(text) == {"yes_flag": True, "no_flag": False, "none": None, "n": 3, "s": "3"}
    assert '"yes_flag": true' in text and '"none": null' in text


def test_unknown_scenario_lists_known_ones(scenarios) -> None:
    scenarios("c3", "default:\n  vars: {}\nprod:\n  vars: {}\n")
    with pytest.raises(
        UnknownScenario,
        match=r"no scenario 'staging'.*Known scenarios: "
        r"default, prod",
    ):
        load_scenario("c3", "staging")


def test_missing_parent_is_named(scenarios) -> None:
    scenarios("c4", "prod:\n  extends: base\n  vars: {}\n")
    with pytest.raises(UnknownScenario, match=r"no scenario 'base' \(extended by 'prod'\)"):
        load_scenario("c4", "prod")


def test_component_without_scenario_file(scenarios, tmp_path: Path) -> None:
    with pytest.raises(UnknownScenario, match=r"has no scenario file: create .*nope.yaml"):
        load_scenario("nope")


def test_unknown_keys_are_rejected(scenarios) -> None:
    scenarios("c5", "default:\n  varz: {a: 1}\n")
    with pytest.raises(ScenarioFileError, match=r"unknown keys \['varz'\]"):
        load_scenario("c5")


def test_extends_cycle_is_reported(scenarios) -> None:
    scenarios("c6", "a:\n  extends: b\nb:\n  extends: a\n")
    with pytest.raises(ScenarioFileError, match="cycle: a -> b -> a"):
        load_scenario("c6", "a")


def test_invalid_yaml_is_reported(scenarios) -> None:
    scenarios("c7", "default: [unclosed\n")
    with pytest.raises(ScenarioFileError, match="not valid YAML"):
        load_scenario("c7")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"when": datetime.date(2024, 1, 1)}, r"vars.when is a date .* quote it in the YAML"),
        ({"ratio": float("nan")}, r"vars.ratio is nan, which Terraform cannot take"),
        ({"m": {1: "a"}}, r"vars.m has the key 1 of type int: map keys must be strings"),
        ({"l": [1, b"x"]}, r"vars.l\[1\] is a bytes"),
    ],
)
def test_inputs_that_cannot_be_json_say_which_and_why(value, message) -> None:
    with pytest.raises(InputEncodingError, match=message):
        encode_inputs(value, where="c:s")


def test_yaml_date_reaches_the_encoding_check(scenarios) -> None:
    scenarios("c8", "default:\n  vars: {expires: 2024-01-01}\n")
    with pytest.raises(InputEncodingError, match=r"c8:default: vars.expires is a date"):
        load_scenario("c8").tfvars_json()


def test_deep_merge_does_not_mutate() -> None:
    base = {"a": {"b": 1}}
    merged = deep_merge(base, {"a": {"c": 2}})
    assert base == {"a": {"b": 1}} and merged == {"a": {"b": 1, "c": 2}}


def test_expect_failures_is_read_and_not_inherited(scenarios) -> None:
    scenarios(
        "c8",
        "default:\n  vars: {a: 1}\n"
        "bad:\n  extends: default\n  expect_failures: [var.a, aws_s3_bucket.logs]\n"
        "  vars: {a: 2}\n"
        "fixed:\n  extends: bad\n  vars: {a: 3}\n",
    )
    assert load_scenario("c8", "bad").expect_failures == ("var.a", "aws_s3_bucket.logs")
    assert load_scenario("c8", "bad").expects_rejection
    assert load_scenario("c8", "fixed").expect_failures == ()
    assert not load_scenario("c8").expects_rejection


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("var.a", "`expect_failures` must be a list of rules, or a mapping of rule to its message"),
        ("[var.a, 3]", "`expect_failures` must be a list of rules, or a mapping"),
        ("[retention]", "names 'retention', which is not a rule: use var.<name>"),
        ("[var..a]", "names 'var..a', which is not a rule"),
    ],
)
def test_malformed_expect_failures_is_refused(scenarios, value: str, says: str) -> None:
    scenarios("c9", f"default:\n  expect_failures: {value}\n  vars: {{}}\n")
    with pytest.raises(ScenarioFileError) as raised:
        load_scenario("c9")
    assert says in str(raised.value)


def test_check_blocks_cannot_be_expected_failures(scenarios) -> None:
    scenarios("c10", "default:\n  expect_failures: [check.retention]\n  vars: {}\n")
    with pytest.raises(
        ScenarioFileError, match=r"a failed check block is a warning.*`expect_warnings`"
    ):
        load_scenario("c10")


# The contract in the file: messages, warnings, inventories ------------------------------------

FORMS = """
default:
  vars: {region: us-east-1}
refused:
  extends: default
  expect_failures:
    var.exact: The exact text.
    var.part: {contains: lowercase}
    var.pattern: {matches: 'region .* is not allowed'}
    aws_kms_key.this: {summary: 'expected deletion_window_in_days to be in the range (7 - 30), got 3'}
    var.only: ~
    var.twice: [first message, {contains: second}]
listed:
  extends: default
  expect_failures: [var.a, var.b]
warned:
  extends: default
  expect_warnings:
    check.retention: {contains: 90 days}
"""


def test_expect_failures_maps_each_rule_to_its_messages(scenarios) -> None:
    scenarios("c8", FORMS)
    refused = load_scenario("c8", "refused")
    assert refused.expect_failures == (
        "var.exact",
        "var.part",
        "var.pattern",
        "aws_kms_key.this",
        "var.only",
        "var.twice",
    )
    messages = {
        rule: [e.as_kwargs() for e in found] for rule, found in refused.failure_messages.items()
    }
    assert messages == {
        "var.exact": [{"message": "The exact text."}],
        "var.part": [{"contains": "lowercase"}],
        "var.pattern": [{"matches": "region .* is not allowed"}],
        "aws_kms_key.this": [
            {"summary": "expected deletion_window_in_days to be in the range (7 - 30), got 3"}
        ],
        "var.only": [],
        "var.twice": [{"message": "first message"}, {"contains": "second"}],
    }
    listed = load_scenario("c8", "listed")
    assert listed.failure_messages == {"var.a": (), "var.b": ()}
    warned = load_scenario("c8", "warned")
    assert not warned.expect_failures
    assert [e.as_kwargs() for e in warned.expect_warnings["check.retention"]] == [
        {"contains": "90 days"}
    ]


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("expect_failures: {var.x: {starts: x}}", "cannot read {'starts': 'x'} as a message"),
        ("expect_failures: {var.x: {matches: '(unclosed'}}", "not a valid regular expression"),
        ("expect_failures: {var.x: 3}", "cannot read 3 as a message"),
        ("expect_failures: {not a rule: text}", "'not a rule', which is not a rule"),
        ("expect_failures: {check.c: text}", "declare it in `expect_warnings` instead"),
        ("expect_failures: var.x", "`expect_failures` must be a list of rules, or a mapping"),
        ("expect_warnings: {var.x: text}", "`expect_warnings` takes check blocks"),
        (
            "expect_failures: [var.x]\n  expect_warnings: [check.c]",
            "a refused plan reports no check results",
        ),
        ("expect: [aws_s3_bucket.this]", "`expect` must map resource addresses"),
        ("expect_failures: [var.x]\n  expect: {aws_s3_bucket.this: {}}", "`expect` belongs"),
    ],
)
def test_a_malformed_declaration_says_what_to_write(scenarios, body: str, says: str) -> None:
    scenarios("c9", f"default:\n  vars: {{}}\nbad:\n  {body}\n")
    with pytest.raises(ScenarioFileError) as raised:
        load_scenario("c9", "bad")
    assert "c9.yaml: scenario 'bad'" in str(raised.value)
    assert says in str(raised.value)


def _diagnostic(rule: str, message: str, summary: str = "Invalid value for variable"):
    from tfharness.terraform.diagnostics import Diagnostic

    return Diagnostic("error", summary, message, "validation", rule)


def test_assert_declared_checks_every_message_and_nothing_else(scenarios) -> None:
    from tfharness.terraform.diagnostics import Rejection

    scenarios("c10", FORMS)
    declared = load_scenario("c10", "refused").failure_messages
    fired = [
        _diagnostic("var.exact", "The exact text."),
        _diagnostic("var.part", "name must be lowercase letters"),
        _diagnostic("var.pattern", "region eu-north-9 is not allowed"),
        _diagnostic(
            "aws_kms_key.this",
            "with aws_kms_key.this",
            "expected deletion_window_in_days to be in the range (7 - 30), got 3",
        ),
        _diagnostic("var.only", "anything"),
        _diagnostic("var.twice", "first message"),
        _diagnostic("var.twice", "the second one"),
    ]
    Rejection("c10:refused", fired).assert_declared(declared)

    wrong = [*fired[:2], _diagnostic("var.pattern", "region x is allowed"), *fired[3:]]
    with pytest.raises(AssertionError) as raised:
        Rejection("c10:refused", wrong).assert_declared(declared)
    assert "var.pattern: message: got ['region x is allowed'], expected matching" in str(
        raised.value
    )

    with pytest.raises(AssertionError) as raised:
        Rejection("c10:refused", fired[:-1]).assert_declared(declared)  # "second" never said
    assert "var.twice: message: got ['first message'], expected containing 'second'" in str(
        raised.value
    )

    with pytest.raises(AssertionError) as raised:
        Rejection("c10:refused", [*fired, _diagnostic("var.extra", "x")]).assert_declared(declared)
    assert "expected only" in str(raised.value) and "var.extra" in str(raised.value)
