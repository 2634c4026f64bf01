#!/usr/bin/env python3
"""Count what the plan tier asserts, in Python and in the scenario files, so a change that
moves assertions (into scenario files, into a shared test) can show that none was lost.

    python scripts/count-assertions.py              # this checkout
    python scripts/count-assertions.py --root DIR   # another checkout (e.g. a git worktree)

Python (tests/unit/**/*.py): test functions, `assert` statements, `.assert_*(...)` helper
calls, non-blank lines. Scenario files (tests/scenarios/*.yaml): scenarios, rules declared in
`expect_failures` and `expect_warnings`, messages declared for them, inventory addresses and
the attribute values they pin (leaves). Needs only PyYAML.
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

import yaml


def python_counts(root: Path) -> dict[str, int]:
    counts = {"test functions": 0, "assert statements": 0, "assert_* calls": 0, "lines": 0}
    for path in sorted((root / "tests" / "unit").rglob("*.py")):
        text = path.read_text()
        counts["lines"] += sum(1 for line in text.splitlines() if line.strip())
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                counts["test functions"] += 1
            elif isinstance(node, ast.Assert):
                counts["assert statements"] += 1
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr.startswith("assert_")
            ):
                counts["assert_* calls"] += 1
    return counts


def _leaves(value: object) -> int:
    if isinstance(value, dict):
        return sum(_leaves(v) for v in value.values())
    if isinstance(value, list):
        return sum(_leaves(v) for v in value) or 1
    return 1


def _declared(raw: object) -> tuple[int, int]:
    """(rules, messages) of an expect_failures / expect_warnings value."""
    if isinstance(raw, list):
        return len(raw), 0
    if isinstance(raw, dict):
        messages = sum(
            len(v) if isinstance(v, list) else 0 if v is None else 1 for v in raw.values()
        )
        return len(raw), messages
    return 0, 0


def scenario_counts(root: Path) -> dict[str, int]:
    counts = {
        "scenarios": 0,
        "declared rules": 0,
        "declared messages": 0,
        "inventory addresses": 0,
        "inventory values": 0,
        "lines": 0,
    }
    for path in sorted((root / "tests" / "scenarios").glob("*.yaml")):
        text = path.read_text()
        counts["lines"] += sum(1 for line in text.splitlines() if line.strip())
        for body in (yaml.safe_load(text) or {}).values():
            counts["scenarios"] += 1
            for key in ("expect_failures", "expect_warnings"):
                rules, messages = _declared(body.get(key))
                counts["declared rules"] += rules
                counts["declared messages"] += messages
            inventory = body.get("expect") or {}
            counts["inventory addresses"] += len(inventory)
            counts["inventory values"] += sum(_leaves(v) for v in inventory.values())
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    root = parser.parse_args().root
    python, scenarios = python_counts(root), scenario_counts(root)
    for title, counts in (("python tests/unit", python), ("scenario files", scenarios)):
        print(f"{title}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    asserted = (
        python["assert statements"]
        + python["assert_* calls"]
        + scenarios["declared rules"]
        + scenarios["declared messages"]
        + scenarios["inventory values"]
    )
    print(
        f"assertions: {asserted} (python asserts + assert_* calls + declared rules + messages + inventory values)"
    )


if __name__ == "__main__":
    main()
