"""Where a project keeps its components, scenario files and stacks.

Each location is looked up, in this order:

1. its environment variable (``TFHARNESS_COMPONENTS_DIR``, ``TFHARNESS_MODULES_DIR``,
   ``TFHARNESS_SCENARIOS_DIR``, ``TFHARNESS_STACKS_DIR``);
2. its pytest ini option (``tfharness_components_dir``, ``tfharness_modules_dir``,
   ``tfharness_scenarios_dir``, ``tfharness_stacks_dir``), relative to the ini file; the
   plugin reads them at start-up;
3. the default under the project root: ``components/terraform``, ``modules`` (the shared
   modules components call through relative sources), ``tests/scenarios``, ``stacks``. The project root is pytest's rootdir in a test session, else the current
   directory (never the folder the harness happens to be installed in).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV = {
    "components": "TFHARNESS_COMPONENTS_DIR",
    "modules": "TFHARNESS_MODULES_DIR",
    "scenarios": "TFHARNESS_SCENARIOS_DIR",
    "stacks": "TFHARNESS_STACKS_DIR",
}
INI = {kind: f"tfharness_{kind}_dir" for kind in ENV}
DEFAULTS = {
    "components": "components/terraform",
    "modules": "modules",
    "scenarios": "tests/scenarios",
    "stacks": "stacks",
}


@dataclass(frozen=True)
class Layout:
    """The project root and the four locations the harness reads."""

    root: Path
    components: Path
    modules: Path
    scenarios: Path
    stacks: Path

    @classmethod
    def under(cls, root: Path, **locations: Path | str | None) -> Layout:
        """The defaults under `root`, with any location given here instead (relative to root)."""
        root = Path(root).resolve()
        paths = {kind: root / (locations.get(kind) or DEFAULTS[kind]) for kind in DEFAULTS}
        return cls(root, **{kind: path.resolve() for kind, path in paths.items()})


_configured: Layout | None = None


def configure(layout: Layout | None) -> None:
    """Set the project layout (the pytest plugin does, from its rootdir and ini options);
    None goes back to the current directory."""
    global _configured
    _configured = layout


def current() -> Layout:
    """The layout in force now: environment variables over the configured layout."""
    base = _configured or Layout.under(Path.cwd())
    overrides = {kind: os.environ.get(variable) for kind, variable in ENV.items()}
    if not any(overrides.values()):
        return base
    return Layout(
        base.root,
        **{
            kind: Path(overrides[kind]).expanduser().resolve()
            if overrides[kind]
            else getattr(base, kind)
            for kind in ENV
        },
    )


def project_root() -> Path:
    return current().root


def components_root() -> Path:
    return current().components


def modules_root() -> Path:
    return current().modules


def scenarios_root() -> Path:
    return current().scenarios


def stacks_root() -> Path:
    return current().stacks
