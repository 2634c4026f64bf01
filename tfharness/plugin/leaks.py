"""The secret scan: no password or secret value the session handled is in any file it wrote.

A session that selects a test marked ``secret_scan`` (tests/integration and tests/rotation
each have one) gets, from collection on, a ``SecretRegistry`` (``tfharness.checks.leaks``): the
values every watched boto3 client sends and receives, and the passwords the harness makes. The
plugin keeps each test report's text (its failure and captured output: what the terminal
summary and the JUnit XML show).

* The scan test runs last (moved to the end at collection). Its ``secret_scan`` fixture first
  reads every secret the embedded emulator still holds (what Terraform wrote), then searches
  the session's files: its run directory, pytest's temporary directory (the emulator's log, the
  CA files, every tmp_path), the planner's workspaces, plan-cache entries written during the
  session, ``TF_LOG_PATH``, the database servers' directories (live or removed), and the
  reports so far. A hit fails the test naming the file, the value's source and its encoding.
* At session finish, after teardown (destroys, state backups, servers stopped) and after the
  JUnit XML is written, the same places again for what changed since the scan test, the later
  reports and the JUnit XML. A hit fails the session (exit status 1), listed in the
  ``tfharness: secret scan`` section.

Values that are a scenario's committed inputs (tests/scenarios) are not secrets of the run and
are not searched.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tfharness import layout
from tfharness.checks.leaks import ScanResult, SecretRegistry, activate, deactivate, harvest, scan
from tfharness.plugin.state import state_of

MARK = "secret_scan"
MARGIN = 2.0  # seconds: file times are compared with a little slack


@dataclass
class SessionScan:
    """The session's registry, the report texts it keeps, and what the scans found."""

    registry: SecretRegistry
    started: float
    reports: list[tuple[str, str, float]] = field(default_factory=list)  # label, text, when
    roots: list[Path] = field(default_factory=list)
    scanned_at: float | None = None
    result: ScanResult | None = None
    final: ScanResult | None = None


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(ReportKeeper(config), "tfharness-leaks-reports")
    config.addinivalue_line(
        "markers",
        f"{MARK}: searches every file the session wrote for the secret values it handled "
        "(runs last; tfharness.plugin.leaks)",
    )


@pytest.hookimpl(trylast=True)  # after -k / -m deselection
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    scans = [item for item in items if item.get_closest_marker(MARK)]
    if not scans:
        return
    items[:] = [item for item in items if not item.get_closest_marker(MARK)] + scans
    state = state_of(config)
    if state.leaks is None:
        registry = SecretRegistry()
        activate(registry)  # before any fixture makes a client
        state.leaks = SessionScan(registry, time.time())


class ReportKeeper:
    """Keeps the text of every report while a scan is on (what the summary and JUnit show)."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self._seen: set[tuple[str, str]] = set()

    def keep(self, report: pytest.CollectReport | pytest.TestReport) -> None:
        """Each failure text and captured section once (a phase's report repeats the
        sections of the phases before it)."""
        scan_state = state_of(self.config).leaks
        if scan_state is None:
            return
        test = report.nodeid or "<session>"
        when = getattr(report, "when", "collect")
        parts = [(f"the failure report of {test} ({when})", report.longreprtext)]
        parts += [(f"the {title.lower()} of {test}", text) for title, text in report.sections]
        properties = getattr(report, "user_properties", ())
        parts += [(f"the recorded properties of {test}", repr(list(properties)))]
        for label, text in parts:
            if text and text != "[]" and (label, text) not in self._seen:
                self._seen.add((label, text))
                scan_state.reports.append((label, text, time.time()))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.keep(report)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        self.keep(report)


def _roots(config: pytest.Config, basetemp: Path | None, since: float) -> list[Path]:
    """Where the session wrote: see the module docstring."""
    state = state_of(config)
    roots: list[Path] = []
    if basetemp is not None:
        roots.append(basetemp)
    run = state.run
    if run is not None and getattr(run, "root", None):
        roots.append(Path(run.root))
    emulator = state.emulator
    for attribute in ("log_path", "log_dir"):
        if emulator is not None and getattr(emulator, attribute, None):
            roots.append(Path(getattr(emulator, attribute)))
    planner = state.planner
    if planner is not None and getattr(planner, "root", None):
        roots.append(Path(planner.root))
    from tfharness.planning.cache import cache_dir

    for entry in cache_dir().iterdir():  # the plan cache is shared: this session's entries
        with contextlib.suppress(OSError):  # another session renames its entries in place
            if entry.is_file() and entry.stat().st_mtime >= since - MARGIN:
                roots.append(entry)
    tf_logs = {os.environ.get("TF_LOG_PATH")}
    if planner is not None:
        tf_logs.add(getattr(planner, "env", {}).get("TF_LOG_PATH"))
    roots += [Path(p) for p in tf_logs if p]
    return roots


def _published() -> bytes:
    """The committed scenario files: a value written there is an input, not a run's secret."""
    root = layout.scenarios_root()
    if not root.is_dir():
        return b""
    return b"\n".join(p.read_bytes() for p in sorted(root.rglob("*.y*ml")))


def _harvest(config: pytest.Config) -> int:
    """Read what the emulator holds (only an emulator: never a real account)."""
    state = state_of(config)
    endpoint = state.endpoint
    if endpoint is None or (state.emulator is None and endpoint.name != "localstack"):
        return 0
    if not getattr(state.emulator, "running", True):  # a fault test stopped it: nothing to read
        return 0
    import boto3
    from botocore.config import Config

    regions = boto3.session.Session().get_available_regions("secretsmanager")
    quick = Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 2})
    clients = {}

    def client_for(region: str):
        if region not in clients:
            clients[region] = endpoint.boto3_client(
                "secretsmanager", region_name=region, config=quick
            )
        return clients[region]

    return harvest(client_for, sorted({endpoint.region, *regions}))


class SecretScan:
    """What the scan test calls: `check()` scans and fails naming every file with a hit."""

    def __init__(self, config: pytest.Config, basetemp: Path) -> None:
        self.config = config
        self.basetemp = basetemp

    def run(self) -> ScanResult:
        scan_state = state_of(self.config).leaks
        if scan_state is None:
            raise pytest.UsageError(
                f"the secret_scan fixture needs its test marked @pytest.mark.{MARK}"
            )
        read = _harvest(self.config)
        scan_state.scanned_at = time.time()
        scan_state.roots = _roots(self.config, self.basetemp, scan_state.started)
        result = scan(
            scan_state.registry,
            scan_state.roots,
            texts=[(label, text) for label, text, _ in scan_state.reports],
            published=_published(),
        )
        result.harvested = read
        scan_state.result = result
        return result

    def check(self) -> ScanResult:
        result = self.run()
        if result.findings:
            pytest.fail(result.message(), pytrace=False)
        return result


@pytest.fixture
def secret_scan(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> SecretScan:
    """The session's secret scan (the test using it must be marked `secret_scan`)."""
    return SecretScan(request.config, tmp_path_factory.getbasetemp())


@pytest.hookimpl(wrapper=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> object:
    # A wrapper: what follows runs after every other sessionfinish hook (the JUnit XML is
    # written by then) and before the terminal summary, which prints what was found.
    result = yield
    state = state_of(session.config)
    scan_state = state.leaks
    if scan_state is None:
        return result
    try:
        if scan_state.scanned_at is not None:
            since = scan_state.scanned_at - MARGIN
            roots = list(scan_state.roots)
            junit = session.config.getoption("xmlpath", None)
            if junit:
                roots.append(session.config.invocation_params.dir / junit)
            final = scan(
                scan_state.registry,
                roots,
                texts=[(t[0], t[1]) for t in scan_state.reports if t[2] >= scan_state.scanned_at],
                since=since,
                published=_published(),
            )
            # Files written just before the scan test are read again (the margin): what it
            # reported already is not reported twice.
            seen = set(scan_state.result.findings if scan_state.result else ())
            final.findings = [f for f in final.findings if f not in seen]
            scan_state.final = final
            if final.findings and session.exitstatus == pytest.ExitCode.OK:
                session.exitstatus = pytest.ExitCode.TESTS_FAILED
    finally:
        deactivate(scan_state.registry)
    return result


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    scan_state = state_of(config).leaks
    if scan_state is None or scan_state.result is None:
        return
    first, final = scan_state.result, scan_state.final
    failed = bool(first.findings or (final and final.findings))
    terminalreporter.section("tfharness: secret scan", red=failed, green=not failed)
    write = terminalreporter.write_line
    write(
        f"scan test: {first.values} secret values ({first.too_short} shorter than "
        f"{scan_state.registry.min_length} characters not searched, {first.published} "
        f"scenario inputs skipped; {first.harvested} secret versions read from the emulator), "
        f"{first.files} files and {len(scan_state.reports)} reports: "
        + (f"{len(first.findings)} found" if first.findings else "clean")
    )
    if final is not None:
        write(
            f"after teardown: {final.files} files changed since, the JUnit XML and the later "
            "reports: " + ("clean" if not final.findings else final.message())
        )


def pytest_unconfigure(config: pytest.Config) -> None:
    scan_state = state_of(config).leaks
    if scan_state is not None:
        deactivate(scan_state.registry)
