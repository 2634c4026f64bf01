"""Inventories (`expect:` in a scenario file): how plans are spelled, compared, refreshed and
written back, and `--update-inventory` end to end on the tiny fixture component."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tfharness.planning import cache, inventory
from tfharness.terraform.plan import Plan
from tfharness.tooling import REPO_ROOT

pytestmark = pytest.mark.harness

FIXTURES = Path(__file__).parent / "fixtures"
POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject"}]}


def _change(address: str, after: dict, unknown: dict | None = None, sensitive: dict | None = None):
    kind, name = address.split(".")[-2:]
    return {
        "address": address,
        "type": kind,
        "name": name,
        "mode": "managed",
        "change": {
            "actions": ["create"],
            "after": after,
            "after_unknown": unknown or {},
            "after_sensitive": sensitive or {},
        },
    }


def _plan(*changes: dict) -> Plan:
    return Plan({"resource_changes": list(changes)}, label="t:default")


PLAN = _plan(
    _change(
        "aws_s3_bucket.this",
        {
            "bucket": "logs",
            "force_destroy": False,
            "tags": {"Name": "logs"},
            "tags_all": {"Name": "logs", "Run": "x"},
            "policy": json.dumps(POLICY),
            "grant": [],
            "acl": None,
        },
        {"arn": True, "versioning": [{"enabled": True}]},
    ),
    _change(
        "aws_db_instance.this",
        {"password_wo_version": 1, "master_user_secret": None},
        sensitive={"password_wo_version": True},
    ),
)


def test_a_plan_is_spelled_for_review() -> None:
    found = inventory.inventory_of(PLAN)
    assert list(found) == ["aws_db_instance.this", "aws_s3_bucket.this"]  # sorted
    bucket = found["aws_s3_bucket.this"]
    assert bucket["arn"] == "(known after apply)"
    assert bucket["versioning"] == [{"enabled": "(known after apply)"}]
    assert bucket["force_destroy"] is False  # false is a value; null and empty are not
    assert "acl" not in bucket and "grant" not in bucket and "tags_all" not in bucket
    assert bucket["policy"] == json.dumps(POLICY, indent=2, sort_keys=True)  # one member a line
    assert found["aws_db_instance.this"] == {"password_wo_version": "(sensitive)"}


def test_an_inventory_compares_maps_as_subsets_and_documents_as_documents() -> None:
    reordered = json.dumps({"Statement": POLICY["Statement"], "Version": "2012-10-17"})
    assert not inventory.differences(
        PLAN,
        {"aws_s3_bucket.this": {"tags": {"Name": "logs"}, "policy": reordered, "bucket": "logs"}},
    )
    problems = inventory.differences(
        PLAN,
        {
            "aws_s3_bucket.this": {"force_destroy": 0, "tags": {"Team": "x"}, "arn": "arn:x"},
            "aws_s3_bucket.gone": {"bucket": "old"},
        },
    )
    assert problems == [
        "aws_s3_bucket.this: force_destroy: got False, expected 0",
        "aws_s3_bucket.this: tags.Team: not in the plan (expected 'x')",
        "aws_s3_bucket.this: arn: got '(known after apply)', expected 'arn:x'",
        "aws_s3_bucket.gone: stale inventory: the plan has no such resource (run "
        "`pytest --update-inventory` or remove it from `expect:`)",
    ]


def test_refresh_keeps_the_chosen_attributes_and_follows_the_plan() -> None:
    existing = {
        "aws_s3_bucket.this": {"bucket": "old-name", "no_longer_planned": 1},
        "aws_s3_bucket.gone": {"bucket": "x"},
    }
    refreshed = inventory.refresh(existing, PLAN)
    assert refreshed == {
        "aws_db_instance.this": {"password_wo_version": "(sensitive)"},  # new: whole
        "aws_s3_bucket.this": {"bucket": "logs"},  # chosen attribute, today's value
    }


SCENARIOS = """\
# A comment the writer must keep.
default:
  description: first
  vars: {region: us-east-1}
second:
  extends: default
  vars:
    a: [1, 2]
  expect:
    aws_x.y: {a: 1}

  # trailing comment of second
third:
  vars: {}
"""


def test_write_touches_only_the_expect_blocks_and_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(SCENARIOS)
    updates = {
        "default": {"aws_s3_bucket.this": {"bucket": "logs"}},
        "second": {"aws_x.y": {"a": 2}},
    }
    assert inventory.write(path, updates) == ["default", "second"]
    text = path.read_text()
    assert text == SCENARIOS.replace(
        "  vars: {region: us-east-1}\n",
        "  vars: {region: us-east-1}\n  expect:\n    aws_s3_bucket.this:\n      bucket: logs\n",
    ).replace("    aws_x.y: {a: 1}\n", "    aws_x.y:\n      a: 2\n")
    assert yaml.safe_load(text)["second"]["expect"] == {"aws_x.y": {"a": 2}}
    before = path.stat().st_mtime_ns
    assert inventory.write(path, updates) == []  # nothing changed: the file is not rewritten
    assert path.stat().st_mtime_ns == before and path.read_text() == text


# --update-inventory end to end: the tiny fixture component, through this repository's
# expectations test, in a pytest of its own.


def _pytest(project: Path, endpoint, *args: str) -> subprocess.CompletedProcess:
    env = {
        "TFHARNESS_AWS_ENDPOINT": endpoint.url,  # this session's moto: no server start per run
        **{k: v for k, v in os.environ.items() if k != "TFHARNESS_AWS_ENDPOINT"},
        "TFHARNESS_COMPONENTS_DIR": str(project / "components"),
        "TFHARNESS_SCENARIOS_DIR": str(project / "scenarios"),
        "TFHARNESS_MODULES_DIR": str(project / "modules"),
        "TFHARNESS_CACHE_DIR": str(project / "cache"),
        # This session's plan cache (keyed by content): the fixture is not planned again.
        "TFHARNESS_PLAN_CACHE_DIR": str(cache.cache_dir()),
    }
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/unit/test_scenario_expectations.py",
            "-k",
            "tiny:default",
            *args,
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.inner_session
def test_update_inventory_writes_then_checks_and_a_change_shows_as_a_failure(
    tmp_path: Path, endpoint
) -> None:
    shutil.copytree(FIXTURES / "components", tmp_path / "components")
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "modules").mkdir()
    scenario_file = tmp_path / "scenarios" / "tiny.yaml"
    shutil.copy(FIXTURES / "scenarios" / "tiny.yaml", scenario_file)

    written = _pytest(tmp_path, endpoint, "--update-inventory")
    assert written.returncode == 0, written.stdout + written.stderr
    assert "1 inventories from today's plans; 1 changed" in written.stdout
    inventory_text = scenario_file.read_text()
    expect = yaml.safe_load(inventory_text)["default"]["expect"]
    assert expect["aws_kms_key.this"]["enable_key_rotation"] is True
    assert expect["aws_cloudwatch_log_group.this"]["retention_in_days"] == 30
    assert expect["aws_kms_key.this"]["arn"] == "(known after apply)"

    again = _pytest(tmp_path, endpoint, "--update-inventory")
    assert "1 inventories from today's plans; 0 changed" in again.stdout, again.stdout
    assert scenario_file.read_text() == inventory_text  # a clean tree changes nothing
    checked = _pytest(tmp_path, endpoint)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    # A plan change the reviewer must see (retention 30 -> 7 in the default scenario), and an
    # address the plan no longer has (a renamed resource), in one run: both are named.
    scenario_file.write_text(
        inventory_text.replace("name: tiny\n", "name: tiny\n    retention_days: 7\n", 1).replace(
            "aws_kms_key.this:", "aws_kms_key.renamed:", 1
        )
    )
    changed = _pytest(tmp_path, endpoint)
    assert changed.returncode == 1
    assert "aws_cloudwatch_log_group.this: retention_in_days: got 7, expected 30" in changed.stdout
    assert "aws_kms_key.renamed: stale inventory: the plan has no such resource" in changed.stdout
