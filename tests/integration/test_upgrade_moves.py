"""No destroy on upgrade: a stack deployed from the commit before the shared modules, planned
with today's code, shows moves and in-place updates only (issue 17).

For every component whose files (or the shared modules it calls) changed since BASE, its
integration scenario is applied as it was at BASE (code and scenario file from git), then
today's code is planned on that state (`tfharness.deploying.upgrade`). Any create, destroy or
replace fails the component's test with the addresses: the `moved` block it lacks. The
proofs run concurrently, each on a moto server of its own (an old stack has the fleet's names
and the other proofs' dependencies' names); each old deployment is destroyed from its own state
at the end.

BASE is the last commit before the components were moved onto `modules/`; point
TFHARNESS_UPGRADE_BASE at another commit to prove a later refactor. The integration tier on
LocalStack leaves this file out (`-m "not upgrade"`): the proof is the same on any target.
"""

from __future__ import annotations

import ast
import os
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tfharness.deploying.capabilities import missing_reason
from tfharness.deploying.deployment import Deployment
from tfharness.deploying.emulator import MotoServer
from tfharness.deploying.runs import Run
from tfharness.deploying.upgrade import Upgrade, changed_since, has_revision
from tfharness.planning.components import all_components, find_component
from tfharness.planning.scenarios import load_scenario
from tfharness.plugin.integration import integration_scenario
from tfharness.terraform.timings import Timings
from tfharness.terraform.toolchain import cli_config
from tfharness.terraform.workspace import Template

pytestmark = [pytest.mark.integration, pytest.mark.upgrade]

BASE = os.environ.get("TFHARNESS_UPGRADE_BASE", "6736cad8c521501a3c63c50cf8acf5554e81d3dd")
HERE = Path(__file__).parent

# Resources the upgrade adds on purpose (nothing is destroyed or replaced for them), each with
# why. Anything else the plan would create fails the component's test.
ADDED = {
    "vpc": {
        "module.flow_logs_alarm_topic[0].aws_sns_topic_policy.this": "the alarm topic gains the "
        "shared topic policy (CloudWatch publishes from the flow-log alarms of this account "
        "only; no plain-HTTP publishing)",
    },
    "eks-backend-services": {
        'module.topic["orders.order-placed"].aws_sns_topic_policy.this': "the topic gains the "
        "shared topic policy (no plain-HTTP publishing)",
    },
    "securitygroup": {
        "module.alarm_topic[0].aws_sns_topic_policy.this": "the alarm topic gains the shared "
        "topic policy (CloudWatch publishes for this account only; no plain-HTTP publishing)",
    },
}
COMPONENTS = [c.name for c in all_components() if (HERE / f"test_{c.module_name}.py").is_file()]
# Scenarios proven beside each component's integration scenario: features it leaves off that
# hold resources the refactor moved (vpc's S3 archive, key and topic in prod).
MORE_SCENARIOS = {"vpc": ["prod"]}
# Inputs set on top of a case's scenario, where the feature is off in every scenario the
# emulator can apply (apigateway's account CloudWatch role: rest_full also needs a WAF ACL and
# a certificate that moto does not hold).
MORE_VARS = {("apigateway", "integration"): {"create_cloudwatch_role": True}}
CASES = [
    (c, s)
    for c in COMPONENTS
    for s in dict.fromkeys([integration_scenario(c), *MORE_SCENARIOS.get(c, [])])
]


def managed_addresses(module: dict) -> set[str]:
    """Every managed resource instance of a `terraform show -json` module, child modules too."""
    own = {r["address"] for r in module.get("resources", []) if r.get("mode") == "managed"}
    return own.union(*(managed_addresses(child) for child in module.get("child_modules", [])))


def needs_of(component: str) -> list[str]:
    """The capabilities the component's own integration tests need (their module-level
    `requires` marker): without them the component cannot be applied here at all."""
    source = (HERE / f"test_{find_component(component).module_name}.py").read_text()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets
        ):
            return [
                arg.value
                for call in ast.walk(node.value)
                if isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == "requires"
                for arg in call.args
                if isinstance(arg, ast.Constant)
            ]
    return []


@pytest.fixture(scope="module")
def upgrades(request, integration_run, fleet_wiring, capabilities, target_kind):
    """component -> entered Upgrade, or the reason it was not tried, or the error it raised
    (for the components whose tests were selected).

    Each proof runs on a moto server of its own: an old stack carries the same names as the
    fleet's (today's code, same scenarios) and as the other proofs' dependencies, which one
    account cannot hold twice. A wired dependency (vpc for rds) is applied there from today's
    code first.
    """
    if target_kind != "moto":
        pytest.skip(f"the upgrade proof runs on the embedded moto, not on {target_kind}")
    if not has_revision(BASE):
        pytest.skip(f"{BASE} is not in this clone's history (git fetch --unshallow)")
    selected = [
        (item.callspec.params["component"], item.callspec.params["scenario"])
        for item in request.session.items
        if getattr(item, "originalname", None) == test_upgrade_from_base_moves_only.__name__
    ]
    results: dict[tuple[str, str], object] = {}
    todo = []
    for case in selected:
        name = case[0]
        if not changed_since(BASE, find_component(name)):
            results[case] = f"{name} has not changed since {BASE[:12]}"
        elif reason := missing_reason(capabilities, needs_of(name)):
            results[case] = f"{name} cannot be applied here: {reason}"
        else:
            todo.append(case)
    if not todo:
        yield results
        return
    work = Path(tempfile.mkdtemp(prefix="upgrade-", dir=integration_run.root))
    timings = Timings()
    teardown: list[object] = []  # in the order to undo: upgrades, then their dependencies
    servers: list[MotoServer] = []
    lock = threading.Lock()
    errors: list[str] = []

    def prove(case: tuple[str, str]) -> None:
        name, scenario = case
        here = work / f"{name}-{scenario}"
        # Its own state directories too (deployments are keyed by scenario: vpc:integration is
        # applied as a dependency in several proofs); the session's run ID tags everything.
        run = Run(run_id=integration_run.run_id, root=here / "run")
        try:
            with lock:  # one start at a time: a free port is free until a server binds it
                server = MotoServer(log_dir=here)
                servers.append(server)
                endpoint = server.start()
            env = {**cli_config().env(), **endpoint.env()}
            applied: dict[str, Deployment] = {}

            def outputs_of(reference: str) -> object:
                dependency, output = reference.split(".", 1)
                if dependency not in applied:  # today's code, in this proof's own moto
                    wiring = fleet_wiring.get(dependency, {})
                    deployment = Deployment(
                        Template(find_component(dependency), here / "deps", env, timings),
                        load_scenario(dependency, integration_scenario(dependency)),
                        run,
                        env=env,
                        extra_vars={k: outputs_of(v) for k, v in wiring.items()},
                    )
                    applied[dependency] = deployment.__enter__()
                    with lock:
                        teardown.append(deployment)
                return applied[dependency].outputs[output]

            inputs = {k: outputs_of(v) for k, v in fleet_wiring.get(name, {}).items()}
            inputs |= MORE_VARS.get(case, {})
            upgrade = Upgrade(name, scenario, BASE, run, env=env, extra_vars=inputs, work=here)
            results[case] = upgrade.__enter__()
            with lock:
                teardown.append(upgrade)
        except Exception as error:  # reported by the component's test
            results[case] = error

    def undo(thing) -> None:
        try:
            thing.__exit__(None, None, None)
        except Exception as error:
            errors.append(str(error))

    try:
        # Each proof runs a moto of its own: more than 4 at once on 2 cores slows moto until
        # the provider's calls time out and their retries meet the first attempt's resource.
        jobs = min(int(os.environ.get("TFHARNESS_APPLY_JOBS", "8")), 4)
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(prove, todo))
        yield results
    finally:
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(undo, [t for t in teardown if isinstance(t, Upgrade)]))
        for deployment in reversed([t for t in teardown if not isinstance(t, Upgrade)]):
            undo(deployment)
        for server in servers:
            server.stop()
        if errors:
            pytest.fail("upgrade teardown failed:\n" + "\n".join(errors), pytrace=False)


@pytest.mark.parametrize(("component", "scenario"), CASES, ids=[f"{c}:{s}" for c, s in CASES])
def test_upgrade_from_base_moves_only(upgrades, component: str, scenario: str) -> None:
    result = upgrades[(component, scenario)]
    if isinstance(result, str):
        pytest.skip(result)
    if isinstance(result, Exception):
        raise result
    assert isinstance(result, Upgrade)
    added = ADDED.get(component, {})
    problems = [c for c in result.problems if not (c.actions == ("create",) and c.address in added)]
    assert not problems, (
        f"{component}: upgrading a stack deployed at {BASE[:12]} would create or destroy "
        "(add a moved block for each, or keep the old name/description):\n"
        + "\n".join(f"  - {c}" for c in problems)
    )
    created = {c.address for c in result.changes if c.actions == ("create",)}
    assert set(added) <= created, (
        f"{component}: ADDED names resources the upgrade no longer creates: {sorted(set(added) - created)}"
    )
    # Every resource the old stack has is still managed: at its address or moved from it.
    kept = {c.previous_address or c.address for c in result.changes}
    old = managed_addresses(result.old.workspace.state().get("values", {}).get("root_module", {}))
    assert old, f"{component}:{scenario}: the old stack holds no resources: nothing was proven"
    assert old <= kept, (
        f"{component}: resources of the old stack the plan no longer names: {sorted(old - kept)}"
    )
    print(
        f"{component}:{scenario}: {len(result.moves)} moved, {len(result.updates)} updated in "
        "place"
        + "".join(f"\n  ~ {c}" for c in result.updates)
        + "".join(
            f"\n  ! {c} (the old code re-plans it too: emulator)" for c in result.emulator_drift
        )
    )
