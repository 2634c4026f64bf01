"""This repository's own tooling: the provider standard, Atmos stacks, affected components,
the plan-tier benchmark and the CI report."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
"""The checkout holding this package (meaningful in an editable install of this repository)."""
