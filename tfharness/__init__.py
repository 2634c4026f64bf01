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
"""

from tfharness.deploying.capabilities import Capability
from tfharness.deploying.deployment import RUN_TAG, Deployment, Run
from tfharness.deploying.emulator import Endpoint, MotoServer
from tfharness.deploying.fleet import Fleet
from tfharness.deploying.probes import eventually
from tfharness.errors import (
    ConfigurationError,
    HarnessError,
    InputEncodingError,
    ProviderMirrorError,
    ScenarioFileError,
    TerraformFailed,
    TerraformNotFound,
    UnexpectedPlanFailure,
    UnexpectedPlanSuccess,
    UnknownComponent,
    UnknownScenario,
)
from tfharness.layout import Layout
from tfharness.planning.components import (
    Component,
    all_components,
    find_component,
    first_party_components,
)
from tfharness.planning.planner import Planner
from tfharness.planning.scenarios import Scenario, load_scenario, load_scenarios
from tfharness.terraform.diagnostics import Diagnostic, Rejection
from tfharness.terraform.plan import UNKNOWN, Plan, ResourceChange
from tfharness.terraform.workspace import Template, Workspace

__version__ = "0.2.0"

__all__ = [
    "RUN_TAG",
    "UNKNOWN",
    "Capability",
    "Component",
    "ConfigurationError",
    "Deployment",
    "Diagnostic",
    "Endpoint",
    "Fleet",
    "HarnessError",
    "InputEncodingError",
    "Layout",
    "MotoServer",
    "Plan",
    "Planner",
    "ProviderMirrorError",
    "Rejection",
    "ResourceChange",
    "Run",
    "Scenario",
    "ScenarioFileError",
    "Template",
    "TerraformFailed",
    "TerraformNotFound",
    "UnexpectedPlanFailure",
    "UnexpectedPlanSuccess",
    "UnknownComponent",
    "UnknownScenario",
    "Workspace",
    "all_components",
    "eventually",
    "find_component",
    "first_party_components",
    "load_scenario",
    "load_scenarios",
]
