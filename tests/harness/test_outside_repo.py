"""Proof from outside: a platform team's own repository (tests/harness/fixtures/user-repo),
copied outside this checkout, tested with the installed harness and no conftest.

The fixture is an adopted module with its own provider and versions files, variables in a
`*.tf.json` file, a local module used through `../../../modules/log-group`, its own
`default_tags`, an aliased second region and a nested `build` folder it reads. Its tests plan
it (clean, a validation and a provider error), apply it to the embedded moto, check the tags
in both regions, re-plan clean and destroy it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

pytestmark = pytest.mark.harness

USER_REPO = Path(__file__).parent / "fixtures" / "user-repo"


def run_pytest(repo: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TFHARNESS_COMPONENTS", "TFHARNESS_SCENARIOS", "TFHARNESS_STACKS"))
        and k not in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS", "PYTHONPATH")
    }
    env["TFHARNESS_PLAN_CACHE_DIR"] = str(tmp_path / "plan-cache")  # plan for real
    env["TFHARNESS_RUNS_DIR"] = str(tmp_path / "runs")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture
def user_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "platform-repo"
    shutil.copytree(USER_REPO, repo)
    assert not list(repo.rglob("conftest.py")), "the fixture must not load the plugin itself"
    return repo


def test_the_plugin_is_registered_as_an_entry_point() -> None:
    names = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert names.get("tfharness") == "tfharness.plugin"


@pytest.mark.runs_terraform
def test_a_user_repository_plans_applies_replans_and_destroys(user_repo, tmp_path) -> None:
    done = run_pytest(user_repo, tmp_path, "tests")
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "tfharness: components under test: orders" in out
    assert "6 passed" in out, out
    # everything applied was destroyed, so the run removed its directory
    assert (tmp_path / "runs").is_dir(), "the session ran no integration run"
    assert not list((tmp_path / "runs").iterdir()), list((tmp_path / "runs").iterdir())
    # nothing was written into the module's folders
    assert not list(user_repo.rglob(".terraform*")) and not list(user_repo.rglob("*.tfstate"))


@pytest.mark.runs_terraform
def test_locations_come_from_ini_options(user_repo, tmp_path) -> None:
    """A repository that keeps its modules and scenarios elsewhere says so in its ini file."""
    (user_repo / "components").rename(user_repo / "infra")
    (user_repo / "tests" / "scenarios").rename(user_repo / "scenario-files")
    main_tf = user_repo / "infra" / "terraform" / "orders" / "main.tf"
    assert "../../../modules/log-group" in main_tf.read_text()  # still resolves: same depth
    ini = user_repo / "pytest.ini"
    ini.write_text(
        ini.read_text()
        + "tfharness_components_dir = infra/terraform\n"
        + "tfharness_scenarios_dir = scenario-files\n"
    )
    done = run_pytest(user_repo, tmp_path, "tests", "-m", "unit")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "5 passed, 1 deselected" in done.stdout, done.stdout
