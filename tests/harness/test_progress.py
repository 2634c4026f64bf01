"""Progress while the harness works: the lines each event makes, the planner's and the
fleet's events on the tiny fixture (real Terraform, real moto), and real pytest sessions
where the lines appear on their own lines, one per event with -q, none with --no-progress."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tfharness.deploying.deployment import Deployment
from tfharness.deploying.emulator import Endpoint
from tfharness.deploying.fleet import Fleet
from tfharness.deploying.runs import Run
from tfharness.deploying.sweep import tagged_resources
from tfharness.planning.planner import Planner
from tfharness.planning.scenarios import load_scenario, scenario_names
from tfharness.plugin.progress import DETAIL_LINES, WIDTH, format_event
from tfharness.progress import Event

from .conftest import FIXTURES
from .sessions import session_env

pytestmark = pytest.mark.harness

APPLY_FAILURE = (
    "vpc:default [apply]: terraform apply failed (exit 1):\n"
    "  - error: creating EC2 VPC: InvalidParameterValue: bad CIDR\n"
    "  - error: creating EC2 Subnet: the VPC does not exist"
)


# The lines --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("event", "line"),
    [
        (
            Event("plan-start", count=37, total=4, cached=12),
            "plan: 37 scenarios to plan in 4 batches (12 from cache)",
        ),
        (
            Event("plan-start", count=1, total=1),
            "plan: 1 scenario to plan in 1 batch (0 from cache)",
        ),
        (Event("plan-start", cached=13), "plan: nothing to plan, 13 scenarios from cache"),
        (
            Event("plan-batch", "rds, vpc", 2, 4, 6.34, count=11),
            "plan: batch 2/4 planned: 11 scenarios of rds, vpc in 6.3 s",
        ),
        (Event("apply", "vpc", 3, 12, 41.04), "apply 3/12: vpc in 41.0 s"),
        (Event("destroy", "rds", 5, 12, 12.08), "destroy 5/12: rds in 12.1 s"),
        (
            Event("verify", "vpc", 1, 3, 8.0, count=5, note="4 passed, 1 skipped"),
            "verify 1/3: vpc (4 passed, 1 skipped) in 8.0 s",
        ),
    ],
)
def test_each_event_is_one_prefixed_line(event: Event, line: str) -> None:
    assert format_event(event) == [f"tfharness: {line}"]
    assert format_event(event, detail=False) == [f"tfharness: {line}"]


def test_a_failure_says_what_happened_in_its_first_line_and_the_rest_below() -> None:
    event = Event("apply", "vpc", 2, 12, 3.0, error=APPLY_FAILURE)
    headline = (
        "tfharness: apply 2/12: vpc FAILED after 3.0 s: vpc:default [apply]: terraform apply "
        "failed (exit 1): - error: creating EC2 VPC: InvalidParameterValue: bad CIDR"
    )
    assert format_event(event) == [
        headline,
        "tfharness:       - error: creating EC2 Subnet: the VPC does not exist",
    ]
    assert format_event(event, detail=False) == [headline]  # -q: one line per event


def test_long_errors_are_cut_to_a_few_lines_and_a_count() -> None:
    error = "\n".join(f"line {n}" for n in range(20))
    lines = format_event(Event("destroy", "rds", 1, 1, 2.0, error=error))
    assert lines[0] == "tfharness: destroy 1/1: rds FAILED after 2.0 s: line 0"
    assert lines[1 : DETAIL_LINES + 1] == [f"tfharness:     line {n}" for n in range(1, 7)]
    assert lines[-1] == f"tfharness:     ... ({19 - DETAIL_LINES} more lines)"
    [line] = format_event(Event("plan-error", "x:y", error="a" * 1000))
    assert len(line) == len("tfharness: ") + WIDTH and line.endswith("a...")


def test_failed_plans_and_verifications_name_their_scenario_or_component() -> None:
    plan = Event("plan-error", "vpc:two_azs", error="refused, but its file declares no ...")
    assert format_event(plan) == [
        "tfharness: plan: vpc:two_azs FAILED: refused, but its file declares no ..."
    ]
    verify = Event(
        "verify", "rds", 2, 3, 4.5, count=3, note="2 passed, 1 failed", error="test_x: boom"
    )
    assert format_event(verify) == [
        "tfharness: verify 2/3: rds FAILED (2 passed, 1 failed) in 4.5 s: test_x: boom"
    ]
    with pytest.raises(ValueError, match="unknown progress event kind 'planned'"):
        Event("planned")


# The planner ------------------------------------------------------------------------------
@pytest.mark.runs_terraform
def test_the_planner_reports_each_batch_and_accounts_for_every_scenario(
    endpoint: Endpoint, fixture_catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TFHARNESS_PLAN_CACHE", "1")
    monkeypatch.setenv("TFHARNESS_PLAN_CACHE_DIR", str(tmp_path / "plans"))
    names = scenario_names("tiny")
    events: list[Event] = []
    cold = Planner(endpoint, root=tmp_path / "cold", jobs=2, listener=events.append)
    cold.expect(["tiny"])
    cold.outcome("tiny")
    start, *batches = events
    assert (start.kind, start.count, start.cached) == ("plan-start", len(names), 0), events
    # tiny's clean scenarios and its refused ones are planned apart: two batches at least
    assert start.total >= 2 and [e.kind for e in batches] == ["plan-batch"] * start.total
    assert [e.index for e in batches] == list(range(1, start.total + 1)), events
    assert {(e.total, e.subject) for e in batches} == {(start.total, "tiny")}
    assert all(e.seconds > 0 and not e.failed for e in batches)
    assert sum(e.count for e in batches) == len(names) == len(cold.planned())

    warm_events: list[Event] = []
    warm = Planner(endpoint, root=tmp_path / "warm", listener=warm_events.append)
    warm.expect(["tiny"])
    warm.outcome("tiny")
    assert warm_events == [Event("plan-start", cached=len(names))]


@pytest.mark.runs_terraform
def test_the_planner_reports_a_failed_scenario_at_once_with_its_component(
    endpoint: Endpoint, fixture_catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    (scenarios / "tiny.yaml").write_text(
        "default:\n  vars: {region: us-east-1, environment: dev, name: tiny}\n"
        "typo:\n  extends: default\n  vars: {retention_dayz: 3}\n"
        "undeclared_refusal:\n  extends: default\n"
        "  vars: {retention_days: 2, environment: production}\n"
    )
    monkeypatch.setenv("TFHARNESS_SCENARIOS_DIR", str(scenarios))
    monkeypatch.setenv("TFHARNESS_PLAN_CACHE", "0")
    events: list[Event] = []
    planner = Planner(endpoint, root=tmp_path / "work", listener=events.append)
    planner.expect(["tiny"])
    planner.outcome("tiny")
    assert [e.kind for e in events[:2]] == ["plan-start", "plan-batch"], events
    assert events[1].count == 3 and (events[1].index, events[1].total) == (1, 1)
    failed = {e.subject: e.error for e in events[2:]}
    assert [e.kind for e in events[2:]] == ["plan-error", "plan-error"], events
    assert set(failed) == {"tiny:typo", "tiny:undeclared_refusal"}
    assert "retention_dayz" in failed["tiny:typo"]
    refusal = failed["tiny:undeclared_refusal"]
    assert refusal.startswith("refused, but its file declares no expect_failures:")
    assert "var.environment" in refusal and "var.retention_days" in refusal


# The fleet --------------------------------------------------------------------------------
@pytest.mark.runs_terraform
def test_the_fleet_reports_each_apply_and_destroy_and_their_failures(
    endpoint: Endpoint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tiny applies for real; tiny2, wired to an output tiny does not have, fails at once;
    tiny's destroy fails while its workspace is away, then succeeds."""
    components, scenarios = tmp_path / "components", tmp_path / "scenarios"
    scenarios.mkdir()
    for name in ("tiny", "tiny2"):
        shutil.copytree(FIXTURES / "components" / "tiny", components / name)
        shutil.copy(FIXTURES / "scenarios" / "tiny.yaml", scenarios / f"{name}.yaml")
    monkeypatch.setenv("TFHARNESS_COMPONENTS_DIR", str(components))
    monkeypatch.setenv("TFHARNESS_SCENARIOS_DIR", str(scenarios))
    planner = Planner(endpoint, root=tmp_path / "work")
    run = Run(root=tmp_path / "run")

    def factory(component: str, scenario: str, **inputs) -> Deployment:
        scenario_ = load_scenario(component, scenario)
        return Deployment(
            planner.template(component), scenario_, run, env=planner.env, extra_vars=inputs
        )

    events: list[Event] = []
    fleet = Fleet(
        factory,
        [("tiny", "default"), ("tiny2", "default")],
        wiring={"tiny2": {"name": "tiny.no_such_output"}},
        listener=events.append,
    )
    deployment = None
    try:
        fleet.up()
        deployment = fleet.members["tiny"].deployment
        assert [(e.kind, e.subject, e.index, e.total, e.failed) for e in events] == [
            ("apply", "tiny", 1, 2, False),
            ("apply", "tiny2", 2, 2, True),
        ], events
        assert events[0].seconds == fleet.members["tiny"].seconds["apply"] > 0
        assert events[1].error == "tiny2: tiny has no output 'no_such_output'"

        assert deployment is not None
        workdir = deployment.workspace.dir
        away = workdir.rename(workdir.with_name(workdir.name + ".away"))
        del events[:]
        errors = fleet.down()
        away.rename(workdir)
        assert len(errors) == 1 and errors[0].startswith("tiny: "), errors
        [destroyed] = events
        assert (destroyed.kind, destroyed.subject, destroyed.index, destroyed.total) == (
            "destroy",
            "tiny",
            1,
            1,
        )
        assert "terraform destroy failed" in destroyed.error.splitlines()[0], destroyed.error
        line = format_event(destroyed, detail=False)[0]
        assert line.startswith("tfharness: destroy 1/1: tiny FAILED after "), line
        assert "no such folder" in line, line  # the line that says why, not just "failed"
    finally:
        if deployment is not None:
            deployment.destroy()
    assert run.manifest()["deployments"] == {}
    assert tagged_resources(endpoint, run.run_id) == []


# A real session ---------------------------------------------------------------------------
SESSION_TESTS = """
import pytest


@pytest.mark.unit
def test_default_plans(plan_for):
    assert plan_for("tiny").managed


@pytest.mark.unit
def test_typo_is_refused(plan_for):
    with pytest.raises(Exception, match="retention_dayz"):
        plan_for("tiny", "typo")


@pytest.mark.integration
def test_log_group_applied(fleet):
    assert fleet.deployment("tiny").outputs["log_group_name"] == "/tiny/tiny-dev"


@pytest.mark.integration
def test_log_group_misnamed(fleet):
    name = fleet.deployment("tiny").outputs["log_group_name"]
    assert name == "/tiny/wrong", f"the log group is {name}"
"""
EXTRA_SCENARIOS = """
typo:
  extends: default
  vars: {retention_dayz: 3}
undeclared_refusal:
  extends: default
  vars: {retention_days: 2, environment: production}
"""
EVENT = re.compile(r"tfharness: (plan|apply \d|verify \d|destroy \d)")


@pytest.fixture
def project(tmp_path: Path, endpoint: Endpoint) -> tuple[Path, dict[str, str]]:
    """A project of its own on this session's endpoint: tests of the tiny fixture (one
    fails), and two scenarios that fail to plan: an input tiny does not declare (never
    cached) and a refusal by two rules its file does not declare."""
    root = tmp_path / "project"
    (root / "tests").mkdir(parents=True)
    (root / "tests" / "test_tiny.py").write_text(SESSION_TESTS)
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    tiny = (FIXTURES / "scenarios" / "tiny.yaml").read_text()
    (scenarios / "tiny.yaml").write_text(tiny + EXTRA_SCENARIOS)
    env = session_env(
        tmp_path / "cache",
        TFHARNESS_COMPONENTS_DIR=str(FIXTURES / "components"),
        TFHARNESS_SCENARIOS_DIR=str(scenarios),
        TFHARNESS_RUNS_DIR=str(tmp_path / "runs"),
        TFHARNESS_AWS_ENDPOINT=endpoint.url,
    )
    return root, env


def session(project: tuple[Path, dict[str, str]], *args: str) -> tuple[int, list[str]]:
    root, env = project
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return done.returncode, (done.stdout + done.stderr).splitlines()


def events_in(lines: list[str]) -> list[str]:
    """The progress lines; each must start its line (never after pytest's dots or path)."""
    found = [line for line in lines if EVENT.search(line)]
    assert all(EVENT.match(line) for line in found), "\n".join(lines)
    return found


def planning(events: list[str], scenarios: int) -> tuple[list[str], list[str]]:
    """Check a cold session's planning lines: the start, each batch once (n of m, their
    scenarios adding up), each failed scenario after its batch. Return the failed scenarios'
    lines and the lines after planning."""
    start = re.fullmatch(
        rf"tfharness: plan: {scenarios} scenarios to plan in (\d+) batch(es)? \(0 from cache\)",
        events[0],
    )
    assert start, events
    total = int(start[1])
    planned = list(
        itertools.takewhile(lambda line: line.startswith("tfharness: plan: "), events[1:])
    )
    batch = re.compile(
        rf"tfharness: plan: batch (\d+)/{total} planned: (\d+) scenarios? of tiny in \d+\.\d s"
    )
    batches = [found for found in map(batch.fullmatch, planned) if found]
    failed = [line for line in planned if not batch.fullmatch(line)]
    assert [int(b[1]) for b in batches] == list(range(1, total + 1)), events
    assert sum(int(b[2]) for b in batches) == scenarios, events
    assert batch.fullmatch(planned[0]), events  # a failure comes with its batch, not before
    assert all(line.startswith("tfharness: plan: tiny:") and " FAILED: " in line for line in failed)
    return failed, events[1 + len(planned) :]


@pytest.mark.inner_session
def test_a_session_reports_planning_on_lines_of_its_own(project) -> None:
    code, lines = session(project, "-m", "unit")
    out = "\n".join(lines)
    assert code == 0, out
    events = events_in(lines)
    failed, rest = planning(events, 8)
    failed.sort()
    assert rest == [], out
    assert len(failed) == 2, out
    assert failed[0].startswith("tfharness: plan: tiny:typo FAILED: "), out
    assert "retention_dayz" in failed[0], out
    assert failed[1].startswith(
        "tfharness: plan: tiny:undeclared_refusal FAILED: refused, but its file declares no "
        "expect_failures: - "
    ), out
    # by default a failure's further lines follow it: here the second rule that refused it
    below = lines[lines.index(failed[1]) + 1]
    assert re.match(r"tfharness:       - .*var\.(environment|retention_days)", below), out
    # pytest's own progress is intact: each test's letter on a line of pytest's own
    letters = re.findall(r"^(?:tests/test_tiny\.py )?(\.+) *(?:\[100%\])?$", out, re.M)
    assert "".join(letters) == "..", out


@pytest.mark.inner_session
def test_quiet_keeps_one_line_per_event_and_no_progress_silences_it(project) -> None:
    code, lines = session(project, "-q")
    out = "\n".join(lines)
    assert code == 1, out  # test_log_group_misnamed fails
    events = events_in(lines)
    failed, (applied, verified, destroyed) = planning(events, 8)
    assert len(failed) == 2, out
    assert re.fullmatch(r"tfharness: apply 1/1: tiny in \d+\.\d s", applied), out
    assert verified.startswith("tfharness: verify 1/1: tiny FAILED (1 passed, 1 failed) in ")
    assert verified.endswith(
        ": test_log_group_misnamed: AssertionError: the log group is /tiny/tiny-dev"
    ), out
    assert re.fullmatch(r"tfharness: destroy 1/1: tiny in \d+\.\d s", destroyed), out
    # exactly one line per event: no further lines of a failure, nothing else of ours
    ours = [line for line in lines if line.startswith("tfharness: ")]
    assert ours == ["tfharness: components under test: tiny", *events], out
    # -q's bare dots are ended before a progress line, not continued by it
    assert lines[lines.index(applied) - 1] == "..", out

    for args in (["--no-progress"], ["-qq"]):  # the plan from the cache, the typo again
        code, lines = session(project, "-m", "unit", *args)
        assert code == 0, (args, lines)
        assert not events_in(lines), (args, lines)
