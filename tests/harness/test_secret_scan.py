"""The secret scan (tfharness.checks.leaks, tfharness.plugin.leaks) finds a planted secret.

Each form a secret can take in a file is planted by the writer that would produce it (a JSON
encoder, ElementTree, urlencode, base64 of a document, a deflated plan archive, gzip) and the
scan must name that file, without printing the value; clean files, partial values, symlinks and
committed inputs are not findings. The botocore hooks are checked against the embedded moto,
and the plugin end to end in pytest sessions of their own: a clean one passes; a secret in a
log or in a test's output fails the scan test, one in the JUnit XML or written during teardown
fails the session, each naming the file.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import os
import secrets
import subprocess
import sys
import urllib.parse
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tfharness.checks import leaks
from tfharness.checks.leaks import SecretRegistry, harvest, looks_secret, scan
from tfharness.deploying.emulator import DUMMY_CREDENTIALS, Endpoint

pytestmark = pytest.mark.harness

# What GetRandomPassword may return: every character an escaping step changes.
PASSWORD = "Zq<8>&w+/k'3%m~J=Lp!x9"


def go_json(text: str) -> str:
    """As Go's encoding/json writes a string (Terraform's state and plans)."""
    body = json.dumps(text, ensure_ascii=False)
    return body.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _zip(member: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, content)
    return buffer.getvalue()


def _junit(value: str) -> bytes:
    case = ET.Element("testcase", name="t", message=value)
    ET.SubElement(case, "failure").text = f"assert {value!r} == ''"
    return ET.tostring(case)


def _document(value: str) -> str:
    return json.dumps({"username": "app", "password": value, "port": 5432})


# Each writer puts the value in a file the way one kind of artefact would hold it.
PLANTS: dict[str, Callable[[str], bytes]] = {
    "a plain log line": lambda v: f"2026-01-01 LOG: password {v} accepted\n".encode(),
    "a JSON body (Python)": lambda v: json.dumps({"SecretString": v}).encode(),
    "a secret document in a JSON string": lambda v: json.dumps(
        {"SecretString": _document(v)}
    ).encode(),
    "Terraform state (Go JSON)": lambda v: ('{"attributes":{"value":' + go_json(v) + "}}").encode(),
    "state holding a document (Go JSON twice)": lambda v: (
        '{"secret_string":' + go_json('{"password":' + go_json(v) + "}") + "}"
    ).encode(),
    "JUnit XML (ElementTree)": _junit,
    "a form body (urlencode)": lambda v: urllib.parse.urlencode(
        {"Action": "CreateDBInstance", "MasterUserPassword": v}
    ).encode(),
    "a query string (quote)": lambda v: f"GET /?token={urllib.parse.quote(v)} 200".encode(),
    **{
        f"base64 of a document, value at byte {n}": (
            lambda v, n=n: base64.b64encode(b"x" * n + v.encode() + b"tail")
        )
        for n in range(3)
    },
    "base64 of a JSON document": lambda v: base64.b64encode(_document(v).encode()),
    "base64url of a document": lambda v: base64.urlsafe_b64encode(b"{" + v.encode() + b"}"),
    "a plan file (deflated zip)": lambda v: _zip("tfplan", b"\x00\x01" + v.encode() + b"\x02"),
    "a gzip file": lambda v: gzip.compress(f"line {v}\n".encode()),
    "bytes amid binary": lambda v: os.urandom(4096) + v.encode() + os.urandom(4096),
}


@pytest.fixture
def registry() -> SecretRegistry:
    registry = SecretRegistry()
    registry.remember(PASSWORD, "the planted password")
    return registry


@pytest.mark.parametrize("plant", sorted(PLANTS))
def test_a_planted_secret_is_found_and_its_file_named(plant, registry, tmp_path):
    (tmp_path / "clean.log").write_text("nothing secret here\n")
    planted = tmp_path / "run" / "artefact.bin"
    planted.parent.mkdir()
    planted.write_bytes(PLANTS[plant](PASSWORD))
    result = scan(registry, [tmp_path])
    assert result.files == 2 and result.values == 1
    assert [f.where.split("!")[0].replace(" (gunzipped)", "") for f in result.findings] == [
        str(planted)
    ], result.message()
    assert result.findings[0].source == "value #1, the planted password"
    assert PASSWORD not in result.message()
    assert str(planted) in result.message()


def test_each_form_is_named_in_the_finding(registry, tmp_path):
    (tmp_path / "state.json").write_bytes(PLANTS["Terraform state (Go JSON)"](PASSWORD))
    (tmp_path / "body.txt").write_bytes(PLANTS["a form body (urlencode)"](PASSWORD))
    (tmp_path / "blob.b64").write_bytes(base64.b64encode(PASSWORD.encode()))
    forms = {Path(f.where).name: f.encoding for f in scan(registry, [tmp_path]).findings}
    assert forms["state.json"] == "JSON-escaped (Go)"
    assert forms["body.txt"] == "URL-encoded"  # urlencode's quote_plus: the same, no spaces
    assert forms["blob.b64"].startswith("base64, from byte 0")


def test_a_value_straddling_two_chunks_of_a_large_file_is_found(registry, tmp_path, monkeypatch):
    monkeypatch.setattr(leaks, "CHUNK", 7)  # so the file is read in chunks of 7 bytes
    big = tmp_path / "big.log"
    big.write_bytes(b"." * 30 + PASSWORD.encode() + b"." * 30)
    assert [f.where for f in scan(registry, [tmp_path]).findings] == [str(big)]


def test_clean_files_partial_values_and_symlinked_files_are_not_findings(registry, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "provider-binary").write_text(PASSWORD)  # not the run's: reached by a link
    root = tmp_path / "run"
    root.mkdir()
    (root / "partial.log").write_text(PASSWORD[:-1] + " and " + PASSWORD[1:])
    (root / "clean.json").write_text(json.dumps({"password": "something else entirely"}))
    (root / "linked").symlink_to(outside / "provider-binary")
    (root / "providers").symlink_to(outside, target_is_directory=True)
    result = scan(registry, [root])
    assert result.findings == [] and result.files == 2


def test_short_values_are_counted_not_searched(tmp_path):
    registry = SecretRegistry()
    registry.remember("short", "a short value")
    registry.remember("short", "the same again")
    (tmp_path / "log").write_text("short")
    result = scan(registry, [tmp_path])
    assert (result.findings, result.values, result.too_short) == ([], 0, 1)


def test_committed_inputs_are_not_searched(registry, tmp_path):
    (tmp_path / "scenario.auto.tfvars.json").write_text(json.dumps({"secret": PASSWORD}))
    published = f"secret_values:\n  api-key: {PASSWORD}\n".encode()
    result = scan(registry, [tmp_path], published=published)
    assert (result.findings, result.values, result.published) == ([], 0, 1)


def test_only_files_changed_since_are_scanned_when_asked(registry, tmp_path):
    old = tmp_path / "old.log"
    old.write_text(PASSWORD)
    os.utime(old, (1_000_000, 1_000_000))
    assert scan(registry, [tmp_path], since=2_000_000).findings == []
    assert len(scan(registry, [tmp_path]).findings) == 1


def test_a_removed_directory_is_scanned_from_what_was_kept(registry, tmp_path):
    root = tmp_path / "server"
    (root / "data").mkdir(parents=True)
    (root / "data" / "pg_wal").write_text(PASSWORD)  # excluded: the database itself
    (root / "server.log").write_text(f"STATEMENT: ALTER ROLE x PASSWORD '{PASSWORD}'")
    registry.track(root, exclude=("data",))
    assert [f.where for f in scan(registry, []).findings] == [str(root / "server.log")]
    registry.release(root)
    for path in sorted(root.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    [finding] = scan(registry, []).findings
    assert finding.where == f"{root / 'server.log'} (removed; its content kept at removal)"


def test_report_texts_are_scanned(registry):
    texts = [("the report of t.py::t (call)", f"E   assert {PASSWORD!r} == 'x'")]
    [finding] = scan(registry, [], texts=texts).findings
    assert finding.where == "the report of t.py::t (call)"


def test_documents_are_recorded_by_their_secret_fields():
    registry = SecretRegistry()
    registry.remember_document(_document(PASSWORD), "GetSecretValue of db")
    registry.remember_document(json.dumps({"engine": "postgres", "host": "db.example"}), "plain")
    registry.remember_document("not json at all, but long", "string")
    assert [(s.value.decode(), s.source) for s in registry.secrets] == [
        (PASSWORD, "GetSecretValue of db (password)"),
        (json.dumps({"engine": "postgres", "host": "db.example"}), "plain (the whole document)"),
        ("not json at all, but long", "string"),
    ]


@pytest.mark.parametrize(
    ("key", "secret"),
    [
        ("password", True),
        ("masterUserPassword", True),
        ("api_key", True),
        ("client-secret", True),
        ("token", True),
        ("secret_arn", False),
        ("kms_key_id", False),
        ("username", False),
        ("token_type", False),
        ("password_length", False),
    ],
)
def test_which_fields_look_secret(key, secret):
    assert looks_secret(key) is secret


# Botocore hooks, against the embedded moto ------------------------------------------------
@pytest.fixture
def active() -> Iterator[SecretRegistry]:
    registry = SecretRegistry()
    leaks.activate(registry)
    try:
        yield registry
    finally:
        leaks.deactivate(registry)


def test_harness_clients_and_code_under_tests_own_clients_are_watched(active, endpoint: Endpoint):
    import boto3

    name = f"tfharness-leaks-{secrets.token_hex(4)}"
    ours = endpoint.boto3_client("secretsmanager")
    ours.create_secret(Name=name, SecretString=_document("initial-" + secrets.token_hex(8)))
    # As the rotation function makes its client: boto3's default session, no harness code.
    function = boto3.client(
        "secretsmanager",
        endpoint_url=endpoint.url,
        region_name=endpoint.region,
        aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )
    generated = function.get_random_password(PasswordLength=24)["RandomPassword"]
    function.put_secret_value(
        SecretId=name, SecretString=_document(generated), VersionStages=["AWSPENDING"]
    )
    stored = ours.get_secret_value(SecretId=name, VersionStage="AWSPENDING")["SecretString"]
    leaks.remember("made-by-the-harness-1", "a login")
    sources = {s.value.decode(): s.source for s in active.secrets}
    assert json.loads(stored)["password"] == generated
    assert sources[generated] == "secretsmanager GetRandomPassword response: RandomPassword"
    assert sources["made-by-the-harness-1"] == "a login"
    assert any(v.startswith("initial-") for v in sources)
    assert len(active) == 3  # the document's other fields are not secrets
    ours.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)


def test_harvest_reads_every_version_the_emulator_holds(endpoint: Endpoint):
    name = f"tfharness-harvest-{secrets.token_hex(4)}"
    client = endpoint.boto3_client("secretsmanager")  # no registry active: records nothing
    values = [f"version-{i}-{secrets.token_hex(8)}" for i in range(2)]
    client.create_secret(Name=name, SecretString=values[0])
    client.put_secret_value(SecretId=name, SecretString=values[1])
    registry = SecretRegistry()
    leaks.activate(registry)
    try:
        read = harvest(lambda region: endpoint.boto3_client("secretsmanager"), [endpoint.region])
    finally:
        leaks.deactivate(registry)
        client.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)
    assert read >= 2
    assert set(values) <= {s.value.decode() for s in registry.secrets}


# The plugin, end to end, in sessions of its own --------------------------------------------
INNER = """
import base64, os, urllib.parse
import pytest
from tfharness.checks import leaks

SECRET, PLANT = os.environ["PLANTED"], os.environ["PLANT"]


@pytest.mark.secret_scan
def test_scan(secret_scan):  # first in the file: the plugin runs it last
    secret_scan.check()


@pytest.fixture(scope="session")
def after_the_scan(tmp_path_factory):
    yield
    if PLANT == "teardown":
        path = tmp_path_factory.getbasetemp() / "destroy" / "terraform.tfstate.backup"
        path.parent.mkdir()
        path.write_bytes(base64.b64encode(b'{"value": "' + SECRET.encode() + b'"}'))


def test_plants(tmp_path, after_the_scan, record_testsuite_property):
    leaks.remember(SECRET, "the planted secret")
    if PLANT == "log":
        (tmp_path / "moto.log").write_text("POST /?" + urllib.parse.quote(SECRET) + " 200")
        print("debug:", SECRET)
    elif PLANT == "junit":
        record_testsuite_property("planted", SECRET)
"""


def inner_session(tmp_path: Path, plant: str) -> tuple[subprocess.CompletedProcess, str, str]:
    project = tmp_path / "project"
    project.mkdir()
    (project / "test_inner.py").write_text(INNER)
    junit = tmp_path / "junit.xml"
    value = secrets.token_urlsafe(18) + "+/="  # URL-encoding changes it
    env = {**os.environ, "PLANTED": value, "PLANT": plant}
    env.pop("PYTEST_ADDOPTS", None)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-ra", "test_inner.py",
         f"--basetemp={tmp_path / 'basetemp'}", f"--junitxml={junit}"],
        cwd=project, env=env, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    return done, value, junit.read_text() if junit.is_file() else ""


@pytest.mark.inner_session
def test_a_clean_session_passes(tmp_path):
    done, _, _ = inner_session(tmp_path, "clean")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "tfharness: secret scan" in done.stdout
    assert "scan test: 1 secret values" in done.stdout and "reports: clean" in done.stdout
    assert "the JUnit XML and the later reports: clean" in done.stdout


@pytest.mark.inner_session
def test_a_secret_in_a_log_or_a_tests_output_fails_the_scan_test_naming_it(tmp_path):
    done, value, junit = inner_session(tmp_path, "log")
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "FAILED test_inner.py::test_scan" in out and "1 passed" in out
    log = tmp_path / "basetemp" / "test_plants0" / "moto.log"
    assert f"{log}: value #1, the planted secret (URL-encoded, / kept)" in out
    assert "the captured stdout call of test_inner.py::test_plants: value #1" in out
    assert value not in out and value not in junit


@pytest.mark.inner_session
def test_a_secret_in_the_junit_xml_fails_the_session_naming_it(tmp_path):
    done, value, junit = inner_session(tmp_path, "junit")
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "2 passed" in out  # the scan test could not see it: the XML is written last
    assert f"{tmp_path / 'junit.xml'}: value #1, the planted secret (plain)" in out
    assert value not in out and value in junit


@pytest.mark.inner_session
def test_a_secret_written_during_teardown_fails_the_session_naming_it(tmp_path):
    done, value, junit = inner_session(tmp_path, "teardown")
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "2 passed" in out
    backup = tmp_path / "basetemp" / "destroy" / "terraform.tfstate.backup"
    assert f"{backup}: value #1, the planted secret (base64" in out
    assert value not in out and value not in junit
