"""Batching gives every scenario the outcome a standalone plan gives it; the cache is exact."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from tfharness.deploying.emulator import Endpoint
from tfharness.planning import cache
from tfharness.planning.batch import (
    Unbatchable,
    adapt,
    adapt_rules,
    alias_regions,
    render_root,
    split_plan,
)
from tfharness.planning.planner import Planner
from tfharness.planning.scenarios import scenario_names
from tfharness.terraform.diagnostics import Rejection
from tfharness.terraform.plan import Plan
from tfharness.tooling.standard import PROVIDER_TF

from .conftest import FIXTURES

pytestmark = pytest.mark.harness


def summary(outcome: Plan | Rejection):
    if isinstance(outcome, Rejection):
        # Where each error points too: a member planned as its variables alone keeps every
        # line where it stands in the component (`configuration.variables_only`).
        return (
            "rejected",
            sorted((d.rule, d.message, d.summary, d.filename, d.line) for d in outcome.errors),
        )
    return (
        "planned",
        {a: (c.action, c.after) for a, c in outcome.items() if c.mode == "managed"},
        sorted((w.rule, w.message) for w in outcome.warnings),
        outcome.outputs,
    )


@pytest.mark.runs_terraform
def test_batched_outcomes_equal_standalone_outcomes(
    planned_tiny: Planner,
    endpoint: Endpoint,
    tmp_path: Path,
    fixture_catalog,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TFHARNESS_PLAN_CACHE", "0")
    alone = Planner(endpoint, root=tmp_path / "alone", batch=False, keep=True)
    assert planned_tiny.batch
    # The validate-walk refusals were planned as their variables alone (a batch whose root
    # configures no provider), and their errors say where the rule stands.
    roots = [_root(b) for b in (planned_tiny.root / "batches").iterdir()]
    assert {} in roots, "no batch of variables alone"
    for name in ("bad_retention", "two_rules"):
        errors = planned_tiny.outcome("tiny", name).errors
        assert errors and all(d.filename in ("main.tf", "context.tf") and d.line for d in errors)
    # The plan-walk refusal was planned cut down to what the rules read (`rules_only`): its
    # copy has no log group, and its error points where the precondition stands.
    [copy] = (planned_tiny.root / "batches").glob("*/m/*prod_topic_without_name*")
    [member] = {p.parent for p in copy.rglob("main.tf")}
    assert "aws_cloudwatch_log_group" not in (member / "main.tf").read_text()
    [error] = planned_tiny.outcome("tiny", "prod_topic_without_name").errors
    assert (error.rule, error.filename) == ("aws_sns_topic.this", "main.tf") and error.line
    for name in scenario_names("tiny"):
        assert summary(planned_tiny.outcome("tiny", name)) == summary(
            alone.outcome("tiny", name)
        ), name


@pytest.mark.runs_terraform
def test_a_failing_scenario_does_not_hide_the_others(
    planned_tiny: Planner, fixture_catalog
) -> None:
    outcomes = {name: planned_tiny.outcome("tiny", name) for name in scenario_names("tiny")}
    rejected = sorted(n for n, o in outcomes.items() if isinstance(o, Rejection))
    assert rejected == ["bad_retention", "prod_topic_without_name", "two_rules"]
    assert sorted(outcomes["two_rules"].rules) == ["var.environment", "var.retention_days"]


def test_adapted_module_takes_its_provider_from_the_root(
    tiny_planner: Planner, tmp_path: Path, fixture_catalog
) -> None:
    template = tiny_planner.template("tiny").ensure_ready()
    adapted = adapt(template, tmp_path / "m")
    aliases, outputs = adapted.aliases, adapted.outputs
    assert adapted.standard and not adapted.own_providers
    provider_tf = (tmp_path / "m" / "provider.tf").read_text()
    assert 'provider "aws"' not in provider_tf and "required_providers" in provider_tf
    assert aliases == {}
    assert outputs == {"log_group_name": False, "topic_arn": False}
    # The copy links the template's files; the one it rewrites is its own, and the
    # template's stays the provider standard.
    assert (template.workdir / "provider.tf").read_text() == PROVIDER_TF
    assert not (tmp_path / "m" / "provider.tf").samefile(template.workdir / "provider.tf")
    assert (tmp_path / "m" / "main.tf").samefile(template.workdir / "main.tf")
    assert alias_regions(template) == frozenset()


def test_a_member_is_cut_down_to_its_rules_all_or_nothing(
    tiny_planner: Planner, tmp_path: Path, fixture_catalog
) -> None:
    template = tiny_planner.template("tiny").ensure_ready()
    adapted = adapt_rules(template, tmp_path / "m")
    assert adapted is not None and adapted.rules_only and adapted.standard
    assert adapted.outputs == {}  # the root reads none of what may be gone
    main = (tmp_path / "m" / "main.tf").read_text()
    assert "aws_cloudwatch_log_group" not in main and 'resource "aws_sns_topic"' in main
    assert not (tmp_path / "m" / "main.tf").samefile(template.workdir / "main.tf")
    assert "aws_cloudwatch_log_group" in (template.workdir / "main.tf").read_text()
    assert "required_providers" in (tmp_path / "m" / "provider.tf").read_text()
    # A file to cut that `adapt` rewrote too (an aliased provider taken out, its lines
    # moved): nothing is cut, as what stays in one file may read what goes from another.
    extra = template.dir / "global.tf"
    extra.write_text(
        'provider "aws" {\n  alias  = "us_east_1"\n  region = "us-east-1"\n}\n'
        'resource "aws_sns_topic" "global" {\n  provider = aws.us_east_1\n'
        "  name     = local.name_prefix\n}\n"
    )
    try:
        whole = adapt_rules(template, tmp_path / "m2")
        assert whole is not None and not whole.rules_only
        assert whole.aliases == {"us_east_1": "us-east-1"} and whole.outputs
        assert (tmp_path / "m2" / "main.tf").samefile(template.workdir / "main.tf")
    finally:
        extra.unlink()


def test_aliased_provider_becomes_a_configuration_alias(
    tiny_planner: Planner, tmp_path: Path, fixture_catalog
) -> None:
    template = tiny_planner.template("tiny").ensure_ready()
    extra = template.dir / "providers-global.tf"
    extra.write_text('provider "aws" {\n  alias  = "us_east_1"\n  region = "us-east-1"\n}\n')
    try:
        aliases = adapt(template, tmp_path / "m").aliases
        assert aliases == {"us_east_1": "us-east-1"}
        assert (
            "configuration_aliases = [aws.us_east_1]"
            in (tmp_path / "m" / "provider.tf").read_text()
        )
        assert 'provider "aws"' not in (tmp_path / "m" / "providers-global.tf").read_text()
        assert 'provider "aws"' in extra.read_text()  # the template's own is untouched
        assert alias_regions(template) == {"us-east-1"}
        extra.write_text(
            'provider "aws" {\n  alias  = "x"\n  region = "us-east-1"\n'
            '  assume_role {\n    role_arn = "r"\n  }\n}\n'
        )
        with pytest.raises(Unbatchable, match="more than alias/region"):
            adapt(template, tmp_path / "m2")
        assert alias_regions(template) is None  # planned alone: no batch, no server
    finally:
        extra.unlink()


def test_root_escapes_template_markers_in_inputs() -> None:
    from tfharness.planning.batch import Member
    from tfharness.planning.scenarios import Scenario

    member = Member(
        "s000_x",
        Scenario("x", "y", {"region": "eu-west-1", "s": "${x} %{y}"}),
        None,
        {},
        {"o": True},
    )
    files = render_root([member])
    assert set(files) == {"main.tf.json", "s000_x.tf.json"}  # a member's call: a file of its own
    assert files["main.tf.json"]["provider"] == {
        "aws": [{"alias": "r_eu_west_1", "region": "eu-west-1"}]
    }
    assert "module" not in files["main.tf.json"]
    own = files["s000_x.tf.json"]
    assert own["module"]["s000_x"]["s"] == "$${x} %%{y}"
    assert own["module"]["s000_x"]["providers"] == {"aws": "aws.r_eu_west_1"}
    assert own["output"]["s000_x__o"] == {"value": "${module.s000_x.o}", "sensitive": True}


def test_split_plan_strips_the_module_prefix() -> None:
    from tfharness.planning.batch import Member
    from tfharness.planning.scenarios import Scenario

    member = Member("s001_a", Scenario("a", "b", {"n": 1}), None, {}, {})
    raw = {
        "resource_changes": [
            {
                "address": "module.s001_a.aws_kms_key.this",
                "module_address": "module.s001_a",
                "type": "aws_kms_key",
                "name": "this",
                "change": {"actions": ["create"], "after": {}},
            },
            {
                "address": "module.s002_b.aws_kms_key.this",
                "module_address": "module.s002_b",
                "type": "aws_kms_key",
                "name": "this",
                "change": {"actions": ["create"], "after": {}},
            },
        ],
        "output_changes": {"s001_a__x": {"after": 1}, "s002_b__x": {"after": 2}},
        "configuration": {
            "root_module": {
                "module_calls": {
                    "s001_a": {"module": {"variables": {"n": {}, "m": {"default": 5}}}}
                }
            }
        },
    }
    plan = Plan(split_plan(raw, member))
    assert list(plan) == ["aws_kms_key.this"]
    assert plan["aws_kms_key.this"].module_address is None
    assert plan.outputs == {"x": 1}
    assert plan.variables == {"n": 1, "m": 5}


def test_split_plan_gives_paths_as_a_standalone_plan_has_them() -> None:
    """`path.module` is `m/<key>/<dir>` in a batch, `.` standalone: an inventory must not
    depend on which batch a scenario was planned in."""
    from tfharness.planning.batch import Member
    from tfharness.planning.scenarios import Scenario

    member = Member(
        "s050_lambda__default",
        Scenario("lambda", "default", {}),
        None,
        {},
        {},
        relative_dir="components/terraform/lambda",
    )
    inside = "m/s050_lambda__default"
    raw = {
        "resource_changes": [
            {
                "address": "module.s050_lambda__default.aws_lambda_function.this",
                "module_address": "module.s050_lambda__default",
                "type": "aws_lambda_function",
                "name": "this",
                "change": {
                    "actions": ["create"],
                    "after": {
                        "filename": f"{inside}/components/terraform/lambda/build/function.zip",
                        "layers": [f"{inside}/modules/log-group/x.json"],
                        "description": "m/s050_lambda__defaults is another member's name",
                    },
                },
            }
        ],
        "output_changes": {
            "s050_lambda__default__dir": {"after": f"{inside}/components/terraform/lambda"}
        },
    }
    plan = Plan(split_plan(raw, member))
    after = plan["aws_lambda_function.this"]
    assert after["filename"] == "./build/function.zip"  # "${path.module}/build/function.zip"
    assert after["layers"] == ["../../../modules/log-group/x.json"]
    assert after["description"] == "m/s050_lambda__defaults is another member's name"
    assert plan.outputs == {"dir": "."}


@pytest.mark.runs_terraform
def test_cache_serves_unchanged_scenarios_and_never_a_stale_plan(
    endpoint: Endpoint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    components = tmp_path / "components"
    shutil.copytree(FIXTURES / "components" / "tiny", components / "tiny")
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    (scenarios / "tiny.yaml").write_text(
        "default:\n  vars: {region: us-east-1, environment: dev, name: tiny}\n"
    )
    monkeypatch.setenv("TFHARNESS_COMPONENTS_DIR", str(components))
    monkeypatch.setenv("TFHARNESS_SCENARIOS_DIR", str(scenarios))
    monkeypatch.setenv("TFHARNESS_PLAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("TFHARNESS_PLAN_CACHE", "1")

    first = Planner(endpoint, root=tmp_path / "w1")
    assert first.plan("tiny")["aws_cloudwatch_log_group.this"]["retention_in_days"] == 30
    assert first.cache_hits == 0

    second = Planner(endpoint, root=tmp_path / "w2")
    assert second.plan("tiny")["aws_cloudwatch_log_group.this"]["retention_in_days"] == 30
    assert second.cache_hits == 1
    assert "plan" not in second.timings.by_phase(), "a cache hit runs no terraform plan"

    main_tf = components / "tiny" / "main.tf"
    main_tf.write_text(main_tf.read_text().replace("default     = 30", "default     = 90"))
    third = Planner(endpoint, root=tmp_path / "w3")
    assert third.plan("tiny")["aws_cloudwatch_log_group.this"]["retention_in_days"] == 90
    assert third.cache_hits == 0, "an edited component is planned again"
    assert len(list((tmp_path / "cache").glob("*.json"))) == 2


def test_cache_key_covers_inputs_harness_and_toolchain() -> None:
    from tfharness.planning.scenarios import Scenario

    a = cache.scenario_key(Scenario("c", "s", {"x": 1}), "digest")
    assert a == cache.scenario_key(Scenario("c", "other-name", {"x": 1}), "digest")
    assert a != cache.scenario_key(Scenario("c", "s", {"x": 2}), "digest")
    assert a != cache.scenario_key(Scenario("c", "s", {"x": 1}), "digest2")
    assert "terraform" in cache.toolchain_fingerprint()


@pytest.mark.runs_terraform
@pytest.mark.parametrize("cut", [True, False], ids=["cut-down", "whole"])
def test_expected_refusals_are_batched_apart_so_clean_batches_plan_once(
    endpoint: Endpoint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cut: bool
) -> None:
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    (scenarios / "tiny.yaml").write_text(
        "default:\n  vars: {region: us-east-1, environment: dev, name: tiny}\n"
        "with_topic:\n  extends: default\n  vars: {enable_topic: true}\n"
        "bad_retention:\n  extends: default\n  expect_failures: [var.retention_days]\n"
        "  vars: {retention_days: 3}\n"
        "prod_topic_without_name:\n  extends: default\n  expect_failures: [aws_sns_topic.this]\n"
        "  vars: {environment: prod, retention_days: 90, enable_topic: true}\n"
        "mislabelled:\n  extends: default\n  expect_failures: [var.retention_days]\n"
        "  vars: {retention_days: 7}\n"
        "mislabelled_later:\n  extends: default\n  expect_failures: [aws_sns_topic.this]\n"
        "  vars: {environment: prod, retention_days: 90, enable_topic: true,"
        " topic_display_name: Alerts}\n"
    )
    monkeypatch.setenv("TFHARNESS_COMPONENTS_DIR", str(FIXTURES / "components"))
    monkeypatch.setenv("TFHARNESS_SCENARIOS_DIR", str(scenarios))
    monkeypatch.setenv("TFHARNESS_PLAN_CACHE", "0")
    monkeypatch.setenv("TFHARNESS_VARIABLES_ONLY", "1" if cut else "0")
    monkeypatch.setenv("TFHARNESS_RULES_ONLY", "1" if cut else "0")
    planner = Planner(endpoint, root=tmp_path / "w", jobs=2, keep=True)
    planner.plan_components(["tiny"])

    outcomes = planner.planned()
    assert {n for (_, n), o in outcomes.items() if isinstance(o, Rejection)} == {
        "bad_retention",
        "prod_topic_without_name",
    }
    # A wrong declaration costs time, never a wrong outcome: each is the whole module's plan
    # (its log group is what a copy cut down for the plan walk leaves out).
    for name in ("mislabelled", "mislabelled_later"):
        assert isinstance(outcomes[("tiny", name)], Plan)
        assert outcomes[("tiny", name)].of_type("aws_cloudwatch_log_group")
        assert outcomes[("tiny", name)].of_type("aws_kms_key")
    runs = Counter(s.subject for s in planner.timings.samples if s.phase == "plan")
    shows = {s.subject for s in planner.timings.samples if s.phase == "show"}
    phases = Counter(s.phase for s in planner.timings.samples)
    batches = sorted(s for s in runs if s.startswith("b"))
    if cut:
        # The validate-walk batch plans the variables alone, once: bad_retention is refused,
        # and mislabelled, which its variables let through, is planned whole on its own. So
        # is mislabelled_later, which the plan-walk batch (cut down to what the rules read)
        # did not refuse.
        assert sorted(runs.values()) == [1, 1, 1, 1, 1], runs
        assert runs["tiny:mislabelled"] == runs["tiny:mislabelled_later"] == 1, runs
        assert len(batches) == 3 and len(shows) == 3, shows
        assert {"tiny:mislabelled", "tiny:mislabelled_later"} < shows, shows
        [later] = [
            d
            for d in (tmp_path / "w" / "batches").iterdir()
            if any("prod_topic_without_name" in m.name for m in (d / "m").iterdir())
        ]
        assert _root(later).get("provider"), "the plan walk needs its providers"
        original = (FIXTURES / "components" / "tiny" / "main.tf").read_text()
        for copy in (later / "m").iterdir():  # prod_topic_without_name's, mislabelled_later's
            [member] = {p.parent for p in copy.rglob("main.tf")}
            text = (member / "main.tf").read_text()
            assert len(text.splitlines()) == len(original.splitlines())  # lines stay in place
            assert 'resource "aws_sns_topic" "this"' in text and 'check "retention_in_prod"' in text
            assert "aws_cloudwatch_log_group" not in text and 'output "' not in text
        early = [d for d in (tmp_path / "w" / "batches").iterdir() if _root(d) == {}]
        assert len(early) == 1, "one batch of variables alone, its root without providers"
        assert not (early[0] / ".terraform" / "providers").exists()
        assert not (early[0] / ".terraform.lock.hcl").exists()
        copies = sorted((early[0] / "m").iterdir())  # bad_retention's and mislabelled's
        assert len(copies) == 2
        original = (FIXTURES / "components" / "tiny" / "main.tf").read_text()
        for copy in copies:  # the component's folder, as laid out in its tree
            [member] = {p.parent for p in copy.rglob("*.tf")}
            text = (member / "main.tf").read_text()
            assert len(text.splitlines()) == len(original.splitlines())  # lines stay in place
            assert 'variable "retention_days"' in text and "resource" not in text
            assert sorted(p.name for p in member.iterdir()) == ["context.tf", "main.tf"]
    else:
        # Clean batch (default, with_topic): one run. Refused by a precondition:
        # prod_topic_without_name is, then mislabelled_later (declares it, plans cleanly)
        # plans in a second run. Refused by a validation: bad_retention is, then the
        # mislabelled scenario plans in a second run.
        assert sorted(runs.values()) == [1, 2, 2], runs
        # A show for each batch that ends in a plan: all three.
        assert len(shows) == 3 and shows == set(runs), (shows, runs)
        # One init, ahead of the batches (the share's): all three link its providers and
        # record their modules (`module_manifest`): no `terraform get`.
        assert (phases["init"], phases["get"]) == (1, 0), phases
        assert [s.subject for s in planner.timings.samples if s.phase == "init"] == [
            "the batches' providers"
        ]
    assert phases["get"] == 0, phases


def _root(batch: Path) -> dict:
    return json.loads((batch / "main.tf.json").read_text())


def test_groups_never_mix_scenarios_that_end_in_different_phases(
    tiny_planner: Planner, fixture_catalog
) -> None:
    from tfharness.planning.planner import (
        LATER_RULES,
        PHASE_COST,
        PLANS,
        VALIDATIONS,
        phase_of,
    )
    from tfharness.planning.scenarios import load_scenarios

    pending = [(s, s.id) for s in load_scenarios("tiny")]
    groups = tiny_planner._groups(pending)
    assert sorted(s.name for g in groups for s, _ in g) == sorted(s.name for s, _ in pending)
    for group in groups:
        assert len({phase_of(s) for s, _ in group}) == 1, [s.name for s, _ in group]
    phases = {s.name: phase_of(s) for g in groups for s, _ in g}
    assert phases["default"] == PLANS
    assert phases["bad_retention"] == phases["two_rules"] == VALIDATIONS
    assert phases["prod_topic_without_name"] == LATER_RULES
    # The costliest first (`PHASE_COST`): clean plans, though fewer, before validations.
    costs = [PHASE_COST[phase_of(g[0][0])] * len(g) for g in groups]
    assert costs == sorted(costs, reverse=True), costs
    assert phase_of(groups[0][0][0]) == PLANS


def test_validations_that_read_more_than_their_variable_are_planned_with_the_later_rules(
    tmp_path: Path,
) -> None:
    from tfharness.planning.planner import LATER_RULES, VALIDATIONS, phase_of
    from tfharness.planning.scenarios import Expected, Scenario
    from tfharness.terraform.configuration import validation_walks

    (tmp_path / "variables.tf").write_text(
        'variable "alone" {\n  type = number\n  validation {\n'
        '    condition     = var.alone > 0 && can(regex("var.other", "x"))\n'
        '    error_message = "Positive."\n  }\n}\n'
        'variable "paired" {\n  type = number\n  validation {\n'
        "    condition     = var.paired >= var.alone\n"
        '    error_message = "At least alone."\n  }\n}\n'
        'variable "both" {\n  type = number\n  validation {\n'
        "    condition     = var.both < 10\n"
        '    error_message = "Below 10."\n  }\n  validation {\n'
        "    condition     = var.both != local.taken\n"
        '    error_message = "Taken."\n  }\n}\n'
        "locals {\n  taken = 3\n}\n"
    )
    walks = validation_walks(tmp_path)
    # A variable named inside a string is not a reference.
    assert {name: [v.walk for v in found] for name, found in walks.items()} == {
        "alone": ["validate"],
        "paired": ["plan"],
        "both": ["validate", "plan"],
    }
    assert [v.error_message for v in walks["both"]] == ["Below 10.", "Taken."]

    def phase(*rules: str, says: dict[str, str] | None = None) -> str:
        messages = {rule: (Expected(message=text),) for rule, text in (says or {}).items()}
        scenario = Scenario("c", "s", {}, expect_failures=rules, failure_messages=messages)
        return phase_of(scenario, walks)

    assert phase("var.alone") == phase("var.both") == phase("var.alone", "var.both") == VALIDATIONS
    # Expecting a rule that only the plan walk checks: the validate walk passed.
    assert phase("var.paired") == phase("var.alone", "var.paired") == LATER_RULES
    assert phase("module.logs.var.retention") == phase("aws_s3_bucket.this") == LATER_RULES
    assert phase("var.undeclared_here") == VALIDATIONS  # a JSON file's, or a typo: run 1 says
    # The message the scenario expects names which of a variable's validations fires.
    assert phase("var.both", says={"var.both": "Taken."}) == LATER_RULES
    assert phase("var.both", says={"var.both": "Below 10."}) == VALIDATIONS
    assert phase("var.both", says={"var.both": "Something else."}) == VALIDATIONS  # unknown

    # Which of them the variables alone refuse as the whole module does (`variables_only`).
    from tfharness.planning.planner import decided_by_variables

    def alone(*rules: str, says=None, contains=None) -> bool:
        messages = {rule: (Expected(message=text),) for rule, text in (says or {}).items()}
        messages |= {rule: (Expected(contains=text),) for rule, text in (contains or {}).items()}
        scenario = Scenario("c", "s", {}, expect_failures=rules, failure_messages=messages)
        return decided_by_variables(scenario, walks)

    assert alone("var.alone") and alone("var.both", says={"var.both": "Below 10."})
    assert alone("var.both", contains={"var.both": "Below"})
    assert not alone("var.both")  # it may be the validation that reads a local
    assert not alone("var.both", contains={"var.both": "Taken"})
    assert not alone("var.paired") and not alone("var.alone", "var.paired")
    assert not alone("var.undeclared_here") and not alone("module.logs.var.retention")
    assert not alone()  # a clean plan is never planned as its variables
    # A scenario that sets a variable with a validation reading a local: that validation may
    # fire in the validate walk beside the one expected, which the whole module would report.
    assert [v.reads_objects for v in walks["both"]] == [False, True]
    assert not walks["paired"][0].reads_objects  # another variable: decided in the plan walk
    sets = {"both": 3}
    assert not decided_by_variables(Scenario("c", "s", sets, expect_failures=("var.alone",)), walks)
    sets = {"paired": 3}  # never reached: the validate walk has failed
    assert decided_by_variables(Scenario("c", "s", sets, expect_failures=("var.alone",)), walks)


def test_variables_only_keeps_each_variable_and_its_early_validations_in_place(
    tmp_path: Path,
) -> None:
    from tfharness.terraform.configuration import parse_hcl, variables_only

    text = (
        "# A component.\n"
        'resource "aws_sns_topic" "this" {\n  name = var.name\n}\n'
        'variable "name" {\n  type = string\n  validation {\n'
        '    condition     = length(var.name) > 2\n    error_message = "Longer."\n  }\n'
        "  validation {\n    condition     = var.name != local.taken\n"
        '    error_message = "Taken."\n  }\n}\n'
        'locals {\n  taken = "abc"\n}\n'
    )
    (tmp_path / "main.tf").write_text(text)
    (tmp_path / "outputs.tf").write_text('output "arn" {\n  value = aws_sns_topic.this.arn\n}\n')
    kept = variables_only(tmp_path)
    assert kept is not None and sorted(kept) == ["main.tf"]  # a file without variables goes
    lines, original = kept["main.tf"].splitlines(), text.splitlines()
    assert len(lines) == len(original)
    for number, line in enumerate(lines):  # what is kept stands where it stood; the rest is gone
        assert line in ("", original[number]), (number, line)
    assert [line.strip() for line in lines if line.strip()] == [
        'variable "name" {',
        "type = string",
        "validation {",
        "condition     = length(var.name) > 2",
        'error_message = "Longer."',
        "}",
        "}",
    ]  # the plan walk's validation (it reads a local) and everything but variables removed
    parse_hcl(kept["main.tf"])
    (tmp_path / "extra.tf.json").write_text("{}")
    assert variables_only(tmp_path) is None  # JSON syntax: lines cannot be kept


def test_rules_only_keeps_every_rule_and_what_it_reads_in_place(tmp_path: Path) -> None:
    from tfharness.terraform.configuration import parse_hcl, rules_only

    main = (
        'variable "name" {\n  type = string\n}\n'
        'locals {\n  prefix = "x-${var.name}"\n  # a comment of the next one\n'
        "  unused = aws_s3_bucket.plain.arn\n  tags   = { Name = local.prefix }\n}\n"
        'resource "aws_kms_key" "this" {\n  description = local.prefix\n}\n'
        'resource "aws_sns_topic" "this" {\n  name              = local.prefix\n'
        "  kms_master_key_id = aws_kms_key.this.id\n  lifecycle {\n    precondition {\n"
        '      condition     = var.name != "bad"\n'
        '      error_message = "Not bad."\n    }\n  }\n}\n'
        'resource "aws_s3_bucket" "plain" {\n  bucket = local.prefix\n}\n'
        'data "aws_iam_policy_document" "read" {\n  statement {\n'
        '    actions   = ["s3:GetObject"]\n    resources = [aws_s3_bucket.plain.arn]\n  }\n}\n'
        'module "logs" {\n  source = "./logs"\n  tags   = local.tags\n}\n'
        'check "named" {\n  assert {\n    condition     = length(var.name) < 9\n'
        '    error_message = "Short."\n  }\n}\n'
    )
    outputs = (
        'output "topic" {\n  value = aws_sns_topic.this.arn\n}\n'
        'output "guarded" {\n  value = aws_kms_key.this.arn\n  precondition {\n'
        '    condition     = var.name != ""\n    error_message = "Named."\n  }\n}\n'
    )
    moved = "moved {\n  from = aws_sns_topic.old\n  to   = aws_sns_topic.this\n}\n"
    for name, text in (("main.tf", main), ("outputs.tf", outputs), ("moved.tf", moved)):
        (tmp_path / name).write_text(text)
    (tmp_path / "provider.tf").write_text('terraform {\n  required_version = ">= 1.9"\n}\n')

    kept = rules_only(tmp_path)
    assert kept is not None and sorted(kept) == ["main.tf", "moved.tf", "outputs.tf"]
    for name, original in (("main.tf", main), ("outputs.tf", outputs)):
        lines = kept[name].splitlines()
        assert len(lines) == len(original.splitlines())
        for number, line in enumerate(lines):  # what is kept stands where it stood
            assert line in ("", original.splitlines()[number]), (name, number, line)
        parse_hcl(kept[name])
    text = kept["main.tf"]
    # The precondition's resource and what it reads (a local, a key), the module call and
    # what it passes (a local reading a local), the check, every variable: kept.
    for present in (
        'variable "name"',
        'resource "aws_sns_topic" "this"',
        'resource "aws_kms_key" "this"',
        "  prefix = ",
        "  tags   = { Name = local.prefix }",
        'module "logs"',
        'check "named"',
    ):
        assert present in text, present
    # What no rule reads: the plain bucket, the policy document reading it, a local reading it.
    for gone in ('"aws_s3_bucket" "plain"', '"aws_iam_policy_document"', "unused ="):
        assert gone not in text, gone
    assert 'output "guarded"' in kept["outputs.tf"] and 'output "topic"' not in kept["outputs.tf"]
    assert not kept["moved.tf"].strip()  # moves act on state; a batch plans none

    (tmp_path / "more.tf").write_text("locals { a = 1 }\n")  # not one a line
    assert rules_only(tmp_path) is None
    (tmp_path / "more.tf").unlink()
    (tmp_path / "extra.tf.json").write_text("{}")
    assert rules_only(tmp_path) is None  # JSON syntax: lines cannot be kept


def test_a_template_message_may_contain_a_part_of_what_it_renders_to() -> None:
    from tfharness.terraform.configuration import may_contain

    template = 'Unknown template(s) ${join(", ", var.t)}. Valid templates: ${join(", ", local.v)}.'
    assert may_contain(template, "Unknown template(s) ssh. Valid templates: ")
    assert may_contain(template, "template(s) a, b. Valid")  # across a ${...}
    assert may_contain(template, "Valid templates")  # within one part
    assert not may_contain(template, "Every cidr_blocks entry")
    assert not may_contain(template, "Unknown rule(s)")
    # A ${...} renders a value: text that shares too little with the template is not its.
    assert not may_contain("Port ${var.port} is not allowed.", "22 is")
    assert may_contain("Port ${var.port} is not allowed.", "Port 22 is")
    assert not may_contain("a ${x} bb ${y} c", "a 1 c")  # " bb " must come in between


def test_a_template_message_may_say_what_it_renders_to() -> None:
    from tfharness.terraform.configuration import may_say

    assert may_say("Port ${var.port} is not allowed.", "Port 22 is not allowed.")
    assert may_say('Keys: ${join(", ", var.keys)}.', "Keys: a, b.")
    assert not may_say("Port ${var.port} is not allowed.", "Port 22 is allowed.")
    assert may_say('Say \\"yes\\".', 'Say "yes".')
    assert not may_say("Below 10.", "Below 100.")


@pytest.mark.runs_terraform
def test_a_batch_whose_providers_the_share_lacks_runs_its_own_init(
    endpoint: Endpoint, tmp_path: Path, fixture_catalog
) -> None:
    from tfharness.planning.batch import Batch, ProviderShare, prepare_members
    from tfharness.planning.components import find_component
    from tfharness.planning.scenarios import load_scenario
    from tfharness.terraform.timings import Timings
    from tfharness.terraform.toolchain import cli_config
    from tfharness.terraform.workspace import Template

    env = {**cli_config().env(), **endpoint.env()}
    timings = Timings()
    share = ProviderShare(tmp_path / "share")
    (share.dir / "providers").mkdir(parents=True)  # what a batch without providers left
    (share.dir / ".terraform.lock.hcl").write_text("")
    share._ready = True
    template = Template(find_component("tiny"), tmp_path, env, timings).ensure_ready()
    members, _, _ = prepare_members(tmp_path / "b", [(load_scenario("tiny", "default"), template)])
    results = Batch(tmp_path / "b", env, timings, "b", providers=share).run(
        members, lambda scenario: pytest.fail(f"{scenario.id} planned alone")
    )
    assert isinstance(results["tiny:default"], Plan)
    assert Counter(s.phase for s in timings.samples) == {"init": 1, "plan": 2, "show": 1}


def test_an_error_without_a_rule_is_confirmed_by_a_standalone_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tfharness.planning.batch import Batch, Member
    from tfharness.planning.scenarios import Scenario
    from tfharness.terraform.diagnostics import Diagnostic
    from tfharness.terraform.timings import Timings

    flaky = Member("s000_a", Scenario("a", "flaky", {}), None, {}, {})
    refused = Member("s001_a", Scenario("a", "refused", {}), None, {}, {})
    clean = Member("s002_a", Scenario("a", "clean", {}), None, {}, {})
    rounds = iter(
        [
            [
                Diagnostic(
                    "error", "Retrieving caller identity", "503", "error", None, "m/s000_a/x.tf"
                ),
                Diagnostic(
                    "error",
                    "Invalid value for variable",
                    "no",
                    "validation",
                    "var.n",
                    "m/s001_a/v.tf",
                ),
            ],
            {"s002_a": "clean plan"},
        ]
    )
    monkeypatch.setattr(Batch, "_plan", lambda self, members: next(rounds))
    alone: list[str] = []

    def standalone(scenario: Scenario) -> str:
        alone.append(scenario.name)
        return "standalone plan"

    results = Batch(tmp_path, {}, Timings(), "b").run([flaky, refused, clean], standalone)
    assert alone == ["flaky"]
    assert results["a:flaky"] == "standalone plan"
    assert results["a:refused"].rules == ["var.n"]
    assert results["a:clean"] == "clean plan"


def test_only_refusals_by_rule_are_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tfharness.terraform.diagnostics import Diagnostic

    monkeypatch.setenv("TFHARNESS_PLAN_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("TFHARNESS_PLAN_CACHE", "1")
    by_rule = Diagnostic("error", "Invalid value for variable", "m", "validation", "var.n")
    transient = Diagnostic("error", "Retrieving caller identity", "503", "error", None)
    cache.store("k1", Rejection("a:b", [by_rule]))
    cache.store("k2", Rejection("a:b", [by_rule, transient]))
    assert isinstance(cache.load("k1", "a:b"), Rejection)
    assert cache.load("k2", "a:b") is None


def test_equal_keys_stored_at_once_do_not_collide(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from tfharness.terraform.diagnostics import Diagnostic

    monkeypatch.setenv("TFHARNESS_PLAN_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("TFHARNESS_PLAN_CACHE", "1")
    big = "x" * 200_000  # long enough for writers to overlap
    outcome = Rejection(
        "a:b", [Diagnostic("error", "Invalid value for variable", big, "validation", "var.n")]
    )
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda _: cache.store("same", outcome), range(200)))
    assert cache.load("same", "a:b").rules == ["var.n"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["same.json"], "no temporary file left"


def test_a_later_round_writes_only_its_members_calls(tmp_path: Path) -> None:
    from tfharness.planning.batch import Member, write_root
    from tfharness.planning.scenarios import Scenario

    first = Member("s000_a", Scenario("a", "x", {}), None, {}, {})
    second = Member("s001_b", Scenario("b", "y", {}), None, {}, {})
    write_root(tmp_path, [first, second])
    assert sorted(p.name for p in tmp_path.glob("*.tf.json")) == [
        "main.tf.json",
        "s000_a.tf.json",
        "s001_b.tf.json",
    ]
    write_root(tmp_path, [second])  # s000_a was refused: the next round plans only s001_b
    assert sorted(p.name for p in tmp_path.glob("*.tf.json")) == ["main.tf.json", "s001_b.tf.json"]


def test_a_failed_share_init_leaves_the_first_batch_to_init_and_say_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tfharness.errors import TerraformFailed
    from tfharness.planning.batch import ProviderShare
    from tfharness.terraform.command import Terraform
    from tfharness.terraform.timings import Timings

    def refuse(self, subject, timings):
        raise TerraformFailed(
            f"{subject}: terraform init failed: no mirror", command="init", returncode=1
        )

    monkeypatch.setattr(Terraform, "init", refuse)
    share = ProviderShare(tmp_path / "share")
    share.prepare({}, Timings())  # swallowed: the batch's own init reports it, named
    assert not share._ready and not (tmp_path / "share").exists()
    batch_dir = tmp_path / "b01"
    batch_dir.mkdir()
    with pytest.raises(TerraformFailed, match=r"^b01: terraform init failed"):
        share.install(Terraform(batch_dir, {}), "b01", Timings())


@pytest.mark.runs_terraform
def test_the_module_manifest_is_the_one_terraform_get_writes(tmp_path: Path) -> None:
    """Batches record their members' modules instead of running `terraform get`: the record
    must be Terraform's own, nested calls, repeated calls and unclean sources included."""
    from tfharness.planning.batch import module_manifest, prepare_members, write_root
    from tfharness.planning.components import find_component
    from tfharness.planning.scenarios import Scenario
    from tfharness.terraform.command import Terraform
    from tfharness.terraform.timings import Timings
    from tfharness.terraform.toolchain import cli_config
    from tfharness.terraform.workspace import Template

    repo = tmp_path / "repo"
    app = repo / "components" / "terraform" / "app"
    inner = repo / "modules" / "logs" / "inner"
    for folder in (app, inner):
        folder.mkdir(parents=True)
    (app / "main.tf").write_text(
        'module "logs" {\n  source = "../../../modules/logs/"\n}\n'
        'module "again" {\n  source = "../../../modules/./logs"\n}\n'
    )
    (repo / "modules" / "logs" / "main.tf").write_text(
        'module "inner" {\n  source = "./inner"\n}\n'
    )
    (inner / "main.tf").write_text('output "x" {\n  value = 1\n}\n')
    env = cli_config().env()
    template = Template(find_component(app), tmp_path / "t", env, Timings()).ensure_ready()
    batch_dir = tmp_path / "b"
    scenarios = [(Scenario(template.component.name, name, {}), template) for name in "xy"]
    members, alone, errors = prepare_members(batch_dir, scenarios)
    assert len(members) == 2 and not alone and not errors
    write_root(batch_dir, members)

    written = module_manifest(members)
    result = Terraform(batch_dir, env).run("get", "-no-color")
    assert result.returncode == 0, result.stderr
    got = json.loads((batch_dir / ".terraform" / "modules" / "modules.json").read_text())
    assert written == {"Modules": sorted(got["Modules"], key=lambda m: m["Key"])}
    assert len(written["Modules"]) == 1 + 2 * 5  # the root; each member, 2 calls, 2 nested


def test_a_member_calling_a_module_outside_its_copy_is_left_to_terraform_get(
    tmp_path: Path,
) -> None:
    from tfharness.planning.batch import Member, module_manifest
    from tfharness.planning.scenarios import Scenario

    class Copied:  # the template as module_manifest reads it
        dir = tmp_path
        workdir = tmp_path

    (tmp_path / "main.tf").write_text('module "x" {\n  source = "git::https://example.com/x"\n}\n')
    member = Member("s000_a", Scenario("a", "x", {}), Copied(), {}, {})
    assert module_manifest([member]) is None
    (tmp_path / "main.tf").write_text('module "x" {\n  source = "../../elsewhere"\n}\n')
    assert module_manifest([member]) is None
    (tmp_path / "main.tf").write_text('module "x" {\n  source = "./a"\n}\n')
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "main.tf").write_text('module "y" {\n  source = "../a"\n}\n')  # a loop
    assert module_manifest([member]) is None
