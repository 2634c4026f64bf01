"""Upgrade proofs: a stack deployed from an older commit, planned with today's code.

A refactor that renames resource addresses (a block moved into a shared module) must carry
every address with a ``moved`` block, or upgrading a deployed stack destroys and recreates
the resource: a new KMS key, an emptied bucket, a topic without subscribers. The proof is the
plan itself:

1. the component's tree, its local modules and its scenario file are taken from git at the
   older commit (``tree_at``), and its scenario is applied to the target as it was then;
2. today's code is planned against that state, with today's scenario of the same name;
3. ``Upgrade.problems`` lists every create, destroy or replace in that plan (an upgrade must
   show moves and in-place updates only), and ``moves`` / ``updates`` say what it would do.

An emulator can make even the old code re-plan a replace (moto stores a flow log's
``destination_options`` as ``[]``): the old code's own re-plan on its state is taken first, and
a change it shows too, at the same address or the one moved from, is the emulator's
(``Upgrade.emulator_drift``), not the upgrade's.

The old deployment is destroyed from its own state afterwards, so a failing proof leaves
nothing behind (the run manifest records it until then, as for every deployment).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tfharness import layout
from tfharness.deploying.deployment import Deployment, provider_files
from tfharness.deploying.runs import Run
from tfharness.errors import HarnessError
from tfharness.planning.components import Component, find_component
from tfharness.planning.scenarios import load_scenario
from tfharness.terraform.plan import Plan
from tfharness.terraform.timings import Timings
from tfharness.terraform.workspace import Template, Workspace


def _git(*args: str, root: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, check=False)


def has_revision(revision: str, root: Path | None = None) -> bool:
    """Whether the project's git history holds `revision` (a shallow clone may not)."""
    root = root or layout.project_root()
    return _git("cat-file", "-e", f"{revision}^{{commit}}", root=root).returncode == 0


def changed_since(revision: str, component: Component, root: Path | None = None) -> bool:
    """Whether the component's files (its folder and the local modules it calls today)
    differ between `revision` and the working tree."""
    root = (root or layout.project_root()).resolve()
    paths = [
        str(d.resolve().relative_to(root))
        for d in (component.path, *component.module_dirs)
        if d.resolve().is_relative_to(root)
    ]
    done = _git("diff", "--quiet", revision, "--", *paths, root=root)
    if done.returncode not in (0, 1):
        raise HarnessError(f"git diff {revision} failed: {done.stderr.decode().strip()}")
    return done.returncode == 1


def tree_at(revision: str, destination: Path, root: Path | None = None) -> Path:
    """Extract the components, shared modules and scenario files of `revision` into
    `destination` (laid out as in the project); return `destination`."""
    root = (root or layout.project_root()).resolve()
    if not has_revision(revision, root):
        raise HarnessError(
            f"{revision} is not in this repository's history: fetch it "
            "(`git fetch --unshallow` in a shallow clone) or name another commit."
        )
    wanted = [
        str(p.resolve().relative_to(root))
        for p in (layout.components_root(), layout.modules_root(), layout.scenarios_root())
        if p.resolve().is_relative_to(root)
    ]
    listed = _git("ls-tree", "--name-only", revision, "--", *wanted, root=root)
    present = [line for line in listed.stdout.decode().splitlines() if line]
    archive = _git("archive", "--format=tar", revision, "--", *present, root=root)
    if archive.returncode != 0:
        raise HarnessError(f"git archive {revision} failed: {archive.stderr.decode().strip()}")
    if destination.exists():
        shutil.rmtree(destination)
    destination.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(destination, filter="data")
    return destination


@dataclass(frozen=True)
class Change:
    address: str
    previous_address: str | None
    actions: tuple[str, ...]
    attributes: tuple[str, ...]  # top-level attributes an update changes

    def __str__(self) -> str:
        moved = f" (from {self.previous_address})" if self.previous_address else ""
        what = f": {', '.join(self.attributes)}" if self.attributes else ""
        return f"{self.address}{moved} {'/'.join(self.actions)}{what}"


def managed_changes(plan: Plan) -> list[Change]:
    changes = []
    for raw in plan.raw.get("resource_changes") or []:
        if raw.get("mode") != "managed":
            continue
        change = raw.get("change") or {}
        before, after = change.get("before") or {}, change.get("after") or {}
        unknown = change.get("after_unknown") or {}
        attributes = tuple(
            sorted(
                key
                for key in {*before, *after, *unknown}
                if before.get(key) != after.get(key) or unknown.get(key)
            )
        )
        actions = tuple(change.get("actions") or ())
        changes.append(
            Change(
                raw["address"],
                raw.get("previous_address"),
                actions,
                attributes if "update" in actions else (),
            )
        )
    return changes


class Upgrade:
    """Apply `component`'s scenario as of `revision`, then plan today's code on that state.

    A context manager: entering applies the old code and takes the new plan; leaving destroys
    the old deployment (from its own state, untouched by the new plan).
    """

    def __init__(
        self,
        component: str,
        scenario: str,
        revision: str,
        run: Run,
        *,
        env: dict[str, str],
        emulator: bool = True,
        extra_vars: dict[str, Any] | None = None,
        work: Path,
    ) -> None:
        self.component = find_component(component)
        self.revision = revision
        self.run = run
        self.env = env
        self.emulator = emulator
        self.extra_vars = dict(extra_vars or {})
        self.work = work
        root = layout.project_root().resolve()
        old_tree = tree_at(revision, work / "tree", root)
        relative = self.component.path.resolve().relative_to(root)
        old_component = Component(self.component.name, old_tree / relative)
        if not old_component.path.is_dir():
            raise HarnessError(f"{self.component.name} did not exist at {revision}")
        scenarios_dir = old_tree / layout.scenarios_root().resolve().relative_to(root)
        self.old_scenario = load_scenario(self.component.name, scenario, root=scenarios_dir)
        self.new_scenario = load_scenario(self.component.name, scenario)
        self.timings = Timings()
        self.old = Deployment(
            Template(old_component, work / "old", env, self.timings),
            self.old_scenario,
            run,
            env=env,
            emulator=emulator,
            extra_vars=self.extra_vars,
        )
        self.plan: Plan | None = None
        self.old_replan: Plan | None = None

    def __enter__(self) -> Upgrade:
        self.old.__enter__()
        try:
            self.old_replan = self.old.replan_after_apply()
            self.plan = self._plan_new_code()
        except BaseException:
            self.old.destroy()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.old.destroy()

    def _plan_new_code(self) -> Plan:
        template = Template(self.component, self.work / "new", self.env, self.timings)
        template.ensure_ready()
        inputs = {**self.new_scenario.vars, **self.extra_vars}
        workspace = Workspace(
            template,
            f"{self.new_scenario.id} [upgrade from {self.revision[:12]}]",
            self.work / "new-workspace",
            inputs,
            extra_files=provider_files(template.workdir, self.run.run_id, emulator=self.emulator),
            env=self.env,
            standalone=True,
        )
        shutil.copy2(self.old.workspace.dir / "terraform.tfstate", workspace.dir)
        return workspace.plan()

    @property
    def changes(self) -> list[Change]:
        assert self.plan is not None, "enter the Upgrade first"
        return managed_changes(self.plan)

    @property
    def moves(self) -> list[Change]:
        return [c for c in self.changes if c.previous_address]

    @property
    def updates(self) -> list[Change]:
        return [c for c in self.changes if "update" in c.actions]

    def _drifting(self) -> set[tuple[str, tuple[str, ...]]]:
        if self.old_replan is None:
            return set()
        return {(c.address, c.actions) for c in managed_changes(self.old_replan)}

    @property
    def emulator_drift(self) -> list[Change]:
        """Creates/destroys the old code plans on its own state too (the emulator's doing)."""
        drifting = self._drifting()
        return [
            c
            for c in self.changes
            if {"create", "delete"} & set(c.actions)
            and ((c.previous_address or c.address), c.actions) in drifting
        ]

    @property
    def problems(self) -> list[Change]:
        """Creates, destroys and replaces: what an upgrade must never plan (less the
        emulator's own drift, which the old code shows as well)."""
        drift = set(self.emulator_drift)
        return [c for c in self.changes if {"create", "delete"} & set(c.actions) and c not in drift]
