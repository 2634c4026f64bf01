"""Reading back what AWS (or the emulator) holds, in the shapes the integration tests compare.

Small helpers every integration test needs: tags as a dict, policy documents parsed whatever
their encoding, statements by Sid, and a readable account of what a re-plan would change.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from tfharness.plan import Plan


def tags_of(items: list[dict] | None) -> dict[str, str]:
    """AWS's [{"Key": k, "Value": v}, ...] as {k: v}."""
    return {t["Key"]: t["Value"] for t in items or []}


def policy_doc(value: Any) -> dict:
    """A policy document as a dict: from a dict, a JSON string or IAM's URL-encoded JSON."""
    if isinstance(value, str):
        text = unquote(value) if value.lstrip().startswith("%7B") else value
        return json.loads(text)
    return value


def statements(policy: Any) -> dict[str, dict]:
    """A policy's statements by Sid ("" for a statement without one)."""
    return {s.get("Sid", ""): s for s in policy_doc(policy)["Statement"]}


def as_list(value: Any) -> list:
    """IAM lets Action, Resource and Principal values be one item or a list: always a list."""
    if isinstance(value, list):
        return value
    if isinstance(value, (str, dict)):
        return [value]
    return list(value)


def drift(plan: Plan) -> str:
    """What a non-empty re-plan would change: address, action, the attributes that differ,
    and changed outputs."""
    lines = []
    for change in plan.managed:
        if change.action in ("no-op", "read"):
            continue
        before, after = change.before or {}, change.after or {}
        keys = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
        lines.append(
            f"{change.address} ({change.action}): "
            + "; ".join(f"{k}: {before.get(k)!r} -> {after.get(k)!r}" for k in keys)
        )
    for name, change in (plan.raw.get("output_changes") or {}).items():
        if change.get("actions") != ["no-op"]:
            lines.append(f"output.{name}: {change.get('before')!r} -> {change.get('after')!r}")
    return "\n".join(lines)
