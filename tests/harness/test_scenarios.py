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


@pytest.mark.parametrize("value", ["var.a", "[retention]", "[var.a, 3]", "[var..a]"])
def test_malformed_expect_failures_is_refused(scenarios, value: str) -> None:
    scenarios("c9", f"default:\n  expect_failures: {value}\n  vars: {{}}\n")
    with pytest.raises(
        ScenarioFileError, match=r"`expect_failures` must be a list of rules such as var.<name>"
    ):
        load_scenario("c9")


def test_check_blocks_cannot_be_expected_failures(scenarios) -> None:
    scenarios("c10", "default:\n  expect_failures: [check.retention]\n  vars: {}\n")
    with pytest.raises(
        ScenarioFileError, match=r"a failed check block is a warning.*plan.warnings"
    ):
        load_scenario("c10")
