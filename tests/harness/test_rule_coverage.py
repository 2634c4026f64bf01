"""Rule coverage (`tfharness.planning.coverage`) on its fixture project, tests/harness/fixtures/
rules: a component with a rule of each kind, a variable with two validations, a rule no
scenario fires, one marked unfireable, and a shared module whose rule only its caller fires.
The sites are read without Terraform; the firings come from real plans of the scenarios."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tfharness.deploying.emulator import Endpoint
from tfharness.planning import cache
from tfharness.planning.components import find_component
from tfharness.planning.coverage import (
    Coverage,
    Firing,
    RuleSite,
    json_path_beside,
    session_coverage,
    sites_of,
)
from tfharness.planning.planner import Planner
from tfharness.planning.scenarios import Expected, Scenario, scenario_names
from tfharness.terraform.diagnostics import Diagnostic, Rejection

from .conftest import FIXTURES

pytestmark = pytest.mark.harness

RULES = FIXTURES / "rules"
GUARDED = RULES / "components" / "terraform" / "guarded"
BOUNDED = RULES / "modules" / "bounded"
LAYOUT = {
    "TFHARNESS_COMPONENTS_DIR": RULES / "components" / "terraform",
    "TFHARNESS_MODULES_DIR": RULES / "modules",
    "TFHARNESS_SCENARIOS_DIR": RULES / "tests" / "scenarios",
}


def line_of(path: Path, marker: str) -> int:
    """The line of the fixture that carries a marker comment (so the tests name no numbers)."""
    (number,) = [n for n, text in enumerate(path.read_text().splitlines(), 1) if marker in text]
    return number


@pytest.fixture
def rules_layout(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in LAYOUT.items():
        monkeypatch.setenv(name, str(value))


@pytest.fixture(scope="module")
def plan_cache() -> Path:
    """The session's plan cache (keyed by content, so the fixture project is planned once, not
    once a session); the summary test's session reads what the module's planner wrote."""
    return cache.cache_dir()


@pytest.fixture(scope="module")
def coverage(endpoint: Endpoint, tmp_path_factory, plan_cache: Path) -> Iterator[Coverage]:
    """Every scenario of the fixture project, planned for real, and the coverage they give."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in LAYOUT.items():
            patch.setenv(name, str(value))
        patch.setenv("TFHARNESS_PLAN_CACHE_DIR", str(plan_cache))
        planner = Planner(endpoint, root=tmp_path_factory.mktemp("rules"), jobs=2)
        outcomes = {
            (c, s): planner.outcome(c, s) for c in ("guarded", "bounded") for s in scenario_names(c)
        }
        yield Coverage.build(["guarded", "bounded"], outcomes)


def site(coverage: Coverage, rule: str, kind: str, index: int = 1) -> RuleSite:
    (found,) = [s for s in coverage.sites if (s.rule, s.kind, s.index) == (rule, kind, index)]
    return found


# Sites, read without Terraform -----------------------------------------------------------
def test_every_kind_is_found_at_the_lines_terraform_reports(rules_layout) -> None:
    main = GUARDED / "main.tf"

    def condition(kind: str) -> int:
        return line_of(main, f"{kind} condition")

    where = {(s.rule, s.ordinal): (s.file, s.start_line) for s in sites_of("guarded")}
    relative = "tests/harness/fixtures/rules/components/terraform/guarded/main.tf"
    assert where == {
        ("var.environment", "validation"): (relative.replace("main", "context"), 14),
        ("var.name", "validation"): (relative.replace("main", "context"), 24),
        # a validation is reported at its block's first line, the other kinds at `condition`,
        # which lies inside the block's lines
        ("var.retention_days", "validation 1 of 2"): (relative, line_of(main, "first validation")),
        ("var.retention_days", "validation 2 of 2"): (relative, line_of(main, "second valid")),
        ("var.mode", "validation"): (relative, line_of(main, "never fired")),
        # the nested block starts on the line above its condition
        ("terraform_data.settings", "precondition"): (relative, condition("precondition") - 1),
        ("terraform_data.settings", "postcondition"): (relative, condition("postcondition") - 1),
        ("terraform_data.created", "postcondition"): (
            relative,
            line_of(main, "tfharness: unfireable") - 1,
        ),
        ("check.label_style", "assertion"): (relative, condition("check") - 1),
        ("output.label", "output precondition"): (relative, condition("output") - 1),
    }
    for kind, rule in (
        ("precondition", "terraform_data.settings"),
        ("postcondition", "terraform_data.settings"),
        ("check", "check.label_style"),
        ("output", "output.label"),
    ):  # the lines Terraform reports them at
        found = [(s.kind, s.rule) for s in sites_of("guarded") if s.encloses(condition(kind))]
        assert found == [(kind, rule)]
    (module_site,) = sites_of("bounded")
    assert (module_site.rule, module_site.component, module_site.file) == (
        "var.size",
        "bounded",
        "tests/harness/fixtures/rules/modules/bounded/main.tf",
    )
    assert module_site.start_line == line_of(BOUNDED / "main.tf", "module validation")


def test_error_messages_are_kept_as_written(rules_layout) -> None:
    messages = {s.ordinal + " " + s.rule: s.error_message for s in sites_of("guarded")}
    assert messages["validation 2 of 2 var.retention_days"] == (
        "retention_days must be at most 365, got ${var.retention_days}."
    )
    assert messages["precondition terraform_data.settings"] == 'label must not be \\"pre\\".'


def test_an_apply_only_marker_exempts_the_rule_with_its_reason(rules_layout) -> None:
    exempt = {s.rule: s.exemption for s in sites_of("guarded") if s.exemption is not None}
    assert exempt == {"terraform_data.created": "the id exists only once the resource is created"}


def test_json_validations_are_read_at_their_key_and_told_apart_by_message(tmp_path) -> None:
    module = tmp_path / "jsonmod"
    module.mkdir()
    (module / "variables.tf.json").write_text(
        json.dumps(
            {
                "variable": {
                    "name": {
                        "type": "string",
                        "validation": [
                            {"condition": "${length(var.name) > 2}", "error_message": "too short"},
                            {"condition": "${length(var.name) < 9}", "error_message": "too long"},
                        ],
                    }
                }
            },
            indent=2,
        )
    )
    component = find_component(module)
    sites = sites_of(component)
    key_line = line_of(module / "variables.tf.json", '"validation"')
    assert [(s.ordinal, s.start_line, s.end_line) for s in sites] == [
        ("validation 1 of 2", key_line, None),
        ("validation 2 of 2", key_line, None),
    ]
    # Terraform reports both at the key's line; the message says which one fired
    fired = Diagnostic(
        "error", "Invalid value for variable", "too long", "validation", "var.name",
        "variables.tf.json", key_line,
    )  # fmt: skip
    coverage = Coverage.build(
        [component],
        {("jsonmod", "long"): Rejection("jsonmod:long", [fired])},
        scenarios=lambda c, s: Scenario(c, s, {}),
    )
    assert [coverage.fired_by(s) for s in sites] == [[], ["jsonmod:long"]]


# Firings, from real plans ----------------------------------------------------------------
def test_each_validation_of_a_variable_is_credited_to_itself(coverage: Coverage) -> None:
    first = site(coverage, "var.retention_days", "validation", 1)
    second = site(coverage, "var.retention_days", "validation", 2)
    assert coverage.fired_by(first) == ["guarded:too_short"]
    assert coverage.fired_by(second) == ["guarded:too_long"]


def test_a_resources_precondition_and_postcondition_are_told_apart(coverage: Coverage) -> None:
    assert coverage.fired_by(site(coverage, "terraform_data.settings", "precondition")) == [
        "guarded:pre"
    ]
    assert coverage.fired_by(site(coverage, "terraform_data.settings", "postcondition")) == [
        "guarded:post"
    ]
    assert coverage.fired_by(site(coverage, "output.label", "output")) == ["guarded:out"]
    assert coverage.fired_by(site(coverage, "check.label_style", "check")) == ["guarded:warn"]


def test_a_module_rule_fired_through_its_caller_credits_the_module(coverage: Coverage) -> None:
    module_site = site(coverage, "var.size", "validation")
    assert module_site.component == "bounded"
    assert coverage.fired_by(module_site) == ["guarded:too_big"]
    (firing,) = coverage.firings[module_site]
    assert firing.rule == "module.bounded.var.size"  # as the caller's scenario declares it
    assert coverage.totals("bounded").uncovered == 0
    assert coverage.unmatched == ()


def test_a_message_counts_as_asserted_only_when_a_declared_message_accepts_it(
    coverage: Coverage,
) -> None:
    asserted = {(s.rule, s.index): coverage.message_asserted(s) for s in coverage.sites}
    assert asserted[("var.retention_days", 1)] is True  # exact message declared
    assert asserted[("var.retention_days", 2)] is False  # `expect_failures: [rule]` only
    assert asserted[("check.label_style", 1)] is True  # expect_warnings {contains: ...}
    assert asserted[("var.size", 1)] is True  # declared as module.bounded.var.size
    assert asserted[("var.mode", 1)] is False  # never fired


def test_a_declared_message_that_does_not_match_is_not_asserted(tmp_path) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "main.tf").write_text(
        'variable "x" {\n  type = number\n  validation {\n    condition     = var.x > 0\n'
        '    error_message = "x must be positive."\n  }\n}\n'
    )
    component = find_component(tmp_path / "m")
    fired = Diagnostic(
        "error", "Invalid value for variable", "x must be positive.", "validation", "var.x",
        "main.tf", 3,
    )  # fmt: skip
    outcomes = {("m", "bad"): Rejection("m:bad", [fired])}

    def declaring(*expected: Expected):
        return lambda c, s: Scenario(c, s, {}, "", ("var.x",), {"var.x": expected})

    for expected, asserted in (
        ((Expected(message="x must be positive."),), True),
        ((Expected(contains="something else"),), False),
        ((Expected(summary="Invalid value for variable"),), False),  # the kind, not the message
        ((), False),
    ):
        coverage = Coverage.build([component], outcomes, declaring(*expected))
        (only,) = coverage.sites
        assert coverage.fired_by(only) == ["m:bad"]
        assert coverage.message_asserted(only) is asserted, expected


def test_an_unfired_rule_is_a_problem_that_says_what_to_do(coverage: Coverage) -> None:
    problems = coverage.problems("guarded")
    main = "tests/harness/fixtures/rules/components/terraform/guarded/main.tf"
    assert problems == [
        f"{main}:{line_of(GUARDED / 'main.tf', 'never fired')}: var.mode (validation): no "
        'scenario fires it: add a scenario that breaks only this rule (CONTRIBUTING.md "Negative '
        'scenarios") and declare it in expect_failures'
    ]
    totals = coverage.totals("guarded")
    assert (totals.rules, totals.fired, totals.uncovered, totals.exempt) == (10, 8, 1, 1)


def test_a_marker_on_a_fired_rule_or_without_reason_is_a_problem() -> None:
    fired = RuleSite("c", "validation", "var.a", 1, 1, "c/main.tf", 3, 6, "a", "why not")
    silent = RuleSite("c", "validation", "var.b", 1, 1, "c/main.tf", 9, 12, "b", "")
    firing = Firing("c:bad", "var.a", "a", False)
    problems = Coverage([fired, silent], {fired: [firing]}).problems()
    assert problems == [
        "c/main.tf:3: var.a (validation): marked `tfharness: unfireable`, but c:bad fires it "
        "at plan: remove the marker",
        "c/main.tf:9: var.b (validation): marked `tfharness: unfireable` without a reason: say "
        "after the marker why no plan can fire it",
    ]


def test_the_json_form(coverage: Coverage) -> None:
    data = json.loads(json.dumps(coverage.to_json()))
    assert set(data) == {"version", "total", "components", "left_out", "unmatched"}
    assert data["total"] == {
        "rules": 11,
        "fired": 9,
        "uncovered": 1,
        "exempt": 1,
        "messages_asserted": 8,
    }
    assert sorted(data["components"]) == ["bounded", "guarded"]
    (module_site,) = data["components"]["bounded"]["sites"]
    assert module_site == {
        "rule": "var.size",
        "kind": "validation",
        "ordinal": "validation",
        "index": 1,
        "count": 1,
        "file": "tests/harness/fixtures/rules/modules/bounded/main.tf",
        "start_line": line_of(BOUNDED / "main.tf", "module validation"),
        "end_line": line_of(BOUNDED / "main.tf", "module validation") + 3,
        "error_message": "size must be at most 10.",
        "fired_by": ["guarded:too_big"],
        "message_asserted": True,
        "exempt": None,
    }


def test_a_session_leaves_out_what_it_planned_in_part(
    endpoint: Endpoint, tmp_path, plan_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in LAYOUT.items():
        monkeypatch.setenv(name, str(value))
    monkeypatch.setenv("TFHARNESS_PLAN_CACHE_DIR", str(plan_cache))  # planned above: cache hits
    planner = Planner(endpoint, root=tmp_path, jobs=2)
    planner.expect(["guarded", "bounded"])
    planner.outcome("guarded", "default")  # plans (here: loads) every scenario of both
    everything = planner.planned()
    assert session_coverage(everything).left_out == {}
    partial = {k: v for k, v in everything.items() if k != ("guarded", "too_big")}
    left = session_coverage(partial)
    assert left.left_out == {
        "guarded": "not every scenario was planned",
        "bounded": "callers not planned in full: guarded",
    }
    assert left.components() == []
    without_module = {k: v for k, v in everything.items() if k[0] != "bounded"}
    alone = session_coverage(without_module)  # not planned at all: not mentioned
    assert (alone.left_out, alone.components()) == ({}, ["guarded"])


# The summary -------------------------------------------------------------------------------
SESSION_TEST = """
import pytest
from tfharness.planning.scenarios import scenario_names

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("component", ["guarded", "bounded"])
def test_plans(planner, component):
    for scenario in scenario_names(component):
        planner.outcome(component, scenario)
"""


@pytest.mark.inner_session
def test_the_summary_prints_the_table_and_writes_the_json(
    coverage: Coverage, tmp_path: Path, plan_cache: Path
) -> None:
    project = tmp_path / "project"
    shutil.copytree(RULES, project)
    (project / "pytest.ini").write_text("[pytest]\nmarkers =\n    unit: plan-only\n")
    (project / "tests" / "test_plans.py").write_text(SESSION_TEST)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TFHARNESS_COMPONENTS", "TFHARNESS_SCENARIOS", "TFHARNESS_MODULES"))
        and k not in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS", "PYTHONPATH")
    }
    env["TFHARNESS_PLAN_CACHE_DIR"] = str(plan_cache)  # the module's plans: no Terraform run
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests", "--junitxml",
         "build/junit-unit.xml"],
        cwd=project, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    section = out[out.index("tfharness: rule coverage") :]
    rows = {line.split()[0]: line.split()[1:] for line in section.splitlines()[1:8] if line}
    assert rows["guarded"] == ["10", "8", "1", "1", "7"], section
    assert rows["bounded"] == ["1", "1", "0", "0", "1"], section
    assert rows["total"] == ["11", "9", "1", "1", "8"], section
    written = project / "build" / "rule-coverage-unit.json"
    assert f"rule coverage written to {written}" in section
    data = json.loads(written.read_text())
    assert data["total"]["uncovered"] == 1
    assert data["components"]["bounded"]["sites"][0]["file"] == "modules/bounded/main.tf"


def test_the_json_is_named_after_the_junit_report() -> None:
    assert json_path_beside("build/junit-plan.xml") == Path("build/rule-coverage-plan.json")
    assert json_path_beside("out/junit.xml") == Path("out/rule-coverage.json")
    assert json_path_beside("report.xml") == Path("rule-coverage-report.json")
