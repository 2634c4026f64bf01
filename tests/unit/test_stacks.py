"""Atmos stacks (stacks/, atmos.yaml): every component plans with every stack's inputs, prod
passes every production validation, insecure prod overrides are rejected by rule and message,
and the fallback resolver (tfharness.tooling.stacks) behaves like Atmos on the subset the stacks use."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tfharness.errors import ScenarioFileError, UnknownScenario
from tfharness.planning.components import first_party_components
from tfharness.tooling import REPO_ROOT, stacks

pytestmark = pytest.mark.unit

STACKS_DIR = REPO_ROOT / "stacks"
# The stack contract (a catalog entry, configured in every stack, Environment tags) is for
# first-party components; an adopted module joins stacks when its owners add it.
COMPONENTS = [component.name for component in first_party_components()]
DEPLOY_STACKS = stacks.deploy_stacks()
NAME_RULE = re.compile(r"^[a-z][a-z0-9-]{0,22}[a-z0-9]$")
ALL_LOG_TYPES = {"api", "audit", "authenticator", "controllerManager", "scheduler"}


@pytest.fixture(autouse=True)
def _real_stacks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests read the repository's stacks unless they point TFHARNESS_STACKS_DIR elsewhere."""
    monkeypatch.delenv("TFHARNESS_STACKS_DIR", raising=False)


# --------------------------------------------------------------------------------------------
# The stack files themselves
# --------------------------------------------------------------------------------------------
def test_dev_staging_and_prod_are_the_deployable_stacks():
    assert DEPLOY_STACKS == ["dev", "prod", "staging"]


@pytest.mark.parametrize("stack", DEPLOY_STACKS)
def test_stack_name_is_its_environment(stack):
    """atmos.yaml names stacks by `{environment}`: the file name, the Atmos stack name and the
    environment input must agree, or `atmos ... -s prod` would find another file."""
    assert stacks.component_vars(stack, "rds")["environment"] == stack
    config = yaml.safe_load((REPO_ROOT / "atmos.yaml").read_text())
    assert config["stacks"]["name_pattern"] == "{environment}"


@pytest.mark.parametrize("stack", DEPLOY_STACKS)
def test_every_stack_configures_every_component(stack):
    assert stacks.configured_components(stack) == COMPONENTS


@pytest.mark.parametrize("component", COMPONENTS)
def test_every_component_has_a_catalog_entry(component):
    catalog = yaml.safe_load((STACKS_DIR / "catalog" / f"{component}.yaml").read_text())
    entry = catalog["components"]["terraform"][component]
    assert entry["vars"], f"stacks/catalog/{component}.yaml has no baseline vars"
    assert NAME_RULE.match(entry["vars"]["name"]), entry["vars"]["name"]
    # region/environment/tags are per stack: a catalog that pins them would leak dev into prod
    assert not {"region", "environment"} & set(entry["vars"])


@pytest.mark.parametrize("stack", DEPLOY_STACKS)
def test_stack_sets_the_shared_context(stack):
    merged = stacks.component_vars(stack, "vpc")
    assert merged["region"] == "us-east-1"
    assert merged["tags"]["Stack"] == stack


# --------------------------------------------------------------------------------------------
# Every component plans with every stack
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("stack", DEPLOY_STACKS)
@pytest.mark.parametrize("component", COMPONENTS)
def test_component_plans_with_stack(plan_for, component, stack):
    plan = plan_for(component, f"stack:{stack}")
    assert plan.managed, f"{component} in {stack} plans no resources"
    for rc in (rc for rc in plan.managed if rc.tags):
        assert rc.tags.get("Environment") == stack, rc.address
        assert rc.tags.get("Stack") == stack, rc.address


# --------------------------------------------------------------------------------------------
# Prod satisfies every production validation, and it shows in the plan
# --------------------------------------------------------------------------------------------
def test_prod_database_is_multi_az_protected_and_private(plan_for):
    db = plan_for("rds", "stack:prod").one("aws_db_instance")
    assert db["multi_az"] is True
    assert db["deletion_protection"] is True
    assert db["publicly_accessible"] is False
    assert db["storage_encrypted"] is True
    assert db["backup_retention_period"] >= 7
    assert db["skip_final_snapshot"] is False


def test_dev_database_stays_cheap(plan_for):
    db = plan_for("rds", "stack:dev").one("aws_db_instance")
    assert db["multi_az"] is False
    assert db["instance_class"] == "db.t3.micro"


@pytest.mark.parametrize("stack", DEPLOY_STACKS)
def test_secrets_rotation_is_on_in_every_stack(plan_for, stack):
    """The seed's migration guide enables rotation after testing: the rotation tier tests it,
    so every stack rotates the master password."""
    rotation = plan_for("rds", f"stack:{stack}").one("aws_secretsmanager_secret_rotation")
    assert rotation.action == "create"


@pytest.mark.parametrize("stack", DEPLOY_STACKS)
def test_flow_logs_capture_all_traffic_in_every_stack(plan_for, stack):
    plan = plan_for("vpc", f"stack:{stack}")
    plan.assert_attr("aws_flow_log.this[0]", "traffic_type", "ALL")
    plan.assert_attr("aws_flow_log.this[0]", "log_destination_type", "cloud-watch-logs")


def test_prod_vpc_spans_three_zones_and_archives_flow_logs(plan_for):
    plan = plan_for("vpc", "stack:prod")
    zones = {rc["availability_zone"] for rc in plan.of_type("aws_subnet")}
    assert len(zones) == 3
    plan.assert_attr("aws_flow_log.s3[0]", "log_destination_type", "s3")
    assert plan.one("aws_s3_bucket")["force_destroy"] is False


def test_prod_launch_templates_are_termination_protected_and_imdsv2(plan_for):
    templates = plan_for("ec2", "stack:prod").of_type("aws_launch_template")
    assert templates
    for template in templates:
        assert template["disable_api_termination"] is True, template.address
        assert template.get("metadata_options[0].http_tokens") == "required", template.address


def test_prod_cluster_is_private_and_logs_everything(plan_for):
    cluster = plan_for("eks", "stack:prod").one("aws_eks_cluster")
    assert cluster.get("vpc_config[0].endpoint_public_access") is False
    assert set(cluster["enabled_cluster_log_types"]) == ALL_LOG_TYPES


def test_prod_eks_addons_are_pinned(plan_for):
    for addon in plan_for("eks-addons", "stack:prod").of_type("aws_eks_addon"):
        assert addon["addon_version"], f"{addon.address} is unpinned in prod"


def test_prod_backup_vault_is_locked(plan_for):
    plan = plan_for("backup", "stack:prod")
    assert plan.of_type("aws_backup_vault_lock_configuration")


# --------------------------------------------------------------------------------------------
# An insecure override of the prod stack is rejected by rule and message
# --------------------------------------------------------------------------------------------
def test_override_scenarios_start_from_the_prod_stack(scenario_for):
    scenario = scenario_for("rds", "stack_prod_single_az")
    prod = stacks.component_vars("prod", "rds")
    assert scenario.vars == {**prod, "multi_az": False}


# --------------------------------------------------------------------------------------------
# The resolver used when atmos is absent
# --------------------------------------------------------------------------------------------
def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.fixture
def stack_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def make(files: dict[str, str]) -> Path:
        root = _write(tmp_path / "stacks", files)
        monkeypatch.setenv("TFHARNESS_STACKS_DIR", str(root))
        monkeypatch.setenv("TFHARNESS_ATMOS", "0")
        return root

    return make


def test_resolver_says_it_stands_in_for_atmos(monkeypatch):
    monkeypatch.setenv("TFHARNESS_ATMOS", "0")
    assert "atmos is not installed" in stacks.resolver()


def test_imports_apply_in_order_and_the_stack_wins(stack_dir):
    stack_dir(
        {
            "catalog/a.yaml": "components: {terraform: {db: {vars: {size: small, from_a: 1}}}}\n",
            "catalog/b.yaml": "components: {terraform: {db: {vars: {size: medium}}}}\n",
            "deploy/prod.yaml": "import: [catalog/a, catalog/b]\n"
            "vars: {environment: prod}\n"
            "components: {terraform: {db: {vars: {owner: team}}}}\n",
            "deploy/dev.yaml": "import: [catalog/b, catalog/a]\n",
        }
    )
    assert stacks.component_vars("prod", "db") == {
        "environment": "prod",
        "size": "medium",
        "from_a": 1,
        "owner": "team",
    }
    assert stacks.component_vars("dev", "db")["size"] == "small"


def test_component_vars_override_global_vars(stack_dir):
    stack_dir(
        {
            "deploy/prod.yaml": "vars: {region: us-east-1, size: global}\n"
            "components: {terraform: {db: {vars: {size: own}}}}\n"
        }
    )
    assert stacks.component_vars("prod", "db") == {"region": "us-east-1", "size": "own"}


def test_maps_deep_merge_and_lists_are_replaced(stack_dir):
    stack_dir(
        {
            "base.yaml": "vars: {tags: {Team: platform, Tier: base}, zones: [a, b, c]}\n"
            "components: {terraform: {db: {vars: {}}}}\n",
            "deploy/prod.yaml": "import: [base]\nvars: {tags: {Tier: prod}, zones: [a]}\n",
        }
    )
    resolved = stacks.component_vars("prod", "db")
    assert resolved["tags"] == {"Team": "platform", "Tier": "prod"}
    assert resolved["zones"] == ["a"]


def test_glob_imports_are_sorted(stack_dir):
    stack_dir(
        {
            "catalog/zz.yaml": "components: {terraform: {zz: {vars: {order: last}}}}\nvars: {who: zz}\n",
            "catalog/aa.yaml": "components: {terraform: {aa: {vars: {order: first}}}}\nvars: {who: aa}\n",
            "deploy/dev.yaml": "import: ['catalog/*']\n",
        }
    )
    assert stacks.configured_components("dev") == ["aa", "zz"]
    assert stacks.component_vars("dev", "aa")["who"] == "zz"  # the later file wins


def test_import_cycle_is_an_error(stack_dir):
    stack_dir(
        {"a.yaml": "import: [b]\n", "b.yaml": "import: [a]\n", "deploy/dev.yaml": "import: [a]\n"}
    )
    with pytest.raises(
        ScenarioFileError, match=r"stack import cycle: dev.yaml -> a.yaml -> b.yaml -> a.yaml"
    ):
        stacks.component_vars("dev", "db")


def test_missing_import_is_an_error(stack_dir):
    stack_dir({"deploy/dev.yaml": "import: [catalog/nope]\n"})
    with pytest.raises(ScenarioFileError, match=r"stack import 'catalog/nope' matches no file"):
        stacks.configured_components("dev")


def test_unknown_stack_and_component_are_errors(stack_dir):
    stack_dir({"deploy/dev.yaml": "components: {terraform: {db: {vars: {}}}}\n"})
    with pytest.raises(UnknownScenario, match=r"no stack 'qa': known stacks are dev"):
        stacks.component_vars("qa", "db")
    with pytest.raises(UnknownScenario, match=r"stack 'dev' does not configure component 'web'"):
        stacks.component_vars("dev", "web")


def test_excluded_defaults_are_not_deployable(stack_dir):
    """Only files directly under deploy/ are stacks; `_defaults.yaml`-style files are imports."""
    stack_dir(
        {
            "deploy/dev.yaml": "import: [mixins/_defaults]\n",
            "mixins/_defaults.yaml": "components: {terraform: {db: {vars: {x: 1}}}}\n",
        }
    )
    assert stacks.deploy_stacks() == ["dev"]
    assert stacks.component_vars("dev", "db") == {"x": 1}


def test_plan_all_workflow_covers_every_component():
    workflow = yaml.safe_load((STACKS_DIR / "workflows" / "plan-all.yaml").read_text())
    steps = workflow["workflows"]["plan-all"]["steps"]
    planned = [step["command"].removeprefix("terraform plan ") for step in steps]
    assert sorted(planned) == COMPONENTS
    assert planned.index("vpc") < planned.index("rds") < planned.index("monitoring")


@pytest.mark.parametrize("stack", DEPLOY_STACKS)
def test_placeholder_wiring_follows_the_producers_names(stack):
    """Inputs that name another component's resources use that component's naming in the same
    stack (`<name>-<environment>`), so a stack copied from dev cannot point prod at dev."""

    def prefix(component: str) -> str:
        return f"{stacks.component_vars(stack, component)['name']}-{stack}"

    assert stacks.component_vars(stack, "eks-addons")["cluster_name"] == prefix("eks")
    monitoring = stacks.component_vars(stack, "monitoring")
    assert monitoring["vpc_flow_log_group_name"] == f"/aws/vpc-flow-logs/{prefix('vpc')}"
    assert stacks.component_vars(stack, "security-monitoring")["composite_alarm_names"] == [
        f"{prefix('vpc')}-flow-logs-ssh-attempts",
        f"{prefix('securitygroup')}-security-group-public-ingress",
    ]
    assert (
        stacks.component_vars(stack, "external-secrets")["secrets_path_prefix"] == f"/{stack}/apps/"
    )


@pytest.mark.parametrize("stack", DEPLOY_STACKS)
def test_no_secret_values_in_stack_files(stack):
    """Secret values are ephemeral inputs passed at plan/apply time, never committed."""
    for component in COMPONENTS:
        resolved = stacks.component_vars(stack, component)
        assert "secret_values" not in resolved, component
        assert "master_password" not in resolved, component
