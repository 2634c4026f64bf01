"""Isolated copies of a component to run Terraform in.

* ``Template``: one per component and session. The component and every local module it
  calls are copied into the session's work directory, laid out as in the project (so relative
  module sources resolve exactly as in place), its code package is built there
  (``lambda/build.py``), and ``terraform init`` runs once. Nothing is ever written under
  ``components/``.
* ``Workspace``: one per scenario (or apply). A copy of the template's files plus the inputs as
  ``scenario.auto.tfvars.json``; it shares the template's initialised data directory through
  ``TF_DATA_DIR``, so init is never repeated. State and plan files stay in the workspace.

``plan()`` raises on rejection, ``try_plan()`` returns the ``Plan`` or the ``Rejection``;
``apply()`` raises, ``destroy()`` is what ``Deployment`` always calls, even when a test fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tfharness.errors import (
    HarnessError,
    ScenarioFileError,
    TerraformFailed,
    UnexpectedPlanFailure,
)
from tfharness.planning.components import Component
from tfharness.planning.scenarios import encode_inputs
from tfharness.terraform.command import Result, Terraform
from tfharness.terraform.diagnostics import Rejection, parse_stream
from tfharness.terraform.plan import Plan
from tfharness.terraform.timings import Timings

__all__ = ["INPUTS_FILE", "PLAN_FILE", "Result", "Template", "Workspace"]

INPUTS_FILE = "scenario.auto.tfvars.json"
PLAN_FILE = "scenario.tfplan"

_PLAN_FLAGS = {"refresh": "-refresh", "parallelism": "-parallelism", "destroy": "-destroy"}


def _flags(options: Mapping[str, Any]) -> list[str]:
    """Turn keyword options into plan flags; unknown options are rejected, never dropped."""
    unknown = set(options) - set(_PLAN_FLAGS)
    if unknown:
        raise TypeError(f"unknown plan options {sorted(unknown)}; known: {sorted(_PLAN_FLAGS)}")
    flags = []
    for key, value in options.items():
        if isinstance(value, bool):
            flags.append(f"{_PLAN_FLAGS[key]}={'true' if value else 'false'}")
        else:
            flags.append(f"{_PLAN_FLAGS[key]}={value}")
    return flags


def copy_tree(files: list[Path], source_root: Path, destination: Path) -> None:
    """Copy files, keeping their paths relative to `source_root`."""
    for path in files:
        target = destination / path.relative_to(source_root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)


def link_tree(files: list[Path], source_root: Path, destination: Path) -> None:
    """`copy_tree` by hard links where the file system allows (a batch member's copy of its
    template: preparing 150 members took 1.1 s of CPU instead of 1.9 s), by copy where not. The links share their file with the template: replace a file (`unlink`, then
    write), never write into it."""
    made: set[Path] = set()
    for path in files:
        target = destination / path.relative_to(source_root)
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        try:
            os.link(path, target)
        except OSError:  # another file system, or one without hard links
            shutil.copy2(path, target)


class Template:
    """A component copied, built and initialised once; the source of every workspace.

    `dir` holds the copy of the component's tree (itself and its local modules); `workdir`
    is the component's own folder inside it, where Terraform runs.
    """

    def __init__(
        self, component: Component, root: Path, env: Mapping[str, str], timings: Timings
    ) -> None:
        self.component = component
        self.dir = root / "templates" / component.name
        self.relative_dir = component.relative_dir
        self.env = dict(env)
        self.timings = timings
        self._ready = False
        self._initialised = False
        self._lock = threading.Lock()

    @property
    def workdir(self) -> Path:
        return self.dir / self.relative_dir

    @property
    def data_dir(self) -> Path:
        return self.workdir / ".terraform"

    def ensure_ready(self) -> Template:
        """Copy and build (once); batches need no more than this."""
        with self._lock:
            if not self._ready:
                self._prepare()
                self._ready = True
        return self

    def ensure_initialised(self) -> Template:
        """Also run `terraform init` (once): workspaces share this data directory."""
        self.ensure_ready()
        with self._lock:
            if not self._initialised:
                Terraform(self.workdir, self.env).init(self.component.name, self.timings)
                self._initialised = True
        return self

    def files(self) -> list[Path]:
        """The template's files, the data directory excluded."""
        return [
            p
            for p in sorted(self.dir.rglob("*"))
            if p.is_file() and ".terraform" not in p.relative_to(self.dir).parts
        ]

    def _prepare(self) -> None:
        if self.dir.exists():
            shutil.rmtree(self.dir)
        self.dir.mkdir(parents=True)
        copy_tree(self.component.source_files(), self.component.tree_root, self.dir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        if self.component.build_script is not None:
            relative = self.component.build_script.relative_to(self.component.path)
            with self.timings.measure("build", self.component.name):
                done = subprocess.run(
                    [sys.executable, str(self.workdir / relative)],
                    cwd=self.workdir,
                    capture_output=True,
                    text=True,
                    check=False,
                )
            if done.returncode != 0:
                raise TerraformFailed(
                    f"{self.component.name}: building its package with {relative} failed:\n"
                    f"{done.stderr.strip() or done.stdout.strip()}",
                    command="build",
                    returncode=done.returncode,
                    stderr=done.stderr,
                )


class Workspace:
    """An isolated working copy of one component with one set of inputs."""

    def __init__(
        self,
        template: Template,
        label: str,
        directory: Path,
        inputs: Mapping[str, Any],
        *,
        extra_files: Mapping[str, str] | None = None,
        env: Mapping[str, str] | None = None,
        standalone: bool = False,
        reattach: bool = False,
    ) -> None:
        """`standalone` workspaces run their own init (they outlive the session: applies).
        `reattach` rebuilds a standalone workspace over a deployment kept from an earlier
        session: today's files, the same state (`kept_files()`)."""
        self.template = template.ensure_ready() if standalone else template.ensure_initialised()
        self.label = label
        self.root = directory  # the copy of the template's tree
        self.dir = directory / template.relative_dir  # where Terraform runs
        kept = self._set_aside() if reattach else None
        if self.root.exists():
            shutil.rmtree(self.root)
        self.root.mkdir(parents=True)
        copy_tree(template.files(), template.dir, self.root)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.previous_inputs = self._restore(kept) if kept else None
        (self.dir / INPUTS_FILE).write_text(encode_inputs(dict(inputs), where=label))
        for name, text in (extra_files or {}).items():
            (self.dir / name).write_text(text)
        self.env = {**template.env, **(env or {})}
        if not standalone:
            self.env["TF_DATA_DIR"] = str(template.data_dir)
        self.tf = Terraform(self.dir, self.env)
        self.timings = template.timings
        if standalone:
            self.tf.init(label, self.timings)

    # What a kept deployment's workspace carries over to the session that reuses it.
    KEPT = ("terraform.tfstate", "terraform.tfstate.backup", ".terraform", ".terraform.lock.hcl")

    def _set_aside(self) -> Path:
        if not (self.dir / "terraform.tfstate").is_file():
            raise HarnessError(
                f"{self.label}: no state in {self.dir}: nothing was kept there to reuse."
            )
        aside = self.root.with_name(f".{self.root.name}.kept")
        shutil.rmtree(aside, ignore_errors=True)
        aside.mkdir(parents=True)
        for name in (*self.KEPT, INPUTS_FILE):
            if (self.dir / name).exists():
                shutil.move(self.dir / name, aside / name)
        return aside

    def _restore(self, aside: Path) -> dict[str, Any] | None:
        """Put the kept state back; return the inputs the deployment was applied with."""
        previous = aside / INPUTS_FILE
        inputs = json.loads(previous.read_text()) if previous.is_file() else None
        for name in self.KEPT:
            if (aside / name).exists():
                shutil.move(aside / name, self.dir / name)
        shutil.rmtree(aside, ignore_errors=True)
        return inputs

    @property
    def subject(self) -> str:
        return self.label

    def run(self, command: str, *args: str) -> Result:
        """Run a Terraform command; a non-zero exit is returned, not raised."""
        return self.tf.run(command, *args)

    # Plans ------------------------------------------------------------------------------
    def try_plan(self, **options: Any) -> Plan | Rejection:
        """Plan; return the Plan, or the Rejection (diagnostics) when Terraform refuses."""
        flags = ["-input=false", "-no-color", "-json", f"-out={PLAN_FILE}", *_flags(options)]
        with self.timings.measure("plan", self.subject):
            result = self.run("plan", *flags)
        diagnostics = parse_stream(result.stdout.splitlines(), self.dir)
        undeclared = [
            d.message.split(" but ")[0]
            for d in diagnostics
            if d.summary == "Value for undeclared variable"
        ]
        if undeclared:
            # Terraform only warns; a typo in a scenario would silently test the defaults.
            raise ScenarioFileError(
                f"{self.label}: sets inputs the component does not declare: "
                + "; ".join(undeclared)
                + ". Fix the name in the scenario file."
            )
        if result.returncode not in (0, 2):
            if not any(d.severity == "error" for d in diagnostics):
                raise TerraformFailed(
                    f"{self.label}: terraform plan failed without diagnostics:\n{result.stderr}",
                    command="plan",
                    returncode=result.returncode,
                    stderr=result.stderr,
                )
            return Rejection(self.label, diagnostics, result.stderr)
        with self.timings.measure("show", self.subject):
            shown = self.run("show", "-no-color", "-json", PLAN_FILE)
        if shown.returncode != 0:
            raise TerraformFailed(
                f"{self.label}: terraform show failed:\n{shown.stderr}",
                command="show",
                returncode=shown.returncode,
                stderr=shown.stderr,
            )
        warnings = tuple(d for d in diagnostics if d.severity == "warning")
        return Plan(json.loads(shown.stdout), label=self.label, warnings=warnings)

    def plan(self, **options: Any) -> Plan:
        outcome = self.try_plan(**options)
        if isinstance(outcome, Rejection):
            raise UnexpectedPlanFailure(
                f"{self.label}: expected a clean plan, Terraform rejected it:\n"
                + "\n".join(f"  - {d}" for d in outcome.errors),
                command="plan",
                returncode=1,
                stderr=outcome.stderr,
                diagnostics=outcome.diagnostics,
            )
        return outcome

    # Apply and destroy ------------------------------------------------------------------
    def apply(self) -> None:
        """Apply the inputs; raises TerraformFailed (state is kept for destroy/sweep)."""
        with self.timings.measure("apply", self.subject):
            result = self.run("apply", "-input=false", "-no-color", "-auto-approve", "-json")
        self._raise_unless_ok("apply", result)

    def destroy(self) -> None:
        with self.timings.measure("destroy", self.subject):
            result = self.run("destroy", "-input=false", "-no-color", "-auto-approve", "-json")
        self._raise_unless_ok("destroy", result)

    def outputs(self) -> dict[str, Any]:
        result = self.run("output", "-json")
        self._raise_unless_ok("output", result)
        return {k: v.get("value") for k, v in json.loads(result.stdout or "{}").items()}

    def state(self) -> dict[str, Any]:
        result = self.run("show", "-json")
        self._raise_unless_ok("show", result)
        return json.loads(result.stdout or "{}")

    def has_state(self) -> bool:
        state = self.dir / "terraform.tfstate"
        return state.is_file() and bool(json.loads(state.read_text() or "{}").get("resources"))

    def changes_pending(self) -> Plan | None:
        """Idempotency: None when `plan -detailed-exitcode` reports no changes, else the plan."""
        with self.timings.measure("replan", self.subject):
            result = self.run(
                "plan", "-input=false", "-no-color", "-detailed-exitcode", f"-out={PLAN_FILE}"
            )
        if result.returncode == 0:
            return None
        if result.returncode != 2:
            raise TerraformFailed(
                f"{self.label}: re-plan failed:\n{result.stderr or result.stdout}",
                command="plan",
                returncode=result.returncode,
                stderr=result.stderr,
            )
        shown = self.run("show", "-no-color", "-json", PLAN_FILE)
        return Plan(json.loads(shown.stdout), label=f"{self.label} (re-plan)")

    def _raise_unless_ok(self, command: str, result: Result) -> None:
        if result.returncode == 0:
            return
        diagnostics = parse_stream(result.stdout.splitlines(), self.dir)
        errors = [d for d in diagnostics if d.severity == "error"]
        detail = "\n".join(f"  - {d}" for d in errors) or result.stderr or result.stdout[-4000:]
        raise TerraformFailed(
            f"{self.label}: terraform {command} failed (exit {result.returncode}):\n{detail}",
            command=command,
            returncode=result.returncode,
            stderr=result.stderr,
            diagnostics=tuple(diagnostics),
        )

    def cleanup(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
