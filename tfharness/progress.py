"""Progress events: what the planner and the fleet report as each step of their work ends.

The planner (``plan-start``, each ``plan-batch`` planned, a ``plan-error`` for a scenario or
component that failed) and the fleet (each component's ``apply``, or ``reuse`` of a kept
deployment, and ``destroy``) call a ``Listener`` with an ``Event``, from their worker threads;
the pytest plugin adds ``verify`` (a component's last test finished) and writes them as lines
(``tfharness.plugin.progress``).
Without a listener nothing is reported. Here, not in the plugin, so that planning and
deploying need not import pytest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

KINDS = ("plan-start", "plan-batch", "plan-error", "apply", "reuse", "verify", "destroy")


@dataclass(frozen=True)
class Event:
    kind: str  # one of KINDS
    subject: str = ""  # a component, "vpc, rds" (a batch's), or a scenario ("vpc:default")
    index: int = 0  # the n-th of `total` to finish
    total: int = 0
    seconds: float = 0.0
    count: int = 0  # scenarios (plan-start: to plan; plan-batch: in it), tests (verify)
    cached: int = 0  # plan-start: scenarios taken from the plan cache
    error: str = ""  # what went wrong (its first line says what); empty: it went well
    note: str = ""  # verify: "4 passed, 1 skipped"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown progress event kind {self.kind!r}; one of {KINDS}")

    @property
    def failed(self) -> bool:
        return bool(self.error)


Listener = Callable[[Event], None]


def describe(error: BaseException) -> str:
    """An error as an event carries it: its message, or its type when it has none."""
    return str(error).strip() or type(error).__name__
