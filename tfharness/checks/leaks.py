"""Secret values a test run handled, and a search of every file it wrote for them.

The integration and rotation tiers generate passwords and rotate secrets. Plans, state and
outputs are kept free of them by design (write-only arguments); this module checks the rest of
what a run leaves behind: run directories, plan files, state and its backups, emulator and
database logs, Terraform logs, the JUnit XML and the reports the summary prints.

**The values** (``SecretRegistry``), kept in memory only, never written anywhere:

* ``watch(client)``: a botocore hook on a client records the request and response fields that
  carry secrets (``REQUEST_FIELDS``, ``RESPONSE_FIELDS``: SecretString and SecretBinary of
  Secrets Manager, GetRandomPassword, SecureString parameters, master passwords, access keys).
  ``Endpoint.boto3_client`` watches every client the harness makes, and ``watch_default_session()``
  boto3's default session, whose clients are what code under test makes for itself (the rotation
  function's ``boto3.client("secretsmanager")``: what createSecret generates and stores).
  A JSON document (a connection secret) is recorded by its secret-looking string fields
  (``looks_secret``: password, token, api key, ...; not ids, ARNs or names), or whole when it
  has none.
* ``remember(value, source)``: passwords the harness makes itself (database logins).
* ``harvest(client_for)``: every version of every secret an emulator still holds, read at scan
  time: what Terraform wrote (the rds master password from GetRandomPassword, never seen by the
  harness's own clients).

Values shorter than ``MIN_LENGTH`` characters are not searched (chance matches in any log) and
are counted in the report. Each value keeps a ``source`` label (operation, secret name, field):
findings name the file and the label, never the value.

**The forms** a value takes in a file (``needles``): plain; JSON-escaped as Python writes it and
as Go does (Terraform's state, plans and ``show -json`` escape ``<``, ``>`` and ``&``), also
twice (a secret document inside a JSON string: a logged request body, a state attribute); XML
and HTML escaped (JUnit); URL and form encoded (query strings, query-protocol bodies); base64
and base64url, of the value and of its JSON-escaped form, at each of the three byte alignments
(the part any base64 text holding the value must contain, whatever surrounds it). Not covered:
hex, ciphertext (that is the point of encryption), other compressions, fragments of a value.

**The files** (``scan``): every regular file under the given roots, symlinks not followed (the
provider binaries a workspace links to are not the run's); zip archives (plan files, Lambda
packages) and gzip files are also searched decompressed. ``track()``/``release()`` let a
component that deletes its directory (a database server's) have it scanned while it exists and
its files kept in memory when it goes, so a scan after it still sees them.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import hashlib
import html
import io
import json
import os
import re
import threading
import time
import urllib.parse
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MIN_LENGTH = 8
CHUNK = 8 * 1024 * 1024
_SECRET_WORDS = ("password", "passwd", "passphrase", "secret", "token", "credential", "privatekey")
_NOT_SECRET_ENDINGS = ("arn", "id", "name", "type", "version", "url", "length")

# (service, operation) -> the request parameters / response fields that hold a secret. A path
# is a dotted list of keys; "[]" walks a list. Fields that hold a JSON document are split by
# `looks_secret` (see `SecretRegistry.remember_document`).
REQUEST_FIELDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("secretsmanager", "CreateSecret"): ("SecretString", "SecretBinary"),
    ("secretsmanager", "PutSecretValue"): ("SecretString", "SecretBinary"),
    ("secretsmanager", "UpdateSecret"): ("SecretString", "SecretBinary"),
    ("ssm", "PutParameter"): ("Value",),  # only Type=SecureString (see `_request`)
    ("rds", "CreateDBInstance"): ("MasterUserPassword",),
    ("rds", "ModifyDBInstance"): ("MasterUserPassword",),
    ("rds", "CreateDBCluster"): ("MasterUserPassword",),
    ("rds", "ModifyDBCluster"): ("MasterUserPassword",),
}
RESPONSE_FIELDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("secretsmanager", "GetSecretValue"): ("SecretString", "SecretBinary"),
    ("secretsmanager", "BatchGetSecretValue"): (
        "SecretValues.[].SecretString",
        "SecretValues.[].SecretBinary",
    ),
    ("secretsmanager", "GetRandomPassword"): ("RandomPassword",),
    ("iam", "CreateAccessKey"): ("AccessKey.SecretAccessKey",),
    ("ssm", "GetParameter"): ("Parameter",),  # only SecureString values (see `_parameters`)
    ("ssm", "GetParameters"): ("Parameters.[]",),
    ("ssm", "GetParametersByPath"): ("Parameters.[]",),
}


@dataclass(frozen=True)
class Secret:
    """One value and where it was seen (the label findings print; never the value)."""

    value: bytes = field(repr=False)
    source: str
    number: int = 0  # in the order the session saw them: tells apart values of one source

    @property
    def label(self) -> str:
        return f"value #{self.number}, {self.source}"


@dataclass(frozen=True)
class Finding:
    """A value found somewhere it must not be."""

    where: str  # a file (``archive.zip!member`` inside an archive) or a report
    source: str  # which value: its number and where the session saw it
    encoding: str  # the forms it was found in

    def __str__(self) -> str:
        return f"{self.where}: {self.source} ({self.encoding})"


class SecretRegistry:
    """The secret values one session handled (in memory only), and what it must scan."""

    def __init__(self, min_length: int = MIN_LENGTH) -> None:
        self.min_length = min_length
        self._short: set[bytes] = set()
        self._values: dict[bytes, Secret] = {}
        self._lock = threading.Lock()
        # Directories that hold artefacts while they exist: path -> subdirectories not scanned.
        self.directories: dict[Path, tuple[str, ...]] = {}
        # Files of released directories: path -> (content, when it was kept).
        self.kept: dict[Path, tuple[bytes, float]] = {}

    # Values -----------------------------------------------------------------------------
    def remember(self, value: str | bytes | None, source: str) -> None:
        """Record a value (str or bytes); None, empty and short values are not searched."""
        if value is None:
            return
        raw = value.encode() if isinstance(value, str) else bytes(value)
        if not raw:
            return
        with self._lock:
            if raw in self._values:
                return
            if len(raw) < self.min_length:
                self._short.add(raw)
                return
            self._values[raw] = Secret(raw, source, len(self._values) + 1)

    def remember_document(self, value: str | bytes | None, source: str) -> None:
        """A secret that may be a JSON document: its secret-looking string fields, else whole."""
        if value is None:
            return
        text = value.decode(errors="replace") if isinstance(value, bytes) else value
        try:
            document = json.loads(text)
        except ValueError:
            document = None
        if not isinstance(document, (dict, list)):
            self.remember(value, source)
            return
        fields = list(_secret_fields(document))
        for path, leaf in fields:
            self.remember(leaf, f"{source} ({path})")
        if not fields:
            self.remember(value, f"{source} (the whole document)")

    @property
    def secrets(self) -> list[Secret]:
        with self._lock:
            return list(self._values.values())

    def __len__(self) -> int:
        return len(self._values)

    @property
    def too_short(self) -> int:
        """How many values were too short to search (MIN_LENGTH)."""
        return len(self._short)

    # Botocore hooks ---------------------------------------------------------------------
    def watch(self, events: Any) -> None:
        """Record secrets from every call made through `events` (a client's or a session's
        event emitter). Registered once per registry: watching twice changes nothing."""
        events.register(
            "before-parameter-build", self._request, unique_id=f"tfharness-leaks-{id(self)}-req"
        )
        events.register("after-call", self._response, unique_id=f"tfharness-leaks-{id(self)}-res")

    def unwatch(self, events: Any) -> None:
        events.unregister("before-parameter-build", unique_id=f"tfharness-leaks-{id(self)}-req")
        events.unregister("after-call", unique_id=f"tfharness-leaks-{id(self)}-res")

    def _request(self, params: dict, model: Any, **_: Any) -> None:
        key = (model.service_model.service_name, model.name)
        paths = REQUEST_FIELDS.get(key)
        if not paths or not isinstance(params, dict):
            return
        if key[0] == "ssm" and params.get("Type") != "SecureString":
            return
        name = params.get("SecretId") or params.get("Name") or params.get("DBInstanceIdentifier")
        for path in paths:
            for value in _at(params, path):
                self.remember_document(value, _label("request", key, name, path))

    def _response(self, parsed: Any, model: Any, **_: Any) -> None:
        key = (model.service_model.service_name, model.name)
        paths = RESPONSE_FIELDS.get(key)
        if not paths or not isinstance(parsed, dict):
            return
        name = parsed.get("Name") or parsed.get("ARN")
        for path in paths:
            for value in _at(parsed, path):
                if key[0] == "ssm":
                    if isinstance(value, dict) and value.get("Type") == "SecureString":
                        self.remember_document(
                            value.get("Value"), _label("response", key, value.get("Name"), path)
                        )
                else:
                    self.remember_document(value, _label("response", key, name, path))

    # Directories that go away -----------------------------------------------------------
    def track(self, directory: Path, exclude: tuple[str, ...] = ()) -> None:
        self.directories[Path(directory)] = exclude

    def release(self, directory: Path) -> None:
        """Keep the files of `directory` (but its excluded parts) in memory: it is removed."""
        directory = Path(directory)
        exclude = self.directories.pop(directory, ())
        now = time.time()
        for path in _files(directory, exclude):
            with contextlib.suppress(OSError):
                self.kept[path] = (path.read_bytes(), now)


def _label(kind: str, key: tuple[str, str], name: Any, path: str) -> str:
    subject = f" of {name}" if isinstance(name, str) and name else ""
    return f"{key[0]} {key[1]} {kind}{subject}: {path.replace('.[]', '[]')}"


def _at(data: Any, path: str) -> Iterator[Any]:
    """The values at a dotted `path` ("[]" walks a list)."""
    if not path:
        yield data
        return
    head, _, rest = path.partition(".")
    if head == "[]":
        for item in data if isinstance(data, list) else ():
            yield from _at(item, rest)
    elif isinstance(data, dict) and data.get(head) is not None:
        yield from _at(data[head], rest)


def _secret_fields(document: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(path, value) of the string fields of a JSON document whose key looks secret."""
    items = (
        document.items()
        if isinstance(document, dict)
        else enumerate(document)
        if isinstance(document, list)
        else ()
    )
    for key, value in items:
        here = f"{path}.{key}" if path else str(key)
        if isinstance(value, (dict, list)):
            yield from _secret_fields(value, here)
        elif isinstance(value, str) and looks_secret(str(key)):
            yield here, value


def looks_secret(key: str) -> bool:
    """Whether a document's field holds a secret by its name: password, secret, token, api key,
    ...; not what merely names or points at one (secret_arn, kms_key_id, token_type)."""
    word = re.sub(r"[^a-z0-9]", "", key.lower())
    if word.endswith(_NOT_SECRET_ENDINGS):
        return False
    return any(w in word for w in _SECRET_WORDS) or word.endswith("key")


# Encodings ---------------------------------------------------------------------------------
def _go_json(text: str) -> str:
    """A string as Go's encoding/json writes it (Terraform's state, plans, show -json)."""
    escaped = json.dumps(text, ensure_ascii=False)[1:-1]
    for char, code in (("<", "003c"), (">", "003e"), ("&", "0026")):
        escaped = escaped.replace(char, f"\\u{code}")
    return escaped.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _base64_cores(raw: bytes) -> Iterator[tuple[int, bytes, bytes]]:
    """(offset, standard, urlsafe) base64 of `raw` from each of its first three bytes, whole
    groups only: whatever precedes and follows the value, its base64 text contains one of
    these (the value starts at some byte of a 3-byte group; the groups inside it encode alone)."""
    for offset in range(3):
        part = raw[offset:]
        part = part[: len(part) // 3 * 3]
        if part:
            yield offset, base64.b64encode(part), base64.urlsafe_b64encode(part)


def needles(value: bytes, min_length: int = MIN_LENGTH) -> dict[bytes, str]:
    """The byte strings to search for `value`, each with the name of its encoding."""
    found: dict[bytes, str] = {}

    def add(form: bytes | str, name: str) -> None:
        data = form.encode() if isinstance(form, str) else form
        if len(data) >= min_length and data not in found:
            found[data] = name

    add(value, "plain")
    try:
        text = value.decode()
    except UnicodeDecodeError:
        text = None
    texts: dict[str, str] = {}
    if text is not None:
        py_json = json.dumps(text)[1:-1]
        go_json = _go_json(text)
        texts = {
            "plain": text,
            "JSON-escaped": py_json,
            "JSON-escaped (UTF-8)": json.dumps(text, ensure_ascii=False)[1:-1],
            "JSON-escaped (Go)": go_json,
            "JSON-escaped twice": json.dumps(py_json)[1:-1],
            "JSON-escaped twice (Go)": _go_json(go_json),
            "JSON-escaped twice (Python, then Go)": _go_json(py_json),
            "JSON-escaped twice (Go, then Python)": json.dumps(go_json)[1:-1],
        }
        for name, form in texts.items():
            add(form, name)
        add(html.escape(text, quote=False), "XML-escaped")
        add(html.escape(text, quote=True), "HTML-escaped")
        add(
            text.replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace('"', "&quot;"),
            "XML-escaped (attribute)",
        )
        add(urllib.parse.quote(text, safe=""), "URL-encoded")
        add(urllib.parse.quote(text), "URL-encoded, / kept")
        add(urllib.parse.quote_plus(text, safe=""), "form-encoded")
    sources = {"plain": value}
    for name in ("JSON-escaped", "JSON-escaped (Go)"):
        if name in texts:
            sources[name] = texts[name].encode()
    for name, raw in sources.items():
        what = "" if name == "plain" else f" of the {name} form"
        for offset, standard, urlsafe in _base64_cores(raw):
            add(standard, f"base64{what}, from byte {offset}")
            add(urlsafe, f"base64url{what}, from byte {offset}")
    return found


# Scanning ----------------------------------------------------------------------------------
def _files(root: Path, exclude: tuple[str, ...] = ()) -> Iterator[Path]:
    """Regular files under `root` (itself, if a file); symlinks are not followed."""
    if root.is_symlink():
        return
    if root.is_file():
        yield root
        return
    for directory, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(directory)
        if here == root:
            dirnames[:] = [d for d in dirnames if d not in exclude]
        for name in sorted(filenames):
            path = here / name
            with contextlib.suppress(OSError):
                if not path.is_symlink() and path.is_file():
                    yield path


class Scanner:
    """Searches bytes for every form of every value of a registry (built once per scan)."""

    def __init__(self, secrets: Iterable[Secret], min_length: int = MIN_LENGTH) -> None:
        self.table: dict[bytes, list[tuple[str, str]]] = {}
        for secret in secrets:
            for needle, encoding in needles(secret.value, min_length).items():
                self.table.setdefault(needle, []).append((secret.label, encoding))
        self.longest = max((len(n) for n in self.table), default=1)
        self._seen: dict[str, set[bytes]] = {}  # content digest -> needles found in it

    def search(self, chunks: Iterable[bytes]) -> set[bytes]:
        found: set[bytes] = set()
        tail = b""
        for chunk in chunks:
            window = tail + chunk
            found.update(n for n in self.table if n not in found and n in window)
            tail = window[-(self.longest - 1) :] if self.longest > 1 else b""
        return found

    def findings(self, where: str, found: set[bytes]) -> list[Finding]:
        """One finding per value found in `where`, with every form it was found in."""
        forms: dict[str, list[str]] = {}
        for needle in found:
            for source, encoding in self.table[needle]:
                forms.setdefault(source, []).append(encoding)
        return [
            Finding(where, source, "; ".join(sorted(set(encodings))))
            for source, encodings in sorted(forms.items())
        ]

    def scan_bytes(self, where: str, data: bytes) -> list[Finding]:
        """`data` as it is, and decompressed when it is a zip archive or gzip."""
        digest = hashlib.sha256(data).hexdigest()
        if digest not in self._seen:
            self._seen[digest] = self.search([data])
        results = self.findings(where, self._seen[digest])
        if data[:2] == b"\x1f\x8b":
            with contextlib.suppress(OSError, EOFError, gzip.BadGzipFile):
                results += self.scan_bytes(f"{where} (gunzipped)", gzip.decompress(data))
        elif data[:4] == b"PK\x03\x04":
            results += self._scan_zip(where, data)
        return results

    def _scan_zip(self, where: str, data: bytes) -> list[Finding]:
        results: list[Finding] = []
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            return results
        with archive:
            for member in archive.infolist():
                if member.is_dir():
                    continue
                with contextlib.suppress(zipfile.BadZipFile, OSError, RuntimeError):
                    results += self.scan_bytes(f"{where}!{member.filename}", archive.read(member))
        return results

    def scan_file(self, path: Path) -> list[Finding]:
        try:
            size = path.stat().st_size
            if size <= 4 * CHUNK:
                return self.scan_bytes(str(path), path.read_bytes())
            with path.open("rb") as stream:  # large: in chunks, not unpacked
                return self.findings(str(path), self.search(iter(lambda: stream.read(CHUNK), b"")))
        except OSError:  # removed while we looked (a log rotated, a workspace cleaned)
            return []


@dataclass
class ScanResult:
    findings: list[Finding]
    values: int  # searched for
    too_short: int  # not searched: shorter than the registry's min_length
    files: int
    published: int = 0  # not searched: written in the project's own files (inputs)
    harvested: int = 0  # secret versions read from the emulator before the scan

    def message(self, limit: int = 60) -> str:
        lines = [str(f) for f in self.findings]
        shown = lines[:limit] + (
            [f"... and {len(lines) - limit} more"] if len(lines) > limit else []
        )
        return (
            f"{len(self.findings)} secret value(s) found in what this run wrote (the file, then "
            "which value and in which form; values are never printed):\n  " + "\n  ".join(shown)
        )


def scan(
    registry: SecretRegistry,
    roots: Iterable[Path],
    *,
    texts: Iterable[tuple[str, str]] = (),
    since: float | None = None,
    published: bytes = b"",
) -> ScanResult:
    """Search every file under `roots`, the tracked directories, the kept files and `texts`
    (label, text: reports held in memory) for every value of `registry`.

    With `since`, only files modified (and kept) at or after that time. Values found in
    `published` (the project's own committed files: scenario inputs) are not the run's
    secrets and are not searched.
    """
    wanted = [s for s in registry.secrets if not (published and s.value in published)]
    scanner = Scanner(wanted, registry.min_length)
    findings: list[Finding] = []
    seen: set[Path] = set()
    count = 0
    sources = [(Path(r), ()) for r in roots] + list(registry.directories.items())
    for root, exclude in sources:
        if not root.exists():
            continue
        for path in _files(root, exclude):
            resolved = path.resolve()
            if resolved in seen:
                continue
            seen.add(resolved)
            if since is not None:
                with contextlib.suppress(OSError):
                    if path.stat().st_mtime < since:
                        continue
            count += 1
            findings += scanner.scan_file(path)
    for path, (data, kept_at) in registry.kept.items():
        if since is None or kept_at >= since:
            count += 1
            findings += scanner.scan_bytes(f"{path} (removed; its content kept at removal)", data)
    for label, text in texts:
        findings += scanner.scan_bytes(label, text.encode(errors="replace"))
    return ScanResult(
        findings, len(wanted), registry.too_short, count, len(registry.secrets) - len(wanted)
    )


# Harvesting what an emulator holds -----------------------------------------------------------
def harvest(client_for: Callable[[str], Any], regions: Iterable[str]) -> int:
    """Read every version of every secret in `regions` through clients from `client_for(region)`
    (watched clients: the reads record the values). Returns how many versions were read."""
    read = 0
    for region in regions:
        client = client_for(region)
        try:
            pages = client.get_paginator("list_secrets").paginate(IncludePlannedDeletion=True)
            arns = [s["ARN"] for page in pages for s in page.get("SecretList", [])]
        except Exception:  # a region the target does not serve
            continue
        for arn in arns:
            with contextlib.suppress(Exception):
                versions = client.list_secret_version_ids(SecretId=arn, IncludeDeprecated=True)
                for version in versions.get("Versions", []):
                    with contextlib.suppress(Exception):
                        client.get_secret_value(SecretId=arn, VersionId=version["VersionId"])
                        read += 1
    return read


# The session's registry, for code that has no pytest config at hand -------------------------
_ACTIVE: list[SecretRegistry] = []


def activate(registry: SecretRegistry) -> None:
    """Make `registry` receive `remember`, `watch`, `track` and `release` calls; watches boto3's
    default session (the clients code under test makes for itself)."""
    if registry not in _ACTIVE:
        _ACTIVE.append(registry)
        registry.watch(_default_session().events)


def deactivate(registry: SecretRegistry) -> None:
    if registry in _ACTIVE:
        _ACTIVE.remove(registry)
        with contextlib.suppress(Exception):
            registry.unwatch(_default_session().events)


def _default_session() -> Any:
    import boto3

    if boto3.DEFAULT_SESSION is None:
        boto3.setup_default_session()
    return boto3.DEFAULT_SESSION


def remember(value: str | bytes | None, source: str) -> None:
    """A secret the harness made itself (a database login's password)."""
    for registry in _ACTIVE:
        registry.remember(value, source)


def watch(client: Any) -> Any:
    """Have the active registries record the secrets `client` sends and receives; returns it."""
    for registry in _ACTIVE:
        registry.watch(client.meta.events)
    return client


def track(directory: Path, exclude: tuple[str, ...] = ()) -> None:
    """A directory of artefacts that will be removed (`release` before removing it)."""
    for registry in _ACTIVE:
        registry.track(directory, exclude)


def release(directory: Path) -> None:
    for registry in _ACTIVE:
        registry.release(directory)
