"""CloudWatch dashboard bodies: the documented structure, checked once for every dashboard.

The structure is AWS's "Dashboard Body Structure and Syntax" reference
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html),
encoded as a JSON Schema in ``schemas/dashboard-body.schema.json``. The rules a schema cannot
state are checked here in code:

* a widget must fit the 24-column grid (``x + width <= 24``) and must not overlap another;
* a metric array is ``[namespace, metric name, dimension name, dimension value, ...]``: the
  dimensions come in pairs, at most 30 of them, and the options object may only come last;
  the ``"..."`` / ``"."`` shorthand that repeats the previous row is accepted as is;
* metric ids are unique within a widget;
* a log widget's query names every log group with a ``SOURCE '<group>' |`` stage first;
* no template marker survives rendering (``%{`` anywhere; ``${`` unless it is one of
  CloudWatch's own dynamic labels, which are upper case: ``${PROP('Dim.InstanceId')}``, ``${LAST}``).

``validate_dashboard_body(body)`` raises ``DashboardBodyError`` listing every violation;
``dashboard_violations(body)`` returns them. ``metric_references(body)`` lists each metric a
body names, for tests that check names against what a namespace publishes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from tfharness.errors import HarnessError

SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "dashboard-body.schema.json"
GRID_COLUMNS = 24
DEFAULT_SIZE = 6
MAX_DIMENSIONS = 30
SHORTHAND = frozenset({"...", "."})

# CloudWatch dynamic labels look like template markers but are upper case:
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/graph-dynamic-labels.html
_DYNAMIC_LABEL = re.compile(r"\$\{(PROP\('[^']*'\)|[A-Z][A-Z_]*)\}")
_TEMPLATE_MARKER = re.compile(r"\$\{|%\{")
_SOURCE_STAGE = re.compile(r"\s*SOURCE\s+'([^']+)'\s*\|")


class DashboardBodyError(HarnessError):
    """A dashboard body breaks the documented structure; ``violations`` lists each break."""

    def __init__(self, violations: list[str], *, label: str = "dashboard body") -> None:
        self.violations = list(violations)
        listing = "\n".join(f"  - {v}" for v in self.violations)
        super().__init__(f"{label}: {len(self.violations)} violation(s):\n{listing}")


@cache
def dashboard_body_schema() -> dict[str, Any]:
    """The JSON Schema of a DashboardBody (loaded once)."""
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(dashboard_body_schema())


def _where(path: Any) -> str:
    parts = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
    return "$" + parts


def schema_violations(body: Any) -> list[str]:
    """Violations of the JSON Schema, each as '<json path>: <message>'."""
    errors = sorted(_validator().iter_errors(body), key=lambda e: list(map(str, e.absolute_path)))
    found = []
    for error in errors:
        # For oneOf/anyOf the best sub-error says more than "is not valid under any".
        best = jsonschema.exceptions.best_match([error]) if error.context else error
        found.append(f"{_where(best.absolute_path)}: {best.message}")
    return found


def dashboard_violations(body: Any) -> list[str]:
    """Every violation of the schema and of the rules checked in code (empty: valid)."""
    violations = schema_violations(body)
    violations += leftover_markers(body)
    if isinstance(body, dict) and isinstance(body.get("widgets"), list):
        violations += _grid_violations(body["widgets"])
        for index, widget in enumerate(body["widgets"]):
            if isinstance(widget, dict):
                violations += _widget_violations(index, widget)
    return violations


def validate_dashboard_body(body: Any, *, label: str = "dashboard body") -> None:
    """Raise DashboardBodyError listing every violation; return None when the body is valid."""
    violations = dashboard_violations(body)
    if violations:
        raise DashboardBodyError(violations, label=label)


def validate_dashboard_json(text: str, *, label: str = "dashboard body") -> dict[str, Any]:
    """Parse a rendered body (a string) and validate it; return the parsed body."""
    try:
        body = json.loads(text)
    except json.JSONDecodeError as error:
        raise DashboardBodyError([f"not valid JSON: {error}"], label=label) from error
    validate_dashboard_body(body, label=label)
    return body


# Rules beyond the schema ---------------------------------------------------------------------
def leftover_markers(value: Any, path: tuple = ()) -> list[str]:
    """Template markers (`${`, `%{`) left in any string, key or value, of the body."""
    found = []
    if isinstance(value, str):
        stripped = _DYNAMIC_LABEL.sub("", value)
        if _TEMPLATE_MARKER.search(stripped):
            found.append(f"{_where(path)}: leftover template marker in {value[:80]!r}")
    elif isinstance(value, dict):
        for key, item in value.items():
            found += leftover_markers(key, (*path, key)) if _TEMPLATE_MARKER.search(key) else []
            found += leftover_markers(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += leftover_markers(item, (*path, index))
    return found


def _int(value: Any, default: int) -> int | None:
    if value is None:
        return default
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _grid_violations(widgets: list) -> list[str]:
    found = []
    boxes = []
    for index, widget in enumerate(widgets):
        if not isinstance(widget, dict):
            continue
        x, width = _int(widget.get("x"), 0), _int(widget.get("width"), DEFAULT_SIZE)
        y, height = _int(widget.get("y"), 0), _int(widget.get("height"), DEFAULT_SIZE)
        if None in (x, width, y, height):
            continue  # the schema reports the wrong types
        if "x" in widget and x + width > GRID_COLUMNS:
            found.append(
                f"$.widgets[{index}]: x {x} + width {width} = {x + width} overflows the "
                f"{GRID_COLUMNS}-column grid"
            )
        if "x" in widget and "y" in widget:
            for other, (ox, oy, ow, oh) in boxes:
                if x < ox + ow and ox < x + width and y < oy + oh and oy < y + height:
                    found.append(
                        f"$.widgets[{index}]: overlaps $.widgets[{other}] "
                        f"(x={x}, y={y}, {width}x{height} vs x={ox}, y={oy}, {ow}x{oh})"
                    )
            boxes.append((index, (x, y, width, height)))
    return found


def _widget_violations(index: int, widget: dict) -> list[str]:
    where = f"$.widgets[{index}].properties"
    properties = widget.get("properties")
    if not isinstance(properties, dict):
        return []
    found = []
    if widget.get("type") == "metric" and isinstance(properties.get("metrics"), list):
        ids: dict[str, int] = {}
        for row, metric in enumerate(properties["metrics"]):
            found += _metric_array_violations(f"{where}.metrics[{row}]", metric)
            options = metric[-1] if isinstance(metric, list) and metric else None
            if isinstance(options, dict) and isinstance(options.get("id"), str):
                if options["id"] in ids:
                    found.append(
                        f"{where}.metrics[{row}]: id {options['id']!r} already used by "
                        f"metrics[{ids[options['id']]}]"
                    )
                ids.setdefault(options["id"], row)
    query = properties.get("query")
    if widget.get("type") == "log" and isinstance(query, str) and not log_groups_of_query(query):
        found.append(f"{where}.query: must start with SOURCE '<log group>' | ...")
    return found


def _metric_array_violations(where: str, metric: Any) -> list[str]:
    if not isinstance(metric, list) or len(metric) < 2 or not isinstance(metric[0], str):
        return []  # expressions and malformed rows: the schema reports these
    found = []
    for position, item in enumerate(metric[:-1]):
        if isinstance(item, dict):
            found.append(f"{where}[{position}]: the options object must be the last item")
    items = [i for i in metric if isinstance(i, str)]
    if SHORTHAND & set(items):
        return found
    dimensions = items[2:]
    if len(dimensions) % 2:
        found.append(
            f"{where}: dimension {dimensions[-1]!r} has no value: after namespace and metric "
            "name, dimensions come as name/value pairs"
        )
    if len(dimensions) // 2 > MAX_DIMENSIONS:
        found.append(f"{where}: {len(dimensions) // 2} dimensions, at most {MAX_DIMENSIONS}")
    names = dimensions[0::2]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        found.append(f"{where}: dimension(s) {duplicated} named twice")
    return found


def log_groups_of_query(query: str) -> list[str]:
    """The log groups a Logs Insights widget query names in its leading SOURCE stages."""
    groups = []
    position = 0
    while match := _SOURCE_STAGE.match(query, position):
        groups.append(match.group(1))
        position = match.end()
    return groups


# Queries for tests ---------------------------------------------------------------------------
@dataclass(frozen=True)
class MetricReference:
    """One metric a metric widget names."""

    widget: int
    title: str
    namespace: str
    metric: str
    dimensions: dict[str, str]
    options: dict[str, Any]
    region: str

    def __str__(self) -> str:
        dims = ", ".join(f"{k}={v}" for k, v in self.dimensions.items())
        return f"{self.namespace} {self.metric} [{dims}] (widget {self.widget} {self.title!r})"


def metric_references(body: dict[str, Any]) -> Iterator[MetricReference]:
    """Every concrete metric named by the body's metric widgets (expressions skipped)."""
    for index, widget in enumerate(body.get("widgets") or []):
        if widget.get("type") != "metric":
            continue
        properties = widget.get("properties") or {}
        previous: list = []
        for metric in properties.get("metrics") or []:
            if not isinstance(metric, list) or not metric or not isinstance(metric[0], str):
                continue  # expressions, and malformed rows the schema reports
            options = metric[-1] if isinstance(metric[-1], dict) else {}
            items = [i for i in metric if isinstance(i, str)]
            # "..." repeats the previous row's items in front of the ones given.
            if items[0] == "...":
                items = previous[: len(previous) - (len(items) - 1)] + items[1:]
            items = [previous[n] if item == "." else item for n, item in enumerate(items)]
            previous = items
            yield MetricReference(
                widget=index,
                title=properties.get("title", ""),
                namespace=items[0],
                metric=items[1],
                dimensions=dict(zip(items[2::2], items[3::2], strict=False)),
                options=options,
                region=options.get("region", properties.get("region", "")),
            )


def widgets_of_type(body: dict[str, Any], widget_type: str) -> list[dict[str, Any]]:
    """The body's widgets of one type (metric, text, log, alarm, explorer)."""
    return [w for w in body.get("widgets") or [] if w.get("type") == widget_type]


def widget_titled(body: dict[str, Any], title: str) -> dict[str, Any]:
    """The one widget whose properties.title is `title`; fails listing the titles there are."""
    found = [
        w for w in body.get("widgets") or [] if (w.get("properties") or {}).get("title") == title
    ]
    if len(found) != 1:
        titles = [(w.get("properties") or {}).get("title") for w in body.get("widgets") or []]
        raise AssertionError(
            f"expected one widget titled {title!r}, found {len(found)}; titles: {titles}"
        )
    return found[0]
