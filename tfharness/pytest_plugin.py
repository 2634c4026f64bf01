"""pytest integration: fixtures, options and the end-of-run summary.

Fixtures (all session-scoped factories, so one plan serves every test that asks for it):

* ``plan_for(component, scenario="default") -> Plan``: a scenario that must plan cleanly;
* ``rejection_for(component, scenario) -> Rejection``: a scenario that must be refused;
* ``scenario_for(component, scenario) -> Scenario``: the inputs, resolved;
* ``endpoint``: the AWS endpoint (an embedded moto server unless ``--aws-endpoint`` is given);
* ``planner``: the session's ``Planner`` (templates, workspaces, timings).

At the end of the run the harness prints a per-component table (scenarios planned, resources
in the default plan, tests passed and failed) and per-phase timings (init, plan, show, ...).
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tfharness.affected import affected_components, changed_files
from tfharness.capabilities import Capability, probe_all
from tfharness.components import all_components, component_for_test_file
from tfharness.deploy import Deployment, Run
from tfharness.diagnostics import Rejection
from tfharness.emulator import Endpoint, MotoServer
from tfharness.fleet import Fleet
from tfharness.plan import Plan
from tfharness.planner import Planner
from tfharness.scenarios import Scenario, load_scenario
from tfharness.targets import aws_target, localstack_endpoint, selected_kind
from tfharness.toolchain import describe

_STATE: dict[str, object] = {}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("tfharness", "Terraform component harness")
    group.addoption(
        "--aws-endpoint",
        default=os.environ.get("TFHARNESS_AWS_ENDPOINT"),
        help="use this AWS endpoint instead of starting an embedded moto server",
    )
    group.addoption(
        "--tf-jobs",
        type=int,
        default=None,
        help="scenarios planned at once (default TFHARNESS_JOBS or 2)",
    )
    group.addoption(
        "--changed-since",
        default=None,
        metavar="REF",
        help="run only the unit tests of components changed since REF "
        "(a harness or standard change selects all)",
    )
    group.addoption(
        "--target",
        default=None,
        help="integration target: moto (default), localstack or aws (or TFHARNESS_TARGET)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "requires(*capabilities): skip, saying why, on targets that lack them"
    )


@pytest.fixture(scope="session")
def endpoint(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Endpoint]:
    """The AWS endpoint every Terraform run and boto3 client of the session uses."""
    url = request.config.getoption("--aws-endpoint")
    if url:
        yield Endpoint(url, name="external")
        return
    kind = selected_kind(request.config.getoption("--target"))
    if kind == "localstack":
        yield localstack_endpoint()
        return
    server = MotoServer(log_dir=tmp_path_factory.mktemp("emulator"))
    endpoint = server.start()
    _STATE["moto"] = server
    try:
        yield endpoint
    finally:
        server.stop()


@pytest.fixture(scope="session")
def moto_server(endpoint: Endpoint) -> MotoServer:
    """The embedded moto server (skips, saying why, when an external endpoint is in use)."""
    server = _STATE.get("moto")
    if not isinstance(server, MotoServer):
        pytest.skip(f"needs the embedded moto server; this run uses {endpoint.url}")
    return server


def _component_of(item: pytest.Item) -> str | None:
    component = component_for_test_file(Path(str(item.fspath)).name)
    if component is None and hasattr(item, "callspec"):
        value = item.callspec.params.get("name") or item.callspec.params.get("component")
        component = getattr(value, "name", value) if value is not None else None
    return component if isinstance(component, str) else None


@pytest.hookimpl(trylast=True)  # after -k / -m deselection: plan only what will run
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    ref = config.getoption("--changed-since")
    if ref:
        affected = affected_components(changed_files(ref))
        known = {c.name for c in all_components()}
        selected, deselected = [], []
        for item in items:
            component = _component_of(item)
            if component in known and component not in affected:
                deselected.append(item)
            else:
                selected.append(item)
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = selected
        _STATE["affected"] = sorted(affected)
    _STATE["expected"] = sorted({c for c in map(_component_of, items) if c})
    deployed: dict[str, set[str] | None] = {}
    for item in items:
        if not item.get_closest_marker("integration"):
            continue
        component = component_for_test_file(Path(str(item.fspath)).name)
        if component is None:
            continue
        needs = {name for marker in item.iter_markers("requires") for name in marker.args}
        # What every test of a component needs, the component itself needs to be applied.
        deployed[component] = (
            needs if deployed.get(component) is None else deployed[component] & needs
        )
    _STATE["deployed"] = {c: sorted(n or ()) for c, n in deployed.items()}


def pytest_report_collectionfinish(config: pytest.Config) -> str | None:
    expected = _STATE.get("expected")
    return f"tfharness: components under test: {', '.join(expected)}" if expected else None


@pytest.fixture(scope="session")
def planner(request: pytest.FixtureRequest, endpoint: Endpoint) -> Iterator[Planner]:
    planner = Planner(endpoint, jobs=request.config.getoption("--tf-jobs"))
    planner.expect(list(_STATE.get("expected", [])))
    _STATE["planner"] = planner
    try:
        yield planner
    finally:
        planner.close()


@pytest.fixture(scope="session")
def plan_for(planner: Planner) -> Callable[..., Plan]:
    """Factory: the shared Plan of a scenario that must plan cleanly."""
    return planner.plan


@pytest.fixture(scope="session")
def rejection_for(planner: Planner) -> Callable[[str, str], Rejection]:
    """Factory: the shared Rejection of a scenario Terraform must refuse."""
    return planner.rejection


@pytest.fixture(scope="session")
def scenario_for() -> Callable[..., Scenario]:
    """Factory: a scenario's resolved inputs."""
    return load_scenario


# Integration ------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def target_kind(request: pytest.FixtureRequest) -> str:
    kind = selected_kind(request.config.getoption("--target"))
    if kind == "aws":
        aws_target()  # refuses accounts that are not on the allow-list
    return kind


@pytest.fixture(scope="session")
def capabilities(endpoint: Endpoint, target_kind: str) -> dict[str, Capability]:
    found = probe_all(endpoint, target_kind)
    _STATE["capabilities"] = found
    return found


@pytest.fixture(autouse=True)
def _required_capabilities(request: pytest.FixtureRequest) -> None:
    marker = request.node.get_closest_marker("requires")
    if marker is None:
        return
    found: dict[str, Capability] = request.getfixturevalue("capabilities")
    unknown = [name for name in marker.args if name not in found]
    if unknown:
        pytest.fail(f"unknown capabilities {unknown}; known: {sorted(found)}", pytrace=False)
    missing = [found[name] for name in marker.args if not found[name].available]
    if missing:
        pytest.skip("; ".join(f"needs {c.name}: {c.reason}" for c in missing))


@pytest.fixture(scope="session")
def integration_run() -> Run:
    """This session's run: its ID (tagged on every resource) and its manifest."""
    run = Run()
    _STATE["run"] = run
    return run


@pytest.fixture(scope="session")
def deploy(planner: Planner, integration_run: Run, target_kind: str):
    """Factory: `with deploy("vpc", "default", **extra_vars) as deployed:` applies, then destroys."""

    def factory(component: str, scenario: str = "default", **extra_vars) -> Deployment:
        return Deployment(
            planner.template(component),
            load_scenario(component, scenario),
            integration_run,
            env=planner.env,
            emulator=target_kind != "aws",
            extra_vars=extra_vars,
        )

    return factory


def integration_scenario(component: str) -> str:
    """The scenario the integration tier applies: `integration` when the component has one
    (it switches off what emulators lack, see the component README), else `default`."""
    from tfharness.scenarios import scenario_names

    return "integration" if "integration" in scenario_names(component) else "default"


@pytest.fixture(scope="session")
def fleet_wiring() -> dict[str, dict[str, str]]:
    """Inputs taken from other components' outputs: {"rds": {"vpc_id": "vpc.vpc_id"}}.
    Override in tests/integration/conftest.py."""
    return {}


@pytest.fixture(scope="session")
def fleet(
    deploy, fleet_wiring: dict[str, dict[str, str]], capabilities: dict[str, Capability]
) -> Iterator[Fleet]:
    """Every component under integration test (and what they are wired to), applied
    concurrently once and destroyed at the end. A component whose every test needs a
    capability the target lacks is not applied (its tests skip, saying why)."""
    deployed: dict[str, list[str]] = dict(_STATE.get("deployed", {}))
    components = {
        c
        for c, needs in deployed.items()
        if all(capabilities[n].available for n in needs if n in capabilities)
    }
    excluded = {
        c: "; ".join(
            f"needs {n}: {capabilities[n].reason}"
            for n in needs
            if n in capabilities and not capabilities[n].available
        )
        for c, needs in deployed.items()
        if c not in components
    }
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
    _STATE["fleet"] = fleet
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
    fleet = _STATE.get("fleet")
    if component and isinstance(fleet, Fleet) and component in fleet.members:
        fleet.record(component, "verify", time.perf_counter() - start)


# Summary ----------------------------------------------------------------------------------
_RESULTS: dict[str, dict[str, int]] = defaultdict(lambda: {"passed": 0, "failed": 0, "skipped": 0})


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    component = component_for_test_file(Path(report.fspath).name)
    if component is None:
        return
    counts = _RESULTS[component]
    if report.when == "call":
        counts[report.outcome] += 1
    elif report.outcome == "failed":
        counts["failed"] += 1
    elif report.outcome == "skipped" and report.when == "setup":
        counts["skipped"] += 1


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    planner = _STATE.get("planner")
    if not _RESULTS and not isinstance(planner, Planner):
        return
    write = terminalreporter.write_line
    terminalreporter.section("tfharness: components")
    outcomes = planner.planned() if isinstance(planner, Planner) else {}
    header = (
        f"{'component':<22} {'scenarios':>9} {'rejected':>8} {'resources':>9} "
        f"{'passed':>6} {'failed':>6} {'skipped':>7}"
    )
    write(header)
    write("-" * len(header))
    names = sorted(set(_RESULTS) | {component for component, _ in outcomes})
    for name in names:
        mine = {s: o for (c, s), o in outcomes.items() if c == name}
        rejected = sum(1 for o in mine.values() if isinstance(o, Rejection))
        default = mine.get("default")
        resources = str(len(default.managed)) if isinstance(default, Plan) else "-"
        counts = _RESULTS.get(name, {"passed": 0, "failed": 0, "skipped": 0})
        write(
            f"{name:<22} {len(mine):>9} {rejected:>8} {resources:>9} "
            f"{counts['passed']:>6} {counts['failed']:>6} {counts['skipped']:>7}"
        )
    found = _STATE.get("capabilities")
    if isinstance(found, dict):
        terminalreporter.section("tfharness: target capabilities")
        for capability in found.values():
            mark = "yes" if capability.available else "no "
            write(f"{mark} {capability.name:<26} {capability.reason}")
    if "affected" in _STATE:
        write(f"--changed-since: affected components: {', '.join(_STATE['affected']) or 'none'}")
    fleet = _STATE.get("fleet")
    if isinstance(fleet, Fleet):
        terminalreporter.section("tfharness: integration")
        for line in fleet.report():
            write(line)
    if isinstance(planner, Planner):
        terminalreporter.section("tfharness: timings")
        write(describe())
        if any(name.startswith("stack:") for _, name in outcomes):
            from tfharness.stacks import resolver

            write(f"stacks resolved by {resolver()}")
        mode = "batched" if planner.batch else "one run per scenario"
        write(
            f"scenarios: {len(planner.planned())} ({planner.cache_hits} from the plan cache, "
            f"{mode}, {planner.jobs} at once)"
        )
        for line in planner.timings.report():
            write(line)
