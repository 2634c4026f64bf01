"""The one wrapper around Terraform: every command the harness runs goes through here.

``Terraform(workdir, env).run("plan", ...)`` returns a ``Result`` (exit code, stdout,
stderr) and never raises for a non-zero exit; ``init()`` raises ``TerraformFailed`` with a
message that says what to do (a provider the mirror lacks, a module that is not there).

Commands run through ``tftest``, except those started inside a ``Cancellation``'s ``scope()``
(the planner's batches, from any thread): tftest's runner keeps no handle on its process, so
the harness starts those itself, each in a process group of its own;
``cancel()`` stops every one of them (an interrupt, then a kill of the group with its
providers) and refuses new ones with ``Interrupted``, so an interrupted batch leaves no
Terraform process and no outcome that could be cached. An ``init`` is let finish (it writes
the shared plugin cache); the command after it is refused. Commands outside a scope (applies,
destroys, the sweep) stay in the caller's process group, so a terminal's Ctrl-C reaches them
as Terraform expects: an apply stops gracefully and its state is kept for the destroy.
"""

from __future__ import annotations

import contextvars
import logging
import os
import re
import signal
import subprocess
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import tftest

from tfharness.errors import TerraformFailed
from tfharness.terraform.timings import Timings
from tfharness.terraform.toolchain import cli_config, init_lock, terraform_binary

# tftest logs every failed command at CRITICAL; the harness reports failures itself.
logging.getLogger("tftest").addHandler(logging.NullHandler())
logging.getLogger("tftest").propagate = False
logging.getLogger("tftest").setLevel(logging.CRITICAL + 1)

# Seconds a cancelled command gets to stop on its interrupt before its group is killed, and an
# init to finish.
STOP_GRACE = 5.0
INIT_GRACE = 60.0

# Terraform wraps its messages at 78 columns: any space may be a line break.
_MISSING_PROVIDER = re.compile(
    r"versions\s+for\s+provider\s+(?:registry\.terraform\.io/)?(?P<queried>[\w.-]+/[\w.-]+)"
    r"|provider\s+(?:registry\.terraform\.io/)?(?P<address>[\w.-]+/[\w.-]+)"
    r"\s+(?:was\s+not\s+found|v?[\d.]+\s+is\s+not\s+available)"
)


class Interrupted(KeyboardInterrupt):
    """A Terraform command was stopped, or refused, because its work was cancelled: there is
    no result. A KeyboardInterrupt, so no `except Exception` turns it into an outcome."""


@contextmanager
def sigterm_as_interrupt(during: str) -> Iterator[None]:
    """Inside the block, SIGTERM (what a cancelled CI job gets) raises KeyboardInterrupt as
    Ctrl-C does, so the caller's cleanup runs instead of the process ending with Terraform
    children still running. Only the main thread can set a handler; elsewhere it does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupted(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum} during {during}")

    previous = signal.signal(signal.SIGTERM, interrupted)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@dataclass
class Result:
    """What one Terraform command returned."""

    returncode: int
    stdout: str
    stderr: str


_SCOPE: contextvars.ContextVar[Cancellation | None] = contextvars.ContextVar(
    "tfharness_cancellation", default=None
)


class Cancellation:
    """The Terraform processes started inside `scope()`, from any number of threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[subprocess.Popen, str] = {}  # process -> command
        self.cancelled = False

    @contextmanager
    def scope(self) -> Iterator[Cancellation]:
        """Run the block's Terraform commands under this cancellation (this thread only:
        each worker thread enters the scope itself)."""
        token = _SCOPE.set(self)
        try:
            yield self
        finally:
            _SCOPE.reset(token)

    @contextmanager
    def unless_cancelled(self) -> Iterator[None]:
        """Hold off `cancel()` while the block runs (keeping a finished result); raises
        Interrupted instead when already cancelled."""
        with self._lock:
            if self.cancelled:
                raise Interrupted("cancelled: the result is not kept")
            yield

    def cancel(self) -> None:
        """Refuse new commands and stop the running ones; returns when they have exited."""
        with self._lock:
            self.cancelled = True
            running = list(self._running.items())
        for process, command in running:
            _stop(process, command)

    def _start(self, command: str, start) -> subprocess.Popen:
        with self._lock:
            if self.cancelled:
                raise Interrupted(f"cancelled: terraform {command} not started")
            process = start()
            self._running[process] = command
            return process

    def _finished(self, process: subprocess.Popen) -> None:
        with self._lock:
            self._running.pop(process, None)


def _stop(process: subprocess.Popen, command: str) -> None:
    """Stop a command running in its own process group: an init is let finish; anything else
    gets Terraform's interrupt (the group's providers ignore it, as on a terminal's Ctrl-C),
    then the group is killed if it has not exited within STOP_GRACE."""
    grace = INIT_GRACE if command == "init" else STOP_GRACE
    if command != "init":
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


class Terraform:
    """Terraform commands in one working directory with one environment."""

    def __init__(self, workdir: Path, env: Mapping[str, str]) -> None:
        self.workdir = Path(workdir)
        self.env = dict(env)
        self._tf = tftest.TerraformTest(str(self.workdir), binary=terraform_binary(), env=self.env)
        # What tftest gives its process: the caller's environment less TF_LOG (its output
        # would mix with -json's), plus ours.
        self._environ = {k: v for k, v in os.environ.items() if k != "TF_LOG"} | self.env

    def run(self, command: str, *args: str) -> Result:
        """Run a Terraform command; a non-zero exit is returned, not raised. Under a
        cancelled `Cancellation`, raises Interrupted instead of returning."""
        scope = _SCOPE.get()
        if scope is None:
            return self._run_with_tftest(command, *args)

        def start() -> subprocess.Popen:
            return subprocess.Popen(
                [terraform_binary(), command, *args],
                cwd=self.workdir,
                env=self._environ,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                errors="ignore",
                start_new_session=True,
            )

        try:
            process = scope._start(command, start)
        except OSError as error:  # no such working directory
            return Result(1, "", f"cannot run terraform {command} in {self.workdir}: {error}")
        try:
            stdout, stderr = process.communicate()
        except BaseException:
            _stop(process, command)  # its own group: no Ctrl-C reached it, so stop it here
            raise
        finally:
            scope._finished(process)
        if scope.cancelled:
            raise Interrupted(f"cancelled: terraform {command} in {self.workdir} was stopped")
        return Result(process.returncode, stdout, stderr or "")

    def _run_with_tftest(self, command: str, *args: str) -> Result:
        if not self.workdir.is_dir():  # a sweep of a removed run
            return Result(
                1, "", f"cannot run terraform {command} in {self.workdir}: no such folder"
            )
        try:
            out = self._tf.execute_command(command, *args)
            return Result(out.retcode, out.out, out.err or "")
        except tftest.TerraformTestError as error:
            message = str(error.args[0]) if error.args else ""
            # tftest folds stdout into the message; keep its JSON lines for diagnostics.
            return Result(1, message, str(error.cmd_error or ""))

    def init(self, subject: str, timings: Timings) -> None:
        """`terraform init` without a backend, serialised across processes (plugin cache)."""
        with init_lock(), timings.measure("init", subject):
            result = self.run("init", "-backend=false", "-input=false", "-no-color")
        if result.returncode != 0:
            raise init_failure(subject, result.stderr or result.stdout)


def init_failure(subject: str, output: str) -> TerraformFailed:
    """A TerraformFailed for a failed init, saying what to do about the usual causes."""
    detail = output.strip()[-4000:]
    missing = _MISSING_PROVIDER.search(output)
    if missing:
        address = missing["address"] or missing["queried"]
        mirror = cli_config().mirror
        where = (
            f"the provider mirror at {mirror} does not hold it: add it with "
            f"`terraform providers mirror {mirror}` on a machine with registry access, or "
            "point TFHARNESS_PROVIDER_MIRROR at a mirror that has it"
            if mirror
            else "the registry could not provide it: check the version constraint and network"
        )
        message = f"{subject}: terraform init failed: the module needs provider {address}; {where}."
    else:
        message = f"{subject}: terraform init failed:\n{detail}"
    return TerraformFailed(message, command="init", returncode=1, stderr=detail)
