"""CI definitions validate against their published schemas, offline (tests/unit/schemas/README.md
says where each schema comes from), and keep the settings the harness depends on."""

from __future__ import annotations

import copy
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator, Draft202012Validator
from jsonschema.exceptions import ValidationError

from tfharness.tooling import REPO_ROOT

pytestmark = pytest.mark.unit

WORKFLOWS = sorted((REPO_ROOT / ".github" / "workflows").glob("*.yml"))
LOCAL_SCHEMAS = Path(__file__).parent / "schemas"


def _vendored(name: str) -> dict[str, Any]:
    """A schema vendored by the check-jsonschema package (SchemaStore / compose-spec copies)."""
    files = resources.files("check_jsonschema.builtin_schemas.vendor")
    return json.loads((files / name).read_text(encoding="utf-8"))


def _load_yaml(path: Path) -> dict[str, Any]:
    document = yaml.safe_load(path.read_text())
    # YAML 1.1 (PyYAML) reads the bare key `on` as the boolean true; GitHub reads YAML 1.2.
    if True in document:
        document["on"] = document.pop(True)
    return document


@pytest.fixture(scope="module")
def workflow_validator() -> Draft7Validator:
    schema = _vendored("github-workflows.json")
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


@pytest.fixture(scope="module")
def compose_validator() -> Draft202012Validator:
    schema = _vendored("compose-spec.json")
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@pytest.fixture(scope="module")
def atmos_validator() -> Draft202012Validator:
    schema = json.loads((LOCAL_SCHEMAS / "atmos-cli-config.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _errors(validator, document) -> list[ValidationError]:
    return sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))


def _describe(errors: list[ValidationError]) -> str:
    return "\n".join(
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors
    )


# --------------------------------------------------------------------------------------------
# GitHub workflows
# --------------------------------------------------------------------------------------------
def test_both_workflows_exist():
    assert {p.name for p in WORKFLOWS} >= {"pull-request.yml", "nightly.yml"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_matches_the_github_schema(workflow_validator, path):
    errors = _errors(workflow_validator, _load_yaml(path))
    assert not errors, _describe(errors)


def test_workflow_schema_rejects_a_job_without_a_runner(workflow_validator):
    document = _load_yaml(REPO_ROOT / ".github/workflows/pull-request.yml")
    broken = copy.deepcopy(document)
    del broken["jobs"]["checks"]["runs-on"]
    errors = _errors(workflow_validator, broken)
    assert errors, "a job without runs-on or uses must not validate"
    assert any(list(e.absolute_path)[:2] == ["jobs", "checks"] for e in errors), _describe(errors)


def test_workflow_schema_rejects_a_missing_trigger(workflow_validator):
    broken = _load_yaml(REPO_ROOT / ".github/workflows/nightly.yml")
    del broken["on"]
    messages = [e.message for e in _errors(workflow_validator, broken)]
    assert "'on' is a required property" in messages


def _steps(path: Path) -> list[dict[str, Any]]:
    document = _load_yaml(path)
    return [step for job in document["jobs"].values() for step in job.get("steps", [])]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_terraform_wrapper_stays_off(path):
    """setup-terraform's wrapper prints extra lines around stdout and corrupts `-json` output."""
    setups = [
        s for s in _steps(path) if str(s.get("uses", "")).startswith("hashicorp/setup-terraform")
    ]
    assert setups, f"{path.name} does not install Terraform"
    for step in setups:
        assert step.get("with", {}).get("terraform_wrapper") is False, step


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_tflint_is_installed_before_the_validation_suite(path):
    """scripts/validate-terraform.sh skips tflint where it is not installed: a workflow that
    validates must install it first, pinned, or .tflint.hcl would never run."""
    steps = _steps(path)
    validates = [i for i, s in enumerate(steps) if "nox -s validate" in s.get("run", "")]
    if not validates:
        pytest.skip(f"{path.name} does not run the validation suite")
    setups = [
        i
        for i, s in enumerate(steps)
        if str(s.get("uses", "")).startswith("terraform-linters/setup-tflint@")
    ]
    assert setups, (
        f"{path.name} validates but does not install tflint (terraform-linters/setup-tflint)"
    )
    assert setups[0] < validates[0], f"{path.name}: install tflint before the validate step"
    for index in setups:
        step = steps[index]
        assert re.fullmatch(r"terraform-linters/setup-tflint@v\d+(\.\d+)*", step["uses"]), step
        assert re.fullmatch(r"v\d+\.\d+\.\d+", str(step.get("with", {}).get("tflint_version"))), (
            f"{path.name}: pin tflint_version (e.g. v0.53.0) so a new release cannot change the rules"
        )


def test_pull_requests_run_tflint():
    steps = _steps(REPO_ROOT / ".github/workflows/pull-request.yml")
    assert any("nox -s validate" in s.get("run", "") for s in steps)
    assert any(str(s.get("uses", "")).startswith("terraform-linters/setup-tflint@") for s in steps)


def test_validation_script_runs_tflint_with_the_repository_config():
    script = (REPO_ROOT / "scripts" / "validate-terraform.sh").read_text()
    assert (REPO_ROOT / ".tflint.hcl").is_file()
    calls = [line for line in script.splitlines() if re.match(r"\s*(if\s+)?tflint\s+--chdir", line)]
    assert calls, "scripts/validate-terraform.sh never runs tflint on a module (--chdir)"
    for call in calls:
        assert '--config="$root/.tflint.hcl"' in call, call


def test_tflint_config_enables_the_catalog_rules():
    """The rules the catalog is held to (CONTRIBUTING.md), each enabled explicitly; only the
    bundled Terraform ruleset (a plugin with a `source` would need `tflint --init` downloads)."""
    import hcl2

    config = hcl2.loads((REPO_ROOT / ".tflint.hcl").read_text())
    rules = {name: body for block in config.get("rule", []) for name, body in block.items()}
    required = {
        "terraform_documented_variables",
        "terraform_documented_outputs",
        "terraform_typed_variables",
        "terraform_naming_convention",
        "terraform_standard_module_structure",
        "terraform_required_version",
        "terraform_required_providers",
        "terraform_unused_declarations",
        "terraform_unused_required_providers",
        "terraform_comment_syntax",
        "terraform_deprecated_index",
        "terraform_deprecated_interpolation",
        "terraform_module_pinned_source",
    }
    off = sorted(r for r in required if rules.get(r, {}).get("enabled") is not True)
    assert not off, f".tflint.hcl: enable {off}"
    assert rules["terraform_naming_convention"].get("format") == "snake_case"
    plugins = {name: body for block in config.get("plugin", []) for name, body in block.items()}
    assert set(plugins) == {"terraform"}, f".tflint.hcl: only the bundled ruleset, got {plugins}"
    assert "source" not in plugins["terraform"], "a plugin source makes tflint download it"


def test_nightly_sweeps_on_failure():
    steps = _steps(REPO_ROOT / ".github/workflows/nightly.yml")
    sweeps = [s for s in steps if "nox -s sweep" in s.get("run", "")]
    assert sweeps, "the nightly workflow has no sweep step"
    assert all(s.get("if") == "failure()" for s in sweeps), sweeps
    integration = next(i for i, s in enumerate(steps) if "nox -s integration" in s.get("run", ""))
    assert steps.index(sweeps[0]) > integration, "sweep must run after the integration tier"


def test_nightly_runs_both_targets():
    """LocalStack Pro from its image, and the embedded moto and LocalStack as .ci/run does."""
    document = _load_yaml(REPO_ROOT / ".github/workflows/nightly.yml")
    runs = {
        name: [s.get("run", "") for s in job.get("steps", [])]
        for name, job in document["jobs"].items()
    }
    assert document["jobs"]["integration"]["env"]["TFHARNESS_TARGET"] == "localstack"
    assert any("nox -s integration" in r for r in runs["integration"])
    assert any(r.startswith("nox -s integration") for r in runs["embedded"])
    assert "nox -s localstack" in runs["embedded"]
    assert "TFHARNESS_TARGET" not in (document["jobs"]["embedded"].get("env") or {})


def test_nightly_takes_the_localstack_token_from_a_secret():
    document = _load_yaml(REPO_ROOT / ".github/workflows/nightly.yml")
    service = document["jobs"]["integration"]["services"]["localstack"]
    assert service["env"]["LOCALSTACK_AUTH_TOKEN"] == "${{ secrets.LOCALSTACK_AUTH_TOKEN }}"


def test_pull_request_publishes_a_plan_summary_and_junit():
    steps = _steps(REPO_ROOT / ".github/workflows/pull-request.yml")
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "$GITHUB_STEP_SUMMARY" in runs
    assert any(
        str(s.get("uses", "")).startswith("actions/upload-artifact") and s.get("if") == "always()"
        for s in steps
    )


# --------------------------------------------------------------------------------------------
# docker-compose.yml
# --------------------------------------------------------------------------------------------
def test_compose_file_matches_the_compose_specification(compose_validator):
    errors = _errors(compose_validator, _load_yaml(REPO_ROOT / "docker-compose.yml"))
    assert not errors, _describe(errors)


def test_compose_schema_rejects_an_unknown_service_key(compose_validator):
    broken = _load_yaml(REPO_ROOT / "docker-compose.yml")
    broken["services"]["localstack"]["port"] = ["4566:4566"]  # typo of `ports`
    errors = _errors(compose_validator, broken)
    assert any("'port' was unexpected" in e.message for e in errors), _describe(errors)


def test_compose_schema_rejects_a_bad_healthcheck(compose_validator):
    broken = _load_yaml(REPO_ROOT / "docker-compose.yml")
    broken["services"]["localstack"]["healthcheck"]["interval_seconds"] = 5  # not a field
    errors = _errors(compose_validator, broken)
    assert any(
        list(e.absolute_path) == ["services", "localstack", "healthcheck"]
        and "'interval_seconds' does not match" in e.message
        for e in errors
    ), _describe(errors)


# --------------------------------------------------------------------------------------------
# atmos.yaml
# --------------------------------------------------------------------------------------------
def test_atmos_config_matches_the_atmos_schema(atmos_validator):
    errors = _errors(atmos_validator, _load_yaml(REPO_ROOT / "atmos.yaml"))
    assert not errors, _describe(errors)


def test_atmos_config_points_at_this_layout():
    config = _load_yaml(REPO_ROOT / "atmos.yaml")
    root = REPO_ROOT / config["base_path"]
    assert (
        root / config["components"]["terraform"]["base_path"] / "rds" / "variables.tf"
    ).is_file()
    stacks_dir = root / config["stacks"]["base_path"]
    included = [
        p
        for pattern in config["stacks"]["included_paths"]
        for p in stacks_dir.glob(pattern)
        if p.is_file()
    ]
    assert sorted(p.stem for p in included) == ["dev", "prod", "staging"]


def test_atmos_schema_rejects_a_misspelt_stacks_key(atmos_validator):
    broken = _load_yaml(REPO_ROOT / "atmos.yaml")
    broken["stacks"]["include_paths"] = broken["stacks"].pop("included_paths")
    messages = [e.message for e in _errors(atmos_validator, broken)]
    assert "'included_paths' is a required property" in messages
    assert any("'include_paths' was unexpected" in m for m in messages), messages


def test_atmos_schema_rejects_an_unknown_name_pattern_token(atmos_validator):
    broken = _load_yaml(REPO_ROOT / "atmos.yaml")
    broken["stacks"]["name_pattern"] = "{env}"
    errors = _errors(atmos_validator, broken)
    assert [list(e.absolute_path) for e in errors] == [["stacks", "name_pattern"]], _describe(
        errors
    )


def test_atmos_schema_rejects_an_unknown_log_level(atmos_validator):
    broken = _load_yaml(REPO_ROOT / "atmos.yaml")
    broken["logs"]["level"] = "Verbose"
    errors = _errors(atmos_validator, broken)
    assert [list(e.absolute_path) for e in errors] == [["logs", "level"]], _describe(errors)
