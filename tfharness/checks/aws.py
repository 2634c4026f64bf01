"""Reading back what AWS (or the emulator) holds, in the shapes the integration tests compare.

Small helpers every integration test needs: tags as a dict, policy documents parsed whatever
their encoding, statements by Sid, and a readable account of what a re-plan would change.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from tfharness.terraform.plan import Plan


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


def changes(plan: Plan) -> list:
    """The managed resource changes of a plan that would do something (not no-op or read)."""
    return [c for c in plan.managed if c.action not in ("no-op", "read")]


def differing(change) -> set[str]:
    """The attributes whose planned value differs from the current one."""
    before, after = change.before or {}, change.after or {}
    return {k for k in set(before) | set(after) if before.get(k) != after.get(k)}


def backup_tags_misread(change, backup) -> bool:
    """The provider read no tags for a backup vault or plan (the target misreads ListTags, e.g.
    moto 5.2.5 parses /tags/{arn}/ where the Go SDK sends /tags/{arn}) and plans to add them
    again: True when that is the whole difference AND the target holds exactly those tags."""
    if change.type not in ("aws_backup_vault", "aws_backup_plan") or change.action != "update":
        return False
    if differing(change) != {"tags", "tags_all"} or (change.before or {}).get("tags_all"):
        return False
    tags = (change.after or {}).get("tags_all")
    return backup.list_tags(ResourceArn=change.before["arn"])["Tags"] == tags


def drift(plan: Plan) -> str:
    """What a non-empty re-plan would change: address, action, the attributes that differ,
    and changed outputs."""
    lines = []
    for change in changes(plan):
        before, after = change.before or {}, change.after or {}
        lines.append(
            f"{change.address} ({change.action}): "
            + "; ".join(
                f"{k}: {before.get(k)!r} -> {after.get(k)!r}" for k in sorted(differing(change))
            )
        )
    for name, change in (plan.raw.get("output_changes") or {}).items():
        if change.get("actions") != ["no-op"]:
            lines.append(f"output.{name}: {change.get('before')!r} -> {change.get('after')!r}")
    return "\n".join(lines)
