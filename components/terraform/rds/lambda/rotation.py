"""Single-user rotation of an RDS PostgreSQL or MySQL master password.

Secrets Manager calls ``lambda_handler`` four times per rotation, with
``{"SecretId", "ClientRequestToken", "Step"}``:

* ``createSecret``: store a new password as the ``AWSPENDING`` version (reused if it exists);
* ``setSecret``: set that password on the database, logging in with the pending, current or
  previous credentials (whichever works), so a repeated step is harmless;
* ``testSecret``: log in with the pending credentials;
* ``finishSecret``: move ``AWSCURRENT`` to the new version (``AWSPREVIOUS`` follows the old one).

Modelled on AWS's single-user templates (aws-samples/aws-secrets-manager-rotation-lambdas).
The secret is a JSON document: engine (postgres, mysql or mariadb), host, username, password,
and optionally port, dbname and ssl. Passwords are never logged or put in error messages.

Environment: ``SECRETS_MANAGER_ENDPOINT`` (client endpoint, optional), ``EXCLUDE_CHARACTERS``,
``PASSWORD_LENGTH``, ``DB_CONNECT_TIMEOUT`` (seconds), ``DB_CA_BUNDLE`` (CA file for TLS).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
import ssl

import boto3

logger = logging.getLogger()
logger.setLevel(logging.INFO)

STEPS = ("createSecret", "setSecret", "testSecret", "finishSecret")
REQUIRED_KEYS = ("engine", "host", "username", "password")
DEFAULT_PORTS = {"postgres": 5432, "mysql": 3306}
ENGINE_ALIASES = {
    "postgres": "postgres",
    "postgresql": "postgres",
    "aurora-postgresql": "postgres",
    "mysql": "mysql",
    "mariadb": "mysql",
    "aurora-mysql": "mysql",
}
DEFAULT_EXCLUDE_CHARACTERS = "/@\"'\\"
# Lambda's trust store includes the RDS certificate authorities here.
LAMBDA_CA_BUNDLE = "/etc/pki/tls/cert.pem"


class RotationError(Exception):
    """A rotation step cannot proceed; the message says why (never a password)."""


class DatabaseUnreachable(RotationError):
    """The database did not answer (network, DNS, TLS): not an authentication failure."""


def lambda_handler(event, context):
    """Secrets Manager rotation entry point."""
    arn, token, step = _parse_event(event)
    client = _client()

    metadata = client.describe_secret(SecretId=arn)
    if not metadata.get("RotationEnabled"):
        raise RotationError(f"Secret {arn} is not enabled for rotation")
    versions = metadata.get("VersionIdsToStages") or {}
    if token not in versions:
        raise RotationError(f"Secret version {token} has no stage for rotation of secret {arn}")
    if "AWSCURRENT" in versions[token]:
        logger.info("%s: version %s is already AWSCURRENT for secret %s", step, token, arn)
        return
    if "AWSPENDING" not in versions[token]:
        raise RotationError(
            f"Secret version {token} is not set as AWSPENDING for rotation of secret {arn}"
        )

    {
        "createSecret": create_secret,
        "setSecret": set_secret,
        "testSecret": test_secret,
        "finishSecret": finish_secret,
    }[step](client, arn, token)


def _parse_event(event) -> tuple[str, str, str]:
    if not isinstance(event, dict):
        raise RotationError(
            "The rotation event must be an object with SecretId, ClientRequestToken and Step"
        )
    missing = [k for k in ("SecretId", "ClientRequestToken", "Step") if not event.get(k)]
    if missing:
        raise RotationError(f"The rotation event is missing {', '.join(missing)}")
    if event["Step"] not in STEPS:
        raise RotationError(
            f"Invalid step parameter {event['Step']!r}: expected one of {', '.join(STEPS)}"
        )
    return event["SecretId"], event["ClientRequestToken"], event["Step"]


def _client():
    endpoint = os.environ.get("SECRETS_MANAGER_ENDPOINT") or None
    return boto3.client("secretsmanager", endpoint_url=endpoint)


# Steps ------------------------------------------------------------------------------------
def create_secret(client, arn: str, token: str) -> None:
    """Store a new password under AWSPENDING, unless this token already has one."""
    current = get_secret_dict(client, arn, "AWSCURRENT")
    try:
        get_secret_dict(client, arn, "AWSPENDING", token)
        logger.info("createSecret: AWSPENDING version %s of %s already exists", token, arn)
        return
    except client.exceptions.ResourceNotFoundException:
        pass

    pending = _without_driver(current)
    pending["password"] = client.get_random_password(
        ExcludeCharacters=os.environ.get("EXCLUDE_CHARACTERS", DEFAULT_EXCLUDE_CHARACTERS),
        PasswordLength=int(os.environ.get("PASSWORD_LENGTH", "32")),
    )["RandomPassword"]
    client.put_secret_value(
        SecretId=arn,
        ClientRequestToken=token,
        SecretString=json.dumps(pending),
        VersionStages=["AWSPENDING"],
    )
    logger.info("createSecret: stored a new AWSPENDING version %s of %s", token, arn)


def set_secret(client, arn: str, token: str) -> None:
    """Set the pending password on the database (idempotent: pending first)."""
    current = get_secret_dict(client, arn, "AWSCURRENT")
    pending = get_secret_dict(client, arn, "AWSPENDING", token)
    _require_same_target(current, pending, "AWSCURRENT", arn)

    conn = get_connection(pending)
    if conn is not None:
        conn.close()
        logger.info(
            "setSecret: AWSPENDING password is already set for user %s on %s",
            pending["username"],
            pending["host"],
        )
        return

    conn = get_connection(current)
    if conn is None:
        previous = _previous_secret_dict(client, arn)
        if previous is not None:
            _require_same_target(previous, pending, "AWSPREVIOUS", arn)
            conn = get_connection(previous)
    if conn is None:
        raise RotationError(
            f"setSecret: unable to log into {pending['host']} as {pending['username']} with the "
            f"pending, current or previous password of secret {arn}"
        )
    try:
        set_password(conn, pending)
    finally:
        conn.close()
    logger.info(
        "setSecret: set the AWSPENDING password for user %s on %s",
        pending["username"],
        pending["host"],
    )


def test_secret(client, arn: str, token: str) -> None:
    """Log in with the pending credentials and run a trivial query."""
    pending = get_secret_dict(client, arn, "AWSPENDING", token)
    conn = get_connection(pending)
    if conn is None:
        raise RotationError(
            f"testSecret: unable to log into {pending['host']} as {pending['username']} with the "
            f"AWSPENDING password of secret {arn}"
        )
    try:
        cursor = conn.cursor()
        cursor.execute("SELECT 1")
        cursor.fetchall()
        cursor.close()
    finally:
        conn.close()
    logger.info("testSecret: AWSPENDING version %s of %s logs in", token, arn)


def finish_secret(client, arn: str, token: str) -> None:
    """Move AWSCURRENT to the pending version (a no-op when it is already there)."""
    metadata = client.describe_secret(SecretId=arn)
    current_version = None
    for version, stages in (metadata.get("VersionIdsToStages") or {}).items():
        if "AWSCURRENT" in stages:
            if version == token:
                logger.info("finishSecret: version %s is already AWSCURRENT for %s", token, arn)
                return
            current_version = version
            break
    client.update_secret_version_stage(
        SecretId=arn,
        VersionStage="AWSCURRENT",
        MoveToVersionId=token,
        RemoveFromVersionId=current_version,
    )
    logger.info("finishSecret: moved AWSCURRENT to version %s of %s", token, arn)


# Secret documents -------------------------------------------------------------------------
def get_secret_dict(client, arn: str, stage: str, token: str | None = None) -> dict:
    """The secret version as a validated dict (raises ResourceNotFoundException if absent)."""
    kwargs = {"SecretId": arn, "VersionStage": stage}
    if token:
        kwargs["VersionId"] = token
    raw = client.get_secret_value(**kwargs).get("SecretString")
    where = f"{stage} version of secret {arn}"
    try:
        secret = json.loads(raw or "")
    except ValueError:
        raise RotationError(f"The {where} is not a JSON document") from None
    if not isinstance(secret, dict):
        raise RotationError(f"The {where} is not a JSON object")
    missing = [k for k in REQUIRED_KEYS if not secret.get(k)]
    if missing:
        raise RotationError(f"The {where} is missing required keys: {', '.join(missing)}")
    engine = ENGINE_ALIASES.get(str(secret["engine"]).lower())
    if engine is None:
        raise RotationError(
            f"The {where} has unsupported engine {secret['engine']!r}: expected postgres or mysql"
        )
    secret["_driver"] = engine
    return secret


def _previous_secret_dict(client, arn: str) -> dict | None:
    try:
        return get_secret_dict(client, arn, "AWSPREVIOUS")
    except client.exceptions.ResourceNotFoundException:
        return None


def _require_same_target(known: dict, pending: dict, label: str, arn: str) -> None:
    for key in ("username", "host"):
        if known[key] != pending[key]:
            raise RotationError(
                f"The AWSPENDING {key} does not match the {label} {key} of secret {arn}: "
                f"single-user rotation only changes the password"
            )


def _without_driver(secret: dict) -> dict:
    return {k: v for k, v in secret.items() if k != "_driver"}


# Database access --------------------------------------------------------------------------
def _port(secret: dict) -> int:
    try:
        return int(secret.get("port") or DEFAULT_PORTS[secret["_driver"]])
    except (TypeError, ValueError):
        raise RotationError(f"The secret's port {secret.get('port')!r} is not a number") from None


def _ssl_context(secret: dict) -> ssl.SSLContext | None:
    wanted = secret.get("ssl", False)
    if wanted in (False, "false", "False", "disable", None, ""):
        return None
    cafile = os.environ.get("DB_CA_BUNDLE") or (
        LAMBDA_CA_BUNDLE if os.path.isfile(LAMBDA_CA_BUNDLE) else None
    )
    return ssl.create_default_context(cafile=cafile)


def _timeout() -> int:
    return int(os.environ.get("DB_CONNECT_TIMEOUT", "5"))


def get_connection(secret: dict):
    """A DB-API connection, or None when the credentials are refused.

    Raises DatabaseUnreachable when the server cannot be reached, so a network problem is
    reported as such instead of as a wrong password.
    """
    if secret["_driver"] == "postgres":
        return _connect_postgres(secret)
    return _connect_mysql(secret)


def _connect_postgres(secret: dict):
    import pg8000.dbapi
    import pg8000.exceptions

    try:
        return pg8000.dbapi.connect(
            user=secret["username"],
            password=secret["password"],
            host=secret["host"],
            port=_port(secret),
            database=secret.get("dbname") or "postgres",
            timeout=_timeout(),
            ssl_context=_ssl_context(secret),
        )
    except pg8000.exceptions.DatabaseError as error:
        code = error.args[0].get("C") if error.args and isinstance(error.args[0], dict) else None
        # 28P01 invalid_password, 28000 invalid_authorization_specification
        if code in ("28P01", "28000"):
            return None
        raise RotationError(
            f"PostgreSQL on {secret['host']} refused the connection (SQLSTATE {code})"
        ) from None
    except (pg8000.exceptions.InterfaceError, OSError) as error:
        raise DatabaseUnreachable(
            f"Cannot reach PostgreSQL on {secret['host']}:{_port(secret)}: {type(error).__name__}"
        ) from None


def _connect_mysql(secret: dict):
    import pymysql

    try:
        return pymysql.connect(
            host=secret["host"],
            user=secret["username"],
            password=secret["password"],
            port=_port(secret),
            database=secret.get("dbname") or None,
            connect_timeout=_timeout(),
            ssl=_ssl_context(secret),
        )
    except pymysql.err.OperationalError as error:
        code = error.args[0] if error.args else None
        if code == 1045:  # ER_ACCESS_DENIED_ERROR
            return None
        if code in (2003, 2005, 2006, 2013):  # cannot connect, unknown host, gone, lost
            raise DatabaseUnreachable(
                f"Cannot reach MySQL on {secret['host']}:{_port(secret)} (error {code})"
            ) from None
        raise RotationError(
            f"MySQL on {secret['host']} refused the connection (error {code})"
        ) from None


def set_password(conn, secret: dict) -> None:
    """Change the user's password on the server the connection is open to."""
    cursor = conn.cursor()
    try:
        if secret["_driver"] == "postgres":
            from pg8000.native import identifier, literal

            # DDL takes no bind parameters; send a SCRAM verifier, not the password, so the
            # plaintext never reaches the server or its statement log.
            verifier = scram_sha_256_verifier(secret["password"])
            cursor.execute(
                f"ALTER USER {identifier(secret['username'])} WITH PASSWORD {literal(verifier)}"
            )
        else:
            # PyMySQL quotes both parameters client-side; ALTER USER needs MySQL 5.7+/MariaDB 10.2+.
            cursor.execute(
                "ALTER USER %s IDENTIFIED BY %s", (secret["username"], secret["password"])
            )
        conn.commit()
    finally:
        cursor.close()


def scram_sha_256_verifier(password: str, iterations: int = 4096) -> str:
    """PostgreSQL's stored form of a password (RFC 7677), as `ALTER USER ... PASSWORD` takes."""
    salt = secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    b64 = lambda data: base64.b64encode(data).decode("ascii")  # noqa: E731
    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"
