"""Runs: a finished run's directory is removed, a failed one's kept (the last few), kept runs
are found by ID or as `last`, and a sweep of every run destroys kept ones and stops their
emulator (tfharness.deploying.runs and .sweep; the whole loop is
tests/integration/test_keep_reuse.py)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from tests.harness.sessions import ROOT, pytest_command, session_env
from tfharness.deploying.emulator import MotoServer
from tfharness.deploying.runs import (
    Run,
    emulator_alive,
    emulator_record,
    find_kept,
    write_manifest,
)
from tfharness.deploying.sweep import sweep
from tfharness.errors import HarnessError

pytestmark = pytest.mark.harness


def test_a_finished_run_removes_its_directory(tmp_path: Path) -> None:
    run = Run(run_id="done", root=tmp_path / "runs" / "done")
    run.record("vpc__default", {"component": "vpc", "workdir": str(run.root / "vpc")})
    run.record("vpc__default", None)
    assert run.finish(failed=False) is None
    assert not run.root.exists()


def test_a_run_with_something_left_is_never_removed(tmp_path: Path) -> None:
    left = Run(run_id="left", root=tmp_path / "runs" / "left")
    left.record("vpc__default", {"component": "vpc", "workdir": str(left.root / "vpc")})
    assert left.finish(failed=False) is None and left.manifest_path.is_file()
    kept = Run(run_id="kept", root=tmp_path / "runs" / "kept")
    kept.keep(None)
    assert kept.finish(failed=True) is None and kept.manifest_path.is_file()


def test_failed_runs_are_kept_for_inspection_the_last_few_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TFHARNESS_KEEP_FAILED_RUNS", "2")
    runs = []
    for name in ("r1", "r2", "r3", "r4"):
        run = Run(run_id=name, root=tmp_path / "runs" / name)
        (run.root / "vpc__default").mkdir()  # what a failed test wants to look at
        assert run.finish(failed=True) == run.root
        runs.append(run)
        time.sleep(0.01)  # distinct failure times
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == ["r3", "r4"]
    assert (runs[-1].root / "vpc__default").is_dir()
    assert runs[-1].manifest()["failed"]


def test_kept_runs_are_found_by_id_or_as_last(tmp_path: Path) -> None:
    root = tmp_path / "runs"
    with pytest.raises(HarnessError, match=r"no kept run under .*--keep first"):
        find_kept("last", root)
    older, newer = (
        Run(run_id="older", root=root / "older"),
        Run(run_id="newer", root=root / "newer"),
    )
    Run(run_id="not-kept", root=root / "not-kept")
    older.keep(None)
    time.sleep(0.01)
    newer.keep(None)
    assert find_kept("last", root).run_id == "newer"
    assert find_kept("older", root).root == older.root
    with pytest.raises(HarnessError, match=r"no kept run with that ID .*kept runs: older, newer"):
        find_kept("not-kept", root)


def test_a_sweep_leaves_kept_runs_unless_told_and_then_stops_their_emulator(
    tmp_path: Path,
) -> None:
    server = MotoServer(log_dir=tmp_path, detachable=True)
    endpoint = server.start()
    try:
        run = Run(run_id="kept-run", root=tmp_path / "runs" / "kept-run")
        run.describe(endpoint_url=endpoint.url, target="moto")
        pid = server.detach()
        assert pid is not None and server._process is None  # stop() no longer stops it
        record = emulator_record("moto", endpoint.url, pid, server.log_path)
        run.keep(record)
        manifest = run.manifest()
        manifest["owner"]["pid"] = 1 << 30  # the session that kept it has ended
        write_manifest(run.manifest_path, manifest)

        left = sweep(None, tmp_path / "runs")
        assert left.kept == {"kept-run": 0} and left.clean
        assert any("left kept run kept-run" in line for line in left.lines())
        assert emulator_alive(record) and run.root.is_dir()

        swept = sweep(None, tmp_path / "runs", every=True)
        assert swept.clean, swept.lines()
        assert swept.stopped == {"kept-run": f"moto pid {pid}"}
        assert not emulator_alive(record), "the kept run's emulator is stopped"
        assert not run.root.exists()
    finally:
        if server._detached is not None and server._detached.poll() is None:
            server._detached.kill()
            server._detached.wait(timeout=10)


@pytest.mark.inner_session
def test_reuse_of_an_unknown_run_is_a_usage_error(tmp_path: Path) -> None:
    done = subprocess.run(
        pytest_command("--collect-only", "--reuse", "nope", "tests/integration/test_acm.py"),
        cwd=ROOT,
        env=session_env(tmp_path / "cache"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout + done.stderr
    assert "--reuse nope: no kept run with that ID" in done.stderr, done.stderr
