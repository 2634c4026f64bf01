"""Progress lines while the session works: each planning batch, each component applied,
verified and destroyed, as it happens (the events of ``tfharness.progress``).

Every line starts with ``tfharness:`` (to grep a CI log for) and is a plain line: no carriage
return or cursor trick, so a terminal and a log read the same. Lines go through pytest's
terminal reporter with output capture suspended (as pytest's live logging writes), under a
lock (the planner and the fleet report from their worker threads), and always from the start
of a line, never inside pytest's own ``....`` progress line.

* by default, one line per event, and for a failure the next lines of its error (up to
  ``DETAIL_LINES``), which say what happened;
* ``-q``: exactly one line per event;
* ``-qq`` or ``--no-progress``: none.

``verify`` is this module's own event: it comes when the last integration test of a
component (a test that uses the ``fleet``) ends; its seconds are those tests' run time.
"""

from __future__ import annotations

import contextlib
import threading
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from tfharness.planning.components import component_for_test_file
from tfharness.progress import Event

PREFIX = "tfharness: "
DETAIL_LINES = 6
WIDTH = 300  # a line longer than this is cut (a CI log wraps nothing)

NAME = "tfharness-progress"  # the plugin's name: the `planner` and `fleet` fixtures look it up


def pytest_configure(config: pytest.Config) -> None:
    """Register the writer unless silenced; `pluginmanager.get_plugin(NAME)` is then the
    session's listener (None when silenced)."""
    if not config.getoption("--no-progress", False) and config.get_verbosity() > -2:
        config.pluginmanager.register(Progress(config, detail=config.get_verbosity() >= 0), NAME)


# Formatting -----------------------------------------------------------------------------
def format_event(event: Event, *, detail: bool = True) -> list[str]:
    """The lines of one event: its headline, and with `detail` the rest of a failure's error."""
    error, rest = _split(event.error)
    lines = [_clip(_headline(event, error))]
    if detail and rest:
        lines += [f"    {_clip(line)}" for line in rest[:DETAIL_LINES]]
        if len(rest) > DETAIL_LINES:
            lines.append(f"    ... ({len(rest) - DETAIL_LINES} more lines)")
    return [PREFIX + line for line in lines]


def _headline(event: Event, error: str) -> str:
    n = f"{event.index}/{event.total}"
    seconds = f"{event.seconds:.1f} s"
    kind = event.kind
    if kind == "plan-start":
        if not event.count:
            return f"plan: nothing to plan, {_count(event.cached, 'scenario')} from cache"
        return (
            f"plan: {_count(event.count, 'scenario')} to plan in "
            f"{_count(event.total, 'batch')} ({event.cached} from cache)"
        )
    if kind == "plan-batch":
        return (
            f"plan: batch {n} planned: {_count(event.count, 'scenario')} of {event.subject} "
            f"in {seconds}"
        )
    if kind == "plan-error":
        return f"plan: {event.subject} FAILED: {error}"
    if kind == "verify":
        if event.failed:
            return f"verify {n}: {event.subject} FAILED ({event.note}) in {seconds}: {error}"
        return f"verify {n}: {event.subject} ({event.note}) in {seconds}"
    if event.failed:  # apply, destroy
        return f"{kind} {n}: {event.subject} FAILED after {seconds}: {error}"
    return f"{kind} {n}: {event.subject} in {seconds}"


def _split(error: str) -> tuple[str, list[str]]:
    """An error's first line (with the next one when it only introduces it, `...failed:`),
    and the rest."""
    lines = [line.rstrip() for line in error.splitlines() if line.strip()]
    if not lines:
        return "", []
    first, rest = lines[0].strip(), lines[1:]
    if first.endswith(":") and rest:
        first, rest = f"{first} {rest[0].strip()}", rest[1:]
    return first, rest


def _clip(line: str) -> str:
    return line if len(line) <= WIDTH else line[: WIDTH - 3] + "..."


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}{'es' if word.endswith('ch') else 's'}"


# Writing --------------------------------------------------------------------------------
class Progress:
    """Writes events as lines (the `Listener` of the session's planner and fleet), and makes
    the `verify` events from the reports of the fleet's tests."""

    def __init__(self, config: pytest.Config, *, detail: bool) -> None:
        self.config = config
        self.detail = detail
        self._lock = threading.Lock()
        self._component_of: dict[str, str] = {}  # nodeid -> component, until the test ends
        self._left: Counter[str] = Counter()
        self._outcomes: dict[str, Counter[str]] = defaultdict(Counter)
        self._seconds: Counter[str] = Counter()
        self._failures: dict[str, list[str]] = defaultdict(list)
        self._verified = 0

    def __call__(self, event: Event) -> None:
        self.write(format_event(event, detail=self.detail), failed=event.failed)

    def write(self, lines: list[str], *, failed: bool = False) -> None:
        manager = self.config.pluginmanager
        reporter = manager.get_plugin("terminalreporter")
        if reporter is None:  # -p no:terminal
            return
        capture = manager.get_plugin("capturemanager")
        suspended = capture.global_and_fixture_disabled() if capture else contextlib.nullcontext()
        with self._lock, suspended:
            reporter.ensure_newline()  # ends a `file.py ..` line
            if self.config.get_terminal_writer().width_of_current_line:  # -q's bare dots
                reporter.write_line("")
            for line in lines:
                reporter.write_line(line, red=failed)
            reporter.flush()

    # verify: a component's fleet tests, counted down ----------------------------------
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        for item in session.items:
            if not item.get_closest_marker("integration"):
                continue
            if "fleet" not in getattr(item, "fixturenames", ()):
                continue
            component = component_for_test_file(Path(str(item.fspath)).name)
            if component:
                self._component_of[item.nodeid] = component
                self._left[component] += 1

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        ended = report.when == "call" or (report.when == "setup" and not report.passed)
        component = self._component_of.pop(report.nodeid, None) if ended else None
        if component is None:
            return
        self._outcomes[component][report.outcome] += 1
        if report.when == "call":
            self._seconds[component] += report.duration
        if report.failed:
            said = _what_failed(report)
            self._failures[component].append(
                "\n".join([f"{report.nodeid.split('::', 1)[-1]}: {said[0]}", *said[1:]])
            )
        self._left[component] -= 1
        if self._left[component] == 0:
            self._verified += 1
            outcomes = self._outcomes[component]
            self(
                Event(
                    kind="verify",
                    subject=component,
                    index=self._verified,
                    total=len(self._left),
                    seconds=self._seconds[component],
                    count=sum(outcomes.values()),
                    error="\n".join(self._failures[component]),
                    note=", ".join(
                        f"{outcomes[o]} {o}" for o in ("passed", "failed", "skipped") if outcomes[o]
                    ),
                )
            )


def _what_failed(report: pytest.TestReport) -> list[str]:
    """The lines of a failed test's report that say what happened: its `E` lines (the
    first three), else its first line."""
    lines = [line for line in report.longreprtext.splitlines() if line.strip()]
    said = [line[1:].strip() for line in lines if line.startswith("E ")][:3]
    return said or [lines[0].strip() if lines else report.outcome]
