"""No password the rotation tier generated or rotated to is in any file it wrote (runs last).

The logins' passwords, what the rotation function generated (GetRandomPassword, AWSPENDING) and
every secret version the emulator holds are searched for, plain and encoded, in the database
servers' logs (kept when a server is removed), the emulator's log, pytest's temporary files and
the reports; after teardown the plugin searches what changed since and the JUnit XML
(tfharness.plugin.leaks).
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.rotation, pytest.mark.secret_scan]


def test_no_secret_value_in_any_file_the_run_wrote(secret_scan):
    secret_scan.check()
