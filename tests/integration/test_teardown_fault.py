"""Reliability: the emulator dies while a destroy runs; nothing of the run is lost.

The tiny fixture component (a KMS key, a log group encrypted with it, a topic) is applied
through the Deployment API to a moto that holds every `DeleteLogGroup` request: once the
destroy sends one, the emulator is killed. The run must say so (the endpoint that stopped
answering and the sweep command to run), keep the state of what was not destroyed and mark
the deployment in its manifest as not destroyed. Then a new moto on the same port gets back
what the state still lists (moto keeps nothing across a restart; a real endpoint would still
hold it), and the advertised sweep command removes it: nothing of the run is left.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tfharness.deploying.deployment import Deployment
from tfharness.deploying.emulator import MotoServer
from tfharness.deploying.runs import Run
from tfharness.deploying.sweep import tagged_resources
from tfharness.errors import TerraformFailed
from tfharness.planning.planner import Planner
from tfharness.planning.scenarios import load_scenario

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).parent.parent / "harness" / "fixtures"
STALLED = "DeleteLogGroup"


class StallingMoto(MotoServer):
    SERVER = (str(Path(__file__).with_name("stalling_moto.py")),)


def managed(state_file: Path) -> dict[str, dict]:
    """Address -> attributes of each managed resource instance a state file lists."""
    state = json.loads(state_file.read_text())
    return {
        f"{r['type']}.{r['name']}" + (f"[{i['index_key']}]" if "index_key" in i else ""): i[
            "attributes"
        ]
        for r in state.get("resources", [])
        if r["mode"] == "managed"
        for i in r["instances"]
    }


def test_emulator_killed_mid_destroy_is_reported_kept_and_swept(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, target_kind: str
) -> None:
    if target_kind != "moto":
        pytest.skip("runs on a moto of its own; the proof does not depend on the target")
    monkeypatch.setenv("TFHARNESS_COMPONENTS_DIR", str(FIXTURES / "components"))
    monkeypatch.setenv("TFHARNESS_SCENARIOS_DIR", str(FIXTURES / "scenarios"))
    marker = tmp_path / "stalled"
    monkeypatch.setenv("TFHARNESS_STALL_ACTIONS", STALLED)
    monkeypatch.setenv("TFHARNESS_STALL_MARKER", str(marker))
    server = StallingMoto(log_dir=tmp_path)
    endpoint = server.start()
    restarted: MotoServer | None = None
    try:
        planner = Planner(endpoint, root=tmp_path / "work", keep=True)
        run = Run(root=tmp_path / "runs" / "teardown-fault")
        deployment = Deployment(
            planner.template("tiny"), load_scenario("tiny", "with_topic"), run, env=planner.env
        )
        deployment.__enter__()
        state_file = deployment.workspace.dir / "terraform.tfstate"
        applied = managed(state_file)
        assert set(applied) == {
            "aws_kms_key.this",
            "aws_cloudwatch_log_group.this",
            "aws_sns_topic.this[0]",
        }

        def kill_when_stalled() -> None:
            # The destroy has sent its DeleteLogGroup (moto holds it): kill the emulator now.
            for _ in range(1200):
                if marker.exists():
                    server.kill()
                    return
                threading.Event().wait(0.1)

        killer = threading.Thread(target=kill_when_stalled, daemon=True)
        killer.start()
        with pytest.raises(TerraformFailed) as failure:
            deployment.destroy()
        killer.join(timeout=130)
        assert marker.read_text() == STALLED, "the emulator was killed during the destroy"
        assert not server.running

        # Reported: the component, the endpoint that stopped answering, the sweep to run.
        message = str(failure.value)
        assert "tiny:with_topic [apply]: terraform destroy failed" in message
        assert f"The AWS endpoint {endpoint.url} does not answer" in message
        sweep_line = message.rsplit("Then run: ", 1)[1].strip()
        assert sweep_line == (
            f"nox -s sweep -- --endpoint {endpoint.url} --run-id {run.run_id} "
            f"--runs-dir {run.root.parent}"
        )
        # Kept: the state lists what the destroy did not get to (the log group it was
        # deleting, the key the log group needs); the manifest says it was not destroyed.
        left = managed(state_file)
        assert {"aws_kms_key.this", "aws_cloudwatch_log_group.this"} <= set(left), left
        entry = run.manifest()["deployments"][deployment.key]
        assert entry["destroy_failed"] and entry["left_in_state"] == len(left)
        assert entry["workdir"] == str(deployment.workspace.dir)
        assert not deployment.destroyed

        # The emulator back on its port, holding what the state says is still there.
        restarted = MotoServer(port=server.port, log_dir=tmp_path / "restarted")
        endpoint = restarted.start()
        group = left["aws_cloudwatch_log_group.this"]
        logs = endpoint.boto3_client("logs")
        logs.create_log_group(logGroupName=group["name"], tags={"tfharness-run-id": run.run_id})
        sns = endpoint.boto3_client("sns")
        if "aws_sns_topic.this[0]" in left:
            sns.create_topic(Name=left["aws_sns_topic.this[0]"]["name"])

        done = subprocess.run(
            [sys.executable, "-m", "tfharness.deploying.sweep", *shlex.split(sweep_line)[4:]],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert f"destroyed {len(left)} resources from {deployment.workspace.dir}" in done.stdout
        assert logs.describe_log_groups(logGroupNamePrefix="/tiny/")["logGroups"] == []
        assert sns.list_topics()["Topics"] == []
        assert tagged_resources(endpoint, run.run_id) == []
        assert not run.root.exists(), "the swept run's directory (state, manifest) is removed"
        print(f"{message}\nkilled during {STALLED}; state kept {sorted(left)}; {done.stdout}")
    finally:
        server.stop()
        if restarted is not None:
            restarted.stop()
