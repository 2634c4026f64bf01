"""LocalStack embedded: started by the session itself, in host mode, without Docker.

With ``--target localstack`` and no endpoint given (no ``LOCALSTACK_HOST``, no
``--aws-endpoint``), the session runs LocalStack Community from PyPI in its own environment:

* ``LocalStackEnvironment``: a virtual environment under the harness's cache directory,
  created once with a Python >= 3.13 interpreter (LocalStack needs it; the harness may run on
  an older one) and ``localstack-core[runtime]`` installed with the pinned constraints file
  beside this module, which makes it start offline. It is never mixed into the test
  environment; a file lock keeps two sessions from building it at once.
* ``LocalStackServer``: ``python -m localstack.runtime.main`` on a free loopback port
  (``GATEWAY_LISTEN``, hypercorn: loopback only), its files in a directory of its own, its log
  in a file; the session waits for ``/_localstack/init/ready`` with tenacity and stops it at
  the end (SIGTERM, then SIGKILL).

When no Python 3.13 can be found, or the environment cannot be built, ``LocalStackUnavailable``
says which and what to do; the plugin skips the LocalStack tests with that reason.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import hashlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from tenacity import retry, retry_if_exception_type, stop_after_delay, wait_fixed

from tfharness.deploying.emulator import Endpoint, free_port
from tfharness.errors import EmulatorError
from tfharness.terraform.toolchain import cache_root

LOCALSTACK_VERSION = "2026.3.0"
CONSTRAINTS = Path(__file__).with_name("localstack-constraints.txt")
MINIMUM_PYTHON = (3, 13)
PYTHON_CANDIDATES = (
    "python3.13",
    "python3.14",
    "~/.pyenv/versions/3.13*/bin/python3.13",
    "~/.pyenv/versions/3.14*/bin/python3.14",
    "/usr/local/bin/python3.13",
    "/usr/bin/python3.13",
)


class LocalStackUnavailable(EmulatorError):
    """LocalStack cannot be run here (no Python 3.13, or its packages cannot be installed)."""


class NotReady(Exception):
    """LocalStack answers but has not finished starting."""


def _version_of(python: str) -> tuple[int, int] | None:
    try:
        done = subprocess.run(
            [python, "-c", "import sys; print(sys.version_info[0], sys.version_info[1])"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:  # e.g. a pyenv shim for a version that is not selected
        return None
    major, minor = done.stdout.split()
    return int(major), int(minor)


def find_python() -> Path:
    """An interpreter LocalStack runs on: TFHARNESS_LOCALSTACK_PYTHON, else the first
    candidate that really starts (pyenv shims that fail are skipped)."""
    named = os.environ.get("TFHARNESS_LOCALSTACK_PYTHON")
    candidates = [named] if named else []
    for pattern in PYTHON_CANDIDATES:
        if "/" in pattern:
            candidates += sorted(glob.glob(os.path.expanduser(pattern)), reverse=True)
        elif found := shutil.which(pattern):
            candidates.append(found)
    for candidate in candidates:
        version = _version_of(candidate)
        if version and version >= MINIMUM_PYTHON:
            return Path(candidate)
    raise LocalStackUnavailable(
        "LocalStack needs Python >= 3.13 and none was found "
        f"(tried {', '.join(candidates) or 'python3.13 on PATH and under ~/.pyenv'}): install "
        "one (e.g. `pyenv install 3.13`) or set TFHARNESS_LOCALSTACK_PYTHON to its path."
    )


class LocalStackEnvironment:
    """LocalStack's own virtual environment, built once per version and constraints."""

    def __init__(self, root: Path | None = None) -> None:
        digest = hashlib.sha256(CONSTRAINTS.read_bytes()).hexdigest()[:12]
        base = root or cache_root() / "localstack"
        self.dir = base / f"{LOCALSTACK_VERSION}-{digest}"
        self.python = self.dir / "bin" / "python"
        self.log_path = base / f"{LOCALSTACK_VERSION}-{digest}.install.log"

    @property
    def ready(self) -> bool:
        return (self.dir / ".complete").is_file() and self.python.is_file()

    def ensure(self) -> Path:
        """Create the environment if it is missing; return its interpreter."""
        if self.ready:
            return self.python
        self.dir.parent.mkdir(parents=True, exist_ok=True)
        with (self.dir.parent / ".install.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another session may be building it
            if not self.ready:
                self._build(find_python())
        return self.python

    def _build(self, interpreter: Path) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
        with self.log_path.open("w") as log:
            steps = [
                [str(interpreter), "-m", "venv", str(self.dir)],
                [
                    str(self.python),
                    "-m",
                    "pip",
                    "install",
                    "--disable-pip-version-check",
                    "--no-input",
                    "-c",
                    str(CONSTRAINTS),
                    f"localstack-core[runtime]=={LOCALSTACK_VERSION}",
                    "service_identity",  # twisted needs it; no package declares it
                ],
            ]
            for step in steps:
                done = subprocess.run(step, stdout=log, stderr=subprocess.STDOUT, check=False)
                if done.returncode != 0:
                    shutil.rmtree(self.dir, ignore_errors=True)
                    raise LocalStackUnavailable(
                        f"building LocalStack's environment failed at `{' '.join(step[:4])} "
                        f"...` (exit {done.returncode}); its log: {self.log_path}. The packages "
                        "come from PyPI: check the network, or point the target at a running "
                        "LocalStack with LOCALSTACK_HOST."
                    )
        (self.dir / ".complete").write_text(LOCALSTACK_VERSION + "\n")


# Services the components use that LocalStack Community serves in host mode. Naming them makes
# the others answer "not enabled" at once (DynamoDB would otherwise block for seconds trying to
# download DynamoDB Local); the capability probes report them missing.
SERVICES = (
    "acm,apigateway,cloudwatch,config,ec2,events,iam,kms,lambda,logs,route53,s3,"
    "secretsmanager,sns,sqs,ssm,sts,resourcegroupstaggingapi"
)

# Measured on the test machines (which carry /.dockerenv, so LocalStack believes it runs in a
# container unless told otherwise).
SERVER_ENV = {
    "OVERRIDE_IN_DOCKER": "0",  # host directories under FILESYSTEM_ROOT; no resolv.conf edits
    "DNS_ADDRESS": "0",  # no DNS server on port 53
    "GATEWAY_SERVER": "hypercorn",  # the default server ignores GATEWAY_LISTEN's host (0.0.0.0)
    "SKIP_SSL_CERT_DOWNLOAD": "1",
    "DISABLE_EVENTS": "1",  # no telemetry
    "PERSISTENCE": "0",
    "SQS_ENDPOINT_STRATEGY": "path",  # queue URLs on the gateway, not sqs.<region>.<host>
    "SERVICES": SERVICES,
    "DEBUG": "0",  # LS_LOG=trace would log request bodies (secret values): never set here
}


class LocalStackServer:
    """A LocalStack process in host mode on a free loopback port."""

    def __init__(
        self,
        environment: LocalStackEnvironment | None = None,
        *,
        port: int | None = None,
        log_dir: Path | None = None,
    ) -> None:
        self.environment = environment or LocalStackEnvironment()
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_dir = log_dir or Path(tempfile.mkdtemp(prefix="tfharness-localstack-"))
        self.log_path = self.log_dir / f"localstack-{self.port}.log"
        self.data_dir = self.log_dir / f"localstack-{self.port}-data"
        self._process: subprocess.Popen | None = None
        self.started_in: float | None = None

    def start(self) -> Endpoint:
        python = self.environment.ensure()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = {
            **{
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("AWS_", "LOCALSTACK_", "LS_"))
            },
            **SERVER_ENV,
            "GATEWAY_LISTEN": f"127.0.0.1:{self.port}",
            "LOCALSTACK_HOST": f"127.0.0.1:{self.port}",
            "FILESYSTEM_ROOT": str(self.data_dir / "filesystem"),
            "XDG_CACHE_HOME": str(self.data_dir / "cache"),  # plux's entry-point cache
        }
        began = time.perf_counter()
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                [str(python), "-m", "localstack.runtime.main"],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=self.data_dir,
                start_new_session=True,  # its children go with it on stop
            )
        try:
            self._wait_healthy()
        except Exception as error:
            self.stop()
            raise EmulatorError(
                f"LocalStack did not become healthy on {self.url}: {error}. "
                f"Its log: {self.log_path}."
            ) from error
        self.started_in = time.perf_counter() - began
        return Endpoint(self.url, name="localstack")

    @retry(
        stop=stop_after_delay(120),
        wait=wait_fixed(0.3),
        retry=retry_if_exception_type((urllib.error.URLError, ConnectionError, OSError, NotReady)),
        reraise=True,
    )
    def _wait_healthy(self) -> None:
        """Ready when `/_localstack/init/ready` says its start-up has completed."""
        if self._process is not None and self._process.poll() is not None:
            raise EmulatorError(f"LocalStack exited with code {self._process.returncode}")
        with urllib.request.urlopen(f"{self.url}/_localstack/init/ready", timeout=3) as response:
            ready = json.loads(response.read())
        if not ready.get("completed"):
            raise NotReady(f"start-up not complete: {ready}")

    def detach(self) -> int | None:
        """Let LocalStack outlive this session (a kept run): stop() no longer stops it.
        Returns its process ID, which leads its process group (None when not running)."""
        pid = self._process.pid if self._process and self._process.poll() is None else None
        # Still referenced, so it is never collected (and warned about) while it runs.
        self._detached, self._process = self._process, None
        return pid

    def stop(self) -> None:
        """SIGTERM to its process group, SIGKILL after 15 s (one stop in ~25 measured hung)."""
        if self._process is None:
            return
        if self._process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._process.pid, signal.SIGTERM)
            try:
                self._process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self._process.pid, signal.SIGKILL)
                self._process.wait(timeout=10)
        self._process = None
        shutil.rmtree(self.data_dir, ignore_errors=True)
