"""The repository holds exactly the 21 components the seed names, each complete."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfharness.components import REPO_ROOT, all_components
from tfharness.scenarios import scenario_file, scenario_names
from tfharness.standard import check_component

pytestmark = pytest.mark.unit

# Seed section 8, "Components Updated".
SEED_COMPONENTS = (
    "acm",
    "apigateway",
    "backend",
    "backup",
    "cost-optimization",
    "dns",
    "ec2",
    "ecs",
    "eks",
    "eks-addons",
    "eks-backend-services",
    "external-secrets",
    "iam",
    "idp-platform",
    "lambda",
    "monitoring",
    "rds",
    "secretsmanager",
    "security-monitoring",
    "securitygroup",
    "vpc",
)


def test_exactly_the_seed_components_exist() -> None:
    present = {c.name for c in all_components()}
    missing, extra = set(SEED_COMPONENTS) - present, present - set(SEED_COMPONENTS)
    assert not missing and not extra, (
        f"missing components: {sorted(missing)}; not in the seed: {sorted(extra)}"
    )


@pytest.mark.parametrize("name", SEED_COMPONENTS)
def test_component_is_complete(name: str) -> None:
    path = REPO_ROOT / "components" / "terraform" / name
    if not path.is_dir():
        pytest.fail(f"components/terraform/{name}/ does not exist")
    problems = [str(d) for d in check_component(path)]
    if not (path / "README.md").is_file():
        problems.append("no README.md")
    if "default" not in scenario_names(name):
        problems.append(f"no `default` scenario in {scenario_file(name).relative_to(REPO_ROOT)}")
    test_file = Path(__file__).parent / f"test_{name.replace('-', '_')}.py"
    if not test_file.is_file():
        problems.append(f"no unit-test module {test_file.relative_to(REPO_ROOT)}")
    assert not problems, f"{name}: " + "; ".join(problems)


@pytest.mark.parametrize("name", SEED_COMPONENTS)
def test_default_scenario_plans(name: str, plan_for) -> None:
    if "default" not in scenario_names(name):
        pytest.fail(f"{name} has no default scenario")
    plan = plan_for(name)
    assert plan.managed, f"{name}: the default scenario plans no resources"
