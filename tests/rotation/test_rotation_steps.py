"""Every rotation step does its work: each one replaced by a no-op is caught, on both engines.

A step that returns without acting raises nothing, so the handler's own errors cannot show it.
The harness's checks (``Rotator.run(..., logs_in=...)``: ``verify_step`` after each step,
``verify_rotated`` at the end) must. Each test replaces one step function of the handler module
with a function that returns without acting (``lambda_handler`` looks the steps up by name at
call time) and asserts the check fails for that step, with the reason. The tier's other tests
run the same checks on the real steps and pass, so the checks are not simply always failing.
"""

from __future__ import annotations

import pytest

from tfharness.checks.rotation import STEPS, RotationCheckFailed, RotationStepFailed

pytestmark = pytest.mark.rotation

STEP_FUNCTIONS = {
    "createSecret": "create_secret",
    "setSecret": "set_secret",
    "testSecret": "test_secret",
    "finishSecret": "finish_secret",
}


def _does_nothing(client, arn: str, token: str) -> None:
    """A step that returns without acting."""


@pytest.fixture
def skip_step(rotation_module, monkeypatch):
    def skip(step: str) -> None:
        monkeypatch.setattr(rotation_module, STEP_FUNCTIONS[step], _does_nothing)

    return skip


def test_create_secret_doing_nothing_is_caught(account, rotator, rotate, skip_step):
    version = rotator.version_with(account.secret_id, "AWSCURRENT")
    before = rotator.value(account.secret_id)
    skip_step("createSecret")

    with pytest.raises(RotationCheckFailed) as failed:
        rotate(account, logs_in=account.logs_in)

    assert failed.value.step == "createSecret"
    assert "no AWSPENDING value was stored" in failed.value.reason
    assert rotator.version_with(account.secret_id, "AWSCURRENT") == version
    assert rotator.value(account.secret_id) == before
    assert account.logs_in(account.password)


def test_set_secret_doing_nothing_is_caught(account, rotator, rotate, skip_step):
    version = rotator.version_with(account.secret_id, "AWSCURRENT")
    skip_step("setSecret")

    with pytest.raises(RotationCheckFailed) as failed:
        rotate(account, logs_in=account.logs_in)

    assert failed.value.step == "setSecret"
    assert "the AWSPENDING password does not log in" in failed.value.reason
    assert rotator.version_with(account.secret_id, "AWSCURRENT") == version
    assert account.logs_in(account.password), "the database password changed"


def test_test_secret_stops_a_pending_password_that_does_not_log_in(
    new_account, rotator, rotate, skip_step
):
    """testSecret's work is the guard: a pending password that does not log in stops there.

    With setSecret a no-op the pending password never reaches the database. The real testSecret
    must then fail the rotation; with testSecret a no-op too, the broken rotation reaches
    finishSecret and the end-to-end check finds an AWSCURRENT that does not log in.
    """
    skip_step("setSecret")
    guarded = new_account()
    version = rotator.version_with(guarded.secret_id, "AWSCURRENT")

    with pytest.raises(RotationStepFailed) as failed:
        rotate(guarded)

    assert failed.value.step == "testSecret", failed.value
    assert "unable to log into" in str(failed.value.cause)
    assert rotator.version_with(guarded.secret_id, "AWSCURRENT") == version
    assert guarded.logs_in(guarded.password)

    skip_step("testSecret")
    unguarded = new_account()
    rotation = rotate(unguarded)  # every step returns: nothing in the handler objects
    assert rotation.steps == list(STEPS)

    with pytest.raises(RotationCheckFailed) as failed:
        rotator.verify_rotated(rotation, unguarded.logs_in)

    assert "the AWSCURRENT password does not log in" in failed.value.reason
    # The damage the guard prevents: the secret now holds a password the database never got.
    assert not unguarded.logs_in(rotator.value(unguarded.secret_id)["password"])
    assert unguarded.logs_in(unguarded.password)


def test_finish_secret_doing_nothing_is_caught(account, rotator, rotate, skip_step):
    version = rotator.version_with(account.secret_id, "AWSCURRENT")
    skip_step("finishSecret")

    with pytest.raises(RotationCheckFailed) as failed:
        rotate(account, logs_in=account.logs_in)

    assert failed.value.step == "finishSecret"
    assert "AWSCURRENT was not moved to version" in failed.value.reason
    assert rotator.version_with(account.secret_id, "AWSCURRENT") == version
    # The database already has the pending password: only AWSPENDING opens it now, which is
    # why a missing finishSecret must fail the rotation (Secrets Manager then retries it).
    pending = rotator.value(account.secret_id, "AWSPENDING")["password"]
    assert account.logs_in(pending)
    assert not account.logs_in(account.password)


def test_without_the_checks_a_skipped_finish_secret_goes_unnoticed(
    account, rotator, rotate, skip_step
):
    """Why the checks exist: the handler itself reports nothing for a step that did nothing."""
    version = rotator.version_with(account.secret_id, "AWSCURRENT")
    skip_step("finishSecret")

    rotation = rotate(account)

    assert rotation.steps == list(STEPS)
    assert rotator.version_with(account.secret_id, "AWSCURRENT") == version
