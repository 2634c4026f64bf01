"""Warm re-runs do no work twice: an unchanged file is parsed once (the HCL parse cache), a
session whose plans all come from the plan cache runs no Terraform and starts no emulator, and
after an edit to one component only that component plans again."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import hcl2
import pytest

from tfharness.planning import cache
from tfharness.planning.scenarios import Scenario
from tfharness.terraform import configuration
from tfharness.tooling import REPO_ROOT

from .conftest import TINY

pytestmark = pytest.mark.harness


def test_an_unchanged_text_is_parsed_once_and_read_back_as_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TFHARNESS_CACHE_DIR", str(tmp_path))
    text = (TINY / "main.tf").read_text()
    for with_meta in (True, False):
        first = configuration.parse_hcl(text, with_meta=with_meta)
        assert first == hcl2.loads(text, with_meta=with_meta)
    entries = sorted((tmp_path / "hcl").glob("*.json"))
    assert len(entries) == 2, "one entry per text and per with_meta"
    real, calls = hcl2.loads, []

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(configuration.hcl2, "loads", counted)
    assert configuration.parse_hcl(text, with_meta=True) == real(text, with_meta=True)
    assert calls == [], "an unchanged text is read from the cache, not parsed"
    edited = text + "\n# edited\n"
    assert configuration.parse_hcl(edited) == real(edited, with_meta=True)
    assert len(calls) == 1, "a changed text is parsed"


def test_a_damaged_entry_is_parsed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TFHARNESS_CACHE_DIR", str(tmp_path))
    text = 'variable "x" {\n  type = string\n}\n'
    expected = configuration.parse_hcl(text)
    (entry,) = (tmp_path / "hcl").glob("*.json")
    entry.write_text('{"variable": [')  # cut short
    assert configuration.parse_hcl(text) == expected
    assert json.loads(entry.read_text()) == expected, "the entry is written again"


def test_a_variant_of_a_scenario_has_a_key_of_its_own() -> None:
    scenario = Scenario("c", "s", {"x": 1})
    plain = cache.scenario_key(scenario, "digest")
    without = cache.scenario_key(scenario, "digest", variant="without build/a.zip")
    assert len({plain, without, cache.scenario_key(scenario, "digest", "without b")}) == 3
    assert without == cache.scenario_key(
        Scenario("c", "t", {"x": 1}), "digest", "without build/a.zip"
    )


TWO_SCENARIOS = (
    "default:\n  vars: {region: us-east-1, environment: dev, name: tiny}\n"
    "bad_retention:\n  extends: default\n  expect_failures: [var.retention_days]\n"
    "  vars: {retention_days: 3}\n"
)


def _session(project: Path, basetemp: Path) -> str:
    """This repository's expectations test over the project's catalog, in a pytest of its own
    (its own embedded moto, if it needs one); returns its output."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("TFHARNESS_AWS_ENDPOINT", "PYTEST_ADDOPTS")
    }
    env.update(
        TFHARNESS_COMPONENTS_DIR=str(project / "components"),
        TFHARNESS_SCENARIOS_DIR=str(project / "scenarios"),
        TFHARNESS_MODULES_DIR=str(project / "modules"),
        TFHARNESS_PLAN_CACHE_DIR=str(project / "plans"),
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/unit/test_scenario_expectations.py", f"--basetemp={basetemp}"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "4 passed" in out, out
    return out


def _cached(out: str) -> tuple[int, int]:
    """(scenarios, from the cache) as the session's summary reports them."""
    found = re.search(r"scenarios: (\d+) \((\d+) from the plan cache", out)
    assert found, out
    return int(found[1]), int(found[2])


def _moto_started(basetemp: Path) -> bool:
    return any(basetemp.glob("emulator*/moto-*.log"))


@pytest.mark.runs_terraform
def test_a_warm_session_plans_nothing_and_an_edit_plans_only_its_component(
    tmp_path: Path,
) -> None:
    project = tmp_path / "project"
    for name in ("tiny", "tiny2"):
        shutil.copytree(TINY, project / "components" / name)
        (project / "scenarios").mkdir(parents=True, exist_ok=True)
        (project / "scenarios" / f"{name}.yaml").write_text(TWO_SCENARIOS)
    (project / "modules").mkdir()

    cold = _session(project, tmp_path / "t1")
    assert _cached(cold) == (4, 0)
    assert _moto_started(tmp_path / "t1"), "planning needs the emulator: it was started"

    warm = _session(project, tmp_path / "t2")
    assert _cached(warm) == (4, 4)
    assert not _moto_started(tmp_path / "t2"), "every plan came from the cache: no emulator"
    assert not re.search(r"^(init|plan|show) +\d", warm, re.MULTILINE), "no Terraform run"

    main_tf = project / "components" / "tiny2" / "main.tf"
    main_tf.write_text(main_tf.read_text() + "\n# an edit: tiny2 must be planned again\n")
    edited = _session(project, tmp_path / "t3")
    assert _cached(edited) == (4, 2), "tiny from the cache, tiny2 planned again"
    assert _moto_started(tmp_path / "t3")
