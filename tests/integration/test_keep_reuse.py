"""The developer's loop: keep a deployment, verify it again without applying, then sweep it.

Sessions of acm's integration tests on one fresh cache (and runs) directory, Terraform wrapped
by a script that logs every command it is given:

1. ``--keep`` applies acm (one ``terraform apply``), passes and leaves it: the manifest marks
   the run kept with the embedded moto that holds it, which still answers after the session
   ended, and the certificate is still there, tagged with the run's ID.
2. ``--reuse last`` passes with no ``apply`` at all, and re-plans the kept deployment.
3. ``--reuse <id>`` with a changed input (a copy of the scenario files), then with a changed
   component (a copy of the component tree), stops with a usage error that says what changed,
   and applies nothing; the kept deployment is left as it was.
4. A sweep of every run left behind leaves the kept run alone and says so; ``--run <id>``
   destroys it, stops its moto and removes its directory.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from tests.harness.sessions import ROOT, kill_leftovers, pytest_command, session_env
from tfharness.deploying.deployment import RUN_TAG, endpoint_answers
from tfharness.deploying.runs import emulator_alive
from tfharness.terraform.toolchain import terraform_binary

pytestmark = pytest.mark.integration

ARGS = ("-m", "integration", "tests/integration/test_acm.py")
USAGE_ERROR = 4


@pytest.fixture
def loop(tmp_path: Path):
    """The sessions' environment: a fresh cache, Terraform behind a logging wrapper."""
    log = tmp_path / "terraform-commands.log"
    wrapper = tmp_path / "terraform"
    wrapper.write_text(
        f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{log}"\nexec "{terraform_binary()}" "$@"\n'
    )
    wrapper.chmod(0o755)
    cache = tmp_path / "cache"
    env = session_env(cache, TFHARNESS_TERRAFORM=str(wrapper))
    yield env, log, cache
    # Whatever a failed assertion left: the kept run's emulator first, then the rest.
    subprocess.run(
        [sys.executable, "-m", "tfharness.deploying.sweep", "--all"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        timeout=300,
    )
    kill_leftovers(cache)


def session(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        pytest_command(*ARGS, *args),
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )


def sweep(env: dict, *args: str) -> subprocess.CompletedProcess:
    """`nox -s sweep -- <args>` as the sessions' user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "tfharness.deploying.sweep", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def commands(log: Path) -> list[str]:
    """The Terraform subcommands run so far (first word of each logged command line)."""
    lines = log.read_text().splitlines() if log.is_file() else []
    return [line.split()[0] for line in lines if line.split()]


def kept_manifest(cache: Path) -> dict:
    found = [json.loads(p.read_text()) for p in (cache / "runs").glob("*/manifest.json")]
    kept = [m for m in found if m.get("kept")]
    assert len(kept) == 1, f"one kept run expected, found: {found}"
    return kept[0]


def certificates(url: str, run_id: str) -> list[str]:
    client = boto3.client(
        "resourcegroupstaggingapi",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    found = client.get_resources(
        TagFilters=[{"Key": RUN_TAG, "Values": [run_id]}], ResourceTypeFilters=["acm:certificate"]
    )
    return [m["ResourceARN"] for m in found["ResourceTagMappingList"]]


def test_keep_then_reuse_without_applying_then_sweep(loop, tmp_path: Path) -> None:
    env, log, cache = loop

    kept = session(env, "--keep")
    assert kept.returncode == 0, kept.stdout[-4000:] + kept.stderr[-2000:]
    assert commands(log).count("apply") == 1, commands(log)
    manifest = kept_manifest(cache)
    run_id, url = manifest["run_id"], manifest["endpoint"]
    assert set(manifest["deployments"]) == {"acm__integration"}, manifest
    emulator = manifest["kept"]["emulator"]
    assert emulator["kind"] == "moto" and emulator["url"] == url
    assert emulator_alive(emulator), "the kept run's moto outlives the session"
    assert endpoint_answers(url)
    assert len(certificates(url, run_id)) == 1, "the certificate is still deployed"
    assert f"kept run {run_id}: acm" in kept.stdout
    assert f"nox -s sweep -- --run {run_id}" in kept.stdout

    before = len(commands(log))
    reused = session(env, "--reuse", "last")
    assert reused.returncode == 0, reused.stdout[-4000:] + reused.stderr[-2000:]
    again = commands(log)[before:]
    assert "apply" not in again, f"--reuse applied: {again}"
    assert "destroy" not in again, f"--reuse destroyed: {again}"
    assert "plan" in again, "the kept deployment is re-planned before it is reused"
    assert len(certificates(url, run_id)) == 1, "the reuse left the deployment in place"

    # A changed input: the scenario files as a copy, acm's integration scenario edited.
    scenarios = tmp_path / "scenarios"
    shutil.copytree(ROOT / "tests" / "scenarios", scenarios)
    acm = scenarios / "acm.yaml"
    text = acm.read_text()
    assert "    zone_id: null\nbad_environment:" in text
    acm.write_text(
        text.replace(
            "    zone_id: null\nbad_environment:",
            "    zone_id: null\n    validation_record_ttl: 120\nbad_environment:",
        )
    )
    before = len(commands(log))
    changed = session({**env, "TFHARNESS_SCENARIOS_DIR": str(scenarios)}, "--reuse", run_id)
    assert changed.returncode == USAGE_ERROR, changed.stdout[-3000:]
    output = changed.stdout + changed.stderr
    assert f"cannot reuse run {run_id}" in output
    assert "its inputs changed since" in output and "validation_record_ttl" in output
    assert "apply" not in commands(log)[before:]

    # A changed component: the tree as a copy, one tag of acm's certificate edited.
    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "components", tree / "components")
    shutil.copytree(ROOT / "modules", tree / "modules")
    main = tree / "components" / "terraform" / "acm" / "main.tf"
    source = main.read_text()
    tags = '"${local.name_prefix}-${var.domain_name}" }, var.certificate_tags)'
    assert source.count(tags) == 1, "acm's certificate tags are not where the test edits them"
    main.write_text(source.replace(tags, tags[:-1] + ', { Edited = "yes" })'))
    before = len(commands(log))
    edited = session(
        {**env, "TFHARNESS_COMPONENTS_DIR": str(tree / "components" / "terraform")},
        "--reuse",
        run_id,
    )
    assert edited.returncode == USAGE_ERROR, edited.stdout[-3000:]
    output = edited.stdout + edited.stderr
    assert "no longer matches today's code" in output
    assert "aws_acm_certificate.this (update)" in output, output[-3000:]
    assert "apply" not in commands(log)[before:]
    assert len(certificates(url, run_id)) == 1, "a refused reuse leaves the deployment alone"

    sweep_env = {k: v for k, v in env.items() if k != "TFHARNESS_TERRAFORM"}
    left = sweep(sweep_env)
    assert left.returncode == 0, left.stdout + left.stderr
    assert f"left kept run {run_id} (1 deployments, --keep)" in left.stdout, left.stdout
    assert emulator_alive(emulator) and (cache / "runs" / run_id).is_dir()

    swept = sweep(sweep_env, "--run", run_id)
    assert swept.returncode == 0, swept.stdout + swept.stderr
    assert "destroyed 2 resources from" in swept.stdout, swept.stdout
    assert f"stopped the emulator of run {run_id} (moto pid {emulator['pid']})" in swept.stdout
    assert not emulator_alive(emulator), "the sweep stops the kept run's moto"
    assert not (cache / "runs" / run_id).exists(), "the swept run's directory is removed"
