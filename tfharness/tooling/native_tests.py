"""The scenarios as ``terraform test`` runs them: the bench's second anchor.

    file = render("vpc", load_scenarios("vpc"))      # one <component>.tftest.hcl
    run = run_component("vpc", scenarios, env, work)  # copy, build, init, terraform test -json
    differences(run, outcomes)                        # where terraform test and the harness part

``render`` writes one ``run "<label>"`` block per scenario: ``command = plan``, the scenario's
inputs as a ``variables`` block (HCL values: ``${`` and ``%{`` in strings escaped as ``$${`` and
``%%{``), and ``expect_failures`` from its declaration. A scenario name that is not an HCL
identifier (``stack:dev``) gets a safe label (``stack_dev``); ``NativeTestFile.runs`` maps
labels back.

What ``terraform test`` (1.11) does otherwise than the harness, each shown with the real
``terraform test`` in ``tests/harness/test_bench.py``:

* **a failing check block is an error**, not the warning ``terraform plan`` prints: the run
  fails unless the check is listed in ``expect_failures``, also in a run refused as expected
  by another rule. ``expect_warnings`` is therefore written into ``expect_failures``
  (terraform test has no warnings to expect); a check that fails undeclared is the
  difference ``check-is-error``;
* ``expect_failures`` takes only the root module's variables, outputs, check blocks, managed
  resources and data sources: **a rule inside a child module** (``module.<call>.var.<name>``)
  is refused as an invalid reference, so it is left out of the file and the run, refused by
  it, is an error (``child-module-rule``);
* **a provider's own error on a resource** (schema validation) is not a custom condition and
  cannot be expected: left out likewise (``provider-error``);
* **one errored run skips the rest of its file** (a failed ``assert`` does not; these files
  have none). Runs that cannot be expressed are written last, so they skip only each other,
  and ``run_component`` runs whatever was skipped again in a next part of the file, so every
  scenario is planned (``skipped``);
* it checks which rules fail, never their messages (the harness asserts each message);
* memory, not semantics: the provider process of every run refused as expected stays alive
  until its file ends (one ``hashicorp/aws`` process, some 400 MB, per refused run).
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tfharness.planning.components import Component, copy_component, find_component
from tfharness.planning.scenarios import Scenario
from tfharness.terraform import configuration
from tfharness.terraform.command import Interrupted, Terraform
from tfharness.terraform.diagnostics import Diagnostic, Rejection, from_json, json_records
from tfharness.terraform.plan import Plan
from tfharness.terraform.timings import Timings

TEST_DIRECTORY = "tests"  # terraform test's default; the file is also named by -filter
# Refused runs per terraform test process: each keeps its provider process (some 450 MB of
# hashicorp/aws) alive until the process exits; 2 jobs x 15 stays well inside 24 GB.
MAX_REFUSED = 15

# Kinds of difference, with what each means; `summary` prints them in this order.
CHECK_IS_ERROR = "check-is-error"
CHILD_MODULE_RULE = "child-module-rule"
PROVIDER_ERROR = "provider-error"
SKIPPED = "skipped"
MISSING_FAILURE = "missing-failure"
HARNESS_DIFFERS = "harness-differs"
NOT_RUN = "not-run"
OTHER_ERROR = "other-error"
KINDS = {
    CHECK_IS_ERROR: "a failing check block is an error in terraform test (terraform plan "
    "warns): the run fails unless the check is listed in expect_failures, also in a run "
    "refused as expected by another rule",
    CHILD_MODULE_RULE: "a rule inside a child module cannot be named in expect_failures (only "
    "the root module's variables, outputs, checks, resources and data sources): a scenario "
    "refused by one is an error",
    PROVIDER_ERROR: "a provider's own error on a resource is not a custom condition: "
    "expect_failures cannot expect it, so the run is an error",
    SKIPPED: "one errored run skips the rest of its file",
    MISSING_FAILURE: "terraform test did not see a rule fire that the harness saw fire",
    HARNESS_DIFFERS: "terraform test ends as the scenario file says and the harness does not "
    "(test_scenario_expectations fails on it too)",
    NOT_RUN: "terraform test did not run the file (setup, init or configuration error)",
    OTHER_ERROR: "terraform test reported an error the harness did not",
}

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_NOT_LABEL = re.compile(r"[^A-Za-z0-9_-]")
_ROOT_KINDS = ("var.", "output.", "check.", "data.")
_INVALID_REFERENCE = "Invalid `expect_failures` reference"


# HCL values ---------------------------------------------------------------------------------
def hcl_string(text: str) -> str:
    """A quoted HCL string that reads back as `text`: no interpolation, no template directive."""
    out = []
    for char in text:
        if char in '\\"':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out).replace("${", "$${").replace("%{", "%%{") + '"'


def hcl_value(value: Any, indent: int = 0) -> str:
    """An input value (what YAML gives: null, bool, number, string, list, map) as HCL."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} has no HCL literal: use a finite number or null")
        return repr(value)
    if isinstance(value, str):
        return hcl_string(value)
    pad, inner = "  " * indent, "  " * (indent + 1)
    if isinstance(value, (list, tuple)):
        items = [hcl_value(v, indent + 1) for v in value]
        if all("\n" not in i for i in items) and sum(len(i) + 2 for i in items) < 80:
            return "[" + ", ".join(items) + "]"
        return "[\n" + "".join(f"{inner}{i},\n" for i in items) + f"{pad}]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        lines = [
            f"{inner}{hcl_string(str(k))} = {hcl_value(v, indent + 1)}\n" for k, v in value.items()
        ]
        return "{\n" + "".join(lines) + f"{pad}}}"
    raise ValueError(f"a {type(value).__name__} ({value!r}) has no HCL literal")


def run_label(name: str, taken: Iterable[str] = ()) -> str:
    """`name` if it is a valid run label, else a safe one (`stack:dev` -> `stack_dev`), unique
    among `taken`."""
    label = name if _IDENTIFIER.match(name) else _NOT_LABEL.sub("_", name)
    if not re.match(r"[A-Za-z_]", label):
        label = "_" + label
    taken = set(taken)
    base, counter = label, 2
    while label in taken:
        label, counter = f"{base}_{counter}", counter + 1
    return label


# The test file ------------------------------------------------------------------------------
@dataclass(frozen=True)
class NativeRun:
    """One run block: its label, its scenario, and what its expect_failures lists."""

    label: str
    scenario: Scenario
    expect_failures: tuple[str, ...]
    inexpressible: dict[str, str] = field(default_factory=dict)  # rule -> kind of difference
    dropped_inputs: tuple[str, ...] = ()  # inputs whose names are not HCL identifiers

    @property
    def checks_expected(self) -> tuple[str, ...]:
        """Checks the scenario expects to warn, listed here as failures."""
        return tuple(r for r in self.expect_failures if r.startswith("check."))


@dataclass(frozen=True)
class NativeTestFile:
    """A component's scenarios as a `terraform test` file: part 1, or a later part (`why`
    says which: the runs an error skipped, or a share of a file split to bound memory)."""

    component: str
    runs: tuple[NativeRun, ...]
    part: int = 1
    why: str = ""

    @property
    def filename(self) -> str:
        suffix = "" if self.part == 1 else f".part-{self.part}"
        return f"{self.component}{suffix}.tftest.hcl"

    @property
    def text(self) -> str:
        about = f" (part {self.part}: {self.why})" if self.why else ""
        header = (
            f"# Written by tfharness.tooling.native_tests from the scenarios of {self.component}"
            f"{about}:\n# one run per scenario, planned only (the bench's terraform test anchor).\n"
        )
        return "\n".join([header, *(_run_block(run) for run in self.runs)])

    @property
    def refused(self) -> int:
        """Runs the scenario file says Terraform refuses."""
        return sum(run.scenario.expects_rejection for run in self.runs)

    def split(self, max_refused: int) -> list[NativeTestFile]:
        """This file in parts of at most `max_refused` refused runs each (0: one part), in
        order and as even as can be: terraform test keeps the provider process of each
        refused run alive until it exits, so one process per part bounds its memory."""
        if max_refused <= 0 or self.refused <= max_refused:
            return [self]
        count = math.ceil(self.refused / max_refused)
        share = math.ceil(self.refused / count)
        chunks: list[list[NativeRun]] = [[]]
        refused = 0
        for run in self.runs:
            if run.scenario.expects_rejection:
                if refused == share:
                    chunks.append([])
                    refused = 0
                refused += 1
            chunks[-1].append(run)
        why = f"at most {max_refused} refused runs per terraform test process"
        return [
            NativeTestFile(self.component, tuple(chunk), self.part + i, why if i else self.why)
            for i, chunk in enumerate(chunks)
        ]

    def run_for(self, label: str) -> NativeRun | None:
        return next((r for r in self.runs if r.label == label), None)

    def rest(self, labels: Iterable[str], part: int) -> NativeTestFile:
        """Part `part`: these runs only (those an errored run skipped), in this file's order."""
        wanted = set(labels)
        runs = tuple(r for r in self.runs if r.label in wanted)
        return NativeTestFile(self.component, runs, part, "the runs an error skipped")

    def write(self, workdir: Path) -> Path:
        """Write it into `workdir`'s test directory; returns its path."""
        path = Path(workdir) / TEST_DIRECTORY / self.filename
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.text, encoding="utf-8")
        return path


def declared_rules(component: Component) -> tuple[set[str], set[str]]:
    """The rules written in the component's own files, and in the local modules it calls."""

    def rules(directory: Path) -> set[str]:
        return {
            c.rule for f in configuration.files_of(directory) for c in configuration.conditions(f)
        }

    own = rules(component.path)
    called = (
        set().union(*(rules(d) for d in component.module_dirs)) if component.module_dirs else set()
    )
    return own, called - own


def inexpressible_kind(
    rule: str, scenario: Scenario, own: set[str], called: set[str]
) -> str | None:
    """Why `expect_failures` in terraform test cannot name `rule`, or None when it can."""
    if rule.startswith("module."):
        return CHILD_MODULE_RULE
    if rule in own:
        if any(e.summary for e in scenario.failure_messages.get(rule, ())):
            return PROVIDER_ERROR  # a provider's error on a resource that also has conditions
        return None
    if rule in called and not rule.startswith("var."):
        return CHILD_MODULE_RULE  # e.g. a check or precondition written in a called module
    if rule.startswith(_ROOT_KINDS):
        return None  # var.x is the root's; anything else is for terraform test to judge
    return PROVIDER_ERROR  # a resource with no condition of its own: its provider refused it


def render(component: str | Component, scenarios: Sequence[Scenario]) -> NativeTestFile:
    """The `terraform test` file for these scenarios of one component (see the module doc)."""
    component = find_component(component)
    own, called = declared_rules(component)
    planned: list[NativeRun] = []
    taken: set[str] = set()
    for scenario in scenarios:
        scenario.tfvars_json()  # the harness's own check of the inputs, with its messages
        inexpressible = {
            rule: kind
            for rule in scenario.expect_failures
            if (kind := inexpressible_kind(rule, scenario, own, called))
        }
        expected = [r for r in scenario.expect_failures if r not in inexpressible]
        expected += list(scenario.expect_warnings)
        label = run_label(scenario.name, taken)
        taken.add(label)
        dropped = tuple(sorted(k for k in scenario.vars if not _IDENTIFIER.match(k)))
        planned.append(NativeRun(label, scenario, tuple(expected), inexpressible, dropped))
    # An errored run skips the rest of its file: the runs bound to error go last.
    return NativeTestFile(
        component.name, tuple(sorted(planned, key=lambda r: bool(r.inexpressible)))
    )


def _run_block(run: NativeRun) -> str:
    scenario = run.scenario
    lines = []
    if run.label != scenario.name or scenario.description:
        about = f" ({scenario.description})" if scenario.description else ""
        lines.append(f"# scenario {scenario.name}{about}".replace("\n", " ") + "\n")
    for rule, kind in run.inexpressible.items():
        lines.append(f"# terraform test cannot expect {rule}: {kind}\n")
    for name in run.dropped_inputs:
        lines.append(f"# input {name!r} left out: not an HCL identifier\n")
    for check in run.checks_expected:
        lines.append(f"# {check} is expected to warn: terraform test makes it a failure\n")
    lines.append(f'run "{run.label}" {{\n  command = plan\n')
    inputs = {k: v for k, v in sorted(scenario.vars.items()) if k not in run.dropped_inputs}
    if inputs:
        width = max(len(k) for k in inputs)
        lines.append("\n  variables {\n")
        lines += [f"    {k:<{width}} = {hcl_value(v, 2)}\n" for k, v in inputs.items()]
        lines.append("  }\n")
    if run.expect_failures:
        lines.append("\n  expect_failures = [\n")
        lines += [f"    {rule},\n" for rule in run.expect_failures]
        lines.append("  ]\n")
    lines.append("}\n")
    return "".join(lines)


# Running it ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class RunResult:
    """What terraform test said of one run: pass, fail, error, skip, or not-run.

    `skipped_after` names the errored run that made terraform test skip this one in an
    earlier part of the file; the status is then that of the run in a later part."""

    status: str
    diagnostics: tuple[Diagnostic, ...] = ()
    skipped_after: str | None = None

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "error")


@dataclass
class ComponentRun:
    """One component's test file, run: results by run label, or the error that stopped it.
    `parts` counts the terraform test runs it took (one more for each error that skipped
    runs)."""

    component: str
    file: NativeTestFile | None
    results: dict[str, RunResult]
    seconds: float
    error: str | None = None
    parts: int = 0
    workdir: Path | None = None  # where terraform test ran

    def status_counts(self) -> dict[str, int]:
        """How many runs ended in each status (a skipped run run again: its final one)."""
        counts: dict[str, int] = {}
        for result in self.results.values():
            counts[result.status] = counts.get(result.status, 0) + 1
        return counts

    @property
    def run_again(self) -> int:
        """Runs an errored run skipped, run again in a later part."""
        return sum(r.skipped_after is not None for r in self.results.values())


def parse_results(
    stdout: str, file: NativeTestFile, source_dir: Path | None = None, stderr: str = ""
) -> dict[str, RunResult]:
    """Each run's result from `terraform test -json` lines; runs it never reported are
    `not-run`, with the file's own diagnostics (or stderr) as the reason."""
    statuses: dict[str, str] = {}
    by_run: dict[str, list[Diagnostic]] = {}
    general: list[Diagnostic] = []
    for record in json_records(stdout.splitlines()):
        if record.get("type") == "test_run":
            run = record.get("test_run") or {}
            if run.get("progress") == "complete":
                statuses[run.get("run", "")] = run.get("status", "error")
        elif record.get("type") == "diagnostic" and "diagnostic" in record:
            diagnostic = from_json(record["diagnostic"], source_dir)
            label = record.get("@testrun")
            (by_run.setdefault(label, []) if label else general).append(diagnostic)
    if not general and stderr.strip() and not statuses:
        general = [
            Diagnostic("error", "terraform test failed", stderr.strip()[-2000:], "error", None)
        ]
    results = {}
    for run in file.runs:
        if run.label in statuses:
            results[run.label] = RunResult(statuses[run.label], tuple(by_run.get(run.label, ())))
        else:
            results[run.label] = RunResult("not-run", tuple(general))
    return results


def run_component(
    component: str | Component,
    scenarios: Sequence[Scenario],
    env: Mapping[str, str],
    work: Path,
    timings: Timings | None = None,
    max_refused: int = MAX_REFUSED,
) -> ComponentRun:
    """A fresh copy of the component (its package built), the test file written into it,
    `terraform init -backend=false` and `terraform test -json`: one process per part of at
    most `max_refused` refused runs (`NativeTestFile.split`). The runs an errored run skipped
    are written into a next part and run again, until none is skipped, so every scenario is
    planned by terraform test as by the harness. Never raises for the component's own
    failure (it is in `error`); an interrupt stops it."""
    timings = timings or Timings()
    start = time.perf_counter()
    name = getattr(component, "name", str(component))
    file: NativeTestFile | None = None
    workdir: Path | None = None
    results: dict[str, RunResult] = {}
    parts = 0
    try:
        component = find_component(component)
        file = render(component, scenarios)
        workdir = copy_component(component, Path(work) / component.name)
        if component.build_script is not None:
            script = workdir / component.build_script.relative_to(component.path)
            with timings.measure("build", component.name):
                built = subprocess.run(
                    [sys.executable, str(script)], cwd=workdir, capture_output=True, text=True
                )
            if built.returncode != 0:
                output = (built.stderr or built.stdout).strip()[-2000:]
                raise RuntimeError(f"building its package with {script.name} failed: {output}")
        queue = file.split(max_refused)
        next_part = queue[-1].part + 1
        tf = Terraform(workdir, env)
        tf.init(component.name, timings)
        skipped_after: dict[str, str] = {}
        while queue:
            part = queue.pop(0)
            part.write(workdir)
            parts += 1
            with timings.measure("test", component.name):
                done = tf.run(
                    "test", "-json", "-no-color", f"-filter={TEST_DIRECTORY}/{part.filename}"
                )
            found = parse_results(done.stdout, part, workdir, done.stderr)
            skipped = [r.label for r in part.runs if found[r.label].status == "skip"]
            errored = None
            for run in part.runs:
                result = found[run.label]
                if result.status in ("error", "fail"):
                    errored = errored or run.label
                if run.label in skipped and errored is not None and len(skipped) < len(part.runs):
                    skipped_after.setdefault(run.label, errored)
                    continue  # run again in a next part
                results[run.label] = replace(result, skipped_after=skipped_after.get(run.label))
            retry = [label for label in skipped if label not in results]
            if retry:
                queue.append(part.rest(retry, next_part))
                next_part += 1
        seconds = time.perf_counter() - start
        return ComponentRun(name, file, results, seconds, None, parts, workdir)
    except Interrupted:
        raise
    except Exception as error:  # one component's failure must not stop the others
        reason = f"{type(error).__name__}: {error}".strip()
        if file is not None:
            failed = Diagnostic("error", "not run", reason, "error", None)
            for run in file.runs:
                results.setdefault(run.label, RunResult("not-run", (failed,)))
        seconds = time.perf_counter() - start
        return ComponentRun(name, file, results, seconds, reason, parts, workdir)


# Comparing ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Verdict:
    """How a scenario ends: a clean plan (with the checks that warn) or refused by rules."""

    refused: bool
    rules: tuple[str, ...] = ()  # the refusing rules, or the checks that warn

    def __str__(self) -> str:
        if self.refused:
            return "refused by " + (", ".join(self.rules) or "errors without a rule")
        warn = " warns" if len(self.rules) == 1 else " warn"
        return "plans cleanly" + (f", {', '.join(self.rules)}{warn}" if self.rules else "")


def declared_verdict(scenario: Scenario) -> Verdict:
    if scenario.expect_failures:
        return Verdict(True, tuple(sorted(scenario.expect_failures)))
    return Verdict(False, tuple(sorted(scenario.expect_warnings)))


def verdict_of(outcome: Plan | Rejection) -> Verdict:
    if isinstance(outcome, Rejection):
        return Verdict(True, tuple(sorted(set(outcome.rules))))
    checks = {d.rule for d in outcome.warnings if d.kind == "check" and d.rule}
    return Verdict(False, tuple(sorted(checks)))


@dataclass(frozen=True)
class Difference:
    """A scenario on which terraform test and the harness (or its scenario file) part."""

    scenario: str  # component:name
    kind: str
    native: str  # what terraform test did
    harness: str  # what the harness / the scenario file says

    def line(self) -> str:
        return f"difference: {self.scenario}: {self.native} vs {self.harness}"


def _describe(result: RunResult, limit: int = 3) -> str:
    unique = {(d.summary, d.rule, d.message): d for d in result.errors or result.diagnostics}
    errors = list(unique.values())
    parts = []
    for d in errors[:limit]:
        rule = f" [{d.rule}]" if d.rule else ""
        first = d.message.strip().splitlines()[0] if d.message.strip() else ""
        parts.append(
            f"{d.summary}{rule}" + (f": {first[:120]}" if first and first != d.summary else "")
        )
    more = f" (+{len(errors) - limit} more)" if len(errors) > limit else ""
    return "; ".join(parts) + more


def _kind(run: NativeRun, result: RunResult) -> str:
    errors = result.errors
    if any(d.kind == "check" and d.rule not in run.expect_failures for d in errors):
        return CHECK_IS_ERROR
    for d in errors:
        if d.rule in run.inexpressible:
            return run.inexpressible[d.rule]
    if any(d.kind == "provider" for d in errors):
        return PROVIDER_ERROR
    if any(d.summary == _INVALID_REFERENCE for d in errors):
        return CHILD_MODULE_RULE
    if any(d.summary == "Missing expected failure" for d in errors):
        return MISSING_FAILURE
    return OTHER_ERROR


def differences(
    run: ComponentRun, outcomes: Mapping[tuple[str, str], Plan | Rejection] | None = None
) -> list[Difference]:
    """Every scenario of a component run where terraform test's result is not what the
    harness's outcome (from `outcomes`, else the scenario file) says."""
    if run.file is None:
        return [
            Difference(
                f"{run.component}:*",
                NOT_RUN,
                f"terraform test: not run ({run.error})",
                "harness: planned",
            )
        ]
    found = []
    for native in run.file.runs:
        scenario = native.scenario
        result = run.results.get(native.label, RunResult("not-run"))
        declared = declared_verdict(scenario)
        outcome = (outcomes or {}).get((scenario.component, scenario.name))
        harness = verdict_of(outcome) if outcome is not None else declared
        said = f"harness: {harness}"
        if harness != declared:
            said += f" (the scenario file: {declared})"
        if result.skipped_after is not None:
            culprit = run.file.run_for(result.skipped_after)
            after = culprit.scenario.name if culprit else result.skipped_after
            did = (
                f"terraform test: skipped after run {after!r} errored "
                f"(run again in a later part: {result.status})"
            )
            found.append(Difference(scenario.id, SKIPPED, did, said))
        if result.status == "pass":
            if harness == declared:
                continue
            kind, did = HARNESS_DIFFERS, "terraform test: pass, as the scenario file says"
        elif result.status == "skip":
            kind, did = SKIPPED, "terraform test: skipped"
        else:
            kind = NOT_RUN if result.status == "not-run" else _kind(native, result)
            did = f"terraform test: {result.status} ({_describe(result) or 'no diagnostics'})"
        found.append(Difference(scenario.id, kind, did, said))
    return found


def summary(found: Sequence[Difference], files: Sequence[NativeTestFile] = ()) -> list[str]:
    """Lines: the differences grouped by kind and counted, then what each kind means, and
    what the test files had to translate."""
    lines = []
    by_kind: dict[str, list[Difference]] = {}
    for difference in found:
        by_kind.setdefault(difference.kind, []).append(difference)
    order = [k for k in KINDS if k in by_kind]
    for kind in order:
        lines.append(f"{kind}: {len(by_kind[kind])}")
        lines += [f"  {d.line()}" for d in by_kind[kind]]
    translated = [r for f in files for r in f.runs if r.checks_expected]
    counts = ", ".join(f"{k} {len(by_kind[k])}" for k in order) or "none"
    lines.append(f"differences: {len(found)} ({counts})")
    lines += [f"  {kind}: {KINDS[kind]}" for kind in order]
    if translated:
        lines.append(
            f"  translated: {len(translated)} scenarios expect a check to warn; their files list "
            "it in expect_failures (terraform test has no warnings)"
        )
    return lines
