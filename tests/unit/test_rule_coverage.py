"""Every rule of a first-party component or shared module is fired by some scenario.

A validation, precondition, postcondition, output precondition or check assertion that no
scenario breaks has never been seen to fire: an inverted condition or a stale message would
pass every other test. This test plans the component's scenarios (shared with the other
tests; a shared module's callers too, since their scenarios fire its rules through the call)
and names each rule none of them fires, by file and line (``tfharness.planning.coverage``).
A rule no scenario can fire is marked where it is written (``# tfharness: unfireable: <why>``).
"""

from __future__ import annotations

import pytest

from tfharness.planning.coverage import Coverage, covered_components, planned_with
from tfharness.planning.planner import Planner
from tfharness.planning.scenarios import scenario_names

pytestmark = pytest.mark.unit

COMPONENTS = [c.name for c in covered_components()]


@pytest.mark.parametrize("component", COMPONENTS)
def test_every_rule_is_fired_by_a_scenario(planner: Planner, component: str) -> None:
    outcomes = {
        (name, scenario): planner.outcome(name, scenario)
        for name in planned_with(component)
        for scenario in scenario_names(name)
    }
    problems = Coverage.build([component], outcomes).problems(component)
    if problems:
        listing = "\n".join(f"  {p}" for p in problems)
        pytest.fail(f"{component}: {len(problems)} rule(s) not covered:\n{listing}", pytrace=False)
