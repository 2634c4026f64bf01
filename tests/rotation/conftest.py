"""Fixtures of the rotation tier: the rotation handler, a real database per engine, accounts.

The handler is imported from the component's source (components/terraform/rds/lambda/rotation.py)
without writing anything there. Database servers are started once per session and engine by
``tfharness.checks.databases``; a missing server skips its tests with the reason printed (-ra).

The servers serve a certificate from a CA generated for the session and require TLS, as the
rds component's instance does; the function gets that CA through ``DB_CA_BUNDLE`` (in Lambda,
the runtime's trust store). ``plain_database`` is a server of the same engine without TLS, for
the no-``ssl``-key fallback.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tfharness.checks.databases import (
    HOST,
    CertificateAuthority,
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
def certificate_authority(tmp_path_factory) -> CertificateAuthority:
    """The session's CA: it issues the servers' certificates; the function trusts it."""
    return CertificateAuthority(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="session")
def foreign_authority(tmp_path_factory) -> CertificateAuthority:
    """Another CA, which nothing trusts."""
    return CertificateAuthority(tmp_path_factory.mktemp("tls-foreign"), "foreign test CA")


@pytest.fixture(scope="session")
def rotator(secretsmanager, rotation_module, endpoint, certificate_authority) -> Rotator:
    # Short connect timeout: the unreachable-database test should fail in seconds.
    return Rotator(
        secretsmanager,
        rotation_module.lambda_handler,
        endpoint_url=endpoint.url,
        env={"DB_CONNECT_TIMEOUT": "3", "DB_CA_BUNDLE": str(certificate_authority.ca_file)},
    )


def _serve(engine: str, **options: Any) -> Iterator[DatabaseServer]:
    try:
        with SERVERS[engine](**options) as server:
            tls = "TLS required" if server.tls else "no TLS"
            print(f"\n{engine}: {server.version} on {server.host}:{server.port} ({tls})")
            yield server
    except DatabaseUnavailable as error:
        pytest.skip(f"{engine} rotation tests skipped: {error}")


@pytest.fixture(scope="session", params=sorted(SERVERS))
def database(request, certificate_authority) -> Iterator[DatabaseServer]:
    """A real database server (PostgreSQL, then MariaDB/MySQL) on a loopback port, TLS only."""
    yield from _serve(request.param, tls=certificate_authority.issue(HOST, "localhost"))


@pytest.fixture(scope="session")
def plain_database(database) -> Iterator[DatabaseServer]:
    """A server of the same engine as `database`, started without TLS."""
    yield from _serve(database.engine)


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
    changes: dict[str, Any] | None = None,
    without: tuple[str, ...] = (),
) -> Account:
    """Create a login on the server and a secret for it (optionally with a wrong/malformed one).

    `changes` sets keys of the document and `without` removes them (e.g. ``without=("ssl",)``).
    """
    suffix = uuid.uuid4().hex[:10]
    username, dbname = f"app_{suffix}", f"db_{suffix}"
    password = secrets.token_urlsafe(18)
    server.create_login(username, password, dbname)
    doc = (
        document
        if document is not None
        else server.secret_document(username, stored_password or password, dbname)
    )
    doc = {k: v for k, v in {**doc, **(changes or {})}.items() if k not in without}
    secret = client.create_secret(
        Name=f"rds/rotation-test/{suffix}", SecretString=raw if raw is not None else json.dumps(doc)
    )
    return Account(server, username, password, dbname, secret["ARN"])


@pytest.fixture
def rotate(rotator, stand_in_arn):
    """A whole rotation of an account's secret (kwargs go to Rotator.rotate, e.g. logs_in)."""

    def run(account, **options):
        return rotator.rotate(
            account.secret_id, lambda_arn=stand_in_arn, rotation_days=30, **options
        )

    return run


@pytest.fixture
def start(rotator, stand_in_arn):
    """RotateSecret only: the steps are the test's to run."""

    def run(account):
        return rotator.start(account.secret_id, lambda_arn=stand_in_arn, rotation_days=30)

    return run


@pytest.fixture
def account(database, secretsmanager) -> Account:
    """A fresh login with a correct secret."""
    return make_account(database, secretsmanager)


@pytest.fixture
def new_account(database, secretsmanager):
    """Factory for accounts with a wrong or malformed secret."""

    def factory(server: DatabaseServer | None = None, **kwargs) -> Account:
        return make_account(server or database, secretsmanager, **kwargs)

    return factory


@dataclass
class ConnectionSpy:
    """Every connection the function opens: (host:port, its TLS version or None), as the
    server reports it for that very connection (pg_stat_ssl, MariaDB's Ssl_version)."""

    servers: dict[int, DatabaseServer]
    seen: list[tuple[str, str | None]]


@pytest.fixture
def function_connections(rotation_module, monkeypatch, database) -> ConnectionSpy:
    """Wraps the function's get_connection; add servers other than `database` to `servers`."""
    spy = ConnectionSpy({database.port: database}, [])
    original = rotation_module.get_connection

    def get_connection(secret):
        conn = original(secret)
        if conn is not None:
            server = spy.servers[int(secret["port"])]
            spy.seen.append((f"{secret['host']}:{secret['port']}", server.served_tls(conn)))
        return conn

    monkeypatch.setattr(rotation_module, "get_connection", get_connection)
    return spy
