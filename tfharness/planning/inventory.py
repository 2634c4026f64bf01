"""Inventories: what a scenario's plan builds, kept in its scenario file under ``expect:``, so
a reviewer sees a plan change as a diff of a YAML file (as Cloud Foundation Fabric's test
inventories do).

    default:
      vars: {...}
      expect:
        aws_kms_key.this:
          enable_key_rotation: true
          key_id: (known after apply)

An inventory maps resource addresses to attribute subsets: maps compare as subsets (list only
the keys that matter), lists and scalars exactly. ``(known after apply)`` stands for a value
Terraform knows only after apply, ``(sensitive)`` for one the plan marks sensitive (its value is
never written). Every address must be in the plan: a stale one fails with its name.

``pytest --update-inventory`` writes them: a scenario that has ``expect:`` is refreshed (each
listed address keeps the attributes it lists, with today's values; addresses the plan no longer
has are dropped; new ones are added whole) and every ``default`` scenario gets one. A file is
rewritten only when a value changed, and only the ``expect:`` block of a scenario is touched:
the rest of the file stays as written.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from tfharness.terraform.plan import Plan

UNKNOWN = "(known after apply)"
SENSITIVE = "(sensitive)"
LEFT_OUT = frozenset({"tags_all"})  # derived from `tags` and the provider's default_tags


def _spell(value: Any, unknown: Any, sensitive: Any) -> Any:
    if sensitive is True:
        return SENSITIVE
    if unknown is True:
        return UNKNOWN
    if isinstance(value, dict) or isinstance(unknown, dict):
        value = value if isinstance(value, dict) else {}
        unknown = unknown if isinstance(unknown, dict) else {}
        sensitive = sensitive if isinstance(sensitive, dict) else {}
        return {
            k: _spell(value.get(k), unknown.get(k), sensitive.get(k))
            for k in sorted(set(value) | set(unknown))
        }
    if isinstance(value, list) or isinstance(unknown, list):
        value = value if isinstance(value, list) else []
        unknown = unknown if isinstance(unknown, list) else []
        sensitive = sensitive if isinstance(sensitive, list) else []
        return [
            _spell(
                value[i] if i < len(value) else None,
                unknown[i] if i < len(unknown) else None,
                sensitive[i] if i < len(sensitive) else None,
            )
            for i in range(max(len(value), len(unknown)))
        ]
    if isinstance(value, str):
        return _pretty_json(value)
    return value


def _json_document(value: str) -> Any:
    """The parsed document if a string holds a JSON object or array (a policy), else None."""
    if not value.startswith(("{", "[")):
        return None
    try:
        parsed = json.loads(value)
    except ValueError:
        return None
    return parsed if isinstance(parsed, (dict, list)) else None


def _pretty_json(value: str) -> str:
    """A JSON document (a policy, container definitions) one member a line, keys sorted, so
    a change to one statement is a one-line diff; compared as documents, not as text."""
    parsed = _json_document(value)
    return value if parsed is None else json.dumps(parsed, indent=2, sort_keys=True)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def inventory_of(plan: Plan) -> dict[str, dict[str, Any]]:
    """Every managed resource of a plan with its planned attributes, spelled for YAML (empty
    and null attributes, and `tags_all`, left out)."""
    found: dict[str, dict[str, Any]] = {}
    for change in sorted(plan.managed, key=lambda c: c.address):
        raw = change.raw.get("change") or {}
        spelled = _spell(raw.get("after"), raw.get("after_unknown"), raw.get("after_sensitive"))
        if not isinstance(spelled, dict):
            continue
        found[change.address] = {
            k: v for k, v in spelled.items() if k not in LEFT_OUT and not _empty(v)
        }
    return found


def _mismatches(expected: Any, actual: Any, path: str) -> list[str]:
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: got {actual!r}, expected a map with {sorted(expected)}"]
        problems = []
        for key, value in expected.items():
            where = f"{path}.{key}" if path else str(key)
            if key not in actual:
                problems.append(f"{where}: not in the plan (expected {value!r})")
            else:
                problems += _mismatches(value, actual[key], where)
        return problems
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{path}: got {actual!r}, expected {expected!r}"]
        return [
            p
            for i, item in enumerate(expected)
            for p in _mismatches(item, actual[i], f"{path}[{i}]")
        ]
    if isinstance(expected, str) and isinstance(actual, str):
        document = _json_document(expected)
        if document is not None and document == _json_document(actual):
            return []
    if isinstance(expected, bool) or isinstance(actual, bool):
        same = expected is actual  # YAML's true is not Terraform's 1
    else:
        same = expected == actual
    return [] if same else [f"{path}: got {actual!r}, expected {expected!r}"]


def differences(plan: Plan, expected: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """What in `expected` the plan does not hold, one line per address and attribute."""
    actual = inventory_of(plan)
    problems = []
    for address, attributes in expected.items():
        if address not in actual:
            problems.append(
                f"{address}: stale inventory: the plan has no such resource (run "
                "`pytest --update-inventory` or remove it from `expect:`)"
            )
            continue
        full = _spell_all(plan, address)
        problems += [f"{address}: {p}" for p in _mismatches(dict(attributes), full, "")]
    return problems


def _spell_all(plan: Plan, address: str) -> dict[str, Any]:
    raw = plan[address].raw.get("change") or {}
    spelled = _spell(raw.get("after"), raw.get("after_unknown"), raw.get("after_sensitive"))
    return spelled if isinstance(spelled, dict) else {}


def refresh(existing: Mapping[str, Mapping[str, Any]] | None, plan: Plan) -> dict[str, Any]:
    """Today's inventory: listed addresses keep their attributes with today's values, gone
    ones are dropped, new ones come whole."""
    current = inventory_of(plan)
    if not existing:
        return current
    refreshed: dict[str, Any] = {}
    for address, attributes in current.items():
        if address in existing:
            full = _spell_all(plan, address)
            refreshed[address] = {k: full[k] for k in existing[address] if k in full}
        else:
            refreshed[address] = attributes
    return refreshed


class _Dumper(yaml.SafeDumper):
    """Block style, lists indented under their key, long strings left on one line."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        return super().increase_indent(flow, False)


def _string(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None  # JSON documents as literal blocks
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _string)


def _block(inventory: Mapping[str, Any], indent: str) -> list[str]:
    text = yaml.dump(
        {"expect": dict(inventory)},
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=10**6,
    )
    return [f"{indent}{line}" if line else line for line in text.splitlines()]


def write(path: Path, updates: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Write `expect:` for each scenario named in `updates` into the file; return the names
    whose inventory changed (the file is rewritten only if one did)."""
    text = path.read_text()
    root = yaml.compose(text)
    current = yaml.safe_load(text) or {}
    if root is None or not isinstance(root, yaml.MappingNode):
        return []
    lines = text.splitlines()
    edits: list[tuple[int, int, list[str]]] = []  # (first line, end line, replacement)
    changed = []
    for key_node, body in root.value:
        name = key_node.value
        if name not in updates or not isinstance(body, yaml.MappingNode):
            continue
        wanted = dict(updates[name])
        if (current.get(name) or {}).get("expect") == wanted:
            continue
        changed.append(name)
        indent = " " * body.start_mark.column
        block = _block(wanted, indent)
        entry = next(((k, v) for k, v in body.value if k.value == "expect"), None)
        if entry is not None:
            start, end = entry[0].start_mark.line, _end_line(entry[1])
        else:
            start = end = _end_line(body)
        edits.append((start, end, block))
    for start, end, block in sorted(edits, reverse=True):
        lines[start:end] = block
    if changed:
        path.write_text("\n".join(lines) + "\n")
    return changed


def _end_line(node: yaml.Node) -> int:
    """The line after a node's last line. A block mapping or sequence ends where the next
    token starts (past comments and blank lines), so its last child decides."""
    while (
        isinstance(node, (yaml.MappingNode, yaml.SequenceNode))
        and not node.flow_style
        and node.value
    ):
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    end = node.end_mark
    return end.line if end.column == 0 else end.line + 1
