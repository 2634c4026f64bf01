"""No password or secret value of this session is in any file it wrote (runs last).

Every value the session's boto3 clients (and the rotation function's) sent or received, the
database logins the harness made and every secret version the emulator still holds are searched
for, plain and encoded, in the run directory, state and its backups, plan files, the emulator's
log, pytest's temporary files, Terraform logs and the reports; after teardown the plugin searches
what changed since and the JUnit XML (tfharness.plugin.leaks).
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.secret_scan]


def test_no_secret_value_in_any_file_the_run_wrote(secret_scan):
    secret_scan.check()
