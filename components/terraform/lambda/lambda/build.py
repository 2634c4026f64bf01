#!/usr/bin/env python3
"""Build the function package: lambda/src/ -> build/function.zip, relative to the component root.

The archive is deterministic (sorted entries, fixed timestamps and permissions), so the same
sources always give the same `filebase64sha256` and Terraform plans no spurious code update.
Run from anywhere: paths are resolved from this file. `python lambda/build.py [--out PATH]`.
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

COMPONENT_ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIR = Path(__file__).resolve().parent / "src"
DEFAULT_OUT = COMPONENT_ROOT / "build" / "function.zip"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
SKIPPED = {"__pycache__", ".pytest_cache"}


def source_files(source_dir: Path) -> list[Path]:
    files = [
        p
        for p in source_dir.rglob("*")
        if p.is_file()
        and not SKIPPED.intersection(p.relative_to(source_dir).parts)
        and p.suffix not in {".pyc", ".pyo"}
    ]
    return sorted(files, key=lambda p: p.relative_to(source_dir).as_posix())


def build(source_dir: Path = SOURCE_DIR, out: Path = DEFAULT_OUT) -> Path:
    files = source_files(source_dir)
    if not files:
        raise SystemExit(f"no source files under {source_dir}")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(source_dir).as_posix(), date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16  # regular file, rw-r--r--
            info.create_system = 3  # Unix, so the permissions above are honoured
            archive.writestr(info, path.read_bytes(), compresslevel=9)
    tmp.replace(out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="archive to write")
    args = parser.parse_args(argv)
    print(build(out=args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
