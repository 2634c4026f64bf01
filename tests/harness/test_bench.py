"""The bench's terraform test anchor: the generated `.tftest.hcl` files, run by the real
`terraform test` on the embedded moto, and the differences it reports against the harness."""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from tfharness.deploying.emulator import Endpoint
from tfharness.planning.scenarios import Expected, Scenario, load_scenarios
from tfharness.terraform.command import Terraform
from tfharness.terraform.diagnostics import Diagnostic, Rejection
from tfharness.terraform.plan import Plan
from tfharness.terraform.toolchain import cli_config
from tfharness.tooling import bench
from tfharness.tooling.native_tests import (
    CHECK_IS_ERROR,
    CHILD_MODULE_RULE,
    HARNESS_DIFFERS,
    MISSING_FAILURE,
    PROVIDER_ERROR,
    SKIPPED,
    TEST_DIRECTORY,
    ComponentRun,
    NativeTestFile,
    RunResult,
    differences,
    hcl_value,
    parse_results,
    render,
    run_component,
    run_label,
    summary,
)

from .conftest import FIXTURES, TINY

pytestmark = pytest.mark.harness

LAST_LINE = re.compile(
    r"bench: scenarios=\d+ naive_s=\d+\.\d terraform_test_s=\d+\.\d harness_s=\d+\.\d "
    r"ratio=\d+\.\d ratio_tftest=\d+\.\d"
)


@pytest.fixture
def env(endpoint: Endpoint) -> dict[str, str]:
    return {**cli_config().env(), **endpoint.env()}


def kinds(found) -> dict[str, str]:
    return {d.scenario: d.kind for d in found if d.kind != SKIPPED}


@pytest.fixture(scope="module")
def tiny_run(endpoint: Endpoint, tmp_path_factory: pytest.TempPathFactory) -> ComponentRun:
    """tiny's scenarios as their file says, then two more: prod_short_retention with its
    warning declared, and default declared refused (wrong: it plans cleanly), in one file."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TFHARNESS_COMPONENTS_DIR", str(FIXTURES / "components"))
        patch.setenv("TFHARNESS_SCENARIOS_DIR", str(FIXTURES / "scenarios"))
        scenarios = {s.name: s for s in load_scenarios("tiny")}
        declared = replace(
            scenarios["prod_short_retention"],
            name="warning_declared",
            expect_warnings={"check.retention_in_prod": ()},
        )
        wrong = replace(
            scenarios["default"],
            name="default_refused",
            expect_failures=("var.retention_days",),
            failure_messages={"var.retention_days": ()},
        )
        env = {**cli_config().env(), **endpoint.env()}
        work = tmp_path_factory.mktemp("tftest")
        return run_component("tiny", [*scenarios.values(), declared, wrong], env, work)


AFTER_THE_CHECK = [
    "bad_retention",
    "prod_topic_without_name",
    "two_rules",
    "warning_declared",
    "default_refused",
]


@pytest.mark.runs_terraform
def test_tiny_as_terraform_test_ends_as_declared_and_a_wrong_expectation_fails(
    tiny_run: ComponentRun,
) -> None:
    run = tiny_run
    assert run.error is None, run.error
    assert {label: r.status for label, r in run.results.items()} == {
        "default": "pass",
        "with_topic": "pass",
        "prod_short_retention": "error",  # its check fails undeclared: next test
        "bad_retention": "pass",
        "prod_topic_without_name": "pass",
        "two_rules": "pass",
        "warning_declared": "pass",
        "default_refused": "error",
    }
    text = run.file.text
    assert "expect_failures = [\n    check.retention_in_prod,\n  ]" in text
    assert "expect_failures = [\n    aws_sns_topic.this,\n  ]" in text
    assert "expect_failures = [\n    var.environment,\n    var.retention_days,\n  ]" in text
    found = differences(run)
    assert kinds(found) == {
        "tiny:prod_short_retention": CHECK_IS_ERROR,
        "tiny:default_refused": MISSING_FAILURE,
    }
    assert [d.line() for d in found if d.kind == MISSING_FAILURE] == [
        "difference: tiny:default_refused: terraform test: error (Missing expected failure: "
        "The checkable object, var.retention_days, was expected to report an error but did "
        "not.) vs harness: refused by var.retention_days"
    ]


@pytest.mark.runs_terraform
def test_a_failing_check_is_an_error_and_skips_the_rest_of_the_file(
    tiny_run: ComponentRun,
) -> None:
    """prod_short_retention fails a check it does not declare: a warning for terraform plan,
    an error for terraform test, which then skips every later run of the file."""
    run = tiny_run
    check = run.results["prod_short_retention"]
    assert check.status == "error"
    assert [(d.summary, d.rule) for d in check.errors] == [
        ("Check block assertion failed", "check.retention_in_prod")
    ]
    assert {label: run.results[label].skipped_after for label in AFTER_THE_CHECK} == dict.fromkeys(
        AFTER_THE_CHECK, "prod_short_retention"
    )
    assert run.results["with_topic"].skipped_after is None
    # The skipped runs ran again in a second part of their own.
    assert run.parts == 2
    assert sorted(p.name for p in (run.workdir / TEST_DIRECTORY).iterdir()) == [
        "tiny.part-2.tftest.hcl",
        "tiny.tftest.hcl",
    ]
    found = differences(run)
    skipped = [d for d in found if d.kind == SKIPPED]
    assert [d.scenario for d in skipped] == [f"tiny:{name}" for name in AFTER_THE_CHECK]
    assert skipped[0].native == (
        "terraform test: skipped after run 'prod_short_retention' errored "
        "(run again in a later part: pass)"
    )
    lines = summary(found, [run.file])
    assert "differences: 7 (check-is-error 1, skipped 5, missing-failure 1)" in lines
    assert any(line.startswith("  skipped: one errored run skips the rest") for line in lines)
    # With the harness's outcome, the line says what the harness saw: a warning.
    warned = Diagnostic(
        "warning", "Check block assertion failed", "...", "check", "check.retention_in_prod"
    )
    outcome = {("tiny", "prod_short_retention"): _plan_with(warned)}
    assert kinds(differences(run, outcome))["tiny:prod_short_retention"] == CHECK_IS_ERROR
    assert differences(run, outcome)[0].harness == (
        "harness: plans cleanly, check.retention_in_prod warns (the scenario file: plans cleanly)"
    )


def _plan_with(*warnings: Diagnostic) -> Plan:
    return Plan({"format_version": "1.2", "planned_values": {}}, warnings=warnings)


NESTED_TF = """
module "child" {
  source = "./mod"
  n      = var.mod_n
}

variable "mod_n" {
  type    = number
  default = 1
}

variable "kms_window" {
  type    = number
  default = 30
}

resource "aws_kms_key" "window" {
  description             = "window"
  deletion_window_in_days = var.kms_window
}
"""

CHILD_TF = """
variable "n" {
  type = number
  validation {
    condition     = var.n < 10
    error_message = "n must be below 10."
  }
}
"""


@pytest.mark.runs_terraform
def test_rules_terraform_test_cannot_expect_are_reported(
    env: dict[str, str], tmp_path: Path
) -> None:
    """A child module's validation and a provider's own error: expect_failures cannot name
    them, so the file leaves them out, runs them last, and the bench reports them."""
    source = tmp_path / "bench-nested"
    shutil.copytree(TINY, source)
    (source / "nested.tf").write_text(NESTED_TF)
    (source / "mod").mkdir()
    (source / "mod" / "main.tf").write_text(CHILD_TF)
    base = {"region": "us-east-1", "environment": "dev", "name": "nested"}
    child_rule = "module.child.var.n"
    scenarios = [
        Scenario("bench-nested", "clean", base),
        Scenario(
            "bench-nested",
            "child_rule",
            {**base, "mod_n": 20},
            expect_failures=(child_rule,),
            failure_messages={child_rule: (Expected("n must be below 10."),)},
        ),
        Scenario(
            "bench-nested",
            "provider_rule",
            {**base, "kms_window": 3},
            expect_failures=("aws_kms_key.window",),
            failure_messages={"aws_kms_key.window": ()},
        ),
        Scenario("bench-nested", "after", {**base, "retention_days": 7}),
    ]
    file = render(source, scenarios)
    assert [r.label for r in file.runs] == ["clean", "after", "child_rule", "provider_rule"]
    assert {r.label: r.inexpressible for r in file.runs if r.inexpressible} == {
        "child_rule": {child_rule: CHILD_MODULE_RULE},
        "provider_rule": {"aws_kms_key.window": PROVIDER_ERROR},
    }
    assert "expect_failures" not in file.text
    assert f"# terraform test cannot expect {child_rule}: {CHILD_MODULE_RULE}" in file.text

    run = run_component(source, scenarios, env, tmp_path / "work")
    assert run.error is None, run.error
    assert {label: r.status for label, r in run.results.items()} == {
        "clean": "pass",
        "after": "pass",
        "child_rule": "error",
        "provider_rule": "error",
    }
    assert run.results["provider_rule"].skipped_after == "child_rule"
    assert kinds(differences(run)) == {
        "bench-nested:child_rule": CHILD_MODULE_RULE,
        "bench-nested:provider_rule": PROVIDER_ERROR,
    }
    assert [d.rule for d in run.results["child_rule"].errors] == [child_rule]

    # Why the rule is left out: terraform test refuses to be told to expect it.
    workdir = run.workdir
    assert workdir == tmp_path / "work" / "bench-nested"
    named = NativeTestFile(
        "named", (replace(file.run_for("child_rule"), expect_failures=(child_rule,)),)
    )
    named.write(workdir)
    done = Terraform(workdir, env).run(
        "test", "-json", "-no-color", f"-filter={TEST_DIRECTORY}/{named.filename}"
    )
    result = parse_results(done.stdout, named, workdir)["child_rule"]
    assert result.status == "error"
    assert [d.summary for d in result.errors] == ["Invalid `expect_failures` reference"]


VALUES = [
    {
        "interpolation": "${var.name} and %{if true}x%{endif}",
        "escaped already": "$${not} %%{this}",
        "quotes": 'say "hi" \\ back\\slash',
        "lines": "a\nb\r\tc\x01",
        "unicode": "é ✓ 😀",
        "${key}": "keys are templates too",
    },
    {"list": [1, -2.5, 1e-07, True, None, "s"], "nested": {"m": [{"k": []}, {}]}},
]


@pytest.mark.runs_terraform
def test_hcl_values_read_back_as_the_inputs(tmp_path: Path) -> None:
    """What `variables { ... }` says is what the scenario's YAML says: Terraform reads each
    value back unchanged (no interpolation, no directive, every escape)."""
    (tmp_path / "main.tf").write_text(
        "\n".join(
            f'variable "v{i}" {{\n  type = any\n}}\noutput "v{i}" {{\n  value = var.v{i}\n}}\n'
            for i in range(len(VALUES))
        )
    )
    (tmp_path / "inputs.tfvars").write_text(
        "".join(f"v{i} = {hcl_value(value)}\n" for i, value in enumerate(VALUES)),
        encoding="utf-8",
    )
    tf = Terraform(tmp_path, cli_config().env())
    assert tf.run("init", "-backend=false", "-no-color").returncode == 0
    planned = tf.run("plan", "-no-color", "-var-file=inputs.tfvars", "-out=p.tfplan")
    assert planned.returncode == 0, planned.stderr
    shown = json.loads(tf.run("show", "-json", "p.tfplan").stdout)
    outputs = shown["planned_values"]["outputs"]
    assert [outputs[f"v{i}"]["value"] for i in range(len(VALUES))] == VALUES


def test_run_labels_are_identifiers_that_map_back(fixture_catalog) -> None:
    assert run_label("stack:dev") == "stack_dev"
    assert run_label("2az", {"x"}) == "_2az"
    assert run_label("stack_dev", {"stack_dev"}) == "stack_dev_2"
    assert run_label("a-b_c") == "a-b_c"
    scenarios = [
        Scenario("tiny", "stack:dev", {"name": "tiny"}),
        Scenario("tiny", "stack_dev", {"name": "tiny"}),
    ]
    file = render("tiny", scenarios)
    assert [(r.label, r.scenario.name) for r in file.runs] == [
        ("stack_dev", "stack:dev"),
        ("stack_dev_2", "stack_dev"),
    ]
    assert '# scenario stack:dev\nrun "stack_dev" {' in file.text


def test_a_file_splits_into_parts_of_bounded_refusals(fixture_catalog) -> None:
    scenarios = load_scenarios("tiny")
    more = [replace(s, name=f"{s.name}_again") for s in scenarios if s.expect_failures]
    file = render("tiny", [*scenarios, *more])  # 6 refused of 9
    assert file.split(0) == [file] and file.split(6) == [file]
    parts = file.split(4)
    assert [p.refused for p in parts] == [3, 3]
    assert [r.label for p in parts for r in p.runs] == [r.label for r in file.runs]
    assert [p.filename for p in parts] == ["tiny.tftest.hcl", "tiny.part-2.tftest.hcl"]
    assert "# Written by" in parts[1].text and "at most 4 refused runs per" in parts[1].text
    assert [p.refused for p in file.split(1)] == [1] * 6


def test_a_run_that_passes_where_the_harness_refused_is_a_difference(fixture_catalog) -> None:
    """The comparison uses the harness's own outcome: a pass of terraform test against a
    refusal the harness saw (and the scenario file does not declare) is reported."""
    file = render("tiny", [Scenario("tiny", "default", {"name": "tiny"})])
    run = ComponentRun("tiny", file, {"default": RunResult("pass")}, 1.0)
    assert differences(run) == []
    refused = Rejection(
        "tiny:default",
        [Diagnostic("error", "Invalid value for variable", "m", "validation", "var.name")],
    )
    found = differences(run, {("tiny", "default"): refused})
    assert [(d.kind, d.line()) for d in found] == [
        (
            HARNESS_DIFFERS,
            "difference: tiny:default: terraform test: pass, as the scenario file says vs "
            "harness: refused by var.name (the scenario file: plans cleanly)",
        )
    ]


def test_last_line_with_an_anchor_left_out() -> None:
    assert bench.last_line(3, None, 12.34, 4.0) == (
        "bench: scenarios=3 naive_s=skipped terraform_test_s=12.3 harness_s=4.0 "
        "ratio=skipped ratio_tftest=3.1"
    )
    assert LAST_LINE.fullmatch(bench.last_line(3, 20.0, 12.34, 4.0))
    assert bench.anchors_option("terraform_test") == ("terraform_test",)
    assert bench.anchors_option("none") == ()
    with pytest.raises(Exception, match="unknown anchor tftest: choose from naive, terraform_test"):
        bench.anchors_option("naive,tftest")


@pytest.mark.runs_terraform
def test_bench_prints_its_last_line(
    fixture_catalog, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Both anchors and the harness on one of tiny's scenarios, end to end."""
    monkeypatch.setenv("TFHARNESS_PLAN_CACHE_DIR", "unset-by-the-bench")  # restored after
    assert bench.main(["--components", "tiny", "--limit", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert LAST_LINE.fullmatch(lines[-1]), lines[-1]
    assert lines[-1].startswith("bench: scenarios=1 ")
    assert [line.split(":")[0] for line in lines if line[:1] != " "] == [
        "bench",
        "naive",
        "terraform test",
        "harness",
        "differences",
        "bench",
    ]
    assert "differences: 0 (none)" in lines


def test_rounds_line_gives_every_round_and_its_ratio() -> None:
    line = bench.rounds_line({"terraform_test": [207.6, 257.7], "harness": [69.9, 51.0]})
    assert line == (
        "rounds: 2; terraform_test 207.6 / 257.7 s; harness 69.9 / 51.0 s; "
        "ratio to terraform_test 3.0 / 5.1"
    )


@pytest.mark.runs_terraform
def test_rounds_alternate_which_side_goes_first_and_report_medians(
    fixture_catalog, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TFHARNESS_PLAN_CACHE_DIR", "unset-by-the-bench")
    assert (
        bench.main(
            ["--components", "tiny", "--limit", "1", "--anchors", "terraform_test", "--rounds", "2"]
        )
        == 0
    )
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines if line[:1] != " "] == [
        "bench",
        "round 1 of 2",
        "terraform test",
        "harness",
        "round 2 of 2",
        "harness",
        "terraform test",
        "differences",
        "rounds",
        "bench",
    ]
    harness = [float(line.split()[1]) for line in lines if line.startswith("harness:")]
    median = float(lines[-1].split("harness_s=")[1].split()[0])
    # The median of two rounds is their mean, taken before the rounds are printed to 0.1 s:
    # within 0.05 s of the printed rounds' mean (3.04 and 3.06 print 3.0 and 3.1, median 3.1).
    assert abs(median - sum(harness) / 2) <= 0.05 + 1e-9, (harness, lines[-1])
    assert os.environ["TFHARNESS_PLAN_CACHE_DIR"] == "unset-by-the-bench"
    with pytest.raises(SystemExit):
        bench.main(["--rounds", "0"])
