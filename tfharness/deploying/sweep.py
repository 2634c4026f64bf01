"""Destroy what integration runs left behind, by state and by run tag.

    python -m tfharness.deploying.sweep --endpoint http://127.0.0.1:4566     # or: nox -s sweep -- ...
    nox -s sweep -- --run <run-id>      # one run, kept (--keep) or not
    nox -s sweep -- --all               # every run, kept ones included

For every run manifest under the runs directory, every deployment still listed is destroyed
from its kept state; then the tagging API is asked for anything still carrying the run's tag.
The report says what was removed and what is left. The endpoint is the one the run recorded
(``--endpoint`` overrides it, e.g. for an emulator started again on another port).

* A run whose session is still running on this machine (another terminal, another CI job on
  the runner) is left alone and reported: its deployments are live, not left behind;
  ``--run`` names a run to sweep regardless.
* A kept run (``--keep``) is left alone unless ``--run`` names it or ``--all`` is given. Once
  its deployments are destroyed, the embedded emulator that held them (recorded in the
  manifest) is stopped.
* A run directory with nothing left in it is removed.
"""

from __future__ import annotations

import argparse
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from tfharness.deploying.deployment import RUN_TAG
from tfharness.deploying.emulator import Endpoint
from tfharness.deploying.runs import owner_alive, runs_root, stop_emulator, write_manifest
from tfharness.terraform.command import Terraform
from tfharness.terraform.toolchain import cli_config


@dataclass
class SweepReport:
    destroyed: dict[str, int] = field(default_factory=dict)  # workdir -> resources destroyed
    failed: dict[str, str] = field(default_factory=dict)  # workdir -> error
    tagged_left: dict[str, list[str]] = field(default_factory=dict)  # run ID -> ARNs
    live: dict[str, str] = field(default_factory=dict)  # run ID -> its running session
    kept: dict[str, int] = field(default_factory=dict)  # run ID -> deployments kept (left)
    stopped: dict[str, str] = field(default_factory=dict)  # run ID -> the emulator stopped

    @property
    def clean(self) -> bool:
        return not self.failed and not any(self.tagged_left.values())

    def lines(self) -> list[str]:
        out = [f"destroyed {n} resources from {w}" for w, n in self.destroyed.items()]
        out += [f"FAILED to destroy {w}: {e}" for w, e in self.failed.items()]
        for run_id, arns in self.tagged_left.items():
            out += [f"left with {RUN_TAG}={run_id}: {arn}" for arn in arns]
        out += [
            f"left alone run {r}: its session is still running ({s}); --run {r} sweeps it"
            for r, s in self.live.items()
        ]
        out += [
            f"left kept run {r} ({n} deployments, --keep): --run {r} or --all destroys it"
            for r, n in self.kept.items()
        ]
        out += [f"stopped the emulator of run {r} ({e})" for r, e in self.stopped.items()]
        return out or ["nothing to sweep"]


def _resources_in_state(workdir: Path) -> int:
    state = workdir / "terraform.tfstate"
    if not state.is_file():
        return 0
    data = json.loads(state.read_text() or "{}")
    return sum(
        len(r.get("instances", [])) for r in data.get("resources", []) if r.get("mode") == "managed"
    )


def tagged_resources(endpoint: Endpoint, run_id: str) -> list[str]:
    """ARNs still tagged with the run ID, less those AWS is already deleting.

    KMS keys and Secrets Manager secrets are never deleted at once: AWS schedules them
    (a 7-30 day waiting period). A key pending deletion or a secret with a deletion date is
    gone as far as a run is concerned.
    """
    client = endpoint.boto3_client("resourcegroupstaggingapi")
    arns: list[str] = []
    for page in client.get_paginator("get_resources").paginate(
        TagFilters=[{"Key": RUN_TAG, "Values": [run_id]}]
    ):
        arns += [m["ResourceARN"] for m in page.get("ResourceTagMappingList", [])]
    return [arn for arn in arns if not _being_deleted(endpoint, arn)]


def _being_deleted(endpoint: Endpoint, arn: str) -> bool:
    service = arn.split(":")[2]
    if service == "kms" and ":key/" in arn:
        state = endpoint.boto3_client("kms").describe_key(KeyId=arn)["KeyMetadata"]["KeyState"]
        return state in ("PendingDeletion", "PendingReplicaDeletion")
    if service == "secretsmanager":
        try:
            return "DeletedDate" in endpoint.boto3_client("secretsmanager").describe_secret(
                SecretId=arn
            )
        except endpoint.boto3_client("secretsmanager").exceptions.ResourceNotFoundException:
            return True
    return False


def sweep(
    endpoint: Endpoint | None,
    root: Path | None = None,
    *,
    run_id: str | None = None,
    every: bool = False,
) -> SweepReport:
    """Sweep the runs under `root`: those left behind; with `run_id` that run only (live or
    kept), with `every` kept runs too. `endpoint` None: each run's recorded endpoint."""
    root = root or runs_root()
    report = SweepReport()
    manifests = sorted(root.glob("*/manifest.json")) if root.is_dir() else []
    found = False
    for manifest_path in manifests:
        manifest = json.loads(manifest_path.read_text())
        if run_id and manifest.get("run_id") != run_id:
            continue
        found = True
        if not run_id and owner_alive(manifest):
            report.live[str(manifest.get("run_id"))] = f"pid {manifest['owner']['pid']}"
            continue
        if not run_id and not every and manifest.get("kept"):
            report.kept[str(manifest.get("run_id"))] = len(manifest.get("deployments", {}))
            continue
        target = endpoint or _recorded(manifest)
        if target is None:
            report.failed[str(manifest_path.parent)] = (
                "the run's manifest records no endpoint: pass --endpoint <the target's URL>"
            )
            continue
        _sweep_run(manifest_path, manifest, target, report)
    if run_id and not found:
        report.failed[run_id] = f"no run {run_id} under {root}"
    return report


def _recorded(manifest: dict) -> Endpoint | None:
    url = manifest.get("endpoint")
    return Endpoint(url, name=manifest.get("target") or "moto") if url else None


def _sweep_run(manifest_path: Path, manifest: dict, endpoint: Endpoint, report: SweepReport):
    env = {**cli_config().env(), **endpoint.env()}
    run_id = manifest["run_id"]
    for key, entry in list(manifest.get("deployments", {}).items()):
        workdir = Path(entry["workdir"])
        count = _resources_in_state(workdir)
        done = Terraform(workdir, env).run("destroy", "-input=false", "-no-color", "-auto-approve")
        if done.returncode != 0:
            report.failed[str(workdir)] = (done.stderr or done.stdout)[-2000:]
            continue
        report.destroyed[str(workdir)] = count
        del manifest["deployments"][key]
        write_manifest(manifest_path, manifest)
    try:
        report.tagged_left[run_id] = tagged_resources(endpoint, run_id)
    except Exception as error:  # the target may lack the tagging API; say so
        report.failed[f"tag search {run_id}"] = f"tagging API: {error}"
    if manifest["deployments"] or report.tagged_left.get(run_id):
        return
    emulator = (manifest.get("kept") or {}).get("emulator")
    if stop_emulator(emulator):
        report.stopped[run_id] = f"{emulator['kind']} pid {emulator['pid']}"
    shutil.rmtree(manifest_path.parent, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--endpoint",
        default=None,
        help="AWS endpoint URL the runs applied to (default: the one each run recorded)",
    )
    parser.add_argument("--region", default="us-east-1")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--run", "--run-id", dest="run_id", default=None, help="this run only")
    which.add_argument(
        "--all", dest="every", action="store_true", help="every run, kept ones included"
    )
    parser.add_argument("--runs-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    endpoint = Endpoint(args.endpoint, region=args.region) if args.endpoint else None
    report = sweep(endpoint, args.runs_dir, run_id=args.run_id, every=args.every)
    for line in report.lines():
        print(f"sweep: {line}")
    return 0 if report.clean else 1


if __name__ == "__main__":
    raise SystemExit(main())
