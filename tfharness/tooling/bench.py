"""Side-by-side benchmark of the plan tier: two anchors against the harness, in one run.

    python -m tfharness.tooling.bench [--components vpc rds] [--limit N] [--jobs 2]    # nox -s bench
        [--anchors naive,terraform_test] [--rounds N]

* naive: for each scenario, a fresh copy of the component, a fresh init and a plan + show:
  what a test suite without this harness does;
* terraform_test: ``terraform test`` on the same scenarios, one generated ``.tftest.hcl`` per
  component (``native_tests``: ``command = plan``, the inputs, ``expect_failures``), each in a
  fresh copy with its own init, ``jobs`` components at once; a file with more than
  ``--tftest-max-refused`` refused runs is run in parts, one process each (terraform test
  keeps the provider of every refused run alive until it exits), and the runs an error
  skipped are run again;
* harness: the same scenarios through the ``Planner`` (batched, ``jobs`` at once), on a cold
  plan cache.

In that order, against the same embedded moto server and the same CLI configuration (GOGC
included); each side's time is wall-clock, copies, builds and inits included. ``--rounds N``
measures every side N times, the harness first in every second round, and the last line
gives the medians (a ``rounds:`` line before it every round's figures): the cores of a shared
machine change speed (a fixed loop took 0.22 s, then 0.40 s, a minute apart, on an idle
machine), so one round of a five-minute bench can be off by half on either side. Every scenario
on which terraform test ends otherwise than the harness is printed as a ``difference:`` line,
grouped by kind, with what each kind means. ``--anchors`` leaves one out for a quicker run
(its figures print as ``skipped``). Peak memory is the largest resident set of the whole
process tree (this process and every terraform and provider process), sampled.
The last line is
``bench: scenarios=<n> naive_s=<x> terraform_test_s=<t> harness_s=<y> ratio=<x/y> ratio_tftest=<t/y>``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tfharness.deploying.emulator import Endpoint, MotoServer
from tfharness.planning.components import all_components, find_component
from tfharness.planning.planner import Planner
from tfharness.planning.scenarios import Scenario, load_scenarios
from tfharness.terraform.command import Cancellation, Terraform, sigterm_as_interrupt
from tfharness.terraform.diagnostics import Rejection
from tfharness.terraform.plan import Plan
from tfharness.terraform.timings import Timings
from tfharness.terraform.toolchain import cli_config
from tfharness.terraform.workspace import INPUTS_FILE, copy_tree
from tfharness.tooling.native_tests import (
    MAX_REFUSED,
    ComponentRun,
    differences,
    run_component,
    summary,
)

ANCHORS = ("naive", "terraform_test")


class PeakMemory:
    """Samples the resident memory of this process and all its descendants."""

    def __init__(self, interval: float = 0.1) -> None:
        self.interval = interval
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kib = max(self.peak_kib, tree_rss_kib(os.getpid()))
            self._stop.wait(self.interval)


def tree_rss_kib(root: int) -> int:
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line
            )
        except OSError:
            continue
        pid, ppid = int(fields["Pid"]), int(fields["PPid"])
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0])
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def naive_plan(scenario: Scenario, env: dict[str, str], work: Path) -> None:
    """A fresh copy, a fresh init and a plan + show: per scenario."""
    component = find_component(scenario.component)
    copy = work / scenario.component / scenario.name
    copy_tree(component.source_files(), component.tree_root, copy)
    workdir = copy / component.relative_dir
    if component.build_script is not None:
        subprocess.run(
            [sys.executable, str(workdir / "lambda" / "build.py")],
            cwd=workdir,
            check=True,
            capture_output=True,
        )
    (workdir / INPUTS_FILE).write_text(scenario.tfvars_json())
    tf = Terraform(workdir, env)
    tf.run("init", "-backend=false", "-input=false", "-no-color")
    planned = tf.run("plan", "-input=false", "-no-color", "-out=naive.tfplan")
    if planned.returncode == 0:  # a rejection costs the same plan, and has nothing to show
        tf.run("show", "-no-color", "-json", "naive.tfplan")
    shutil.rmtree(copy, ignore_errors=True)


def terraform_test(
    scenarios: list[Scenario],
    env: dict[str, str],
    work: Path,
    jobs: int,
    timings: Timings,
    max_refused: int = MAX_REFUSED,
) -> list[ComponentRun]:
    """Each component's scenarios as one `terraform test` file, `jobs` components at once
    (the largest first); a component that fails is in its run's `error`, never raised."""
    by_component: dict[str, list[Scenario]] = {}
    for scenario in scenarios:
        by_component.setdefault(scenario.component, []).append(scenario)
    order = sorted(by_component, key=lambda name: (-len(by_component[name]), name))
    cancellation = Cancellation()

    def one(name: str) -> ComponentRun:
        with cancellation.scope():
            return run_component(name, by_component[name], env, work, timings, max_refused)

    pool = ThreadPoolExecutor(max_workers=max(1, jobs))
    try:
        futures = [pool.submit(one, name) for name in order]
        return [future.result() for future in futures]
    except BaseException:
        cancellation.cancel()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def anchors_option(text: str) -> tuple[str, ...]:
    chosen = tuple(a.strip() for a in text.split(",") if a.strip() and a.strip() != "none")
    unknown = [a for a in chosen if a not in ANCHORS]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown anchor {', '.join(unknown)}: choose from {', '.join(ANCHORS)} "
            "(comma-separated), or none"
        )
    return chosen


def last_line(
    scenarios: int, naive_s: float | None, tftest_s: float | None, harness_s: float
) -> str:
    """The bench's last line; an anchor left out (None) prints as `skipped`."""

    def seconds(value: float | None) -> str:
        return "skipped" if value is None else f"{value:.1f}"

    def ratio(anchor: float | None) -> str:
        return "skipped" if anchor is None else f"{anchor / harness_s:.1f}"

    return (
        f"bench: scenarios={scenarios} naive_s={seconds(naive_s)} "
        f"terraform_test_s={seconds(tftest_s)} harness_s={harness_s:.1f} "
        f"ratio={ratio(naive_s)} ratio_tftest={ratio(tftest_s)}"
    )


def run_naive(scenarios: list[Scenario], env: dict[str, str], work: Path) -> float:
    start = time.perf_counter()
    failed = 0
    with PeakMemory() as memory:
        for scenario in scenarios:
            try:
                naive_plan(scenario, env, work)
            except Exception as error:  # one scenario's failure must not stop the bench
                failed += 1
                print(f"naive: {scenario.id} failed: {error}")
    seconds = time.perf_counter() - start
    print(
        f"naive:   {seconds:8.1f} s  {seconds / len(scenarios):6.2f} s/scenario  "
        f"peak {memory.peak_kib / 1024:7.0f} MiB"
        + (f"  ({failed} scenarios failed to run)" if failed else "")
    )
    return seconds


def run_terraform_test(
    scenarios: list[Scenario],
    env: dict[str, str],
    work: Path,
    jobs: int,
    max_refused: int,
) -> tuple[float, list[ComponentRun]]:
    timings = Timings()
    start = time.perf_counter()
    with PeakMemory() as memory, sigterm_as_interrupt("the bench"):
        runs = terraform_test(scenarios, env, work, jobs, timings, max_refused)
    seconds = time.perf_counter() - start
    counts: dict[str, int] = {}
    for run in runs:
        for status, count in run.status_counts().items():
            counts[status] = counts.get(status, 0) + count
    ended = " + ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    again = sum(r.run_again for r in runs)
    print(
        f"terraform test: {seconds:8.1f} s  {seconds / len(scenarios):6.2f} s/scenario  "
        f"peak {memory.peak_kib / 1024:7.0f} MiB  (jobs={jobs}; {ended} in "
        f"{sum(r.parts for r in runs)} terraform test processes for {len(runs)} components"
        + (f"; {again} runs skipped by an error, run again" if again else "")
        + ")"
    )
    for run in runs:
        if run.error:
            print(f"  {run.component}: {run.error}")
    for line in timings.report():
        print(f"  {line}")
    return seconds, runs


def run_harness(
    scenarios: list[Scenario], endpoint: Endpoint, work: Path, jobs: int
) -> tuple[float, dict[tuple[str, str], Plan | Rejection]]:
    """The Planner on a cold plan cache of its own (`work`)."""
    os.environ["TFHARNESS_PLAN_CACHE_DIR"] = str(work / "cold-cache")
    components = sorted({s.component for s in scenarios})
    start = time.perf_counter()
    with PeakMemory() as memory:
        planner = Planner(endpoint, root=work / "harness", jobs=jobs)
        planner.expect(components)
        wanted = {(s.component, s.name) for s in scenarios}
        planner.plan_components(components, only=wanted)
        missing = wanted - set(planner.planned())
    seconds = time.perf_counter() - start
    if missing:
        print(f"harness: {len(missing)} scenarios did not plan: {sorted(missing)[:5]}")
    outcomes = planner.planned()
    refused = sum(isinstance(o, Rejection) for o in outcomes.values())
    plans = len(planner.timings.by_phase().get("plan", []))
    print(
        f"harness: {seconds:8.1f} s  {seconds / len(scenarios):6.2f} s/scenario  "
        f"peak {memory.peak_kib / 1024:7.0f} MiB  (jobs={jobs}; "
        f"{len(outcomes) - refused} clean + {refused} refused in {plans} terraform plan runs)"
    )
    for line in planner.timings.report():
        print(f"  {line}")
    return seconds, outcomes


def rounds_line(sides: dict[str, list[float]]) -> str:
    """Each side's seconds per round, and the ratios per round, for a run of several."""
    harness = sides["harness"]
    parts = [f"{name} {' / '.join(f'{s:.1f}' for s in values)} s" for name, values in sides.items()]
    for name, values in sides.items():
        if name != "harness":
            ratios = " / ".join(f"{a / h:.1f}" for a, h in zip(values, harness, strict=True))
            parts.append(f"ratio to {name} {ratios}")
    return f"rounds: {len(harness)}; " + "; ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--components", nargs="*", default=None)
    parser.add_argument("--limit", type=int, default=None, help="at most N scenarios")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--anchors",
        type=anchors_option,
        default=ANCHORS,
        help="what the harness is measured against, comma-separated (default: "
        "naive,terraform_test); the ones left out print as skipped",
    )
    parser.add_argument(
        "--tftest-max-refused",
        type=int,
        default=MAX_REFUSED,
        metavar="N",
        help="terraform test: at most N refused runs per process, as each keeps its provider "
        f"process alive until the process exits (default {MAX_REFUSED}; 0: one process per "
        "component)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        metavar="N",
        help="measure every side N times, the harness first in every second round; the last "
        "line gives each side's median (default 1). The speed of a shared machine's cores can "
        "change by half within a minute: one round can be off by that much",
    )
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds takes a whole number from 1")

    names = args.components or [c.name for c in all_components()]
    scenarios = [s for name in names for s in load_scenarios(name)][: args.limit]
    components = sorted({s.component for s in scenarios})
    if not scenarios:
        parser.error("no scenarios to plan: check --components and --limit")
    server = MotoServer()
    endpoint = server.start()
    work = Path(tempfile.mkdtemp(prefix="tfharness-bench-"))
    cache_dir = os.environ.get("TFHARNESS_PLAN_CACHE_DIR")
    sides: dict[str, list[float]] = {
        side: [] for side in ("naive", "terraform_test") if side in args.anchors
    }
    sides["harness"] = []
    runs: list[ComponentRun] = []
    outcomes: dict[tuple[str, str], Plan | Rejection] = {}
    try:
        env = {**cli_config().env(), **endpoint.env()}
        print(f"bench: {len(scenarios)} scenarios of {len(components)} components")
        for round_ in range(args.rounds):
            here = work / f"round-{round_ + 1}"
            if args.rounds > 1:
                print(f"round {round_ + 1} of {args.rounds}")
            order = list(sides) if round_ % 2 == 0 else ["harness", *sides][: len(sides)]
            for side in order:
                if side == "naive":
                    sides[side].append(run_naive(scenarios, env, here / "naive"))
                elif side == "terraform_test":
                    seconds, runs = run_terraform_test(
                        scenarios,
                        env,
                        here / "terraform-test",
                        args.jobs,
                        args.tftest_max_refused,
                    )
                    sides[side].append(seconds)
                else:
                    seconds, outcomes = run_harness(scenarios, endpoint, here, args.jobs)
                    sides[side].append(seconds)
            shutil.rmtree(here, ignore_errors=True)

        if "terraform_test" in args.anchors:
            found = [d for run in runs for d in differences(run, outcomes)]
            for line in summary(found, [r.file for r in runs if r.file is not None]):
                print(line)
        if args.rounds > 1:
            print(rounds_line(sides))
        median = {side: statistics.median(values) for side, values in sides.items()}
        print(
            last_line(
                len(scenarios),
                median.get("naive"),
                median.get("terraform_test"),
                median["harness"],
            )
        )
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
        if cache_dir is None:
            os.environ.pop("TFHARNESS_PLAN_CACHE_DIR", None)
        else:
            os.environ["TFHARNESS_PLAN_CACHE_DIR"] = cache_dir
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
