"""Every scenario ends the way its file says: a clean plan, or refused by exactly the rules in
its `expect_failures` with the messages it lists (the contract of `expect_failures` in
`terraform test`, with the messages kept beside it); a clean plan fails exactly the checks in
its `expect_warnings`, and builds what its inventory (`expect:`) says.

The planner schedules on these declarations, so a stale one would cost speed; this test makes
it cost a red build instead, naming the scenario and the rules that actually fired.
"""

from __future__ import annotations

import pytest

from tfharness.planning.components import all_plannable
from tfharness.planning.inventory import differences
from tfharness.planning.planner import Planner
from tfharness.planning.scenarios import load_scenario, scenario_file, scenario_names_or_default
from tfharness.terraform.diagnostics import Rejection

pytestmark = pytest.mark.unit

CASES = [(c.name, s) for c in all_plannable() for s in scenario_names_or_default(c.name)]


def _has_inventory(component: str, scenario: str) -> bool:
    try:
        return load_scenario(component, scenario).inventory is not None
    except Exception:  # a broken file fails test_scenario_ends_as_declared, with the reason
        return False


# Every `default` (so `--update-inventory` gives each one) and every scenario that has one.
INVENTORIES = [
    (c, s) for c, s in CASES if s == "default" or (":" not in s and _has_inventory(c, s))
]


@pytest.mark.parametrize(("component", "scenario"), CASES, ids=[f"{c}:{s}" for c, s in CASES])
def test_scenario_ends_as_declared(planner: Planner, component: str, scenario: str) -> None:
    declared = load_scenario(component, scenario)
    outcome = planner.outcome(component, scenario)
    where = f"tests/scenarios/{component}.yaml: {scenario}"
    if not declared.expect_failures:
        assert not isinstance(outcome, Rejection), (
            f"{where}: Terraform refused it by {sorted({str(r) for r in outcome.rules})}; "
            "fix the inputs, or declare the refusal with `expect_failures: [...]`:\n"
            + "\n".join(f"  - {d}" for d in outcome.errors)
        )
        warned = Rejection(where, outcome.warnings)
        checks = sorted({d.rule for d in outcome.warnings if d.kind == "check" and d.rule})
        assert checks == sorted(declared.expect_warnings), (
            f"{where}: failed checks {checks}, but the file declares "
            f"expect_warnings {sorted(declared.expect_warnings)}:\n"
            + "\n".join(f"  - {d}" for d in outcome.warnings)
        )
        for rule, expectations in declared.expect_warnings.items():
            for expected in expectations:
                warned.assert_rule(rule, **expected.as_kwargs())
        return
    assert isinstance(outcome, Rejection), (
        f"{where}: declares expect_failures {list(declared.expect_failures)}, but it planned "
        f"cleanly ({len(outcome.managed)} resources): the rule no longer fires."
    )
    outcome.assert_declared(declared.failure_messages)


@pytest.mark.parametrize(
    ("component", "scenario"), INVENTORIES, ids=[f"{c}:{s}" for c, s in INVENTORIES]
)
def test_plan_matches_inventory(
    planner: Planner, update_inventory, component: str, scenario: str
) -> None:
    declared = load_scenario(component, scenario)
    if declared.expect_failures:
        pytest.skip(f"{component}:{scenario} is refused by design: it has no resources")
    plan = planner.plan(component, scenario)
    if update_inventory is not None:
        update_inventory(declared, plan)
        return
    if declared.inventory is None:
        pytest.skip(
            f"{scenario_file(component)}: {scenario} has no inventory; "
            "`pytest --update-inventory` writes one"
        )
    problems = differences(plan, declared.inventory)
    assert not problems, (
        f"{scenario_file(component)}: {scenario}: the plan differs from its inventory "
        "(`expect:`); if the change is intended, run `pytest --update-inventory` and review "
        "the diff:\n" + "\n".join(f"  - {p}" for p in problems)
    )
