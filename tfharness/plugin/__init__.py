"""The harness's pytest plugin: options, fixtures and the end-of-run summary.

Installed with the package, it loads by itself (the ``pytest11`` entry point ``tfharness``):
a project needs no conftest to use it. Its parts:

* ``planning``: the AWS endpoint, the session's ``Planner`` and the plan fixtures
  (``plan_for``, ``rejection_for``, ``scenario_for``), and which components the selected tests
  cover (``-k``/``-m`` and ``--changed-since`` narrow what is planned);
* ``integration``: targets, capability probes, ``deploy`` and the ``fleet``;
* ``summary``: the per-component table, capabilities, integration and timing tables;
* ``leaks``: the secret scan (a test marked ``secret_scan`` searches every file the session
  wrote for the secret values it handled).

Fixtures take a component by name, by path, or as a ``Component``. Where the components,
scenario files and stacks live is ``tfharness.layout``: environment variables, then the ini
options ``tfharness_components_dir``, ``tfharness_scenarios_dir`` and ``tfharness_stacks_dir``
(relative to the ini file), then ``components/terraform``, ``tests/scenarios`` and ``stacks``
under pytest's rootdir.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tfharness import layout
from tfharness.planning import components
from tfharness.plugin.state import state_of
from tfharness.tooling import shards

pytest_plugins = [
    "tfharness.plugin.planning",
    "tfharness.plugin.integration",
    "tfharness.plugin.summary",
    "tfharness.plugin.leaks",
    "tfharness.plugin.progress",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("tfharness", "Terraform component harness")
    group.addoption(
        "--aws-endpoint",
        default=os.environ.get("TFHARNESS_AWS_ENDPOINT"),
        help="use this AWS endpoint instead of starting an embedded moto server",
    )
    group.addoption(
        "--tf-jobs",
        type=int,
        default=None,
        help="scenarios planned at once (default TFHARNESS_JOBS or 2)",
    )
    group.addoption(
        "--changed-since",
        default=None,
        metavar="REF",
        help="run only the unit tests of components changed since REF "
        "(a harness or standard change selects all)",
    )
    group.addoption(
        "--shard",
        type=shards.option,
        default=os.environ.get("TFHARNESS_SHARD") or None,
        metavar="I/N",
        help="run the I-th of N parts of the components, balanced by scenario count, each "
        "component whole (tests of no component: part 1); default TFHARNESS_SHARD",
    )
    group.addoption(
        "--update-inventory",
        action="store_true",
        default=False,
        help="write each planned scenario's inventory (`expect:` in its scenario file) from "
        "today's plan instead of checking it: refreshes those that have one, adds one to "
        "every `default` scenario",
    )
    group.addoption(
        "--keep",
        action="store_true",
        default=False,
        help="integration: leave what the run applied in place (the run's manifest marks it "
        "kept; an embedded emulator outlives the session): re-verify with --reuse, destroy "
        "with `nox -s sweep -- --run <run-id>`",
    )
    group.addoption(
        "--reuse",
        default=None,
        metavar="RUN",
        help="integration: verify a kept run's deployments (a run ID, or `last`) without "
        "applying; stops, saying what changed, unless their inputs and a re-plan still match",
    )
    group.addoption(
        "--no-progress",
        action="store_true",
        default=False,
        help="do not report progress (batches planned; components applied, verified, "
        "destroyed) as it happens; -qq silences it too, -q keeps it to one line per event",
    )
    group.addoption(
        "--target",
        default=None,
        help="integration target: moto (default), localstack or aws (or TFHARNESS_TARGET)",
    )
    for kind, name in layout.INI.items():
        parser.addini(
            name,
            help=f"folder of the {kind} (relative to the ini file; default "
            f"{layout.DEFAULTS[kind]} under the rootdir; {layout.ENV[kind]} overrides)",
            default=None,
        )


def _ini_location(config: pytest.Config, name: str) -> Path | None:
    value = config.getini(name)
    if not value:
        return None
    base = config.inipath.parent if config.inipath else config.rootpath
    return (base / str(value)).resolve()


def pytest_configure(config: pytest.Config) -> None:
    for line in (
        "requires(*capabilities): skip, saying why, on targets that lack them",
        "unit: plan-only checks of a component; no cloud, no credentials",
        "integration: applies components to an AWS emulator and verifies them end to end",
        "upgrade: applies a component as of an older commit and plans today's code on it",
    ):
        config.addinivalue_line("markers", line)
    locations = {kind: _ini_location(config, name) for kind, name in layout.INI.items()}
    layout.configure(layout.Layout.under(config.rootpath, **locations))
    components.refresh()
    state_of(config)


def pytest_unconfigure(config: pytest.Config) -> None:
    layout.configure(None)
    components.refresh()
