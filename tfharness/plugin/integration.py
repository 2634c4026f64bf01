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
from tfharness.deploying.deployment import Deployment, ReuseRefused
from tfharness.deploying.emulator import Endpoint
from tfharness.deploying.fleet import Fleet
from tfharness.deploying.runs import Run, emulator_record, find_kept, keep_failed
from tfharness.deploying.targets import Identity, aws_target, identity_of, selected_kind
from tfharness.errors import HarnessError
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


def pytest_configure(config: pytest.Config) -> None:
    ref = config.getoption("--reuse", None)
    if ref:
        try:
            state_of(config).reuse = find_kept(ref)
        except HarnessError as error:
            raise pytest.UsageError(str(error)) from error


@pytest.fixture(scope="session")
def integration_run(request: pytest.FixtureRequest, endpoint: Endpoint, target_kind: str):
    """This session's run: its ID (tagged on every resource) and its manifest; with
    `--reuse`, the kept run it names. At the end its directory is removed when nothing in it
    is left, or kept (the last few) when the session failed, and the summary says where."""
    state = state_of(request.config)
    run = state.reuse or Run()
    if state.reuse:
        run.claim()  # a sweep of every run leaves it alone while this session verifies it
    run.describe(endpoint_url=endpoint.url, target=target_kind)
    state.run = run
    yield run
    kept = run.finish(failed=request.session.testsfailed > 0)
    if kept is not None:
        state.run_notes.append(
            f"run {run.run_id} failed: its directory is kept for inspection at {kept} (the "
            f"last {keep_failed()} failed runs are kept, TFHARNESS_KEEP_FAILED_RUNS)"
        )


def _deployment(
    planner: Planner,
    run: Run,
    target_kind: str,
    component,
    scenario: str,
    extra_vars: dict,
    *,
    reuse: bool = False,
) -> Deployment:
    return Deployment(
        planner.template(component),
        load_scenario(component_name(component), scenario),
        run,
        env=planner.env,
        emulator=target_kind != "aws",
        extra_vars=extra_vars,
        reuse=reuse,
    )


@pytest.fixture(scope="session")
def deploy(planner: Planner, integration_run: Run, target_kind: str):
    """Factory: `with deploy("vpc", "default", **extra_vars) as deployed:` applies, then destroys."""

    def factory(component, scenario: str = "default", **extra_vars) -> Deployment:
        """`component` by name, path or Component."""
        return _deployment(planner, integration_run, target_kind, component, scenario, extra_vars)

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
    planner: Planner,
    integration_run: Run,
    target_kind: str,
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
    factory = deploy
    if state.reuse:  # the fleet's members are the kept deployments: nothing is applied

        def factory(component, scenario: str = "default", **extra_vars) -> Deployment:
            return _deployment(
                planner, integration_run, target_kind, component, scenario, extra_vars, reuse=True
            )

    fleet = Fleet(
        factory,
        [(c, integration_scenario(c)) for c in sorted(components)],
        jobs=jobs,
        wiring=fleet_wiring,
        listener=request.config.pluginmanager.get_plugin("tfharness-progress"),
    )
    for component, reason in excluded.items():
        fleet.exclude(component, reason)
    state.fleet = fleet
    keeping = bool(request.config.getoption("--keep") or state.reuse)
    try:
        fleet.up()
        refused = {m.component: m.error for m in fleet.members.values()}
        refused = {c: e for c, e in refused.items() if isinstance(e, ReuseRefused)}
        if refused:
            pytest.exit(
                f"tfharness: cannot reuse run {state.reuse.run_id}:\n"
                + "\n".join(f"  - {error}" for error in refused.values()),
                returncode=pytest.ExitCode.USAGE_ERROR,
            )
        yield fleet
    finally:
        if keeping:
            _keep(state, fleet)
        else:
            errors = fleet.down()
            if errors:
                pytest.fail(
                    "teardown left resources behind (run `nox -s sweep`):\n" + "\n".join(errors),
                    pytrace=False,
                )


def _keep(state, fleet: Fleet) -> None:
    """Leave the fleet in place: the run is marked kept, with the embedded emulator holding
    it (detached, so it outlives the session), and the summary says how to go on."""
    run: Run = state.run
    kept = sorted(m.component for m in fleet.members.values() if m.deployment and not m.error)
    emulator = None
    server = state.emulator
    if server is not None and state.endpoint is not None:
        pid = server.detach()
        if pid is not None:
            kind = "localstack" if "localstack" in type(server).__name__.lower() else "moto"
            emulator = emulator_record(kind, state.endpoint.url, pid, server.log_path)
    elif state.reuse is not None:
        emulator = (state.reuse.kept or {}).get("emulator")
    run.keep(emulator)
    where = state.endpoint.url if state.endpoint is not None else "the target"
    held = f" (embedded {emulator['kind']}, pid {emulator['pid']}, outlives this session)"
    state.run_notes += [
        f"kept run {run.run_id}: {', '.join(kept) or 'nothing applied'} on {where}"
        + (held if emulator else ""),
        f"  re-verify without applying: pytest ... --reuse {run.run_id} (or --reuse last)",
        f"  destroy it: nox -s sweep -- --run {run.run_id}",
    ]


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


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    notes = state_of(config).run_notes
    if notes:
        terminalreporter.section("tfharness: runs")
        for line in notes:
            terminalreporter.write_line(line)
