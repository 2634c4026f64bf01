"""Terraform's `-json` diagnostics, and which rule each one reports.

A negative test asserts *which* rule fired and its message, never just "it failed". Rules are
named the way a reader finds them in the code:

=====================  ==========================================  =====================
kind                   Terraform summary                           rule
=====================  ==========================================  =====================
``validation``         Invalid value for variable                  ``var.<name>``, or
                                                                   ``module.<call>.var.<name>``
``precondition``       Resource precondition failed                ``<type>.<name>``
``postcondition``      Resource postcondition failed               ``<type>.<name>``
``output``             Module output value precondition failed     ``output.<name>``
``check``              Check block assertion failed (a warning)    ``check.<name>``
``provider``           the provider's own error on a resource      its address
``error``              anything else                               ``None``
=====================  ==========================================  =====================

A validation of a called module's variable (a shared module's ``retention_in_days``) is named
after the call that passed the value: ``module.flow_logs_log_group.var.retention_in_days``
(Terraform names only the innermost call, so a module called from a module is named from
that module's call).

A provider error is one the provider reports against a managed resource at plan time (schema
validation such as ``expected deletion_window_in_days to be in the range (7 - 30), got 3``):
its rule is the resource's address (``aws_kms_key.this``, ``module.queue.aws_sqs_queue.this``),
so a negative scenario can declare it in ``expect_failures`` like any other rule, and a test
asserts its summary. Errors on data sources stay rule-less: reading one can fail for reasons
that are not the scenario's (a passing emulator failure).

Its assertions carry their own messages, the same however the plugin is loaded
(PYTEST_DONT_REWRITE: pytest rewrites the modules of an entry-point plugin's package).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tfharness.terraform import configuration

KINDS = {
    "Invalid value for variable": "validation",
    "Resource precondition failed": "precondition",
    "Resource postcondition failed": "postcondition",
    "Module output value precondition failed": "output",
    "Check block assertion failed": "check",
}

_CHECKED_BY = re.compile(
    r"\n*This was checked by the validation rule at (?P<file>[^:]+):(?P<line>\d+),"
)
_CONTEXT = re.compile(
    r'^(?P<block>resource|data|output|check)\s+"(?P<a>[^"]+)"(?:\s+"(?P<b>[^"]+)")?'
)
_MODULE_CALL = re.compile(r'^module\s+"(?P<name>[^"]+)"')
_MODULE_STEP = re.compile(r"^module\.[^.\[]+(?:\[[^\]]*\])?\.")
_RESOURCE = re.compile(r"^[a-z][a-z0-9_]*\.[^.\[]+")


def managed_resource(address: str) -> str | None:
    """`module.q.aws_sqs_queue.this[0]` -> `module.q.aws_sqs_queue.this`; None for data sources."""
    prefix, rest = "", address
    while step := _MODULE_STEP.match(rest):
        prefix, rest = prefix + step.group(0), rest[step.end() :]
    resource = _RESOURCE.match(rest)
    if not resource or rest.startswith("data."):
        return None
    return prefix + resource.group(0)


@dataclass(frozen=True)
class Diagnostic:
    """One error or warning Terraform reported."""

    severity: str
    summary: str
    message: str
    kind: str
    rule: str | None
    filename: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = f" [{self.rule}]" if self.rule else ""
        place = f" ({self.filename}:{self.line})" if self.filename else ""
        return f"{self.severity}: {self.summary}{where}{place}: {self.message}"


def json_records(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """The JSON records among the lines a `-json` Terraform command prints (others skipped)."""
    for line in lines:
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            yield json.loads(line)
        except json.JSONDecodeError:
            continue


def parse_stream(lines: Iterable[str], source_dir: Path | None = None) -> list[Diagnostic]:
    """Diagnostics from the JSON lines `terraform plan -json` prints (other lines ignored)."""
    diagnostics = []
    for record in json_records(lines):
        if record.get("type") == "diagnostic" and "diagnostic" in record:
            diagnostics.append(from_json(record["diagnostic"], source_dir))
    return diagnostics


def from_json(raw: dict, source_dir: Path | None = None) -> Diagnostic:
    """One diagnostic object (the `diagnostic` member of a JSON line, or of `validate -json`)."""
    summary = raw.get("summary", "")
    detail = raw.get("detail", "") or ""
    kind = KINDS.get(summary, "error")
    snippet = raw.get("snippet") or {}
    rng = raw.get("range") or {}
    filename, line = rng.get("filename"), (rng.get("start") or {}).get("line")
    rule = None
    message = detail.strip()
    if kind == "validation":
        checked = _CHECKED_BY.search(detail)
        if checked:
            message = detail[: checked.start()].strip()
            filename, line = checked["file"], int(checked["line"])
            rule = configuration.variable_at(source_dir, filename, line) if source_dir else None
        if rule is None:
            traversals = [v.get("traversal", "") for v in snippet.get("values") or []]
            rule = next((t for t in traversals if t.startswith("var.")), None)
        call = _MODULE_CALL.match(snippet.get("context") or "")
        if rule is not None and call:
            rule = f"module.{call['name']}.{rule}"
    elif kind == "error":
        resource = managed_resource(raw.get("address") or "")
        if resource:
            kind, rule = "provider", resource
            message = detail.strip() or summary
    else:
        match = _CONTEXT.match(snippet.get("context") or "")
        if match:
            block, first, second = match["block"], match["a"], match["b"]
            rule = {
                "resource": f"{first}.{second}",
                "data": f"data.{first}.{second}",
                "output": f"output.{first}",
                "check": f"check.{first}",
            }[block]
    return Diagnostic(raw.get("severity", "error"), summary, message, kind, rule, filename, line)


def format_all(diagnostics: Iterable[Diagnostic]) -> str:
    return "\n".join(f"  - {d}" for d in diagnostics) or "  (no diagnostics)"


class Rejection:
    """A plan Terraform refused: the diagnostics of a negative scenario, queried by rule."""

    def __init__(self, label: str, diagnostics: Iterable[Diagnostic], stderr: str = "") -> None:
        self.label = label
        self.diagnostics = tuple(diagnostics)
        self.stderr = stderr

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "error")

    @property
    def rules(self) -> list[str]:
        """The rules that fired, in Terraform's order (rule-less errors left out)."""
        return [d.rule for d in self.errors if d.rule]

    def by_rule(self, rule: str) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.rule == rule]

    def assert_rule(
        self,
        rule: str,
        message: str | None = None,
        *,
        contains: str | None = None,
        summary: str | None = None,
        matches: str | None = None,
    ) -> Diagnostic:
        """Assert `rule` fired, with exactly `message` (or a message containing `contains`, or
        one the regex `matches` matches whole) and, if given, exactly `summary` (for provider
        errors, the summary is the provider's text)."""
        fired = self.by_rule(rule)
        if not fired:
            raise AssertionError(
                f"{self.label}: expected rule {rule} to fire; Terraform reported:\n"
                f"{format_all(self.diagnostics)}"
            )
        for diagnostic in fired:
            if (
                (message is None or diagnostic.message == message)
                and (contains is None or contains in diagnostic.message)
                and (matches is None or re.fullmatch(matches, diagnostic.message, re.S))
                and (summary is None or diagnostic.summary == summary)
            ):
                return diagnostic
        wanted = " and ".join(
            part
            for part in (
                repr(message) if message is not None else None,
                f"containing {contains!r}" if contains is not None else None,
                f"matching {matches!r}" if matches is not None else None,
                f"with summary {summary!r}" if summary is not None else None,
            )
            if part
        )
        got = [d.message for d in fired]
        if summary is not None:
            got += [f"summary {d.summary!r}" for d in fired]
        raise AssertionError(f"{self.label}: {rule}: message: got {got}, expected {wanted}")

    def assert_only(self, *rules: str) -> None:
        """Assert exactly these rules fired (each at least once) and no other error occurred."""
        unexplained = [d for d in self.errors if d.rule not in rules]
        missing = [r for r in rules if not self.by_rule(r)]
        assert not unexplained and not missing, (
            f"{self.label}: expected only {list(rules)}; missing {missing}; other errors:\n"
            f"{format_all(unexplained)}"
        )

    def assert_declared(self, declared: Mapping[str, Iterable[Any]]) -> None:
        """Assert what a scenario file declares: every rule fired with each message listed
        for it (`Expected` forms), and no other error occurred."""
        problems = []
        for rule, expectations in declared.items():
            for expected in expectations:
                try:
                    self.assert_rule(rule, **expected.as_kwargs())
                except AssertionError as error:
                    problems.append(str(error))
        if problems:
            raise AssertionError("\n".join(problems))
        self.assert_only(*declared)

    def __repr__(self) -> str:
        return f"<Rejection {self.label}: {self.rules or [d.summary for d in self.errors]}>"
