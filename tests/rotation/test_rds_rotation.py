"""The RDS rotation function, proven end to end against real PostgreSQL and MariaDB/MySQL.

The tests play Secrets Manager's part (tfharness.checks.rotation): RotateSecret on the emulator, then
the handler is called for createSecret, setSecret, testSecret and finishSecret with the events
Secrets Manager sends. Every test runs once per engine (the ``database`` fixture).
"""

from __future__ import annotations

import json
import logging

import pytest

from tfharness.checks.rotation import STEPS, RotationStepFailed

pytestmark = pytest.mark.rotation


def test_rotation_moves_awscurrent_and_keeps_the_old_password_as_previous(
    account, rotator, rotate, caplog, function_connections
):
    old_version = rotator.version_with(account.secret_id, "AWSCURRENT")
    old = rotator.value(account.secret_id)
    assert old["ssl"] is True, "the tier's secrets say ssl = true, as the rds component's"

    with caplog.at_level(logging.INFO):
        # With logs_in, the harness also checks each step's work (all pass here).
        rotation = rotate(account, logs_in=account.logs_in)

    assert rotation.steps == list(STEPS)
    # Every connection the function opened was TLS, in the server's own view of it.
    assert function_connections.seen, "the function opened no connection"
    assert all(tls for _, tls in function_connections.seen), function_connections.seen
    assert rotation.after[rotation.token] == ["AWSCURRENT"], rotation.after
    assert rotation.after[old_version] == ["AWSPREVIOUS"], rotation.after
    current = rotator.value(account.secret_id, "AWSCURRENT")
    previous = rotator.value(account.secret_id, "AWSPREVIOUS")
    assert previous == old
    assert current["password"] != old["password"]
    assert len(current["password"]) == 32
    # Single-user rotation changes the password and nothing else of the document.
    assert {k: v for k, v in current.items() if k != "password"} == {
        k: v for k, v in old.items() if k != "password"
    }
    assert account.logs_in(current["password"]), "the new password does not log in"
    assert not account.logs_in(old["password"]), "the old password still logs in"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "finishSecret: moved AWSCURRENT" in logged
    for password in (old["password"], current["password"]):
        assert password not in logged, "a password was logged"


def test_rotating_again_works(account, rotator, rotate):
    first = rotate(account)
    first_password = rotator.value(account.secret_id)["password"]
    second = rotate(account)

    assert second.token != first.token
    stages = rotator.stages(account.secret_id)
    assert stages[second.token] == ["AWSCURRENT"]
    assert stages[first.token] == ["AWSPREVIOUS"]
    assert len(stages) == 2, f"the original version should have no stage left: {stages}"
    current = rotator.value(account.secret_id)["password"]
    assert rotator.value(account.secret_id, "AWSPREVIOUS")["password"] == first_password
    assert account.logs_in(current)
    assert not account.logs_in(first_password)
    assert not account.logs_in(account.password)


def test_steps_repeated_after_a_crash_are_harmless(account, rotator, start):
    old = rotator.value(account.secret_id)
    rotation = start(account)

    rotator.step(rotation, "createSecret")
    pending = rotator.value(account.secret_id, "AWSPENDING")
    rotator.step(rotation, "createSecret")  # Secrets Manager retried: no second password
    assert rotator.value(account.secret_id, "AWSPENDING") == pending

    rotator.step(rotation, "setSecret")
    # A crash after the database accepted the password: the retry logs in with AWSPENDING.
    rotator.step(rotation, "setSecret")
    assert account.logs_in(pending["password"])
    rotator.step(rotation, "testSecret")
    rotator.step(rotation, "testSecret")

    rotator.step(rotation, "finishSecret")
    rotator.step(rotation, "finishSecret")  # already AWSCURRENT: returns early
    rotator.step(rotation, "createSecret")  # any step for a current version is a no-op
    rotator.complete(rotation)

    assert rotation.after[rotation.token] == ["AWSCURRENT"]
    assert rotator.value(account.secret_id) == pending
    assert rotator.value(account.secret_id, "AWSPREVIOUS") == old
    assert account.logs_in(pending["password"])
    assert not account.logs_in(old["password"])


# Failure paths: the rotation fails clearly and nothing is lost ------------------------------
def _assert_nothing_lost(rotator, account, version_before, value_before):
    assert rotator.version_with(account.secret_id, "AWSCURRENT") == version_before
    assert rotator.value(account.secret_id) == value_before
    assert account.logs_in(account.password), "the working password stopped working"


def test_database_unreachable_during_set_secret(account, rotator, start, rotation_module):
    version = rotator.version_with(account.secret_id, "AWSCURRENT")
    before = rotator.value(account.secret_id)
    rotation = start(account)
    rotator.step(rotation, "createSecret")
    pending = rotator.value(account.secret_id, "AWSPENDING")

    with account.server.stopped(), pytest.raises(rotation_module.DatabaseUnreachable) as error:
        rotator.step(rotation, "setSecret")

    message = str(error.value)
    assert "Cannot reach" in message and f"{account.server.host}:{account.server.port}" in message
    assert pending["password"] not in message and before["password"] not in message
    _assert_nothing_lost(rotator, account, version, before)
    assert not account.logs_in(pending["password"])

    # Secrets Manager retries the same token once the database is back: rotation completes.
    rotator.run(rotation, ("setSecret", "testSecret", "finishSecret"))
    assert rotator.value(account.secret_id) == pending
    assert account.logs_in(pending["password"])


def test_wrong_current_password_fails_in_set_secret(new_account, rotator, rotate):
    account = new_account(stored_password="not-the-password-0000")
    version = rotator.version_with(account.secret_id, "AWSCURRENT")
    before = rotator.value(account.secret_id)

    with pytest.raises(RotationStepFailed) as failed:
        rotate(account)

    assert failed.value.step == "setSecret"
    assert "unable to log into" in str(failed.value.cause)
    assert "with the pending, current or previous password" in str(failed.value.cause)
    assert before["password"] not in str(failed.value)
    assert rotator.version_with(account.secret_id, "AWSCURRENT") == version
    assert rotator.value(account.secret_id) == before
    # The database password was not touched: the real one still logs in, the pending one not.
    assert account.logs_in(account.password)
    assert not account.logs_in(rotator.value(account.secret_id, "AWSPENDING")["password"])


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        ("missing_host", "is missing required keys: host"),
        ("not_json", "is not a JSON document"),
        ("unknown_engine", "has unsupported engine 'oracle'"),
    ],
)
def test_malformed_current_secret_fails_in_create_secret(
    new_account, database, rotator, rotate, breakage, expected
):
    document = database.secret_document("placeholder", "Secret-Value-123", "placeholder")
    raw = None
    if breakage == "missing_host":
        del document["host"]
    elif breakage == "unknown_engine":
        document["engine"] = "oracle"
    else:
        raw = "engine=postgres password=Secret-Value-123"
    account = new_account(document=document, raw=raw)
    version = rotator.version_with(account.secret_id, "AWSCURRENT")

    with pytest.raises(RotationStepFailed) as failed:
        rotate(account)

    assert failed.value.step == "createSecret"
    assert expected in str(failed.value.cause)
    assert "Secret-Value-123" not in str(failed.value)
    assert rotator.version_with(account.secret_id, "AWSCURRENT") == version
    with pytest.raises(rotator.client.exceptions.ResourceNotFoundException):
        rotator.client.get_secret_value(SecretId=account.secret_id, VersionStage="AWSPENDING")
    assert account.logs_in(account.password), "the database password changed"


def test_malformed_pending_secret_fails_in_set_secret(account, rotator, start):
    version = rotator.version_with(account.secret_id, "AWSCURRENT")
    before = rotator.value(account.secret_id)
    rotation = start(account)
    # Something other than createSecret staged a pending version for another user.
    foreign = {**before, "username": "someone_else", "password": "Other-Password-123"}
    rotator.client.put_secret_value(
        SecretId=account.secret_id,
        ClientRequestToken=rotation.token,
        SecretString=json.dumps(foreign),
        VersionStages=["AWSPENDING"],
    )

    with pytest.raises(RotationStepFailed) as failed:
        rotator.run(rotation, STEPS[1:])

    assert failed.value.step == "setSecret"
    assert "AWSPENDING username does not match the AWSCURRENT username" in str(failed.value)
    _assert_nothing_lost(rotator, account, version, before)


# Event and staging-label validation (no database needed beyond the fixture) ------------------
def test_handler_rejects_bad_events_and_unstaged_tokens(
    account, rotator, rotation_module, stand_in_arn
):
    handler, error = rotation_module.lambda_handler, rotation_module.RotationError
    secret = account.secret_id
    with rotator.handler_environment():
        with pytest.raises(error, match="missing ClientRequestToken, Step"):
            handler({"SecretId": secret}, None)
        with pytest.raises(error, match="Invalid step parameter 'rotateSecret'"):
            handler(
                {"SecretId": secret, "ClientRequestToken": "t" * 32, "Step": "rotateSecret"}, None
            )
        with pytest.raises(error, match="is not enabled for rotation"):
            handler(
                {"SecretId": secret, "ClientRequestToken": "t" * 32, "Step": "createSecret"}, None
            )
    rotation = rotator.start(secret, lambda_arn=stand_in_arn, rotation_days=30)
    unknown = "0" * 8 + "-0000-4000-8000-" + "0" * 12
    with rotator.handler_environment(), pytest.raises(error, match="has no stage for rotation"):
        handler({"SecretId": secret, "ClientRequestToken": unknown, "Step": "setSecret"}, None)
    # A token whose version lost AWSPENDING (a cancelled rotation) is refused.
    rotator.client.update_secret_version_stage(
        SecretId=secret, VersionStage="AWSPENDING", RemoveFromVersionId=rotation.token
    )
    with (
        rotator.handler_environment(),
        pytest.raises(error, match=r"not set as AWSPENDING|has no stage for rotation"),
    ):
        handler(
            {"SecretId": secret, "ClientRequestToken": rotation.token, "Step": "createSecret"}, None
        )
