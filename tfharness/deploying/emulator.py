"""The AWS endpoint tests talk to: an embedded moto server by default.

The unit tier needs a few read-only answers to plan (caller identity, availability zones,
partition); the integration tier applies. Both point the AWS provider at one endpoint through
``AWS_ENDPOINT_URL`` with dummy credentials, so no test can reach a real account by accident.

``MotoServer`` starts ``moto.server`` on a free loopback port, waits for it with tenacity,
switches Lambda to its no-Docker backend, captures its log and stops it at the end.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tenacity import retry, retry_if_exception_type, stop_after_delay, wait_fixed

from tfharness.errors import EmulatorError

DUMMY_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}

# Variables that could route a test to a real account; they never reach Terraform here.
_SCRUBBED = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Endpoint:
    """Where AWS calls go, and the environment that sends them there."""

    url: str
    region: str = "us-east-1"
    name: str = "moto"
    extra_env: dict[str, str] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        env = {
            "AWS_ENDPOINT_URL": self.url,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_EC2_METADATA_DISABLED": "true",
            # The AWS provider retries failed calls for minutes; an emulator answers
            # unimplemented calls with HTTP 500, so keep retries short.
            "AWS_MAX_ATTEMPTS": "2",
            **DUMMY_CREDENTIALS,
            **self.extra_env,
        }
        for name in _SCRUBBED:
            env[name] = ""
        return env

    def boto3_client(self, service: str, *, region_name: str | None = None, **kwargs):
        """A boto3 client for this endpoint, in its region unless `region_name` says another.

        The secret values it sends and receives are recorded for the session's secret scan
        (`tfharness.checks.leaks.watch`; nothing when no scan is on)."""
        import boto3

        from tfharness.checks import leaks

        return leaks.watch(
            boto3.client(
                service,
                endpoint_url=self.url,
                region_name=region_name or self.region,
                **kwargs,
                aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                aws_session_token=DUMMY_CREDENTIALS["AWS_SESSION_TOKEN"],
            )
        )


class MotoServer:
    """A moto server process on a free loopback port."""

    # What runs it: `python <SERVER> -H <host> -p <port>` (a fault test runs a wrapper of it).
    SERVER: tuple[str, ...] = ("-m", "moto.server")

    def __init__(
        self, port: int | None = None, log_dir: Path | None = None, *, detachable: bool = False
    ) -> None:
        """`detachable`: in a process group of its own, so that it can outlive the session
        (a kept run's deployments live in it) and a Ctrl-C of the session does not reach it."""
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = (log_dir or Path(tempfile.gettempdir())) / f"moto-{self.port}.log"
        self.detachable = detachable
        self._process: subprocess.Popen | None = None

    def start(self) -> Endpoint:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        env = {
            **os.environ,
            "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
            "MOTO_ALLOW_NONEXISTENT_REGION": "false",
        }
        self._process = subprocess.Popen(
            [sys.executable, *self.SERVER, "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=self.detachable,
        )
        log.close()
        try:
            self._wait_healthy()
            self.configure()
        except Exception as error:
            self.stop()
            raise EmulatorError(
                f"moto server did not become healthy on {self.url}: {error}. "
                f"Its log: {self.log_path}. Is moto[server] installed (pip install -e .[test])?"
            ) from error
        threading.Thread(target=self.warm, name="moto-warm", daemon=True).start()
        return Endpoint(self.url)

    # moto loads a service's backend on its first request: EC2's costs ~2.3 s of CPU, which
    # the first plan's availability-zone lookup waited for. Asked at once, in the background,
    # they load while Terraform starts up (vpc, 22 scenarios: ~1.5 s sooner).
    WARM = (
        ("sts", "GetCallerIdentity", "2011-06-15"),
        ("ec2", "DescribeAvailabilityZones", "2016-11-15"),
    )

    def warm(self, region: str = "us-east-1") -> None:
        """Load the backends every plan asks for (best effort: a failure only costs time)."""
        for service, action, version in self.WARM:
            scope = f"testing/20260101/{region}/{service}/aws4_request"
            request = urllib.request.Request(
                f"{self.url}/",
                data=f"Action={action}&Version={version}".encode(),
                method="POST",
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Authorization": f"AWS4-HMAC-SHA256 Credential={scope}, "
                    "SignedHeaders=host, Signature=0",
                },
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    response.read()
            except (urllib.error.URLError, OSError):
                return

    @retry(
        stop=stop_after_delay(30),
        wait=wait_fixed(0.2),
        retry=retry_if_exception_type((urllib.error.URLError, ConnectionError, OSError)),
        reraise=True,
    )
    def _wait_healthy(self) -> None:
        if self._process is not None and self._process.poll() is not None:
            raise EmulatorError(f"moto server exited with code {self._process.returncode}")
        with urllib.request.urlopen(f"{self.url}/moto-api/data.json", timeout=2) as response:
            response.read()

    def configure(self) -> None:
        """Run Lambda without Docker (there is no Docker engine on the test machines)."""
        body = json.dumps({"lambda": {"use_docker": False}, "batch": {"use_docker": False}})
        request = urllib.request.Request(
            f"{self.url}/moto-api/config",
            data=body.encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            response.read()

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def detach(self) -> int | None:
        """Let the server outlive this session (a kept run): stop() no longer stops it.
        Returns its process ID (None when it is not running)."""
        pid = self._process.pid if self.running else None
        # Still referenced, so it is never collected (and warned about) while it runs.
        self._detached, self._process = self._process, None
        return pid

    def stop(self) -> None:
        if self._process is None:
            return
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=10)
        self._process = None

    def kill(self) -> None:
        """Kill abruptly (for fault tests)."""
        if self._process is not None:
            self._process.kill()
            self._process.wait(timeout=10)
            self._process = None
