"""The component catalog: which Terraform components the repository holds and where."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tfharness.errors import UnknownComponent

REPO_ROOT = Path(__file__).resolve().parent.parent


def components_root() -> Path:
    """Directory holding one folder per component (override with TFHARNESS_COMPONENTS_DIR)."""
    return Path(os.environ.get("TFHARNESS_COMPONENTS_DIR", REPO_ROOT / "components" / "terraform"))


@dataclass(frozen=True)
class Component:
    """A Terraform root component: a folder of `*.tf` files under components/terraform/."""

    name: str
    path: Path

    @property
    def module_name(self) -> str:
        """The component's name as a Python identifier (test files are test_<module_name>.py)."""
        return self.name.replace("-", "_")

    @property
    def build_script(self) -> Path | None:
        """`lambda/build.py` when the component packages code; it writes into `build/`."""
        script = self.path / "lambda" / "build.py"
        return script if script.is_file() else None

    def source_files(self) -> list[Path]:
        """Every committed file of the component (hidden, build and state files excluded)."""
        files = []
        for path in sorted(self.path.rglob("*")):
            relative = path.relative_to(self.path)
            if not path.is_file() or any(part.startswith(".") for part in relative.parts):
                continue
            if "build" in relative.parts or "__pycache__" in relative.parts:
                continue
            if path.suffix in {".tfstate", ".zip", ".tfplan"} or path.name.endswith(".backup"):
                continue
            files.append(path)
        return files


@cache
def _catalog(root: Path) -> dict[str, Component]:
    if not root.is_dir():
        return {}
    return {
        path.name: Component(path.name, path)
        for path in sorted(root.iterdir())
        if path.is_dir() and any(path.glob("*.tf"))
    }


def all_components() -> list[Component]:
    """Every component, sorted by name."""
    return list(_catalog(components_root()).values())


def find_component(name: str) -> Component:
    """The component called `name`; an unknown name raises with the list of known ones."""
    catalog = _catalog(components_root())
    try:
        return catalog[name]
    except KeyError:
        known = ", ".join(catalog) or "(none)"
        raise UnknownComponent(
            f"unknown component {name!r}: there is no components/terraform/{name}/ with *.tf files."
            f" Known components: {known}."
        ) from None


def component_for_test_file(filename: str) -> str | None:
    """Map a test file name (test_cost_optimization.py) to its component (cost-optimization)."""
    stem = Path(filename).stem
    if not stem.startswith("test_"):
        return None
    module_name = stem.removeprefix("test_")
    for component in all_components():
        if component.module_name == module_name:
            return component.name
    return None
