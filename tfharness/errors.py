"""Every error the harness raises: one base class, one subclass per thing that can go wrong.

Each message says what happened and what to do about it.
"""

from __future__ import annotations


class HarnessError(Exception):
    """Base class of every harness error."""


class TerraformNotFound(HarnessError):
    """The terraform binary is not installed where the harness looks."""


class ProviderMirrorError(HarnessError):
    """A provider mirror was named but does not hold the providers the components need."""


class UnknownComponent(HarnessError):
    """A test named a component that does not exist under components/terraform/."""


class UnknownScenario(HarnessError):
    """A test named a scenario that its component's scenario file does not define."""


class ScenarioFileError(HarnessError):
    """A scenario file is malformed (bad YAML, unknown keys, a cycle in `extends`)."""


class InputEncodingError(HarnessError):
    """A scenario's inputs cannot be written as JSON for Terraform."""


class TerraformFailed(HarnessError):
    """A Terraform command failed where success was expected.

    Carries the command, its exit code, Terraform's stderr and any parsed diagnostics.
    """

    def __init__(
        self,
        message: str,
        *,
        command: str,
        returncode: int | None,
        stderr: str = "",
        diagnostics: tuple = (),
    ) -> None:
        super().__init__(message)
        self.command = command
        self.returncode = returncode
        self.stderr = stderr
        self.diagnostics = diagnostics


class UnexpectedPlanSuccess(HarnessError):
    """A scenario expected to be rejected planned cleanly."""


class UnexpectedPlanFailure(TerraformFailed):
    """A scenario expected to plan cleanly was rejected."""


class EmulatorError(HarnessError):
    """The AWS emulator could not be started or stopped responding."""


class UnsafeTarget(HarnessError):
    """The integration target is not on the allow-list; nothing is applied there."""


class ConfigurationError(HarnessError):
    """A module's configuration cannot be read, or points at something that is not there
    (a relative module source to a missing folder, a file the parser cannot read)."""
