"""Reliability: the emulator dies in the middle of an apply; nothing of the run is lost.

The run reports a clear error naming the component and the step, keeps the state and the
manifest entry, and once the emulator is back `sweep` leaves no resource of the run.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from tfharness.deploying.deployment import Deployment
from tfharness.deploying.emulator import MotoServer
from tfharness.deploying.runs import Run
from tfharness.deploying.sweep import sweep, tagged_resources
from tfharness.errors import TerraformFailed
from tfharness.planning.planner import Planner
from tfharness.planning.scenarios import load_scenario

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).parent.parent / "harness" / "fixtures"


@pytest.fixture
def tiny_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TFHARNESS_COMPONENTS_DIR", str(FIXTURES / "components"))
    monkeypatch.setenv("TFHARNESS_SCENARIOS_DIR", str(FIXTURES / "scenarios"))


@pytest.fixture
def own_moto(tmp_path: Path):
    server = MotoServer(log_dir=tmp_path)
    endpoint = server.start()
    yield server, endpoint
    server.stop()


def test_lifecycle_apply_replan_destroy(tiny_catalog, own_moto, tmp_path: Path) -> None:
    _server, endpoint = own_moto
    planner = Planner(endpoint, root=tmp_path / "work", keep=True)
    run = Run(root=tmp_path / "run")
    deployment = Deployment(
        planner.template("tiny"), load_scenario("tiny", "with_topic"), run, env=planner.env
    )
    with deployment as deployed:
        assert deployed.outputs["log_group_name"] == "/tiny/tiny-dev"
        assert run.manifest()["deployments"], "a live deployment is in the manifest"
        logs = endpoint.boto3_client("logs")
        group = logs.describe_log_groups(logGroupNamePrefix="/tiny/")["logGroups"][0]
        assert group["retentionInDays"] == 30 and group["kmsKeyId"].startswith("arn:aws:kms:")
        tags = logs.list_tags_for_resource(resourceArn=group["arn"].removesuffix(":*"))["tags"]
        assert tags["tfharness-run-id"] == run.run_id
        assert deployed.replan_after_apply() is None, "re-plan after apply is not empty"
        assert deployed.replan_after_apply() is None
        assert len(planner.timings.by_phase()["replan"]) == 1, "the re-plan is taken once, kept"
        assert deployed.workspace.changes_pending() is None, "a fresh re-plan agrees"
    assert run.manifest()["deployments"] == {}
    assert tagged_resources(endpoint, run.run_id) == []


def test_emulator_killed_mid_apply_is_reported_and_swept(
    tiny_catalog, own_moto, tmp_path: Path
) -> None:
    server, endpoint = own_moto
    planner = Planner(endpoint, root=tmp_path / "work", keep=True)
    run = Run(root=tmp_path / "runs" / "fault-run")
    deployment = Deployment(
        planner.template("tiny"), load_scenario("tiny", "with_topic"), run, env=planner.env
    )
    kms = endpoint.boto3_client("kms")

    def kill_after_first_resource() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if kms.list_keys()["Keys"]:
                    break
            except Exception:
                return
            time.sleep(0.05)
        server.kill()

    killer = threading.Thread(target=kill_after_first_resource)
    killer.start()
    with pytest.raises(TerraformFailed) as failure:
        deployment.__enter__()
    killer.join()
    message = str(failure.value)
    assert "tiny:with_topic [apply]" in message
    assert "terraform apply failed" in message or "terraform destroy failed" in message
    assert run.manifest()["deployments"], "the manifest keeps the interrupted deployment"
    assert (deployment.workspace.dir / "terraform.tfstate").is_file(), "state is kept"

    restarted = MotoServer(port=server.port, log_dir=tmp_path)
    endpoint = restarted.start()
    try:
        report = sweep(endpoint, run.root.parent, run_id=run.run_id)
        assert report.clean, report.lines()
        assert tagged_resources(endpoint, run.run_id) == []
    finally:
        restarted.stop()
