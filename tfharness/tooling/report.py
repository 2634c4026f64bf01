"""A markdown summary of a JUnit report, per component, for a CI job summary.

python -m tfharness.tooling.report build/junit-unit.xml >> "$GITHUB_STEP_SUMMARY"
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

from tfharness.planning.components import component_for_test_file


def summarize(junit: Path) -> str:
    if not junit.is_file():
        return f"No plan report at `{junit}` (the plan step did not run).\n"
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    failures: list[str] = []
    for case in ET.parse(junit).getroot().iter("testcase"):
        module = (case.get("classname") or "").split(".")
        component = component_for_test_file(f"{module[-1]}.py") if module else None
        key = component or ".".join(module[-1:]) or "?"
        if case.find("failure") is not None or case.find("error") is not None:
            counts[key]["failed"] += 1
            failures.append(f"{key}: `{case.get('name')}`")
        elif case.find("skipped") is not None:
            counts[key]["skipped"] += 1
        else:
            counts[key]["passed"] += 1
    lines = [
        "## Plan tier",
        "",
        "| component | passed | failed | skipped |",
        "| --- | ---: | ---: | ---: |",
    ]
    for key in sorted(counts):
        c = counts[key]
        lines.append(f"| {key} | {c['passed']} | {c['failed']} | {c['skipped']} |")
    if failures:
        lines += ["", "### Failures", ""] + [f"- {f}" for f in failures]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    print(summarize(Path(args[0] if args else "build/junit-unit.xml")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
