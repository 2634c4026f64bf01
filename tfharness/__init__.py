"""tfharness: plan, apply and verify Terraform components, from pytest or the command line."""

from tfharness.components import Component, all_components, find_component
from tfharness.diagnostics import Diagnostic, Rejection
from tfharness.emulator import Endpoint, MotoServer
from tfharness.errors import (
    HarnessError,
    InputEncodingError,
    ProviderMirrorError,
    TerraformFailed,
    TerraformNotFound,
    UnexpectedPlanFailure,
    UnexpectedPlanSuccess,
    UnknownComponent,
    UnknownScenario,
)
from tfharness.plan import UNKNOWN, Plan, ResourceChange
from tfharness.planner import Planner
from tfharness.scenarios import Scenario, load_scenario

__version__ = "0.1.0"

__all__ = [
    "UNKNOWN",
    "Component",
    "Diagnostic",
    "Endpoint",
    "HarnessError",
    "InputEncodingError",
    "MotoServer",
    "Plan",
    "Planner",
    "ProviderMirrorError",
    "Rejection",
    "ResourceChange",
    "Scenario",
    "TerraformFailed",
    "TerraformNotFound",
    "UnexpectedPlanFailure",
    "UnexpectedPlanSuccess",
    "UnknownComponent",
    "UnknownScenario",
    "all_components",
    "find_component",
    "load_scenario",
]
