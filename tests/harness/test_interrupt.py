"""Reliability: an interrupt (SIGINT, what Ctrl-C sends; SIGTERM, what a cancelled CI job
gets) during a planning batch.

A real pytest session plans acm's scenarios on a cold cache of its own; once a
`terraform plan` of one of its batches runs, the session gets the signal. It must stop: no
Terraform or provider process of it is left running, and the plan cache holds no entry for a
scenario of the interrupted batches (whatever is there is complete; no temporary file).
"""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.harness.sessions import (
    ROOT,
    kill_leftovers,
    plan_cache_problems,
    processes_of,
    pytest_command,
    scenario_keys,
    session_env,
    terraform_commands,
    wait_for,
)

pytestmark = pytest.mark.harness

COMPONENT = "acm"
INTERRUPTED = 2  # pytest's exit code for an interrupted session


@pytest.mark.runs_terraform
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupt_during_a_planning_batch_leaves_no_process_and_no_entry(
    signum: signal.Signals, tmp_path: Path
) -> None:
    cache_dir = tmp_path / "cache"
    log = (tmp_path / "session.log").open("w+")
    session = subprocess.Popen(
        pytest_command("-m", "unit", f"tests/unit/test_{COMPONENT}.py"),
        cwd=ROOT,
        env=session_env(cache_dir),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        plans = wait_for(
            lambda: [p for p in terraform_commands(processes_of(cache_dir)) if p.argv[1] == "plan"],
            timeout=300,
            what=f"a terraform plan of the session planning {COMPONENT}",
        )
        assert session.poll() is None, "the session ended before its plan could be interrupted"
        entries_before = sorted(p.name for p in (cache_dir / "plans").glob("*.json"))
        started = time.monotonic()
        session.send_signal(signum)
        code = session.wait(timeout=120)
        stopped = time.monotonic() - started
        log.seek(0)
        output = log.read()
        assert code == INTERRUPTED, f"exit {code}, not interrupted:\n{output[-3000:]}"
        assert "KeyboardInterrupt" in output, output[-3000:]

        # Nothing of the session is left: Terraform, its providers, moto (a short grace for
        # processes that are exiting).
        left = []
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            left = processes_of(cache_dir)
            if not left:
                break
            time.sleep(0.1)
        assert not left, "left running after the interrupt:\n" + "\n".join(map(str, left))

        keys = scenario_keys(COMPONENT)
        written = {
            name for name, key in keys.items() if (cache_dir / "plans" / f"{key}.json").exists()
        }
        assert not entries_before, f"entries existed before the interrupt: {entries_before}"
        assert not written, f"entries of the interrupted batch: {sorted(written)}\n{output[-3000:]}"
        assert not plan_cache_problems(cache_dir / "plans"), plan_cache_problems(
            cache_dir / "plans"
        )
        print(
            f"{signum.name} during {[' '.join(p.argv[:2]) for p in plans]}; session exited in "
            f"{stopped:.1f} s; {len(keys)} scenarios, no entry, nothing left running"
        )
    finally:
        if session.poll() is None:
            session.kill()
            session.wait(timeout=30)
        kill_leftovers(cache_dir)
        log.close()


def test_a_process_left_by_a_session_is_found_by_its_cache_directory(tmp_path: Path) -> None:
    """The leftover check above can fail: a process of the session is found, a zombie not."""
    cache_dir = tmp_path / "cache"
    left = subprocess.Popen(["sleep", "60"], env=session_env(cache_dir))
    try:
        found = wait_for(lambda: processes_of(cache_dir), timeout=10, what="the sleep")
        assert [p.pid for p in found] == [left.pid] and found[0].program == "sleep"
        assert processes_of(tmp_path / "another") == []
    finally:
        left.kill()
    wait_for(lambda: not processes_of(cache_dir), timeout=10, what="the zombie to be ignored")
    left.wait(timeout=10)
