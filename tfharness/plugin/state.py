"""What one pytest session of the harness knows, kept in `config.stash` (never in globals)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pytest


def _counts() -> dict[str, int]:
    return {"passed": 0, "failed": 0, "skipped": 0}


@dataclass
class SessionState:
    expected: list[str] = field(default_factory=list)  # components the selected tests use
    deployed: dict[str, list[str]] = field(default_factory=dict)  # component -> capabilities
    affected: list[str] | None = None  # --changed-since's answer
    planner: Any = None
    emulator: Any = None  # the embedded MotoServer or LocalStackServer
    endpoint: Any = None  # the session's Endpoint, once the `endpoint` fixture made it
    capabilities: dict[str, Any] | None = None
    run: Any = None
    reuse: Any = None  # the kept Run that --reuse names
    run_notes: list[str] = field(default_factory=list)  # kept run, run dir kept: said at the end
    fleet: Any = None
    results: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(_counts))
    inventories: dict[Any, dict[str, Any]] = field(default_factory=dict)  # file -> scenario -> inv
    inventories_written: dict[str, list[str]] = field(default_factory=dict)
    leaks: Any = None  # the secret scan (tfharness.plugin.leaks), when a test asks for one


STATE = pytest.StashKey[SessionState]()


def state_of(config: pytest.Config) -> SessionState:
    if STATE not in config.stash:
        config.stash[STATE] = SessionState()
    return config.stash[STATE]
