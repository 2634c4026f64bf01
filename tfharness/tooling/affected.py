"""Which components a change affects: `--changed-since <ref>` plans only those.

A component is affected when a file its plan reads changed (its own folder, or a local module
it calls through a relative source), or its scenario file, its unit tests or its stack catalog
entry (`stacks/catalog/<component>.yaml`).
A change anywhere else that can alter every plan (the harness, the provider standard, the
test configuration, the dependency pins) affects all of them. Documentation-only changes
outside components affect none.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tfharness import layout
from tfharness.planning.components import all_plannable

NEUTRAL_SUFFIXES = (".md",)


def changed_files(ref: str, root: Path | None = None) -> list[str]:
    """Files changed between `ref` and the working tree (committed, staged or not)."""

    def git(*args: str) -> list[str]:
        done = subprocess.run(
            ["git", *args], cwd=root or layout.project_root(), capture_output=True, text=True
        )
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


def affected_components(files: list[str], root: Path | None = None) -> set[str]:
    """The components these project-relative paths can change."""
    root = (root or layout.project_root()).resolve()
    components = all_plannable()  # shared modules have scenarios and tests of their own
    names = {c.name for c in components}
    by_module = {c.module_name: c.name for c in components}
    owners: dict[str, set[str]] = {}  # a file a plan reads (local modules too) -> components
    for component in components:
        for path in component.source_files():
            if path.is_relative_to(root):
                owners.setdefault(str(path.relative_to(root)), set()).add(component.name)

    def under(directory: Path) -> tuple[str, ...]:
        directory = directory.resolve()
        return directory.relative_to(root).parts if directory.is_relative_to(root) else ()

    components_dir = under(layout.components_root())
    modules_dir = under(layout.modules_root())
    scenarios_dir = under(layout.scenarios_root())
    catalog_dir = under(layout.stacks_root() / "catalog")
    affected: set[str] = set()
    for file in files:
        if file in owners:
            affected |= owners[file]
            continue
        parts, stem = Path(file).parts, Path(file).stem
        for kind_dir in (components_dir, modules_dir):
            if kind_dir and parts[: len(kind_dir)] == kind_dir:
                if len(parts) > len(kind_dir) and parts[len(kind_dir)] in names:
                    affected.add(parts[len(kind_dir)])
                break
        else:
            kind_dir = ()
        if kind_dir:
            continue
        if catalog_dir and parts[: len(catalog_dir)] == catalog_dir and stem in names:
            affected.add(stem)
            continue
        if scenarios_dir and parts[: len(scenarios_dir)] == scenarios_dir and stem in names:
            affected.add(stem)
            continue
        if parts[:2] == ("tests", "unit") and stem.startswith("test_"):  # modules/ too
            module = stem.removeprefix("test_")
            if module in by_module:
                affected.add(by_module[module])
                continue
        if file.endswith(NEUTRAL_SUFFIXES) or parts[0] in ("docs", ".github"):
            continue
        return set(names)  # harness, standard, configuration: everything may change
    return affected
