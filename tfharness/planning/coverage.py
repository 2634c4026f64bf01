"""Rule coverage: which of a component's rules some scenario fires, and whether it says so.

A rule is a condition the configuration states for itself: a variable's ``validation``, a
resource's or data source's ``precondition`` / ``postcondition``, an output's ``precondition``
or a ``check`` block's ``assert``. A rule no scenario breaks is a rule nobody has seen fire: its
condition may be inverted, its reference wrong or its message stale, and nothing would say
so. Line coverage of the Python harness does not reach it; this does.

* A **site** (``RuleSite``) is one rule as written: its component, kind, the name the harness
  gives it when it fires (``var.<name>``, ``<type>.<name>``, ``data.<type>.<name>``,
  ``output.<name>``, ``check.<name>``), which of its block's rules it is ("validation 2 of
  3"), where it is and its ``error_message`` as written. ``sites_of`` reads the files of a
  component's own folder (a shared module's sites belong to the module, not to its callers).
* A **firing** is a diagnostic of a planned scenario (``Rejection`` errors, ``Plan`` check
  warnings) that maps to a site: its file, relative to the planned component's folder
  (``../../../modules/log-group/variables.tf`` for a module's rule fired from a component),
  resolved to the project and matched to the site whose lines enclose the reported line.
  Terraform 1.11 reports a validation at the first line of its ``validation`` block and the
  other kinds at their ``condition``. So a module's rule fired through a caller credits the
  module ("fired by vpc:bad_retention"), and each validation of a variable is told apart.
* Its **message is asserted** when a scenario that fires it declares, for the rule it fired
  as (``expect_failures`` / ``expect_warnings``), a message (exact, ``contains`` or
  ``matches``) that the fired diagnostic satisfies.

Sites that no scenario can fire are marked where they are written, with the reason, on a
comment line directly above the rule's block or inside it: a condition Terraform knows only at
apply (a plan defers it), or a guard over the component's own constants that no input can
break (it fires when someone edits the code, which is its purpose)::

    postcondition {
      # tfharness: unfireable: the ARN is assigned by AWS when the key is created
      condition = ...

They are counted apart, never as uncovered; a marked site that a scenario does fire, or a
marker without a reason, is a problem (``Coverage.problems``). In ``*.tf.json`` files only
validations are read (Terraform names no rule for the other kinds there, and JSON has no
comments to mark them); a variable's several JSON validations share one reported line and are
told apart by their messages.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tfharness import layout
from tfharness.planning.components import (
    Component,
    all_plannable,
    find_component,
    is_shared_module,
)
from tfharness.planning.scenarios import Scenario, load_scenario, scenario_names
from tfharness.terraform import configuration
from tfharness.terraform.diagnostics import Diagnostic, Rejection
from tfharness.terraform.plan import Plan

KINDS = ("validation", "precondition", "postcondition", "output", "check")
_NOUNS = {"output": "output precondition", "check": "assertion"}
_EXEMPT = re.compile(r"(?:#|//)\s*tfharness:\s*unfireable\b:?\s*(?P<reason>.*)$")
_COMMENT = re.compile(r"^\s*(?:#|//)")
_TEMPLATE = re.compile(r"[$%]\{[^}]*\}")
JSON_VERSION = 1


def project_path(path: Path) -> str:
    """A path relative to the project root (as a reader finds it), or absolute outside it."""
    root = layout.project_root().resolve()
    resolved = Path(path).resolve()
    return resolved.relative_to(root).as_posix() if resolved.is_relative_to(root) else str(path)


@dataclass(frozen=True)
class RuleSite:
    """One rule as written in a component's (or shared module's) own folder."""

    component: str
    kind: str  # one of KINDS
    rule: str  # the name it fires under in its own component's plans
    index: int  # which of its block's rules of this kind (1-based) ...
    count: int  # ... of how many
    file: str  # relative to the project root
    start_line: int
    end_line: int | None  # None in *.tf.json: only the reported line is known
    error_message: str  # as written (templates keep their ${...})
    exemption: str | None = None  # the reason of a `tfharness: unfireable:` marker

    @property
    def ordinal(self) -> str:
        noun = _NOUNS.get(self.kind, self.kind)
        return noun if self.count == 1 else f"{noun} {self.index} of {self.count}"

    @property
    def location(self) -> str:
        return f"{self.file}:{self.start_line}"

    def describe(self) -> str:
        return f"{self.location}: {self.rule} ({self.ordinal})"

    def encloses(self, line: int) -> bool:
        if self.end_line is None:
            return line == self.start_line
        return self.start_line <= line <= self.end_line

    def says(self, message: str) -> bool:
        """Whether a fired message can be this rule's (templates match anything)."""
        literal = self.error_message.replace('\\"', '"').replace("\\\\", "\\")
        pieces = _TEMPLATE.split(literal)
        return re.fullmatch(".*".join(map(re.escape, pieces)), message, re.S) is not None


def sites_of(component: Component | str) -> list[RuleSite]:
    """Every rule in the component's own folder, by file and line."""
    resolved = component if isinstance(component, Component) else find_component(component)
    sites = []
    for path in configuration.files_of(resolved.path):
        lines = path.read_text().splitlines()
        for condition in configuration.conditions(path):
            sites.append(
                RuleSite(
                    resolved.name,
                    condition.kind,
                    condition.rule,
                    condition.index,
                    condition.count,
                    project_path(path),
                    condition.start_line,
                    condition.end_line,
                    condition.error_message,
                    _exemption(lines, condition),
                )
            )
    return sites


def _exemption(lines: list[str], condition: configuration.Condition) -> str | None:
    """The reason of an unfireable marker above the rule's block or inside it."""
    if condition.end_line is None:
        return None
    above = condition.start_line - 1
    while above >= 1 and _COMMENT.match(lines[above - 1]):
        above -= 1
    for line in lines[above : condition.end_line]:
        marker = _EXEMPT.search(line)
        if marker:
            return marker["reason"].strip()
    return None


@dataclass(frozen=True)
class Firing:
    """One scenario's diagnostic credited to a site."""

    scenario: str  # component:scenario
    rule: str  # as it fired (module.<call>.var.<name> from a caller)
    message: str
    asserted: bool


@dataclass(frozen=True)
class Unmatched:
    """A rule's diagnostic from a covered component's file that no site encloses: a rule the
    harness failed to read (report it), never silently dropped."""

    scenario: str
    rule: str | None
    kind: str
    file: str
    line: int | None

    def describe(self) -> str:
        return (
            f"{self.file}:{self.line}: {self.scenario} fired {self.rule or self.kind}, which "
            "matches no rule the harness read there: report this to tfharness"
        )


@dataclass(frozen=True)
class Totals:
    rules: int
    fired: int
    exempt: int
    asserted: int

    @property
    def uncovered(self) -> int:
        return self.rules - self.fired - self.exempt


Outcome = Plan | Rejection
ScenarioLoader = Callable[[str, str], Scenario]


def _declares(scenario: Scenario | None, diagnostic: Diagnostic) -> bool:
    """Whether the scenario asserts this diagnostic's message (not only its rule or summary)."""
    if scenario is None or diagnostic.rule is None:
        return False
    declared = (
        scenario.failure_messages if diagnostic.severity == "error" else scenario.expect_warnings
    )
    return any(
        (e.message is not None or e.contains is not None or e.matches is not None)
        and e.accepts(diagnostic)
        for e in declared.get(diagnostic.rule, ())
    )


class Coverage:
    """Sites of some components, and which planned scenarios fired each."""

    def __init__(
        self,
        sites: Iterable[RuleSite],
        firings: Mapping[RuleSite, Iterable[Firing]],
        unmatched: Iterable[Unmatched] = (),
        left_out: Mapping[str, str] | None = None,
    ) -> None:
        self.sites = tuple(sites)
        self.firings = {site: tuple(firings.get(site, ())) for site in self.sites}
        self.unmatched = tuple(unmatched)
        self.left_out = dict(left_out or {})  # component -> why it is not counted

    @classmethod
    def build(
        cls,
        components: Iterable[Component | str],
        outcomes: Mapping[tuple[str, str], Outcome],
        scenarios: ScenarioLoader = load_scenario,
        left_out: Mapping[str, str] | None = None,
    ) -> Coverage:
        """Coverage of `components`' sites by `outcomes` ((component, scenario) -> outcome,
        as `Planner.planned()` gives; every outcome counts, so a caller's scenarios credit
        the modules it calls). `scenarios` loads what a scenario declares."""
        resolved = [c if isinstance(c, Component) else find_component(c) for c in components]
        sites = [site for component in resolved for site in sites_of(component)]
        by_file: dict[str, list[RuleSite]] = {}
        for site in sites:
            by_file.setdefault(site.file, []).append(site)
        firings: dict[RuleSite, list[Firing]] = {}
        unmatched: list[Unmatched] = []
        declared: dict[tuple[str, str], Scenario | None] = {}
        for (component, name), outcome in sorted(outcomes.items()):
            diagnostics = (
                outcome.diagnostics if isinstance(outcome, Rejection) else outcome.warnings
            )
            fired = [d for d in diagnostics if d.kind in KINDS and d.filename and d.line]
            if not fired:
                continue
            folder = find_component(component).path.resolve()
            if (component, name) not in declared:
                try:
                    declared[(component, name)] = scenarios(component, name)
                except Exception:  # a broken scenario file fails its own tests
                    declared[(component, name)] = None
            scenario_id = f"{component}:{name}"
            for diagnostic in fired:
                assert diagnostic.filename and diagnostic.line  # narrowed above
                file = project_path(Path(os.path.normpath(folder / diagnostic.filename)))
                if file not in by_file:
                    continue  # not a file of the components covered here
                site = _site_for(by_file[file], diagnostic)
                if site is None:
                    unmatched.append(
                        Unmatched(
                            scenario_id, diagnostic.rule, diagnostic.kind, file, diagnostic.line
                        )
                    )
                    continue
                firing = Firing(
                    scenario_id,
                    diagnostic.rule or site.rule,
                    diagnostic.message,
                    _declares(declared[(component, name)], diagnostic),
                )
                if firing not in firings.setdefault(site, []):
                    firings[site].append(firing)
        return cls(sites, firings, unmatched, left_out)

    # Queries ------------------------------------------------------------------------------
    def components(self) -> list[str]:
        return sorted({site.component for site in self.sites} | self._unmatched_components())

    def _unmatched_components(self) -> set[str]:
        owners = {site.file: site.component for site in self.sites}
        return {owners[u.file] for u in self.unmatched if u.file in owners}

    def sites_of(self, component: str) -> list[RuleSite]:
        return [site for site in self.sites if site.component == component]

    def fired_by(self, site: RuleSite) -> list[str]:
        return sorted({firing.scenario for firing in self.firings.get(site, ())})

    def message_asserted(self, site: RuleSite) -> bool:
        return any(firing.asserted for firing in self.firings.get(site, ()))

    def uncovered(self, component: str | None = None) -> list[RuleSite]:
        return [
            site
            for site in self.sites
            if (component is None or site.component == component)
            and site.exemption is None
            and not self.firings[site]
        ]

    def totals(self, component: str | None = None) -> Totals:
        sites = self.sites if component is None else self.sites_of(component)
        return Totals(
            rules=len(sites),
            fired=sum(1 for s in sites if self.firings[s]),
            exempt=sum(1 for s in sites if s.exemption is not None and not self.firings[s]),
            asserted=sum(1 for s in sites if self.message_asserted(s)),
        )

    def problems(self, component: str | None = None) -> list[str]:
        """What makes a component's coverage fail, one sentence each, saying what to do."""
        found = []
        for site in self.sites:
            if component is not None and site.component != component:
                continue
            fired = self.fired_by(site)
            if site.exemption is None and not fired:
                declare = "expect_warnings" if site.kind == "check" else "expect_failures"
                found.append(
                    f"{site.describe()}: no scenario fires it: add a scenario that breaks only "
                    f'this rule (CONTRIBUTING.md "Negative scenarios") and declare it in '
                    f"{declare}"
                )
            elif site.exemption is not None and fired:
                found.append(
                    f"{site.describe()}: marked `tfharness: unfireable`, but {', '.join(fired)} "
                    "fires it at plan: remove the marker"
                )
            elif site.exemption == "":
                found.append(
                    f"{site.describe()}: marked `tfharness: unfireable` without a reason: say "
                    "after the marker why no plan can fire it"
                )
        owners = {site.file: site.component for site in self.sites}
        found += [
            u.describe()
            for u in self.unmatched
            if component is None or owners.get(u.file) == component
        ]
        return found

    # Reports ------------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        """The whole table, per component and per site (`rule-coverage.json`)."""
        components = {}
        for name in self.components():
            totals = self.totals(name)
            components[name] = {
                **_totals_json(totals),
                "sites": [
                    {
                        "rule": site.rule,
                        "kind": site.kind,
                        "ordinal": site.ordinal,
                        "index": site.index,
                        "count": site.count,
                        "file": site.file,
                        "start_line": site.start_line,
                        "end_line": site.end_line,
                        "error_message": site.error_message,
                        "fired_by": self.fired_by(site),
                        "message_asserted": self.message_asserted(site),
                        "exempt": site.exemption,
                    }
                    for site in self.sites_of(name)
                ],
            }
        return {
            "version": JSON_VERSION,
            "total": _totals_json(self.totals()),
            "components": components,
            "left_out": self.left_out,
            "unmatched": [vars(u) for u in self.unmatched],
        }

    def write_json(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(), indent=2) + "\n")

    def table(self) -> list[str]:
        """The terminal table: one line per component, then the total."""
        header = (
            f"{'component':<22} {'rules':>5} {'fired':>5} {'uncovered':>9} {'exempt':>6} "
            f"{'messages asserted':>17}"
        )
        lines = [header, "-" * len(header)]
        rows = [(name, self.totals(name)) for name in self.components()]
        for name, totals in [*rows, ("total", self.totals())]:
            if name == "total":
                lines.append("-" * len(header))
            lines.append(
                f"{name:<22} {totals.rules:>5} {totals.fired:>5} {totals.uncovered:>9} "
                f"{totals.exempt:>6} {totals.asserted:>17}"
            )
        for name, why in sorted(self.left_out.items()):
            lines.append(f"left out: {name} ({why})")
        return lines


def _totals_json(totals: Totals) -> dict[str, int]:
    return {
        "rules": totals.rules,
        "fired": totals.fired,
        "uncovered": totals.uncovered,
        "exempt": totals.exempt,
        "messages_asserted": totals.asserted,
    }


def _site_for(candidates: list[RuleSite], diagnostic: Diagnostic) -> RuleSite | None:
    """The site a diagnostic reports: same kind, enclosing its line; when several do (JSON
    validations share a line), the one whose message it is; then the innermost."""
    line = diagnostic.line or 0
    matching = [s for s in candidates if s.kind == diagnostic.kind and s.encloses(line)]
    if len(matching) > 1:
        matching = [s for s in matching if s.says(diagnostic.message)] or matching
    return max(matching, key=lambda s: (s.start_line, -s.index), default=None)


# A session's coverage ---------------------------------------------------------------------
def covered_components() -> list[Component]:
    """What rule coverage is held for: first-party components and shared modules."""
    return [c for c in all_plannable() if c.first_party or is_shared_module(c)]


def callers_of(component: Component | str) -> list[str]:
    """Components and modules whose plans read this one (it is one of their local modules)."""
    resolved = component if isinstance(component, Component) else find_component(component)
    target = resolved.path.resolve()
    return [c.name for c in all_plannable() if target in c.module_dirs]


def planned_with(component: Component | str) -> list[str]:
    """The components whose scenarios can fire this one's rules: itself and its callers."""
    resolved = component if isinstance(component, Component) else find_component(component)
    return [resolved.name, *callers_of(resolved)]


def firing_scenarios(component: Component | str) -> list[tuple[str, str]]:
    """The (component, scenario) pairs whose plans can fire this one's rules: every scenario
    of its own, and those of its callers that declare a rule inside a module call
    (``module.<call>.…`` in ``expect_failures`` or ``expect_warnings``). A caller's scenario
    that fires a rule it does not declare fails ``test_scenario_expectations``, so the rest of
    the callers' scenarios need not be planned to judge the module (under ``--shard`` they
    are mostly another job's)."""
    resolved = component if isinstance(component, Component) else find_component(component)
    pairs = [(resolved.name, name) for name in scenario_names(resolved.name)]
    for caller in callers_of(resolved):
        try:
            scenarios = [load_scenario(caller, name) for name in scenario_names(caller)]
        except Exception:  # a broken scenario file fails its own tests
            continue
        for scenario in scenarios:
            declared = [*scenario.expect_failures, *scenario.expect_warnings]
            if any(rule.startswith("module.") for rule in declared):
                pairs.append((caller, scenario.name))
    return pairs


def session_coverage(
    outcomes: Mapping[tuple[str, str], Outcome],
    scenarios: ScenarioLoader = load_scenario,
    among: Iterable[str] | None = None,
) -> Coverage:
    """Coverage of the components a session planned completely: every scenario of the
    component, and for a shared module its callers' scenarios that can fire its rules
    (``firing_scenarios``). Ones planned in part (a `-k` selection) are left out, with the
    reason; ones not planned at all are not mentioned, nor ones outside `among` when it is
    given (the components under test: what a `--shard` job plans of another job's components
    is that job's to report)."""
    wanted = None if among is None else set(among)
    planned = {component for component, _ in outcomes}
    complete: dict[str, bool] = {}

    def all_planned(name: str) -> bool:
        if name not in complete:
            try:
                complete[name] = all((name, s) in outcomes for s in scenario_names(name))
            except Exception:  # a broken scenario file: its own tests say so
                complete[name] = False
        return complete[name]

    included, left_out = [], {}
    for component in covered_components():
        if component.name not in planned or (wanted is not None and component.name not in wanted):
            continue
        if not all_planned(component.name):
            left_out[component.name] = "not every scenario was planned"
            continue
        needed = firing_scenarios(component)  # its callers' scenarios that can fire it
        missing = sorted({c for c, s in needed if c != component.name and (c, s) not in outcomes})
        if missing:
            left_out[component.name] = f"callers not planned in full: {', '.join(missing)}"
            continue
        included.append(component)
    return Coverage.build(included, outcomes, scenarios, left_out)


def json_path_beside(junit: str | os.PathLike[str]) -> Path:
    """Where the JSON report goes: beside the JUnit report, named after it so two sessions
    writing into one folder keep both (`build/junit-plan.xml` -> `build/rule-coverage-plan.json`,
    `junit.xml` -> `rule-coverage.json`)."""
    stem = Path(junit).stem.removeprefix("junit").lstrip("-_.")
    return Path(junit).parent / (f"rule-coverage-{stem}.json" if stem else "rule-coverage.json")
