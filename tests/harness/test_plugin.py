"""The pytest plugin plans only the components of the tests that will run."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tfharness.tooling import REPO_ROOT

pytestmark = pytest.mark.harness


def collect(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.inner_session
def test_keyword_deselection_narrows_what_is_planned() -> None:
    out = collect("tests/unit/test_scenario_expectations.py", "-k", "iam: or acm:")
    assert "tfharness: components under test: acm, iam\n" in out


@pytest.mark.inner_session
def test_a_component_test_file_plans_only_its_component() -> None:
    assert "tfharness: components under test: vpc\n" in collect("tests/unit/test_vpc.py")
