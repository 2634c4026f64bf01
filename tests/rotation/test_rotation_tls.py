"""The rotation function over TLS: verified certificates, verified host names, no downgrade.

The tier's servers require TLS (PostgreSQL ``hostssl`` only, MariaDB
``require_secure_transport=ON``) with a certificate from the session's CA, which the function
trusts through ``DB_CA_BUNDLE``. ``DatabaseServer.serving()`` makes a running server present
another certificate for a test: one from a CA nobody trusts, or one that names another host.
Each refused case must fail at setSecret (the first step that connects) before the password is
sent, and leave AWSCURRENT as it was, still logging in.
"""

from __future__ import annotations

import logging

import pytest

from tfharness.checks.databases import HOST
from tfharness.checks.rotation import STEPS, RotationStepFailed

pytestmark = pytest.mark.rotation


def _assert_untouched(rotator, account, version, before):
    assert rotator.version_with(account.secret_id, "AWSCURRENT") == version
    assert rotator.value(account.secret_id) == before
    assert account.logs_in(before["password"]), "AWSCURRENT stopped logging in"
    pending = rotator.value(account.secret_id, "AWSPENDING")["password"]
    assert not account.logs_in(pending), "the pending password reached the database"


@pytest.mark.parametrize("ssl_key", ["ssl = true", "no ssl key"])
@pytest.mark.parametrize(
    ("certificate", "verify_error"),
    [
        ("from another CA", "unable to get local issuer certificate"),
        # "IP address mismatch": the secret's host is an address, checked against the SANs.
        ("for another host", f"mismatch, certificate is not valid for '{HOST}'"),
    ],
    ids=["other-ca", "other-host"],
)
def test_a_server_certificate_that_does_not_verify_is_refused_at_set_secret(
    database,
    new_account,
    rotator,
    rotate,
    rotation_module,
    certificate_authority,
    foreign_authority,
    certificate,
    verify_error,
    ssl_key,
):
    # Without an ssl key the function prefers TLS; a server that offers it with a bad
    # certificate is refused too, never downgraded to a plain login.
    account = new_account(without=("ssl",) if ssl_key == "no ssl key" else ())
    version = rotator.version_with(account.secret_id, "AWSCURRENT")
    before = rotator.value(account.secret_id)
    served = (
        foreign_authority.issue(HOST, "localhost")
        if certificate == "from another CA"
        else certificate_authority.issue("db.elsewhere.example")
    )

    with database.serving(served), pytest.raises(RotationStepFailed) as failed:
        rotate(account)

    assert failed.value.step == "setSecret"
    assert isinstance(failed.value.cause, rotation_module.TlsFailure), failed.value.cause
    message = str(failed.value.cause)
    assert verify_error in message and "the password was not sent" in message, message
    assert before["password"] not in str(failed.value)
    _assert_untouched(rotator, account, version, before)


def test_without_an_ssl_key_the_function_uses_tls_when_the_server_offers_it(
    new_account, rotator, rotate, function_connections
):
    account = new_account(without=("ssl",))
    assert "ssl" not in rotator.value(account.secret_id)

    rotate(account, logs_in=account.logs_in)

    assert function_connections.seen, "the function opened no connection"
    assert all(tls for _, tls in function_connections.seen), function_connections.seen


def test_without_an_ssl_key_the_function_falls_back_to_plain_when_tls_is_not_offered(
    plain_database, new_account, rotator, rotate, function_connections, caplog
):
    function_connections.servers[plain_database.port] = plain_database
    account = new_account(plain_database, without=("ssl",))

    with caplog.at_level(logging.WARNING):
        rotate(account, logs_in=account.logs_in)

    seen = function_connections.seen
    assert seen and all(tls is None for _, tls in seen), seen
    assert all(where == f"{HOST}:{plain_database.port}" for where, _ in seen), seen
    assert "does not offer TLS and the secret has no ssl key" in caplog.text


def test_ssl_true_refuses_a_server_that_does_not_offer_tls(
    plain_database, new_account, rotator, rotate, rotation_module
):
    account = new_account(plain_database, changes={"ssl": True})
    version = rotator.version_with(account.secret_id, "AWSCURRENT")
    before = rotator.value(account.secret_id)

    with pytest.raises(RotationStepFailed) as failed:
        rotate(account)

    assert failed.value.step == "setSecret"
    assert isinstance(failed.value.cause, rotation_module.TlsNotOffered), failed.value.cause
    assert "does not offer TLS and the secret has ssl = true" in str(failed.value.cause)
    _assert_untouched(rotator, account, version, before)


@pytest.mark.parametrize("value", [False, "false"])
def test_ssl_false_connects_without_tls_which_a_tls_only_server_refuses(
    new_account, rotator, rotate, value
):
    account = new_account(changes={"ssl": value})
    version = rotator.version_with(account.secret_id, "AWSCURRENT")
    before = rotator.value(account.secret_id)

    with pytest.raises(RotationStepFailed) as failed:
        rotate(account)

    assert failed.value.step == "setSecret"
    message = str(failed.value.cause)
    # PostgreSQL says why (no pg_hba.conf entry without encryption); MariaDB answers as if
    # the password were wrong, so the function says what ssl = false does.
    assert "ssl = false" in message and "set ssl to true" in message, message
    _assert_untouched(rotator, account, version, before)


def test_ssl_false_rotates_on_a_server_without_tls(
    plain_database, new_account, rotator, rotate, function_connections
):
    function_connections.servers[plain_database.port] = plain_database
    account = new_account(plain_database, changes={"ssl": False})

    rotation = rotate(account, logs_in=account.logs_in)

    assert rotation.steps == list(STEPS)
    assert function_connections.seen and all(tls is None for _, tls in function_connections.seen)


def test_a_ca_bundle_that_is_not_a_file_fails_clearly(
    account, rotator, start, rotation_module, tmp_path
):
    rotation = start(account)
    rotator.step(rotation, "createSecret")
    missing = tmp_path / "no-such-bundle.pem"
    saved = rotator.env["DB_CA_BUNDLE"]
    rotator.env["DB_CA_BUNDLE"] = str(missing)
    try:
        with pytest.raises(rotation_module.RotationError, match="which is not a file"):
            rotator.step(rotation, "setSecret")
    finally:
        rotator.env["DB_CA_BUNDLE"] = saved
    assert account.logs_in(account.password)
