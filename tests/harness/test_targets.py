"""Target selection and endpoint wiring (LocalStack and real AWS cannot run here; their
selection, endpoints and safety checks are tested without them)."""

from __future__ import annotations

import pytest

from tfharness.deploying.deployment import RUN_TAG, override_file
from tfharness.deploying.emulator import Endpoint
from tfharness.deploying.targets import check_aws_account, localstack_endpoint, selected_kind
from tfharness.errors import HarnessError, UnsafeTarget

pytestmark = pytest.mark.harness


def test_default_target_is_the_embedded_moto(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TFHARNESS_TARGET", raising=False)
    assert selected_kind() == "moto"


def test_option_wins_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TFHARNESS_TARGET", "aws")
    assert selected_kind("localstack") == "localstack"
    assert selected_kind() == "aws"


def test_unknown_target_lists_the_choices() -> None:
    with pytest.raises(HarnessError, match="choose one of moto, localstack, aws"):
        selected_kind("azure")


def test_localstack_endpoint_comes_from_localstack_client(monkeypatch) -> None:
    monkeypatch.setenv("LOCALSTACK_HOST", "ls.internal:4599")
    monkeypatch.setenv("LOCALSTACK_AUTH_TOKEN", "token-123")
    endpoint = localstack_endpoint()
    assert endpoint.url == "http://ls.internal:4599"
    assert endpoint.name == "localstack"
    env = endpoint.env()
    assert env["AWS_ENDPOINT_URL"] == "http://ls.internal:4599"
    assert env["LOCALSTACK_AUTH_TOKEN"] == "token-123"


def test_endpoint_env_never_reaches_a_real_account() -> None:
    env = Endpoint("http://127.0.0.1:1").env()
    assert env["AWS_ACCESS_KEY_ID"] == "testing"
    assert env["AWS_PROFILE"] == "" and env["AWS_ROLE_ARN"] == ""
    assert env["AWS_EC2_METADATA_DISABLED"] == "true"


@pytest.mark.parametrize(
    ("account", "allowed", "message"),
    [
        ("111111111111", set(), "TFHARNESS_AWS_ALLOWED_ACCOUNTS is empty"),
        ("111111111111", {"222222222222"}, "account 111111111111, which is not in"),
    ],
)
def test_real_aws_refuses_accounts_off_the_allow_list(account, allowed, message) -> None:
    with pytest.raises(UnsafeTarget, match=message):
        check_aws_account(account, allowed)


def test_real_aws_accepts_an_allowed_account() -> None:
    check_aws_account("222222222222", {"222222222222"})


def test_override_tags_every_resource_with_the_run_id() -> None:
    text = override_file("run-1", emulator=True)
    assert f'tags = {{ "{RUN_TAG}" = "run-1" }}' in text
    assert "max_retries = 2" in text and "s3_use_path_style" in text
    assert "s3_use_path_style" not in override_file("run-1", emulator=False)


def test_override_covers_aliased_providers_too() -> None:
    text = override_file("run-2", emulator=False, aliases=("us_east_1",))
    assert text.count('provider "aws" {') == 2
    assert 'alias       = "us_east_1"' in text
    assert text.count(f'"{RUN_TAG}" = "run-2"') == 2
