"""Real plans of the tiny fixture component: isolation, shared init, outcomes by kind."""

from __future__ import annotations

import pytest

from tfharness.errors import (
    ScenarioFileError,
    UnexpectedPlanFailure,
    UnexpectedPlanSuccess,
    UnknownComponent,
    UnknownScenario,
)
from tfharness.planning.components import find_component
from tfharness.planning.planner import Planner
from tfharness.planning.scenarios import Scenario
from tfharness.terraform.diagnostics import Rejection

from .conftest import TINY

pytestmark = pytest.mark.harness


def snapshot(path):
    return sorted((p.relative_to(path), p.stat().st_mtime_ns) for p in path.rglob("*"))


@pytest.fixture(scope="module")
def before():
    return snapshot(TINY)


def test_default_plans_cleanly(before, tiny_planner: Planner, fixture_catalog) -> None:
    plan = tiny_planner.plan("tiny")
    assert plan.one("aws_kms_key")["enable_key_rotation"] is True
    plan.assert_absent("aws_sns_topic")
    assert plan.variables["environment"] == "dev"


def test_toggle_adds_the_topic(tiny_planner: Planner, fixture_catalog) -> None:
    plan = tiny_planner.plan("tiny", "with_topic")
    plan.assert_actions("aws_sns_topic.this[0]", "create")
    plan.assert_unknown("aws_sns_topic.this[0]", "kms_master_key_id")


def test_negative_scenarios_name_the_rule(tiny_planner: Planner, fixture_catalog) -> None:
    tiny_planner.rejection("tiny", "bad_retention").assert_rule(
        "var.retention_days", "retention_days must be one of 1, 7, 30, 90 or 365."
    )
    tiny_planner.rejection("tiny", "prod_topic_without_name").assert_rule(
        "aws_sns_topic.this", "A prod topic needs a display name: set topic_display_name."
    )


def test_check_blocks_surface_as_plan_warnings(tiny_planner: Planner, fixture_catalog) -> None:
    plan = tiny_planner.plan("tiny", "prod_short_retention")
    assert [w.rule for w in plan.warnings] == ["check.retention_in_prod"]


def test_outcome_of_the_wrong_kind_raises_typed_errors(
    tiny_planner: Planner, fixture_catalog
) -> None:
    with pytest.raises(UnexpectedPlanFailure) as failure:
        tiny_planner.plan("tiny", "bad_retention")
    assert "retention_days must be one of" in str(failure.value)
    assert failure.value.diagnostics
    with pytest.raises(UnexpectedPlanSuccess, match="planned 2 resources cleanly"):
        tiny_planner.rejection("tiny", "default")


@pytest.mark.runs_terraform
def test_init_is_not_repeated_per_scenario(planned_tiny: Planner, fixture_catalog) -> None:
    planned_tiny.plan("tiny")
    scenarios = len(planned_tiny.planned())
    phases = planned_tiny.timings.by_phase()
    inits, gets, plans = phases["init"], phases.get("get", []), phases["plan"]
    assert scenarios == 6
    # One init for the session, ahead of the batches; every batch (three here: clean plans,
    # validations, later rules) links its providers and records its modules (no `get`). Not
    # one per scenario.
    assert len(inits) == 1 and not gets and planned_tiny._batches < scenarios, (
        len(inits),
        len(gets),
        planned_tiny._batches,
    )
    assert len(plans) < scenarios, "scenarios share Terraform runs"


def test_every_scenario_is_planned_once(tiny_planner: Planner, fixture_catalog) -> None:
    first = tiny_planner.outcome("tiny", "default")
    assert tiny_planner.outcome("tiny", "default") is first
    assert isinstance(tiny_planner.outcome("tiny", "two_rules"), Rejection)


@pytest.mark.runs_terraform
def test_nothing_is_written_into_the_component(
    before, planned_tiny: Planner, fixture_catalog
) -> None:
    planned_tiny.plan("tiny")
    assert snapshot(TINY) == before
    assert not (TINY / ".terraform").exists()


@pytest.mark.runs_terraform
def test_undeclared_input_is_an_error(tiny_planner: Planner, fixture_catalog) -> None:
    scenario = Scenario(
        "tiny",
        "typo",
        {"region": "us-east-1", "environment": "dev", "name": "tiny", "retention_dayz": 7},
    )
    workspace = tiny_planner.workspace(scenario)
    with pytest.raises(ScenarioFileError, match=r'does not declare.*"retention_dayz"'):
        workspace.try_plan()


def test_unknown_component_lists_the_known(tiny_planner: Planner, fixture_catalog) -> None:
    with pytest.raises(UnknownComponent, match=r"unknown component 'vcp'.*Known components: tiny"):
        find_component("vcp")


def test_unknown_scenario_lists_the_known(tiny_planner: Planner, fixture_catalog) -> None:
    with pytest.raises(UnknownScenario, match=r"no scenario 'prdo'.*default, with_topic"):
        tiny_planner.plan("tiny", "prdo")


@pytest.mark.runs_terraform  # the workspace's terraform init
def test_unknown_plan_options_are_rejected(tiny_planner: Planner, fixture_catalog) -> None:
    workspace = tiny_planner.workspace(
        Scenario("tiny", "opts", {"region": "us-east-1", "environment": "dev", "name": "tiny"})
    )
    with pytest.raises(TypeError, match=r"unknown plan options \['refrsh'\]"):
        workspace.try_plan(refrsh=False)
