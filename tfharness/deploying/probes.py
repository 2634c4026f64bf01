"""Waiting for eventual consistency, with bounded tenacity retries.

``eventually(check)`` retries a check that raises ``AssertionError`` (not there yet) or a
transient AWS error (throttling, "not found yet") until it passes or the timeout expires;
any other error fails at once, so a real failure is never retried into a pass.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from botocore.exceptions import ClientError
from tenacity import Retrying, retry_if_exception, stop_after_delay, wait_exponential

T = TypeVar("T")

TRANSIENT_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "ServiceUnavailable",
        "InternalFailure",
        "ResourceNotFoundException",
        "NotFound",
    }
)


def is_transient(error: BaseException) -> bool:
    if isinstance(error, AssertionError):
        return True
    if isinstance(error, ClientError):
        return error.response.get("Error", {}).get("Code") in TRANSIENT_CODES
    return False


def eventually(check: Callable[[], T], *, timeout: float = 30.0, max_wait: float = 2.0) -> T:
    """Run `check` until it returns without a transient error; return its result."""
    for attempt in Retrying(
        stop=stop_after_delay(timeout),
        wait=wait_exponential(multiplier=0.1, max=max_wait),
        retry=retry_if_exception(is_transient),
        reraise=True,
    ):
        with attempt:
            return check()
    raise AssertionError("unreachable")  # pragma: no cover
