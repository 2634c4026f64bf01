"""A sweep of every run leaves a run alone while its session is still running.

Two sessions share one runs directory (two terminals, two CI jobs on one runner): one's sweep
must not destroy the other's live deployments. Each manifest records its owner (host, process
ID and the process's start time, so a later process with the same ID is not taken for it).
"""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import pytest

from tfharness.deploying.emulator import Endpoint
from tfharness.deploying.runs import Run, owner, owner_alive
from tfharness.deploying.sweep import sweep

pytestmark = pytest.mark.harness


def test_a_live_run_is_left_alone_and_reported(tmp_path: Path) -> None:
    run = Run(root=tmp_path / "runs" / "live")
    run.record("vpc__default", {"component": "vpc", "workdir": str(run.root / "vpc__default")})
    before = run.manifest_path.read_bytes()
    # Nothing answers on port 9: had the sweep gone on, its destroy would have failed.
    report = sweep(Endpoint("http://127.0.0.1:9"), tmp_path / "runs")
    assert report.live == {run.run_id: f"pid {owner()['pid']}"}
    assert report.clean and not report.destroyed and not report.failed
    assert any(line.startswith(f"left alone run {run.run_id}") for line in report.lines())
    assert run.manifest_path.read_bytes() == before, "the live run's manifest is untouched"
    assert not list(run.root.glob(".*.tmp")), "no temporary manifest is left"


def test_the_owner_is_alive_only_while_its_process_runs() -> None:
    assert owner_alive({"owner": owner()})
    finished = subprocess.Popen(["true"])
    finished.wait(timeout=10)
    assert not owner_alive({"owner": {**owner(), "pid": finished.pid}})
    assert not owner_alive({"owner": {**owner(), "host": socket.gethostname() + "-other"}})
    assert not owner_alive({"owner": {**owner(), "start": "1"}}), "a reused process ID"
    assert not owner_alive({"run_id": "old", "deployments": {}}), "a manifest without owner"
