"""Finding terraform and the provider mirror; the CLI config the harness writes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tfharness.errors import ProviderMirrorError, TerraformNotFound
from tfharness.terraform import toolchain

pytestmark = pytest.mark.harness


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    for cached in (
        toolchain.terraform_binary,
        toolchain.find_provider_mirror,
        toolchain.cli_config,
        toolchain.terraform_version,
    ):
        cached.cache_clear()
    yield
    for cached in (
        toolchain.terraform_binary,
        toolchain.find_provider_mirror,
        toolchain.cli_config,
        toolchain.terraform_version,
    ):
        cached.cache_clear()


def make_mirror(root: Path, version: str = "5.100.0") -> Path:
    (root / "registry.terraform.io/hashicorp/aws" / version / "linux_amd64").mkdir(parents=True)
    return root


def test_missing_terraform_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TFHARNESS_TERRAFORM", "/nonexistent/terraform")
    with pytest.raises(TerraformNotFound, match=r"install Terraform >= 1.9 .* TFHARNESS_TERRAFORM"):
        toolchain.terraform_binary()


def test_named_mirror_without_aws_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TFHARNESS_PROVIDER_MIRROR", str(tmp_path))
    with pytest.raises(ProviderMirrorError, match=r"holds no registry.terraform.io/hashicorp/aws"):
        toolchain.find_provider_mirror()


def test_named_mirror_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TFHARNESS_PROVIDER_MIRROR", str(make_mirror(tmp_path)))
    assert toolchain.find_provider_mirror() == tmp_path
    assert toolchain.mirror_versions(tmp_path) == ["5.100.0"]


def test_packed_mirror_versions_are_read(tmp_path: Path) -> None:
    provider = tmp_path / "registry.terraform.io/hashicorp/aws"
    provider.mkdir(parents=True)
    (provider / "terraform-provider-aws_5.99.1_linux_amd64.zip").write_bytes(b"")
    assert toolchain.mirror_versions(tmp_path) == ["5.99.1"]


def test_usual_places_are_searched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TFHARNESS_PROVIDER_MIRROR", raising=False)
    monkeypatch.setattr(
        toolchain, "MIRROR_CANDIDATES", (str(tmp_path / "none"), str(make_mirror(tmp_path / "m")))
    )
    assert toolchain.find_provider_mirror() == tmp_path / "m"


def test_no_mirror_means_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TFHARNESS_PROVIDER_MIRROR", raising=False)
    monkeypatch.setattr(toolchain, "MIRROR_CANDIDATES", (str(tmp_path / "none"),))
    monkeypatch.setenv("TFHARNESS_CACHE_DIR", str(tmp_path / "cache"))
    config = toolchain.cli_config()
    assert config.mirror is None
    text = config.path.read_text()
    assert "provider_installation" not in text
    assert f'plugin_cache_dir = "{tmp_path / "cache" / "plugin-cache"}"' in text


def test_mirror_config_installs_only_from_the_mirror(tmp_path: Path) -> None:
    text = toolchain.render_cli_config(tmp_path / "mirror", tmp_path / "cache")
    assert f'path    = "{tmp_path / "mirror"}"' in text
    assert "filesystem_mirror" in text and "direct" not in text


def test_cli_config_env_points_terraform_at_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TFHARNESS_CACHE_DIR", str(tmp_path))
    env = toolchain.cli_config().env()
    assert env["TF_CLI_CONFIG_FILE"] == str(tmp_path / "terraformrc")
    assert Path(env["TF_CLI_CONFIG_FILE"]).is_file()
