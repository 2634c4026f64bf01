"""Rotating a Secrets Manager secret the way Secrets Manager does, with the handler in-process.

Lambda code cannot run inside the emulator here, so the harness plays Secrets Manager's part:

1. ``start()`` calls ``RotateSecret``: Secrets Manager stages an empty ``AWSPENDING`` version
   under a new ``ClientRequestToken`` (the emulator must know a rotation function ARN, or it
   would finish the rotation itself; ``register_stand_in_function()`` gives it one).
2. ``step()`` calls the rotation handler with ``{"SecretId", "ClientRequestToken", "Step"}``
   for ``createSecret`` (the handler stores the ``AWSPENDING`` value), ``setSecret``,
   ``testSecret`` and ``finishSecret``, with the handler's environment pointed at the endpoint
   (``SECRETS_MANAGER_ENDPOINT`` and dummy credentials).
3. ``complete()`` removes ``AWSPENDING`` from the new ``AWSCURRENT`` version, as Secrets Manager
   does after a successful rotation.

``rotate()`` does all of it and raises ``RotationStepFailed`` (naming the step) when a step
fails, leaving the secret as a real failed rotation would.

A step that returns without error has not necessarily done its work. Given ``logs_in`` (does
this password log into the database?), ``run()`` and ``rotate()`` also check each step's work
after it returns (``verify_step``) and the whole result at the end (``verify_rotated``), and
raise ``RotationCheckFailed`` naming the step whose work is missing:

* createSecret: a new password is stored under ``AWSPENDING`` for the token;
* setSecret: the pending password logs in;
* testSecret: a guard, with no effect of its own to observe: its work shows only when the
  pending password does not log in (the rotation must stop there). Without it such a rotation
  reaches finishSecret, and ``verify_rotated`` finds an ``AWSCURRENT`` that does not log in;
* finishSecret: ``AWSCURRENT`` is on the token, ``AWSPREVIOUS`` on the version before. ``load_handler()`` imports a handler
from its source file without writing bytecode next to it.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import types
import uuid
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tfharness.deploying.emulator import DUMMY_CREDENTIALS
from tfharness.errors import HarnessError

STEPS = ("createSecret", "setSecret", "testSecret", "finishSecret")

Handler = Callable[[dict, Any], Any]


class RotationStepFailed(HarnessError):
    """A rotation step raised; `step`, `token` and the handler's exception are kept."""

    def __init__(self, step: str, token: str, cause: BaseException) -> None:
        super().__init__(
            f"rotation step {step} (token {token}) failed: {type(cause).__name__}: {cause}"
        )
        self.step = step
        self.token = token
        self.cause = cause


def load_handler(path: Path | str, module_name: str = "rotation_under_test") -> types.ModuleType:
    """Import a handler module from its file without writing __pycache__ beside it."""
    path = Path(path).resolve()
    module = types.ModuleType(module_name)
    module.__file__ = str(path)
    code = compile(path.read_text(), str(path), "exec")
    sys.modules[module_name] = module
    try:
        exec(code, module.__dict__)
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    return module


def register_stand_in_function(
    lambda_client: Any, iam_client: Any, name: str = "tfharness-rotation-stand-in"
) -> str:
    """Create (once) a do-nothing Lambda function in the emulator; return its ARN.

    ``RotateSecret`` needs a rotation function ARN; the emulator only records that it was
    invoked (the real handler is driven in-process by ``Rotator``).
    """
    with contextlib.suppress(lambda_client.exceptions.ResourceNotFoundException):
        return lambda_client.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    try:
        role_arn = iam_client.create_role(
            RoleName=name, AssumeRolePolicyDocument=json.dumps(trust)
        )["Role"]["Arn"]
    except iam_client.exceptions.EntityAlreadyExistsException:
        role_arn = iam_client.get_role(RoleName=name)["Role"]["Arn"]
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return None\n")
    return lambda_client.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role_arn,
        Handler="index.handler",
        Code={"ZipFile": package.getvalue()},
    )["FunctionArn"]


class RotationCheckFailed(HarnessError):
    """A rotation's steps returned, but one did not do its work (`step`, `reason`)."""

    def __init__(self, step: str, token: str, reason: str) -> None:
        super().__init__(f"rotation check after {step} (token {token}) failed: {reason}")
        self.step = step
        self.token = token
        self.reason = reason


LogsIn = Callable[[str], bool]


@dataclass
class Rotation:
    """One rotation: its token, the steps that ran, and the version stages before/after."""

    secret_id: str
    token: str
    before: dict[str, list[str]]
    steps: list[str] = field(default_factory=list)
    after: dict[str, list[str]] = field(default_factory=dict)
    # AWSCURRENT's version and document when the rotation started (what must become previous).
    current_version: str | None = None
    current_value: dict[str, Any] | None = None


class Rotator:
    """Drives a rotation handler against a Secrets Manager endpoint, step by step."""

    def __init__(
        self,
        client: Any,
        handler: Handler,
        *,
        endpoint_url: str | None = None,
        region: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.client = client
        self.handler = handler
        self.endpoint_url = endpoint_url or client.meta.endpoint_url
        self.region = region or client.meta.region_name
        self.env = dict(env or {})

    # Secrets Manager's part -------------------------------------------------------------
    def start(
        self,
        secret_id: str,
        *,
        lambda_arn: str | None = None,
        rotation_days: int | None = None,
        token: str | None = None,
    ) -> Rotation:
        """RotateSecret: stage an empty AWSPENDING version under a new token."""
        token = token or str(uuid.uuid4())
        before = self.stages(secret_id)
        kwargs: dict[str, Any] = {
            "SecretId": secret_id,
            "ClientRequestToken": token,
            "RotateImmediately": True,
        }
        if lambda_arn:
            kwargs["RotationLambdaARN"] = lambda_arn
        if rotation_days:
            kwargs["RotationRules"] = {"AutomaticallyAfterDays": rotation_days}
        described = self.client.describe_secret(SecretId=secret_id)
        if not lambda_arn and not described.get("RotationLambdaARN"):
            raise HarnessError(
                f"{secret_id}: no rotation function is configured; pass lambda_arn (see "
                "register_stand_in_function) or the emulator finishes the rotation itself"
            )
        current_version = next((v for v, st in before.items() if "AWSCURRENT" in st), None)
        current_value = None
        if current_version:
            # A malformed secret (what some tests rotate on purpose) has no document to keep.
            with contextlib.suppress(ValueError):
                current_value = self.value(secret_id)
        self.client.rotate_secret(**kwargs)
        return Rotation(
            secret_id, token, before, current_version=current_version, current_value=current_value
        )

    def complete(self, rotation: Rotation) -> None:
        """After a successful finishSecret, Secrets Manager drops AWSPENDING from the version."""
        stages = self.stages(rotation.secret_id).get(rotation.token, [])
        if "AWSPENDING" in stages and "AWSCURRENT" in stages:
            self.client.update_secret_version_stage(
                SecretId=rotation.secret_id,
                VersionStage="AWSPENDING",
                RemoveFromVersionId=rotation.token,
            )
        rotation.after = self.stages(rotation.secret_id)

    # The function's part ----------------------------------------------------------------
    def event(self, secret_id: str, token: str, step: str) -> dict[str, str]:
        return {"SecretId": secret_id, "ClientRequestToken": token, "Step": step}

    def step(self, rotation: Rotation | tuple[str, str], step: str) -> Any:
        """Invoke the handler for one step, exactly as Secrets Manager would."""
        secret_id, token = (
            (rotation.secret_id, rotation.token) if isinstance(rotation, Rotation) else rotation
        )
        with self.handler_environment():
            result = self.handler(self.event(secret_id, token, step), None)
        if isinstance(rotation, Rotation):
            rotation.steps.append(step)
        return result

    def run(
        self, rotation: Rotation, steps: tuple[str, ...] = STEPS, *, logs_in: LogsIn | None = None
    ) -> Rotation:
        """Run `steps` in order; a failing step raises RotationStepFailed.

        With `logs_in`, each step's work is checked after it returns and the result at the end
        (RotationCheckFailed).
        """
        for step in steps:
            try:
                self.step(rotation, step)
            except Exception as error:
                rotation.after = self.stages(rotation.secret_id)
                raise RotationStepFailed(step, rotation.token, error) from error
            if logs_in is not None:
                self.verify_step(rotation, step, logs_in)
        if steps and steps[-1] == "finishSecret":
            self.complete(rotation)
            if logs_in is not None:
                self.verify_rotated(rotation, logs_in)
        return rotation

    def rotate(self, secret_id: str, *, logs_in: LogsIn | None = None, **start: Any) -> Rotation:
        """A whole rotation: RotateSecret, the four steps, AWSPENDING cleared."""
        return self.run(self.start(secret_id, **start), logs_in=logs_in)

    # Checking the work ------------------------------------------------------------------
    def pending_value(self, rotation: Rotation) -> dict[str, Any] | None:
        """The document createSecret stored under AWSPENDING for the token (None: nothing)."""
        try:
            raw = self.client.get_secret_value(
                SecretId=rotation.secret_id, VersionId=rotation.token, VersionStage="AWSPENDING"
            ).get("SecretString")
        except self.client.exceptions.ResourceNotFoundException:
            return None
        try:
            value = json.loads(raw or "")
        except ValueError:
            return None
        return value if isinstance(value, dict) and value.get("password") else None

    def verify_step(self, rotation: Rotation, step: str, logs_in: LogsIn) -> None:
        """Raise RotationCheckFailed when `step` returned without doing its work."""

        def fail(reason: str) -> None:
            raise RotationCheckFailed(step, rotation.token, reason)

        if step == "createSecret":
            pending = self.pending_value(rotation)
            if pending is None:
                fail(f"no AWSPENDING value was stored for version {rotation.token}")
            old = (rotation.current_value or {}).get("password")
            if pending["password"] == old:
                fail("the AWSPENDING password is the AWSCURRENT one: no new password")
        elif step == "setSecret":
            pending = self.pending_value(rotation)
            if pending is None or not logs_in(pending["password"]):
                fail("the AWSPENDING password does not log in: it was not set on the database")
        elif step == "finishSecret":
            current = self.version_with(rotation.secret_id, "AWSCURRENT")
            if current != rotation.token:
                fail(f"AWSCURRENT was not moved to version {rotation.token} (it is on {current})")
        # testSecret only guards (module docstring): verify_rotated sees a missing guard.

    def verify_rotated(self, rotation: Rotation, logs_in: LogsIn) -> None:
        """Raise RotationCheckFailed unless the finished rotation left a working secret."""

        def fail(reason: str) -> None:
            raise RotationCheckFailed("the rotation", rotation.token, reason)

        stages = self.stages(rotation.secret_id)
        if stages.get(rotation.token) != ["AWSCURRENT"]:
            fail(
                f"version {rotation.token} has stages {stages.get(rotation.token)}, not AWSCURRENT"
            )
        if rotation.current_version and stages.get(rotation.current_version) != ["AWSPREVIOUS"]:
            fail(f"the version before, {rotation.current_version}, is not AWSPREVIOUS: {stages}")
        current = self.value(rotation.secret_id)
        if not logs_in(current["password"]):
            fail("the AWSCURRENT password does not log in: the secret no longer opens the database")
        old = (rotation.current_value or {}).get("password")
        if old and old != current["password"] and logs_in(old):
            fail("the password before the rotation still logs in: the database was not changed")

    @contextlib.contextmanager
    def handler_environment(self) -> Iterator[None]:
        """The environment a rotation function gets, pointed at this endpoint."""
        wanted = {
            "SECRETS_MANAGER_ENDPOINT": self.endpoint_url,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            **DUMMY_CREDENTIALS,
            **self.env,
        }
        saved = {k: os.environ.get(k) for k in wanted}
        os.environ.update(wanted)
        try:
            yield
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value

    # Reading the secret -----------------------------------------------------------------
    def stages(self, secret_id: str) -> dict[str, list[str]]:
        """VersionIdsToStages, without versions that have no stage left."""
        described = self.client.describe_secret(SecretId=secret_id)
        return {v: sorted(s) for v, s in (described.get("VersionIdsToStages") or {}).items() if s}

    def version_with(self, secret_id: str, stage: str) -> str | None:
        return next((v for v, s in self.stages(secret_id).items() if stage in s), None)

    def value(self, secret_id: str, stage: str = "AWSCURRENT") -> dict[str, Any]:
        """The JSON document stored under `stage`."""
        raw = self.client.get_secret_value(SecretId=secret_id, VersionStage=stage)
        return json.loads(raw["SecretString"])
