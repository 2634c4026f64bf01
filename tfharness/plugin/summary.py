"""The end-of-run summary: per-component results, target capabilities, the integration
table and where the time went (init, plan, show, apply, ...)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tfharness.deploying.fleet import Fleet
from tfharness.planning.components import component_for_test_file
from tfharness.planning.planner import Planner
from tfharness.plugin.state import SessionState, state_of
from tfharness.terraform.diagnostics import Rejection
from tfharness.terraform.plan import Plan
from tfharness.terraform.toolchain import describe


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(Summary(state_of(config)), "tfharness-summary")


class Summary:
    """Counts each component's test outcomes and prints the tables at the end."""

    def __init__(self, state: SessionState) -> None:
        self.state = state

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        component = component_for_test_file(Path(report.fspath).name)
        if component is None:
            return
        counts = self.state.results[component]
        if report.when == "call":
            counts[report.outcome] += 1
        elif report.outcome == "failed":
            counts["failed"] += 1
        elif report.outcome == "skipped" and report.when == "setup":
            counts["skipped"] += 1

    def pytest_terminal_summary(self, terminalreporter, exitstatus: int, config) -> None:
        state = self.state
        planner = state.planner
        if not state.results and not isinstance(planner, Planner):
            return
        write = terminalreporter.write_line
        terminalreporter.section("tfharness: components")
        outcomes = planner.planned() if isinstance(planner, Planner) else {}
        header = (
            f"{'component':<22} {'scenarios':>9} {'rejected':>8} {'resources':>9} "
            f"{'passed':>6} {'failed':>6} {'skipped':>7}"
        )
        write(header)
        write("-" * len(header))
        names = sorted(set(state.results) | {component for component, _ in outcomes})
        for name in names:
            mine = {s: o for (c, s), o in outcomes.items() if c == name}
            rejected = sum(1 for o in mine.values() if isinstance(o, Rejection))
            default = mine.get("default")
            resources = str(len(default.managed)) if isinstance(default, Plan) else "-"
            counts = state.results.get(name, {"passed": 0, "failed": 0, "skipped": 0})
            write(
                f"{name:<22} {len(mine):>9} {rejected:>8} {resources:>9} "
                f"{counts['passed']:>6} {counts['failed']:>6} {counts['skipped']:>7}"
            )
        found = state.capabilities
        if isinstance(found, dict):
            emulator = state.emulator
            where = f" ({type(emulator).__name__} at {emulator.url})" if emulator else ""
            terminalreporter.section(f"tfharness: target capabilities{where}")
            for capability in found.values():
                mark = "yes" if capability.available else "no "
                write(f"{mark} {capability.name:<26} {capability.reason}")
            for name, what, ours in (
                ("alarm_evaluation", "alarm states", "tfharness.checks.alarms.simulate"),
                ("metric_filter_patterns", "filter patterns", "tfharness.checks.filterpattern"),
            ):
                if name in found:
                    by = "the target" if found[name].available else f"{ours} (the target does not)"
                    write(f"{what} evaluated by {by}")
        if config.getoption("--update-inventory", False):
            terminalreporter.section("tfharness: inventories")
            written = state.inventories_written
            for path, names in sorted(written.items()):
                write(f"{os.path.relpath(path, config.rootpath)}: {', '.join(names)}")
            planned = sum(len(u) for u in state.inventories.values())
            write(
                f"{planned} inventories from today's plans; {sum(map(len, written.values()))} changed"
            )
        if state.affected is not None:
            write(f"--changed-since: affected components: {', '.join(state.affected) or 'none'}")
        fleet = state.fleet
        if isinstance(fleet, Fleet):
            terminalreporter.section("tfharness: integration")
            for line in fleet.report():
                write(line)
        if isinstance(planner, Planner):
            terminalreporter.section("tfharness: timings")
            write(describe())
            if any(name.startswith("stack:") for _, name in outcomes):
                from tfharness.tooling.stacks import resolver

                write(f"stacks resolved by {resolver()}")
            mode = "batched" if planner.batch else "one run per scenario"
            write(
                f"scenarios: {len(planner.planned())} ({planner.cache_hits} from the plan cache, "
                f"{mode}, {planner.jobs} at once)"
            )
            for line in planner.timings.report():
                write(line)
        if outcomes:
            self._rule_coverage(terminalreporter, config, outcomes)

    def _rule_coverage(self, terminalreporter, config, outcomes) -> None:
        """Rules fired per component (`tfharness.planning.coverage`), also written as
        `rule-coverage.json` beside the JUnit report when there is one."""
        from tfharness.planning.coverage import json_path_beside, session_coverage

        write = terminalreporter.write_line
        terminalreporter.section("tfharness: rule coverage")
        try:
            # The components under test (a --shard job's own); all planned when none is known.
            expected = self.state.expected
            among = expected if expected or config.getoption("--shard", None) else None
            coverage = session_coverage(outcomes, among=among)
        except Exception as error:  # a file the harness cannot read fails its own tests
            write(f"not computed: {error}")
            return
        for line in coverage.table():
            write(line)
        junit = config.getoption("xmlpath", None)
        if junit:
            path = json_path_beside(config.invocation_params.dir / junit)
            coverage.write_json(path)
            write(f"rule coverage written to {path}")
