"""Side-by-side benchmark of the plan tier: the naive way against the harness, in one run.

    python -m tfharness.tooling.bench [--components vpc rds] [--limit N] [--jobs 2]    # nox -s bench

* naive: for each scenario, a fresh copy of the component, a fresh init and a plan + show:
  what a test suite without this harness does;
* harness: the same scenarios through the ``Planner`` (batched, ``jobs`` at once), on a cold
  plan cache.

Both run against the same embedded moto server. Peak memory is the largest resident set of
the whole process tree (this process and every terraform and provider process), sampled.
The last line is ``bench: scenarios=<n> naive_s=<x> harness_s=<y> ratio=<x/y>``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tfharness.deploying.emulator import MotoServer
from tfharness.planning.components import all_components, find_component
from tfharness.planning.planner import Planner
from tfharness.planning.scenarios import Scenario, load_scenarios
from tfharness.terraform.command import Terraform
from tfharness.terraform.diagnostics import Rejection
from tfharness.terraform.toolchain import cli_config
from tfharness.terraform.workspace import INPUTS_FILE, copy_tree


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--components", nargs="*", default=None)
    parser.add_argument("--limit", type=int, default=None, help="at most N scenarios")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)

    names = args.components or [c.name for c in all_components()]
    scenarios = [s for name in names for s in load_scenarios(name)][: args.limit]
    components = sorted({s.component for s in scenarios})
    server = MotoServer()
    endpoint = server.start()
    work = Path(tempfile.mkdtemp(prefix="tfharness-bench-"))
    os.environ["TFHARNESS_PLAN_CACHE_DIR"] = str(work / "cold-cache")
    try:
        env = {**cli_config().env(), **endpoint.env()}
        print(f"bench: {len(scenarios)} scenarios of {len(components)} components")

        start = time.perf_counter()
        with PeakMemory() as naive_memory:
            for scenario in scenarios:
                naive_plan(scenario, env, work / "naive")
        naive_s = time.perf_counter() - start
        print(
            f"naive:   {naive_s:8.1f} s  {naive_s / len(scenarios):6.2f} s/scenario  "
            f"peak {naive_memory.peak_kib / 1024:7.0f} MiB"
        )

        start = time.perf_counter()
        with PeakMemory() as harness_memory:
            planner = Planner(endpoint, root=work / "harness", jobs=args.jobs)
            planner.expect(components)
            wanted = {(s.component, s.name) for s in scenarios}
            planner.plan_components(components, only=wanted)
            missing = wanted - set(planner.planned())
        harness_s = time.perf_counter() - start
        if missing:
            print(f"harness: {len(missing)} scenarios did not plan: {sorted(missing)[:5]}")
        outcomes = planner.planned()
        refused = sum(isinstance(o, Rejection) for o in outcomes.values())
        runs = len(planner.timings.by_phase().get("plan", []))
        print(
            f"harness: {harness_s:8.1f} s  {harness_s / len(scenarios):6.2f} s/scenario  "
            f"peak {harness_memory.peak_kib / 1024:7.0f} MiB  (jobs={args.jobs}; "
            f"{len(outcomes) - refused} clean + {refused} refused in {runs} terraform plan runs)"
        )
        for line in planner.timings.report():
            print(f"  {line}")
        print(
            f"bench: scenarios={len(scenarios)} naive_s={naive_s:.1f} "
            f"harness_s={harness_s:.1f} ratio={naive_s / harness_s:.1f}"
        )
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
