"""Every scenario ends the way its file says: a clean plan, or refused by exactly the rules in
its `expect_failures` (the same contract as `expect_failures` in `terraform test`).

The planner schedules on these declarations, so a stale one would cost speed; this test makes
it cost a red build instead, naming the scenario and the rules that actually fired.
"""

from __future__ import annotations

import pytest

from tfharness.planning.components import all_plannable
from tfharness.planning.planner import Planner
from tfharness.planning.scenarios import load_scenario, scenario_names_or_default
from tfharness.terraform.diagnostics import Rejection

pytestmark = pytest.mark.unit

CASES = [(c.name, s) for c in all_plannable() for s in scenario_names_or_default(c.name)]


@pytest.mark.parametrize(("component", "scenario"), CASES, ids=[f"{c}:{s}" for c, s in CASES])
def test_scenario_ends_as_declared(planner: Planner, component: str, scenario: str) -> None:
    declared = load_scenario(component, scenario).expect_failures
    outcome = planner.outcome(component, scenario)
    where = f"tests/scenarios/{component}.yaml: {scenario}"
    if not declared:
        assert not isinstance(outcome, Rejection), (
            f"{where}: Terraform refused it by {sorted({str(r) for r in outcome.rules})}; "
            "fix the inputs, or declare the refusal with `expect_failures: [...]`:\n"
            + "\n".join(f"  - {d}" for d in outcome.errors)
        )
        return
    assert isinstance(outcome, Rejection), (
        f"{where}: declares expect_failures {list(declared)}, but it planned cleanly "
        f"({len(outcome.managed)} resources): the rule no longer fires."
    )
    outcome.assert_only(*declared)
