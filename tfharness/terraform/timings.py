"""Per-phase timings (build, init, plan, show, apply, destroy, ...), printed after a run."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Sample:
    phase: str
    subject: str
    seconds: float


class Timings:
    """A thread-safe record of how long each phase took for each subject."""

    def __init__(self) -> None:
        self._samples: list[Sample] = []
        self._lock = threading.Lock()

    @contextmanager
    def measure(self, phase: str, subject: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.add(phase, subject, time.perf_counter() - start)

    def add(self, phase: str, subject: str, seconds: float) -> None:
        with self._lock:
            self._samples.append(Sample(phase, subject, seconds))

    @property
    def samples(self) -> list[Sample]:
        with self._lock:
            return list(self._samples)

    def by_phase(self) -> dict[str, list[float]]:
        phases: dict[str, list[float]] = defaultdict(list)
        for sample in self.samples:
            phases[sample.phase].append(sample.seconds)
        return dict(phases)

    def by_subject(self, phase: str) -> dict[str, float]:
        totals: dict[str, float] = defaultdict(float)
        for sample in self.samples:
            if sample.phase == phase:
                totals[sample.subject] += sample.seconds
        return dict(totals)

    def report(self) -> list[str]:
        """Lines of a table: phase, runs, total, mean and max seconds."""
        rows = [f"{'phase':<10} {'runs':>5} {'total s':>9} {'mean s':>8} {'max s':>7}"]
        for phase, values in sorted(self.by_phase().items()):
            rows.append(
                f"{phase:<10} {len(values):>5} {sum(values):>9.1f} "
                f"{sum(values) / len(values):>8.2f} {max(values):>7.2f}"
            )
        return rows
