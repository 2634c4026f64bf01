"""Apply many components at once, so the provider's fixed waits overlap instead of adding up.

Components wired to another's outputs (``{"rds": {"vpc_id": "vpc.vpc_id"}}``, what Atmos
users write as ``!terraform.output vpc vpc_id``) wait for that component, then apply with
its outputs as inputs; everything else starts at once.

The integration tier brings every component up at the start of the session (``jobs`` applies
at a time: applies mostly wait on the provider, so more than the core count pays), lets each
component's tests verify its deployment, and tears everything down at the end, concurrently
too. A component whose apply failed fails its own tests with the error; the others go on.
Per-component apply, verify and destroy seconds and the critical path are reported; a
``listener`` (``tfharness.progress``) hears of each apply and destroy as it ends (n of m, the
seconds, the error of one that failed).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from tfharness.deploying.deployment import Deployment
from tfharness.errors import HarnessError
from tfharness.progress import Event, Listener, describe


@dataclass
class Member:
    component: str
    scenario: str
    wiring: dict[str, str] = field(default_factory=dict)  # input -> "<component>.<output>"
    deployment: Deployment | None = None
    error: BaseException | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    done: threading.Event = field(default_factory=threading.Event)

    @property
    def needs(self) -> set[str]:
        return {ref.split(".", 1)[0] for ref in self.wiring.values()}


class Fleet:
    def __init__(
        self,
        factory: Callable[..., Deployment],
        members: Iterable[tuple[str, str]],
        *,
        jobs: int = 4,
        wiring: Mapping[str, Mapping[str, str]] | None = None,
        listener: Listener | None = None,
    ) -> None:
        self.factory = factory
        self.listener = listener
        self._finished: dict[str, int] = {}  # phase -> members that finished it
        self._lock = threading.Lock()
        wiring = wiring or {}
        self.members = {c: Member(c, s, dict(wiring.get(c, {}))) for c, s in members}
        for member in self.members.values():
            missing = member.needs - set(self.members)
            if missing:
                raise HarnessError(
                    f"{member.component} is wired to {sorted(missing)}, "
                    "which this run does not apply"
                )
        self.jobs = max(jobs, 1)
        self.excluded: dict[str, str] = {}
        self.wall: dict[str, float] = {}

    def up(self) -> None:
        start = time.perf_counter()
        # Dependencies first in submission order, so a waiting member never starves the pool.
        ordered = sorted(self.members.values(), key=lambda m: self._depth(m.component))
        with ThreadPoolExecutor(max_workers=self.jobs) as pool:
            list(pool.map(self._apply, ordered))
        self.wall["apply"] = time.perf_counter() - start

    def _depth(self, component: str, seen: tuple[str, ...] = ()) -> int:
        if component in seen:
            raise HarnessError(f"wiring cycle: {' -> '.join((*seen, component))}")
        needs = self.members[component].needs
        return 1 + max((self._depth(n, (*seen, component)) for n in needs), default=0)

    def _inputs(self, member: Member) -> dict:
        values = {}
        for name, ref in member.wiring.items():
            source, output = ref.split(".", 1)
            dependency = self.members[source]
            dependency.done.wait()
            if dependency.error is not None or dependency.deployment is None:
                raise HarnessError(f"{member.component}: needs {ref}, but {source} failed to apply")
            if output not in dependency.deployment.outputs:
                raise HarnessError(f"{member.component}: {source} has no output {output!r}")
            values[name] = dependency.deployment.outputs[output]
        return values

    def _apply(self, member: Member) -> None:
        try:
            inputs = self._inputs(member)
            start = time.perf_counter()
            deployment = self.factory(member.component, member.scenario, **inputs)
            member.deployment = deployment
            try:
                deployment.__enter__()
            finally:
                member.seconds["apply"] = time.perf_counter() - start
            # The idempotency re-plan, here in parallel rather than one by one in the tests;
            # a failure is left for the component's test to raise.
            with contextlib.suppress(Exception):
                deployment.replan_after_apply()
        except BaseException as error:  # reported by the component's own tests
            member.error = error
        finally:  # reported before its dependants start, so before theirs
            try:
                reused = getattr(member.deployment, "reused", False)  # --reuse: reattached
                self._emit("reuse" if reused else "apply", member, len(self.members), member.error)
            finally:
                member.done.set()

    def exclude(self, component: str, reason: str) -> None:
        """Record a component left out of this run (e.g. the target lacks what it needs)."""
        self.excluded[component] = reason

    def deployment(self, component: str) -> Deployment:
        if component in self.excluded:
            import pytest

            pytest.skip(f"{component} was not applied: {self.excluded[component]}")
        member = self.members.get(component)
        if member is None:
            raise HarnessError(f"{component} is not part of this integration run")
        if member.error is not None:
            raise HarnessError(
                f"{component}: apply failed, so nothing to verify:\n{member.error}"
            ) from member.error
        assert member.deployment is not None
        return member.deployment

    def record(self, component: str, phase: str, seconds: float) -> None:
        member = self.members[component]
        member.seconds[phase] = member.seconds.get(phase, 0.0) + seconds

    def down(self) -> list[str]:
        """Destroy everything that was applied; return the errors (empty: all gone)."""
        start = time.perf_counter()
        errors: list[str] = []

        def destroy(member: Member) -> None:
            # Dependants go first: a VPC cannot be deleted while a database sits in it.
            for other in self.members.values():
                if member.component in other.needs:
                    other.done.wait()
            if member.deployment is None or member.deployment.destroyed:
                member.done.set()
                return
            began = time.perf_counter()
            failure = None
            try:
                member.deployment.destroy()
            except BaseException as error:
                failure = error
                errors.append(f"{member.component}: {error}")
            member.seconds["destroy"] = time.perf_counter() - began
            try:
                self._emit("destroy", member, to_destroy, failure)
            finally:
                member.done.set()

        to_destroy = sum(
            1
            for m in self.members.values()
            if m.deployment is not None and not m.deployment.destroyed
        )
        for member in self.members.values():
            member.done.clear()
        ordered = sorted(self.members.values(), key=lambda m: -self._depth(m.component))
        with ThreadPoolExecutor(max_workers=self.jobs) as pool:
            list(pool.map(destroy, ordered))
        self.wall["destroy"] = time.perf_counter() - start
        return errors

    def _emit(self, phase: str, member: Member, total: int, error: BaseException | None) -> None:
        if self.listener is None:
            return
        with self._lock:
            index = self._finished[phase] = self._finished.get(phase, 0) + 1
        self.listener(
            Event(
                kind=phase,
                subject=member.component,
                index=index,
                total=total,
                seconds=member.seconds.get("apply" if phase == "reuse" else phase, 0.0),
                error=describe(error) if error is not None else "",
            )
        )

    def report(self) -> list[str]:
        rows = [f"{'component':<22} {'apply s':>8} {'verify s':>9} {'destroy s':>10}  result"]
        for member in sorted(self.members.values(), key=lambda m: -m.seconds.get("apply", 0)):
            s = member.seconds
            reused = getattr(member.deployment, "reused", False)
            result = ("reuse refused" if reused else "apply failed") if member.error else "ok"
            result += " (reused: not applied)" if reused and not member.error else ""
            rows.append(
                f"{member.component:<22} {s.get('apply', 0):>8.1f} "
                f"{s.get('verify', 0):>9.1f} {s.get('destroy', 0):>10.1f}  {result}"
            )
        if self.members:
            slowest = max(
                self.members.values(),
                key=lambda m: m.seconds.get("apply", 0) + m.seconds.get("destroy", 0),
            )
            rows.append(
                f"critical path: {slowest.component} "
                f"({slowest.seconds.get('apply', 0) + slowest.seconds.get('destroy', 0):.0f} s"
                " apply+destroy); wall: "
                + ", ".join(f"{k} {v:.0f} s" for k, v in self.wall.items())
            )
        return rows
