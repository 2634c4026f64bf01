"""Fixtures for the harness's self-tests: the tiny fixture component and its scenarios."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tfharness.deploying.emulator import Endpoint
from tfharness.planning.planner import Planner

FIXTURES = Path(__file__).parent / "fixtures"

# fixtures/user-repo is another project, with tests of its own: run from outside this
# checkout by test_outside_repo.py, never collected here.
collect_ignore = ["fixtures"]
RECORDED = FIXTURES / "recorded"
TINY = FIXTURES / "components" / "tiny"


@pytest.fixture
def fixture_catalog(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the component catalog and scenario files at the harness fixtures."""
    monkeypatch.setenv("TFHARNESS_COMPONENTS_DIR", str(FIXTURES / "components"))
    monkeypatch.setenv("TFHARNESS_SCENARIOS_DIR", str(FIXTURES / "scenarios"))
    return FIXTURES


@pytest.fixture(scope="module")
def tiny_planner(endpoint: Endpoint, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Planner]:
    """A Planner over the fixture catalog, shared by one test module. Its outcomes come from
    the plan cache, keyed like every scenario's (the fixture's files, its inputs, the harness
    code, the toolchain): an unchanged fixture is planned once, not once a session."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TFHARNESS_COMPONENTS_DIR", str(FIXTURES / "components"))
        patch.setenv("TFHARNESS_SCENARIOS_DIR", str(FIXTURES / "scenarios"))
        planner = Planner(endpoint, root=tmp_path_factory.mktemp("tiny"), jobs=2, keep=True)
        yield planner


@pytest.fixture(scope="module")
def planned_tiny(endpoint: Endpoint, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Planner]:
    """A Planner over the fixture catalog that planned every tiny scenario with Terraform, in
    this session, at setup (the plan cache off, batched): for the tests of planning itself
    (batches, shared init, isolation), marked `runs_terraform`."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TFHARNESS_COMPONENTS_DIR", str(FIXTURES / "components"))
        patch.setenv("TFHARNESS_SCENARIOS_DIR", str(FIXTURES / "scenarios"))
        planner = Planner(endpoint, root=tmp_path_factory.mktemp("planned"), jobs=2, keep=True)
        with pytest.MonkeyPatch.context() as off:
            off.setenv("TFHARNESS_PLAN_CACHE", "0")
            planner.plan_components(["tiny"])
        assert planner.cache_hits == 0 and planner.timings.by_phase()["plan"]
        yield planner
