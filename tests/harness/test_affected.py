"""Affected-component selection for `--changed-since`."""

from __future__ import annotations

import pytest

from tfharness.planning.components import all_components
from tfharness.tooling.affected import affected_components, changed_files

pytestmark = pytest.mark.harness

ALL = {c.name for c in all_components()}


@pytest.mark.skipif(len(ALL) < 2, reason="needs at least two components in the repository")
@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (["components/terraform/{a}/main.tf"], "{a}"),
        (["tests/scenarios/{a}.yaml", "tests/unit/test_{b_}.py"], "{a} {b}"),
        (["README.md", "components/terraform/{a}/README.md"], "{a}"),
        (["docs/x.md"], ""),
        (["stacks/catalog/{a}.yaml"], "{a}"),
    ],
)
def test_component_files_select_their_component(files, expected) -> None:
    a, b = sorted(ALL)[:2]
    fill = {"a": a, "b": b, "b_": b.replace("-", "_")}
    got = affected_components([f.format(**fill) for f in files])
    assert got == set(expected.format(**fill).split())


@pytest.mark.parametrize(
    "file",
    [
        "tfharness/plan.py",
        "pyproject.toml",
        "noxfile.py",
        "conftest.py",
        "tests/unit/test_standard.py",
        "stacks/deploy/prod.yaml",
        "atmos.yaml",
    ],
)
def test_shared_files_select_everything(file) -> None:
    assert affected_components([file]) == ALL


def test_unknown_ref_says_so() -> None:
    with pytest.raises(ValueError, match="is 'no-such-ref' a commit"):
        changed_files("no-such-ref")
