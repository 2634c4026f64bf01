"""Integration runs: their IDs, state directories and manifests, kept runs and their clean-up.

A ``Run`` is one integration session's unit of bookkeeping: an ID (tagged on every resource it
applies), a directory under the runs directory (``TFHARNESS_RUNS_DIR``, default
``<cache>/runs``) holding each deployment's workspace and state, and ``manifest.json``, which
lists every deployment until it is destroyed, the endpoint it was applied to, and the process
the run belongs to. The sweep (``tfharness.deploying.sweep``) works from these manifests.

* ``--keep``: the run's deployments stay in place at the end of the session; the manifest
  says so (``kept``) with the embedded emulator that holds them, which outlives the session
  (its process, start time and address are recorded; the sweep that destroys the run stops it).
* ``--reuse <run-id|last>``: ``find_kept`` opens such a run again; the session verifies its
  deployments without applying.
* ``finish``: once everything a run applied is destroyed its directory is removed, unless the
  session failed: then it is kept for inspection, and only the last ``KEEP_FAILED``
  (``TFHARNESS_KEEP_FAILED_RUNS``, default 3) failed runs are; older ones are removed.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tfharness.errors import HarnessError
from tfharness.terraform.toolchain import cache_root


def runs_root() -> Path:
    return Path(os.environ.get("TFHARNESS_RUNS_DIR", cache_root() / "runs"))


def write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    """Write a run manifest through a temporary file and a rename: it is never seen
    half-written (by another session's sweep, or after a process is killed mid-write)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    temporary.write_text(json.dumps(manifest, indent=2, sort_keys=True))
    os.replace(temporary, path)


def _process_start(pid: int) -> str | None:
    """When a process started (clock ticks since boot), to tell it from a later one that got
    its ID; None where /proc cannot say."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def owner() -> dict[str, Any]:
    """The process a run belongs to, recorded in its manifest."""
    return {"host": socket.gethostname(), "pid": os.getpid(), "start": _process_start(os.getpid())}


def owner_alive(manifest: dict[str, Any]) -> bool:
    """Whether the session that wrote the manifest is still running on this host (a sweep of
    every run leaves such a run alone: its deployments are live, not left behind)."""
    found = manifest.get("owner") or {}
    if found.get("host") != socket.gethostname() or not isinstance(found.get("pid"), int):
        return False
    try:
        os.kill(found["pid"], 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # someone else's process has that ID: alive, but maybe not the owner
    start = _process_start(found["pid"])
    return found.get("start") is None or start is None or start == found["start"]


@dataclass
class Run:
    """One integration run: an ID, a state directory and a manifest of live deployments."""

    run_id: str = field(
        default_factory=lambda: time.strftime("%Y%m%d%H%M%S-") + uuid.uuid4().hex[:6]
    )
    root: Path | None = None

    def __post_init__(self) -> None:
        self.root = self.root or runs_root() / self.run_id
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.json"

    def manifest(self) -> dict[str, Any]:
        if not self.manifest_path.is_file():
            return {"run_id": self.run_id, "owner": owner(), "deployments": {}}
        return json.loads(self.manifest_path.read_text())

    def record(self, key: str, entry: dict[str, Any] | None) -> None:
        with self._lock:
            manifest = self.manifest()
            if entry is None:
                manifest["deployments"].pop(key, None)
            else:
                manifest["deployments"][key] = entry
            self._write(manifest)

    def mark(self, key: str, **fields: Any) -> None:
        """Add fields to a deployment's entry (e.g. why its destroy failed)."""
        with self._lock:
            manifest = self.manifest()
            if key in manifest["deployments"]:
                manifest["deployments"][key].update(fields)
                self._write(manifest)

    def _write(self, manifest: dict[str, Any]) -> None:
        write_manifest(self.manifest_path, manifest)

    def sweep_command(self, endpoint_url: str | None) -> str:
        """The command that destroys what this run left (from its kept state)."""
        where = f"--endpoint {endpoint_url}" if endpoint_url else "--endpoint <the target's URL>"
        runs_dir = "" if self.root.parent == runs_root() else f" --runs-dir {self.root.parent}"
        return f"nox -s sweep -- {where} --run-id {self.run_id}{runs_dir}"

    # Kept runs ---------------------------------------------------------------------------
    def describe(self, *, endpoint_url: str | None, target: str) -> None:
        """Record where the run applies (the sweep and `--reuse` find the endpoint here)."""
        with self._lock:
            manifest = self.manifest()
            manifest.update(endpoint=endpoint_url, target=target)
            self._write(manifest)

    def keep(self, emulator: dict[str, Any] | None) -> None:
        """Mark the run as kept: its deployments stay, with the emulator that holds them."""
        with self._lock:
            manifest = self.manifest()
            manifest["kept"] = {"at": time.time(), "emulator": emulator}
            self._write(manifest)

    def claim(self) -> None:
        """Make this process the run's owner (a session reusing a kept run)."""
        with self._lock:
            manifest = self.manifest()
            manifest["owner"] = owner()
            self._write(manifest)

    @property
    def kept(self) -> dict[str, Any] | None:
        return self.manifest().get("kept")

    def finish(self, *, failed: bool) -> Path | None:
        """End of session: remove the run's directory when nothing in it is left (nothing
        listed, nothing kept). A failed session's directory is kept for inspection (returned),
        and only the last KEEP_FAILED of those."""
        manifest = self.manifest()
        if manifest.get("deployments") or manifest.get("kept"):
            return None
        if not failed:
            shutil.rmtree(self.root, ignore_errors=True)
            return None
        with self._lock:
            manifest["failed"] = time.time()
            self._write(manifest)
        prune_failed(self.root.parent)
        return self.root


def keep_failed() -> int:
    return max(0, int(os.environ.get("TFHARNESS_KEEP_FAILED_RUNS", "3")))


def prune_failed(root: Path) -> list[Path]:
    """Remove all but the newest keep_failed() finished failed runs; return the removed."""
    finished = []
    for path in root.glob("*/manifest.json"):
        manifest = _read(path)
        if (
            manifest
            and manifest.get("failed")
            and not manifest.get("deployments")
            and not manifest.get("kept")
        ):
            finished.append((manifest["failed"], path.parent))
    finished.sort(reverse=True)
    removed = [directory for _, directory in finished[keep_failed() :]]
    for directory in removed:
        shutil.rmtree(directory, ignore_errors=True)
    return removed


def _read(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def kept_runs(root: Path | None = None) -> list[dict[str, Any]]:
    """Manifests of every kept run, oldest first (run IDs start with their time)."""
    root = root or runs_root()
    found = [_read(p) for p in sorted(root.glob("*/manifest.json"))] if root.is_dir() else []
    return sorted((m for m in found if m and m.get("kept")), key=lambda m: m["kept"]["at"])


def find_kept(ref: str, root: Path | None = None) -> Run:
    """The kept run `ref` names: a run ID, or `last` (the most recently kept)."""
    root = root or runs_root()
    kept = kept_runs(root)
    listing = ", ".join(m["run_id"] for m in kept) or "none"
    if ref == "last":
        if not kept:
            raise HarnessError(
                f"--reuse last: no kept run under {root}. Run the integration tests once with "
                "--keep first (the same selection), then --reuse last."
            )
        ref = kept[-1]["run_id"]
    match = [m for m in kept if m["run_id"] == ref]
    if not match:
        raise HarnessError(
            f"--reuse {ref}: no kept run with that ID under {root} (kept runs: {listing}). "
            "A run is kept only with --keep, and a sweep of it removes it."
        )
    return Run(run_id=ref, root=root / ref)


def emulator_record(kind: str, url: str, pid: int, log: Path | None) -> dict[str, Any]:
    """What a kept run records of the embedded emulator holding its deployments (it leads a
    process group of its own: stopping it stops its children too)."""
    return {
        "kind": kind,
        "url": url,
        "pid": pid,
        "start": _process_start(pid),
        "host": socket.gethostname(),
        "log": str(log) if log else None,
    }


def emulator_alive(record: dict[str, Any] | None) -> bool:
    """Whether the recorded emulator process still runs (a zombie does not)."""
    if not record:
        return False
    return owner_alive({"owner": record}) and not _zombie(record["pid"])


def stop_emulator(record: dict[str, Any] | None, timeout: float = 10.0) -> bool:
    """Stop a kept run's emulator (SIGTERM, then SIGKILL); False when it was already gone."""
    if not emulator_alive(record):
        return False
    pid = record["pid"]
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, timeout)):
        try:
            os.killpg(pid, sig) if os.getpgid(pid) == pid else os.kill(pid, sig)
        except ProcessLookupError:
            return True
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not emulator_alive(record):
                return True
            time.sleep(0.1)
    return True


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False
