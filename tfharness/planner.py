"""Plans scenarios once per session and shares each result with every test that asks.

The first request for any scenario of a component plans all of that component's scenarios
(``TFHARNESS_JOBS`` at a time, default 2 for the 2-core test machines) and keeps each outcome:
a ``Plan`` for a clean plan, a ``Rejection`` for a refused one. Tests then ask for the outcome
they expect; the wrong kind raises a typed error carrying Terraform's diagnostics.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tfharness.components import find_component
from tfharness.diagnostics import Rejection
from tfharness.emulator import Endpoint
from tfharness.errors import UnexpectedPlanFailure, UnexpectedPlanSuccess
from tfharness.plan import Plan
from tfharness.runner import Template, Workspace
from tfharness.scenarios import Scenario, load_scenario, scenario_names
from tfharness.timings import Timings
from tfharness.toolchain import cli_config, terraform_binary

Outcome = Plan | Rejection


def default_jobs() -> int:
    return max(1, int(os.environ.get("TFHARNESS_JOBS", "2")))


class Planner:
    """Session-wide planning service: templates, workspaces and cached outcomes."""

    def __init__(self, endpoint: Endpoint, *, root: Path | None = None,
                 jobs: int | None = None, keep: bool | None = None) -> None:
        terraform_binary()  # fail early, with the message that says what to install
        self.endpoint = endpoint
        self.root = root or Path(tempfile.mkdtemp(prefix="tfharness-"))
        self.jobs = jobs or default_jobs()
        self.keep = keep if keep is not None else os.environ.get("TFHARNESS_KEEP") == "1"
        self.timings = Timings()
        self.env = {**cli_config().env(), **endpoint.env()}
        self._templates: dict[str, Template] = {}
        self._outcomes: dict[tuple[str, str], Outcome] = {}
        self._errors: dict[tuple[str, str], BaseException] = {}
        self._lock = threading.Lock()
        self._component_locks: dict[str, threading.Lock] = {}

    def template(self, component: str) -> Template:
        with self._lock:
            if component not in self._templates:
                self._templates[component] = Template(
                    find_component(component), self.root, self.env, self.timings
                )
            return self._templates[component]

    def workspace(self, scenario: Scenario, *, purpose: str = "plans",
                  extra_files: dict[str, str] | None = None,
                  env: dict[str, str] | None = None) -> Workspace:
        directory = self.root / purpose / scenario.component / scenario.name
        return Workspace(self.template(scenario.component), scenario.id, directory,
                         scenario.vars, extra_files=extra_files, env=env)

    # Outcomes ---------------------------------------------------------------------------
    def outcome(self, component: str, scenario: str = "default") -> Outcome:
        key = (component, scenario)
        load_scenario(component, scenario)  # unknown names fail here, with the list of known
        self._plan_component(component)
        if key in self._errors:
            raise self._errors[key]
        return self._outcomes[key]

    def plan(self, component: str, scenario: str = "default") -> Plan:
        outcome = self.outcome(component, scenario)
        if isinstance(outcome, Rejection):
            raise UnexpectedPlanFailure(
                f"{component}:{scenario}: expected a clean plan, Terraform rejected it:\n"
                + "\n".join(f"  - {d}" for d in outcome.errors),
                command="plan", returncode=1, stderr=outcome.stderr,
                diagnostics=outcome.diagnostics,
            )
        return outcome

    def rejection(self, component: str, scenario: str) -> Rejection:
        outcome = self.outcome(component, scenario)
        if isinstance(outcome, Plan):
            raise UnexpectedPlanSuccess(
                f"{component}:{scenario}: expected Terraform to reject the plan, but it planned "
                f"{len(outcome.managed)} resources cleanly. Check the scenario's inputs break "
                "the rule the test names."
            )
        return outcome

    def planned(self) -> dict[tuple[str, str], Outcome]:
        return dict(self._outcomes)

    def _plan_component(self, component: str) -> None:
        with self._lock:
            lock = self._component_locks.setdefault(component, threading.Lock())
        with lock:
            pending = [
                name for name in scenario_names(component)
                if (component, name) not in self._outcomes and (component, name) not in self._errors
            ]
            if not pending:
                return
            self.template(component).ensure_ready()
            with ThreadPoolExecutor(max_workers=self.jobs) as pool:
                for name, result in zip(
                    pending, pool.map(lambda n: self._plan_one(component, n), pending), strict=True
                ):
                    if isinstance(result, BaseException):
                        self._errors[(component, name)] = result
                    else:
                        self._outcomes[(component, name)] = result

    def _plan_one(self, component: str, name: str) -> Outcome | BaseException:
        try:
            workspace = self.workspace(load_scenario(component, name))
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
