"""The one wrapper around tftest: every Terraform command the harness runs goes through here.

``Terraform(workdir, env).run("plan", ...)`` returns a ``Result`` (exit code, stdout,
stderr) and never raises for a non-zero exit; ``init()`` raises ``TerraformFailed`` with a
message that says what to do (a provider the mirror lacks, a module that is not there).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import tftest

from tfharness.errors import TerraformFailed
from tfharness.terraform.timings import Timings
from tfharness.terraform.toolchain import cli_config, init_lock, terraform_binary

# tftest logs every failed command at CRITICAL; the harness reports failures itself.
logging.getLogger("tftest").addHandler(logging.NullHandler())
logging.getLogger("tftest").propagate = False
logging.getLogger("tftest").setLevel(logging.CRITICAL + 1)

# Terraform wraps its messages at 78 columns: any space may be a line break.
_MISSING_PROVIDER = re.compile(
    r"versions\s+for\s+provider\s+(?:registry\.terraform\.io/)?(?P<queried>[\w.-]+/[\w.-]+)"
    r"|provider\s+(?:registry\.terraform\.io/)?(?P<address>[\w.-]+/[\w.-]+)"
    r"\s+(?:was\s+not\s+found|v?[\d.]+\s+is\s+not\s+available)"
)


@dataclass
class Result:
    """What one Terraform command returned."""

    returncode: int
    stdout: str
    stderr: str


class Terraform:
    """Terraform commands in one working directory with one environment."""

    def __init__(self, workdir: Path, env: Mapping[str, str]) -> None:
        self.workdir = Path(workdir)
        self.env = dict(env)
        self._tf = tftest.TerraformTest(str(self.workdir), binary=terraform_binary(), env=self.env)

    def run(self, command: str, *args: str) -> Result:
        """Run a Terraform command; a non-zero exit is returned, not raised."""
        try:
            out = self._tf.execute_command(command, *args)
            return Result(out.retcode, out.out, out.err or "")
        except tftest.TerraformTestError as error:
            message = str(error.args[0]) if error.args else ""
            # tftest folds stdout into the message; keep its JSON lines for diagnostics.
            return Result(1, message, str(error.cmd_error or ""))

    def init(self, subject: str, timings: Timings) -> None:
        """`terraform init` without a backend, serialised across processes (plugin cache)."""
        with init_lock(), timings.measure("init", subject):
            result = self.run("init", "-backend=false", "-input=false", "-no-color")
        if result.returncode != 0:
            raise init_failure(subject, result.stderr or result.stdout)


def init_failure(subject: str, output: str) -> TerraformFailed:
    """A TerraformFailed for a failed init, saying what to do about the usual causes."""
    detail = output.strip()[-4000:]
    missing = _MISSING_PROVIDER.search(output)
    if missing:
        address = missing["address"] or missing["queried"]
        mirror = cli_config().mirror
        where = (
            f"the provider mirror at {mirror} does not hold it: add it with "
            f"`terraform providers mirror {mirror}` on a machine with registry access, or "
            "point TFHARNESS_PROVIDER_MIRROR at a mirror that has it"
            if mirror
            else "the registry could not provide it: check the version constraint and network"
        )
        message = f"{subject}: terraform init failed: the module needs provider {address}; {where}."
    else:
        message = f"{subject}: terraform init failed:\n{detail}"
    return TerraformFailed(message, command="init", returncode=1, stderr=detail)
