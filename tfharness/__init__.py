"""tfharness: plan, apply and verify Terraform components, from pytest or the command line.

The package is grouped by what it does:

* ``tfharness.terraform``: running Terraform (toolchain, the tftest wrapper, workspaces,
  reading configuration, diagnostics, the plan model);
* ``tfharness.planning``: the component catalog, scenarios, batches, the plan cache, the
  ``Planner``;
* ``tfharness.deploying``: targets and the emulator, capabilities, deployments, the fleet,
  sweep, waits;
* ``tfharness.checks``: AWS behaviour checks (filter patterns, alarms, dashboards, rotation,
  databases, policy helpers);
* ``tfharness.tooling``: this repository's tooling (provider standard, stacks, affected
  components, bench, report);
* ``tfharness.plugin``: the pytest plugin (loaded from the ``pytest11`` entry point).

The names below are the public surface; import them from ``tfharness``.

The names are loaded on first use (PEP 562), so `import tfharness` and
`python -m tfharness.<subpackage>.<module>` import nothing else.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.2.0"

_EXPORTS = {
    "Capability": "tfharness.deploying.capabilities",
    "Component": "tfharness.planning.components",
    "ConfigurationError": "tfharness.errors",
    "Deployment": "tfharness.deploying.deployment",
    "Diagnostic": "tfharness.terraform.diagnostics",
    "Endpoint": "tfharness.deploying.emulator",
    "Fleet": "tfharness.deploying.fleet",
    "HarnessError": "tfharness.errors",
    "InputEncodingError": "tfharness.errors",
    "Layout": "tfharness.layout",
    "MotoServer": "tfharness.deploying.emulator",
    "Plan": "tfharness.terraform.plan",
    "Planner": "tfharness.planning.planner",
    "ProviderMirrorError": "tfharness.errors",
    "RUN_TAG": "tfharness.deploying.deployment",
    "Rejection": "tfharness.terraform.diagnostics",
    "ResourceChange": "tfharness.terraform.plan",
    "Run": "tfharness.deploying.deployment",
    "Scenario": "tfharness.planning.scenarios",
    "ScenarioFileError": "tfharness.errors",
    "Template": "tfharness.terraform.workspace",
    "TerraformFailed": "tfharness.errors",
    "TerraformNotFound": "tfharness.errors",
    "UNKNOWN": "tfharness.terraform.plan",
    "UnexpectedPlanFailure": "tfharness.errors",
    "UnexpectedPlanSuccess": "tfharness.errors",
    "UnknownComponent": "tfharness.errors",
    "UnknownScenario": "tfharness.errors",
    "Workspace": "tfharness.terraform.workspace",
    "all_components": "tfharness.planning.components",
    "eventually": "tfharness.deploying.probes",
    "find_component": "tfharness.planning.components",
    "first_party_components": "tfharness.planning.components",
    "load_scenario": "tfharness.planning.scenarios",
    "load_scenarios": "tfharness.planning.scenarios",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'tfharness' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
