"""Every rule of a first-party component or shared module is fired by some scenario.

A validation, precondition, postcondition, output precondition or check assertion that no
scenario breaks has never been seen to fire: an inverted condition or a stale message would
pass every other test. This test plans the component's scenarios (shared with the other
tests; for a shared module also its callers' scenarios that declare a rule inside a module
call, which fire its rules through the call: ``coverage.firing_scenarios``, batched, so a
``--shard`` job plans few of another job's) and names each rule none of them fires, by file
and line (``tfharness.planning.coverage``).
A rule no scenario can fire is marked where it is written (``# tfharness: unfireable: <why>``).
"""

from __future__ import annotations

import pytest

from tfharness.planning.coverage import Coverage, covered_components, firing_scenarios
from tfharness.planning.planner import Planner

pytestmark = pytest.mark.unit

COMPONENTS = [c.name for c in covered_components()]


@pytest.mark.parametrize("component", COMPONENTS)
def test_every_rule_is_fired_by_a_scenario(planner: Planner, component: str) -> None:
    pairs = firing_scenarios(component)
    missing = set(pairs) - set(planner.planned())
    if missing:  # in one batch, and only these (not every scenario of each caller)
        planner.plan_components(sorted({name for name, _ in missing}), only=missing)
    outcomes = {pair: planner.outcome(*pair) for pair in pairs}
    problems = Coverage.build([component], outcomes).problems(component)
    if problems:
        listing = "\n".join(f"  {p}" for p in problems)
        pytest.fail(f"{component}: {len(problems)} rule(s) not covered:\n{listing}", pytrace=False)
