"""The rds component's rotation package: what `lambda/build.py` builds for the function.

In the rotation tier, not the plan tier: it runs pip twice (about 3 s), which a warm plan run
(every scenario from the cache) should not pay for each time.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import zipfile

import pytest

from tfharness.planning.components import find_component

pytestmark = pytest.mark.rotation

COMPONENT = find_component("rds")


def test_package_build_is_deterministic_and_bundles_the_drivers(tmp_path):
    """Two builds of a copy give byte-identical zips with the handler and both drivers."""
    digests = []
    for attempt in ("one", "two"):
        copy = tmp_path / attempt
        shutil.copytree(
            COMPONENT.path / "lambda", copy / "lambda", ignore=shutil.ignore_patterns("__pycache__")
        )
        done = subprocess.run(
            [sys.executable, str(copy / "lambda" / "build.py")],
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        package = copy / "build" / "rotation.zip"
        digests.append(hashlib.sha256(package.read_bytes()).hexdigest())
        with zipfile.ZipFile(package) as archive:
            infos = archive.infolist()
    assert digests[0] == digests[1], "two builds of the same sources differ"
    names = [i.filename for i in infos]
    assert names == sorted(names)
    assert {
        "rotation.py",
        "pg8000/__init__.py",
        "scramp/__init__.py",
        "pymysql/__init__.py",
        "asn1crypto/__init__.py",
        "dateutil/__init__.py",
        "six.py",
    } <= set(names)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o644}
    assert not [n for n in names if n.endswith(".pyc")]
