"""Integration fixtures: the target, its capabilities, deployments and the fleet.

* ``target_kind``: moto (default), localstack or aws (``--target`` / ``TFHARNESS_TARGET``);
* ``capabilities``: what the target can do, probed once; ``@pytest.mark.requires(...)``
  skips a test, saying why, where the target lacks it;
* ``deploy(component, scenario="default", **extra_vars)``: a ``Deployment`` (apply on enter,
  destroy on exit, whatever happens);
* ``fleet``: every component under integration test applied at once at the start of the
  session and destroyed at the end; ``fleet_wiring`` (override in a conftest) feeds one
  component's outputs into another's inputs.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tfharness.deploying.capabilities import Capability, missing_reason, probe_all, require
from tfharness.deploying.deployment import Deployment, Run
from tfharness.deploying.emulator import Endpoint
from tfharness.deploying.fleet import Fleet
from tfharness.deploying.targets import Identity, aws_target, identity_of, selected_kind
from tfharness.planning.components import component_for_test_file
from tfharness.planning.planner import Planner, component_name
from tfharness.planning.scenarios import load_scenario, scenario_names
from tfharness.plugin.state import state_of


@pytest.fixture(scope="session")
def target_kind(request: pytest.FixtureRequest) -> str:
    kind = selected_kind(request.config.getoption("--target"))
    if kind == "aws":
        aws_target()  # refuses accounts that are not on the allow-list
    return kind


@pytest.fixture(scope="session")
def target_identity(endpoint: Endpoint) -> Identity:
    """The target's account, partition and region (for ARNs a test expects)."""
    return identity_of(endpoint)


@pytest.fixture(scope="session")
def capabilities(
    request: pytest.FixtureRequest, endpoint: Endpoint, target_kind: str
) -> dict[str, Capability]:
    found = probe_all(endpoint, target_kind)
    state_of(request.config).capabilities = found
    return found


@pytest.fixture(autouse=True)
def _required_capabilities(request: pytest.FixtureRequest) -> None:
    # Every `requires` marker counts: the module's and the test's own.
    names = [name for marker in request.node.iter_markers("requires") for name in marker.args]
    if names:
        require(request.getfixturevalue("capabilities"), *dict.fromkeys(names))


@pytest.fixture(scope="session")
def integration_run(request: pytest.FixtureRequest) -> Run:
    """This session's run: its ID (tagged on every resource) and its manifest."""
    run = Run()
    state_of(request.config).run = run
    return run


@pytest.fixture(scope="session")
def deploy(planner: Planner, integration_run: Run, target_kind: str):
    """Factory: `with deploy("vpc", "default", **extra_vars) as deployed:` applies, then destroys."""

    def factory(component, scenario: str = "default", **extra_vars) -> Deployment:
        """`component` by name, path or Component."""
        return Deployment(
            planner.template(component),
            load_scenario(component_name(component), scenario),
            integration_run,
            env=planner.env,
            emulator=target_kind != "aws",
            extra_vars=extra_vars,
        )

    return factory


def integration_scenario(component: str) -> str:
    """The scenario the integration tier applies: `integration` when the component has one
    (it switches off what emulators lack, see the component README), else `default`."""
    return "integration" if "integration" in scenario_names(component) else "default"


@pytest.fixture(scope="session")
def fleet_wiring() -> dict[str, dict[str, str]]:
    """Inputs taken from other components' outputs: {"rds": {"vpc_id": "vpc.vpc_id"}}.
    Override in tests/integration/conftest.py."""
    return {}


@pytest.fixture(scope="session")
def fleet(
    request: pytest.FixtureRequest,
    deploy,
    fleet_wiring: dict[str, dict[str, str]],
    capabilities: dict[str, Capability],
) -> Iterator[Fleet]:
    """Every component under integration test (and what they are wired to), applied
    concurrently once and destroyed at the end. A component whose every test needs a
    capability the target lacks is not applied (its tests skip, saying why)."""
    state = state_of(request.config)
    deployed: dict[str, list[str]] = dict(state.deployed)
    reasons = {c: missing_reason(capabilities, needs) for c, needs in deployed.items()}
    components = {c for c, reason in reasons.items() if not reason}
    excluded = {c: reason for c, reason in reasons.items() if reason}
    pending = list(components)
    while pending:
        for ref in fleet_wiring.get(pending.pop(), {}).values():
            dependency = ref.split(".", 1)[0]
            if dependency not in components:
                components.add(dependency)
                pending.append(dependency)
    jobs = int(os.environ.get("TFHARNESS_APPLY_JOBS", "8"))
    fleet = Fleet(
        deploy,
        [(c, integration_scenario(c)) for c in sorted(components)],
        jobs=jobs,
        wiring=fleet_wiring,
    )
    for component, reason in excluded.items():
        fleet.exclude(component, reason)
    state.fleet = fleet
    fleet.up()
    try:
        yield fleet
    finally:
        errors = fleet.down()
        if errors:
            pytest.fail(
                "teardown left resources behind (run `nox -s sweep`):\n" + "\n".join(errors),
                pytrace=False,
            )


@pytest.fixture(autouse=True)
def _verify_seconds(request: pytest.FixtureRequest) -> Iterator[None]:
    """Charge each integration test's time to its component's `verify` column."""
    if not request.node.get_closest_marker("integration") or "fleet" not in request.fixturenames:
        yield
        return
    component = component_for_test_file(Path(str(request.node.fspath)).name)
    start = time.perf_counter()
    yield
    fleet = state_of(request.config).fleet
    if component and isinstance(fleet, Fleet) and component in fleet.members:
        fleet.record(component, "verify", time.perf_counter() - start)
