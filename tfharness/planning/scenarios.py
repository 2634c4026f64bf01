"""Scenarios are data: tests/scenarios/<component>.yaml names test cases and their inputs.

    default:                      # every component has one; it must plan cleanly
      description: Typical dev configuration.
      vars: {region: us-east-1, environment: dev, name: demo}
    prod:
      extends: default            # deep-merges the parent's vars, then overrides
      description: Production settings.
      vars: {environment: prod}
    prod_single_az:
      extends: prod
      expect_failures: [var.availability_zone_count]   # Terraform must refuse it, by this rule
      vars: {availability_zone_count: 1}

Keys of a scenario: ``vars`` (the component's inputs), ``extends`` (a scenario to start from),
``description`` and ``expect_failures``. Anything else is rejected so typos do not pass silently.
A broken file (bad YAML, unknown keys) fails only its own component's tests, with the file and
line in the message.

``expect_failures`` works like the attribute of the same name in ``terraform test``: the rules
(``var.<name>``, ``<type>.<name>`` for a precondition or a provider error on that resource,
``module.<call>.<type>.<name>`` inside a local module, ``output.<name>``) whose failure the
scenario exists to show. It is not inherited through ``extends``. The planner schedules on it
(expected refusals are planned apart from clean plans, so one never costs the other a second
Terraform run) and ``tests/unit/test_scenario_expectations.py`` holds every scenario to it.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from tfharness import layout
from tfharness.errors import InputEncodingError, ScenarioFileError, UnknownScenario

ALLOWED_KEYS = frozenset({"vars", "extends", "description", "expect_failures"})
_RULE = re.compile(
    r"^(module\.[A-Za-z_][A-Za-z0-9_-]*\.)*"
    r"(var|output|data\.[a-z][a-z0-9_]*|[a-z][a-z0-9_]*)\.[A-Za-z_][A-Za-z0-9_-]*$"
)


def scenarios_root() -> Path:
    """Directory of scenario files (see `tfharness.layout`)."""
    return layout.scenarios_root()


@dataclass(frozen=True)
class Scenario:
    """One named set of inputs for one component."""

    component: str
    name: str
    vars: dict[str, Any] = field(hash=False)
    description: str = ""
    expect_failures: tuple[str, ...] = ()

    @property
    def expects_rejection(self) -> bool:
        return bool(self.expect_failures)

    @property
    def id(self) -> str:
        return f"{self.component}:{self.name}"

    def tfvars_json(self) -> str:
        """The inputs as the text of a `*.auto.tfvars.json` file (types kept: true, null, 3)."""
        return encode_inputs(self.vars, where=self.id)


def encode_inputs(values: dict[str, Any], *, where: str) -> str:
    """Encode inputs as JSON, or raise InputEncodingError naming the offending input path."""
    _check_encodable(values, f"{where}: vars")
    return json.dumps(values, indent=2, sort_keys=True, allow_nan=False) + "\n"


def _check_encodable(value: Any, path: str) -> None:
    if value is None or isinstance(value, (bool, str, int)):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InputEncodingError(
                f"{path} is {value!r}, which Terraform cannot take: use a finite number or null."
            )
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise InputEncodingError(
                    f"{path} has the key {key!r} of type {type(key).__name__}: "
                    "map keys must be strings (quote it in the YAML)."
                )
            _check_encodable(item, f"{path}.{key}")
        return
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _check_encodable(item, f"{path}[{index}]")
        return
    raise InputEncodingError(
        f"{path} is a {type(value).__name__} ({value!r}), which cannot be written as JSON for "
        "Terraform: quote it in the YAML so it stays a string."
    )


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Merge maps recursively; values of `override` win; lists are replaced, not appended."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


@cache
def _load_file(path: Path) -> dict[str, dict[str, Any]]:
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(error, "problem", None) or str(error)
        raise ScenarioFileError(
            f"{where}: not valid YAML ({problem}); fix the file: only this component's "
            "scenarios are affected."
        ) from None
    if not isinstance(data, dict):
        raise ScenarioFileError(f"{path}: must map scenario names to scenarios, got {data!r}.")
    for name, body in data.items():
        if not isinstance(body, dict):
            raise ScenarioFileError(f"{path}: scenario {name!r} must be a mapping with `vars:`.")
        unknown = set(body) - ALLOWED_KEYS
        if unknown:
            raise ScenarioFileError(
                f"{path}: scenario {name!r} has unknown keys {sorted(unknown)}; "
                f"allowed: {sorted(ALLOWED_KEYS)}."
            )
        if not isinstance(body.get("vars", {}), dict):
            raise ScenarioFileError(f"{path}: scenario {name!r}: `vars` must be a mapping.")
        rules = body.get("expect_failures", [])
        if not isinstance(rules, list) or not all(
            isinstance(r, str) and _RULE.match(r) for r in rules
        ):
            raise ScenarioFileError(
                f"{path}: scenario {name!r}: `expect_failures` must be a list of rules such as "
                f"var.<name>, <resource type>.<name> or output.<name>; got {rules!r}."
            )
        checks = [r for r in rules if r.startswith("check.")]
        if checks:
            raise ScenarioFileError(
                f"{path}: scenario {name!r}: {checks} in `expect_failures`: a failed check block "
                "is a warning, not a refusal; assert it on the plan (`plan.warnings`) instead."
            )
    return data


def scenario_file(component: str, root: Path | None = None) -> Path:
    """`<scenarios root>/<component>.yaml`; `root` reads another tree's (an older commit's)."""
    return (root or scenarios_root()) / f"{component}.yaml"


def scenario_names(component: str) -> list[str]:
    """Every scenario of a component: its file's, in file order, then `stack:<stack>` ones."""
    from tfharness.tooling.stacks import STACK_PREFIX, stacks_for

    path = scenario_file(component)
    names = list(_load_file(path)) if path.is_file() else []
    return names + [f"{STACK_PREFIX}{stack}" for stack in stacks_for(component)]


def scenario_names_or_default(component: str) -> list[str]:
    """`scenario_names`, or just `default` when the file cannot be read: for parametrizing
    tests at collection, so a broken file fails its component's tests (with the error), not
    the collection of every test."""
    try:
        return scenario_names(component)
    except ScenarioFileError:
        return ["default"]


def load_scenario(component: str, name: str = "default", *, root: Path | None = None) -> Scenario:
    """The scenario `name` of `component`, with `extends` resolved (`stack:<s>` included);
    `root` reads the scenario files of another tree (an older commit's)."""
    from tfharness.tooling.stacks import STACK_PREFIX, component_vars

    if name.startswith(STACK_PREFIX):
        stack = name.removeprefix(STACK_PREFIX)
        return Scenario(
            component, name, component_vars(stack, component), f"inputs of the {stack} stack"
        )
    path = scenario_file(component, root)
    if not path.is_file():
        raise UnknownScenario(
            f"component {component!r} has no scenario file: create {path} "
            "with at least a `default:` scenario."
        )
    data = _load_file(path)
    chain: list[str] = []
    base: dict[str, Any] = {}
    current: str | None = name
    while current is not None:
        if current.startswith(STACK_PREFIX):
            base = component_vars(current.removeprefix(STACK_PREFIX), component)
            break
        if current not in data:
            known = ", ".join(data) or "(none)"
            missing = f"scenario {current!r}" + (f" (extended by {chain[-1]!r})" if chain else "")
            raise UnknownScenario(f"{path}: no {missing}. Known scenarios: {known}.")
        if current in chain:
            raise ScenarioFileError(f"{path}: `extends` cycle: {' -> '.join([*chain, current])}.")
        chain.append(current)
        current = data[current].get("extends")
    merged: dict[str, Any] = base
    for link in reversed(chain):
        merged = deep_merge(merged, data[link].get("vars") or {})
    return Scenario(
        component,
        name,
        merged,
        data[name].get("description", ""),
        tuple(data[name].get("expect_failures", ())),
    )


def load_scenarios(component: str) -> list[Scenario]:
    """Every scenario of a component."""
    return [load_scenario(component, name) for name in scenario_names(component)]
