"""moto.server, except that requests for the actions named in TFHARNESS_STALL_ACTIONS (JSON
protocol targets such as `DeleteLogGroup`) are never answered: the first one writes the file
TFHARNESS_STALL_MARKER, then each waits to be killed. A fault test runs it to kill the
emulator at a known point of a destroy, deterministically.

    python stalling_moto.py -H 127.0.0.1 -p 5000      # what MotoServer.SERVER runs
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import moto.server

ACTIONS = set(filter(None, os.environ.get("TFHARNESS_STALL_ACTIONS", "").split(",")))
MARKER = Path(os.environ.get("TFHARNESS_STALL_MARKER", os.devnull))
GIVE_UP = 300  # seconds: a server the test forgot still ends its requests


class Stall:
    """WSGI middleware that holds the named actions' requests."""

    def __init__(self, app) -> None:
        self.app = app

    def __call__(self, environ, start_response):
        action = environ.get("HTTP_X_AMZ_TARGET", "").rsplit(".", 1)[-1]
        if action in ACTIONS:
            if not MARKER.exists():
                MARKER.write_text(action)
            time.sleep(GIVE_UP)
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"stalled"]
        return self.app(environ, start_response)


_run_simple = moto.server.run_simple


def run_simple(host, port, app, **options):
    return _run_simple(host, port, Stall(app), **options)


if __name__ == "__main__":
    moto.server.run_simple = run_simple
    moto.server.main(sys.argv[1:])
