"""Content-addressed plan cache: an unchanged scenario is never planned twice.

A scenario's key hashes everything its plan depends on: every file of the component and of the
local modules it calls, the inputs, the harness code that produces an outcome (running
Terraform, batching, splitting, naming rules: ``tfharness/terraform``, ``tfharness/planning``,
``errors.py``, ``layout.py``), the emulator that answers the plan's read-only calls (moto's
version), the Terraform version and the provider versions available. Change any of them and
the key changes, so a cache can never serve a stale plan; edits elsewhere (the bench, the
integration tier, the AWS behaviour checks, the plugin's summary, and the inventory and rule
coverage modules, which only read outcomes) keep it warm. A scenario planned with files
removed from its working copy (``Planner.outcome_without``) has a key that adds what was
removed. Entries hold the plan JSON or the rejection's diagnostics; the directory is private
to the user (0700).
``TFHARNESS_PLAN_CACHE=0`` turns the cache off; ``TFHARNESS_PLAN_CACHE_DIR`` moves it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from functools import cache
from importlib import metadata
from pathlib import Path

from tfharness.planning.scenarios import Scenario
from tfharness.terraform.diagnostics import Diagnostic, Rejection
from tfharness.terraform.plan import Plan
from tfharness.terraform.toolchain import cache_root, cli_config, mirror_versions, terraform_version

HARNESS_DIR = Path(__file__).resolve().parent.parent
# The parts of the harness an outcome depends on; the rest cannot change a plan.
PLAN_SOURCES = ("terraform", "planning", "errors.py", "layout.py")
# Modules there that only read outcomes (inventories, rule coverage): editing them keeps it warm.
OUTCOME_READERS = frozenset({"planning/inventory.py", "planning/coverage.py"})


def enabled() -> bool:
    return os.environ.get("TFHARNESS_PLAN_CACHE", "1") != "0"


def cache_dir() -> Path:
    directory = Path(os.environ.get("TFHARNESS_PLAN_CACHE_DIR", cache_root() / "plans"))
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    return directory


@cache
def harness_fingerprint() -> str:
    digest = hashlib.sha256()
    for source in PLAN_SOURCES:
        path = HARNESS_DIR / source
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            relative = file.relative_to(HARNESS_DIR).as_posix()
            if relative in OUTCOME_READERS:
                continue
            digest.update(relative.encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


@cache
def toolchain_fingerprint() -> str:
    mirror = cli_config().mirror
    providers = ",".join(mirror_versions(mirror)) if mirror else "registry"
    try:
        emulator = f"moto {metadata.version('moto')}"
    except metadata.PackageNotFoundError:
        emulator = "no moto"
    return f"terraform {terraform_version()}; aws {providers}; {emulator}"


def component_fingerprint(files: list[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def scenario_key(scenario: Scenario, component_digest: str, variant: str = "") -> str:
    """`variant` names a change to the working copy (``Planner.outcome_without``)."""
    digest = hashlib.sha256()
    for part in (
        component_digest,
        scenario.tfvars_json(),
        harness_fingerprint(),
        toolchain_fingerprint(),
        *([f"variant: {variant}"] if variant else []),
    ):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()


def load(key: str, label: str) -> Plan | Rejection | None:
    path = cache_dir() / f"{key}.json"
    if not enabled() or not path.is_file():
        return None
    try:
        entry = json.loads(path.read_text())
        if entry["kind"] == "plan":
            return Plan(
                entry["raw"],
                label=label,
                warnings=tuple(Diagnostic(**d) for d in entry["warnings"]),
            )
        return Rejection(label, [Diagnostic(**d) for d in entry["diagnostics"]])
    except (ValueError, KeyError, TypeError):
        path.unlink(missing_ok=True)  # a damaged entry is a miss, never an error
        return None


def store(key: str, outcome: Plan | Rejection) -> None:
    """Keep an outcome; a refusal only when every error names its rule (never a passing failure)."""
    if not enabled():
        return
    if isinstance(outcome, Rejection) and not all(d.rule for d in outcome.errors):
        return
    if isinstance(outcome, Plan):
        entry = {
            "kind": "plan",
            "raw": outcome.raw,
            "warnings": [dataclasses.asdict(w) for w in outcome.warnings],
        }
    else:
        entry = {
            "kind": "rejection",
            "diagnostics": [dataclasses.asdict(d) for d in outcome.diagnostics],
        }
    # Scenarios with equal inputs share a key and may be stored at once from two batches:
    # each writer gets its own temporary file (mkstemp: private, 0600), then an atomic rename.
    directory = cache_dir()
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{key}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w") as stream:
            json.dump(entry, stream)
        os.replace(temporary, directory / f"{key}.json")
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
