"""The plan model: one parsed `terraform show -json` per scenario, shared by its tests.

``Plan`` is a read-only mapping from full resource address to ``ResourceChange`` (data sources
read during the plan included, under ``data.<type>.<name>``). Attribute paths are written
``metadata_options[0].http_tokens`` or ``metadata_options.0.http_tokens``. Every assertion
helper fails with ``<address>: <path>: got ..., expected ...`` and, when an address is
missing, lists the addresses the plan does have.

Its assertions carry their own messages, the same however the plugin is loaded
(PYTEST_DONT_REWRITE: pytest rewrites the modules of an entry-point plugin's package).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from tfharness.terraform.diagnostics import Diagnostic

ACTIONS = {
    ("create",): "create",
    ("update",): "update",
    ("delete",): "delete",
    ("no-op",): "no-op",
    ("read",): "read",
    ("delete", "create"): "replace",
    ("create", "delete"): "replace",
}

_MISSING = object()
_PATH_PART = re.compile(r"[^.\[\]]+")


class Unknown:
    """Stands for a value Terraform will know only after apply."""

    def __repr__(self) -> str:
        return "(known after apply)"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unknown)

    def __hash__(self) -> int:
        return 0


UNKNOWN = Unknown()


def parse_path(path: str | tuple | list) -> tuple:
    """'a.b[0].c' -> ('a', 'b', 0, 'c'); tuples and lists pass through."""
    if isinstance(path, (tuple, list)):
        return tuple(path)
    return tuple(int(p) if p.isdigit() else p for p in _PATH_PART.findall(path))


def _walk(value: Any, parts: tuple) -> Any:
    for part in parts:
        if (isinstance(value, Mapping) and part in value) or (
            isinstance(value, list) and isinstance(part, int) and -len(value) <= part < len(value)
        ):
            value = value[part]
        else:
            return _MISSING
    return value


def _merge_unknown(after: Any, unknown: Any) -> Any:
    """Overlay `after_unknown` on `after` so unknown leaves read as UNKNOWN."""
    if unknown is True:
        return UNKNOWN
    if isinstance(unknown, dict):
        base = dict(after) if isinstance(after, dict) else {}
        for key, sub in unknown.items():
            base[key] = _merge_unknown(base.get(key), sub)
        return base
    if isinstance(unknown, list):
        base = list(after) if isinstance(after, list) else []
        for index, sub in enumerate(unknown):
            if index < len(base):
                base[index] = _merge_unknown(base[index], sub)
            elif sub is True or isinstance(sub, (dict, list)):
                base.append(_merge_unknown(None, sub))
        return base
    return after


@dataclass(frozen=True)
class ResourceChange:
    """One resource (or data source) of the plan, with its planned values."""

    address: str
    type: str
    name: str
    mode: str
    actions: tuple[str, ...]
    before: Any
    after: Any
    index: Any = None
    module_address: str | None = None
    raw: Mapping = field(default_factory=dict, repr=False, compare=False)

    @property
    def action(self) -> str:
        """create, update, delete, replace, no-op or read."""
        return ACTIONS.get(self.actions, "+".join(self.actions))

    def get(self, path: str | tuple, default: Any = None) -> Any:
        """The planned value at `path` (UNKNOWN if known only after apply), or `default`."""
        value = _walk(self.after, parse_path(path))
        return default if value is _MISSING else value

    def __getitem__(self, path: str | tuple) -> Any:
        value = _walk(self.after, parse_path(path))
        if value is _MISSING:
            raise KeyError(f"{self.address}: no attribute at {path!r}")
        return value

    def has(self, path: str | tuple) -> bool:
        return _walk(self.after, parse_path(path)) is not _MISSING

    def is_unknown(self, path: str | tuple) -> bool:
        return self.get(path) == UNKNOWN

    def json(self, path: str | tuple) -> Any:
        """Parse a JSON document attribute (a policy, a dashboard body) at `path`."""
        value = self[path]
        if value == UNKNOWN:
            raise AssertionError(f"{self.address}: {path}: known only after apply, cannot parse")
        return json.loads(value)

    @property
    def tags(self) -> dict[str, str]:
        tags = self.get("tags") or {}
        return tags if isinstance(tags, dict) else {}


class Plan(Mapping[str, ResourceChange]):
    """A parsed plan, keyed by full address, with assertion helpers."""

    def __init__(
        self, raw: Mapping, *, label: str = "plan", warnings: tuple[Diagnostic, ...] = ()
    ) -> None:
        self.raw = raw
        self.label = label
        self.warnings = tuple(warnings)
        self._changes: dict[str, ResourceChange] = {}
        for change in raw.get("resource_changes") or []:
            rc = change.get("change") or {}
            after = _merge_unknown(rc.get("after"), rc.get("after_unknown"))
            self._changes[change["address"]] = ResourceChange(
                address=change["address"],
                type=change["type"],
                name=change["name"],
                mode=change.get("mode", "managed"),
                actions=tuple(rc.get("actions") or ()),
                before=rc.get("before"),
                after=after,
                index=change.get("index"),
                module_address=change.get("module_address"),
                raw=change,
            )
        prior = ((raw.get("prior_state") or {}).get("values") or {}).get("root_module") or {}
        for resource in _module_resources(prior):
            if resource.get("mode") == "data" and resource["address"] not in self._changes:
                self._changes[resource["address"]] = ResourceChange(
                    address=resource["address"],
                    type=resource["type"],
                    name=resource["name"],
                    mode="data",
                    actions=("read",),
                    before=None,
                    after=resource.get("values") or {},
                    index=resource.get("index"),
                    raw=resource,
                )

    # Mapping protocol -------------------------------------------------------------------
    def __getitem__(self, address: str) -> ResourceChange:
        try:
            return self._changes[address]
        except KeyError:
            raise KeyError(
                f"{self.label}: no resource {address!r}. The plan has:\n{self._listing()}"
            ) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._changes)

    def __len__(self) -> int:
        return len(self._changes)

    # Queries ----------------------------------------------------------------------------
    def of_type(self, resource_type: str, *, mode: str = "managed") -> list[ResourceChange]:
        """Every resource of a type, sorted by address (mode='data' for data sources)."""
        return sorted(
            (c for c in self._changes.values() if c.type == resource_type and c.mode == mode),
            key=lambda c: c.address,
        )

    def one(self, resource_type: str) -> ResourceChange:
        """The single managed resource of a type; fails if there are none or several."""
        found = self.of_type(resource_type)
        if len(found) != 1:
            raise AssertionError(
                f"{self.label}: expected exactly one {resource_type}, found {len(found)}: "
                f"{[c.address for c in found]}"
            )
        return found[0]

    @property
    def managed(self) -> list[ResourceChange]:
        return [c for c in self._changes.values() if c.mode == "managed"]

    def count(self, action: str = "create") -> int:
        return sum(1 for c in self.managed if c.action == action)

    @property
    def variables(self) -> dict[str, Any]:
        return {k: v.get("value") for k, v in (self.raw.get("variables") or {}).items()}

    @property
    def outputs(self) -> dict[str, Any]:
        """Planned output values (UNKNOWN where known only after apply)."""
        changes = self.raw.get("output_changes") or {}
        return {
            name: _merge_unknown(change.get("after"), change.get("after_unknown"))
            for name, change in changes.items()
        }

    def module_call(self, name: str) -> Mapping[str, Any]:
        """A module call of the root module as configured (``source``, ``expressions`` with
        each input's ``references``, ``count_expression`` / ``for_each_expression``, ...), by
        its name or address (``kms`` or ``module.kms``): for tests of how a component wires a
        shared module."""
        root = (self.raw.get("configuration") or {}).get("root_module") or {}
        calls = root.get("module_calls") or {}
        key = name.removeprefix("module.")
        if key not in calls:
            raise KeyError(
                f"{self.label}: the root module has no module call {key!r}; it calls: "
                f"{', '.join(sorted(calls)) or '(none)'}"
            )
        return calls[key]

    def configured(self, address: str) -> Mapping[str, Any]:
        """A resource, data source or module call as configured (``expressions``,
        ``count_expression``, ``provider_config_key``, ...), by its address without an index:
        ``aws_ecs_cluster.this`` or ``data.aws_iam_policy_document.assume`` in the component,
        ``module.logs.aws_cloudwatch_log_group.this`` in a module it calls, ``module.logs``
        for the call itself (what `module_call` returns)."""
        module = (self.raw.get("configuration") or {}).get("root_module") or {}
        rest, where = address, "the root module"
        while rest.startswith("module."):
            call, _, rest = rest.removeprefix("module.").partition(".")
            calls = module.get("module_calls") or {}
            if call not in calls:
                raise KeyError(
                    f"{self.label}: {where} has no module call {call!r}; it calls: "
                    f"{', '.join(sorted(calls)) or '(none)'}"
                )
            if not rest:
                return calls[call]
            module, where = calls[call].get("module") or {}, f"module.{call}"
        resources = {r["address"]: r for r in module.get("resources") or []}
        if rest not in resources:
            raise KeyError(
                f"{self.label}: {where} configures no {rest!r}; it configures: "
                f"{', '.join(sorted(resources)) or '(none)'}"
            )
        return resources[rest]

    def references(self, address: str, *path: str | int) -> list[str]:
        """What an expression of the configuration refers to, for wiring checks: the argument
        at ``path`` in the ``expressions`` of a resource or a module call (``configured``).
        ``plan.references("module.logs", "kms_key_arn")`` is ``["module.kms.key_arn",
        "module.kms"]`` when the call passes ``module.kms.key_arn``; a nested block is a list
        (``"statement", 0, "resources"``). A literal refers to nothing: ``[]``."""
        node: Any = self.configured(address)["expressions"]
        for depth, part in enumerate(path):
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                at = "".join(f"[{p!r}]" for p in path[:depth])
                raise KeyError(
                    f"{self.label}: {address}{at} has no {part!r} in its configuration"
                ) from None
        return list(node.get("references") or []) if isinstance(node, Mapping) else []

    def output_is_sensitive(self, name: str) -> bool:
        change = (self.raw.get("output_changes") or {}).get(name) or {}
        return bool(change.get("after_sensitive"))

    @property
    def is_empty(self) -> bool:
        """No managed resource would change (what `plan -detailed-exitcode` exit 0 means)."""
        return all(c.action in ("no-op", "read") for c in self.managed)

    # Assertions -------------------------------------------------------------------------
    def assert_actions(self, address: str, expected: str) -> None:
        """Assert the planned action: create, update, replace, delete or no-op."""
        actual = self[address].action
        assert actual == expected, f"{address}: action: got {actual!r}, expected {expected!r}"

    def assert_attr(self, address: str, path: str | tuple, expected: Any) -> None:
        """Assert the planned value at `path` equals `expected`."""
        change = self[address]
        actual = change.get(path, _MISSING)
        if actual is _MISSING:
            raise AssertionError(
                f"{address}: {path}: missing, expected {expected!r}; planned values: "
                f"{json.dumps(change.after, default=repr, sort_keys=True)[:2000]}"
            )
        assert actual == expected, f"{address}: {path}: got {actual!r}, expected {expected!r}"

    def assert_unknown(self, address: str, path: str | tuple) -> None:
        """Assert the value at `path` is known only after apply."""
        actual = self[address].get(path, _MISSING)
        assert actual == UNKNOWN, (
            f"{address}: {path}: got {actual!r}, expected a value known only after apply"
        )

    def assert_tags(self, address: str, expected: Mapping[str, str]) -> None:
        """Assert the resource's tags include `expected` (other tags are allowed)."""
        tags = self[address].tags
        wrong = {k: tags.get(k, "(absent)") for k, v in expected.items() if tags.get(k) != v}
        assert not wrong, (
            f"{address}: tags: got {wrong} for {sorted(wrong)}, expected {dict(expected)}; "
            f"all tags: {tags}"
        )

    def assert_absent(self, address_or_type: str) -> None:
        """Assert no resource has this address, and none of this type if a bare type."""
        present = [
            a
            for a, c in self._changes.items()
            if (a == address_or_type or c.type == address_or_type) and c.mode == "managed"
        ]
        assert not present, f"{self.label}: expected no {address_or_type}, found {present}"

    def assert_subset(self, address: str, expected: Mapping[str, Any]) -> None:
        """Assert every `path: value` of `expected` holds for the resource."""
        for path, value in expected.items():
            self.assert_attr(address, path, value)

    def _listing(self) -> str:
        return "\n".join(f"  {a} ({c.action})" for a, c in sorted(self._changes.items()))

    def __repr__(self) -> str:
        return f"<Plan {self.label}: {len(self.managed)} managed resources>"


def _module_resources(module: Mapping) -> Iterator[Mapping]:
    yield from module.get("resources") or []
    for child in module.get("child_modules") or []:
        yield from _module_resources(child)
