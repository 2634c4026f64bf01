"""Which components a change affects: `--changed-since <ref>` plans only those.

A component is affected when a file of it changed, or its scenario file, its unit tests or
its stack catalog entry (`stacks/catalog/<component>.yaml`).
A change anywhere else that can alter every plan (the harness, the provider standard, the
test configuration, the dependency pins) affects all of them. Documentation-only changes
outside components affect none.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tfharness.components import REPO_ROOT, all_components

NEUTRAL_SUFFIXES = (".md",)


def changed_files(ref: str, root: Path = REPO_ROOT) -> list[str]:
    """Files changed between `ref` and the working tree (committed, staged or not)."""

    def git(*args: str) -> list[str]:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
        if done.returncode != 0:
            raise ValueError(
                f"git {' '.join(args)} failed: {done.stderr.strip()} "
                f"(is {ref!r} a commit in this repository?)"
            )
        return [line for line in done.stdout.splitlines() if line]

    base = git("merge-base", ref, "HEAD")[0]
    files = set(git("diff", "--name-only", base))
    files |= set(git("ls-files", "--others", "--exclude-standard"))
    return sorted(files)


def affected_components(files: list[str]) -> set[str]:
    names = {c.name for c in all_components()}
    by_module = {c.module_name: c.name for c in all_components()}
    affected: set[str] = set()
    for file in files:
        parts = Path(file).parts
        if parts[:2] == ("components", "terraform") and len(parts) > 2:
            if parts[2] in names:
                affected.add(parts[2])
            continue
        if parts[:2] == ("stacks", "catalog") and Path(file).stem in names:
            affected.add(Path(file).stem)
            continue
        if parts[:2] == ("tests", "scenarios"):
            stem = Path(file).stem
            if stem in names:
                affected.add(stem)
                continue
        if parts[:2] == ("tests", "unit") and Path(file).stem.startswith("test_"):
            module = Path(file).stem.removeprefix("test_")
            if module in by_module:
                affected.add(by_module[module])
                continue
        if file.endswith(NEUTRAL_SUFFIXES) or parts[0] in ("docs", ".github"):
            continue
        return set(names)  # harness, standard, configuration: everything may change
    return affected
