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

TLS, from the secret's ``ssl`` key (read as AWS's templates read it):

* ``true`` / ``"true"`` (what the rds component writes): TLS, with the server's certificate
  verified against the CA bundle and its host name against the secret's ``host``; a server
  that does not offer TLS, or whose certificate does not verify, is refused before the
  password is sent;
* absent (or any other value): the same verified TLS when the server offers TLS, and a plain
  connection only when the server does not offer TLS at all. Unlike AWS's templates, which
  fall back to plain after any failed TLS attempt, a server that offers TLS with a certificate
  that does not verify is refused, never downgraded;
* ``false`` / ``"false"``: plain TCP, TLS never attempted. A server that requires TLS (RDS with
  ``rds.force_ssl`` or ``require_secure_transport``) refuses these logins, which the step
  reports as such.

The CA bundle is the file ``DB_CA_BUNDLE`` names; unset, Lambda's trust store
``/etc/pki/tls/cert.pem`` (which AWS's templates use: it carries the RDS certificate
authorities), or the system default store where that file does not exist.

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


class TlsFailure(DatabaseUnreachable):
    """No trusted TLS connection: the certificate did not verify, or TLS is not offered."""


class TlsNotOffered(TlsFailure):
    """The server answered but does not offer TLS (the secret's ssl = true requires it)."""


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
            f"pending, current or previous password of secret {arn}{_plain_login_hint(pending)}"
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
            f"AWSPENDING password of secret {arn}{_plain_login_hint(pending)}"
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


def tls_mode(secret: dict) -> str:
    """``require``, ``prefer`` or ``disable``, from the secret's ``ssl`` key (module docstring)."""
    if "ssl" not in secret:
        return "prefer"
    wanted = secret["ssl"]
    if isinstance(wanted, bool):
        return "require" if wanted else "disable"
    if isinstance(wanted, str) and wanted.strip().lower() in ("true", "false"):
        return "require" if wanted.strip().lower() == "true" else "disable"
    return "prefer"  # an unreadable value: as AWS's templates, try TLS first


def _ca_bundle() -> str | None:
    """The CA file to verify servers against (None: the system default trust store)."""
    named = os.environ.get("DB_CA_BUNDLE")
    if named:
        if not os.path.isfile(named):
            raise RotationError(f"DB_CA_BUNDLE names {named}, which is not a file")
        return named
    return LAMBDA_CA_BUNDLE if os.path.isfile(LAMBDA_CA_BUNDLE) else None


def _ssl_context() -> ssl.SSLContext:
    """Verifies the certificate chain and the host name (create_default_context's defaults)."""
    return ssl.create_default_context(cafile=_ca_bundle())


def _plain_login_hint(secret: dict) -> str:
    if tls_mode(secret) != "disable":
        return ""
    return (
        " (the secret has ssl = false: a server that requires TLS refuses a plain login the "
        "same way as a wrong password; set ssl to true)"
    )


def _timeout() -> int:
    return int(os.environ.get("DB_CONNECT_TIMEOUT", "5"))


def get_connection(secret: dict):
    """A DB-API connection, or None when the credentials are refused.

    Connects over TLS as the secret's ``ssl`` key says (module docstring). Raises
    DatabaseUnreachable when the server cannot be reached and TlsFailure when it cannot be
    trusted, so neither is reported as a wrong password.
    """
    connect = _connect_postgres if secret["_driver"] == "postgres" else _connect_mysql
    mode = tls_mode(secret)
    if mode == "disable":
        return connect(secret, None)
    try:
        return connect(secret, _ssl_context())
    except TlsNotOffered:
        if mode == "require":
            raise
    logger.warning(
        "%s:%s does not offer TLS and the secret has no ssl key: connecting without TLS",
        secret["host"],
        _port(secret),
    )
    return connect(secret, None)


def _untrusted(engine: str, secret: dict, error: ssl.SSLError) -> TlsFailure:
    where = f"{engine} on {secret['host']}:{_port(secret)}"
    bundle = _ca_bundle() or "the system trust store"
    if isinstance(error, ssl.SSLCertVerificationError):
        return TlsFailure(
            f"{where} presented a certificate that does not verify against {bundle} "
            f"({error.verify_message}): the password was not sent"
        )
    return TlsFailure(
        f"TLS handshake with {where} failed ({error.reason or error}): the password was not sent"
    )


def _not_offered(engine: str, secret: dict) -> TlsNotOffered:
    return TlsNotOffered(
        f"{engine} on {secret['host']}:{_port(secret)} does not offer TLS and the secret has "
        "ssl = true: the password was not sent"
    )


def _connect_postgres(secret: dict, context: ssl.SSLContext | None):
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
            # False: no SSLRequest at all (pg8000's None would try unverified TLS).
            ssl_context=context or False,
        )
    except pg8000.exceptions.DatabaseError as error:
        fields = error.args[0] if error.args and isinstance(error.args[0], dict) else {}
        code = fields.get("C")
        if code == "28000" and context is None and "no encryption" in str(fields.get("M")):
            raise RotationError(
                f"PostgreSQL on {secret['host']} accepts no connection without TLS (no "
                "pg_hba.conf entry for it) and the secret has ssl = false: set ssl to true"
            ) from None
        # 28P01 invalid_password, 28000 invalid_authorization_specification
        if code in ("28P01", "28000"):
            return None
        raise RotationError(
            f"PostgreSQL on {secret['host']} refused the connection (SQLSTATE {code})"
        ) from None
    except ssl.SSLError as error:
        raise _untrusted("PostgreSQL", secret, error) from None
    except pg8000.exceptions.InterfaceError as error:
        if context is not None and "refuses SSL" in str(error):
            raise _not_offered("PostgreSQL", secret) from None
        raise DatabaseUnreachable(
            f"Cannot reach PostgreSQL on {secret['host']}:{_port(secret)}: {type(error).__name__}"
        ) from None
    except OSError as error:
        raise DatabaseUnreachable(
            f"Cannot reach PostgreSQL on {secret['host']}:{_port(secret)}: {type(error).__name__}"
        ) from None


def _connect_mysql(secret: dict, context: ssl.SSLContext | None):
    import pymysql

    try:
        return pymysql.connect(
            host=secret["host"],
            user=secret["username"],
            password=secret["password"],
            port=_port(secret),
            database=secret.get("dbname") or None,
            connect_timeout=_timeout(),
            # An SSLContext makes TLS required; without one, ssl_disabled stops PyMySQL's
            # own unverified "preferred" TLS.
            ssl=context,
            ssl_disabled=context is None,
        )
    except pymysql.err.OperationalError as error:
        code = error.args[0] if error.args else None
        cause = getattr(error, "original_exception", None)
        if isinstance(cause, ssl.SSLError):
            raise _untrusted("MySQL", secret, cause) from None
        if (
            code == 2026 and context is not None and "support" in str(error)
        ):  # CR_SSL_CONNECTION_ERROR
            raise _not_offered("MySQL", secret) from None
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
