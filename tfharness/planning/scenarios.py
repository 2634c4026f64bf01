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
``description``, ``expect_failures``, ``expect_warnings`` and ``expect``. Anything else is
rejected so typos do not pass silently. A broken file (bad YAML, unknown keys) fails only its
own component's tests, with the file and line in the message.

``expect_failures`` works like the attribute of the same name in ``terraform test``: the rules
(``var.<name>``, ``<type>.<name>`` for a precondition or a provider error on that resource,
``module.<call>.<type>.<name>`` inside a local module, ``output.<name>``) whose failure the
scenario exists to show. It is not inherited through ``extends``. The planner schedules on it
(expected refusals are planned apart from clean plans, so one never costs the other a second
Terraform run) and ``tests/unit/test_scenario_expectations.py`` holds every scenario to it.

It is a list of rules, or a mapping of rule to what its error must say::

    expect_failures:
      var.vpc_cidr_block: vpc_cidr_block must be an IPv4 CIDR between /16 and /24.  # exact
      var.name: {contains: lowercase}             # the message contains this text
      var.region: {matches: 'region .* is not (allowed|enabled)'}  # a regex, full match
      aws_kms_key.this: {summary: 'expected deletion_window_in_days to be in the range (7 - 30), got 3'}
      var.tags: ~                                  # the rule only
      var.subnets:                                 # fires twice: both messages must appear
        - exact text of the first
        - {contains: second}

``summary`` (the provider's text, for provider errors) combines with any of the others. The
rule must fire with every message listed, and no rule that is not listed may fire.

``expect_warnings`` is the same mapping for check blocks (``check.<name>``), which warn and do
not refuse: a scenario that declares them must plan cleanly with exactly those checks failing.

``expect`` is the scenario's inventory: resource address -> the attributes its plan must have
(maps compare as subsets, everything else exactly; ``(known after apply)`` stands for a value
Terraform knows only after apply and ``(sensitive)`` for a sensitive one).
``pytest --update-inventory`` writes and refreshes inventories from the current plans
(``tfharness.planning.inventory``).
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

ALLOWED_KEYS = frozenset(
    {"vars", "extends", "description", "expect_failures", "expect_warnings", "expect"}
)
SPEC_KEYS = frozenset({"message", "contains", "matches", "summary"})
_RULE = re.compile(
    r"^(module\.[A-Za-z_][A-Za-z0-9_-]*\.)*"
    r"(var|output|data\.[a-z][a-z0-9_]*|[a-z][a-z0-9_]*)\.[A-Za-z_][A-Za-z0-9_-]*$"
)


def scenarios_root() -> Path:
    """Directory of scenario files (see `tfharness.layout`)."""
    return layout.scenarios_root()


@dataclass(frozen=True)
class Expected:
    """What one firing of a rule must say: an exact message, a substring, a regex (matched
    against the whole message) and/or the summary (a provider error's own text)."""

    message: str | None = None
    contains: str | None = None
    matches: str | None = None
    summary: str | None = None

    def accepts(self, diagnostic: Any) -> bool:
        return (
            (self.message is None or diagnostic.message == self.message)
            and (self.contains is None or self.contains in diagnostic.message)
            and (
                self.matches is None
                or re.fullmatch(self.matches, diagnostic.message, re.S) is not None
            )
            and (self.summary is None or diagnostic.summary == self.summary)
        )

    def as_kwargs(self) -> dict[str, str]:
        return {k: v for k, v in vars(self).items() if v is not None}

    def describe(self) -> str:
        return ", ".join(f"{k} {v!r}" for k, v in self.as_kwargs().items()) or "(rule only)"


@dataclass(frozen=True)
class Scenario:
    """One named set of inputs for one component."""

    component: str
    name: str
    vars: dict[str, Any] = field(hash=False)
    description: str = ""
    expect_failures: tuple[str, ...] = ()
    failure_messages: dict[str, tuple[Expected, ...]] = field(default_factory=dict, hash=False)
    expect_warnings: dict[str, tuple[Expected, ...]] = field(default_factory=dict, hash=False)
    inventory: dict[str, dict[str, Any]] | None = field(default=None, hash=False)

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


def _read_yaml(text: str) -> Any:
    """PyYAML's C parser where it is built (ten times faster over the scenario files); on an
    error, the pure-Python parser's reading, so messages do not depend on the build."""
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return yaml.safe_load(text)


@cache
def _load_file(path: Path) -> dict[str, dict[str, Any]]:
    try:
        data = _read_yaml(path.read_text()) or {}
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
        failures = _expectations(path, name, "expect_failures", body.get("expect_failures"))
        checks = [r for r in failures if r.startswith("check.")]
        if checks:
            raise ScenarioFileError(
                f"{path}: scenario {name!r}: {checks} in `expect_failures`: a failed check block "
                "is a warning, not a refusal; declare it in `expect_warnings` instead."
            )
        warnings = _expectations(path, name, "expect_warnings", body.get("expect_warnings"))
        others = [r for r in warnings if not r.startswith("check.")]
        if others:
            raise ScenarioFileError(
                f"{path}: scenario {name!r}: `expect_warnings` takes check blocks "
                f"(check.<name>); {others} refuse a plan: declare them in `expect_failures`."
            )
        if warnings and failures:
            raise ScenarioFileError(
                f"{path}: scenario {name!r}: a refused plan reports no check results; declare "
                "`expect_warnings` on a scenario that plans cleanly."
            )
        inventory = body.get("expect")
        if inventory is not None and not (
            isinstance(inventory, dict)
            and all(isinstance(a, str) and isinstance(v, dict) for a, v in inventory.items())
        ):
            raise ScenarioFileError(
                f"{path}: scenario {name!r}: `expect` must map resource addresses to the "
                "attributes they must have (address: {attribute: value}); "
                "`pytest --update-inventory` writes it from the current plan."
            )
        if inventory is not None and failures:
            raise ScenarioFileError(
                f"{path}: scenario {name!r}: a refused plan has no resources; `expect` belongs "
                "to scenarios that plan cleanly."
            )
    return data


_SPEC_FORMS = (
    "a list of rules, or a mapping of rule to its message: a string (exact), "
    "{contains: ...}, {matches: <regex>}, {summary: ...}, a list of those, or ~ (rule only)"
)


def _spec(path: Path, name: str, rule: str, value: Any) -> Expected:
    if isinstance(value, str):
        return Expected(message=value)
    if isinstance(value, dict) and value and set(value) <= SPEC_KEYS:
        if not all(isinstance(v, str) for v in value.values()):
            raise ScenarioFileError(
                f"{path}: scenario {name!r}: {rule}: message forms take strings; got {value!r}."
            )
        if "matches" in value:
            try:
                re.compile(value["matches"])
            except re.error as error:
                raise ScenarioFileError(
                    f"{path}: scenario {name!r}: {rule}: `matches` is not a valid regular "
                    f"expression ({error}); escape literal characters such as ( ) . with \\."
                ) from None
        return Expected(**value)
    raise ScenarioFileError(
        f"{path}: scenario {name!r}: {rule}: cannot read {value!r} as a message; use {_SPEC_FORMS}."
    )


def _expectations(path: Path, name: str, key: str, raw: Any) -> dict[str, tuple[Expected, ...]]:
    """`expect_failures` / `expect_warnings` as rule -> the messages it must fire with."""
    if raw is None:
        return {}
    if isinstance(raw, list) and all(isinstance(r, str) for r in raw):
        pairs: list[tuple[Any, Any]] = [(r, None) for r in raw]
    elif isinstance(raw, dict):
        pairs = list(raw.items())
    else:
        raise ScenarioFileError(f"{path}: scenario {name!r}: `{key}` must be {_SPEC_FORMS}.")
    found: dict[str, tuple[Expected, ...]] = {}
    for rule, value in pairs:
        if not isinstance(rule, str) or not _RULE.match(rule):
            raise ScenarioFileError(
                f"{path}: scenario {name!r}: `{key}` names {rule!r}, which is not a rule: use "
                "var.<name>, <resource type>.<name>, module.<call>.<...>, output.<name> or "
                "check.<name>."
            )
        values = value if isinstance(value, list) else [] if value is None else [value]
        found[rule] = tuple(_spec(path, name, rule, v) for v in values)
    return found


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
    body = data[name]
    failures = _expectations(path, name, "expect_failures", body.get("expect_failures"))
    return Scenario(
        component,
        name,
        merged,
        body.get("description", ""),
        tuple(failures),
        failures,
        _expectations(path, name, "expect_warnings", body.get("expect_warnings")),
        body.get("expect"),
    )


def load_scenarios(component: str) -> list[Scenario]:
    """Every scenario of a component."""
    return [load_scenario(component, name) for name in scenario_names(component)]
