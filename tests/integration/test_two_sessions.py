"""Reliability: two harness sessions side by side on one cache directory.

A developer runs the plan tier in one terminal while the integration tier runs in another, or
two CI jobs share a runner: both use the same plugin cache, plan cache, init lock and runs
directory. Here, on one fresh cache directory, each with its own embedded moto:

* A plans every scenario of every component (the plan tier's expectations) and, so that it
  has a run of its own, applies iam first (its fleet stays up until A ends);
* B applies acm and secretsmanager and plans their scenarios (the same cache keys as A's).

Both must pass; both took the init lock (seen in /proc/locks) and no init failed; every plan
cache entry is complete and no temporary file is left; each run's manifest names its own run
and its own components only. Once B is done, B has removed its finished run's directory
itself, and a sweep of every run leaves A's, still live, alone: A's manifest is not touched
and A then tears its fleet down itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.harness.sessions import (
    ROOT,
    kill_leftovers,
    plan_cache_problems,
    pytest_command,
    session_env,
)
from tfharness.deploying.emulator import MotoServer

pytestmark = pytest.mark.integration

A_COMPONENTS = {"iam"}
B_COMPONENTS = {"acm", "secretsmanager"}
A_ARGS = ("-m", "unit or integration", "tests/integration/test_iam.py")
A_ARGS += ("tests/unit/test_scenario_expectations.py",)
B_ARGS = ("-m", "unit or integration")
B_ARGS += tuple(f"tests/integration/test_{c}.py" for c in sorted(B_COMPONENTS))
B_ARGS += tuple(f"tests/unit/test_{c}.py" for c in sorted(B_COMPONENTS))
INIT_FAILURES = ("terraform init failed", "file exists", "Failed to install provider")


def lock_holders(lock_file: Path) -> tuple[set[int], set[int]]:
    """(pids holding, pids waiting for) the flock on `lock_file`, from /proc/locks."""
    if not lock_file.exists():
        return set(), set()
    stat = lock_file.stat()
    device = f"{os.major(stat.st_dev):02x}:{os.minor(stat.st_dev):02x}:{stat.st_ino}"
    holders, waiters = set(), set()
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        waiting = len(fields) > 1 and fields[1] == "->"
        fields = [f for f in fields if f != "->"]
        if len(fields) >= 6 and fields[1] == "FLOCK" and fields[5] == device:
            (waiters if waiting else holders).add(int(fields[4]))
    return holders, waiters


def manifests(runs_dir: Path) -> dict[str, dict]:
    """Run directory name -> its manifest, for every run under `runs_dir`."""
    found = {}
    for path in sorted(runs_dir.glob("*/manifest.json")) if runs_dir.is_dir() else []:
        try:
            found[path.parent.name] = json.loads(path.read_text())
        except ValueError as error:  # a manifest is written atomically: never half-written
            raise AssertionError(f"{path} does not parse: {error}") from error
    return found


def sweep(cache_dir: Path, endpoint_url: str, *args: str) -> subprocess.CompletedProcess:
    """The sweep as a session on that cache directory runs it (`nox -s sweep -- ...`)."""
    return subprocess.run(
        [sys.executable, "-m", "tfharness.deploying.sweep", "--endpoint", endpoint_url, *args],
        cwd=ROOT,
        env=session_env(cache_dir),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_two_sessions_share_one_cache_directory(tmp_path: Path, target_kind: str) -> None:
    if target_kind != "moto":
        pytest.skip("both sessions run on their own moto; the proof does not depend on the target")
    cache_dir = tmp_path / "cache"
    runs_dir = cache_dir / "runs"
    logs = {name: (tmp_path / f"session-{name}.log").open("w+") for name in "AB"}
    started = time.monotonic()
    sessions = {
        name: subprocess.Popen(
            pytest_command(*args),
            cwd=ROOT,
            env=session_env(cache_dir),
            stdout=logs[name],
            stderr=subprocess.STDOUT,
        )
        for name, args in (("A", A_ARGS), ("B", B_ARGS))
    }
    pids = {name: session.pid for name, session in sessions.items()}
    holders: set[int] = set()
    waiters: set[int] = set()
    seen: dict[str, dict] = {}  # run directory -> its latest manifest
    sweeper: MotoServer | None = None
    try:
        deadline = time.monotonic() + 900

        def watch(session: subprocess.Popen) -> int:
            """Sample the init lock and the manifests until the session ends; its exit code."""
            while session.poll() is None and time.monotonic() < deadline:
                held, waiting = lock_holders(cache_dir / "init.lock")
                holders.update(held)
                waiters.update(waiting)
                seen.update(manifests(runs_dir))
                time.sleep(0.05)
            return session.wait(timeout=5)

        assert watch(sessions["B"]) == 0, output(logs["B"])
        b_seconds = time.monotonic() - started
        seen.update(manifests(runs_dir))
        assert sessions["A"].poll() is None, (
            "A ended before B: A's run cannot be shown to survive B's sweep\n" + output(logs["A"])
        )

        # Each run's manifest names its own run and its own components, nothing else.
        by_pid = {pid: name for name, pid in pids.items()}
        owners: dict[str, str] = {}  # session -> its run ID
        for directory, manifest in seen.items():
            session = by_pid.get(owner(manifest))
            assert session and session not in owners, f"a run of no session, or two: {seen}"
            owners[session] = directory
            assert manifest["run_id"] == directory
            components = {e["component"] for e in manifest["deployments"].values()}
            assert components <= (A_COMPONENTS if session == "A" else B_COMPONENTS), manifest
            for entry in manifest["deployments"].values():
                assert Path(entry["workdir"]).is_relative_to(runs_dir / directory), entry
        b_run, a_run = owners["B"], owners["A"]
        assert not (runs_dir / b_run).exists(), (
            "B destroyed what it applied, and so removed its run's directory itself"
        )
        a_manifest = (runs_dir / a_run / "manifest.json").read_bytes()
        assert json.loads(a_manifest)["deployments"], "A's fleet is up while B is swept"

        # A sweep of every run leaves A's live run alone.
        sweeper = MotoServer(log_dir=tmp_path / "sweeper")
        url = sweeper.start().url
        everything = sweep(cache_dir, url)
        assert everything.returncode == 0, everything.stdout + everything.stderr
        assert f"left alone run {a_run}: its session is still running" in everything.stdout
        assert (runs_dir / a_run / "manifest.json").read_bytes() == a_manifest, (
            "a sweep of every run touched A's live run"
        )

        code = watch(sessions["A"])
        a_seconds = time.monotonic() - started
        assert code == 0, output(logs["A"])
        assert not (runs_dir / a_run).exists(), "A tore its fleet down itself (and its run)"

        # The init lock serialised both sessions' inits; none of them failed.
        assert pids["A"] in holders and pids["B"] in holders, (holders, waiters, pids)
        for name, log in logs.items():
            text = output(log, tail=None)
            assert not [f for f in INIT_FAILURES if f in text], f"{name}: an init failed:\n{text}"
        # Every plan-cache entry is complete; nothing half-written is left.
        entries = list((cache_dir / "plans").glob("*.json"))
        assert entries and not plan_cache_problems(cache_dir / "plans"), plan_cache_problems(
            cache_dir / "plans"
        )
        print(
            f"B passed in {b_seconds:.0f} s, A in {a_seconds:.0f} s; init lock held by A and B"
            f" ({len(waiters & set(pids.values()))} seen waiting); {len(entries)} plan-cache "
            f"entries, all complete; runs {a_run} (A), {b_run} (B, swept)"
        )
    finally:
        for session in sessions.values():
            if session.poll() is None:
                session.kill()
                session.wait(timeout=30)
        kill_leftovers(cache_dir)
        if sweeper is not None:
            sweeper.stop()
        for log in logs.values():
            log.close()


def owner(manifest: dict) -> int | None:
    return (manifest.get("owner") or {}).get("pid")


def output(log, tail: int | None = 4000) -> str:
    log.flush()
    log.seek(0)
    text = log.read()
    return text if tail is None else text[-tail:]
