"""AWS provider processes that Terraform attaches to, instead of starting its own each run.

Every Terraform command that loads the AWS provider first checks the installed package
against the lock file (a SHA-256 over its ~700 MB binary: ~0.5 s of CPU), then starts one
provider process to read its schema and one more per provider configuration in each walk
(validate, plan): about 2 s of CPU a batch plan and 0.8 s a `show`, for nothing the plan
needs. Started once with ``-debug``, a provider serves every command whose environment
names it in ``TF_REATTACH_PROVIDERS`` (Terraform's documented way to attach to a running
provider); Terraform then neither hashes nor starts it.

One process holds one provider configuration: a second configuration (another region) sent
to the same process replaces the first. So a server serves one region, and one Terraform
command at a time: `ProviderServers.lease(region)` hands a free server of that region to a
batch (starting one when none is free) and takes it back after. The AWS SDK also refuses to
be configured twice with a custom CA bundle (``AWS_CA_BUNDLE``: "unable to add custom RootCAs
HTTPClient"), so servers run only against plain-HTTP endpoints (an emulator on loopback),
without the bundle, which such an endpoint never uses (`attachable`). A server that fails
to start or has died is not handed out: the batch runs Terraform the usual way.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

from tfharness.terraform.timings import Timings

REATTACH = "TF_REATTACH_PROVIDERS"
AWS_PROVIDER_ADDRESS = "registry.terraform.io/hashicorp/aws"
START_TIMEOUT = 60.0  # seconds a provider gets to print its reattach line
STOP_GRACE = 5.0
_NOT_FOR_SERVERS = ("AWS_CA_BUNDLE", REATTACH, "TF_LOG", "TF_LOG_PATH", "TF_LOG_PROVIDER")


def attachable(env: Mapping[str, str]) -> bool:
    """Whether provider servers may serve commands run in `env`: every AWS endpoint it sets is
    plain HTTP (and at least one is set), so the CA bundle they run without is never used."""
    endpoints = [v for k, v in env.items() if k.startswith("AWS_ENDPOINT_URL") and v]
    return bool(endpoints) and all(e.startswith("http://") for e in endpoints)


def provider_binary(providers_dir: Path) -> Path | None:
    """The AWS provider installed in a `.terraform/providers`-shaped directory (None when it
    holds none, or more than one version and so no one answer)."""
    found = sorted((providers_dir / AWS_PROVIDER_ADDRESS).glob("*/*/terraform-provider-aws_v*"))
    return found[0] if len(found) == 1 else None


class ProviderServer:
    """One AWS provider process in debug mode, and the reattach value that points at it."""

    def __init__(self, binary: Path, env: Mapping[str, str], log: Path) -> None:
        self.binary = binary
        self.env = {k: v for k, v in env.items() if k not in _NOT_FOR_SERVERS}
        self.log = log
        self.reattach: str | None = None
        self._process: subprocess.Popen[str] | None = None
        self._found = threading.Event()

    def start(self) -> str:
        """Start the provider; return its `TF_REATTACH_PROVIDERS` value. Raises OSError or
        RuntimeError (with the log's path) when it does not come up."""
        self.log.parent.mkdir(parents=True, exist_ok=True)
        log = self.log.open("w")
        try:
            self._process = subprocess.Popen(
                [str(self.binary), "-debug"],
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                start_new_session=True,  # a terminal's Ctrl-C is the planner's to handle
            )
        except OSError:
            log.close()
            raise
        assert self._process.stdout is not None
        threading.Thread(target=self._read, args=(self._process.stdout, log), daemon=True).start()
        if not self._found.wait(START_TIMEOUT) or self.reattach is None:
            self.stop()
            raise RuntimeError(
                f"the AWS provider started with -debug printed no {REATTACH} line within "
                f"{START_TIMEOUT:.0f} s (see {self.log})"
            )
        return self.reattach

    def _read(self, stdout: IO[str], log: IO[str]) -> None:
        with stdout, log:
            for line in stdout:
                log.write(line)
                value = _reattach_value(line)
                if value is not None and self.reattach is None:
                    self.reattach = value
                    self._found.set()
                log.flush()
        self._found.set()  # ended without one: start() stops waiting

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(STOP_GRACE)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _reattach_value(line: str) -> str | None:
    """The JSON of a provider's `TF_REATTACH_PROVIDERS='{...}'` line, checked to name the AWS
    provider."""
    text = line.strip()
    prefix = f"{REATTACH}='"
    if not (text.startswith(prefix) and text.endswith("'")):
        return None
    value = text[len(prefix) : -1]
    try:
        parsed = json.loads(value)
    except ValueError:
        return None
    return value if isinstance(parsed, dict) and AWS_PROVIDER_ADDRESS in parsed else None


class ProviderServers:
    """Provider servers by region, each leased to one Terraform command at a time."""

    def __init__(
        self,
        binary: Callable[[], Path | None],
        env: Mapping[str, str],
        logs: Path,
        timings: Timings | None = None,
    ) -> None:
        """`binary` finds the provider to serve, when the first lease needs it (None: servers
        are off)."""
        self._find_binary = binary
        self.binary: Path | None = None
        self.env = dict(env)
        self.logs = logs
        self.timings = timings or Timings()
        self.enabled = attachable(env)
        self.started = 0
        self.failures: list[str] = []
        self._lock = threading.Lock()
        self._idle: dict[str, list[ProviderServer]] = {}
        self._all: list[ProviderServer] = []
        self._closed = False

    @contextmanager
    def lease(self, region: str) -> Iterator[dict[str, str]]:
        """The environment entries that attach Terraform to a free server of `region` (none
        when servers are off or one cannot start: Terraform then starts its own)."""
        server = self._take(region) if self.enabled else None
        try:
            yield {REATTACH: server.reattach} if server is not None and server.reattach else {}
        finally:
            if server is not None:
                self._give_back(region, server)

    def _take(self, region: str) -> ProviderServer | None:
        with self._lock:
            if self._closed:
                return None
            if self.binary is None:
                self.binary = self._find_binary()
                if self.binary is None:
                    self.enabled = False
                    self.failures.append("no installed AWS provider to serve")
                    return None
            idle = self._idle.setdefault(region, [])
            while idle:
                server = idle.pop()
                if server.alive:
                    return server
                self.failures.append(f"{region}: a provider server had exited ({server.log})")
            self.started += 1
            log = self.logs / f"aws-{region}-{self.started}.log"
        server = ProviderServer(self.binary, self.env, log)
        try:
            with self.timings.measure("attach", region):
                server.start()
        except (OSError, RuntimeError) as error:
            with self._lock:
                self.failures.append(f"{region}: {error}")
            return None
        with self._lock:
            self._all.append(server)
            if self._closed:  # closed while starting
                server.stop()
                return None
        return server

    def _give_back(self, region: str, server: ProviderServer) -> None:
        with self._lock:
            if not self._closed and server.alive:
                self._idle.setdefault(region, []).append(server)
                return
        server.stop()

    def close(self) -> None:
        """Stop every server; later leases attach nothing."""
        with self._lock:
            self._closed = True
            servers, self._all, self._idle = self._all, [], {}
        for server in servers:
            server.stop()
