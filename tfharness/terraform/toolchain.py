"""Terraform and its providers: where the binary is, where providers come from.

The harness never relies on the user's CLI configuration (the test machines point
``TF_CLI_CONFIG_FILE`` at a file that does not exist). It writes its own:

* when a filesystem mirror of providers is found, providers are installed only from it
  (``filesystem_mirror``), with a shared plugin cache so each init links, never copies;
* otherwise the public registry is used as usual, still through the plugin cache.

The mirror is looked up in this order: ``TFHARNESS_PROVIDER_MIRROR`` (an error if it does
not hold ``hashicorp/aws``), then the places Terraform itself searches for implied local
mirrors, then this machine image's ``/opt/tf-plugins``.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tfharness.errors import ProviderMirrorError, TerraformNotFound
from tfharness.tooling.standard import AWS_PROVIDER_SOURCE

REQUIRED_PROVIDER = f"registry.terraform.io/{AWS_PROVIDER_SOURCE}"
DEFAULT_GOGC = "400"  # see CliConfig.env

MIRROR_CANDIDATES = (
    "~/.terraform.d/plugins",
    "~/.local/share/terraform/plugins",
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
    "/opt/tf-plugins",
)


def cache_root() -> Path:
    """Where the harness keeps its CLI config and plugin cache (TFHARNESS_CACHE_DIR)."""
    default = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "tfharness"
    return Path(os.environ.get("TFHARNESS_CACHE_DIR", default))


@cache
def terraform_binary() -> str:
    """Absolute path of terraform (TFHARNESS_TERRAFORM overrides PATH)."""
    wanted = os.environ.get("TFHARNESS_TERRAFORM", "terraform")
    found = shutil.which(wanted)
    if not found:
        raise TerraformNotFound(
            f"terraform not found ({wanted!r} is not an executable on PATH): install Terraform "
            ">= 1.9 and put it on PATH, or set TFHARNESS_TERRAFORM to its path."
        )
    return found


@cache
def terraform_version() -> str:
    """The version of the terraform binary, e.g. '1.11.4'."""
    out = subprocess.run(
        [terraform_binary(), "version", "-json"], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out)["terraform_version"]


def mirror_versions(mirror: Path) -> list[str]:
    """Versions of hashicorp/aws an unpacked or packed mirror holds."""
    provider_dir = mirror / REQUIRED_PROVIDER
    if not provider_dir.is_dir():
        return []
    versions = set()
    for entry in provider_dir.iterdir():
        if entry.is_dir():
            versions.add(entry.name)  # unpacked layout: <version>/<os_arch>/
        elif entry.name.startswith("terraform-provider-aws_") and entry.suffix == ".zip":
            versions.add(entry.name.split("_")[1])  # packed layout
    return sorted(versions)


@cache
def find_provider_mirror() -> Path | None:
    """The filesystem mirror to install providers from, or None to use the registry."""
    named = os.environ.get("TFHARNESS_PROVIDER_MIRROR")
    if named:
        mirror = Path(named).expanduser()
        if not mirror_versions(mirror):
            raise ProviderMirrorError(
                f"TFHARNESS_PROVIDER_MIRROR={named} holds no {REQUIRED_PROVIDER}: expected "
                f"{mirror}/{REQUIRED_PROVIDER}/<version>/<os_arch>/. Fill it with "
                "`terraform providers mirror` or unset the variable to use the registry."
            )
        return mirror
    for candidate in MIRROR_CANDIDATES:
        mirror = Path(candidate).expanduser()
        if mirror_versions(mirror):
            return mirror
    return None


@dataclass(frozen=True)
class CliConfig:
    """A Terraform CLI configuration file written by the harness."""

    path: Path
    mirror: Path | None
    plugin_cache: Path

    def env(self) -> dict[str, str]:
        return {
            "TF_CLI_CONFIG_FILE": str(self.path),
            # Without a lock file, each init re-creates the plugin-cache entry, pulling the
            # provider from under other workspaces' running plans and applies. The cache holds
            # only what the mirror (or registry) served, so trusting it is safe here.
            "TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE": "true",
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            "CHECKPOINT_DISABLE": "1",
            # Terraform and the provider are Go programs that spend much of a large plan in the
            # garbage collector. Collecting at 4x the live heap instead of 2x cut a 69-module
            # plan from 20.4 to 12.6 CPU seconds (13.4 -> 10.0 s wall) for ~0.6 GiB more memory.
            # An explicit GOGC in the environment wins.
            "GOGC": os.environ.get("GOGC", DEFAULT_GOGC),
        }


_INIT_THREADS = threading.Lock()


@contextmanager
def init_lock() -> Iterator[None]:
    """Serialise `terraform init`: the shared plugin cache is not safe for concurrent installs
    (two inits at once fail with "failed to create directory ...: file exists"). A file lock
    covers other processes, a thread lock this one."""
    path = cache_root() / "init.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with _INIT_THREADS, path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def render_cli_config(mirror: Path | None, plugin_cache: Path) -> str:
    """The text of the CLI config: mirror-only installation when a mirror exists."""
    lines = [f'plugin_cache_dir = "{plugin_cache}"', ""]
    if mirror is not None:
        lines += [
            "provider_installation {",
            "  filesystem_mirror {",
            f'    path    = "{mirror}"',
            '    include = ["registry.terraform.io/*/*"]',
            "  }",
            "}",
        ]
    return "\n".join(lines) + "\n"


@cache
def cli_config() -> CliConfig:
    """Write (once per process) and return the harness's own CLI configuration."""
    root = cache_root()
    plugin_cache = root / "plugin-cache"
    plugin_cache.mkdir(parents=True, exist_ok=True)
    mirror = find_provider_mirror()
    path = root / "terraformrc"
    text = render_cli_config(mirror, plugin_cache)
    if not path.is_file() or path.read_text() != text:
        path.write_text(text)
    return CliConfig(path, mirror, plugin_cache)


def describe() -> str:
    """One line on where Terraform and providers come from, for summaries."""
    config = cli_config()
    source = (
        f"mirror {config.mirror} (aws {', '.join(mirror_versions(config.mirror))})"
        if config.mirror
        else "registry.terraform.io"
    )
    return f"terraform {terraform_version()} at {terraform_binary()}; providers from {source}"


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Terraform and provider set-up of the harness")
    parser.add_argument(
        "--cli-config",
        action="store_true",
        help="write the harness's CLI config and print its path",
    )
    args = parser.parse_args(argv)
    if args.cli_config:
        print(cli_config().path)
    else:
        print(describe())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
