#!/usr/bin/env python3
"""Build the rotation function's package: ``build/rotation.zip`` in the component root.

    python components/terraform/rds/lambda/build.py

The zip holds ``rotation.py`` and the pure-Python drivers pinned in ``requirements.txt``
(pg8000 with scramp, asn1crypto, python-dateutil and six; PyMySQL), installed with
``pip install --target`` as wheels for the Lambda runtime (Python 3.12). The archive is
deterministic: entries sorted, timestamps fixed, permissions fixed, no bytecode, so the same
sources give the same ``filebase64sha256`` and Terraform sees no change.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

LAMBDA_DIR = Path(__file__).resolve().parent
COMPONENT_DIR = LAMBDA_DIR.parent
BUILD_DIR = COMPONENT_DIR / "build"
ZIP_PATH = BUILD_DIR / "rotation.zip"
REQUIREMENTS = LAMBDA_DIR / "requirements.txt"
HANDLER = LAMBDA_DIR / "rotation.py"

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o644 << 16
SKIPPED_PARTS = {"__pycache__", "bin"}


def install_dependencies(target: Path) -> None:
    """Install the pinned wheels for the Lambda runtime into `target`."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",
        "--no-deps",
        "--only-binary=:all:",
        "--platform",
        "manylinux2014_x86_64",
        "--python-version",
        "3.12",
        "--implementation",
        "cp",
        "--target",
        str(target),
        "-r",
        str(REQUIREMENTS),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(
            "build.py: pip could not install the pinned drivers from "
            f"{REQUIREMENTS.name} (is PyPI reachable?):\n{done.stderr.strip() or done.stdout}"
        )


def package_files(staging: Path) -> list[tuple[str, Path]]:
    """(archive name, path) for every file to package, sorted by archive name."""
    entries = [("rotation.py", HANDLER)]
    for path in staging.rglob("*"):
        relative = path.relative_to(staging)
        if not path.is_file() or SKIPPED_PARTS & set(relative.parts) or path.suffix == ".pyc":
            continue
        entries.append((relative.as_posix(), path))
    return sorted(entries)


def write_zip(entries: list[tuple[str, Path]], destination: Path) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_suffix(".zip.partial")
    with zipfile.ZipFile(partial, "w") as archive:
        for name, path in entries:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.external_attr = FILE_MODE
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the permissions above are honoured
            archive.writestr(info, path.read_bytes(), compresslevel=9)
    partial.replace(destination)


def main() -> int:
    if not HANDLER.is_file():
        raise SystemExit(f"build.py: {HANDLER} is missing")
    staging = Path(tempfile.mkdtemp(prefix="rds-rotation-build-"))
    try:
        install_dependencies(staging)
        entries = package_files(staging)
        write_zip(entries, ZIP_PATH)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    print(f"built {ZIP_PATH} ({len(entries)} files)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
