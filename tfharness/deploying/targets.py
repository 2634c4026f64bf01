"""Where the integration tier applies: the embedded moto server, LocalStack, or a real sandbox.

Selected with ``--target`` or ``TFHARNESS_TARGET``:

* ``moto`` (default): a moto server the session starts on a free loopback port.
* ``localstack``: a LocalStack the user runs (``docker compose up -d``; current images need
  ``LOCALSTACK_AUTH_TOKEN``). Its endpoint comes from ``localstack-client``
  (``LOCALSTACK_HOST``, default ``localhost:4566``).
* ``aws``: a real sandbox account. Refused unless the caller's account ID is listed in
  ``TFHARNESS_AWS_ALLOWED_ACCOUNTS`` (comma separated), so nobody applies test
  infrastructure to the wrong account.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from tfharness.deploying.emulator import Endpoint
from tfharness.errors import HarnessError, UnsafeTarget

TARGETS = ("moto", "localstack", "aws")


@dataclass(frozen=True)
class Target:
    """The kind of target and, for emulators, its endpoint."""

    kind: str
    endpoint: Endpoint | None = None
    account_id: str | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def is_emulator(self) -> bool:
        return self.kind in ("moto", "localstack")


def selected_kind(option: str | None = None) -> str:
    kind = (option or os.environ.get("TFHARNESS_TARGET") or "moto").lower()
    if kind not in TARGETS:
        raise HarnessError(
            f"unknown target {kind!r}: choose one of {', '.join(TARGETS)} "
            "(--target or TFHARNESS_TARGET)."
        )
    return kind


def localstack_endpoint(region: str = "us-east-1") -> Endpoint:
    """LocalStack's single edge endpoint, as localstack-client resolves it."""
    from localstack_client import config as localstack_config

    url = localstack_config.get_service_endpoint("sts")
    if not url:
        raise HarnessError("localstack-client could not resolve an endpoint; set LOCALSTACK_HOST.")
    extra = {}
    token = os.environ.get("LOCALSTACK_AUTH_TOKEN")
    if token:
        extra["LOCALSTACK_AUTH_TOKEN"] = token
    return Endpoint(url.rstrip("/"), region=region, name="localstack", extra_env=extra)


def allowed_accounts() -> set[str]:
    raw = os.environ.get("TFHARNESS_AWS_ALLOWED_ACCOUNTS", "")
    return {part.strip() for part in raw.split(",") if part.strip()}


def check_aws_account(account_id: str, allowed: set[str] | None = None) -> None:
    """Refuse a real account that is not explicitly allowed."""
    allowed = allowed_accounts() if allowed is None else allowed
    if not allowed:
        raise UnsafeTarget(
            "target aws: TFHARNESS_AWS_ALLOWED_ACCOUNTS is empty; list the sandbox account IDs "
            "the integration tier may apply to (comma separated)."
        )
    if account_id not in allowed:
        raise UnsafeTarget(
            f"target aws: the credentials belong to account {account_id}, which is not in "
            f"TFHARNESS_AWS_ALLOWED_ACCOUNTS ({', '.join(sorted(allowed))}). Nothing was applied."
        )


def aws_target() -> Target:
    import boto3

    account_id = boto3.client("sts").get_caller_identity()["Account"]
    check_aws_account(account_id)
    return Target("aws", None, account_id)


@dataclass(frozen=True)
class Identity:
    """Who the target says the caller is: account, partition and region come from the target
    (moto answers 123456789012, LocalStack 000000000000), never from a test's constants."""

    account_id: str
    partition: str
    region: str

    def arn(self, service: str, resource: str, *, region: str | None = None) -> str:
        """`arn:<partition>:<service>:<region>:<account>:<resource>`; region "" for global
        services (IAM)."""
        where = self.region if region is None else region
        return f"arn:{self.partition}:{service}:{where}:{self.account_id}:{resource}"


def identity_of(endpoint: Endpoint) -> Identity:
    caller = endpoint.boto3_client("sts").get_caller_identity()
    partition = caller["Arn"].split(":")[1]
    return Identity(caller["Account"], partition, endpoint.region)
