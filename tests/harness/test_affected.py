"""Affected-component selection for `--changed-since`."""

from __future__ import annotations

import pytest

from tfharness.planning.components import all_components, all_plannable, shared_modules
from tfharness.tooling.affected import affected_components, changed_files

pytestmark = pytest.mark.harness

ALL = {c.name for c in all_plannable()}  # components and shared modules


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
    a, b = sorted(c.name for c in all_components())[:2]
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


@pytest.mark.parametrize("module", [m.name for m in shared_modules()])
def test_a_shared_module_selects_itself_and_its_callers(module) -> None:
    callers = {c.name for c in all_components() if any(d.name == module for d in c.module_dirs)}
    assert affected_components([f"modules/{module}/main.tf"]) == {module, *callers}
    assert affected_components([f"tests/unit/modules/test_{module.replace('-', '_')}.py"]) == {
        module
    }


def test_unknown_ref_says_so() -> None:
    with pytest.raises(ValueError, match="is 'no-such-ref' a commit"):
        changed_files("no-such-ref")
