"""Plans scenarios once per session and shares each result with every test that asks.

The first request plans every pending scenario of every component the session expects (the
pytest plugin tells it which components the collected tests cover), so that:

* scenarios already in the content-addressed cache (``cache.py``) are not planned again;
* the rest are planned in batches (``batch.py``), ``jobs`` batches at once (default 2, for
  the 2-core test machines; ``TFHARNESS_JOBS``), scenarios that declare ``expect_failures``
  apart from those that must plan cleanly, so that each batch runs Terraform once (twice for
  a variable whose validations of both walks meet, `_groups`);
* ``TFHARNESS_BATCH=0`` plans each scenario on its own instead (the naive way, for comparison);
* a scenario expected to be refused in the validate walk by validations that read only their
  variable (``decided_by_variables``) stands in its batch as its component's variables alone
  (``batch.adapt_variables``): the walk decides it from them, the run needs no provider, and
  one that is not refused there is planned whole on its own (``TFHARNESS_VARIABLES_ONLY=0``
  keeps the whole module);
* every other scenario expected to be refused stands in its batch as what its component's
  rules read (``batch.adapt_rules``): only rules refuse it, and each is there with all it
  reads; one that is not refused is planned whole on its own (``TFHARNESS_RULES_ONLY=0``
  keeps the whole module);
* an interrupt (Ctrl-C or SIGINT; SIGTERM, as a cancelled CI job gets, likewise) stops the
  workers' Terraform processes before the session goes on to its teardown, and nothing an
  interrupted batch planned is cached (``command.Cancellation``);
* a ``listener`` (``tfharness.progress``) hears each batch planned as it ends, and at once of
  a scenario that failed or did not end as its file declares.

Each outcome is a ``Plan`` for a clean plan or a ``Rejection`` for a refused one; tests ask
for the kind they expect and the wrong kind raises a typed error with Terraform's diagnostics.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

from tfharness.deploying.emulator import Endpoint
from tfharness.errors import UnexpectedPlanFailure, UnexpectedPlanSuccess
from tfharness.planning import cache
from tfharness.planning.batch import (
    Batch,
    ProviderShare,
    alias_regions,
    one_region,
    prepare_members,
    scenario_region,
)
from tfharness.planning.components import Component, find_component, is_path_reference
from tfharness.planning.scenarios import (
    Scenario,
    load_scenario,
    scenario_names,
    scenario_names_or_default,
)
from tfharness.progress import Event, Listener, describe
from tfharness.terraform.command import Cancellation, sigterm_as_interrupt
from tfharness.terraform.configuration import (
    VALIDATE_WALK,
    Walked,
    may_contain,
    may_say,
    validation_walks,
)
from tfharness.terraform.diagnostics import Rejection
from tfharness.terraform.plan import Plan
from tfharness.terraform.provider_server import ProviderServers
from tfharness.terraform.timings import Timings
from tfharness.terraform.toolchain import cli_config, terraform_binary
from tfharness.terraform.workspace import Template, Workspace

Outcome = Plan | Rejection
ComponentRef = str | os.PathLike[str] | Component  # a name, a path, or a Component
MIN_BATCH = 12
PLANS, VALIDATIONS, LATER_RULES = "plans", "validations", "later rules"
# What a member costs a batch run, by the phase its plan ends in (relative). Measured on the
# whole tier (409 scenarios, 2 cores, two batches at once): 0.30-0.37 s a member for clean
# plans with their `show`, 0.25 s for refusals in the plan walk, 0.09-0.11 s in the validate
# walk. The workers take the costliest batches first, so that the cheap ones even out the end.
PHASE_COST = {PLANS: 3.0, LATER_RULES: 2.5, VALIDATIONS: 1.0}
_ROOT_VARIABLE = re.compile(r"^var\.(?P<name>[A-Za-z0-9_-]+)$")


def phase_of(scenario: Scenario, walks: Mapping[str, tuple[Walked, ...]] | None = None) -> str:
    """Where Terraform's run for the scenario ends: a clean plan, the validate walk (its
    variable validations that read only the variable), or the plan walk (validations that
    read more, a nested module's, preconditions, postconditions, output conditions).

    `walks` is the component's `configuration.validation_walks`. A scenario expecting a
    rule only the plan walk checks is refused there (had its validate walk failed, Terraform
    would never have reached that rule). Of a variable's validations, those that can say
    the message the scenario expects are the ones that fire; one whose rules the validate
    walk may decide is counted there."""
    if not scenario.expects_rejection:
        return PLANS
    walks = walks or {}
    for rule in scenario.expect_failures:
        variable = _ROOT_VARIABLE.match(rule)
        if variable is None:
            return LATER_RULES
        validations = walks.get(variable["name"])
        if not validations:  # not read here (or a typo the run will name)
            continue
        said = [e.message for e in scenario.failure_messages.get(rule, ()) if e.message]
        firing = [v.walk for v in validations if all(may_say(v.error_message, m) for m in said)]
        if VALIDATE_WALK not in (firing or [v.walk for v in validations]):
            return LATER_RULES
    return VALIDATIONS


def decided_by_variables(
    scenario: Scenario, walks: Mapping[str, tuple[Walked, ...]] | None = None
) -> bool:
    """Whether the component's variables alone (`configuration.variables_only`) refuse the
    scenario as the whole component does: every rule it expects is a root variable's, and
    each validation of that variable that may say what the scenario expects (its message or
    a part of it) reads only the variable. A validation that reads a local may be decided in
    the validate walk too (securitygroup's `ingress_templates` reads a constant map), but not
    without the local: a scenario that expects one, or sets a variable that has one (it might
    fire beside the rule expected, which the whole module would report), is planned whole."""
    if not scenario.expect_failures:
        return False
    walks = walks or {}
    if any(v.reads_objects for name in scenario.vars for v in walks.get(name, ())):
        return False
    for rule in scenario.expect_failures:
        variable = _ROOT_VARIABLE.match(rule)
        validations = walks.get(variable["name"], ()) if variable else ()
        expected = scenario.failure_messages.get(rule, ())
        said = [e.message for e in expected if e.message]
        contained = [e.contains for e in expected if e.contains]
        firing = [
            v.walk
            for v in validations
            if all(may_say(v.error_message, m) for m in said)
            and all(may_contain(v.error_message, c) for c in contained)
        ]
        if not firing or any(walk != VALIDATE_WALK for walk in firing):
            return False
    return True


def _server_region(scenario: Scenario, aliases: frozenset[str] | None) -> str | None:
    """The one region all of a scenario's providers stand in (a provider server's), or None
    (several regions, or a component whose providers are not the batch root's)."""
    return None if aliases is None else one_region({scenario_region(scenario), *aliases})


def component_name(component: ComponentRef) -> str:
    """The catalog name of a component given by name, path or Component."""
    if isinstance(component, str) and not is_path_reference(component):
        return component
    return find_component(component).name


def default_jobs() -> int:
    return max(1, int(os.environ.get("TFHARNESS_JOBS", "2")))


def batching_enabled() -> bool:
    return os.environ.get("TFHARNESS_BATCH", "1") != "0"


def variables_only_enabled() -> bool:
    """A scenario expected to be refused in the validate walk is planned as its component's
    variables alone (`batch.adapt_variables`) unless TFHARNESS_VARIABLES_ONLY=0."""
    return os.environ.get("TFHARNESS_VARIABLES_ONLY", "1") != "0"


def rules_only_enabled() -> bool:
    """A scenario expected to be refused, and not planned as its variables alone, is
    planned as what its component's rules read (`batch.adapt_rules`) unless
    TFHARNESS_RULES_ONLY=0."""
    return os.environ.get("TFHARNESS_RULES_ONLY", "1") != "0"


def attaching_enabled() -> bool:
    """Batches attach to provider servers (`provider_server`) unless TFHARNESS_ATTACH=0."""
    return os.environ.get("TFHARNESS_ATTACH", "1") != "0"


class Planner:
    """Session-wide planning service: templates, workspaces and cached outcomes."""

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        root: Path | None = None,
        jobs: int | None = None,
        keep: bool | None = None,
        batch: bool | None = None,
        listener: Listener | None = None,
        before_terraform: Callable[[], object] | None = None,
    ) -> None:
        """`before_terraform` is called before the planner first runs Terraform or hands out
        its environment (the plugin starts its emulator there: a session whose plans all come
        from the cache starts none)."""
        terraform_binary()  # fail early, with the message that says what to install
        self.endpoint = endpoint
        self.before_terraform = before_terraform
        self.root = root or Path(tempfile.mkdtemp(prefix="tfharness-"))
        self.jobs = jobs or default_jobs()
        self.keep = keep if keep is not None else os.environ.get("TFHARNESS_KEEP") == "1"
        self.batch = batching_enabled() if batch is None else batch
        self.timings = Timings()
        self.listener = listener
        self._env = {**cli_config().env(), **endpoint.env()}
        self.expected: list[str] = []
        self.cache_hits = 0
        self._templates: dict[str, Template] = {}
        self._outcomes: dict[tuple[str, str], Outcome] = {}
        self._errors: dict[tuple[str, str], BaseException] = {}
        self._lock = threading.Lock()
        self._plan_lock = threading.Lock()
        self._batches = 0
        self._providers = ProviderShare(self.root / "providers")
        self._servers: ProviderServers | None = None  # while plan_components plans
        self._cancellation: Cancellation | None = None

    @property
    def env(self) -> dict[str, str]:
        """The environment Terraform runs in against the endpoint (which is then up)."""
        self._terraform_ahead()
        return self._env

    def _terraform_ahead(self) -> None:
        if self.before_terraform is not None:
            self.before_terraform()

    def expect(self, components: list[ComponentRef]) -> None:
        """Components whose scenarios the session will ask for: planned together at first use."""
        self.expected = sorted({component_name(c) for c in components})

    def template(self, component: ComponentRef) -> Template:
        resolved = find_component(component)
        with self._lock:
            if resolved.name not in self._templates:
                self._templates[resolved.name] = Template(
                    resolved, self.root, self._env, self.timings
                )
            return self._templates[resolved.name]

    def workspace(
        self,
        scenario: Scenario,
        *,
        purpose: str = "plans",
        extra_files: dict[str, str] | None = None,
        env: dict[str, str] | None = None,
    ) -> Workspace:
        self._terraform_ahead()
        directory = self.root / purpose / scenario.component / scenario.name
        return Workspace(
            self.template(scenario.component),
            scenario.id,
            directory,
            scenario.vars,
            extra_files=extra_files,
            env=env,
        )

    # Outcomes ---------------------------------------------------------------------------
    def outcome(self, component: ComponentRef, scenario: str = "default") -> Outcome:
        component = find_component(component).name  # an unknown component says so first
        key = (component, scenario)
        load_scenario(component, scenario)  # unknown names fail here, with the list of known
        if key not in self._outcomes and key not in self._errors:
            if self.expected and component not in self.expected:
                # A component the session does not cover (a stack test's, or another
                # shard's): the session's own first, then only the scenario asked for (with
                # its kin: `stack:dev` brings the component's other `stack:` scenarios).
                self.plan_components(self.expected)
                family = scenario.split(":", 1)[0] + ":" if ":" in scenario else None
                kin = {
                    (component, name)
                    for name in scenario_names(component)
                    if family and name.startswith(family)
                }
                self.plan_components([component], only={key, *kin})
            else:
                self.plan_components(sorted({component, *self.expected}))
        if key in self._errors:
            raise self._errors[key]
        return self._outcomes[key]

    def plan(self, component: ComponentRef, scenario: str = "default") -> Plan:
        component = component_name(component)
        outcome = self.outcome(component, scenario)
        if isinstance(outcome, Rejection):
            raise UnexpectedPlanFailure(
                f"{component}:{scenario}: expected a clean plan, Terraform rejected it:\n"
                + "\n".join(f"  - {d}" for d in outcome.errors),
                command="plan",
                returncode=1,
                stderr=outcome.stderr,
                diagnostics=outcome.diagnostics,
            )
        return outcome

    def rejection(self, component: ComponentRef, scenario: str) -> Rejection:
        component = component_name(component)
        outcome = self.outcome(component, scenario)
        if isinstance(outcome, Plan):
            raise UnexpectedPlanSuccess(
                f"{component}:{scenario}: expected Terraform to reject the plan, but it planned "
                f"{len(outcome.managed)} resources cleanly. Check the scenario's inputs break "
                "the rule the test names."
            )
        return outcome

    def outcome_without(
        self, component: ComponentRef, scenario: str, removed: list[str]
    ) -> Outcome:
        """A scenario's outcome with files removed from its working copy (paths relative to the
        component's folder, e.g. a build output, to see the refusal that names it): planned on
        its own, and cached like every outcome under a key that adds what was removed."""
        resolved = load_scenario(component_name(component), scenario)
        found = self.template(resolved.component).component
        digest = cache.component_fingerprint(found.source_files(), found.tree_root)
        key = cache.scenario_key(resolved, digest, variant="without " + "\0".join(sorted(removed)))
        cached = cache.load(key, resolved.id)
        if cached is not None:  # not counted in cache_hits, which counts the scenarios
            return cached
        workspace = self.workspace(resolved, purpose="without")
        try:
            for name in removed:
                (workspace.dir / name).unlink()  # a path that is not there is the caller's error
            outcome = workspace.try_plan()
        finally:
            if not self.keep:
                workspace.cleanup()
        cache.store(key, outcome)
        return outcome

    def planned(self) -> dict[tuple[str, str], Outcome]:
        return dict(self._outcomes)

    # Planning ---------------------------------------------------------------------------
    def plan_components(
        self, components: list[str], only: set[tuple[str, str]] | None = None
    ) -> None:
        """Plan every scenario of these components not yet known (cache first).

        `only` restricts planning to these (component, scenario) pairs.
        """
        with self._plan_lock:
            pending: list[tuple[Scenario, str]] = []
            hits = 0
            for component in components:
                try:
                    names = scenario_names(component)
                except Exception as error:  # a broken scenario file: its own tests fail
                    self._errors[(component, "default")] = error
                    continue
                try:
                    template = self.template(component)
                    digest = cache.component_fingerprint(
                        template.component.source_files(), template.component.tree_root
                    )
                except Exception as error:
                    for name in names or ["default"]:
                        self._errors[(component, name)] = error
                    continue
                for name in names:
                    if (component, name) in self._outcomes or (component, name) in self._errors:
                        continue
                    if only is not None and (component, name) not in only:
                        continue
                    try:
                        scenario = load_scenario(component, name)
                        key = cache.scenario_key(scenario, digest)
                    except Exception as error:
                        self._errors[(component, name)] = error
                        continue
                    cached = cache.load(key, scenario.id)
                    if cached is not None:
                        hits += 1
                        self.cache_hits += 1
                        self._outcomes[(component, name)] = cached
                    else:
                        pending.append((scenario, key))
            if not pending:
                if hits:
                    self._emit(kind="plan-start", cached=hits)
                return
            self._terraform_ahead()
            ahead = None
            if self.batch:  # the batches' providers, installed while the templates build
                ahead = threading.Thread(
                    target=self._providers.prepare, args=(self._env, self.timings), daemon=True
                )
                ahead.start()
            self._prepare_templates({s.component for s, _ in pending})
            broken = {  # a component whose template failed (init): all its scenarios fail
                s.component: self._errors[s.component, s.name]
                for s, _ in pending
                if (s.component, s.name) in self._errors
            }
            for component, error in sorted(broken.items()):
                self._emit(kind="plan-error", subject=component, error=describe(error))
            if self.batch:
                groups, work = self._groups(pending), self._plan_batch
            else:
                groups, work = [[p] for p in pending], lambda g: self._plan_alone_and_keep(g[0])
            planned = sum(map(len, groups))
            self._emit(kind="plan-start", count=planned, total=len(groups), cached=hits)
            finished = iter(range(1, len(groups) + 1))

            def plan_and_report(group: list[tuple[Scenario, str]]) -> None:
                started = time.perf_counter()
                work(group)
                with self._lock:
                    index = next(finished)
                self._report(group, index, len(groups), time.perf_counter() - started)

            if self.batch and attaching_enabled():
                self._servers = ProviderServers(
                    self._providers.aws_binary,
                    self._env,
                    self.root / "provider-servers",
                    self.timings,
                )
            try:
                self._in_workers(plan_and_report, groups)
            finally:
                if ahead is not None:
                    ahead.join()
                if self._servers is not None:
                    self._servers.close()
                    self._servers = None

    def _emit(self, **fields: Any) -> None:
        if self.listener is not None:
            self.listener(Event(**fields))

    def _report(
        self, group: list[tuple[Scenario, str]], index: int, total: int, seconds: float
    ) -> None:
        """A batch planned, then each of its scenarios that failed or ended other than its
        file declares (a refusal without `expect_failures`, or a clean plan with them)."""
        if self.listener is None:
            return
        components = ", ".join(sorted({s.component for s, _ in group}))
        self._emit(
            kind="plan-batch",
            subject=components,
            index=index,
            total=total,
            seconds=seconds,
            count=len(group),
        )
        for scenario, _ in group:
            key = (scenario.component, scenario.name)
            outcome = self._outcomes.get(key)
            if key in self._errors:
                error = describe(self._errors[key])
            elif isinstance(outcome, Rejection) and not scenario.expects_rejection:
                error = "refused, but its file declares no expect_failures:\n" + "\n".join(
                    f"  - {d}" for d in outcome.errors
                )
            elif isinstance(outcome, Plan) and scenario.expects_rejection:
                error = "planned cleanly, but its file expects failures of " + ", ".join(
                    scenario.expect_failures
                )
            else:
                continue
            self._emit(kind="plan-error", subject=scenario.id, error=error)

    def _in_workers(self, work: Callable[[Any], None], items: list[Any]) -> None:
        """Run `work` on each item, `jobs` at once, under one Cancellation: an interrupt (a
        KeyboardInterrupt here) stops every Terraform process the workers started before the
        pool is waited for, and nothing they were planning is kept or cached."""
        cancellation = Cancellation()
        self._cancellation = cancellation

        def in_scope(item: Any) -> None:
            with cancellation.scope():
                work(item)

        pool = ThreadPoolExecutor(max_workers=self.jobs)
        try:
            with sigterm_as_interrupt("planning"):
                futures = [pool.submit(in_scope, item) for item in items]
                pending = set(futures)
                while pending:
                    # In slices: the kernel may hand SIGINT to a worker thread, and Python acts
                    # on it only when the main thread runs again; this bounds that to 0.5 s.
                    _, pending = wait(pending, timeout=0.5)
            for future in futures:
                future.result()  # a worker's error, raised here as pool.map would
        except BaseException:
            cancellation.cancel()
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            self._cancellation = None

    def _prepare_templates(self, components: set[str]) -> None:
        def prepare(component: str) -> None:
            try:
                self.template(component).ensure_ready()
            except Exception as error:
                for name in scenario_names_or_default(component):
                    self._errors.setdefault((component, name), error)

        with ThreadPoolExecutor(max_workers=self.jobs) as pool:
            list(pool.map(prepare, sorted(components)))

    def _groups(self, pending: list[tuple[Scenario, str]]) -> list[list[tuple[Scenario, str]]]:
        """Batches for the workers, by the phase each scenario's plan ends in (`phase_of`)
        and, within a phase, by the region a provider server could serve them in.

        Terraform ends a run at the first walk that fails and writes no plan, so a batch
        mixing scenarios that end in different phases is planned again for its survivors.
        Kept apart: clean plans; refusals in the validate walk (cheap: nothing is planned);
        refusals in the plan walk. Each batch then takes one run, unless a variable with
        validations of both kinds is refused by the one checked later. Measured on vpc's
        22 scenarios, planner alone, cold: refusals apart from clean plans only, 4 batches
        and 6 runs, 24.6 s; by the kind of rule expected (var.x or not), 3 batches and 4
        runs, 16.6 s; by walk, 3 batches and 3 runs (see the README for the figures).

        A provider server serves one region (`provider_server`). So the phase's scenarios
        whose providers all stand in its most common region fill its batches, and the rest
        (other regions, several regions, a component that configures its own providers) go
        to its last batch, whose Terraform then starts its providers itself: the other
        batches attach to servers, and no run is added for the few that cannot (batching
        them apart cost 4 more runs and as much time as the servers saved). A phase is
        spread over up to `jobs` batches of at least MIN_BATCH scenarios (a run's fixed
        cost is not worth paying for fewer), components mixed; the costliest start first
        (`PHASE_COST`): batches in the order of their size left one worker planning alone for
        the last 7 s of 52.
        """
        ready = [(s, k) for s, k in pending if (s.component, s.name) not in self._errors]
        components = {s.component for s, _ in ready}
        walks = {c: self._walks(c) for c in components}
        aliases = {c: self._alias_regions(c) for c in components}
        phases = {s.id: phase_of(s, walks[s.component]) for s, _ in ready}
        groups: list[tuple[float, list[tuple[Scenario, str]]]] = []
        for phase in (PLANS, VALIDATIONS, LATER_RULES):
            by_region: dict[str | None, list[tuple[Scenario, str]]] = {}
            for item in sorted(
                (p for p in ready if phases[p[0].id] == phase),
                key=lambda p: (p[0].component, p[0].name),
            ):
                by_region.setdefault(
                    _server_region(item[0], aliases[item[0].component]), []
                ).append(item)
            served = max(
                (r for r in by_region if r is not None),
                key=lambda r: len(by_region[r]),
                default=None,
            )
            common = by_region.pop(served, [])
            rest = [item for region in sorted(by_region, key=str) for item in by_region[region]]
            count = max(1, min(self.jobs, math.ceil((len(common) + len(rest)) / MIN_BATCH)))
            kind: list[list[tuple[Scenario, str]]] = [[] for _ in range(count)]
            kind[-1].extend(rest)
            for item in common:  # one at a time to the smallest: components stay mixed
                min(kind, key=len).append(item)
            groups.extend((PHASE_COST[phase] * len(g), g) for g in kind if g)
        return [g for _, g in sorted(groups, key=lambda cost_group: -cost_group[0])]

    def _alias_regions(self, component: str) -> frozenset[str] | None:
        try:
            return alias_regions(self.template(component))
        except Exception:  # unreadable: its scenarios' plans say why
            return None

    def _walks(self, component: str) -> Mapping[str, tuple[Walked, ...]]:
        """The component's `validation_walks` (read from its source files); an unreadable
        file counts every validation as checked early (its scenarios' plans say why)."""
        try:
            return validation_walks(self.template(component).component.path)
        except Exception:
            return {}

    def _keep(self, scenario: Scenario, key: str, outcome: Outcome | BaseException) -> None:
        if isinstance(outcome, BaseException):
            self._errors[(scenario.component, scenario.name)] = outcome
            return
        cancellation = self._cancellation
        if cancellation is None:
            cache.store(key, outcome)
        else:  # an outcome finished before an interrupt is kept; after one, none is
            with cancellation.unless_cancelled():
                cache.store(key, outcome)
        self._outcomes[(scenario.component, scenario.name)] = outcome

    def _plan_batch(self, group: list[tuple[Scenario, str]]) -> None:
        with self._lock:
            self._batches += 1
            directory = self.root / "batches" / f"b{self._batches:02d}"
        keys = {s.id: k for s, k in group}
        by_id = {s.id: s for s, _ in group}
        early = {
            s.id
            for s, _ in group
            if variables_only_enabled()
            and phase_of(s, walks := self._walks(s.component)) == VALIDATIONS
            and decided_by_variables(s, walks)
        }
        refused = {s.id for s, _ in group if rules_only_enabled() and s.expects_rejection} - early
        members, alone, errors = prepare_members(
            directory, [(s, self.template(s.component)) for s, _ in group], early, refused
        )
        for scenario_id, error in errors.items():
            self._keep(by_id[scenario_id], keys[scenario_id], error)
        for scenario in alone:
            self._keep(scenario, keys[scenario.id], self._plan_alone(scenario))
        if not members:
            return
        batch = Batch(
            directory,
            self._env,
            self.timings,
            subject=directory.name,
            providers=self._providers,
            servers=self._servers,
        )
        try:
            results = batch.run(members, self._plan_alone)
        except Exception as error:  # the batch itself broke: plan its members alone
            results = {m.scenario.id: self._plan_alone(m.scenario) for m in members}
            if all(isinstance(r, BaseException) for r in results.values()):
                results = {m.scenario.id: error for m in members}
        for member in members:
            scenario_id = member.scenario.id
            self._keep(member.scenario, keys[scenario_id], results[scenario_id])
        if not self.keep:
            shutil.rmtree(directory, ignore_errors=True)

    def _plan_alone_and_keep(self, item: tuple[Scenario, str]) -> None:
        scenario, key = item
        self._keep(scenario, key, self._plan_alone(scenario))

    def _plan_alone(self, scenario: Scenario) -> Outcome | BaseException:
        try:
            workspace = self.workspace(scenario)
            try:
                return workspace.try_plan()
            finally:
                if not self.keep:
                    workspace.cleanup()
        except Exception as error:  # kept and re-raised for the test that asks for it
            return error

    def close(self) -> None:
        if not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)
