"""Fixtures of the rotation tier: the rotation handler, a real database per engine, accounts.

The handler is imported from the component's source (components/terraform/rds/lambda/rotation.py)
without writing anything there. Database servers are started once per session and engine by
``tfharness.checks.databases``; a missing server skips its tests with the reason printed (-ra).
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tfharness.checks.databases import (
    DatabaseServer,
    DatabaseUnavailable,
    mysql_server,
    postgres_server,
)
from tfharness.checks.rotation import Rotator, load_handler, register_stand_in_function
from tfharness.tooling import REPO_ROOT

HANDLER_PATH = REPO_ROOT / "components" / "terraform" / "rds" / "lambda" / "rotation.py"
SERVERS = {"postgres": postgres_server, "mysql": mysql_server}


@pytest.fixture(scope="session")
def rotation_module():
    """The rotation function's module, imported from its source file."""
    return load_handler(HANDLER_PATH, "rds_rotation_under_test")


@pytest.fixture(scope="session")
def stand_in_arn(endpoint) -> str:
    """A rotation function ARN the emulator accepts in RotateSecret."""
    return register_stand_in_function(endpoint.boto3_client("lambda"), endpoint.boto3_client("iam"))


@pytest.fixture(scope="session")
def secretsmanager(endpoint):
    return endpoint.boto3_client("secretsmanager")


@pytest.fixture(scope="session")
def rotator(secretsmanager, rotation_module, endpoint) -> Rotator:
    # Short connect timeout: the unreachable-database test should fail in seconds.
    return Rotator(
        secretsmanager,
        rotation_module.lambda_handler,
        endpoint_url=endpoint.url,
        env={"DB_CONNECT_TIMEOUT": "3"},
    )


@pytest.fixture(scope="session", params=sorted(SERVERS))
def database(request) -> Iterator[DatabaseServer]:
    """A real database server (PostgreSQL, then MariaDB/MySQL) on a loopback port."""
    try:
        with SERVERS[request.param]() as server:
            print(f"\n{request.param}: {server.version} on {server.host}:{server.port}")
            yield server
    except DatabaseUnavailable as error:
        pytest.skip(f"{request.param} rotation tests skipped: {error}")


@dataclass
class Account:
    """A database login and the secret that holds its connection document."""

    server: DatabaseServer
    username: str
    password: str
    dbname: str
    secret_id: str

    def logs_in(self, password: str) -> bool:
        return self.server.can_login(self.username, password, self.dbname)


def make_account(
    server: DatabaseServer,
    client,
    *,
    stored_password: str | None = None,
    document: dict | None = None,
    raw: str | None = None,
) -> Account:
    """Create a login on the server and a secret for it (optionally with a wrong/malformed one)."""
    suffix = uuid.uuid4().hex[:10]
    username, dbname = f"app_{suffix}", f"db_{suffix}"
    password = secrets.token_urlsafe(18)
    server.create_login(username, password, dbname)
    doc = (
        document
        if document is not None
        else server.secret_document(username, stored_password or password, dbname)
    )
    secret = client.create_secret(
        Name=f"rds/rotation-test/{suffix}", SecretString=raw if raw is not None else json.dumps(doc)
    )
    return Account(server, username, password, dbname, secret["ARN"])


@pytest.fixture
def account(database, secretsmanager) -> Account:
    """A fresh login with a correct secret."""
    return make_account(database, secretsmanager)


@pytest.fixture
def new_account(database, secretsmanager):
    """Factory for accounts with a wrong or malformed secret."""

    def factory(**kwargs) -> Account:
        return make_account(database, secretsmanager, **kwargs)

    return factory
