"""The provider standard (seed section 8) and the shared context hold in every first-party
component (one that carries them; adopted modules keep their own provider files)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tfharness.planning.components import Component, first_party_components, shared_modules
from tfharness.tooling.standard import (
    AWS_PROVIDER_VERSION,
    MODULE_VERSIONS_TF,
    PROVIDER_TF,
    TERRAFORM_REQUIRED_VERSION,
    check_component,
    check_module,
)

pytestmark = pytest.mark.unit

COMPONENTS = first_party_components()


@pytest.mark.parametrize("component", COMPONENTS, ids=[c.name for c in COMPONENTS])
def test_component_follows_the_standard(component) -> None:
    drifts = check_component(component.path)
    assert not drifts, "\n".join(str(d) for d in drifts) + (
        "\nRun `python -m tfharness.tooling.standard --write` to restore the standard files."
    )


def test_standard_admits_the_mirrored_provider_and_excludes_6() -> None:
    # The seed's ~> 5.74.0 would admit only 5.74.x; the mirror holds 5.100.0.
    assert TERRAFORM_REQUIRED_VERSION == ">= 1.9.0"
    assert AWS_PROVIDER_VERSION == ">= 5.74.0, < 6.0.0"
    assert 'source  = "hashicorp/aws"' in PROVIDER_TF
    assert "region = var.region" in PROVIDER_TF


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (lambda t: t.replace(">= 5.74.0, < 6.0.0", "~> 5.74.0"), "line 12"),
        (lambda t: t.replace("region = var.region", 'region = "eu-west-1"'), "line 3"),
        (lambda t: t + '\nprovider "aws" {\n  alias = "x"\n}\n', "lines"),
        (lambda t: "", "lines"),
    ],
)
def test_drift_is_detected_and_names_the_component(tmp_path: Path, edit, reason) -> None:
    source = COMPONENTS[0].path if COMPONENTS else None
    if source is None:
        pytest.skip("no component exists yet to copy")
    copy = tmp_path / "drifted-component"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns(".terraform", "build"))
    provider = copy / "provider.tf"
    provider.write_text(edit(provider.read_text()))
    drifts = check_component(copy)
    assert [(d.component, d.filename) for d in drifts] == [("drifted-component", "provider.tf")]
    assert reason in drifts[0].reason


def test_adopted_module_is_not_first_party(tmp_path: Path) -> None:
    """A module with its own provider and versions files is adopted, not drifted."""
    (tmp_path / "providers.tf").write_text('provider "aws" {\n  region = var.region\n}\n')
    (tmp_path / "versions.tf").write_text("terraform {}\n")
    assert not Component("adopted", tmp_path).first_party
    (tmp_path / "provider.tf").write_text(PROVIDER_TF.replace("var.region", '"eu-west-1"'))
    assert Component("adopted", tmp_path).first_party  # the standard's header: held to it


def test_missing_standard_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text("")
    assert sorted(str(d) for d in check_component(tmp_path)) == [
        f"{tmp_path.name}/context.tf: missing",
        f"{tmp_path.name}/provider.tf: missing",
    ]


MODULES = shared_modules()


@pytest.mark.parametrize("module", MODULES, ids=[m.name for m in MODULES])
def test_shared_module_follows_the_module_standard(module) -> None:
    drifts = check_module(module.path)
    assert not drifts, "\n".join(str(d) for d in drifts) + (
        "\nRun `python -m tfharness.tooling.standard --write` to restore versions.tf; remove "
        "provider blocks from shared modules."
    )


def test_module_with_a_provider_block_is_refused(tmp_path: Path) -> None:
    (tmp_path / "versions.tf").write_text(MODULE_VERSIONS_TF)
    (tmp_path / "main.tf").write_text('provider "aws" {\n  region = "eu-west-1"\n}\n')
    (drift,) = check_module(tmp_path)
    assert (drift.component, drift.filename) == (tmp_path.name, "main.tf")
    assert (
        "configures provider aws: a shared module declares required_providers only" in drift.reason
    )


def test_module_versions_drift_is_reported(tmp_path: Path) -> None:
    (tmp_path / "versions.tf").write_text(MODULE_VERSIONS_TF.replace("< 6.0.0", "< 7.0.0"))
    (drift,) = check_module(tmp_path)
    assert drift.filename == "versions.tf" and "line 10" in drift.reason
