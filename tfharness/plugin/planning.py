"""Plan fixtures, the AWS endpoint plans talk to, and which components the session covers.

* ``plan_for(component, scenario="default") -> Plan``: a scenario that must plan cleanly;
* ``rejection_for(component, scenario) -> Rejection``: a scenario that must be refused;
* ``scenario_for(component, scenario) -> Scenario``: the inputs, resolved;
* ``endpoint``: the AWS endpoint: an embedded moto server, or with ``--target localstack`` an
  embedded LocalStack (``LOCALSTACK_HOST`` or ``--aws-endpoint`` name a running one instead);
* ``planner``: the session's ``Planner`` (templates, workspaces, timings).

All are session-scoped, so one plan serves every test that asks for it. At collection the
plugin works out which components the selected tests use (after ``-k``/``-m``; and only those
``--changed-since`` affects), so the first plan request plans exactly those, batched.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tfharness.deploying.emulator import Endpoint, MotoServer
from tfharness.deploying.localstack import LocalStackServer, LocalStackUnavailable
from tfharness.deploying.targets import localstack_endpoint, selected_kind
from tfharness.planning.components import all_plannable, component_for_test_file
from tfharness.planning.planner import Planner
from tfharness.planning.scenarios import Scenario, load_scenario
from tfharness.plugin.state import state_of
from tfharness.terraform.diagnostics import Rejection
from tfharness.terraform.plan import Plan
from tfharness.tooling.affected import affected_components, changed_files


@pytest.fixture(scope="session")
def endpoint(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Endpoint]:
    """The AWS endpoint every Terraform run and boto3 client of the session uses."""
    url = request.config.getoption("--aws-endpoint")
    kind = selected_kind(request.config.getoption("--target"))
    state = state_of(request.config)
    if url:
        state.endpoint = Endpoint(url, name=kind if kind != "moto" else "external")
        yield state.endpoint
        return
    if kind == "localstack" and os.environ.get("LOCALSTACK_HOST"):
        state.endpoint = localstack_endpoint()  # one the user runs (docker compose, LocalStack Pro)
        yield state.endpoint
        return
    log_dir = tmp_path_factory.mktemp("emulator")
    server: MotoServer | LocalStackServer
    if kind == "localstack":
        server = LocalStackServer(log_dir=log_dir)
        try:
            endpoint = server.start()
        except LocalStackUnavailable as error:
            pytest.skip(f"the embedded LocalStack cannot run here: {error}")
    else:
        server = MotoServer(log_dir=log_dir)
        endpoint = server.start()
    state.emulator, state.endpoint = server, endpoint
    try:
        yield endpoint
    finally:
        server.stop()


@pytest.fixture(scope="session")
def moto_server(request: pytest.FixtureRequest, endpoint: Endpoint) -> MotoServer:
    """The embedded moto server (skips, saying why, when an external endpoint is in use)."""
    server = state_of(request.config).emulator
    if not isinstance(server, MotoServer):
        pytest.skip(f"needs the embedded moto server; this run uses {endpoint.url}")
    return server


def component_of(item: pytest.Item) -> str | None:
    """The component a test is about: its file's name, or its `component`/`name` parameter."""
    component = component_for_test_file(Path(str(item.fspath)).name)
    if component is None and hasattr(item, "callspec"):
        value = item.callspec.params.get("name") or item.callspec.params.get("component")
        component = getattr(value, "name", value) if value is not None else None
    return component if isinstance(component, str) else None


@pytest.hookimpl(trylast=True)  # after -k / -m deselection: plan only what will run
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    state = state_of(config)
    ref = config.getoption("--changed-since")
    if ref:
        affected = affected_components(changed_files(ref))
        known = {c.name for c in all_plannable()}
        selected, deselected = [], []
        for item in items:
            component = component_of(item)
            if component in known and component not in affected:
                deselected.append(item)
            else:
                selected.append(item)
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = selected
        state.affected = sorted(affected)
    state.expected = sorted({c for c in map(component_of, items) if c})
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
    state.deployed = {c: sorted(n or ()) for c, n in deployed.items()}


def pytest_report_collectionfinish(config: pytest.Config) -> str | None:
    expected = state_of(config).expected
    return f"tfharness: components under test: {', '.join(expected)}" if expected else None


@pytest.fixture(scope="session")
def planner(request: pytest.FixtureRequest, endpoint: Endpoint) -> Iterator[Planner]:
    state = state_of(request.config)
    planner = Planner(endpoint, jobs=request.config.getoption("--tf-jobs"))
    planner.expect(state.expected)
    state.planner = planner
    try:
        yield planner
    finally:
        planner.close()


@pytest.fixture(scope="session")
def plan_for(planner: Planner) -> Callable[..., Plan]:
    """Factory: the shared Plan of a scenario that must plan cleanly."""
    return planner.plan


@pytest.fixture(scope="session")
def rejection_for(planner: Planner) -> Callable[..., Rejection]:
    """Factory: the shared Rejection of a scenario Terraform must refuse."""
    return planner.rejection


@pytest.fixture(scope="session")
def update_inventory(request: pytest.FixtureRequest) -> Callable[[Scenario, Plan], None] | None:
    """With `--update-inventory`: records a scenario's inventory from its plan, written into
    its scenario file when the session ends. None otherwise (inventories are checked)."""
    if not request.config.getoption("--update-inventory"):
        return None
    from tfharness.planning.inventory import refresh
    from tfharness.planning.scenarios import scenario_file

    pending = state_of(request.config).inventories

    def record(scenario: Scenario, plan: Plan) -> None:
        path = scenario_file(scenario.component)
        pending.setdefault(path, {})[scenario.name] = refresh(scenario.inventory, plan)

    return record


def pytest_sessionfinish(session: pytest.Session) -> None:
    state = state_of(session.config)
    if not state.inventories:
        return
    from tfharness.planning.inventory import write

    for path, updates in sorted(state.inventories.items()):
        changed = write(path, updates)
        if changed:
            state.inventories_written[str(path)] = changed


@pytest.fixture(scope="session")
def scenario_for() -> Callable[..., Scenario]:
    """Factory: a scenario's resolved inputs (component by name, path or Component)."""

    def resolve(component, scenario: str = "default") -> Scenario:
        from tfharness.planning.planner import component_name

        return load_scenario(component_name(component), scenario)

    return resolve
