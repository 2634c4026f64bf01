"""The repository holds the 21 components the seed names, first-party and each complete; any
further first-party component is held to the same completeness check. Adopted modules (no
provider standard, see CONTRIBUTING.md "Adopting a module") are only required to plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfharness.planning.components import (
    Component,
    all_components,
    first_party_components,
    shared_modules,
)
from tfharness.planning.scenarios import scenario_file, scenario_names
from tfharness.tooling import REPO_ROOT
from tfharness.tooling.standard import check_component, check_module

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


FIRST_PARTY = sorted({*SEED_COMPONENTS, *(c.name for c in first_party_components())})
UNIT_TESTS = Path(__file__).parent


def test_every_seed_component_exists_and_is_first_party() -> None:
    present = {c.name: c for c in all_components()}
    missing = sorted(set(SEED_COMPONENTS) - set(present))
    adopted = sorted(n for n in SEED_COMPONENTS if n in present and not present[n].first_party)
    assert not missing and not adopted, (
        f"missing components: {missing}; seed components without the provider standard: "
        f"{adopted} (run `nox -s standardize`)"
    )


def completeness_problems(
    component: Component, unit_tests: Path = UNIT_TESTS, *, module: bool = False
) -> list[str]:
    """What a first-party component (or a shared module) lacks: the standard files, a
    README, a `default` scenario, its unit-test module."""
    checked = check_module(component.path) if module else check_component(component.path)
    problems = [str(d) for d in checked]
    if not (component.path / "README.md").is_file():
        problems.append("no README.md")
    try:
        names = scenario_names(component.name)
    except Exception as error:
        names = []
        problems.append(str(error))
    if "default" not in names:
        problems.append(f"no `default` scenario in {scenario_file(component.name)}")
    test_file = unit_tests / f"test_{component.module_name}.py"
    if not test_file.is_file():
        problems.append(f"no unit-test module {test_file.name} in {unit_tests}")
    return problems


@pytest.mark.parametrize("name", FIRST_PARTY)
def test_component_is_complete(name: str) -> None:
    path = REPO_ROOT / "components" / "terraform" / name
    if not path.is_dir():
        pytest.fail(f"components/terraform/{name}/ does not exist")
    problems = completeness_problems(Component(name, path))
    assert not problems, f"{name}: " + "; ".join(problems)


def test_a_new_first_party_component_is_checked_too(tmp_path: Path) -> None:
    """A component beyond the seed's 21 that carries the standard is held to completeness."""
    from tfharness.tooling.standard import write_component

    path = tmp_path / "newcomer"
    path.mkdir()
    write_component(path)
    component = Component("newcomer", path)
    assert component.first_party
    problems = completeness_problems(component, unit_tests=tmp_path)
    assert "no README.md" in problems
    assert any("no `default` scenario" in p for p in problems), problems
    assert "no unit-test module test_newcomer.py in " + str(tmp_path) in problems


@pytest.mark.parametrize("name", SEED_COMPONENTS)
def test_default_scenario_plans(name: str, plan_for) -> None:
    if "default" not in scenario_names(name):
        pytest.fail(f"{name} has no default scenario")
    plan = plan_for(name)
    assert plan.managed, f"{name}: the default scenario plans no resources"


MODULES = [m.name for m in shared_modules()]
# The building blocks the components share (issue 17); each is planned with its own scenarios.
REQUIRED_MODULES = (
    "ecr-repository",
    "iam-role",
    "kms-key",
    "log-group",
    "s3-bucket",
    "sns-topic",
    "sqs-queue",
)


def test_required_shared_modules_exist() -> None:
    assert sorted(set(REQUIRED_MODULES) - set(MODULES)) == [], "modules/ lacks shared modules"


@pytest.mark.parametrize("name", MODULES)
def test_shared_module_is_complete(name: str) -> None:
    (module,) = [m for m in shared_modules() if m.name == name]
    problems = completeness_problems(module, UNIT_TESTS / "modules", module=True)
    assert not problems, f"modules/{name}: " + "; ".join(problems)


def test_component_and_module_names_are_unique() -> None:
    """Scenario and test files are matched by name, so a module may not share a component's."""
    clashes = sorted({c.name for c in all_components()} & set(MODULES))
    assert not clashes, f"named both a component and a shared module: {clashes}"


@pytest.mark.parametrize("name", MODULES)
def test_every_component_calls_shared_modules_by_relative_path(name: str) -> None:
    """A module is called from components/terraform/<c>/ as ../../../modules/<name>, so the
    repository can be cloned anywhere (and the harness copies the tree as laid out)."""
    from tfharness.terraform import configuration

    callers = [
        c.name
        for c in all_components()
        for call in configuration.read(c.path).module_calls.values()
        if call.source.rstrip("/").endswith(f"modules/{name}")
        and call.source != f"../../../modules/{name}"
    ]
    assert not callers, f"{callers} call modules/{name} by another path"
