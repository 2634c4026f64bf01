"""The embedded LocalStack target's wiring: finding Python 3.13, its own environment, and
capability probes that read LocalStack's way of saying "not served"."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from tfharness.deploying import localstack
from tfharness.deploying.capabilities import _answers, _refused

pytestmark = pytest.mark.harness


def localstack_refusal(message: str) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": "InternalFailure", "Message": message},
            "ResponseMetadata": {"HTTPStatusCode": 501},
        },
        "ListClusters",
    )


@pytest.mark.parametrize(
    "message",
    [
        "The API for service eks is either not included in your current license plan or has "
        "not yet been emulated by LocalStack.",
        "Service 'dynamodb' is not enabled. Please check your 'SERVICES' configuration variable.",
        "The test_metric_filter action has not been implemented",
    ],
)
def test_localstack_not_served_is_not_an_answer(message: str) -> None:
    error = localstack_refusal(message)
    assert _refused(error).startswith("not implemented: InternalFailure: ")

    def call() -> None:
        raise error

    capability = _answers("eks_clusters", call, "EKS clusters")
    assert not capability.available
    assert capability.reason.startswith(
        "the target does not implement EKS clusters (not implemented"
    )


def test_an_aws_error_is_still_an_answer() -> None:
    def call() -> None:
        raise ClientError(
            {
                "Error": {"Code": "ResourceNotFoundException", "Message": "No cluster x"},
                "ResponseMetadata": {"HTTPStatusCode": 404},
            },
            "ListAddons",
        )

    assert _answers("eks_addons", call, "EKS add-ons").available


def test_an_interpreter_older_than_313_is_refused_with_what_to_do(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if sys.version_info >= (3, 13):
        pytest.skip("this test's own interpreter is 3.13 or newer")
    monkeypatch.setenv("TFHARNESS_LOCALSTACK_PYTHON", sys.executable)
    monkeypatch.setattr(localstack, "PYTHON_CANDIDATES", ())
    with pytest.raises(localstack.LocalStackUnavailable) as error:
        localstack.find_python()
    message = str(error.value)
    assert "LocalStack needs Python >= 3.13 and none was found" in message
    assert sys.executable in message and "TFHARNESS_LOCALSTACK_PYTHON" in message


def test_a_failing_shim_is_skipped(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """On PATH, python3.13 may be a pyenv shim that fails unless that version is selected."""
    shim = tmp_path / "python3.13"
    shim.write_text("#!/bin/sh\necho 'pyenv: python3.13: command not found' >&2\nexit 127\n")
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv("TFHARNESS_LOCALSTACK_PYTHON", raising=False)
    monkeypatch.setattr(localstack, "PYTHON_CANDIDATES", ("python3.13",))
    assert localstack._version_of(str(shim)) is None
    with pytest.raises(localstack.LocalStackUnavailable, match="tried " + str(shim)):
        localstack.find_python()  # the shim was tried, and refused


def test_the_environment_is_keyed_by_version_and_constraints(tmp_path: Path) -> None:
    environment = localstack.LocalStackEnvironment(root=tmp_path)
    assert environment.dir.parent == tmp_path
    assert environment.dir.name.startswith(f"{localstack.LOCALSTACK_VERSION}-")
    assert not environment.ready
    constraints = localstack.CONSTRAINTS.read_text()
    for pin in ("cbor2==5.6.5", "pyOpenSSL==24.3.0", "cryptography==44.0.3", "joserfc==1.5.0"):
        assert f"\n{pin}\n" in constraints, pin


def test_the_server_listens_on_loopback_only_and_never_logs_requests() -> None:
    env = localstack.SERVER_ENV
    assert env["GATEWAY_SERVER"] == "hypercorn"  # the default server binds 0.0.0.0
    assert env["OVERRIDE_IN_DOCKER"] == "0" and env["DNS_ADDRESS"] == "0"
    assert "LS_LOG" not in env  # trace logging records request bodies: secret values
    server = localstack.LocalStackServer(localstack.LocalStackEnvironment(), port=4999)
    assert server.url == "http://127.0.0.1:4999"


def test_require_skips_with_every_missing_reason_and_fails_unknown_names() -> None:
    from tfharness.deploying.capabilities import Capability, require

    found = {
        "a": Capability("a", True, "works"),
        "b": Capability("b", False, "the target refused b"),
        "c": Capability("c", False, "the target refused c"),
    }
    require(found, "a")  # nothing missing: no skip
    with pytest.raises(pytest.skip.Exception, match=r"needs b: the target refused b; needs c: "):
        require(found, "a", "b", "c")
    with pytest.raises(pytest.fail.Exception, match=r"unknown capabilities \['z'\]"):
        require(found, "z")
