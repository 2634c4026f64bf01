"""The component catalog: which Terraform components a project holds, and what each needs.

A component is a folder of ``*.tf`` / ``*.tf.json`` files under the components root
(``layout.components_root()``), or any such folder named by its path. It is either

* **first-party**: it carries the provider standard (a ``provider.tf`` or ``context.tf``
  that starts with the standard's header line, see ``tooling/standard.py``). The provider
  standard, the shared context, the catalog's completeness check and the stack contract apply
  to it; or
* **adopted**: anything else, e.g. a public module dropped in as it is. It keeps its own
  provider and versions files and is planned, batched, applied and tested unchanged.

**Shared modules** (``layout.modules_root()``, ``modules/<name>/`` by default) are the
building blocks components call through relative sources (``../../../modules/kms-key``). They
declare the provider they need and configure none; the harness plans them with their own
scenarios like components (the plan's default provider applies), and a component's plan reads
the modules it calls. Names are unique across components and shared modules: scenario and
test files are matched by name.

A component's files are its own folder plus every local module it reaches through relative
sources (``../../modules/x``), laid out as they are in the project, so a workspace resolves
them exactly as Terraform does in place.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from tfharness import layout
from tfharness.errors import UnknownComponent
from tfharness.terraform import configuration

STANDARD_HEADERS = ("# Provider standard:", "# Shared context:")
BUILD_SCRIPT = Path("lambda") / "build.py"
BUILD_OUTPUT = "build"
_STATE_SUFFIXES = (".tfstate", ".tfplan", ".tfstate.backup")


@dataclass(frozen=True)
class Component:
    """A Terraform root module the harness plans and applies."""

    name: str
    path: Path

    @property
    def module_name(self) -> str:
        """The component's name as a Python identifier (test files are test_<module_name>.py)."""
        return self.name.replace("-", "_")

    @property
    def first_party(self) -> bool:
        """Whether it carries the provider standard (see the module docstring)."""
        for filename in ("provider.tf", "context.tf"):
            path = self.path / filename
            if path.is_file():
                with path.open() as handle:
                    if handle.readline().startswith(STANDARD_HEADERS):
                        return True
        return False

    @property
    def build_script(self) -> Path | None:
        """`lambda/build.py` when the component packages code; it writes into `build/`."""
        script = self.path / BUILD_SCRIPT
        return script if script.is_file() else None

    @cached_property
    def module_dirs(self) -> tuple[Path, ...]:
        """Local modules it calls through relative sources, recursively."""
        return tuple(configuration.local_module_dirs(self.path))

    @property
    def tree_root(self) -> Path:
        """The nearest folder holding the component and every local module it calls."""
        dirs = [self.path.resolve(), *self.module_dirs]
        return Path(os.path.commonpath([str(d) for d in dirs]))

    @property
    def relative_dir(self) -> Path:
        """Where the component sits under `tree_root` (`.` when it calls nothing outside)."""
        return self.path.resolve().relative_to(self.tree_root)

    def source_files(self) -> list[Path]:
        """Every file a plan of the component can read: its folder and its local modules'.

        Left out: hidden files and folders (`.terraform`, `.git`, lock files), `__pycache__`,
        state and plan files, and the Lambda build output (`build/` beside `lambda/build.py`),
        which the harness rebuilds in its own copy. Everything else is kept, nested folders
        named `build` included.
        """
        files: set[Path] = set()
        own = self.path.resolve()
        for directory in (own, *self.module_dirs):
            for path in directory.rglob("*"):
                if not path.is_file():
                    continue
                relative = path.relative_to(directory)
                if any(part.startswith(".") or part == "__pycache__" for part in relative.parts):
                    continue
                if path.name.endswith(_STATE_SUFFIXES):
                    continue
                if self._is_build_output(path):
                    continue
                files.add(path)
        return sorted(files)

    def _is_build_output(self, path: Path) -> bool:
        own = self.path.resolve()
        if self.build_script is None or not path.is_relative_to(own):
            return False
        return path.relative_to(own).parts[0] == BUILD_OUTPUT


def _is_module_dir(path: Path) -> bool:
    return path.is_dir() and any(
        p.suffix == ".tf" or p.name.endswith(".tf.json") for p in path.iterdir() if p.is_file()
    )


_BY_ROOT: dict[Path, dict[str, Component]] = {}
_BY_PATH: dict[str, Component] = {}  # components named by a path outside the root


def _catalog(root: Path) -> dict[str, Component]:
    if root not in _BY_ROOT:
        _BY_ROOT[root] = (
            {
                path.name: Component(path.name, path)
                for path in sorted(root.iterdir())
                if _is_module_dir(path)
            }
            if root.is_dir()
            else {}
        )
    return _BY_ROOT[root]


def refresh() -> None:
    """Forget what was read (after creating or removing component folders)."""
    _BY_ROOT.clear()


def all_components() -> list[Component]:
    """Every component under the components root, sorted by name."""
    return list(_catalog(layout.components_root()).values())


def shared_modules() -> list[Component]:
    """Every shared module under the modules root, sorted by name."""
    return list(_catalog(layout.modules_root()).values())


def is_shared_module(component: Component) -> bool:
    return component.path.resolve().parent == layout.modules_root().resolve()


def all_plannable() -> list[Component]:
    """Components and shared modules: everything that has scenarios of its own."""
    return [*all_components(), *shared_modules()]


def first_party_components() -> list[Component]:
    return [c for c in all_components() if c.first_party]


def is_path_reference(reference: str | os.PathLike[str]) -> bool:
    return isinstance(reference, os.PathLike) or os.sep in str(reference) or "/" in str(reference)


def find_component(reference: str | os.PathLike[str] | Component) -> Component:
    """A component by name, by path (absolute, or relative to the current directory), or as
    given. An unknown name or a path without Terraform files raises, saying what to do."""
    if isinstance(reference, Component):
        return _registered(reference)
    if is_path_reference(reference):
        path = Path(reference).expanduser().resolve()
        if not _is_module_dir(path):
            raise UnknownComponent(
                f"{path} holds no *.tf or *.tf.json files: point at the folder of a Terraform "
                "module (the one you would run `terraform plan` in)."
            )
        return _registered(Component(path.name, path))
    name = str(reference)
    catalog = _catalog(layout.components_root())
    if name in catalog:
        return catalog[name]
    modules = _catalog(layout.modules_root())
    if name in modules:
        return modules[name]
    if name in _BY_PATH:
        return _BY_PATH[name]
    known = ", ".join([*catalog, *modules]) or "(none)"
    raise UnknownComponent(
        f"unknown component {name!r}: there is no {layout.components_root() / name}/ with *.tf "
        f"files. Known components: {known}. Pass a path to plan a module elsewhere, or set the "
        "components location (tfharness_components_dir / TFHARNESS_COMPONENTS_DIR)."
    )


def _registered(component: Component) -> Component:
    """Path-named components are remembered by name, so scenarios and tests can use it."""
    known = (
        _catalog(layout.components_root()).get(component.name)
        or _catalog(layout.modules_root()).get(component.name)
        or _BY_PATH.get(component.name)
    )
    if known is not None:
        if known.path.resolve() != component.path.resolve():
            raise UnknownComponent(
                f"two components are named {component.name!r}: {known.path} and "
                f"{component.path}. Rename one folder: scenario files and test files are "
                "matched by name."
            )
        return known
    _BY_PATH[component.name] = component
    return component


def component_for_test_file(filename: str) -> str | None:
    """Map a test file name (test_cost_optimization.py) to its component (cost-optimization)."""
    stem = Path(filename).stem
    if not stem.startswith("test_"):
        return None
    module_name = stem.removeprefix("test_")
    for component in [*all_plannable(), *_BY_PATH.values()]:
        if component.module_name == module_name:
            return component.name
    return None


def copy_component(component: Component, destination: Path) -> Path:
    """Copy a component's tree (its folder and local modules) to `destination`; return the
    folder to run Terraform in."""
    from tfharness.terraform.workspace import copy_tree

    copy_tree(component.source_files(), component.tree_root, destination)
    workdir = destination / component.relative_dir
    workdir.mkdir(parents=True, exist_ok=True)
    return workdir
