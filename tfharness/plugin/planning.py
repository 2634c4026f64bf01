"""Plan fixtures, the AWS endpoint plans talk to, and which components the session covers.

* ``plan_for(component, scenario="default") -> Plan``: a scenario that must plan cleanly;
* ``rejection_for(component, scenario) -> Rejection``: a scenario that must be refused;
* ``scenario_for(component, scenario) -> Scenario``: the inputs, resolved;
* ``endpoint``: the AWS endpoint: an embedded moto server, or with ``--target localstack`` an
  embedded LocalStack (``LOCALSTACK_HOST`` or ``--aws-endpoint`` name a running one instead);
* ``planner``: the session's ``Planner`` (templates, workspaces, timings); the embedded moto
  server starts when the planner first runs Terraform (or a test asks for ``endpoint``), so a
  session whose plans all come from the cache starts none.

All are session-scoped, so one plan serves every test that asks for it. At collection the
plugin works out which components the selected tests use (after ``-k``/``-m``; and only those
``--changed-since`` affects and ``--shard`` assigns to this job), so the first plan request
plans exactly those, batched.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tfharness.deploying.deployment import endpoint_answers
from tfharness.deploying.emulator import Endpoint, MotoServer
from tfharness.deploying.localstack import LocalStackServer, LocalStackUnavailable
from tfharness.deploying.targets import localstack_endpoint, selected_kind
from tfharness.planning.components import all_plannable, component_for_test_file
from tfharness.planning.planner import Planner
from tfharness.planning.scenarios import Scenario, load_scenario
from tfharness.plugin.state import SessionState, state_of
from tfharness.terraform.diagnostics import Rejection
from tfharness.terraform.plan import Plan
from tfharness.tooling import shards
from tfharness.tooling.affected import affected_components, changed_files
from tfharness.tooling.shards import Shard


@pytest.fixture(scope="session")
def endpoint(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Endpoint]:
    """The AWS endpoint every Terraform run and boto3 client of the session uses."""
    url = request.config.getoption("--aws-endpoint")
    kind = selected_kind(request.config.getoption("--target"))
    state = state_of(request.config)
    if state.reuse is not None:  # --reuse: where the kept run's deployments live
        state.endpoint = kept_endpoint(state.reuse, url, kind)
        yield state.endpoint
        return
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
    else:  # the embedded moto, started now if the planner has not started it already
        yield request.getfixturevalue("moto_on_demand").ready()
        return
    state.emulator, state.endpoint = server, endpoint
    try:
        yield endpoint
    finally:
        server.stop()


class MotoOnDemand:
    """The session's embedded moto server, started by the first `ready()`: the planner calls
    it before it runs Terraform, so a session whose plans all come from the cache starts none.
    Its port is bound from the start (no other process is given it), so the URL is known
    before the server runs."""

    def __init__(self, state: SessionState, log_dir: Path, *, detachable: bool) -> None:
        self.state = state  # the session's: emulator and endpoint are set there once started
        self._held = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._held.bind(("127.0.0.1", 0))
        self.server = MotoServer(self._held.getsockname()[1], log_dir, detachable=detachable)
        self.endpoint = Endpoint(self.server.url)
        self._lock = threading.Lock()
        self._started = False

    def ready(self) -> Endpoint:
        with self._lock:
            if not self._started:
                self._held.close()  # moto binds it now
                self.endpoint = self.server.start()
                self._started = True
                self.state.emulator, self.state.endpoint = self.server, self.endpoint
        return self.endpoint

    def stop(self) -> None:
        self._held.close()
        self.server.stop()


@pytest.fixture(scope="session")
def moto_on_demand(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[MotoOnDemand | None]:
    """The embedded moto server when the session uses one (no --aws-endpoint, no LocalStack,
    no --reuse), not started yet; None otherwise. With --keep it may outlive the session: in
    a process group of its own."""
    config = request.config
    state = state_of(config)
    embedded = not config.getoption("--aws-endpoint") and state.reuse is None
    if not embedded or selected_kind(config.getoption("--target")) != "moto":
        yield None
        return
    log_dir = tmp_path_factory.mktemp("emulator")
    moto = MotoOnDemand(state, log_dir, detachable=config.getoption("--keep"))
    try:
        yield moto
    finally:
        moto.stop()


def kept_endpoint(run, url: str | None, kind: str) -> Endpoint:
    """The endpoint a kept run was applied to; the session stops if it is gone."""
    manifest = run.manifest()
    recorded = manifest.get("endpoint")
    if url and recorded and url.rstrip("/") != recorded.rstrip("/"):
        pytest.exit(
            f"tfharness: --reuse {run.run_id}: that run was applied to {recorded}, not {url}. "
            "Leave out --aws-endpoint (the run knows its endpoint).",
            returncode=pytest.ExitCode.USAGE_ERROR,
        )
    emulator = (manifest.get("kept") or {}).get("emulator")
    if not recorded or not endpoint_answers(recorded):
        held = f" (its {emulator['kind']}, pid {emulator['pid']}, is gone)" if emulator else ""
        pytest.exit(
            f"tfharness: --reuse {run.run_id}: nothing answers at {recorded}{held}, so its "
            "deployments are gone with it. Remove the run (nox -s sweep -- --run "
            f"{run.run_id}) and apply again with --keep.",
            returncode=pytest.ExitCode.USAGE_ERROR,
        )
    return Endpoint(recorded, name=manifest.get("target") or kind)


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


SHARD_LINE = pytest.StashKey[str]()


@pytest.hookimpl(trylast=True)  # after -k / -m deselection: plan only what will run
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect the tests of components --changed-since leaves out and of other shards
    (tfharness.tooling.shards: split over the whole catalog, so the two filters commute);
    tests of no catalog component stay in shard 1 only."""
    state = state_of(config)
    ref = config.getoption("--changed-since")
    shard: Shard | None = config.getoption("--shard")
    if ref or shard:
        known = {c.name for c in all_plannable()}
        keep = known
        if ref:
            affected = affected_components(changed_files(ref))
            keep = keep & affected
            state.affected = sorted(affected)
        if shard:
            loads = shards.catalog_loads()
            keep = keep & set(shards.components_of(shard, loads))
        selected, deselected = [], []
        for item in items:
            component = component_of(item)
            if component in known:
                (selected if component in keep else deselected).append(item)
            elif shard and shard.index != 1:  # no catalog component: shard 1 runs it
                deselected.append(item)
            else:
                selected.append(item)
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = selected
    state.expected = sorted({c for c in map(component_of, items) if c})
    if shard:
        ours = [c for c in state.expected if c in known]
        others = len(items) - sum(1 for item in items if component_of(item) in known)
        config.stash[SHARD_LINE] = (
            f"tfharness: shard {shard}: {len(ours)} components, "
            f"{sum(loads[c] for c in ours)} scenarios: {', '.join(ours) or 'none'}"
            + (f" (and {others} tests of no component)" if others else "")
        )
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
    if SHARD_LINE in config.stash:
        return config.stash[SHARD_LINE]
    expected = state_of(config).expected
    return f"tfharness: components under test: {', '.join(expected)}" if expected else None


@pytest.fixture(scope="session")
def planner(
    request: pytest.FixtureRequest, moto_on_demand: MotoOnDemand | None
) -> Iterator[Planner]:
    """The session's Planner; the embedded moto starts only when something must be planned."""
    state = state_of(request.config)
    planner = Planner(
        moto_on_demand.endpoint if moto_on_demand else request.getfixturevalue("endpoint"),
        jobs=request.config.getoption("--tf-jobs"),
        listener=request.config.pluginmanager.get_plugin("tfharness-progress"),
        before_terraform=moto_on_demand.ready if moto_on_demand else None,
    )
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
