"""The provider standard (seed section 8) and the shared context file, in one place.

Every component carries two standard files, byte for byte the text rendered here:

* ``provider.tf``: the AWS provider and the Terraform / provider version constraints;
* ``context.tf``: the inputs every component shares (region, environment, name, tags)
  and the locals built from them.

Every shared module (``modules/<name>/``) carries ``versions.tf``, byte for byte
``MODULE_VERSIONS_TF``: the same version constraints, and no provider block anywhere in the
module (a module that configures a provider cannot be called with ``count``/``for_each`` and
would ignore the caller's region and default tags).

``python -m tfharness.tooling.standard --write`` (or ``nox -s standardize``) rewrites the standard
files in every component and shared module; ``tests/unit/test_standard.py`` fails, naming the
component or module, when one drifts.

The seed pinned ``~> 5.74.0``; that admits only 5.74.x, which cannot be installed where only
5.100.0 is mirrored. The constraint below keeps the seed's floor and excludes 6.0.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

TERRAFORM_REQUIRED_VERSION = ">= 1.9.0"
AWS_PROVIDER_SOURCE = "hashicorp/aws"
AWS_PROVIDER_VERSION = ">= 5.74.0, < 6.0.0"

PROVIDER_TF = f"""\
# Provider standard: identical in every component. Source of truth: tfharness/standard.py.
provider "aws" {{
  region = var.region
}}

terraform {{
  required_version = "{TERRAFORM_REQUIRED_VERSION}"

  required_providers {{
    aws = {{
      source  = "{AWS_PROVIDER_SOURCE}"
      version = "{AWS_PROVIDER_VERSION}"
    }}
  }}
}}
"""

CONTEXT_TF = """\
# Shared context: identical in every component. Source of truth: tfharness/standard.py.
# Atmos stacks set these four inputs for every component; the locals below are the only
# way components derive names and tags from them.

variable "region" {
  type        = string
  description = "AWS region the component deploys to."
}

variable "environment" {
  type        = string
  description = "Deployment environment: dev, staging or prod. Production rules apply to prod."

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be one of dev, staging or prod."
  }
}

variable "name" {
  type        = string
  description = "Base name for this component's resources: 2-24 lower-case letters, digits or hyphens."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,22}[a-z0-9]$", var.name))
    error_message = "name must be 2-24 lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "tags" {
  type        = map(string)
  default     = {}
  description = "Tags added to every resource of the component."
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  name_prefix = "${var.name}-${var.environment}"
  is_prod     = var.environment == "prod"
  account_id  = data.aws_caller_identity.current.account_id
  partition   = data.aws_partition.current.partition
  tags = merge(
    {
      Environment = var.environment
      ManagedBy   = "terraform"
    },
    var.tags,
  )
}
"""

MODULE_VERSIONS_TF = f"""\
# Module standard: identical in every shared module. Source of truth: tfharness/tooling/standard.py.
# A shared module declares the provider it needs and never configures one: the calling
# component's provider (its region and default tags) applies.
terraform {{
  required_version = "{TERRAFORM_REQUIRED_VERSION}"

  required_providers {{
    aws = {{
      source  = "{AWS_PROVIDER_SOURCE}"
      version = "{AWS_PROVIDER_VERSION}"
    }}
  }}
}}
"""

STANDARD_FILES: dict[str, str] = {"provider.tf": PROVIDER_TF, "context.tf": CONTEXT_TF}
MODULE_FILES: dict[str, str] = {"versions.tf": MODULE_VERSIONS_TF}


@dataclass(frozen=True)
class Drift:
    """One standard file of one component that differs from the standard."""

    component: str
    filename: str
    reason: str

    def __str__(self) -> str:
        return f"{self.component}/{self.filename}: {self.reason}"


def check_component(component_dir: Path, files: dict[str, str] = STANDARD_FILES) -> list[Drift]:
    """Return how a component's standard files differ from the standard (empty: conforms)."""
    drifts = []
    for filename, expected in files.items():
        path = component_dir / filename
        if not path.is_file():
            drifts.append(Drift(component_dir.name, filename, "missing"))
            continue
        actual = path.read_text()
        if actual != expected:
            drifts.append(Drift(component_dir.name, filename, _first_difference(actual, expected)))
    return drifts


def check_module(module_dir: Path) -> list[Drift]:
    """How a shared module departs from the module standard: its `versions.tf`, and any
    provider block (it must inherit the caller's)."""
    from tfharness.terraform import configuration

    drifts = check_component(module_dir, MODULE_FILES)
    for block in configuration.read(module_dir).providers:
        name = f"{block.name}.{block.alias}" if block.alias else block.name
        drifts.append(
            Drift(
                module_dir.name,
                block.file.name,
                f"configures provider {name}: a shared module declares required_providers "
                "only; pass an aliased provider in with `providers = {...}` from the caller",
            )
        )
    return drifts


def write_component(component_dir: Path, files: dict[str, str] = STANDARD_FILES) -> list[str]:
    """Write the standard files into a component; return the names of the files changed."""
    changed = []
    for filename, expected in files.items():
        path = component_dir / filename
        if not path.is_file() or path.read_text() != expected:
            path.write_text(expected)
            changed.append(filename)
    return changed


def _first_difference(actual: str, expected: str) -> str:
    got, want = actual.splitlines(), expected.splitlines()
    for number, (a, e) in enumerate(zip(got, want, strict=False), start=1):
        if a != e:
            return f"line {number}: got {a.strip()!r}, expected {e.strip()!r}"
    return f"has {len(got)} lines, the standard has {len(want)}"


def main(argv: list[str] | None = None) -> int:
    from tfharness.planning.components import all_components, shared_modules

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite drifted files")
    args = parser.parse_args(argv)
    failed = False
    for component in all_components():
        if args.write:
            for filename in write_component(component.path):
                print(f"wrote {component.name}/{filename}")
        for drift in check_component(component.path):
            failed = True
            print(f"drift: {drift}", file=sys.stderr)
    for module in shared_modules():
        if args.write:
            for filename in write_component(module.path, MODULE_FILES):
                print(f"wrote modules/{module.name}/{filename}")
        for drift in check_module(module.path):
            failed = True
            print(f"drift: modules/{drift}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
