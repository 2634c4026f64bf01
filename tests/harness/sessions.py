"""Helpers for tests that run whole harness sessions as subprocesses: their environment, the
processes they leave, and whether the plan cache they wrote is sound.

A session is told apart from every other process on the machine by its cache directory: each
test gives its sessions a fresh ``TFHARNESS_CACHE_DIR``, and every process they start
(Terraform, its providers, moto) inherits it in its environment.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KEY_FILE = re.compile(r"^[0-9a-f]{64}\.json$")
DIAGNOSTIC_FIELDS = {"severity", "summary", "message", "kind", "rule", "filename", "line"}


def session_env(cache_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a pytest session of its own: this one's, less anything that moves
    its caches, runs or catalog elsewhere, with `cache_dir` as its cache root."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TFHARNESS_") and k not in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS")
    }
    env["TFHARNESS_CACHE_DIR"] = str(cache_dir)
    env.update(extra)
    return env


# A session as a terminal starts one: SIGINT raises KeyboardInterrupt, even when this process
# was started with SIGINT ignored (as background jobs of a non-interactive shell are).
_PYTEST = (
    "import signal, sys, pytest; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "sys.exit(pytest.main(sys.argv[1:]))"
)


def pytest_command(*args: str) -> list[str]:
    return [sys.executable, "-c", _PYTEST, "-q", "-p", "no:cacheprovider", *args]


@dataclass(frozen=True)
class Process:
    pid: int
    argv: tuple[str, ...]

    @property
    def program(self) -> str:
        return Path(self.argv[0]).name if self.argv else ""

    def __str__(self) -> str:
        return f"{self.pid}: {' '.join(self.argv)[:200]}"


def processes_of(cache_dir: Path) -> list[Process]:
    """Every live process (not a zombie) whose environment names `cache_dir` as its cache."""
    wanted = f"TFHARNESS_CACHE_DIR={cache_dir}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if wanted not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            if (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                continue
            argv = (entry / "cmdline").read_bytes().rstrip(b"\0").split(b"\0")
        except (OSError, IndexError):  # gone meanwhile, or not ours to read
            continue
        found.append(Process(int(entry.name), tuple(a.decode(errors="replace") for a in argv)))
    return found


def terraform_commands(processes: list[Process]) -> list[Process]:
    """The Terraform CLI processes among them (not providers)."""
    return [p for p in processes if p.program == "terraform" and len(p.argv) > 1]


def wait_for(predicate, *, timeout: float, interval: float = 0.02, what: str):
    """Poll until `predicate()` returns something true; fail, saying what, at the timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def kill_leftovers(cache_dir: Path) -> list[Process]:
    """Kill (by process ID) what a session left running; return what was killed."""
    left = processes_of(cache_dir)
    for process in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGKILL)
    return left


def plan_cache_problems(plans_dir: Path) -> list[str]:
    """What is wrong with the plan cache at `plans_dir`: a temporary or stray file left, an
    entry that does not parse or lacks what `cache.load` needs. Empty: every entry is sound."""
    problems = []
    if not plans_dir.is_dir():
        return problems
    for path in sorted(plans_dir.iterdir()):
        if not KEY_FILE.match(path.name):
            problems.append(f"{path.name}: not a cache entry (a temporary or partial file)")
            continue
        try:
            entry = json.loads(path.read_text())
        except ValueError as error:
            problems.append(f"{path.name}: does not parse: {error}")
            continue
        problems += [f"{path.name}: {p}" for p in _entry_problems(entry)]
    return problems


def _entry_problems(entry: object) -> list[str]:
    if not isinstance(entry, dict):
        return ["not an object"]
    if entry.get("kind") == "plan":
        raw = entry.get("raw")
        if not isinstance(raw, dict) or not (raw.get("format_version") and "variables" in raw):
            return ["a plan without its plan JSON"]
        if not raw.get("terraform_version") or not isinstance(entry.get("warnings"), list):
            return ["a plan without terraform_version or warnings"]
        return []
    if entry.get("kind") == "rejection":
        diagnostics = entry.get("diagnostics")
        if not isinstance(diagnostics, list) or not diagnostics:
            return ["a rejection without diagnostics"]
        if any(not isinstance(d, dict) or set(d) != DIAGNOSTIC_FIELDS for d in diagnostics):
            return ["a diagnostic with missing or unknown fields"]
        if not any(d["severity"] == "error" for d in diagnostics):
            return ["a rejection without an error"]
        return []
    return [f"unknown kind {entry.get('kind')!r}"]


def scenario_keys(component: str) -> dict[str, str]:
    """Scenario name -> plan-cache key, as a session planning this checkout computes them."""
    from tfharness.planning import cache
    from tfharness.planning.components import find_component
    from tfharness.planning.scenarios import load_scenario, scenario_names

    found = find_component(component)
    digest = cache.component_fingerprint(found.source_files(), found.tree_root)
    return {
        name: cache.scenario_key(load_scenario(component, name), digest)
        for name in scenario_names(component)
    }
