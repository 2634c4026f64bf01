"""Atmos stacks as component inputs.

With ``atmos`` on PATH, a component's inputs in a stack are what ``atmos describe component
<component> -s <stack>`` says. Without it, the harness resolves the subset of Atmos these stack
files use, and says so once per session:

* ``import:``: a list of stack paths relative to ``stacks/`` (``.yaml`` optional, globs allowed),
  imported depth-first before the importing file's own settings;
* ``vars:`` at the top level apply to every component; ``components.terraform.<name>.vars``
  to one; later files and the importing file win, maps deep-merge, lists are replaced.

Deployable stacks are the files under ``stacks/deploy/`` (``dev``, ``staging``, ``prod``);
each becomes a scenario ``stack:<stack>`` of every component it configures, planned with the
rest. A scenario file may build on one: ``extends: stack:prod``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from tfharness import layout
from tfharness.errors import ScenarioFileError, UnknownScenario

STACK_PREFIX = "stack:"


def stacks_root() -> Path:
    return layout.stacks_root()


def deploy_stacks() -> list[str]:
    """Names of the deployable stacks (files under stacks/deploy/)."""
    directory = stacks_root() / "deploy"
    return sorted(p.stem for p in directory.glob("*.yaml")) if directory.is_dir() else []


@cache
def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as error:
        raise ScenarioFileError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise ScenarioFileError(f"{path}: a stack file must be a mapping")
    return data


def _resolve_import(name: str) -> list[Path]:
    root = stacks_root()
    pattern = name if name.endswith((".yaml", ".yml")) else f"{name}.yaml"
    found = sorted(root.glob(pattern))
    if not found:
        raise ScenarioFileError(f"stack import {name!r} matches no file under {root}")
    return found


@cache  # like `_read`, whose files it merges: read once a process (1.7 s of a warm plan run)
def _merged(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    from tfharness.planning.scenarios import deep_merge

    if path in seen:
        raise ScenarioFileError(f"stack import cycle: {' -> '.join(p.name for p in (*seen, path))}")
    data = _read(path)
    merged: dict[str, Any] = {}
    for name in data.get("import") or []:
        for imported in _resolve_import(name):
            merged = deep_merge(merged, _merged(imported, (*seen, path)))
    own = {k: v for k, v in data.items() if k != "import"}
    return deep_merge(merged, own)


def _stack_path(stack: str) -> Path:
    path = stacks_root() / "deploy" / f"{stack}.yaml"
    if not path.is_file():
        raise UnknownScenario(
            f"no stack {stack!r}: known stacks are "
            f"{', '.join(deploy_stacks()) or '(none)'} under {path.parent}"
        )
    return path


def configured_components(stack: str) -> list[str]:
    merged = _merged(_stack_path(stack))
    return sorted(((merged.get("components") or {}).get("terraform") or {}).keys())


def stacks_for(component: str) -> list[str]:
    """The deployable stacks that configure this component."""
    return [s for s in deploy_stacks() if component in configured_components(s)]


def _atmos() -> str | None:
    if os.environ.get("TFHARNESS_ATMOS", "1") == "0":
        return None
    return shutil.which("atmos")


def resolver() -> str:
    """Who turns stacks into inputs, for the run summary."""
    binary = _atmos()
    return (
        f"atmos ({binary})"
        if binary
        else "tfharness.tooling.stacks (atmos is not installed: imports and deep-merged vars resolved here)"
    )


def component_vars(stack: str, component: str) -> dict[str, Any]:
    """The inputs Atmos would give `component` in `stack`."""
    from tfharness.planning.scenarios import deep_merge

    binary = _atmos()
    if binary:
        done = subprocess.run(
            [binary, "describe", "component", component, "-s", stack, "--format", "json"],
            capture_output=True,
            text=True,
            cwd=stacks_root().parent,
            check=False,
        )
        if done.returncode != 0:
            raise ScenarioFileError(
                f"atmos describe component {component} -s {stack}: {done.stderr.strip()}"
            )
        return json.loads(done.stdout).get("vars") or {}
    merged = _merged(_stack_path(stack))
    components = (merged.get("components") or {}).get("terraform") or {}
    if component not in components:
        raise UnknownScenario(f"stack {stack!r} does not configure component {component!r}")
    return deep_merge(merged.get("vars") or {}, (components[component] or {}).get("vars") or {})
