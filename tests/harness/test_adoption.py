"""Adopting a module: what stopped a platform team's own modules from going through the harness
unchanged (issue "The harness works on any Terraform module"), each pinned by a test, and the
bad input around it, each with a message that says what to do."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tfharness import layout
from tfharness.deploying.deployment import RUN_TAG, provider_files
from tfharness.deploying.emulator import Endpoint
from tfharness.errors import (
    ConfigurationError,
    ScenarioFileError,
    TerraformFailed,
    UnknownComponent,
)
from tfharness.planning import cache, components
from tfharness.planning.components import Component, find_component, first_party_components
from tfharness.planning.planner import Planner
from tfharness.planning.scenarios import load_scenario, scenario_names_or_default
from tfharness.terraform import configuration
from tfharness.terraform.diagnostics import Rejection, from_json
from tfharness.terraform.plan import Plan
from tfharness.terraform.timings import Timings
from tfharness.terraform.toolchain import cli_config
from tfharness.terraform.workspace import Template
from tfharness.tooling.affected import affected_components

pytestmark = pytest.mark.harness

FIXTURES = Path(__file__).parent / "fixtures"
USER_REPO = FIXTURES / "user-repo"
ORDERS = USER_REPO / "components" / "terraform" / "orders"


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def template_of(module: Path, tmp_path: Path, endpoint: Endpoint) -> Template:
    env = {**cli_config().env(), **endpoint.env()}
    return Template(Component(module.name, module), tmp_path / "w", env, Timings())


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A project of one's own: components, scenarios and stacks under a temporary root."""

    def make(files: dict[str, str]) -> Path:
        write(tmp_path, files)
        for kind in ("components", "scenarios", "stacks"):
            monkeypatch.delenv(layout.ENV[kind], raising=False)
        layout.configure(layout.Layout.under(tmp_path))
        components.refresh()
        return tmp_path

    previous = layout._configured
    yield make
    layout.configure(previous)
    components.refresh()


# 1. The provider standard applies to first-party components; adopted ones keep their own.
def test_adopted_module_is_not_held_to_the_provider_standard(project) -> None:
    root = project(
        {
            "components/terraform/adopted/main.tf": 'provider "aws" {\n  region = var.region\n}\n'
            'variable "region" {\n  type = string\n}\n',
        }
    )
    shutil.copytree(FIXTURES / "components" / "tiny", root / "components" / "terraform" / "tiny")
    components.refresh()
    assert [c.name for c in first_party_components()] == ["tiny"]
    assert not find_component("adopted").first_party


@pytest.mark.runs_terraform
def test_an_init_failure_reports_terraforms_error_not_a_guess(
    tmp_path: Path, endpoint: Endpoint
) -> None:
    """A duplicate provider block is a configuration error, not an incomplete mirror."""
    module = write(
        tmp_path / "dup",
        {
            "a.tf": 'provider "aws" {\n  region = "us-east-1"\n}\n',
            "b.tf": 'provider "aws" {\n  region = "us-west-2"\n}\n',
        },
    )
    template = Template(
        Component("dup", module),
        tmp_path / "w",
        {**cli_config().env(), **endpoint.env()},
        Timings(),
    )
    with pytest.raises(TerraformFailed) as error:
        template.ensure_initialised()
    assert "Duplicate provider configuration" in str(error.value)
    assert "mirror" not in str(error.value)


@pytest.mark.runs_terraform
def test_a_provider_the_mirror_lacks_is_named_with_what_to_do(
    tmp_path: Path, endpoint: Endpoint
) -> None:
    module = write(
        tmp_path / "needs-random",
        {
            "main.tf": "terraform {\n  required_providers {\n    random = {\n"
            '      source = "hashicorp/random"\n    }\n  }\n}\n'
            'resource "random_id" "x" {\n  byte_length = 4\n}\n'
        },
    )
    with pytest.raises(TerraformFailed) as error:
        template_of(module, tmp_path, endpoint).ensure_initialised()
    message = str(error.value)
    assert (
        "needs-random: terraform init failed: the module needs provider hashicorp/random" in message
    )
    if cli_config().mirror:
        assert f"the provider mirror at {cli_config().mirror} does not hold it" in message
        assert "terraform providers mirror" in message


# 4. Relative module sources: the workspace holds what the configuration needs.
def test_local_modules_are_part_of_the_component(tmp_path: Path) -> None:
    orders = Component("orders", ORDERS)
    module_dir = (USER_REPO / "modules" / "log-group").resolve()
    assert orders.module_dirs == (module_dir,)
    assert orders.tree_root == USER_REPO.resolve()
    assert orders.relative_dir == Path("components/terraform/orders")
    files = {str(p.relative_to(USER_REPO.resolve())) for p in orders.source_files()}
    assert "modules/log-group/main.tf" in files
    assert "components/terraform/orders/variables.tf.json" in files


def test_the_plan_cache_key_covers_local_module_files(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(USER_REPO, repo)
    orders = Component("orders", repo / "components" / "terraform" / "orders")
    before = cache.component_fingerprint(orders.source_files(), orders.tree_root)
    module = repo / "modules" / "log-group" / "main.tf"
    module.write_text(module.read_text().replace("var.retention_days", "7"))
    orders = Component("orders", orders.path)
    assert cache.component_fingerprint(orders.source_files(), orders.tree_root) != before


def test_changed_since_maps_a_local_module_file_to_its_callers(project) -> None:
    root = project({})
    shutil.copytree(USER_REPO, root, dirs_exist_ok=True)
    components.refresh()
    # modules/ is the shared-modules root too: the module's own tests are selected with its callers.
    assert affected_components(["modules/log-group/main.tf"], root) == {"orders", "log-group"}
    assert affected_components(["components/terraform/orders/main.tf"], root) == {"orders"}


def test_a_relative_source_that_points_nowhere_says_so(tmp_path: Path) -> None:
    module = write(
        tmp_path / "broken",
        {"main.tf": 'module "x" {\n  source = "../../modules/nope"\n}\n'},
    )
    with pytest.raises(ConfigurationError) as error:
        Component("broken", module).source_files()
    message = str(error.value)
    assert "module 'x' has source '../../modules/nope'" in message
    assert "there is no Terraform module there" in message and "Fix the path" in message


# 5. Only the Lambda build output is left out of copies.
def test_nested_build_folders_are_copied_only_the_lambda_output_is_not(tmp_path: Path) -> None:
    module = write(
        tmp_path / "c",
        {
            "main.tf": "",
            "files/build/settings.json": "{}",
            "build/stale.zip": "old package",
            "lambda/build.py": "print('build')\n",
        },
    )
    files = {str(p.relative_to(module)) for p in Component("c", module).source_files()}
    assert "files/build/settings.json" in files and "lambda/build.py" in files
    assert "build/stale.zip" not in files
    (module / "lambda" / "build.py").unlink()  # no code package: `build/` is the module's own
    assert "build/stale.zip" in {
        str(p.relative_to(module)) for p in Component("c", module).source_files()
    }


# 6. Declarations come from a parser, *.tf.json included.
def test_variables_and_outputs_in_json_syntax_are_declared() -> None:
    module = configuration.read(ORDERS)
    assert set(module.variables) == {
        "region",
        "replica_region",
        "name",
        "default_tags",
        "retention_days",
    }
    assert module.variables["name"].file.name == "variables.tf.json"
    assert set(module.outputs) == {"log_group_name", "replica_log_group_name", "parameter_name"}
    assert module.provider_aliases() == ["replica"]
    assert module.module_calls["events"].source == "../../../modules/log-group"
    assert module.required_providers == {"aws": "hashicorp/aws"}


def test_a_json_validation_is_named_by_its_variable() -> None:
    text = (ORDERS / "variables.tf.json").read_text().splitlines()
    line = next(n for n, row in enumerate(text, 1) if '"condition"' in row)
    assert configuration.variable_at(ORDERS, "variables.tf.json", line) == "var.name"


# 7. The run tag is merged into the module's own default_tags, for every provider.
def test_apply_override_merges_the_run_tag_into_the_modules_default_tags() -> None:
    files = provider_files(ORDERS, "run-7", emulator=True)
    assert set(files) == {"harness_override.tf"}
    text = files["harness_override.tf"]
    run_tag = f'{{ "{RUN_TAG}" = "run-7" }}'
    assert f'tags = merge(merge(var.default_tags, {{ Module = "orders" }}), {run_tag})' in text
    assert f"tags = merge(var.default_tags, {run_tag})" in text
    assert 'alias       = "replica"' in text and text.count('provider "aws" {') == 2


def test_a_module_without_provider_blocks_gets_one(tmp_path: Path) -> None:
    module = write(tmp_path / "bare", {"main.tf": 'resource "aws_sqs_queue" "q" {}\n'})
    files = provider_files(module, "run-8", emulator=False)
    assert set(files) == {"harness_provider.tf"}
    assert f'tags = {{ "{RUN_TAG}" = "run-8" }}' in files["harness_provider.tf"]


def test_json_provider_tags_are_merged_too(tmp_path: Path) -> None:
    provider = {"region": "us-east-1", "default_tags": {"tags": {"Team": "data-${var.x}"}}}
    module = write(
        tmp_path / "j", {"providers.tf.json": json.dumps({"provider": {"aws": provider}})}
    )
    text = provider_files(module, "run-9", emulator=False)["harness_override.tf"]
    assert f'tags = merge({{ "Team" = "data-${{var.x}}" }}, {{ "{RUN_TAG}" = "run-9" }})' in text


# 8. A provider error is a rule named by the resource's address.
PROVIDER_ERROR = {
    "severity": "error",
    "summary": "expected deletion_window_in_days to be in the range (7 - 30), got 3",
    "detail": "",
    "address": "aws_kms_key.this",
    "range": {"filename": "main.tf", "start": {"line": 3}},
    "snippet": {"context": 'resource "aws_kms_key" "this"'},
}


def test_a_provider_error_names_its_resource() -> None:
    diagnostic = from_json(PROVIDER_ERROR)
    assert (diagnostic.kind, diagnostic.rule) == ("provider", "aws_kms_key.this")
    assert diagnostic.message == PROVIDER_ERROR["summary"]
    nested = from_json({**PROVIDER_ERROR, "address": "module.q.aws_kms_key.this[0]"})
    assert nested.rule == "module.q.aws_kms_key.this"
    rejection = Rejection("c:short_window", [diagnostic])
    assert rejection.assert_rule("aws_kms_key.this", summary=PROVIDER_ERROR["summary"])
    with pytest.raises(
        AssertionError, match=r"expected with summary 'expected deletion_window_in_days 7'"
    ):
        rejection.assert_rule("aws_kms_key.this", summary="expected deletion_window_in_days 7")


def test_a_data_source_error_stays_ruleless() -> None:
    """Reading a data source can fail for reasons that are not the scenario's."""
    diagnostic = from_json(
        {**PROVIDER_ERROR, "address": "data.aws_region.current", "summary": "HTTP 500"}
    )
    assert (diagnostic.kind, diagnostic.rule) == ("error", None)


@pytest.mark.runs_terraform
def test_a_provider_error_is_an_expected_failure_batched_or_alone(
    endpoint: Endpoint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenarios = tmp_path / "scenarios"
    write(
        scenarios,
        {
            "orders.yaml": (USER_REPO / "tests" / "scenarios" / "orders.yaml").read_text(),
        },
    )
    monkeypatch.setenv("TFHARNESS_COMPONENTS_DIR", str(USER_REPO / "components" / "terraform"))
    monkeypatch.setenv("TFHARNESS_SCENARIOS_DIR", str(scenarios))
    monkeypatch.setenv("TFHARNESS_PLAN_CACHE", "0")
    rules = {}
    for batch in (True, False):
        planner = Planner(endpoint, root=tmp_path / f"w{batch}", batch=batch)
        outcome = planner.rejection("orders", "short_retention")
        assert isinstance(planner.plan("orders"), Plan)
        rules[batch] = sorted(outcome.rules)
        primary = outcome.assert_rule("module.events.aws_cloudwatch_log_group.this")
        assert primary.summary.startswith("expected retention_in_days to be one of [")
        assert primary.filename == "../../../modules/log-group/main.tf"
    assert (
        rules[True]
        == rules[False]
        == [
            "module.events.aws_cloudwatch_log_group.this",
            "module.replica_events.aws_cloudwatch_log_group.this",
        ]
    )


# 9. A broken scenario file fails only its own component's tests.
def test_a_broken_scenario_file_fails_only_its_component(
    endpoint: Endpoint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = tmp_path / "components"
    shutil.copytree(FIXTURES / "components" / "tiny", catalog / "tiny")
    shutil.copytree(FIXTURES / "components" / "tiny", catalog / "tiny2")
    scenarios = write(
        tmp_path / "scenarios",
        {
            "tiny.yaml": "default:\n  vars: {region: us-east-1, environment: dev, name: tiny}\n",
            "tiny2.yaml": "default:\n  vars: {region: us-east-1\nbroken: [\n",
        },
    )
    monkeypatch.setenv("TFHARNESS_COMPONENTS_DIR", str(catalog))
    monkeypatch.setenv("TFHARNESS_SCENARIOS_DIR", str(scenarios))
    assert scenario_names_or_default("tiny2") == ["default"]  # collection goes on
    planner = Planner(endpoint, root=tmp_path / "w")
    planner.expect(["tiny", "tiny2"])
    with pytest.raises(ScenarioFileError) as error:
        planner.plan("tiny2")
    assert f"{scenarios / 'tiny2.yaml'}:3: not valid YAML" in str(error.value)
    assert "only this component's scenarios are affected" in str(error.value)
    assert isinstance(planner.plan("tiny"), Plan)  # the other component plans (or is cached)


# 10. boto3 clients for any region.
def test_boto3_clients_for_another_region(endpoint: Endpoint) -> None:
    client = endpoint.boto3_client("sqs", region_name="eu-west-1")
    assert client.meta.region_name == "eu-west-1"
    assert endpoint.boto3_client("sqs").meta.region_name == endpoint.region


# 11. Components by path; unknown names and empty paths say what to do.
def test_a_component_by_path_is_remembered_by_name(project, tmp_path: Path) -> None:
    project({})
    outside = write(tmp_path / "elsewhere" / "svc", {"main.tf": ""})
    component = find_component(outside)
    assert (component.name, component.path) == ("svc", outside.resolve())
    assert find_component("svc") is component
    assert find_component(str(outside)) is component


def test_an_unknown_name_lists_the_known_ones_and_where_it_looked(project) -> None:
    root = project({"components/terraform/orders/main.tf": ""})
    with pytest.raises(UnknownComponent) as error:
        find_component("vpc")
    message = str(error.value)
    assert f"there is no {root / 'components' / 'terraform' / 'vpc'}/ with *.tf files" in message
    assert "Known components: orders" in message and "Pass a path" in message


def test_a_path_without_terraform_files_says_so(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("no module here")
    with pytest.raises(UnknownComponent, match=r"holds no \*\.tf or \*\.tf\.json files: point at"):
        find_component(tmp_path)


def test_two_components_of_one_name_are_refused(project, tmp_path: Path) -> None:
    project({"components/terraform/svc/main.tf": ""})
    other = write(tmp_path / "other" / "svc", {"main.tf": ""})
    with pytest.raises(UnknownComponent, match=r"two components are named 'svc'"):
        find_component(other)


def test_scenario_files_of_a_project_come_from_its_layout(project) -> None:
    project(
        {
            "components/terraform/svc/main.tf": "",
            "tests/scenarios/svc.yaml": "default:\n  vars: {region: eu-west-1}\n",
        }
    )
    assert load_scenario("svc").vars == {"region": "eu-west-1"}


def test_environment_variables_win_over_the_configured_layout(
    project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project({})
    monkeypatch.setenv("TFHARNESS_SCENARIOS_DIR", str(tmp_path / "elsewhere"))
    assert layout.scenarios_root() == (tmp_path / "elsewhere").resolve()
    assert layout.components_root() == (tmp_path / "components" / "terraform").resolve()


def test_rejections_of_adopted_modules_compare_equal_batched_and_alone() -> None:
    """Batch diagnostics are rewritten to what the standalone plan says (file relative to
    the component's folder, address without the batch's module key)."""
    from tfharness.planning.batch import Member, _member_of
    from tfharness.planning.scenarios import Scenario
    from tfharness.terraform.diagnostics import Diagnostic

    member = Member(
        "s001_orders",
        Scenario("orders", "x", {}),
        None,  # type: ignore[arg-type]
        {},
        {},
        "components/terraform/orders",
        False,
        True,
    )
    raw = Diagnostic(
        "error",
        "expected ...",
        "expected ...",
        "provider",
        "module.s001_orders.module.events.aws_cloudwatch_log_group.this",
        "m/s001_orders/modules/log-group/main.tf",
        5,
    )
    key, local = _member_of(raw, {"s001_orders": member})
    assert key == "s001_orders"
    assert local.rule == "module.events.aws_cloudwatch_log_group.this"
    assert local.filename == "../../../modules/log-group/main.tf"
    assert isinstance(Rejection("orders:x", [local]).by_rule(local.rule)[0], Diagnostic)
